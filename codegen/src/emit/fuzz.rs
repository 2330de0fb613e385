//! `fuzz/src/generated/`: for each version, the types the `decode` fuzz
//! target decodes (the webhook payload enum and each event's payload, every
//! page type, every union), each with the check that decodes it, so that a
//! type the spec adds is fuzzed without anyone listing it.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use crate::ir::{Models, Origin, TypeKind, TypeRef};
use crate::ApiVersion;

/// Where a version's table goes.
pub fn path(version: &ApiVersion) -> String {
    format!("{DIR}/{}.rs", version.module())
}

/// The directory of the generated tables (in `GENERATED_DIRS`).
pub const DIR: &str = "fuzz/src/generated";

/// Rust names of the types the `decode` target fuzzes in one version, sorted.
pub fn fuzzed_types(models: &Models) -> Vec<&str> {
    let mut names = BTreeSet::new();
    if let Some(id) = models.webhook_event {
        names.insert(models.get(id).name.as_str());
        if let TypeKind::Union(union) = &models.get(id).kind {
            for variant in &union.variants {
                if let TypeRef::Named(member) = &variant.ty {
                    names.insert(models.get(*member).name.as_str());
                }
            }
        }
    }
    for ty in &models.types {
        let page =
            matches!(&ty.origin, Origin::Component(name) if name.starts_with("ListResource"));
        if page || matches!(ty.kind, TypeKind::Union(_)) {
            names.insert(ty.name.as_str());
        }
    }
    names.into_iter().collect()
}

/// `fuzz/src/generated/v{version}.rs`.
pub fn emit(models: &Models, version: &ApiVersion) -> TokenStream {
    let module = format_ident!("{}", version.module());
    let rows = fuzzed_types(models).into_iter().map(|name| {
        let rust = ident(name);
        quote!(crate::Decoded {
            name: #name,
            check: crate::check_roundtrip::<::polar_models::#module::#rust>,
        },)
    });
    quote! {
        #[doc = " The webhook payloads, the pages and the unions of this version, sorted"]
        #[doc = " by name."]
        pub const TYPES: &[crate::Decoded] = &[#(#rows)*];
    }
}

/// `fuzz/src/generated/mod.rs`: every version's table.
pub fn root(versions: &[&ApiVersion]) -> TokenStream {
    let modules: Vec<_> = versions
        .iter()
        .map(|v| format_ident!("{}", v.module()))
        .collect();
    let names = versions.iter().map(|v| v.name.as_str());
    quote! {
        #(pub mod #modules;)*

        #[doc = " Each API version and its table."]
        pub const VERSIONS: &[(&str, &[crate::Decoded])] = &[#((#names, #modules::TYPES),)*];
    }
}
