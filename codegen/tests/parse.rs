//! Stage 1 alone: `codegen::spec::parse` keeps every keyword that changes the
//! shape of a type, including the OpenAPI 3.1 / JSON Schema 2020-12 ones the
//! off-the-shelf crates drop.

mod common;

use codegen::spec::{self, AdditionalProperties, Schema, TypeSet};
use common::{fixture, spec, GOOD_FIXTURES};
use serde_json::{json, Value};

fn component<'s>(spec: &'s spec::Spec, name: &str) -> &'s Schema {
    spec.components
        .schemas
        .get(name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn property<'s>(schema: &'s Schema, name: &str) -> &'s Schema {
    schema
        .properties
        .get(name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

/// A document with one component schema, written inline by a test.
fn one_schema(schema: Value) -> Schema {
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "inline", "version": "1" },
        "components": { "schemas": { "Thing": schema } }
    });
    let mut parsed = spec::parse(&doc.to_string()).expect("the inline document parses");
    parsed
        .components
        .schemas
        .shift_remove("Thing")
        .expect("Thing is there")
}

#[test]
fn every_fixture_parses_as_openapi_3_1() {
    for name in GOOD_FIXTURES.iter().chain(&["unsupported"]) {
        let parsed = spec::parse(&fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(parsed.openapi, "3.1.0", "{name}");
        assert!(!parsed.components.schemas.is_empty(), "{name} has schemas");
    }
}

#[test]
fn components_keep_document_order() {
    let parsed = spec("keywords_and_collisions");
    let names: Vec<&str> = parsed
        .components
        .schemas
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["Sprocket", "Foo_Bar", "FooBar", "Page", "TreeNode"]);
    let sprocket = component(&parsed, "Sprocket");
    let properties: Vec<&str> = sprocket.properties.keys().map(String::as_str).collect();
    assert_eq!(
        properties,
        [
            "type",
            "self",
            "match",
            "fooBar",
            "foo_bar",
            "2fa_enabled",
            "Self"
        ]
    );
}

#[test]
fn keywords_beside_ref_are_kept() {
    let parsed = spec("ref_siblings");
    let widget = component(&parsed, "Widget");

    let mounted = property(widget, "mounted");
    assert_eq!(
        mounted.reference.as_deref(),
        Some("#/components/schemas/Gadget")
    );
    assert_eq!(mounted.title.as_deref(), Some("Mounted gadget"));
    assert_eq!(
        mounted.description.as_deref(),
        Some("The gadget mounted on this widget.")
    );
    assert_eq!(mounted.examples, Some(vec![json!({ "serial": "G-1" })]));
    assert_eq!(mounted.first_example(), Some(&json!({ "serial": "G-1" })));
    assert_eq!(mounted.default, None);

    let level = property(widget, "level");
    assert_eq!(
        level.reference.as_deref(),
        Some("#/components/schemas/Level")
    );
    assert_eq!(level.default, Some(json!("low")));
    assert_eq!(level.examples, Some(vec![json!("high")]));
    assert_eq!(level.description.as_deref(), Some("The volume level."));

    let legacy = property(widget, "legacy_level");
    assert!(legacy.deprecated);
    assert!(!level.deprecated);

    // A bare `$ref` has no siblings to report.
    let spare = property(widget, "spare");
    assert_eq!(
        spare.reference.as_deref(),
        Some("#/components/schemas/Gadget")
    );
    assert!(spare.title.is_none() && spare.description.is_none());
    assert!(spare.default.is_none() && spare.examples.is_none());
}

#[test]
fn ref_name_reads_local_component_refs_only() {
    assert_eq!(
        spec::ref_name("#/components/schemas/Widget"),
        Some("Widget")
    );
    assert_eq!(spec::ref_name("#/components/responses/Widget"), None);
    assert_eq!(
        spec::ref_name("other.json#/components/schemas/Widget"),
        None
    );
}

#[test]
fn property_names_and_additional_properties_are_kept() {
    let parsed = spec("undiscriminated_union");
    let metadata = property(component(&parsed, "Order"), "metadata");
    let names = metadata
        .property_names
        .as_deref()
        .expect("propertyNames is kept");
    assert_eq!(names.max_length, Some(40));
    assert_eq!(names.min_length, Some(1));
    let Some(AdditionalProperties::Schema(values)) = &metadata.additional_properties else {
        panic!(
            "additionalProperties is a schema: {:?}",
            metadata.additional_properties
        );
    };
    let members = values.any_of.as_ref().expect("anyOf is kept");
    let types: Vec<Vec<&str>> = members.iter().map(Schema::type_names).collect();
    assert_eq!(types, [["string"], ["integer"], ["number"], ["boolean"]]);
    assert_eq!(members[0].max_length, Some(500));

    let closed = one_schema(json!({ "type": "object", "additionalProperties": false }));
    assert!(matches!(
        closed.additional_properties,
        Some(AdditionalProperties::Allowed(false))
    ));
    let open = one_schema(json!({ "type": "object", "additionalProperties": true }));
    assert!(matches!(
        open.additional_properties,
        Some(AdditionalProperties::Allowed(true))
    ));
    let absent = one_schema(json!({ "type": "object" }));
    assert!(absent.additional_properties.is_none());
}

#[test]
fn prefix_items_make_a_tuple_schema() {
    let parsed = spec("formats");
    let position = property(component(&parsed, "Gizmo"), "position");
    let items = position.prefix_items.as_ref().expect("prefixItems is kept");
    let types: Vec<Vec<&str>> = items.iter().map(Schema::type_names).collect();
    assert_eq!(types, [["number"], ["number"], ["string"]]);
    assert!(position.items.is_none());
    assert_eq!((position.min_items, position.max_items), (Some(3), Some(3)));
}

#[test]
fn exclusive_minimum_is_the_numeric_3_1_form() {
    let parsed = spec("formats");
    let ratio = property(component(&parsed, "Gizmo"), "ratio");
    assert_eq!(ratio.exclusive_minimum, Some(0.0));
    let bounded =
        one_schema(json!({ "type": "number", "exclusiveMinimum": 2.5, "exclusiveMaximum": 10 }));
    assert_eq!(bounded.exclusive_minimum, Some(2.5));
    assert_eq!(bounded.exclusive_maximum, Some(10.0));
    assert_eq!(bounded.minimum, None);
}

#[test]
fn type_may_be_a_list() {
    let parsed = spec("required_optional_nullable");
    let nickname = property(component(&parsed, "Widget"), "nickname");
    assert_eq!(
        nickname.ty,
        Some(TypeSet::Many(vec!["string".to_owned(), "null".to_owned()]))
    );
    assert_eq!(nickname.type_names(), ["string", "null"]);
    let id = property(component(&parsed, "Widget"), "id");
    assert_eq!(id.ty, Some(TypeSet::One("string".to_owned())));
}

#[test]
fn explicit_null_is_not_an_absent_keyword() {
    let thing = one_schema(json!({
        "type": "object",
        "properties": {
            "const_null": { "const": null },
            "const_text": { "const": "x" },
            "plain": { "type": "string" },
            "default_null": { "type": ["string", "null"], "default": null },
            "example_null": { "type": ["string", "null"], "example": null }
        }
    }));
    assert_eq!(
        property(&thing, "const_null").const_value,
        Some(Value::Null)
    );
    assert_eq!(property(&thing, "const_text").const_value, Some(json!("x")));
    assert_eq!(property(&thing, "plain").const_value, None);
    assert_eq!(property(&thing, "default_null").default, Some(Value::Null));
    assert_eq!(property(&thing, "plain").default, None);
    assert_eq!(property(&thing, "example_null").example, Some(Value::Null));
    assert_eq!(
        property(&thing, "example_null").first_example(),
        Some(&Value::Null)
    );
    assert_eq!(property(&thing, "plain").first_example(), None);
}

#[test]
fn is_null_means_only_the_null_type() {
    let parsed = spec("formats");
    let gizmo = component(&parsed, "Gizmo");
    assert!(property(gizmo, "nothing").is_null());
    assert!(!property(gizmo, "anything").is_null());
    assert!(!property(gizmo, "count").is_null());
    let nullable_string = one_schema(json!({ "type": ["string", "null"] }));
    assert!(!nullable_string.is_null());
}

#[test]
fn examples_win_over_the_3_0_example() {
    let both = one_schema(json!({ "type": "string", "examples": ["new"], "example": "old" }));
    assert_eq!(both.first_example(), Some(&json!("new")));
    let old = one_schema(json!({ "type": "string", "example": "old" }));
    assert_eq!(old.first_example(), Some(&json!("old")));
}

#[test]
fn discriminator_mapping_keeps_document_order() {
    let parsed = spec("discriminated_union");
    let gadget = component(&parsed, "Gadget");
    let discriminator = gadget
        .discriminator
        .as_ref()
        .expect("discriminator is kept");
    assert_eq!(discriminator.property_name, "kind");
    let mapping: Vec<(&str, &str)> = discriminator
        .mapping
        .iter()
        .map(|(tag, target)| (tag.as_str(), target.as_str()))
        .collect();
    assert_eq!(
        mapping,
        [
            ("lamp", "#/components/schemas/GadgetLamp"),
            ("fan", "#/components/schemas/GadgetFan"),
            ("ceiling_fan", "#/components/schemas/GadgetFan"),
        ]
    );
    assert_eq!(gadget.one_of.as_ref().map(Vec::len), Some(3));
    assert!(gadget.any_of.is_none());

    let shelf = component(&parsed, "Shelf");
    let featured = property(shelf, "featured")
        .discriminator
        .as_ref()
        .expect("inline discriminator");
    assert!(featured.mapping.is_empty());
    let lamp = component(&parsed, "GadgetLamp");
    assert_eq!(property(lamp, "kind").const_value, Some(json!("lamp")));
    let fan = component(&parsed, "GadgetFan");
    assert_eq!(property(fan, "oscillates").const_value, Some(json!(true)));
}

#[test]
fn enum_values_are_kept_raw() {
    let parsed = spec("enums");
    let channel = property(component(&parsed, "Widget"), "channel");
    assert_eq!(
        channel.enum_values,
        Some(vec![
            json!("customer_service"),
            json!("3ds"),
            json!("foo.bar"),
            json!("unknown")
        ])
    );
    assert_eq!(
        property(component(&parsed, "Widget"), "finish")
            .title
            .as_deref(),
        Some("Finish")
    );
}

#[test]
fn webhooks_are_parsed_like_path_items() {
    let parsed = spec("webhooks");
    let events: Vec<&str> = parsed.webhooks.keys().map(String::as_str).collect();
    assert_eq!(events, ["widget.created", "widget.deleted"]);
    let created = &parsed.webhooks["widget.created"];
    let operations: Vec<(&str, Option<&str>)> = created
        .operations()
        .map(|(method, op)| (method, op.operation_id.as_deref()))
        .collect();
    assert_eq!(operations, [("POST", Some("_endpoint_widget_created"))]);
    let (_, post) = created.operations().next().expect("one operation");
    assert_eq!(post.summary.as_deref(), Some("widget.created"));
    let body = post.request_body.as_ref().expect("a request body");
    assert!(body.required);
    let schema = body.content["application/json"]
        .schema
        .as_ref()
        .expect("a schema");
    assert_eq!(
        schema.reference.as_deref(),
        Some("#/components/schemas/WebhookWidgetCreatedPayload")
    );
    // No `webhooks` section is an empty map, not an error.
    assert!(spec("enums").webhooks.is_empty());
}

#[test]
fn operations_come_in_a_fixed_method_order() {
    let parsed = spec("required_optional_nullable");
    let item = &parsed.paths["/widgets/{id}"];
    let methods: Vec<&str> = item.operations().map(|(method, _)| method).collect();
    assert_eq!(methods, ["GET", "PATCH"]);
    let patch = item.patch.as_ref().expect("a PATCH operation");
    let schema = patch.request_body.as_ref().expect("a body").content["application/json"]
        .schema
        .as_ref()
        .expect("a schema");
    assert_eq!(
        schema.reference.as_deref(),
        Some("#/components/schemas/WidgetUpdate")
    );
    assert!(item.get.as_ref().expect("a GET").request_body.is_none());
}

#[test]
fn unsupported_keywords_are_captured_by_name() {
    let parsed = spec("unsupported");
    let base = property(component(&parsed, "Hybrid"), "base");
    assert_eq!(base.all_of.as_ref().map(Vec::len), Some(2));
    assert_eq!(base.unsupported_keyword(), Some("allOf"));
    assert_eq!(component(&parsed, "Hybrid").unsupported_keyword(), None);

    for (keyword, schema) in [
        ("not", json!({ "not": { "type": "string" } })),
        ("if", json!({ "if": { "type": "string" }, "then": {} })),
        (
            "unevaluatedProperties",
            json!({ "type": "object", "unevaluatedProperties": false }),
        ),
        (
            "dependentSchemas",
            json!({ "type": "object", "dependentSchemas": { "a": {} } }),
        ),
        ("$defs", json!({ "$defs": { "a": {} } })),
    ] {
        assert_eq!(one_schema(schema).unsupported_keyword(), Some(keyword));
    }
}

#[test]
fn validation_keywords_and_extensions_are_ignored() {
    let thing = one_schema(json!({
        "type": "string",
        "minLength": 1,
        "maxLength": 3,
        "pattern": "^[a-z]+$",
        "x-vendor-hint": { "anything": [1, 2] },
        "contentMediaType": "text/plain",
        "maxProperties": 4
    }));
    assert_eq!(thing.type_names(), ["string"]);
    assert_eq!(thing.pattern.as_deref(), Some("^[a-z]+$"));
    assert_eq!(thing.unsupported_keyword(), None);
}

#[test]
fn malformed_documents_are_rejected() {
    // `info` is required.
    let err = spec::parse(r#"{ "openapi": "3.1.0", "paths": {} }"#).unwrap_err();
    assert!(err.to_string().contains("info"), "{err}");
    // `type` must be a name or a list of names.
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "components": { "schemas": { "Bad": { "type": 7 } } }
    });
    assert!(spec::parse(&doc.to_string()).is_err());
    // Through `generate`, the error says what the generator expected.
    let err = codegen::generate("[]", &codegen::Settings::default()).unwrap_err();
    assert!(matches!(err, codegen::Error::Parse(_)));
    assert!(
        err.to_string()
            .starts_with("the document is not an OpenAPI 3.1 document"),
        "{err}"
    );
}

// ---- patternProperties, x-polar-pagination, the documentation format --------

#[test]
fn pattern_properties_are_kept_as_schemas_by_pattern() {
    let parsed = spec("pattern_properties");
    let params = property(
        component(&parsed, "OidcConfiguration"),
        "authorization_parameters",
    );
    let patterns = params
        .pattern_properties
        .as_ref()
        .expect("patternProperties is kept");
    let keys: Vec<&str> = patterns.keys().map(String::as_str).collect();
    assert_eq!(keys, ["^[a-zA-Z0-9_.-]{1,64}$"]);
    assert_eq!(patterns[0].type_names(), ["string"]);
    assert_eq!(patterns[0].max_length, Some(256));
    // No longer a keyword the generator refuses.
    assert_eq!(params.unsupported_keyword(), None);
}

#[test]
fn x_polar_pagination_is_read_beside_the_speakeasy_hint() {
    let parsed = spec("docs_format");
    let list = parsed.paths["/v1/widgets/"].get.as_ref().expect("a GET");
    let hint = list.polar_pagination.as_ref().expect("x-polar-pagination");
    assert_eq!(hint.kind, "page_limit");
    assert_eq!(
        hint.item_schema
            .as_ref()
            .and_then(|s| s.reference.as_deref()),
        Some("#/components/schemas/Widget")
    );
    assert!(
        list.pagination.is_some(),
        "x-speakeasy-pagination is kept raw"
    );
    let get = parsed.paths["/v1/widgets/{id}"]
        .get
        .as_ref()
        .expect("a GET");
    assert!(get.polar_pagination.is_none());
}

/// Every `x-` key of a document, removed (at any depth).
fn without_extensions(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let before = map.len();
            map.retain(|key, _| !key.starts_with("x-"));
            let removed = before - map.len();
            removed + map.values_mut().map(without_extensions).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(without_extensions).sum(),
        _ => 0,
    }
}

#[test]
fn x_code_samples_and_other_extensions_are_ignored() {
    let text = fixture("docs_format");
    let mut doc: Value = serde_json::from_str(&text).expect("JSON");
    assert!(text.contains("x-codeSamples"));
    let with = spec::parse(&text).expect("the documentation format parses");
    let removed = without_extensions(&mut doc);
    assert!(removed >= 8, "the fixture has extensions ({removed})");
    let without = spec::parse(&doc.to_string()).expect("parses without extensions");
    // What the generator makes of both is the same: the samples, name
    // overrides and subjects change nothing, and `x-polar-pagination`
    // agrees with the operation's shape.
    let lower = |s: &spec::Spec| codegen::ir::lower(s).expect("lowers");
    let (with, without) = (lower(&with), lower(&without));
    assert_eq!(
        codegen::surface::models(&with),
        codegen::surface::models(&without)
    );
    assert_eq!(
        codegen::surface::operations(&with),
        codegen::surface::operations(&without)
    );
}
