//! Valid mutations of a document's component schemas: a required entry
//! dropped, a property made nullable, a self-reference added (nullable or
//! not), inline objects nested around a property, a schema copied under a
//! name that collides with it after case conversion.

use serde_json::{json, Map, Value};

use super::Choices;

/// Apply one mutation to `doc` (an OpenAPI document with
/// `components.schemas`); returns what it did. A document without an
/// object schema (or without components) is left as it is.
pub fn mutate(doc: &mut Value, choices: &mut impl Choices) -> String {
    let objects = objects(doc);
    if objects.is_empty() {
        return "nothing (no object schema)".to_owned();
    }
    let name = objects[choices.below(objects.len())].clone();
    let Some(schema) = schemas(doc).and_then(|s| s.get_mut(&name)) else {
        return "nothing (no such schema)".to_owned();
    };
    let properties: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let property = properties[choices.below(properties.len())].clone();
    match choices.below(6) {
        0 => {
            let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) else {
                return format!("{name}: no required list");
            };
            if required.is_empty() {
                return format!("{name}: no required entry");
            }
            let gone = required.remove(choices.below(required.len()));
            format!("{name}: dropped required {gone}")
        }
        1 => {
            let old = schema["properties"][&property].take();
            schema["properties"][&property] = json!({"anyOf": [old, {"type": "null"}]});
            format!("{name}.{property}: made nullable")
        }
        2 => {
            schema["properties"]["self_ref"] =
                json!({"anyOf": [reference(&name), {"type": "null"}]});
            push_required(schema, "self_ref");
            format!("{name}: required nullable self-reference")
        }
        3 => {
            schema["properties"]["self_ref"] = reference(&name);
            push_required(schema, "self_ref");
            format!("{name}: required non-nullable self-reference")
        }
        4 => {
            let old = schema["properties"][&property].take();
            let depth = 1 + choices.below(4);
            let mut nested = old;
            for level in 0..depth {
                nested = json!({
                    "type": "object",
                    "properties": { format!("inner{level}"): nested },
                    "required": [format!("inner{level}")]
                });
            }
            schema["properties"][&property] = nested;
            format!("{name}.{property}: nested {depth} inline objects deep")
        }
        _ => {
            // A newcomer whose Rust name collides with `name`'s, referred to
            // from `name` so that it is reachable.
            let copy = schema.clone();
            let colliding = match choices.below(3) {
                0 => upper_snake(&name),
                1 => format!("{name}_"),
                _ => format!("{name}-"),
            };
            let Some(schemas) = schemas(doc) else {
                return "nothing (no schemas)".to_owned();
            };
            if schemas.contains_key(&colliding) {
                return format!("{name}: {colliding} exists");
            }
            schemas.insert(colliding.clone(), copy);
            schemas[&name]["properties"]["colliding"] = reference(&colliding);
            format!("{name}: added colliding schema {colliding}")
        }
    }
}

fn schemas(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.get_mut("components")?
        .get_mut("schemas")?
        .as_object_mut()
}

/// Component schemas with listed properties.
fn objects(doc: &mut Value) -> Vec<String> {
    let Some(schemas) = schemas(doc) else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter(|(_, s)| s["properties"].as_object().is_some_and(|p| !p.is_empty()))
        .map(|(name, _)| name.clone())
        .collect()
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn push_required(schema: &mut Value, property: &str) {
    match schema.get_mut("required").and_then(Value::as_array_mut) {
        Some(list) => list.push(json!(property)),
        None => schema["required"] = json!([property]),
    }
}

/// `FooBar` → `FOO_BAR`.
pub fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
