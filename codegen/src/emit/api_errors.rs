//! A version's error bodies: `ApiErrorBody` (a variant per type the spec
//! documents as an error response body) and the decoder that picks one by
//! operation and status, in `operations/error_body.rs`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::ident;
use crate::ir::{Models, TypeRef};

/// The version's error decoder and the `ApiErrorBody` enum: one variant per
/// type the spec documents as an error response body anywhere.
pub(super) fn error_body(models: &Models) -> TokenStream {
    // Each variant comes with the groups of the operations that document
    // it, as its type does (`ir::features`): a build compiles the error
    // bodies of its own operations only. `ApiErrorBody` is non-exhaustive,
    // so a variant more under more features breaks no `match`.
    let mut variants: BTreeMap<String, (TokenStream, BTreeSet<&str>)> = BTreeMap::new();
    for op in &models.operations {
        let feature = crate::ir::features::group_feature(&op.group);
        for error in &op.errors {
            let name = error_variant_name(models, &error.ty);
            let ty = super::api::model_type(models, &error.ty);
            variants
                .entry(name)
                .or_insert_with(|| (ty, BTreeSet::new()))
                .1
                .insert(feature);
        }
    }
    let defs = variants.iter().map(|(name, (ty, features))| {
        let variant = ident(name);
        let doc = format!(" A `{name}` error body.");
        let cfg = match features.len() {
            1 => {
                let feature = features.first();
                quote!(#[cfg(feature = #feature)])
            }
            _ => {
                let features = features.iter();
                quote!(#[cfg(any(#(feature = #features),*))])
            }
        };
        quote! {
            #cfg
            #[doc = #doc]
            #variant(#ty),
        }
    });
    // Each arm comes with its operation's group (a subset of its variant's).
    let mut arms = Vec::new();
    for op in &models.operations {
        let operation_id = &op.operation_id;
        let feature = crate::ir::features::group_feature(&op.group);
        for error in &op.errors {
            let status = Literal::u16_unsuffixed(error.status);
            let variant = ident(&error_variant_name(models, &error.ty));
            arms.push(quote! {
                #[cfg(feature = #feature)]
                (#operation_id, #status) => crate::__private::decode_error_body(body, ApiErrorBody::#variant, ApiErrorBody::Unknown),
            });
        }
    }
    // The parameters are read even when there is no arm (a spec without
    // error bodies) or every arm is left out with its group.
    let matcher = if arms.is_empty() {
        // No `match` with a lone wildcard arm (clippy's
        // `match_single_binding`).
        quote! {
            {
                let _ = (operation, status, body);
                None::<ApiErrorBody>
            }
        }
    } else {
        quote! {
            {
                let _ = (operation, status, body);
                match (operation, status) {
                    #(#arms)*
                    _ => None::<ApiErrorBody>,
                }
            }
        }
    };
    quote! {
        #[doc = " This version's [`crate::__private::ErrorDecoder`]: the error body the"]
        #[doc = " spec documents for an operation and status, as an `ApiErrorBody`."]
        #[doc(hidden)]
        pub fn decode(
            operation: &'static str,
            status: u16,
            body: &[u8],
        ) -> Option<crate::__private::TypedErrorBody> {
            #matcher.map(crate::__private::erase_error_body)
        }

        #[doc = " The typed body of an error response, for the statuses the spec"]
        #[doc = " documents. `Error::Api` also keeps the raw body."]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum ApiErrorBody {
            #(#defs)*
            #[doc = " A JSON error body that matches none of the documented ones."]
            Unknown(::serde_json::Value),
        }
    }
}

fn error_variant_name(models: &Models, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => models.get(*id).name.clone(),
        _ => "Other".to_owned(),
    }
}
