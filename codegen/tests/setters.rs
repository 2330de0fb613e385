//! `codegen::ir::setters`: which fields of a struct sent to the API get a
//! chainable setter, and which a `clear_` method.

mod common;

use codegen::ir::setters::{setters, Setter};
use codegen::ir::Models;
use common::{models, struct_named};
use serde_json::json;

/// `(setter, clear method)` of a struct, by name.
fn setter_names(models: &Models, name: &str) -> Vec<(String, Option<String>)> {
    setters(struct_named(models, name))
        .into_iter()
        .map(|Setter { name, clear, .. }| (name, clear))
        .collect()
}

fn named(name: &str, clear: Option<&str>) -> (String, Option<String>) {
    (name.to_owned(), clear.map(str::to_owned))
}

#[test]
fn every_optional_field_of_a_type_sent_gets_a_setter() {
    let m = models("union_methods");
    // `products` is required (`new`'s argument); `success_url` is
    // optional and nullable (a `Nullable`), so it can also be cleared.
    assert_eq!(
        setter_names(&m, "CheckoutProductsCreate"),
        [
            named("success_url", Some("clear_success_url")),
            named("customer_email", None),
            named("amount", None),
        ]
    );
    // `cancel` is a constant: nothing to set.
    assert_eq!(
        setter_names(&m, "PlanCancel"),
        [named("reason", Some("clear_reason"))]
    );
}

#[test]
fn a_type_only_received_gets_none() {
    let m = models("union_methods");
    assert!(setters(struct_named(&m, "GrantDiscord")).is_empty());
    assert!(setters(struct_named(&m, "CustomerIndividual")).is_empty());
}

#[test]
fn a_clear_method_never_takes_a_setters_name() {
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "setters", "version": "1" },
        "paths": { "/things": { "post": {
            "operationId": "things:create",
            "requestBody": { "required": true, "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/ThingCreate" }
            } } },
            "responses": { "204": { "description": "ok" } }
        } } },
        "components": { "schemas": { "ThingCreate": {
            "type": "object",
            "properties": {
                "note": { "anyOf": [{ "type": "string" }, { "type": "null" }] },
                "clear_note": { "type": "boolean" },
                "new": { "type": "string" }
            }
        } } }
    });
    let spec = codegen::spec::parse(&doc.to_string()).expect("parses");
    let m = codegen::ir::lower(&spec).expect("lowers");
    // `new` is the constructor's name; `clear_note` is a field's setter.
    assert_eq!(
        setter_names(&m, "ThingCreate"),
        [named("note", None), named("clear_note", None)]
    );
}
