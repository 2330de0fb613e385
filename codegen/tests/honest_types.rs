//! What the generated signatures say: constants are encoded, not asked for;
//! an operation says which credentials it takes; deprecated parameters are
//! marked; short public names are used where they exist.

mod common;

use codegen::ir::{self, Models, Presence, TypeRef};
use codegen::{Files, Settings};
use common::{field, struct_named};
use serde_json::{json, Value};

/// A small API: an input `Revoke` whose properties the spec fixes
/// (`const: true`, `type: null`, `const: 3`, an optional `const: false`),
/// beside one property a caller chooses.
fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "honest types", "version": "1" },
        "paths": {
            "/things/{id}/revoke": {
                "post": {
                    "operationId": "things:revoke",
                    "security": [{ "oat": ["things:write"] }, { "pat": ["things:write"] }],
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Revoke" }
                    } } },
                    "responses": { "204": { "description": "done" } }
                }
            }
        },
        "components": {
            "schemas": {
                "Revoke": {
                    "type": "object",
                    "required": ["reason", "revoke", "pending_update", "version"],
                    "properties": {
                        "reason": { "type": "string" },
                        "revoke": { "type": "boolean", "const": true },
                        "pending_update": { "type": "null" },
                        "version": { "type": "integer", "const": 3 },
                        "allow_trial": { "anyOf": [{ "type": "boolean", "const": false }, { "type": "null" }] }
                    }
                }
            }
        }
    })
}

fn lower(doc: &Value) -> Models {
    ir::lower(&codegen::spec::parse(&doc.to_string()).expect("parses")).expect("lowers")
}

fn settings() -> Settings {
    Settings {
        spec_sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned(),
        spec_date: "2026-01-02".to_owned(),
    }
}

fn generate(doc: &Value) -> Files {
    codegen::generate(&doc.to_string(), &settings()).expect("generates")
}

/// The generated text of the file whose path ends with `suffix`.
fn file<'f>(files: &'f Files, suffix: &str) -> &'f str {
    let found: Vec<_> = files.iter().filter(|(p, _)| p.ends_with(suffix)).collect();
    match found.as_slice() {
        [(_, text)] => text,
        _ => panic!(
            "one file ending with {suffix}, found {:?}",
            found.iter().map(|(p, _)| p).collect::<Vec<_>>()
        ),
    }
}

// ---- item 8: constants are not parameters --------------------------------

#[test]
fn constants_are_not_constructor_arguments() {
    let m = lower(&document());
    let revoke = struct_named(&m, "Revoke");
    let args: Vec<&str> = revoke
        .constructor_arguments()
        .map(|f| f.wire_name.as_str())
        .collect();
    assert_eq!(args, ["reason"]);
    assert!(field(revoke, "revoke").is_fixed());
    assert!(field(revoke, "version").is_fixed());
    let pending = field(revoke, "pending_update");
    assert!(pending.is_fixed());
    assert_eq!(
        (&pending.ty, pending.presence),
        (&TypeRef::Unit, Presence::Required)
    );
    assert_eq!(field(revoke, "version").int_const, Some(3));
}

#[test]
fn constants_are_encoded_in_their_own_types() {
    let files = generate(&document());
    let text = file(&files, "/types/revoke.rs");
    assert!(
        text.contains("pub fn new(reason: String) -> Self"),
        "{text}"
    );
    assert!(
        text.contains("pub revoke: super::ConstBool<true>,"),
        "{text}"
    );
    assert!(text.contains("pub version: super::ConstInt<3>,"), "{text}");
    assert!(text.contains("pub pending_update: (),"), "{text}");
    assert!(
        text.contains("pub allow_trial: crate::Nullable<super::ConstBool<false>>,"),
        "{text}"
    );
}

// ---- item 9: which credentials an operation takes ------------------------

/// The pinned documents, from `../shared/spec/versions/`.
const PINNED: &[&str] = &["2026-04/2026-07-10.json", "2026-10/2026-08-20.docs.json"];

fn pinned(relative: &str) -> Models {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ lives in the workspace root");
    let path = root.join("../shared/spec/versions").join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    ir::lower(&codegen::spec::parse(&text).expect("parses")).expect("lowers")
}

/// The doc's `**Credentials:**` line.
fn credentials(op: &ir::Operation) -> &str {
    op.doc
        .lines()
        .find(|line| line.starts_with("**Credentials:**"))
        .unwrap_or_else(|| panic!("{} has no credentials line: {}", op.operation_id, op.doc))
}

#[test]
fn every_operation_says_which_credentials_it_takes() {
    for relative in PINNED {
        let m = pinned(relative);
        let mut public = Vec::new();
        let mut no_org = Vec::new();
        for op in &m.operations {
            let line = credentials(op);
            if line.contains("none; the API leaves this operation public") {
                public.push(op.operation_id.as_str());
            }
            if line.contains("An organization access token is not accepted.") {
                no_org.push(op.operation_id.as_str());
            }
        }
        assert_eq!(public.len(), 13, "{relative}: {public:?}");
        no_org.sort_unstable();
        assert_eq!(
            no_org,
            [
                "checkouts:client_confirm",
                "oauth2:authorize",
                "oauth2:clients:oauth2:create_client",
                "oauth2:clients:oauth2:delete_client",
                "oauth2:clients:oauth2:get_client",
                "oauth2:clients:oauth2:update_client",
                "oauth2:userinfo",
                "organizations:create",
            ],
            "{relative}"
        );
        let userinfo = m
            .operations
            .iter()
            .find(|op| op.operation_id == "oauth2:userinfo")
            .expect("oauth2:userinfo");
        assert_eq!(
            credentials(userinfo),
            "**Credentials:** an OpenID Connect (OAuth2) access token. An organization access \
             token is not accepted."
        );
    }
}

#[test]
fn a_portal_client_without_a_session_reaches_only_public_operations() {
    for relative in PINNED {
        let m = pinned(relative);
        let surface = codegen::ir::groups::public_portal_surface(&m).expect("groups");
        let expected = [
            (
                "customers",
                vec![
                    "customer_portal:customers:check_email_update",
                    "customer_portal:customers:verify_email_update",
                ],
            ),
            (
                "license_keys",
                vec![
                    "customer_portal:license_keys:validate",
                    "customer_portal:license_keys:activate",
                    "customer_portal:license_keys:deactivate",
                ],
            ),
            ("organizations", vec!["customer_portal:organizations:get"]),
        ];
        let expected: Vec<(String, Vec<String>)> = expected
            .into_iter()
            .map(|(g, ops)| (g.to_owned(), ops.into_iter().map(str::to_owned).collect()))
            .collect();
        assert_eq!(surface, expected, "{relative}");
    }
}

// ---- item 10: deprecated parameters --------------------------------------

#[test]
fn deprecated_parameters_are_marked() {
    let mut doc = document();
    doc["paths"]["/things"] = json!({
        "get": {
            "operationId": "things:list",
            "security": [{ "oat": [] }],
            "parameters": [
                { "name": "active", "in": "query", "required": false, "deprecated": true,
                  "schema": { "anyOf": [{ "type": "boolean" }, { "type": "null" }] } },
                { "name": "archived", "in": "query", "required": false,
                  "schema": { "type": "boolean", "deprecated": true } },
                { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer" } }
            ],
            "responses": { "204": { "description": "done" } }
        }
    });
    let files = generate(&doc);
    let text = file(&files, "/operations/things.rs");
    for setter in ["active", "archived"] {
        let at = text
            .find(&format!("pub fn {setter}(mut self"))
            .unwrap_or_else(|| panic!("no setter {setter}: {text}"));
        let before = &text[..at];
        let attrs = &before[before.rfind("\n\n").unwrap_or(0)..];
        let attrs = &attrs[attrs.rfind("}\n").map_or(0, |i| i + 2)..];
        assert!(
            attrs.contains("/// **Deprecated** in the API.")
                && attrs.contains("#[deprecated(note = \"deprecated in the API\")]"),
            "{setter}: {attrs}"
        );
    }
    let at = text.find("pub fn limit(mut self").expect("limit");
    let before = &text[..at];
    let attrs = &before[before.rfind("}\n").map_or(0, |i| i + 2)..];
    assert!(!attrs.contains("deprecated"), "{attrs}");
}

// ---- item 11: short names in signatures ----------------------------------

/// The named types a reference mentions.
fn mentions(ty: &TypeRef) -> Vec<ir::TypeId> {
    let mut out = Vec::new();
    ty.named(&mut out);
    out
}

#[test]
fn signatures_use_the_short_metadata_names() {
    for relative in PINNED {
        let m = pinned(relative);
        let aliases: Vec<(ir::TypeId, ir::TypeId, &str)> = m
            .types
            .iter()
            .enumerate()
            .filter(|(_, ty)| ty.origin == ir::Origin::ShortName)
            .map(|(i, ty)| match &ty.kind {
                ir::TypeKind::Alias(TypeRef::Named(target)) => {
                    (ir::TypeId(i), *target, ty.name.as_str())
                }
                other => panic!("{} is {other:?}", ty.name),
            })
            .collect();
        assert_eq!(aliases.len(), 2, "{relative}");
        let mut long = Vec::new();
        let mut short = 0;
        for ty in &m.types {
            if let ir::TypeKind::Struct(s) = &ty.kind {
                for f in &s.fields {
                    for id in mentions(&f.ty) {
                        if aliases.iter().any(|(_, target, _)| *target == id) {
                            long.push(format!("{}.{}", ty.name, f.wire_name));
                        }
                        short += aliases.iter().filter(|(a, _, _)| *a == id).count();
                    }
                }
            }
        }
        for op in &m.operations {
            for p in op.path_params.iter().chain(&op.query_params) {
                for id in mentions(&p.ty) {
                    if aliases.iter().any(|(_, target, _)| *target == id) {
                        long.push(format!("{} {}", op.operation_id, p.wire_name));
                    }
                    short += aliases.iter().filter(|(a, _, _)| *a == id).count();
                }
            }
        }
        assert!(long.is_empty(), "{relative}: long names in {long:?}");
        println!(
            "{relative}: {short} signatures name {:?}",
            aliases.iter().map(|a| a.2).collect::<Vec<_>>()
        );
        assert!(short > 0);
    }
}

// ---- item 12: the migration guide states what the documents say ----------

#[test]
fn the_migration_guide_does_not_promise_an_endpoint_update_the_documents_lack() {
    let guide = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/migrations/2026-04-to-2026-10.md"),
    )
    .expect("the committed guide");
    assert!(
        !guide.contains("update_webhook_endpoint"),
        "the pinned WebhookEndpointUpdate has no api_version"
    );
    assert!(guide.contains("From Polar's documentation, which the document does not state"));
}

#[test]
fn an_endpoint_update_with_api_version_is_named_in_the_guide() {
    let mut doc = document();
    doc["paths"]["/webhooks/endpoints/{id}"] = json!({
        "patch": {
            "operationId": "webhooks:update_webhook_endpoint",
            "security": [{ "oat": [] }],
            "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }
            ],
            "requestBody": { "required": true, "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/WebhookEndpointUpdate" }
            } } },
            "responses": { "204": { "description": "done" } }
        }
    });
    doc["components"]["schemas"]["WebhookEndpointUpdate"] = json!({
        "type": "object",
        "properties": { "url": { "type": "string" } }
    });
    let without = codegen::emit::versions::webhook_endpoint_move(&lower(&doc), "v2027_01");
    assert!(!without.contains("update_webhook_endpoint"), "{without}");
    doc["components"]["schemas"]["WebhookEndpointUpdate"]["properties"]["api_version"] =
        json!({ "type": "string" });
    let models = lower(&doc);
    let endpoint = struct_named(&models, "WebhookEndpointUpdate");
    assert!(endpoint.fields.iter().any(|f| f.wire_name == "api_version"));
    let with = codegen::emit::versions::webhook_endpoint_move(&models, "v2027_01");
    assert!(
        with.contains("`webhooks().update_webhook_endpoint`"),
        "{with}"
    );
}
