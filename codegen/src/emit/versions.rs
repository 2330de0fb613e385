//! What spans versions: the roots of the generated trees, which declare one
//! module per API version behind its cargo feature, and the migration guide
//! between two adjacent versions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::changelog::{self, render};
use crate::ir::Models;
use crate::layout::ModelCrate;
use crate::{ApiVersion, Lifecycle};

/// `polar-models/src/generated/mod.rs`, the facade's re-exports: each
/// version's crate behind its feature, as `polar_models::v2026_10`, and the
/// shared crate (when some types are generated once for several versions,
/// see [`crate::ir::sharing`]) under a hidden name `polar-api` uses.
pub fn models_root(versions: &[&ApiVersion], shared: bool) -> TokenStream {
    let modules = versions.iter().map(|version| {
        let module = format_ident!("{}", version.module());
        let krate = format_ident!("{}", ModelCrate::Version(version).rust_name());
        let feature = version.feature();
        quote! {
            #[cfg(feature = #feature)]
            #[doc(inline)]
            pub use ::#krate as #module;
        }
    });
    let shared = shared.then(|| {
        let krate = format_ident!("{}", ModelCrate::Shared.rust_name());
        quote! {
            #[doc(hidden)]
            pub use ::#krate as __shared;
        }
    });
    quote!(#shared #(#modules)*)
}

/// The doc of a generated model crate's root: what it holds and that users
/// reach it through `polar-models`.
pub fn model_crate_doc(krate: ModelCrate<'_>) -> String {
    match krate {
        ModelCrate::Shared => "The types several API versions of Polar define alike, generated \
             once; each version's crate re-exports them. Depend on `polar-models`, which \
             re-exports every version, rather than on this crate."
            .to_owned(),
        ModelCrate::Version(version) => format!(
            "{}\n\nRe-exported by `polar-models` as `polar_models::{}`; depend on \
             `polar-models` (or `polar-api`) rather than on this crate.",
            version_doc(version, "schemas").trim_start(),
            version.module()
        ),
    }
}

/// A generated model crate's `src/lib.rs`: the types live one module down,
/// in `types`, so that `#[rustfmt::skip]` keeps `cargo fmt` out of them (a
/// crate root cannot carry it on stable Rust).
pub fn model_crate_lib() -> TokenStream {
    quote! {
        // docs.rs shows which feature each item needs (its `rustdoc-args`).
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #[rustfmt::skip]
        mod types;
        pub use types::*;
    }
}

/// `polar-api/src/generated/mod.rs`: a module per version (each over that
/// version's operation crate) and the versioned webhook payload.
pub fn api_root(versions: &[&ApiVersion]) -> TokenStream {
    let modules = versions.iter().map(|version| {
        let (module, feature) = (format_ident!("{}", version.module()), version.feature());
        let doc = version_doc(version, "operations");
        quote! {
            #[cfg(feature = #feature)]
            #[doc = #doc]
            pub mod #module;
        }
    });
    let names = versions.iter().map(|v| v.name.as_str());
    let current = versions
        .iter()
        .find(|v| v.lifecycle == Lifecycle::Current)
        .map_or("", |v| v.name.as_str());
    let payloads = emit_versioned_payload(versions);
    quote! {
        #(#modules)*

        #payloads

        #[doc = " Every API version this SDK release was generated for, oldest first,"]
        #[doc = " whether or not its feature is enabled."]
        pub const API_VERSIONS: &[&str] = &[#(#names),*];
        #[doc = " The version Polar served as Current when this release was generated;"]
        #[doc = " its feature is the default."]
        pub const CURRENT_API_VERSION: &str = #current;
    }
}

/// `VersionedWebhookPayload`: a delivery decoded as the version it was sent
/// as, one variant per compiled-in version, and the decoder the webhook
/// router calls.
fn emit_versioned_payload(versions: &[&ApiVersion]) -> TokenStream {
    let (features, modules) = features_and_modules(versions);
    // `V2026_10`: the module name, as a variant.
    let variants: Vec<_> = versions
        .iter()
        .map(|v| format_ident!("V{}", v.name.replace('-', "_")))
        .collect();
    let names: Vec<&str> = versions.iter().map(|v| v.name.as_str()).collect();
    let docs = versions
        .iter()
        .map(|v| format!(" A delivery sent as API version `{}`.", v.name));
    // `__decode` is `#[inline]`, as is the router that calls it, so that
    // the payload decoders (most of the model graph) are compiled in the
    // program that routes webhooks, not in every build of polar-api
    // (BENCHMARKS.md, "Compiled where used").
    quote! {
        #[cfg(feature = "webhooks")]
        #[doc = " A webhook delivery decoded into the payload type of the API version it"]
        #[doc = " was sent as; one variant per version this build includes."]
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum VersionedWebhookPayload {
            #(
                #[cfg(feature = #features)]
                #[doc = #docs]
                #variants(#modules::WebhookPayload),
            )*
        }

        #[cfg(feature = "webhooks")]
        impl VersionedWebhookPayload {
            #[doc = " The API version the delivery was decoded as."]
            pub fn api_version(&self) -> &'static str {
                match *self {
                    #(
                        #[cfg(feature = #features)]
                        Self::#variants(_) => #names,
                    )*
                }
            }

            #[doc = " The event's `type` as Polar sends it (`\"order.paid\"`); see the"]
            #[doc = " version's `WebhookPayload::event_type`."]
            pub fn event_type(&self) -> &str {
                match *self {
                    #(
                        #[cfg(feature = #features)]
                        Self::#variants(ref payload) => payload.event_type(),
                    )*
                }
            }

            #[doc = " Whether this build includes `version`."]
            pub fn is_compiled(version: &str) -> bool {
                match version {
                    #(
                        #[cfg(feature = #features)]
                        #names => true,
                    )*
                    _ => false,
                }
            }

            #[doc(hidden)]
            #[inline]
            pub fn __decode(version: &str, body: &[u8]) -> Option<Result<Self, ::serde_json::Error>> {
                let _ = body;
                match version {
                    #(
                        #[cfg(feature = #features)]
                        #names => Some(crate::__private::decode_json(body).map(Self::#variants)),
                    )*
                    _ => None,
                }
            }
        }
    }
}

/// `tests/src/generated/mod.rs`: the round-trip tables of the versions, and
/// the list of those compiled in.
pub fn tests_root(versions: &[&ApiVersion]) -> TokenStream {
    let (features, modules) = features_and_modules(versions);
    let names = versions.iter().map(|v| v.name.as_str());
    quote! {
        #(
            #[cfg(feature = #features)]
            pub mod #modules;
        )*

        #[doc = " A version's round-trip table."]
        pub struct VersionTable {
            #[doc = " The API version."]
            pub version: &'static str,
            #[doc = " Spec names of every generated component schema, sorted."]
            pub schemas: &'static [&'static str],
            #[doc = " Decode and re-encode JSON as a component's Rust type."]
            pub roundtrip: fn(&str, &str) -> Option<Result<::serde_json::Value, String>>,
            #[doc = " Decode and re-encode JSON as the version's webhook payload."]
            pub webhook_roundtrip: fn(&str) -> Option<Result<::serde_json::Value, String>>,
            #[doc = " Rust names of every generated union, sorted."]
            pub unions: &'static [&'static str],
            #[doc = " Decode and re-encode JSON as a union's Rust type."]
            pub union_roundtrip: fn(&str, &str) -> Option<Result<::serde_json::Value, String>>,
            #[doc = " Decode JSON as a union and ask each of its accessors, in order:"]
            #[doc = " `(name, what it lent, encoded)`."]
            pub union_accessors: fn(&str, &str) -> Option<AccessorAnswers>,
            #[doc = " Rust names of every generated string enum, sorted."]
            pub string_enums: &'static [&'static str],
            #[doc = " What a string enum makes of each value it lists, and of one it"]
            #[doc = " does not (last)."]
            pub string_enum: fn(&str) -> Option<Vec<crate::EnumAnswer>>,
        }

        #[doc = " Each accessor of a union, in order: `(name, what it lent, encoded)`,"]
        #[doc = " or why the JSON did not decode."]
        pub type AccessorAnswers = Result<Vec<(&'static str, Option<::serde_json::Value>)>, String>;

        #[doc = " The tables of every version this build includes, oldest first."]
        #[allow(clippy::vec_init_then_push)]
        pub fn tables() -> Vec<VersionTable> {
            #[allow(unused_mut)]
            let mut tables = Vec::new();
            #(
                #[cfg(feature = #features)]
                tables.push(VersionTable {
                    version: #names,
                    schemas: #modules::SCHEMAS,
                    roundtrip: #modules::roundtrip,
                    webhook_roundtrip: #modules::webhook_roundtrip,
                    unions: #modules::UNIONS,
                    union_roundtrip: #modules::union_roundtrip,
                    union_accessors: #modules::union_accessors,
                    string_enums: #modules::STRING_ENUMS,
                    string_enum: #modules::string_enum,
                });
            )*
            tables
        }
    }
}

/// `tests/tests/generated/conformance_cases.rs`: the per-version case files,
/// and a driver that runs the hand-written check on each compiled-in one.
pub fn conformance_root(versions: &[&ApiVersion]) -> TokenStream {
    let (features, modules) = features_and_modules(versions);
    let files = versions
        .iter()
        .map(|v| format!("conformance_{}.rs", v.module()));
    let names = versions.iter().map(|v| v.name.as_str());
    quote! {
        #(
            #[cfg(feature = #features)]
            #[path = #files]
            pub mod #modules;
        )*

        #[doc = " Runs `check_version` on the cases of every version this build"]
        #[doc = " includes; returns the versions checked."]
        pub async fn every_version() -> Vec<&'static str> {
            #[allow(unused_mut)]
            let mut checked = Vec::new();
            #(
                #[cfg(feature = #features)]
                {
                    super::check_version::<::polar_api::#modules::Version>(#modules::cases()).await;
                    checked.push(#names);
                }
            )*
            checked
        }
    }
}

/// Each version's cargo feature and module identifier, in order.
fn features_and_modules(versions: &[&ApiVersion]) -> (Vec<String>, Vec<proc_macro2::Ident>) {
    versions
        .iter()
        .map(|v| (v.feature(), format_ident!("{}", v.module())))
        .unzip()
}

/// The module doc of a version: its name, lifecycle and feature.
fn version_doc(version: &ApiVersion, what: &str) -> String {
    let when = match version.lifecycle {
        Lifecycle::Deprecated => {
            "Deprecated: still served, frozen, and removed at Polar's next quarterly release"
        }
        Lifecycle::Current => {
            "Current: what the server answers without a `Polar-Version` header; frozen"
        }
        Lifecycle::Next => "Next: the upcoming version, still changing until Polar freezes it",
    };
    format!(
        " The {what} of API version `{}` ({when}). Cargo feature `{}`.",
        version.name,
        version.feature()
    )
}

/// Where the guide from `old` to `new` is written.
pub fn migration_guide_path(old: &ApiVersion, new: &ApiVersion) -> String {
    format!("docs/migrations/{}-to-{}.md", old.name, new.name)
}

/// The guide a user reads before moving from `old` to `new`: the changelog
/// between the two versions' IR, in Rust terms.
pub fn migration_guide(
    old: &ApiVersion,
    old_models: &Models,
    new: &ApiVersion,
    new_models: &Models,
) -> String {
    let changes = changelog::diff_models(old_models, new_models);
    let (breaking, additive) = changes.counts();
    let (from, to) = (old.module(), new.module());
    format!(
        "<!-- @generated by `cargo xtask regen` from the pinned documents of both versions. Do not edit by hand. -->\n\
         # Migrating from API version {old_name} to {new_name}\n\
         \n\
         Moving code from `polar_api::{from}` to `polar_api::{to}` (features `{old_feature}` → \
         `{new_feature}`) means: {breaking} breaking and {additive} additive changes to the \
         generated types and operations, listed below. *Breaking* means code written against \
         `{from}` may stop compiling, or stop doing what it did, against `{to}`; the rules are \
         in the README (*Reviewing a spec refresh*).\n\
         \n\
         Both versions can be enabled at once while you move: change one module path at a time, \
         and let the compiler show what each entry below means for your code. {endpoints}\n\
         \n\
         {body}",
        old_name = old.name,
        new_name = new.name,
        old_feature = old.feature(),
        new_feature = new.feature(),
        body = render::markdown(&changes),
        endpoints = webhook_endpoint_move(new_models, &to),
    )
}

/// How a webhook endpoint moves to the new version, stated only as far as
/// the new document says it: with `update_webhook_endpoint` when its
/// `WebhookEndpointUpdate` has an `api_version`, otherwise what the document
/// lacks, and what Polar's documentation adds, labelled as such.
pub fn webhook_endpoint_move(new_models: &Models, to: &str) -> String {
    let has_api_version = |schema: &str| {
        new_models.component(schema).is_some_and(|id| {
            matches!(
                &new_models.get(id).kind,
                crate::ir::TypeKind::Struct(s) if s.fields.iter().any(|f| f.wire_name == "api_version")
            )
        })
    };
    if has_api_version("WebhookEndpointUpdate") {
        format!(
            "Webhook endpoints keep the version they were created with; move one with \
             `webhooks().update_webhook_endpoint` (`WebhookEndpointUpdate::api_version`) once \
             your handler decodes `{to}` payloads."
        )
    } else {
        format!(
            "This version's document gives webhook endpoints no `api_version` \
             (`WebhookEndpointUpdate` has none), so the SDK cannot move an endpoint to another \
             version. From Polar's documentation, which the document does not state: each \
             endpoint keeps the version it was created with, and is moved in Polar's dashboard; \
             move it once your handler decodes `{to}` payloads."
        )
    }
}
