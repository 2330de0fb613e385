//! `tests/src/generated/schemas.rs`: the dispatch table the workspace
//! round-trip test uses to reach the Rust type of every component schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Models, Origin};

pub fn emit(models: &Models) -> TokenStream {
    let mut arms = Vec::new();
    let mut names = Vec::new();
    for ty in &models.types {
        if let Origin::Component(spec_name) = &ty.origin {
            let rust = ident(&ty.name);
            arms.push(quote!(#spec_name => crate::roundtrip::<::polar_models::#rust>(json),));
            names.push(spec_name.as_str());
        }
    }
    names.sort_unstable();
    quote! {
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
