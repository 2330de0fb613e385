//! Validating an operation's inputs against their schemas the way Polar's
//! FastAPI (pydantic) does, reporting each problem as FastAPI's
//! `ValidationError`: `{"loc": [...], "msg": ..., "type": ..., "input":
//! ..., "ctx": {...}}`, with pydantic's types and messages.
//!
//! What is checked: JSON types, `required`, `enum` and `const`,
//! `additionalProperties: false` (extra properties) and the schemas of
//! additional properties, numeric bounds, string lengths, item counts, the
//! formats `uuid`/`uuid4` (version 4 checked), `date-time`, `date`, `email`
//! and `uri`, and unions (by their discriminator when they have one, else
//! the first member the value satisfies). What is not: `pattern` (Polar's
//! patterns use look-ahead, which Rust's regex engines do not have), other
//! formats, and the keys of pattern-keyed maps. Values from the URL or a
//! form are text, converted first by the schema's type, as pydantic does
//! (`"10"` is an integer there); in a JSON body a number written as a
//! string is refused (pydantic's lax mode would take it; the SDK never
//! sends one).

use serde::Serialize;
use serde_json::{json, Map, Value};

mod coerce;
mod leaves;

use leaves::{bounds, plural, quoted, string, type_problem};

/// One problem, as FastAPI reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Problem {
    pub loc: Vec<Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub input: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl Problem {
    pub(crate) fn new(
        loc: &[Value],
        kind: &'static str,
        msg: impl Into<String>,
        input: &Value,
    ) -> Problem {
        Problem {
            loc: loc.to_vec(),
            msg: msg.into(),
            kind,
            input: input.clone(),
            ctx: None,
        }
    }

    pub(super) fn ctx(mut self, ctx: Value) -> Problem {
        self.ctx = Some(ctx);
        self
    }

    /// `Field required`, at `loc`.
    pub(crate) fn missing(loc: &[Value], input: &Value) -> Problem {
        Problem::new(loc, "missing", "Field required", input)
    }
}

/// The component schemas inputs refer to, by name.
pub(crate) struct Schemas {
    components: Map<String, Value>,
}

/// How deep `$ref`s and nesting are followed; past it a value is taken as
/// valid (no input of Polar's is that deep).
const DEPTH: usize = 64;

/// Where a value came from: JSON, or text (the URL, a form), which changes
/// pydantic's message for a value that is not of the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Json,
    Text,
}

impl Schemas {
    pub(crate) fn new(components: Map<String, Value>) -> Schemas {
        Schemas { components }
    }

    /// The schema a `$ref` chain ends at.
    pub(super) fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..DEPTH {
            let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            else {
                break;
            };
            match self.components.get(name) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// Every problem of `value` against `schema`, at `loc`.
    pub(crate) fn validate(
        &self,
        schema: &Value,
        value: &Value,
        loc: &mut Vec<Value>,
        source: Source,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        self.check(schema, value, loc, source, &mut out, 0);
        out
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        loc: &mut Vec<Value>,
        source: Source,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        if depth > DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        let Some(spec) = schema.as_object() else {
            return;
        };
        if let Some(constant) = spec.get("const") {
            if value != constant {
                let expected = quoted(std::slice::from_ref(constant));
                out.push(
                    Problem::new(
                        loc,
                        "literal_error",
                        format!("Input should be {expected}"),
                        value,
                    )
                    .ctx(json!({"expected": expected})),
                );
            }
            return;
        }
        if let Some(values) = spec.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                let expected = quoted(values);
                out.push(
                    Problem::new(loc, "enum", format!("Input should be {expected}"), value)
                        .ctx(json!({"expected": expected})),
                );
            }
            return;
        }
        if let Some(members) = spec
            .get("anyOf")
            .or_else(|| spec.get("oneOf"))
            .and_then(Value::as_array)
        {
            self.union(spec, members, value, loc, source, out, depth);
            return;
        }
        let mut types = type_names(spec);
        if types.is_empty() && spec.contains_key("properties") {
            types.push("object");
        }
        if types.is_empty() {
            return;
        }
        if value.is_null() {
            if !types.contains(&"null") {
                out.push(type_problem(types[0], spec, value, loc, source));
            }
            return;
        }
        let Some(ty) = types.iter().copied().find(|ty| kind_matches(ty, value)) else {
            let first = types
                .iter()
                .copied()
                .find(|t| *t != "null")
                .unwrap_or("null");
            out.push(type_problem(first, spec, value, loc, source));
            return;
        };
        match ty {
            "string" => string(spec, value, loc, out),
            "integer" | "number" => bounds(spec, value, loc, out),
            "array" => self.array(spec, value, loc, source, out, depth),
            "object" => self.object(spec, value, loc, source, out, depth),
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn union(
        &self,
        spec: &Map<String, Value>,
        members: &[Value],
        value: &Value,
        loc: &mut Vec<Value>,
        source: Source,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let nullable = members.iter().any(|m| is_null_schema(self.resolve(m)));
        let others: Vec<&Value> = members
            .iter()
            .filter(|m| !is_null_schema(self.resolve(m)))
            .collect();
        if value.is_null() && nullable {
            return;
        }
        if let (Some(discriminator), Value::Object(object)) = (spec.get("discriminator"), value) {
            self.tagged(
                discriminator,
                &others,
                object,
                value,
                loc,
                source,
                out,
                depth,
            );
            return;
        }
        let mut attempts = Vec::new();
        for member in &others {
            let mut problems = Vec::new();
            self.check(member, value, loc, source, &mut problems, depth + 1);
            if problems.is_empty() {
                return;
            }
            attempts.push((*member, problems));
        }
        // A member whose constant properties the value has is the one it
        // meant (an implicit tag); else the member it came closest to.
        let meant = attempts
            .iter()
            .position(|(member, _)| self.has_its_constants(member, value));
        let best = meant.or_else(|| {
            attempts
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, problems))| problems.len())
                .map(|(index, _)| index)
        });
        match best {
            Some(index) => out.append(&mut attempts.swap_remove(index).1),
            None => out.push(type_problem("null", spec, value, loc, source)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tagged(
        &self,
        discriminator: &Value,
        members: &[&Value],
        object: &Map<String, Value>,
        value: &Value,
        loc: &mut Vec<Value>,
        source: Source,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let property = discriminator
            .get("propertyName")
            .and_then(Value::as_str)
            .unwrap_or("type");
        let quoted_property = format!("'{property}'");
        let Some(tag) = object.get(property) else {
            out.push(
                Problem::new(
                    loc,
                    "union_tag_not_found",
                    format!("Unable to extract tag using discriminator {quoted_property}"),
                    value,
                )
                .ctx(json!({"discriminator": quoted_property})),
            );
            return;
        };
        let tag_text = tag
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| tag.to_string());
        let mapped = discriminator
            .get("mapping")
            .and_then(|m| m.get(&tag_text))
            .map(|reference| json!({"$ref": reference}));
        let member = mapped.or_else(|| {
            members
                .iter()
                .find(|m| {
                    self.resolve(m)
                        .get("properties")
                        .and_then(|p| p.get(property))
                        .is_some_and(|p| self.constant_of(p) == Some(tag))
                })
                .map(|m| (*m).clone())
        });
        let Some(member) = member else {
            let tags: Vec<Value> = match discriminator.get("mapping").and_then(Value::as_object) {
                Some(mapping) => mapping.keys().map(|k| json!(k)).collect(),
                None => members
                    .iter()
                    .filter_map(|m| self.resolve(m).get("properties")?.get(property))
                    .filter_map(|p| self.constant_of(p).cloned())
                    .collect(),
            };
            let expected = quoted(&tags);
            out.push(
                Problem::new(
                    loc,
                    "union_tag_invalid",
                    format!("Input tag '{tag_text}' found using {quoted_property} does not match any of the expected tags: {expected}"),
                    value,
                )
                .ctx(json!({"discriminator": quoted_property, "tag": tag_text, "expected_tags": expected})),
            );
            return;
        };
        loc.push(json!(tag_text));
        self.check(&member, value, loc, source, out, depth + 1);
        loc.pop();
    }

    /// The value a property's schema pins (`const`, or a one-value `enum`).
    pub(super) fn constant_of<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        schema
            .get("const")
            .or_else(|| match schema.get("enum").and_then(Value::as_array) {
                Some(values) if values.len() == 1 => values.first(),
                _ => None,
            })
    }

    /// Whether `value` is an object that has the constant properties of
    /// `member` with their values (and `member` has some).
    fn has_its_constants(&self, member: &Value, value: &Value) -> bool {
        let (Some(properties), Some(object)) = (
            self.resolve(member)
                .get("properties")
                .and_then(Value::as_object),
            value.as_object(),
        ) else {
            return false;
        };
        let mut any = false;
        for (name, property) in properties {
            if let Some(constant) = self.constant_of(property) {
                if object.get(name) != Some(constant) {
                    return false;
                }
                any = true;
            }
        }
        any
    }

    fn array(
        &self,
        spec: &Map<String, Value>,
        value: &Value,
        loc: &mut Vec<Value>,
        source: Source,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let Some(items) = value.as_array() else {
            return;
        };
        let count = items.len();
        if let Some(min) = spec.get("minItems").and_then(Value::as_u64) {
            if (count as u64) < min {
                out.push(
                    Problem::new(
                        loc,
                        "too_short",
                        format!(
                            "List should have at least {min} item{} after validation, not {count}",
                            plural(min)
                        ),
                        value,
                    )
                    .ctx(json!({"field_type": "List", "min_length": min, "actual_length": count})),
                );
            }
        }
        if let Some(max) = spec.get("maxItems").and_then(Value::as_u64) {
            if count as u64 > max {
                out.push(
                    Problem::new(
                        loc,
                        "too_long",
                        format!(
                            "List should have at most {max} item{} after validation, not {count}",
                            plural(max)
                        ),
                        value,
                    )
                    .ctx(json!({"field_type": "List", "max_length": max, "actual_length": count})),
                );
            }
        }
        let prefix = spec.get("prefixItems").and_then(Value::as_array);
        for (index, item) in items.iter().enumerate() {
            let schema = match prefix {
                Some(prefix) => prefix.get(index),
                None => spec.get("items"),
            };
            if let Some(schema) = schema {
                loc.push(json!(index));
                self.check(schema, item, loc, source, out, depth + 1);
                loc.pop();
            }
        }
    }

    fn object(
        &self,
        spec: &Map<String, Value>,
        value: &Value,
        loc: &mut Vec<Value>,
        source: Source,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let Some(object) = value.as_object() else {
            return;
        };
        let empty = Map::new();
        let properties = spec
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for required in spec
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = required.as_str() else {
                continue;
            };
            if !object.contains_key(name) {
                loc.push(json!(name));
                out.push(Problem::missing(loc, value));
                loc.pop();
            }
        }
        let additional = spec.get("additionalProperties");
        for (name, inner) in object {
            loc.push(json!(name));
            match (properties.get(name), additional) {
                (Some(property), _) => self.check(property, inner, loc, source, out, depth + 1),
                (None, Some(Value::Bool(false))) => {
                    out.push(Problem::new(
                        loc,
                        "extra_forbidden",
                        "Extra inputs are not permitted",
                        inner,
                    ));
                }
                (None, Some(values @ Value::Object(_))) => {
                    self.check(values, inner, loc, source, out, depth + 1)
                }
                _ => {}
            }
            loc.pop();
        }
    }
}

pub(super) fn type_names(spec: &Map<String, Value>) -> Vec<&str> {
    match spec.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn kind_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> Schemas {
        let components = json!({
            "Create": {"type": "object", "required": ["name", "amount", "kind"], "additionalProperties": false, "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 5},
                "amount": {"type": "integer", "minimum": 50},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "id": {"anyOf": [{"type": "string", "format": "uuid4"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 1}
            }},
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "type", "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}},
            "Cat": {"type": "object", "required": ["type", "lives"], "properties": {"type": {"const": "cat"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "required": ["type"], "properties": {"type": {"const": "dog"}}}
        });
        Schemas::new(components.as_object().unwrap().clone())
    }

    fn problems(schema: &str, value: Value) -> Vec<(Vec<Value>, &'static str)> {
        let schema = json!({"$ref": format!("#/components/schemas/{schema}")});
        schemas()
            .validate(&schema, &value, &mut vec![json!("body")], Source::Json)
            .into_iter()
            .map(|p| (p.loc, p.kind))
            .collect()
    }

    #[test]
    fn a_valid_value_has_no_problems() {
        let value = json!({"name": "ok", "amount": 50, "kind": "a", "id": null, "tags": ["x"]});
        assert_eq!(problems("Create", value), vec![]);
    }

    #[test]
    fn each_problem_is_reported_where_it_is_with_pydantic_types() {
        let value = json!({"name": "", "amount": 10.5, "kind": "c", "id": "not-a-uuid", "tags": ["x", "y"], "extra": 1});
        let mut found = problems("Create", value);
        // In the order of the keys (sorted, without serde_json's
        // `preserve_order`), not pydantic's order of the fields.
        found.sort_by_key(|(loc, kind)| (format!("{loc:?}"), *kind));
        let mut expected = vec![
            (vec![json!("body"), json!("name")], "string_too_short"),
            (vec![json!("body"), json!("amount")], "int_from_float"),
            (vec![json!("body"), json!("kind")], "enum"),
            (vec![json!("body"), json!("id")], "uuid_parsing"),
            (vec![json!("body"), json!("tags")], "too_long"),
            (vec![json!("body"), json!("extra")], "extra_forbidden"),
        ];
        expected.sort_by_key(|(loc, kind)| (format!("{loc:?}"), *kind));
        assert_eq!(found, expected);
        let missing = problems("Create", json!({}));
        assert_eq!(missing.len(), 3);
        assert!(missing.iter().all(|(_, kind)| *kind == "missing"));
        assert_eq!(
            problems("Create", json!({"name": "ok", "amount": 1, "kind": "a"})),
            vec![(vec![json!("body"), json!("amount")], "greater_than_equal")]
        );
    }

    #[test]
    fn a_tagged_union_validates_the_member_its_tag_names() {
        assert_eq!(problems("Pet", json!({"type": "dog"})), vec![]);
        assert_eq!(
            problems("Pet", json!({"type": "cat"})),
            vec![(vec![json!("body"), json!("cat"), json!("lives")], "missing")]
        );
        assert_eq!(
            problems("Pet", json!({"type": "cow"})),
            vec![(vec![json!("body")], "union_tag_invalid")]
        );
        assert_eq!(
            problems("Pet", json!({})),
            vec![(vec![json!("body")], "union_tag_not_found")]
        );
    }

    #[test]
    fn text_is_read_by_the_schema_type() {
        let s = schemas();
        assert_eq!(s.coerce(&json!({"type": "integer"}), "10"), json!(10));
        assert_eq!(s.coerce(&json!({"type": "boolean"}), "true"), json!(true));
        assert_eq!(
            s.coerce(
                &json!({"anyOf": [{"type": "integer"}, {"type": "null"}]}),
                "7"
            ),
            json!(7)
        );
        let many = json!({"anyOf": [{"type": "string", "format": "uuid4"}, {"type": "array", "items": {"type": "string", "format": "uuid4"}}, {"type": "null"}]});
        assert_eq!(
            s.coerce_all(&many, &["a".into(), "b".into()]),
            json!(["a", "b"])
        );
        assert_eq!(s.coerce_all(&many, &["a".into()]), json!("a"));
        let bad = s.validate(
            &json!({"type": "integer"}),
            &s.coerce(&json!({"type": "integer"}), "ten"),
            &mut vec![json!("query"), json!("limit")],
            Source::Text,
        );
        assert_eq!(bad[0].kind, "int_parsing");
    }
}
