//! `polar-mock/src/generated/`: for each API version, the fixture of every
//! component schema and of every webhook event ([`fixtures`]), and the
//! roots that declare the versions behind their features ([`root`],
//! [`fixtures_root`]). The mock server's tables are [`super::mock_server`].
//!
//! A fixture is stored as its compact JSON text (a raw string constant) and
//! decoded when its function is called: a Rust literal of every field of
//! every schema would be tens of thousands of lines the compiler has to
//! type-check, while a string constant costs it nothing. The functions are
//! `#[inline]`, so they (and the decoding code of their type) are compiled
//! in the crate that calls them, and only if it does.

use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use crate::fixtures::Fixtures;
use crate::ir::names::{field_name, Namespace};
use crate::ir::{Models, Origin};
use crate::layout::MOCK_GENERATED_DIR;
use crate::spec::{ref_name, Spec};
use crate::ApiVersion;

/// `polar-mock/src/generated/fixtures/v2026_10.rs`.
pub fn fixtures_path(version: &ApiVersion) -> String {
    format!("{MOCK_GENERATED_DIR}/fixtures/{}.rs", version.module())
}

/// Names the generated fixture modules define besides the fixture
/// functions; a schema whose function would take one gets a number.
const RESERVED: &[&str] = &["json", "webhook_event"];

/// One version's fixtures: what [`fixtures`] emits and the server tables
/// refer to.
#[derive(Debug, Clone, Default)]
pub struct VersionFixtures {
    /// (spec name, Rust type name, function name, constant name, JSON), in
    /// document order.
    pub schemas: Vec<SchemaFixture>,
    /// (event type, JSON constant path within the module, JSON).
    pub events: Vec<(String, String, String)>,
    /// Components with no finite instance (no fixture).
    pub without: Vec<String>,
}

/// The fixture of one component schema.
#[derive(Debug, Clone)]
pub struct SchemaFixture {
    pub spec_name: String,
    pub rust_name: String,
    pub function: String,
    pub constant: String,
    pub json: String,
}

impl VersionFixtures {
    /// Every component's fixture and every webhook event's.
    pub fn build(spec: &Spec, models: &Models) -> VersionFixtures {
        let fixtures = Fixtures::new(spec);
        let mut names = Namespace::new();
        for reserved in RESERVED {
            names.reserve(reserved);
        }
        let mut out = VersionFixtures::default();
        for ty in &models.types {
            let Origin::Component(spec_name) = &ty.origin else {
                continue;
            };
            let Some(Ok(value)) = fixtures.component(spec_name) else {
                out.without.push(spec_name.clone());
                continue;
            };
            let function = names.claim(&field_name(&ty.name));
            let constant = crate::ir::names::unraw(&function).to_uppercase();
            out.schemas.push(SchemaFixture {
                spec_name: spec_name.clone(),
                rust_name: ty.name.clone(),
                function,
                constant,
                json: value.to_string(),
            });
        }
        for (index, (event, item)) in spec.webhooks.iter().enumerate() {
            let Some(schema) = item.webhook_body() else {
                continue;
            };
            // An event whose payload is a component shares its fixture.
            let component = schema
                .reference
                .as_deref()
                .and_then(ref_name)
                .and_then(|name| out.schemas.iter().find(|s| s.spec_name == name));
            let (constant, json) = match component {
                Some(fixture) => (fixture.constant.clone(), fixture.json.clone()),
                None => match fixtures.schema(schema) {
                    Ok(value) => (format!("EVENT_{index}"), value.to_string()),
                    Err(_) => continue,
                },
            };
            out.events.push((event.clone(), constant, json));
        }
        out
    }

    /// The JSON of a component's fixture.
    pub fn component_json(&self, spec_name: &str) -> Option<&SchemaFixture> {
        self.schemas.iter().find(|s| s.spec_name == spec_name)
    }
}

/// A raw string literal holding `text`, with as many `#` as it needs.
pub fn raw_str(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal = Literal::from_str(&format!("r{hashes}\"{text}\"{hashes}"))
        .expect("a raw string literal with enough hashes is a literal");
    quote!(#literal)
}

/// The fixtures module of one version.
pub fn fixtures(models: &Models, version: &ApiVersion, built: &VersionFixtures) -> TokenStream {
    let module = format_ident!("{}", version.module());
    let root = quote!(::polar_models::#module);
    let constants = built.schemas.iter().map(|s| {
        let name = format_ident!("{}", s.constant);
        let json = raw_str(&s.json);
        let doc = format!(" `{}`.", s.spec_name);
        quote!(#[doc = #doc] pub const #name: &str = #json;)
    });
    let event_constants = built
        .events
        .iter()
        .filter(|(_, constant, _)| constant.starts_with("EVENT_"))
        .map(|(event, constant, json)| {
            let name = format_ident!("{constant}");
            let json = raw_str(json);
            let doc = format!(" The `{event}` event.");
            quote!(#[doc = #doc] pub const #name: &str = #json;)
        });
    let table = built.schemas.iter().map(|s| {
        let spec_name = &s.spec_name;
        let constant = format_ident!("{}", s.constant);
        quote!((#spec_name, json::#constant))
    });
    let events = built.events.iter().map(|(event, constant, _)| {
        let constant = format_ident!("{constant}");
        quote!((#event, json::#constant))
    });
    let functions = built.schemas.iter().map(|s| {
        let function = ident(&s.function);
        let rust = ident(&s.rust_name);
        let constant = format_ident!("{}", s.constant);
        let spec_name = &s.spec_name;
        let doc = format!(
            " The fixture of [`{rust_name}`]({root}::{rust_name}) (`{spec_name}`).",
            rust_name = s.rust_name,
            root = root.to_string().replace(' ', ""),
        );
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #function() -> #root::#rust {
                crate::fixtures::__decode(#spec_name, json::#constant)
            }
        }
    });
    let webhook = models.webhook_event.map(|id| {
        let payload = ident(&models.get(id).name);
        quote! {
            #[doc = " The fixture of webhook event `event_type` (`\"order.paid\"`), as this"]
            #[doc = " version's payload enum; `None` when the version has no such event."]
            pub fn webhook_event(event_type: &str) -> Option<#root::#payload> {
                WEBHOOK_EVENTS
                    .iter()
                    .find(|(event, _)| *event == event_type)
                    .map(|(event, json)| crate::fixtures::__decode(event, json))
            }
        }
    });
    let without = &built.without;
    quote! {
        #[doc = " The compact JSON text of every fixture, decoded by the functions."]
        pub mod json {
            #(#constants)*
            #(#event_constants)*
        }

        #[doc = " `(spec name, JSON)` of every component schema's fixture, in document order."]
        pub const SCHEMAS: &[(&str, &str)] = &[#(#table),*];

        #[doc = " `(event type, JSON)` of every webhook event's fixture, in document order."]
        pub const WEBHOOK_EVENTS: &[(&str, &str)] = &[#(#events),*];

        #[doc = " Component schemas with no fixture: they have no finite instance."]
        pub const WITHOUT_FIXTURE: &[&str] = &[#(#without),*];

        #webhook

        #(#functions)*
    }
}

/// `polar-mock/src/generated/fixtures/mod.rs`: a module per version.
pub fn fixtures_root(versions: &[&ApiVersion]) -> TokenStream {
    let modules = versions.iter().map(|version| {
        let module = format_ident!("{}", version.module());
        let feature = version.feature();
        let doc = format!(
            " The fixtures of API version {}: a function per component schema, \
             returning its model type (feature `{feature}`).",
            version.name
        );
        quote! {
            #[cfg(feature = #feature)]
            #[doc = #doc]
            pub mod #module;
        }
    });
    quote!(#(#modules)*)
}

/// `polar-mock/src/generated/mod.rs`: the version modules and the tables of
/// every version this build includes.
pub fn root(versions: &[&ApiVersion], current: Option<&ApiVersion>) -> TokenStream {
    let pushes = versions.iter().map(|version| {
        let module = format_ident!("{}", version.module());
        let feature = version.feature();
        let name = &version.name;
        quote! {
            #[cfg(feature = #feature)]
            all.push(Tables {
                version: #name,
                schemas: fixtures::#module::SCHEMAS,
                webhook_events: fixtures::#module::WEBHOOK_EVENTS,
                server: &server::#module::TABLE,
            });
        }
    });
    let client = current.map(|version| {
        let module = format_ident!("{}", version.module());
        let feature = version.feature();
        let doc = format!(
            " A client of API version {} (Polar's Current version when this crate was \
             generated) for this mock: its base URL and organization token.",
            version.name
        );
        quote! {
            #[cfg(feature = #feature)]
            impl crate::MockPolar {
                #[doc = #doc]
                pub fn client(&self) -> ::polar_api::#module::Client {
                    self.client_for::<::polar_api::#module::Version>()
                }
            }
        }
    });
    quote! {
        pub mod fixtures;
        pub(crate) mod server;

        #[doc = " One version's generated tables."]
        pub(crate) struct Tables {
            pub version: &'static str,
            pub schemas: &'static [(&'static str, &'static str)],
            pub webhook_events: &'static [(&'static str, &'static str)],
            pub server: &'static crate::server::table::VersionTable,
        }

        #[doc = " The tables of every version this build includes, oldest first."]
        #[allow(clippy::vec_init_then_push)]
        pub(crate) fn versions() -> Vec<Tables> {
            #[allow(unused_mut)]
            let mut all = Vec::new();
            #(#pushes)*
            all
        }

        #client
    }
}

/// The generated block of `polar-mock/Cargo.toml`: a feature per version
/// (the Current one by default), each turning on that version in
/// `polar-models` and `polar-api`.
pub fn manifest_block(versions: &[&ApiVersion]) -> String {
    use super::features::{BLOCK_BEGIN, BLOCK_END};
    let current = versions
        .iter()
        .find(|v| v.lifecycle == crate::Lifecycle::Current)
        .or(versions.last());
    let mut out = format!("{BLOCK_BEGIN}\n");
    let default = current
        .map(|v| format!("\"{}\"", v.feature()))
        .unwrap_or_default();
    out.push_str(&format!("default = [{default}]\n"));
    for version in versions {
        let feature = version.feature();
        out.push_str(&format!(
            "{feature} = [\"polar-models/{feature}\", \"polar-api/{feature}\"]\n"
        ));
    }
    out.push_str(BLOCK_END);
    out.push('\n');
    out
}
