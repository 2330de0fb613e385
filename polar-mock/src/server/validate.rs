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

    fn ctx(mut self, ctx: Value) -> Problem {
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
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
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
    fn constant_of<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
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
                .find(|v| v.is_number() && v.to_string() == text)
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

fn type_names(spec: &Map<String, Value>) -> Vec<&str> {
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

fn type_problem(
    ty: &str,
    spec: &Map<String, Value>,
    value: &Value,
    loc: &[Value],
    source: Source,
) -> Problem {
    let text = source == Source::Text && value.is_string();
    let (kind, msg) = match ty {
        "string" => ("string_type", "Input should be a valid string"),
        "integer" if value.as_f64().is_some_and(|f| f.fract() != 0.0) => (
            "int_from_float",
            "Input should be a valid integer, got a number with a fractional part",
        ),
        "integer" if text => (
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        "integer" => ("int_type", "Input should be a valid integer"),
        "number" if text => (
            "float_parsing",
            "Input should be a valid number, unable to parse string as a number",
        ),
        "number" => ("float_type", "Input should be a valid number"),
        "boolean" if text => (
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input",
        ),
        "boolean" => ("bool_type", "Input should be a valid boolean"),
        "array" => ("list_type", "Input should be a valid list"),
        "object" if spec.contains_key("properties") => (
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        ),
        "object" => ("dict_type", "Input should be a valid dictionary"),
        _ => ("none_required", "Input should be None"),
    };
    Problem::new(loc, kind, msg, value)
}

fn string(spec: &Map<String, Value>, value: &Value, loc: &[Value], out: &mut Vec<Problem>) {
    let Some(text) = value.as_str() else {
        return;
    };
    let length = text.chars().count() as u64;
    if let Some(min) = spec.get("minLength").and_then(Value::as_u64) {
        if length < min {
            out.push(
                Problem::new(
                    loc,
                    "string_too_short",
                    format!("String should have at least {min} character{}", plural(min)),
                    value,
                )
                .ctx(json!({"min_length": min})),
            );
        }
    }
    if let Some(max) = spec.get("maxLength").and_then(Value::as_u64) {
        if length > max {
            out.push(
                Problem::new(
                    loc,
                    "string_too_long",
                    format!("String should have at most {max} character{}", plural(max)),
                    value,
                )
                .ctx(json!({"max_length": max})),
            );
        }
    }
    if let Some(problem) = spec
        .get("format")
        .and_then(Value::as_str)
        .and_then(|f| format_problem(f, text))
    {
        let (kind, msg, ctx) = problem;
        out.push(Problem::new(loc, kind, msg, value).ctx(ctx));
    }
}

/// What is wrong with `text` for a `format`, if anything.
fn format_problem(format: &str, text: &str) -> Option<(&'static str, String, Value)> {
    match format {
        "uuid" | "uuid4" => match uuid::Uuid::try_parse(text) {
            Err(err) => Some((
                "uuid_parsing",
                format!("Input should be a valid UUID, {err}"),
                json!({"error": err.to_string()}),
            )),
            Ok(id) if format == "uuid4" && id.get_version_num() != 4 => Some((
                "uuid_version",
                "UUID version 4 expected".to_owned(),
                json!({"expected_version": 4}),
            )),
            Ok(_) => None,
        },
        "date-time" => {
            let valid = chrono::DateTime::parse_from_rfc3339(text).is_ok()
                || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
                || chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
            (!valid).then(|| {
                (
                    "datetime_from_date_parsing",
                    "Input should be a valid datetime or date, invalid character in year"
                        .to_owned(),
                    json!({"error": "invalid character in year"}),
                )
            })
        }
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .is_err()
            .then(|| {
                (
                    "date_from_datetime_parsing",
                    "Input should be a valid date or datetime, invalid character in year"
                        .to_owned(),
                    json!({"error": "invalid character in year"}),
                )
            }),
        "email" => email_problem(text).map(|reason| {
            (
                "value_error",
                format!("value is not a valid email address: {reason}"),
                json!({"reason": reason}),
            )
        }),
        "uri" => {
            let valid = text.split_once("://").is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !rest.is_empty()
            });
            (!valid).then(|| {
                (
                    "url_parsing",
                    "Input should be a valid URL, relative URL without a base".to_owned(),
                    json!({"error": "relative URL without a base"}),
                )
            })
        }
        _ => None,
    }
}

fn email_problem(text: &str) -> Option<&'static str> {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Some("An email address must have an @-sign.");
    };
    if local.is_empty() {
        return Some("There must be something before the @-sign.");
    }
    if text.chars().any(char::is_whitespace) {
        return Some("The email address contains invalid characters.");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Some("The part after the @-sign is not valid. It should have a period.");
    }
    None
}

fn bounds(spec: &Map<String, Value>, value: &Value, loc: &[Value], out: &mut Vec<Problem>) {
    let Some(n) = value.as_f64() else {
        return;
    };
    let checks: [(&str, &str, &str, &str, fn(f64, f64) -> bool); 4] = [
        (
            "minimum",
            "greater_than_equal",
            "ge",
            "greater than or equal to",
            |n, b| n >= b,
        ),
        (
            "maximum",
            "less_than_equal",
            "le",
            "less than or equal to",
            |n, b| n <= b,
        ),
        (
            "exclusiveMinimum",
            "greater_than",
            "gt",
            "greater than",
            |n, b| n > b,
        ),
        (
            "exclusiveMaximum",
            "less_than",
            "lt",
            "less than",
            |n, b| n < b,
        ),
    ];
    for (keyword, kind, key, words, holds) in checks {
        let Some(bound) = spec.get(keyword) else {
            continue;
        };
        let Some(b) = bound.as_f64() else {
            continue;
        };
        if !holds(n, b) {
            out.push(
                Problem::new(loc, kind, format!("Input should be {words} {bound}"), value)
                    .ctx(json!({key: bound})),
            );
        }
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
        _ => None,
    }
}

/// `'a', 'b' or 'c'`, as pydantic lists expected values.
fn quoted(values: &[Value]) -> String {
    let texts: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("'{s}'"),
            other => other.to_string(),
        })
        .collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
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
        let found = problems("Create", value);
        let expected = vec![
            (vec![json!("body"), json!("name")], "string_too_short"),
            (vec![json!("body"), json!("amount")], "int_from_float"),
            (vec![json!("body"), json!("kind")], "enum"),
            (vec![json!("body"), json!("id")], "uuid_parsing"),
            (vec![json!("body"), json!("tags")], "too_long"),
            (vec![json!("body"), json!("extra")], "extra_forbidden"),
        ];
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
