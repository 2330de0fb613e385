//! Values from the URL or a form are text: each is read as the type its
//! schema says (`"10"` → `10` for an integer), as pydantic does, before it
//! is validated.

use serde_json::{json, Map, Value};

use super::{is_null_schema, type_names, Schemas, Source, DEPTH};

impl Schemas {
    /// A value from the URL or a form, converted to JSON by the schema's
    /// type where the text reads as that type (`"10"` → `10` for an
    /// integer); text that does not stays a string, and validation then
    /// reports it.
    pub(crate) fn coerce(&self, schema: &Value, text: &str) -> Value {
        self.coerce_at(schema, text, 0)
    }

    fn coerce_at(&self, schema: &Value, text: &str, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > DEPTH {
            return json!(text);
        }
        if let Some(members) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            let others: Vec<&Value> = members
                .iter()
                .filter(|m| !is_null_schema(self.resolve(m)))
                .collect();
            for member in &others {
                let value = self.coerce_at(member, text, depth + 1);
                if self
                    .validate(member, &value, &mut Vec::new(), Source::Text)
                    .is_empty()
                {
                    return value;
                }
            }
            return match others.first() {
                Some(first) => self.coerce_at(first, text, depth + 1),
                None => json!(text),
            };
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            // An enum of numbers reads numbers.
            if let Some(number) = values
                .iter()
                .find(|v| v.is_number() && v.as_f64() == text.trim().parse::<f64>().ok())
            {
                return number.clone();
            }
        }
        let empty = Map::new();
        let types = type_names(schema.as_object().unwrap_or(&empty));
        for ty in types {
            match ty {
                "integer" => {
                    if let Ok(n) = text.trim().parse::<i64>() {
                        return json!(n);
                    }
                }
                "number" => {
                    if let Some(n) = text.trim().parse::<f64>().ok().filter(|n| n.is_finite()) {
                        return json!(n);
                    }
                }
                "boolean" => {
                    if let Some(b) = parse_bool(text) {
                        return json!(b);
                    }
                }
                "array" => {
                    let items = schema.get("items").cloned().unwrap_or(json!({}));
                    return json!([self.coerce_at(&items, text, depth + 1)]);
                }
                _ => {}
            }
        }
        json!(text)
    }

    /// The values of a repeated key (`?product_id=a&product_id=b`): a list
    /// where the schema takes one (and always for several values), else the
    /// one value.
    pub(crate) fn coerce_all(&self, schema: &Value, texts: &[String]) -> Value {
        let resolved = self.resolve(schema);
        let array_member = self.array_schema(resolved);
        match (texts, array_member) {
            ([one], None) => self.coerce(schema, one),
            ([one], Some(_)) if self.takes_scalar(resolved) => self.coerce(schema, one),
            (_, Some(array)) => {
                let items = array.get("items").cloned().unwrap_or(json!({}));
                Value::Array(texts.iter().map(|t| self.coerce(&items, t)).collect())
            }
            (_, None) => Value::Array(texts.iter().map(|t| self.coerce(schema, t)).collect()),
        }
    }

    /// The array schema among a schema and its union members.
    fn array_schema<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
        if type_names(schema.as_object()?).contains(&"array") {
            return Some(schema);
        }
        schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)?
            .iter()
            .map(|m| self.resolve(m))
            .find(|m| {
                m.as_object()
                    .is_some_and(|o| type_names(o).contains(&"array"))
            })
    }

    /// Whether a union has a member that is neither an array nor `null`.
    fn takes_scalar(&self, schema: &Value) -> bool {
        match schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            Some(members) => members.iter().map(|m| self.resolve(m)).any(|m| {
                !is_null_schema(m)
                    && !m
                        .as_object()
                        .is_some_and(|o| type_names(o).contains(&"array"))
            }),
            None => false,
        }
    }

    /// A form's or a `deepObject`'s fields (name → its values, in order),
    /// as the object the schema describes, each value converted by its
    /// property's schema.
    pub(crate) fn coerce_fields(&self, schema: &Value, fields: &[(String, Vec<String>)]) -> Value {
        let object_schema = self.object_member(schema, fields);
        let mut object = Map::new();
        for (name, texts) in fields {
            let property = object_schema
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(name))
                .or_else(|| {
                    object_schema
                        .and_then(|s| s.get("additionalProperties"))
                        .filter(|a| a.is_object())
                });
            let value = match property {
                Some(property) => self.coerce_all(property, texts),
                None if texts.len() == 1 => json!(texts[0]),
                None => json!(texts),
            };
            object.insert(name.clone(), value);
        }
        Value::Object(object)
    }

    /// The object schema fields are meant for: the schema itself, or the
    /// union member their discriminator (or constant properties) name, or
    /// the first object member.
    fn object_member<'a>(
        &'a self,
        schema: &'a Value,
        fields: &[(String, Vec<String>)],
    ) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        let Some(members) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        else {
            return Some(schema);
        };
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, t)| t.first())
        };
        let objects: Vec<&Value> = members
            .iter()
            .map(|m| self.resolve(m))
            .filter(|m| m.get("properties").is_some())
            .collect();
        objects
            .iter()
            .find(|member| {
                let properties = member.get("properties").and_then(Value::as_object);
                properties.is_some_and(|properties| {
                    let constants: Vec<(&String, &Value)> = properties
                        .iter()
                        .filter_map(|(name, p)| self.constant_of(p).map(|c| (name, c)))
                        .collect();
                    !constants.is_empty()
                        && constants.iter().all(|(name, constant)| {
                            field(name).map(|t| json!(t)).as_ref() == Some(*constant)
                        })
                })
            })
            .or(objects.first())
            .copied()
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
        _ => None,
    }
}
