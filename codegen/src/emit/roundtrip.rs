//! `tests/src/generated/v{version}.rs`: the dispatch table the workspace
//! round-trip test uses to reach the Rust type of every component schema.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use crate::ir::{Models, Origin};
use crate::ApiVersion;

pub fn emit(models: &Models, version: &ApiVersion) -> TokenStream {
    let module = format_ident!("{}", version.module());
    let mut arms = Vec::new();
    let mut names = Vec::new();
    for ty in &models.types {
        if let Origin::Component(spec_name) = &ty.origin {
            let rust = ident(&ty.name);
            arms.push(
                quote!(#spec_name => crate::roundtrip::<::polar_models::#module::#rust>(json),),
            );
            names.push(spec_name.as_str());
        }
    }
    names.sort_unstable();
    let webhook = match models.webhook_event {
        Some(id) => {
            let payload = ident(&models.get(id).name);
            quote!(Some(crate::roundtrip::<::polar_models::#module::#payload>(json)))
        }
        None => quote!({
            let _ = json;
            None
        }),
    };
    quote! {
        #[doc = " Decode `json` as this version's webhook payload enum and encode it"]
        #[doc = " again; `None` when the version has no webhooks."]
        pub fn webhook_roundtrip(json: &str) -> Option<Result<::serde_json::Value, String>> {
            #webhook
        }

        #[doc = " Spec names of every component schema, sorted."]
        pub const SCHEMAS: &[&str] = &[#(#names),*];

        #[doc = " Decode `json` as the Rust type of component `schema` and encode it"]
        #[doc = " again; `None` when the schema is unknown."]
        pub fn roundtrip(schema: &str, json: &str) -> Option<Result<::serde_json::Value, String>> {
            Some(match schema {
                #(#arms)*
                _ => return None,
            })
        }
    }
}
