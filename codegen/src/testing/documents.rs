//! Small OpenAPI 3.1 documents whose shapes the choices pick: a handful of
//! component schemas (objects with required lists, nullable members,
//! unions with and without a discriminator, enums, consts, references
//! including self and cyclic ones, `allOf`, arrays, maps, formats, pages)
//! under names that collide after case conversion or are odd, and an
//! operation or two and a webhook using them. Small enough to generate in
//! milliseconds, so a fuzzer tries thousands where a pinned document takes
//! a third of a second.

use serde_json::{json, Map, Value};

use super::Choices;

/// Schema names: plain ones, ones that collide with them after case
/// conversion, Rust keywords and prelude names, odd ones.
const SCHEMA_NAMES: &[&str] = &[
    "Thing",
    "thing",
    "THING",
    "Thing_",
    "Thing-",
    "ThingCreate",
    "thing_create",
    "Item",
    "ListResource_Thing_",
    "ListResourceThing",
    "Pagination",
    "WebhookThingCreatedPayload",
    "Self",
    "self",
    "type",
    "Option",
    "String",
    "Box",
    "Result",
    "Vec",
    "Unknown",
    "Default",
    "crate",
    "",
    "_",
    "9lives",
    "a b",
    "Ünïcode",
    "名前",
    "Thing.Nested",
    "Thing/Slash",
];

/// Property names, with the same kinds of collisions.
const PROPERTY_NAMES: &[&str] = &[
    "id",
    "Id",
    "ID",
    "name",
    "type",
    "kind",
    "self",
    "Self",
    "super",
    "items",
    "pagination",
    "metadata",
    "additional_properties",
    "created_at",
    "createdAt",
    "CreatedAt",
    "created-at",
    "",
    "_",
    "1st",
    "a b",
    "ünï",
    "値",
    "r#match",
    "self_ref",
];

/// String values for enums, consts and discriminator tags.
const VALUES: &[&str] = &[
    "a", "A", "b", "a_b", "a-b", "A_B", "aB", "", " ", "1", "self", "Self", "type", "none", "None",
    "Unknown", "ü", "値", "a.b", "a/b",
];

const FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uuid",
    "email",
    "uri",
    "int32",
    "int64",
    "float",
    "binary",
    "decimal",
    "",
    "made-up",
];

const DESCRIPTIONS: &[&str] = &[
    "A thing.",
    "",
    "Ends a block comment */ and opens one /*",
    "```\nfenced code\n```",
    "Line one\r\nline two\rline three",
    "A [link](https://example.com) and <b>html</b> and `code`.",
    "Back\\slash and \"quotes\" and #[attr]",
    "Ünïcode ✓ 名前",
    "\t tab and trailing space ",
    "# Heading\n\n- list",
];

const OPERATION_IDS: &[&str] = &[
    "things:get",
    "things:update",
    "things:delete",
    "thing_things:list",
    "customer_portal:things:get",
    "things:sub:get",
    "things:list",
    "things:create",
    "Things:Get",
    "things:get_",
    "client:get",
    "thing",
    "",
    "a:b:c",
    "things:self",
];

/// How deep shapes nest before only scalars and references remain.
const MAX_DEPTH: usize = 3;

/// A small OpenAPI 3.1 document whose shapes `choices` pick.
pub fn small_document(choices: &mut impl Choices) -> Value {
    let count = 1 + choices.below(6);
    let mut names: Vec<String> = Vec::with_capacity(count);
    for _ in 0..count {
        let name = choices.pick(SCHEMA_NAMES).to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let builder = Builder { names: &names };
    let mut schemas = Map::new();
    for name in &names {
        schemas.insert(name.clone(), builder.top_level(choices, name));
    }
    let mut paths = Map::new();
    for _ in 0..choices.below(3) {
        let (path, item) = builder.operation(choices);
        merge(&mut paths, path, item);
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Small document",
            "version": choices.pick(&["2030-01", "1.0.0", "2026-10", ""]),
        },
        "paths": paths,
        "components": { "schemas": schemas },
    });
    if choices.one_in(3) {
        let payload = builder.schema(choices, 1);
        doc["webhooks"] = json!({
            choices.pick(&["thing.created", "thing.updated", "thing", ""]): {
                "post": {
                    "operationId": "_endpoint_thing_created",
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": payload } }
                    },
                    "responses": { "200": { "description": "Received." } }
                }
            }
        });
    }
    doc
}

/// Two operations on one path share its item.
fn merge(paths: &mut Map<String, Value>, path: String, item: Value) {
    match paths.get_mut(&path).and_then(Value::as_object_mut) {
        Some(existing) => {
            if let Value::Object(item) = item {
                existing.extend(item);
            }
        }
        None => {
            paths.insert(path, item);
        }
    }
}

struct Builder<'a> {
    names: &'a [String],
}

impl Builder<'_> {
    fn reference(&self, choices: &mut impl Choices) -> Value {
        let name = &self.names[choices.below(self.names.len())];
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    /// A component schema: mostly objects (what the mutations work on),
    /// else any shape. `name` makes pages and self-references likelier.
    fn top_level(&self, choices: &mut impl Choices, name: &str) -> Value {
        let mut schema = match choices.below(8) {
            0..=3 => self.object(choices, 1),
            4 if name.starts_with("ListResource") => self.page(choices),
            _ => self.schema(choices, 1),
        };
        if choices.one_in(4) {
            schema["title"] = json!(choices.pick(SCHEMA_NAMES));
        }
        schema
    }

    /// Any shape, nesting at most [`MAX_DEPTH`] deep.
    fn schema(&self, choices: &mut impl Choices, depth: usize) -> Value {
        let kinds = if depth >= MAX_DEPTH { 7 } else { 18 };
        let mut schema = match choices.below(kinds) {
            0 => self.string(choices),
            1 => {
                let mut s = json!({ "type": choices.pick(&["integer", "number"]) });
                if choices.one_in(2) {
                    s["format"] = json!(choices.pick(FORMATS));
                }
                if choices.one_in(10) {
                    let values = [json!(0), json!(1), json!(-1), json!(2.5)];
                    s["enum"] = Value::Array(values[..1 + choices.below(4)].to_vec());
                }
                if choices.one_in(4) {
                    s["minimum"] = json!(0);
                }
                s
            }
            2 => {
                let mut s = json!({ "type": "boolean" });
                if choices.one_in(3) {
                    s["const"] = json!(choices.one_in(2));
                }
                s
            }
            3 | 4 => self.reference(choices),
            5 => json!({}),
            6 => {
                let mut s = json!({ "enum": self.values(choices) });
                if choices.one_in(3) {
                    if let Some(values) = s["enum"].as_array_mut() {
                        values.push(Value::Null);
                    }
                }
                s
            }
            7 => self.object(choices, depth + 1),
            8 => json!({ "type": "array", "items": self.schema(choices, depth + 1) }),
            9 => json!({
                "type": "object",
                "additionalProperties": self.schema(choices, depth + 1),
            }),
            10 | 11 => json!({ "anyOf": [self.schema(choices, depth + 1), { "type": "null" }] }),
            12 => self.union(choices, depth),
            // The generator refuses `allOf`: rarely, so that most documents
            // get past the parser.
            13 if choices.one_in(8) => json!({
                "allOf": [self.reference(choices), self.object(choices, depth + 1)]
            }),
            14 if choices.one_in(8) => json!({ "allOf": [self.reference(choices)] }),
            13 => self.object(choices, depth + 1),
            14 => self.reference(choices),
            15 => json!({ "type": [choices.pick(&["string", "integer", "object"]), "null"] }),
            16 => json!({ "type": "null" }),
            _ => {
                let mut s = self.reference(choices);
                s["description"] = json!(choices.pick(DESCRIPTIONS));
                s
            }
        };
        if choices.one_in(5) {
            if let Some(object) = schema.as_object_mut() {
                object.insert("description".into(), json!(choices.pick(DESCRIPTIONS)));
            }
        }
        if choices.one_in(12) {
            if let Some(object) = schema.as_object_mut() {
                object.insert("deprecated".into(), json!(true));
            }
        }
        schema
    }

    fn string(&self, choices: &mut impl Choices) -> Value {
        let mut s = json!({ "type": "string" });
        match choices.below(5) {
            0 => s["format"] = json!(choices.pick(FORMATS)),
            1 => s["enum"] = json!(self.values(choices)),
            2 => s["const"] = json!(choices.pick(VALUES)),
            3 => {
                s["maxLength"] = json!(choices.below(100));
                s["pattern"] = json!("^[a-z]+$");
            }
            _ => {}
        }
        s
    }

    fn values(&self, choices: &mut impl Choices) -> Vec<&'static str> {
        (0..1 + choices.below(4))
            .map(|_| choices.pick(VALUES))
            .collect()
    }

    fn object(&self, choices: &mut impl Choices, depth: usize) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for _ in 0..choices.below(5) {
            let name = choices.pick(PROPERTY_NAMES);
            properties.insert(name.to_owned(), self.schema(choices, depth));
            if choices.one_in(2) {
                required.push(name);
            }
        }
        if choices.one_in(8) {
            // A required entry the object does not list.
            required.push(choices.pick(PROPERTY_NAMES));
        }
        let mut s = json!({ "type": "object", "properties": properties, "required": required });
        match choices.below(6) {
            0 => s["additionalProperties"] = json!(false),
            1 => s["additionalProperties"] = json!(true),
            2 if depth < MAX_DEPTH => {
                s["additionalProperties"] = self.schema(choices, depth + 1);
            }
            _ => {}
        }
        s
    }

    /// `oneOf`/`anyOf` over references or inline shapes, with or without a
    /// discriminator (and its mapping).
    fn union(&self, choices: &mut impl Choices, depth: usize) -> Value {
        let keyword = choices.pick(&["oneOf", "anyOf"]);
        // Discriminated members are `$ref`s (else refused), mostly.
        let discriminated = choices.one_in(2);
        let members: Vec<Value> = (0..1 + choices.below(4))
            .map(|_| {
                if choices.one_in(if discriminated { 12 } else { 3 }) {
                    self.schema(choices, depth + 1)
                } else {
                    self.reference(choices)
                }
            })
            .collect();
        let mut s = json!({ keyword: members });
        if discriminated {
            let property = choices.pick(&["kind", "type", "", "id"]);
            let mut discriminator = json!({ "propertyName": property });
            if choices.one_in(2) {
                let mut mapping = Map::new();
                for _ in 0..1 + choices.below(3) {
                    let target = &self.names[choices.below(self.names.len())];
                    mapping.insert(
                        choices.pick(VALUES).to_owned(),
                        json!(format!("#/components/schemas/{target}")),
                    );
                }
                discriminator["mapping"] = Value::Object(mapping);
            }
            s["discriminator"] = discriminator;
        }
        s
    }

    /// A `ListResource`-shaped page of some schema.
    fn page(&self, choices: &mut impl Choices) -> Value {
        json!({
            "type": "object",
            "properties": {
                "items": { "type": "array", "items": self.reference(choices) },
                "pagination": {
                    "type": "object",
                    "properties": {
                        "total_count": { "type": "integer" },
                        "max_page": { "type": "integer" }
                    },
                    "required": ["total_count", "max_page"]
                }
            },
            "required": ["items", "pagination"]
        })
    }

    /// One operation: a path (with its parameters), a method, maybe a
    /// body, a response, maybe `page`/`limit` and a pagination hint.
    fn operation(&self, choices: &mut impl Choices) -> (String, Value) {
        let path = choices.pick(&[
            "/v1/things/{id}",
            "/v1/things/",
            "/v1/{a}/{b}",
            "/",
            "/v1/things/{id}/{id}",
            "/v1/ünï/{x-y}",
        ]);
        let method = choices.pick(&["get", "post", "patch", "delete", "put"]);
        let mut parameters: Vec<Value> = placeholders(path)
            .into_iter()
            .map(|name| {
                json!({
                    "name": name, "in": "path", "required": true,
                    "schema": self.path_parameter(choices),
                })
            })
            .collect();
        let paged = choices.one_in(3);
        if paged {
            for name in ["page", "limit"] {
                parameters.push(json!({
                    "name": name, "in": "query", "required": false,
                    "schema": { "anyOf": [{ "type": "integer" }, { "type": "null" }] }
                }));
            }
        }
        for _ in 0..choices.below(3) {
            let mut parameter = json!({
                "name": choices.pick(PROPERTY_NAMES),
                "in": if choices.one_in(8) { "header" } else { "query" },
                "required": choices.one_in(2),
                "schema": self.schema(choices, 2),
            });
            if choices.one_in(3) {
                parameter["style"] = json!(choices.pick(&["deepObject", "form"]));
                parameter["explode"] = json!(choices.one_in(2));
            }
            parameters.push(parameter);
        }
        let mut operation = json!({
            "operationId": choices.pick(OPERATION_IDS),
            "summary": choices.pick(DESCRIPTIONS),
            "parameters": parameters,
        });
        if matches!(method, "post" | "patch" | "put") && !choices.one_in(4) {
            operation["requestBody"] = json!({
                "required": choices.one_in(2),
                "content": { "application/json": { "schema": self.schema(choices, 1) } }
            });
        }
        let status = choices.pick(&["200", "201", "204", "202"]);
        let response = if status == "204" {
            json!({ "description": "No content" })
        } else {
            json!({
                "description": "OK",
                "content": { "application/json": { "schema": self.schema(choices, 1) } }
            })
        };
        let mut responses = json!({ status: response });
        if choices.one_in(3) {
            responses[choices.pick(&["404", "422", "default"])] = json!({
                "description": "An error",
                "content": { "application/json": { "schema": self.reference(choices) } }
            });
        }
        operation["responses"] = responses;
        if paged && choices.one_in(2) {
            operation["x-polar-pagination"] = json!({
                "type": choices.pick(&["page_limit", "cursor"]),
                "item_schema": self.reference(choices),
            });
        }
        if choices.one_in(6) {
            operation["deprecated"] = json!(true);
        }
        (path.to_owned(), json!({ method: operation }))
    }

    fn path_parameter(&self, choices: &mut impl Choices) -> Value {
        match choices.below(4) {
            0 => json!({ "type": "string", "format": "uuid" }),
            1 => json!({ "type": "integer" }),
            2 => self.reference(choices),
            _ => json!({ "type": "string" }),
        }
    }
}

/// The `{name}`s of a path template, in order.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}
