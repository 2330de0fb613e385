//! `event_type()` on a version's webhook payload enum: the `type` each
//! event is sent with, so a receiver can log or route by it without
//! serializing the payload again.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Models, TypeId, TypeKind};

/// The `impl` with `event_type()` when `id` is the webhook payload enum.
pub(crate) fn emit_event_type(models: &Models, id: TypeId) -> Option<TokenStream> {
    if models.webhook_event != Some(id) {
        return None;
    }
    let ty = models.get(id);
    let TypeKind::Union(union) = &ty.kind else {
        return None;
    };
    let name = ident(&ty.name);
    let arms = union.variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let cfg = variant
            .feature
            .as_ref()
            .map(|feature| quote!(#[cfg(feature = #feature)]));
        // Each event of the `webhooks` section is its own variant, with
        // the event's name as its one tag (`ir::lower`).
        let tag = variant
            .tags
            .first()
            .expect("a webhook event variant has its event type as tag");
        quote!(#cfg Self::#variant_name(_) => #tag,)
    });
    Some(quote! {
        impl #name {
            #[doc = " The event's `type` as Polar sends it (`\"order.paid\"`). For `Unknown`,"]
            #[doc = " the `type` of its JSON (what a delivery always has), or `\"\"` for a"]
            #[doc = " value without one."]
            pub fn event_type(&self) -> &str {
                match self {
                    #(#arms)*
                    Self::Unknown(value) => value
                        .get("type")
                        .and_then(::serde_json::Value::as_str)
                        .unwrap_or(""),
                }
            }
        }
    })
}
