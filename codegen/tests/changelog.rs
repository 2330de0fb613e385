//! The changelog's diff engine on small hand-written spec pairs: one test
//! per rule of `codegen::changelog::classify`, each asserting the entry and
//! its class. Each pair starts from [`base`] and changes one thing.

use codegen::changelog::{self, render, Changelog, Class, Entry, Kind};
use serde_json::{json, Value};

/// A small API: a received-only `Widget`, an input `WidgetCreate` with a
/// required and an optional property, a received-only all-optional
/// `Settings`, an enum, a union, and four operations. Only schemas an
/// operation or a webhook reaches are generated, so every schema here is
/// used (`settings:get` reaches `Settings` and the `WidgetId` alias), and a
/// test that adds or removes a schema adds or removes a use of it too.
fn base() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "changelog fixture", "version": "1" },
        "paths": {
            "/widgets": {
                "get": {
                    "operationId": "widgets:list",
                    "security": [{ "oat": [] }],
                    "parameters": [
                        { "name": "limit", "in": "query", "required": false, "schema": { "type": "integer" } }
                    ],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Widget" } }
                    } } } }
                },
                "post": {
                    "operationId": "widgets:create",
                    "security": [{ "oat": [] }],
                    "requestBody": { "required": true, "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/WidgetCreate" }
                    } } },
                    "responses": {
                        "201": { "description": "ok", "content": { "application/json": {
                            "schema": { "$ref": "#/components/schemas/Widget" }
                        } } },
                        "422": { "description": "invalid", "content": { "application/json": {
                            "schema": { "$ref": "#/components/schemas/Problem" }
                        } } }
                    }
                }
            },
            "/widgets/{id}": {
                "get": {
                    "operationId": "widgets:get",
                    "security": [{ "oat": [] }],
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }
                    ],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Widget" }
                    } } } }
                }
            },
            "/settings": {
                "get": {
                    "operationId": "settings:get",
                    "security": [{ "oat": [] }],
                    "parameters": [
                        { "name": "widget_id", "in": "query", "required": false,
                          "schema": { "$ref": "#/components/schemas/WidgetId" } }
                    ],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Settings" }
                    } } } }
                }
            }
        },
        "components": { "schemas": {
            "Widget": {
                "type": "object",
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "name": { "type": "string" },
                    "color": { "$ref": "#/components/schemas/Color" },
                    "shape": { "$ref": "#/components/schemas/Shape" },
                    "label": { "type": "string" }
                },
                "required": ["id", "name", "color"]
            },
            "WidgetCreate": {
                "type": "object",
                "properties": {
                    "name": { "type": "string" },
                    "note": { "type": "string" }
                },
                "required": ["name"]
            },
            "Settings": {
                "type": "object",
                "properties": { "theme": { "type": "string" } }
            },
            "Problem": {
                "type": "object",
                "properties": { "detail": { "type": "string" } },
                "required": ["detail"]
            },
            "Color": { "type": "string", "enum": ["red", "green"] },
            "Shape": {
                "oneOf": [
                    { "$ref": "#/components/schemas/Circle" },
                    { "$ref": "#/components/schemas/Square" }
                ]
            },
            "Circle": {
                "type": "object",
                "properties": { "radius": { "type": "number" } },
                "required": ["radius"]
            },
            "Square": {
                "type": "object",
                "properties": { "side": { "type": "number" } },
                "required": ["side"]
            },
            "WidgetId": { "type": "string", "format": "uuid" }
        } }
    })
}

fn diff(old: &Value, new: &Value) -> Changelog {
    let old = codegen::spec::parse(&old.to_string()).expect("the old fixture parses");
    let new = codegen::spec::parse(&new.to_string()).expect("the new fixture parses");
    changelog::diff(&old, &new).expect("both fixtures lower")
}

/// `base()` changed by `edit`, diffed against `base()`.
fn changed(edit: impl FnOnce(&mut Value)) -> Changelog {
    let mut new = base();
    edit(&mut new);
    diff(&base(), &new)
}

/// The one entry of `kind`; fails listing the changelog otherwise.
fn only(changelog: &Changelog, kind: Kind) -> Entry {
    let found: Vec<&Entry> = changelog
        .entries
        .iter()
        .filter(|e| e.kind == kind)
        .collect();
    match found.as_slice() {
        [entry] => (*entry).clone(),
        _ => panic!(
            "expected one {} entry, found {}:\n{}",
            kind.id(),
            found.len(),
            render::text(changelog)
        ),
    }
}

/// The one entry of `kind`, checked for its item and class.
fn expect(changelog: &Changelog, kind: Kind, item: &str, class: Class) -> Entry {
    let entry = only(changelog, kind);
    assert_eq!(entry.item, item, "{entry:?}");
    assert_eq!(entry.class, class, "{entry:?}");
    entry
}

/// `changed(edit)` has exactly these kinds of entries.
fn assert_kinds(changelog: &Changelog, kinds: &[Kind]) {
    let found: Vec<Kind> = changelog.entries.iter().map(|e| e.kind).collect();
    assert_eq!(found, kinds, "\n{}", render::text(changelog));
}

fn schema<'d>(doc: &'d mut Value, name: &str) -> &'d mut Value {
    &mut doc["components"]["schemas"][name]
}

fn param(name: &str, location: &str, required: bool, schema: Value) -> Value {
    json!({ "name": name, "in": location, "required": required, "schema": schema })
}

#[test]
fn the_same_spec_has_no_changes() {
    let changelog = diff(&base(), &base());
    assert!(changelog.is_empty(), "{}", render::text(&changelog));
    assert_eq!(
        render::text(&changelog),
        "no changes to the generated crates\n"
    );
}

// ----- operations --------------------------------------------------------

#[test]
fn operation_added_is_additive() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["delete"] = json!({
            "operationId": "widgets:delete",
            "security": [{ "oat": [] }],
            "parameters": [param("id", "path", true, json!({ "type": "string", "format": "uuid" }))],
            "responses": { "204": { "description": "deleted" } }
        });
    });
    let entry = expect(
        &changelog,
        Kind::OperationAdded,
        "widgets:delete",
        Class::Additive,
    );
    assert_eq!(
        entry.new.as_deref(),
        Some("client.widgets().delete(id: Uuid)")
    );
    assert_eq!(entry.note.as_deref(), Some("DELETE /widgets/{id}"));
    assert_kinds(&changelog, &[Kind::OperationAdded]);
}

#[test]
fn operation_removed_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/widgets/{id}");
    });
    let entry = expect(
        &changelog,
        Kind::OperationRemoved,
        "widgets:get",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("client.widgets().get(id: Uuid)"));
    assert_kinds(&changelog, &[Kind::OperationRemoved]);
}

#[test]
fn operation_method_changed_is_breaking() {
    let changelog = changed(|doc| {
        let get = doc["paths"]["/widgets/{id}"]
            .as_object_mut()
            .unwrap()
            .remove("get")
            .unwrap();
        doc["paths"]["/widgets/{id}"]["post"] = get;
    });
    let entry = expect(
        &changelog,
        Kind::OperationMethodChanged,
        "widgets:get",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("GET"), Some("POST"))
    );
    assert_kinds(&changelog, &[Kind::OperationMethodChanged]);
}

#[test]
fn operation_path_changed_is_additive() {
    let changelog = changed(|doc| {
        let paths = doc["paths"].as_object_mut().unwrap();
        let item = paths.remove("/widgets/{id}").unwrap();
        paths.insert("/v2/widgets/{id}".into(), item);
    });
    let entry = expect(
        &changelog,
        Kind::OperationPathChanged,
        "widgets:get",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("/v2/widgets/{id}"));
    assert_kinds(&changelog, &[Kind::OperationPathChanged]);
}

#[test]
fn operation_moved_to_another_client_is_breaking() {
    let portal = |scheme: &str| {
        let mut doc = base();
        doc["paths"]["/portal/widgets"]["get"] = json!({
            "operationId": "customer_portal:widgets:list",
            "security": [{ scheme: [] }],
            "responses": { "200": { "description": "ok", "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/Widget" }
            } } } }
        });
        doc
    };
    let changelog = diff(&portal("customer_session"), &portal("member_session"));
    let entry = expect(
        &changelog,
        Kind::OperationClientChanged,
        "customer_portal:widgets:list",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("portal.widgets()"));
    assert_eq!(entry.new.as_deref(), Some("member_portal.widgets()"));
    assert_kinds(&changelog, &[Kind::OperationClientChanged]);
}

#[test]
fn operation_deprecated_is_additive() {
    let changelog = changed(|doc| doc["paths"]["/widgets/{id}"]["get"]["deprecated"] = json!(true));
    expect(
        &changelog,
        Kind::OperationDeprecated,
        "widgets:get",
        Class::Additive,
    );
    assert_kinds(&changelog, &[Kind::OperationDeprecated]);
}

#[test]
fn optional_query_parameter_added_is_additive() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(param(
                "color",
                "query",
                false,
                json!({ "$ref": "#/components/schemas/Color" }),
            ));
    });
    let entry = expect(
        &changelog,
        Kind::ParameterAdded,
        "widgets:list",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("color: Color"));
    assert_eq!(
        entry.note.as_deref(),
        Some("query parameter, a builder method")
    );
}

#[test]
fn required_query_parameter_added_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(param(
                "organization",
                "query",
                true,
                json!({ "type": "string" }),
            ));
    });
    let entry = expect(
        &changelog,
        Kind::ParameterAdded,
        "widgets:list",
        Class::Breaking,
    );
    assert_eq!(
        entry.note.as_deref(),
        Some("query parameter, a method argument")
    );
}

#[test]
fn path_parameter_added_is_breaking() {
    let changelog = changed(|doc| {
        let paths = doc["paths"].as_object_mut().unwrap();
        let mut item = paths.remove("/widgets/{id}").unwrap();
        item["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(param("version", "path", true, json!({ "type": "integer" })));
        paths.insert("/widgets/{id}/{version}".into(), item);
    });
    let entry = expect(
        &changelog,
        Kind::ParameterAdded,
        "widgets:get",
        Class::Breaking,
    );
    assert_eq!(entry.new.as_deref(), Some("version: i64"));
}

#[test]
fn parameter_removed_is_breaking() {
    let changelog = changed(|doc| doc["paths"]["/widgets"]["get"]["parameters"] = json!([]));
    let entry = expect(
        &changelog,
        Kind::ParameterRemoved,
        "widgets:list",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("limit: i64"));
    assert_kinds(&changelog, &[Kind::ParameterRemoved]);
}

#[test]
fn parameter_retyped_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["get"]["parameters"][0]["schema"] = json!({ "type": "string" });
    });
    let entry = expect(
        &changelog,
        Kind::ParameterRetyped,
        "widgets:list",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("limit: i64"), Some("limit: String"))
    );
}

#[test]
fn parameter_widened_to_a_list_is_additive() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["get"]["parameters"][0]["schema"] = json!({
            "anyOf": [{ "type": "integer" }, { "type": "array", "items": { "type": "integer" } }]
        });
    });
    let entry = expect(
        &changelog,
        Kind::ParameterRetyped,
        "widgets:list",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("limit: OneOrMany<i64>"));
}

#[test]
fn parameter_became_required_is_breaking() {
    let changelog =
        changed(|doc| doc["paths"]["/widgets"]["get"]["parameters"][0]["required"] = json!(true));
    expect(
        &changelog,
        Kind::ParameterBecameRequired,
        "widgets:list",
        Class::Breaking,
    );
    assert_kinds(&changelog, &[Kind::ParameterBecameRequired]);
}

#[test]
fn parameter_became_optional_is_breaking() {
    let mut old = base();
    old["paths"]["/widgets"]["get"]["parameters"][0]["required"] = json!(true);
    let changelog = diff(&old, &base());
    expect(
        &changelog,
        Kind::ParameterBecameOptional,
        "widgets:list",
        Class::Breaking,
    );
}

#[test]
fn required_body_added_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["get"]["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Settings" } } }
        });
    });
    let entry = expect(&changelog, Kind::BodyAdded, "widgets:get", Class::Breaking);
    assert_eq!(entry.new.as_deref(), Some("Settings"));
}

#[test]
fn optional_body_added_is_additive() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["get"]["requestBody"] = json!({
            "required": false,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Settings" } } }
        });
    });
    expect(&changelog, Kind::BodyAdded, "widgets:get", Class::Additive);
}

#[test]
fn body_removed_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["post"]
            .as_object_mut()
            .unwrap()
            .remove("requestBody");
    });
    let entry = expect(
        &changelog,
        Kind::BodyRemoved,
        "widgets:create",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("WidgetCreate"));
}

#[test]
fn body_retyped_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({ "$ref": "#/components/schemas/Settings" });
    });
    let entry = expect(
        &changelog,
        Kind::BodyRetyped,
        "widgets:create",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("WidgetCreate"), Some("Settings"))
    );
}

#[test]
fn body_became_optional_is_breaking() {
    let changelog =
        changed(|doc| doc["paths"]["/widgets"]["post"]["requestBody"]["required"] = json!(false));
    expect(
        &changelog,
        Kind::BodyBecameOptional,
        "widgets:create",
        Class::Breaking,
    );
}

#[test]
fn body_became_required_is_breaking() {
    let mut old = base();
    old["paths"]["/widgets"]["post"]["requestBody"]["required"] = json!(false);
    let changelog = diff(&old, &base());
    expect(
        &changelog,
        Kind::BodyBecameRequired,
        "widgets:create",
        Class::Breaking,
    );
}

#[test]
fn response_retyped_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"] = json!({ "$ref": "#/components/schemas/Settings" });
    });
    let entry = expect(
        &changelog,
        Kind::ResponseRetyped,
        "widgets:get",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Widget"), Some("Settings"))
    );
}

#[test]
fn a_response_that_may_be_pending_is_retyped() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["get"]["responses"]["202"] =
            json!({ "description": "still being prepared" });
    });
    let entry = expect(
        &changelog,
        Kind::ResponseRetyped,
        "widgets:get",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Widget"), Some("Option<Widget> (None on 202)"))
    );
}

#[test]
fn map_keys_typed_by_property_names_retype_the_field() {
    let counts = |names: Option<Value>| {
        let mut map = json!({ "type": "object", "additionalProperties": { "type": "integer" } });
        if let Some(names) = names {
            map["propertyNames"] = names;
        }
        move |doc: &mut Value| schema(doc, "Widget")["properties"]["counts"] = map
    };
    let mut old = base();
    counts(None)(&mut old);
    let mut new = base();
    counts(Some(json!({ "$ref": "#/components/schemas/Color" })))(&mut new);
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::FieldRetyped,
        "Widget.counts",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Option<Map<i64>>"), Some("Option<Map<Color, i64>>"))
    );
    assert_kinds(&changelog, &[Kind::FieldRetyped]);
}

/// `base()` with page types, and `widgets:list` returning a page when
/// `paged`.
fn paged(paged: bool) -> Value {
    let mut doc = base();
    let schemas = &mut doc["components"]["schemas"];
    schemas["Pagination"] = json!({
        "type": "object",
        "properties": { "total_count": { "type": "integer" }, "max_page": { "type": "integer" } },
        "required": ["total_count", "max_page"]
    });
    schemas["ListResource_Widget_"] = json!({
        "type": "object",
        "properties": {
            "items": { "type": "array", "items": { "$ref": "#/components/schemas/Widget" } },
            "pagination": { "$ref": "#/components/schemas/Pagination" }
        },
        "required": ["items", "pagination"]
    });
    let list = &mut doc["paths"]["/widgets"]["get"];
    list["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({ "$ref": "#/components/schemas/ListResource_Widget_" });
    if paged {
        list["parameters"].as_array_mut().unwrap().push(param(
            "page",
            "query",
            false,
            json!({ "type": "integer" }),
        ));
    }
    doc
}

#[test]
fn pagination_added_is_additive() {
    let changelog = diff(&paged(false), &paged(true));
    expect(
        &changelog,
        Kind::PaginationAdded,
        "widgets:list",
        Class::Additive,
    );
    assert_kinds(&changelog, &[Kind::ParameterAdded, Kind::PaginationAdded]);
}

#[test]
fn pagination_removed_is_breaking() {
    let changelog = diff(&paged(true), &paged(false));
    expect(
        &changelog,
        Kind::PaginationRemoved,
        "widgets:list",
        Class::Breaking,
    );
}

#[test]
fn error_status_added_is_additive() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["get"]["responses"]["404"] = json!({
            "description": "missing",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
        });
    });
    let entry = expect(
        &changelog,
        Kind::ErrorStatusAdded,
        "widgets:get",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("404 Problem"));
}

#[test]
fn error_status_removed_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["post"]["responses"]
            .as_object_mut()
            .unwrap()
            .remove("422");
    });
    let entry = expect(
        &changelog,
        Kind::ErrorStatusRemoved,
        "widgets:create",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("422 Problem"));
}

#[test]
fn error_body_retyped_is_breaking() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["post"]["responses"]["422"]["content"]["application/json"]
            ["schema"] = json!({ "$ref": "#/components/schemas/Settings" });
    });
    expect(
        &changelog,
        Kind::ErrorRetyped,
        "widgets:create",
        Class::Breaking,
    );
}

// ----- schemas -----------------------------------------------------------

#[test]
fn schema_added_is_additive() {
    let changelog = changed(|doc| {
        *schema(doc, "Gadget") =
            json!({ "type": "object", "properties": { "id": { "type": "string" } } });
        doc["paths"]["/gadgets"]["get"] = gadget_operation("Gadget");
    });
    let entry = expect(&changelog, Kind::SchemaAdded, "Gadget", Class::Additive);
    assert_eq!(entry.new.as_deref(), Some("struct"));
    assert_kinds(&changelog, &[Kind::OperationAdded, Kind::SchemaAdded]);
}

#[test]
fn a_schema_nothing_reaches_is_not_generated_so_adding_it_changes_nothing() {
    let changelog = changed(|doc| {
        *schema(doc, "Gadget") =
            json!({ "type": "object", "properties": { "id": { "type": "string" } } });
    });
    assert!(changelog.is_empty(), "{}", render::text(&changelog));
}

/// `gadgets:get`, returning component `payload`.
fn gadget_operation(payload: &str) -> Value {
    json!({
        "operationId": "gadgets:get",
        "security": [{ "oat": [] }],
        "responses": { "200": { "description": "ok", "content": { "application/json": {
            "schema": { "$ref": format!("#/components/schemas/{payload}") }
        } } } }
    })
}

#[test]
fn schema_removed_is_breaking() {
    let changelog = changed(|doc| {
        doc["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("WidgetId");
        doc["paths"]["/settings"]["get"]["parameters"] = json!([]);
    });
    let entry = expect(&changelog, Kind::SchemaRemoved, "WidgetId", Class::Breaking);
    assert_eq!(entry.old.as_deref(), Some("type = Uuid"));
    assert_kinds(&changelog, &[Kind::ParameterRemoved, Kind::SchemaRemoved]);
}

#[test]
fn schema_renamed_in_rust_is_breaking() {
    // Components claim Rust names in sorted order: a new `Settings` takes
    // the name that `settings` had.
    let mut old = base();
    let settings = old["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("Settings")
        .unwrap();
    old["components"]["schemas"]["settings"] = settings.clone();
    old["paths"]["/settings"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({ "$ref": "#/components/schemas/settings" });
    let mut new = old.clone();
    new["components"]["schemas"]["Settings"] = settings;
    new["paths"]["/gadgets"]["get"] = gadget_operation("Settings");
    let changelog = diff(&old, &new);
    let entry = expect(&changelog, Kind::SchemaRenamed, "Settings", Class::Breaking);
    assert_eq!(entry.new.as_deref(), Some("Settings2"));
    assert_eq!(entry.note.as_deref(), Some("component schema `settings`"));
    expect(&changelog, Kind::SchemaAdded, "Settings", Class::Additive);
}

#[test]
fn schema_kind_changed_is_breaking() {
    let changelog = changed(|doc| {
        *schema(doc, "Shape") = json!({
            "type": "object",
            "properties": { "radius": { "type": "number" } }
        });
    });
    let entry = expect(
        &changelog,
        Kind::SchemaKindChanged,
        "Shape",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("union"), Some("struct"))
    );
    // Its members are no longer reached, so no longer generated.
    assert_kinds(
        &changelog,
        &[
            Kind::SchemaRemoved,
            Kind::SchemaRemoved,
            Kind::SchemaKindChanged,
        ],
    );
}

#[test]
fn alias_retyped_is_breaking() {
    let changelog = changed(|doc| *schema(doc, "WidgetId") = json!({ "type": "string" }));
    let entry = expect(&changelog, Kind::AliasRetyped, "WidgetId", Class::Breaking);
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Uuid"), Some("String"))
    );
}

#[test]
fn struct_becoming_input_is_additive() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets/{id}"]["patch"] = json!({
            "operationId": "widgets:update",
            "security": [{ "oat": [] }],
            "parameters": [param("id", "path", true, json!({ "type": "string", "format": "uuid" }))],
            "requestBody": { "required": true, "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/Settings" }
            } } },
            "responses": { "204": { "description": "updated" } }
        });
    });
    expect(
        &changelog,
        Kind::SchemaBecameInput,
        "Settings",
        Class::Additive,
    );
    assert_kinds(&changelog, &[Kind::OperationAdded, Kind::SchemaBecameInput]);
}

#[test]
fn struct_no_longer_input_loses_its_constructor_and_breaks() {
    let changelog = changed(|doc| {
        doc["paths"]["/widgets"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({ "$ref": "#/components/schemas/Settings" });
        // Still generated: now only received.
        doc["paths"]["/settings"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"] = json!({ "$ref": "#/components/schemas/WidgetCreate" });
    });
    let entry = expect(
        &changelog,
        Kind::SchemaNoLongerInput,
        "WidgetCreate",
        Class::Breaking,
    );
    assert_eq!(
        entry.note.as_deref(),
        Some("no longer sent to the API; `new()` is gone")
    );
}

#[test]
fn struct_no_longer_input_without_a_constructor_is_additive() {
    let mut old = base();
    old["paths"]["/widgets"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
        json!({ "$ref": "#/components/schemas/Settings" });
    let changelog = diff(&old, &base());
    // `Settings` derives `Default` and never had `new()`.
    expect(
        &changelog,
        Kind::SchemaNoLongerInput,
        "Settings",
        Class::Additive,
    );
}

#[test]
fn struct_losing_default_is_breaking() {
    let changelog = changed(|doc| {
        schema(doc, "Settings")["properties"]["locale"] = json!({ "type": "string" });
        schema(doc, "Settings")["required"] = json!(["locale"]);
    });
    let entry = expect(
        &changelog,
        Kind::SchemaLostDefault,
        "Settings",
        Class::Breaking,
    );
    assert_eq!(
        entry.note.as_deref(),
        Some("no longer derives Default: required locale")
    );
    // Settings is received-only: the field itself is additive.
    expect(
        &changelog,
        Kind::FieldAdded,
        "Settings.locale",
        Class::Additive,
    );
}

// ----- fields ------------------------------------------------------------

#[test]
fn optional_field_added_is_additive() {
    let changelog = changed(|doc| {
        schema(doc, "WidgetCreate")["properties"]["size"] = json!({ "type": "integer" });
    });
    let entry = expect(
        &changelog,
        Kind::FieldAdded,
        "WidgetCreate.size",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("Option<i64>"));
    assert_kinds(&changelog, &[Kind::FieldAdded]);
}

#[test]
fn required_field_added_to_an_input_type_is_breaking() {
    let changelog = changed(|doc| {
        schema(doc, "WidgetCreate")["properties"]["size"] = json!({ "type": "integer" });
        schema(doc, "WidgetCreate")["required"] = json!(["name", "size"]);
    });
    let entry = expect(
        &changelog,
        Kind::FieldAdded,
        "WidgetCreate.size",
        Class::Breaking,
    );
    assert_eq!(entry.new.as_deref(), Some("i64"));
    assert_eq!(
        entry.note.as_deref(),
        Some("required in a type sent to the API: `new()` takes it")
    );
}

#[test]
fn required_field_added_to_a_received_type_is_additive() {
    let changelog = changed(|doc| {
        schema(doc, "Widget")["properties"]["size"] = json!({ "type": "integer" });
        schema(doc, "Widget")["required"] = json!(["id", "name", "color", "size"]);
    });
    expect(&changelog, Kind::FieldAdded, "Widget.size", Class::Additive);
    assert_kinds(&changelog, &[Kind::FieldAdded]);
}

#[test]
fn field_removed_is_breaking() {
    let changelog = changed(|doc| {
        schema(doc, "Widget")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("label");
    });
    let entry = expect(
        &changelog,
        Kind::FieldRemoved,
        "Widget.label",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("Option<String>"));
}

#[test]
fn field_retyped_is_breaking() {
    let changelog =
        changed(|doc| schema(doc, "Widget")["properties"]["name"] = json!({ "type": "integer" }));
    let entry = expect(
        &changelog,
        Kind::FieldRetyped,
        "Widget.name",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("String"), Some("i64"))
    );
    assert_kinds(&changelog, &[Kind::FieldRetyped]);
}

#[test]
fn field_becoming_required_in_an_input_type_is_breaking() {
    let changelog =
        changed(|doc| schema(doc, "WidgetCreate")["required"] = json!(["name", "note"]));
    let entry = expect(
        &changelog,
        Kind::FieldBecameRequired,
        "WidgetCreate.note",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Option<String>"), Some("String"))
    );
    assert_eq!(entry.note.as_deref(), Some("`new()` now takes it"));
    assert_kinds(&changelog, &[Kind::FieldBecameRequired]);
}

#[test]
fn field_becoming_required_in_a_received_type_is_breaking() {
    // `Option<String>` becomes `String` for readers.
    let changelog =
        changed(|doc| schema(doc, "Widget")["required"] = json!(["id", "name", "color", "label"]));
    let entry = expect(
        &changelog,
        Kind::FieldBecameRequired,
        "Widget.label",
        Class::Breaking,
    );
    assert_eq!(entry.note, None);
}

#[test]
fn field_becoming_required_and_nullable_in_a_received_type_is_additive() {
    // Optional and nullable, then required and nullable: `Option<String>`
    // either way.
    let mut old = base();
    schema(&mut old, "Widget")["properties"]["label"] =
        json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] });
    let mut new = old.clone();
    schema(&mut new, "Widget")["required"] = json!(["id", "name", "color", "label"]);
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::FieldBecameRequired,
        "Widget.label",
        Class::Additive,
    );
    assert_eq!(entry.note.as_deref(), Some("the Rust type is unchanged"));
    assert_kinds(&changelog, &[Kind::FieldBecameRequired]);
}

#[test]
fn field_becoming_optional_is_breaking() {
    let changelog = changed(|doc| schema(doc, "Widget")["required"] = json!(["id", "color"]));
    let entry = expect(
        &changelog,
        Kind::FieldBecameOptional,
        "Widget.name",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("String"), Some("Option<String>"))
    );
}

#[test]
fn field_becoming_optional_in_an_input_type_drops_it_from_new() {
    let changelog = changed(|doc| {
        schema(doc, "WidgetCreate")["required"] = json!([]);
    });
    let entry = expect(
        &changelog,
        Kind::FieldBecameOptional,
        "WidgetCreate.name",
        Class::Breaking,
    );
    assert_eq!(entry.note.as_deref(), Some("`new()` no longer takes it"));
}

#[test]
fn field_becoming_nullable_when_required_is_breaking() {
    let changelog = changed(|doc| {
        schema(doc, "Widget")["properties"]["name"] =
            json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] });
    });
    let entry = expect(
        &changelog,
        Kind::FieldBecameNullable,
        "Widget.name",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("String"), Some("Option<String>"))
    );
    assert_kinds(&changelog, &[Kind::FieldBecameNullable]);
}

#[test]
fn optional_field_of_a_received_type_becoming_nullable_is_additive() {
    let changelog = changed(|doc| {
        schema(doc, "Widget")["properties"]["label"] =
            json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] });
    });
    let entry = expect(
        &changelog,
        Kind::FieldBecameNullable,
        "Widget.label",
        Class::Additive,
    );
    assert_eq!(entry.note.as_deref(), Some("the Rust type is unchanged"));
    assert_kinds(&changelog, &[Kind::FieldBecameNullable]);
}

#[test]
fn optional_field_of_an_input_type_becoming_nullable_is_breaking() {
    // `Option<String>` becomes the three-state `Nullable<String>`.
    let changelog = changed(|doc| {
        schema(doc, "WidgetCreate")["properties"]["note"] =
            json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] });
    });
    let entry = expect(
        &changelog,
        Kind::FieldBecameNullable,
        "WidgetCreate.note",
        Class::Breaking,
    );
    assert_eq!(entry.new.as_deref(), Some("Nullable<String>"));
}

#[test]
fn field_becoming_non_nullable_is_breaking() {
    let mut old = base();
    schema(&mut old, "Widget")["properties"]["name"] =
        json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] });
    let changelog = diff(&old, &base());
    let entry = expect(
        &changelog,
        Kind::FieldBecameNonNullable,
        "Widget.name",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Option<String>"), Some("String"))
    );
}

// ----- enums, unions, webhooks -------------------------------------------

#[test]
fn enum_value_added_is_additive() {
    let changelog = changed(|doc| schema(doc, "Color")["enum"] = json!(["red", "green", "blue"]));
    let entry = expect(&changelog, Kind::EnumValueAdded, "Color", Class::Additive);
    assert_eq!(entry.new.as_deref(), Some("\"blue\""));
    assert_kinds(&changelog, &[Kind::EnumValueAdded]);
}

#[test]
fn enum_value_removed_is_breaking() {
    let changelog = changed(|doc| schema(doc, "Color")["enum"] = json!(["red"]));
    let entry = expect(&changelog, Kind::EnumValueRemoved, "Color", Class::Breaking);
    assert_eq!(entry.old.as_deref(), Some("\"green\""));
}

fn with_triangle(doc: &mut Value) {
    *schema(doc, "Triangle") = json!({
        "type": "object",
        "properties": { "base": { "type": "number" } },
        "required": ["base"]
    });
}

#[test]
fn union_variant_added_is_additive() {
    let mut old = base();
    with_triangle(&mut old);
    let mut new = old.clone();
    schema(&mut new, "Shape")["oneOf"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "$ref": "#/components/schemas/Triangle" }));
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::UnionVariantAdded,
        "Shape",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("Triangle(Triangle)"));
    // `Triangle` was not generated while nothing reached it.
    assert_kinds(&changelog, &[Kind::SchemaAdded, Kind::UnionVariantAdded]);
}

/// `Circle` and `Square` both with a `label` of this schema.
fn with_labels(doc: &mut Value, label: Value) {
    for member in ["Circle", "Square"] {
        schema(doc, member)["properties"]["label"] = label.clone();
        schema(doc, member)["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("label"));
    }
}

#[test]
fn union_method_added_is_additive() {
    // Every member now has `label`: `Shape::label()` appears.
    let changelog = changed(|doc| with_labels(doc, json!({ "type": "string" })));
    let entry = expect(&changelog, Kind::UnionMethodAdded, "Shape", Class::Additive);
    assert_eq!(
        entry.new.as_deref(),
        Some(".label() -> Option<&str> (always)")
    );
    assert_kinds(
        &changelog,
        &[Kind::FieldAdded, Kind::FieldAdded, Kind::UnionMethodAdded],
    );
}

#[test]
fn union_method_removed_is_breaking() {
    // A new member without `label`: the accessor every member had is gone.
    let mut old = base();
    with_labels(&mut old, json!({ "type": "string" }));
    with_triangle(&mut old);
    let mut new = old.clone();
    schema(&mut new, "Shape")["oneOf"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "$ref": "#/components/schemas/Triangle" }));
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::UnionMethodRemoved,
        "Shape",
        Class::Breaking,
    );
    assert_eq!(
        entry.old.as_deref(),
        Some(".label() -> Option<&str> (always)")
    );
}

#[test]
fn union_method_retyped_is_breaking() {
    let mut old = base();
    with_labels(&mut old, json!({ "type": "string" }));
    let mut new = base();
    with_labels(&mut new, json!({ "type": "integer" }));
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::UnionMethodRetyped,
        "Shape",
        Class::Breaking,
    );
    assert_eq!(
        entry.old.as_deref(),
        Some(".label() -> Option<&str> (always)")
    );
    assert_eq!(
        entry.new.as_deref(),
        Some(".label() -> Option<&i64> (always)")
    );
}

#[test]
fn union_variant_removed_is_breaking() {
    let changelog = changed(|doc| {
        schema(doc, "Shape")["oneOf"] = json!([
            { "$ref": "#/components/schemas/Circle" },
            { "type": "string" }
        ]);
    });
    let entry = expect(
        &changelog,
        Kind::UnionVariantRemoved,
        "Shape",
        Class::Breaking,
    );
    assert_eq!(entry.old.as_deref(), Some("Square(Square)"));
}

#[test]
fn union_variant_retyped_is_breaking() {
    // A discriminated union names its variants by tag, so the tag keeps the
    // variant while the type behind it changes.
    let union = |target: &str| {
        json!({
            "oneOf": [
                { "$ref": "#/components/schemas/Circle" },
                { "$ref": format!("#/components/schemas/{target}") }
            ],
            "discriminator": { "propertyName": "kind", "mapping": {
                "circle": "#/components/schemas/Circle",
                "other": format!("#/components/schemas/{target}")
            } }
        })
    };
    let mut old = base();
    with_triangle(&mut old);
    *schema(&mut old, "Shape") = union("Square");
    let mut new = old.clone();
    *schema(&mut new, "Shape") = union("Triangle");
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::UnionVariantRetyped,
        "Shape",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Other(Square)"), Some("Other(Triangle)"))
    );
}

fn webhook(doc: &mut Value, event: &str, payload: &str) {
    doc["webhooks"][event] = json!({ "post": {
        "operationId": format!("_endpoint_{event}"),
        "requestBody": { "required": true, "content": { "application/json": {
            "schema": { "$ref": format!("#/components/schemas/{payload}") }
        } } },
        "responses": { "200": { "description": "received" } }
    } });
}

fn with_webhooks(events: &[(&str, &str)]) -> Value {
    let mut doc = base();
    for (event, payload) in events {
        webhook(&mut doc, event, payload);
    }
    doc
}

#[test]
fn webhook_event_added_is_additive() {
    let old = with_webhooks(&[("widget.created", "Widget")]);
    let new = with_webhooks(&[("widget.created", "Widget"), ("widget.updated", "Widget")]);
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::WebhookEventAdded,
        "widget.updated",
        Class::Additive,
    );
    assert_eq!(entry.new.as_deref(), Some("Widget"));
    assert_kinds(&changelog, &[Kind::WebhookEventAdded]);
}

#[test]
fn webhook_event_removed_is_breaking() {
    let old = with_webhooks(&[("widget.created", "Widget"), ("widget.updated", "Widget")]);
    let new = with_webhooks(&[("widget.created", "Widget")]);
    let changelog = diff(&old, &new);
    expect(
        &changelog,
        Kind::WebhookEventRemoved,
        "widget.updated",
        Class::Breaking,
    );
}

#[test]
fn webhook_payload_retyped_is_breaking() {
    let old = with_webhooks(&[("widget.created", "Widget")]);
    let new = with_webhooks(&[("widget.created", "Settings")]);
    let changelog = diff(&old, &new);
    let entry = expect(
        &changelog,
        Kind::WebhookEventRetyped,
        "widget.created",
        Class::Breaking,
    );
    assert_eq!(
        (entry.old.as_deref(), entry.new.as_deref()),
        (Some("Widget"), Some("Settings"))
    );
}

// ----- matching, order, rendering ----------------------------------------

#[test]
fn an_inline_type_that_becomes_a_component_of_the_same_name_is_unchanged() {
    let mut old = base();
    schema(&mut old, "Widget")["properties"]["size"] =
        json!({ "type": "string", "enum": ["s", "m"] });
    let mut new = base();
    schema(&mut new, "Widget")["properties"]["size"] =
        json!({ "$ref": "#/components/schemas/WidgetSize" });
    *schema(&mut new, "WidgetSize") = json!({ "type": "string", "enum": ["s", "m"] });
    let changelog = diff(&old, &new);
    assert!(changelog.is_empty(), "{}", render::text(&changelog));
}

/// Many changes at once, for order and rendering.
fn busy_pair() -> (Value, Value) {
    let old = with_webhooks(&[("widget.created", "Widget"), ("widget.deleted", "Widget")]);
    let mut new = with_webhooks(&[("widget.created", "Widget"), ("widget.updated", "Widget")]);
    schema(&mut new, "Color")["enum"] = json!(["green", "blue", "red"]);
    schema(&mut new, "Widget")["properties"]
        .as_object_mut()
        .unwrap()
        .remove("label");
    schema(&mut new, "Widget")["properties"]["weight"] = json!({ "type": "number" });
    schema(&mut new, "WidgetCreate")["required"] = json!(["name", "note"]);
    new["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .remove("WidgetId");
    new["paths"]["/settings"]["get"]["parameters"] = json!([]);
    *schema(&mut new, "Gadget") = json!({ "type": "string" });
    new["paths"]["/gadgets"]["get"] = gadget_operation("Gadget");
    new["paths"]["/widgets"]["get"]["parameters"][0]["required"] = json!(true);
    (old, new)
}

#[test]
fn entries_are_sorted_by_kind_then_item() {
    let (old, new) = busy_pair();
    let changelog = diff(&old, &new);
    let keys: Vec<(Kind, &str)> = changelog
        .entries
        .iter()
        .map(|e| (e.kind, e.item.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(
        keys,
        [
            (Kind::OperationAdded, "gadgets:get"),
            (Kind::ParameterRemoved, "settings:get"),
            (Kind::ParameterBecameRequired, "widgets:list"),
            (Kind::SchemaAdded, "Gadget"),
            (Kind::SchemaRemoved, "WidgetId"),
            (Kind::FieldAdded, "Widget.weight"),
            (Kind::FieldRemoved, "Widget.label"),
            (Kind::FieldBecameRequired, "WidgetCreate.note"),
            (Kind::EnumValueAdded, "Color"),
            (Kind::WebhookEventAdded, "widget.updated"),
            (Kind::WebhookEventRemoved, "widget.deleted"),
        ]
    );
}

#[test]
fn diffing_twice_gives_identical_output() {
    let (old, new) = busy_pair();
    let first = diff(&old, &new);
    let second = diff(&old, &new);
    assert_eq!(first, second);
    for format in [
        render::Format::Text,
        render::Format::Markdown,
        render::Format::Json,
    ] {
        assert_eq!(
            render::render(&first, format),
            render::render(&second, format)
        );
    }
}

#[test]
fn the_order_of_the_documents_maps_does_not_matter() {
    let (old, new) = busy_pair();
    let parse = |doc: &Value| codegen::spec::parse(&doc.to_string()).unwrap();
    let reversed = |doc: &Value| {
        let mut spec = parse(doc);
        spec.components.schemas.reverse();
        spec.paths.reverse();
        spec.webhooks.reverse();
        for schema in spec.components.schemas.values_mut() {
            schema.properties.reverse();
        }
        spec
    };
    let straight = changelog::diff(&parse(&old), &parse(&new)).unwrap();
    let shuffled = changelog::diff(&reversed(&old), &reversed(&new)).unwrap();
    assert_eq!(render::json(&straight), render::json(&shuffled));
}

#[test]
fn renderers_list_breaking_entries_first() {
    let (old, new) = busy_pair();
    let changelog = diff(&old, &new);
    assert_eq!(changelog.counts(), (6, 5));

    let markdown = render::markdown(&changelog);
    let expected = "\
**6 breaking**, 5 additive changes to the generated crates.

### Breaking (6)

- parameter removed `settings:get`: `widget_id: WidgetId` (query parameter)
- parameter became required `widgets:list`: `limit: i64` (now a method argument instead of a builder method)
- schema removed `WidgetId`: `type = Uuid`
- field removed `Widget.label`: `Option<String>`
- field became required `WidgetCreate.note`: `Option<String>` → `String` (`new()` now takes it)
- webhook event removed `widget.deleted`: `Widget`

### Additive (5)

- operation added `gadgets:get`: `client.gadgets().get()` (GET /gadgets)
- schema added `Gadget`: `type = String`
- field added `Widget.weight`: `Option<f64>`
- enum value added `Color`: `\"blue\"`
- webhook event added `widget.updated`: `Widget`
";
    assert_eq!(markdown, expected);

    let text = render::text(&changelog);
    assert!(text.starts_with("6 breaking, 5 additive changes\n\nBreaking (6):\n"));
    assert!(text.contains("\n  field removed              Widget.label: Option<String>\n"));

    let json: Value = serde_json::from_str(&render::json(&changelog)).unwrap();
    assert_eq!(json["breaking"], 6);
    assert_eq!(json["additive"], 5);
    assert_eq!(
        json["entries"][3],
        json!({
            "kind": "field_removed",
            "class": "breaking",
            "item": "Widget.label",
            "old": "Option<String>",
            "new": null,
            "note": null
        })
    );
}

#[test]
fn every_kind_has_a_distinct_id_and_label() {
    let ids: std::collections::BTreeSet<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
    assert_eq!(ids.len(), Kind::ALL.len());
    assert_eq!(
        Kind::FieldBecameNonNullable.label(),
        "field became non-nullable"
    );
}
