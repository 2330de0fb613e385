//! Cargo features: which generated modules each operation group and the
//! webhooks need, and splicing the feature list into a manifest.

use std::collections::BTreeSet;

use codegen::emit::features::{splice_block, BLOCK_BEGIN, BLOCK_END};
use codegen::ir::features::{Features, Gate};
use serde_json::json;

fn document() -> String {
    let object = |props: serde_json::Value| json!({ "type": "object", "properties": props });
    let r = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let json_body = |schema: serde_json::Value| json!({ "content": { "application/json": { "schema": schema } } });
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "features", "version": "1" },
        "paths": {
            "/v1/checkouts/": {
                "post": {
                    "operationId": "checkouts:create",
                    "requestBody": json_body(r("CheckoutCreate")),
                    "responses": {
                        "201": json_body(r("Checkout")),
                        "422": json_body(r("ValidationError"))
                    }
                }
            },
            "/v1/products/": {
                "get": {
                    "operationId": "products:get",
                    "responses": {
                        "200": json_body(r("Product")),
                        "404": json_body(r("NotFound"))
                    }
                }
            }
        },
        "webhooks": {
            "product.created": {
                "post": {
                    "requestBody": json_body(r("WebhookProductCreated")),
                    "responses": { "200": { "description": "ok" } }
                }
            },
            "note.created": {
                "post": {
                    "requestBody": json_body(r("WebhookNoteCreated")),
                    "responses": { "200": { "description": "ok" } }
                }
            }
        },
        "components": { "schemas": {
            "CheckoutCreate": object(json!({ "product_id": { "type": "string" } })),
            "Checkout": object(json!({ "product": r("Product"), "note": r("Note") })),
            "Product": object(json!({ "name": { "type": "string" } })),
            "Note": object(json!({ "text": { "type": "string" } })),
            "ValidationError": object(json!({ "detail": { "type": "string" } })),
            "NotFound": object(json!({ "detail": { "type": "string" } })),
            "Unused": object(json!({ "x": { "type": "string" } })),
            "WebhookProductCreated": {
                "type": "object",
                "properties": { "type": { "const": "product.created" }, "data": r("Product") },
                "required": ["type", "data"]
            },
            "WebhookNoteCreated": {
                "type": "object",
                "properties": { "type": { "const": "note.created" }, "data": r("Note") },
                "required": ["type", "data"]
            }
        } }
    });
    doc.to_string()
}

fn models() -> codegen::ir::Models {
    let spec = codegen::spec::parse(&document()).expect("the document parses");
    codegen::ir::lower(&spec).expect("the document lowers")
}

fn features() -> Features {
    Features::of(&models())
}

fn any_of(names: &[&str]) -> Gate {
    Gate::AnyOf(names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>())
}

#[test]
fn every_group_and_the_webhooks_are_features() {
    assert_eq!(features().names, ["checkouts", "products", "webhooks"]);
}

#[test]
fn modules_are_gated_by_the_features_that_reach_them() {
    let f = features();
    let gate = |module: &str| {
        f.modules
            .get(module)
            .cloned()
            .unwrap_or_else(|| panic!("{module}"))
    };
    // Reached by two groups (the product event's payload comes with
    // `products`, so `webhooks` alone no longer reaches it).
    assert_eq!(gate("product"), any_of(&["checkouts", "products"]));
    // Reached by one group only, directly or through another type.
    assert_eq!(gate("checkout_create"), any_of(&["checkouts"]));
    // A webhook payload comes with the group of its event's family
    // (`product.created`: `products`), or with `webhooks` when the family
    // has no group (`note.created`); the event union with `webhooks`.
    assert_eq!(gate("webhook_product_created"), any_of(&["products"]));
    assert_eq!(gate("webhook_note_created"), any_of(&["webhooks"]));
    assert_eq!(gate("note"), any_of(&["checkouts", "webhooks"]));
    assert_eq!(gate("webhook_payload"), any_of(&["webhooks"]));
    // An error body comes with the groups whose operations document it.
    assert_eq!(gate("validation_error"), any_of(&["checkouts"]));
    assert_eq!(gate("not_found"), any_of(&["products"]));
    // Nothing reaches it: it is not generated at all (before schemas were
    // pruned, only `full` compiled it; `Gate::FullOnly` is now left for
    // documents with neither operations nor webhooks).
    assert_eq!(f.modules.get("unused"), None);
}

/// `ApiErrorBody` has a variant for an error body only under the features
/// its type is compiled with (else a build without them would not compile).
#[test]
fn each_error_body_variant_comes_with_the_groups_that_document_it() {
    let spec = codegen::spec::parse(&document()).expect("the document parses");
    let files = codegen::generate_versions(&[codegen::VersionInput {
        version: "2026-10",
        lifecycle: codegen::Lifecycle::Current,
        spec: &spec,
        settings: codegen::Settings::default(),
    }])
    .expect("the document generates");
    let error_body = files["polar-api/generated/v2026_10/src/operations/error_body.rs"]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for (feature, variant) in [("checkouts", "ValidationError"), ("products", "NotFound")] {
        let expected = format!(
            r#"#[cfg(feature = "{feature}")] /// A `{variant}` error body. {variant}(super::models::{variant}),"#
        );
        assert!(error_body.contains(&expected), "{expected} in {error_body}");
    }
}

#[test]
fn each_event_variant_carries_its_family_feature() {
    let models = models();
    let events = models.webhook_event.expect("the document has webhooks");
    let codegen::ir::TypeKind::Union(union) = &models.get(events).kind else {
        panic!("the event type is a union");
    };
    let families: Vec<(&str, Option<&str>)> = union
        .variants
        .iter()
        .map(|v| (v.tags[0].as_str(), v.feature.as_deref()))
        .collect();
    assert_eq!(
        families,
        [
            ("note.created", None),
            ("product.created", Some("products"))
        ]
    );
}

#[test]
fn unreachable_schemas_are_listed_not_lowered() {
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "features", "version": "1" },
        "paths": { "/v1/a": { "get": {
            "operationId": "a:get",
            "responses": { "200": { "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/A" }
            } } } }
        } } },
        "components": { "schemas": {
            "A": { "type": "object", "properties": { "x": { "type": "string" } } },
            "Unused": { "type": "object", "properties": { "x": { "type": "string" } } }
        } }
    });
    let spec = codegen::spec::parse(&doc.to_string()).expect("the document parses");
    let models = codegen::ir::lower(&spec).expect("the document lowers");
    assert_eq!(models.unreachable, ["Unused"]);
    assert_eq!(models.component_count, 1);
    assert!(models.component("Unused").is_none());
    let gate = Features::of(&models);
    assert_eq!(gate.modules.get("a"), Some(&Gate::Always));
}

#[test]
fn the_block_replaces_what_stands_between_the_markers() {
    let manifest =
        format!("[features]\ndefault = [\"full\"]\n{BLOCK_BEGIN}\nold = []\n{BLOCK_END}\n\n[dependencies]\n");
    let block = format!("{BLOCK_BEGIN}\nfull = [\"a\"]\na = []\n{BLOCK_END}\n");
    let spliced = splice_block("x/Cargo.toml", &manifest, &block).unwrap();
    assert_eq!(
        spliced,
        format!("[features]\ndefault = [\"full\"]\n{block}\n[dependencies]\n")
    );
    // Splicing the same block again changes nothing.
    assert_eq!(
        splice_block("x/Cargo.toml", &spliced, &block).unwrap(),
        spliced
    );
}

#[test]
fn a_manifest_without_markers_is_an_error_naming_it() {
    let err = splice_block("polar-api/Cargo.toml", "[features]\n", "block")
        .unwrap_err()
        .to_string();
    assert!(err.contains("polar-api/Cargo.toml"), "{err}");
    assert!(err.contains("@generated begin"), "{err}");
}

/// The operation group `webhooks` (managing endpoints) is the feature
/// `webhook_endpoints`, apart from `webhooks` (receiving deliveries), so that
/// a receiver compiles none of the endpoint operations or their types.
#[test]
fn the_webhooks_group_is_the_webhook_endpoints_feature() {
    let json_body = |name: &str| json!({ "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } } });
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "features", "version": "1" },
        "paths": {
            "/v1/webhooks/endpoints": {
                "get": {
                    "operationId": "webhooks:list_webhook_endpoints",
                    "responses": { "200": json_body("WebhookEndpoint") }
                }
            }
        },
        "webhooks": {
            "note.created": {
                "post": {
                    "requestBody": json_body("WebhookNoteCreated"),
                    "responses": { "200": { "description": "ok" } }
                }
            }
        },
        "components": { "schemas": {
            "WebhookEndpoint": { "type": "object", "properties": { "url": { "type": "string" } } },
            "WebhookNoteCreated": {
                "type": "object",
                "properties": { "type": { "const": "note.created" } },
                "required": ["type"]
            }
        } }
    });
    let spec = codegen::spec::parse(&doc.to_string()).expect("the document parses");
    let models = codegen::ir::lower(&spec).expect("the document lowers");
    let features = Features::of(&models);
    assert_eq!(features.names, ["webhook_endpoints", "webhooks"]);
    assert_eq!(
        features.modules.get("webhook_endpoint"),
        Some(&any_of(&["webhook_endpoints"]))
    );
    assert_eq!(
        features.modules.get("webhook_note_created"),
        Some(&any_of(&["webhooks"]))
    );
}
