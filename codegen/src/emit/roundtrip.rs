//! `tests/src/generated/v{version}.rs`: the dispatch table the workspace
//! round-trip tests use to reach the Rust type of every component schema,
//! of every union and of every string enum, and each union's accessors.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use crate::ir::{Models, Origin, TypeKind};
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
    let (union_arms, unions) = arms_by_name(
        models,
        |kind| matches!(kind, TypeKind::Union(_)),
        |rust| quote!(crate::roundtrip::<::polar_models::#module::#rust>(json)),
    );
    let mut accessor_arms = Vec::new();
    for (id, methods) in &models.union_methods {
        if methods.accessors.is_empty() {
            continue;
        }
        let ty = models.get(*id);
        let (rust, name) = (ident(&ty.name), ty.name.as_str());
        let calls = methods.accessors.iter().map(|accessor| {
            let method = ident(&accessor.name);
            let label = &accessor.name;
            quote!((#label, crate::lent(value.#method())))
        });
        accessor_arms.push(quote! {
            #name => crate::accessor_values::<::polar_models::#module::#rust>(json, |value| vec![#(#calls),*]),
        });
    }
    let (enum_arms, enums) = arms_by_name(
        models,
        |kind| matches!(kind, TypeKind::Enum(_)),
        |rust| {
            quote!(crate::string_enum_answers::<::polar_models::#module::#rust>(
                ::polar_models::#module::#rust::VALUES,
            ))
        },
    );
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

        #[doc = " Rust names of every generated union (component, inline, of"]
        #[doc = " primitives, the webhook payload), sorted."]
        pub const UNIONS: &[&str] = &[#(#unions),*];

        #[doc = " Decode `json` as the union named `name` and encode it again;"]
        #[doc = " `None` when there is no such union."]
        pub fn union_roundtrip(name: &str, json: &str) -> Option<Result<::serde_json::Value, String>> {
            Some(match name {
                #(#union_arms)*
                _ => return None,
            })
        }

        #[doc = " Rust names of every generated string enum, sorted."]
        pub const STRING_ENUMS: &[&str] = &[#(#enums),*];

        #[doc = " What the string enum named `name` makes of each value it lists, and"]
        #[doc = " of one it does not (last); `None` when there is no such enum."]
        pub fn string_enum(name: &str) -> Option<Vec<crate::EnumAnswer>> {
            Some(match name {
                #(#enum_arms)*
                _ => return None,
            })
        }

        #[doc = " Decode `json` as the union named `name` and ask each of its accessors:"]
        #[doc = " `(accessor, the value it lent, encoded)`; `None` when the union has"]
        #[doc = " no accessors."]
        pub fn union_accessors(name: &str, json: &str) -> Option<super::AccessorAnswers> {
            Some(match name {
                #(#accessor_arms)*
                _ => return None,
            })
        }
    }
}

/// A dispatch arm (`"RustName" => call(RustName),`) for every type whose
/// kind `keep` accepts, in the models' order, and their names, sorted.
fn arms_by_name(
    models: &Models,
    keep: impl Fn(&TypeKind) -> bool,
    call: impl Fn(&proc_macro2::Ident) -> TokenStream,
) -> (Vec<TokenStream>, Vec<&str>) {
    let mut arms = Vec::new();
    let mut names = Vec::new();
    for ty in models.types.iter().filter(|ty| keep(&ty.kind)) {
        let name = ty.name.as_str();
        let body = call(&ident(&ty.name));
        arms.push(quote!(#name => #body,));
        names.push(name);
    }
    names.sort_unstable();
    (arms, names)
}
