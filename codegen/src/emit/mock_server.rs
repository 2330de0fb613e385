//! `polar-mock/src/generated/server/`: for each API version, the table the
//! mock server answers from — built from the same IR as the client's
//! operations, so the two are mirror images.
//!
//! Per operation: its id, method, path template, credentials, success
//! status and answer (the fixture of its response schema), and a decoding
//! function that reads each path and query parameter and the body into the
//! Rust type the client encodes it from (`Issues::path::<Uuid>(..)`,
//! `Issues::body::<CheckoutCreate>(..)`). Per version, as compact JSON
//! parsed once by the mock: the schemas of every operation's inputs and the
//! component schemas they reach, with only what validation reads (types,
//! formats, `required`, `enum`/`const`, bounds, lengths, unions and their
//! discriminators), so that an invalid request is answered with FastAPI's
//! 422 and the place of each problem.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};

use super::mock::{raw_str, VersionFixtures};
use super::models::rust_type_in;
use crate::fixtures::Fixtures;
use crate::ir::{Auth, Models, Operation, ResponseKind};
use crate::layout::MOCK_GENERATED_DIR;
use crate::spec::{ref_name, AdditionalProperties, Parameter, Schema, Spec};
use crate::ApiVersion;

/// `polar-mock/src/generated/server/v2026_10.rs`.
pub fn server_path(version: &ApiVersion) -> String {
    format!("{MOCK_GENERATED_DIR}/server/{}.rs", version.module())
}

/// The body of a CSV export: what the mock answers for every `text/csv`
/// operation (the documents give no schema for it).
const CSV: &str = "id,created_at\n3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43,2026-03-02T10:15:00Z\n";

/// The server table of one version.
pub fn server(
    spec: &Spec,
    models: &Models,
    version: &ApiVersion,
    fixtures: &VersionFixtures,
) -> TokenStream {
    let module = format_ident!("{}", version.module());
    let root = quote!(::polar_models::#module);
    let builder = Fixtures::new(spec);
    let spec_operations = spec.paths.iter().flat_map(|(_, item)| {
        item.operations().map(move |(_, op)| {
            let mut params = item.parameters.clone();
            params.extend(op.parameters.iter().cloned());
            (op, params)
        })
    });
    let mut entries = Vec::new();
    let mut functions = Vec::new();
    let mut responses = Vec::new();
    let mut inputs = Vec::new();
    let mut reached = BTreeSet::new();
    for (index, (op, (spec_op, params))) in
        models.operations.iter().zip(spec_operations).enumerate()
    {
        let decode = format_ident!("decode_{index}");
        let response = match &op.success.kind {
            ResponseKind::Json(_) | ResponseKind::JsonOrPending(_) => {
                let schema = success_schema(spec_op);
                let component = schema
                    .and_then(|s| s.reference.as_deref())
                    .and_then(ref_name)
                    .and_then(|name| fixtures.component_json(name));
                match (component, schema) {
                    (Some(fixture), _) => {
                        let constant = format_ident!("{}", fixture.constant);
                        quote!(Response::Json(super::super::fixtures::#module::json::#constant))
                    }
                    (None, Some(schema)) => {
                        let json = builder
                            .schema(schema)
                            .map(|value| value.to_string())
                            .unwrap_or_else(|_| "null".to_owned());
                        let name = format_ident!("RESPONSE_{index}");
                        let text = raw_str(&json);
                        responses.push(quote!(const #name: &str = #text;));
                        quote!(Response::Json(#name))
                    }
                    (None, None) => quote!(Response::Json("null")),
                }
            }
            ResponseKind::Empty => quote!(Response::Empty),
            ResponseKind::Csv => quote!(Response::Csv(#CSV)),
        };
        let id = &op.operation_id;
        let method = op.http_method;
        let path = &op.path;
        let status = op.success.status;
        let auth = match op.auth {
            Auth::Organization => quote!(Auth::Organization),
            Auth::Public => quote!(Auth::Public),
            Auth::Portal => quote!(Auth::Portal),
            Auth::PortalMember => quote!(Auth::PortalMember),
            Auth::PortalPublic => quote!(Auth::PortalPublic),
        };
        entries.push(quote! {
            Operation {
                id: #id,
                method: #method,
                path: #path,
                auth: #auth,
                status: #status,
                response: #response,
                decode: #decode,
            }
        });
        functions.push(decode_function(models, &root, op, &decode));
        inputs.push(operation_inputs(op, spec_op, &params, &mut reached));
    }
    let components = reached_components(spec, reached);
    let inputs_json = json!({"components": components, "operations": inputs}).to_string();
    let inputs_text = raw_str(&inputs_json);
    let name = &version.name;
    quote! {
        use crate::server::decode::{Inputs, Issues};
        use crate::server::table::{Auth, Operation, Response, VersionTable};

        #[doc = " Every operation of this version, in document order."]
        pub(crate) static TABLE: VersionTable = VersionTable {
            version: #name,
            operations: OPERATIONS,
            inputs: INPUTS,
        };

        const OPERATIONS: &[Operation] = &[#(#entries),*];

        #[doc = " What validation reads: each operation's parameter and body schemas"]
        #[doc = " (in the order of `OPERATIONS`) and the component schemas they reach."]
        const INPUTS: &str = #inputs_text;

        #(#responses)*

        #(#functions)*
    }
}

/// `polar-mock/src/generated/server/mod.rs`: a module per version.
pub fn server_root(versions: &[&ApiVersion]) -> TokenStream {
    let modules = versions.iter().map(|version| {
        let module = format_ident!("{}", version.module());
        let feature = version.feature();
        quote! {
            #[cfg(feature = #feature)]
            pub(crate) mod #module;
        }
    });
    quote!(#(#modules)*)
}

/// The function that decodes an operation's inputs into the types the
/// client encodes them from, reporting what does not decode.
fn decode_function(
    models: &Models,
    root: &TokenStream,
    op: &Operation,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let mut steps = Vec::new();
    for param in &op.path_params {
        let ty = rust_type_in(models, &param.ty, root);
        let wire = &param.wire_name;
        steps.push(quote!(issues.path::<#ty>(inputs, #wire);));
    }
    for param in &op.query_params {
        let ty = rust_type_in(models, &param.ty, root);
        let wire = &param.wire_name;
        steps.push(if param.many {
            quote!(issues.query_many::<#ty>(inputs, #wire);)
        } else {
            quote!(issues.query::<#ty>(inputs, #wire);)
        });
    }
    if let Some(body) = &op.body {
        let ty = rust_type_in(models, &body.ty, root);
        steps.push(quote!(issues.body::<#ty>(inputs);));
    }
    let doc = format!(" `{}`: its inputs as the client's types.", op.operation_id);
    if steps.is_empty() {
        return quote! {
            #[doc = #doc]
            fn #name(_: &Inputs, _: &mut Issues) {}
        };
    }
    quote! {
        #[doc = #doc]
        fn #name(inputs: &Inputs, issues: &mut Issues) {
            #(#steps)*
        }
    }
}

fn success_schema(op: &crate::spec::Operation) -> Option<&Schema> {
    op.responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r.content.get("application/json"))
        .and_then(|m| m.schema.as_ref())
}

/// `{"path": [...], "query": [...], "body": {...} | null}` of one operation.
fn operation_inputs(
    op: &Operation,
    spec_op: &crate::spec::Operation,
    params: &[Parameter],
    reached: &mut BTreeSet<String>,
) -> Value {
    let schema_of = |name: &str, reached: &mut BTreeSet<String>| {
        let schema = params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.schema.as_ref());
        match schema {
            Some(schema) => validation_schema(schema, reached),
            None => json!({}),
        }
    };
    let path: Vec<Value> = op
        .path_params
        .iter()
        .map(|p| json!({"name": p.wire_name, "schema": schema_of(&p.wire_name, reached)}))
        .collect();
    let query: Vec<Value> = op
        .query_params
        .iter()
        .map(|p| {
            json!({
                "name": p.wire_name,
                "required": p.required,
                "deep": p.deep_object,
                "schema": schema_of(&p.wire_name, reached),
            })
        })
        .collect();
    let body = op.body.as_ref().map(|body| {
        let schema = spec_op
            .request_body
            .as_ref()
            .and_then(|b| b.content.values().next())
            .and_then(|m| m.schema.as_ref())
            .map(|s| validation_schema(s, reached))
            .unwrap_or_else(|| json!({}));
        json!({"required": body.required, "form": body.form, "schema": schema})
    });
    json!({"path": path, "query": query, "body": body})
}

/// The component schemas `names` reach, transitively, as validation
/// schemas, by name.
fn reached_components(spec: &Spec, mut pending: BTreeSet<String>) -> Map<String, Value> {
    let mut done = Map::new();
    while let Some(name) = pending.pop_first() {
        if done.contains_key(&name) {
            continue;
        }
        let Some(schema) = spec.components.schemas.get(&name) else {
            continue;
        };
        let mut reached = BTreeSet::new();
        done.insert(name, validation_schema(schema, &mut reached));
        pending.extend(reached.into_iter().filter(|n| !done.contains_key(n)));
    }
    done
}

/// A schema with only what validation reads; the components it names are
/// added to `reached`.
fn validation_schema(schema: &Schema, reached: &mut BTreeSet<String>) -> Value {
    let mut out = Map::new();
    if let Some(reference) = &schema.reference {
        if let Some(name) = ref_name(reference) {
            reached.insert(name.to_owned());
        }
        out.insert("$ref".into(), json!(reference));
    }
    if let Some(ty) = &schema.ty {
        let names = ty.names();
        out.insert(
            "type".into(),
            if names.len() == 1 {
                json!(names[0])
            } else {
                json!(names)
            },
        );
    }
    if let Some(format) = &schema.format {
        out.insert("format".into(), json!(format));
    }
    if !schema.properties.is_empty() {
        let properties: Map<String, Value> = schema
            .properties
            .iter()
            .map(|(name, property)| (name.clone(), validation_schema(property, reached)))
            .collect();
        out.insert("properties".into(), Value::Object(properties));
    }
    if !schema.required.is_empty() {
        out.insert("required".into(), json!(schema.required));
    }
    if let Some(items) = &schema.items {
        out.insert("items".into(), validation_schema(items, reached));
    }
    if let Some(prefix) = &schema.prefix_items {
        let items: Vec<Value> = prefix
            .iter()
            .map(|s| validation_schema(s, reached))
            .collect();
        out.insert("prefixItems".into(), json!(items));
    }
    match &schema.additional_properties {
        Some(AdditionalProperties::Allowed(allowed)) => {
            out.insert("additionalProperties".into(), json!(allowed));
        }
        Some(AdditionalProperties::Schema(values)) => {
            out.insert(
                "additionalProperties".into(),
                validation_schema(values, reached),
            );
        }
        None => {}
    }
    if let Some(patterns) = &schema.pattern_properties {
        // Keys are not matched against the patterns (see the mock's docs):
        // the values of any key are validated against the first one.
        if let Some(values) = patterns.values().next() {
            out.insert(
                "additionalProperties".into(),
                validation_schema(values, reached),
            );
        }
    }
    for (key, members) in [("anyOf", &schema.any_of), ("oneOf", &schema.one_of)] {
        if let Some(members) = members {
            let members: Vec<Value> = members
                .iter()
                .map(|m| validation_schema(m, reached))
                .collect();
            out.insert(key.into(), json!(members));
        }
    }
    if let Some(discriminator) = &schema.discriminator {
        out.insert(
            "discriminator".into(),
            json!({"propertyName": discriminator.property_name, "mapping": discriminator.mapping}),
        );
    }
    if let Some(values) = &schema.enum_values {
        out.insert("enum".into(), json!(values));
    }
    if let Some(constant) = &schema.const_value {
        out.insert("const".into(), constant.clone());
    }
    let numbers = [
        ("minimum", schema.minimum),
        ("maximum", schema.maximum),
        ("exclusiveMinimum", schema.exclusive_minimum),
        ("exclusiveMaximum", schema.exclusive_maximum),
    ];
    for (key, value) in numbers {
        if let Some(value) = value {
            out.insert(key.into(), number(value));
        }
    }
    let counts = [
        ("minLength", schema.min_length),
        ("maxLength", schema.max_length),
        ("minItems", schema.min_items),
        ("maxItems", schema.max_items),
    ];
    for (key, value) in counts {
        if let Some(value) = value {
            out.insert(key.into(), json!(value));
        }
    }
    Value::Object(out)
}

/// A bound as the document writes it: an integer when it is one.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}
