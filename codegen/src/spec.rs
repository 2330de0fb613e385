//! Stage 1 — parse: a serde model of the OpenAPI 3.1 subset Polar's document uses.
//!
//! We keep our own model instead of `openapiv3` (3.0 only: it rejects numeric
//! `exclusiveMinimum` and has no `webhooks`) or `oas3` (drops `default`,
//! `examples` and `title` written beside a `$ref`, and `propertyNames`).
//! Every keyword that changes the *shape* of a type is modelled; keywords we do
//! not support yet are captured so the IR stage can refuse them by name instead
//! of silently generating the wrong type. Pure validation keywords
//! (`minLength`, `pattern`, ...) and vendor extensions are ignored, except
//! the two pagination hints on operations (`x-polar-pagination`,
//! `x-speakeasy-pagination`); the documentation copies' `x-codeSamples` and
//! every other `x-` key are dropped by serde as unknown fields.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Parse a JSON OpenAPI document.
///
/// A parameter written as a `$ref` to `#/components/parameters/NAME` is
/// replaced by that parameter; one that names no parameter, or a parameter
/// without a `name` or `in`, is an error naming the operation and the
/// parameter (serde alone would only say ``missing field `name` `` and a
/// line).
pub fn parse(json: &str) -> Result<Spec, serde_json::Error> {
    let error = match serde_json::from_str(json) {
        Ok(spec) => return Ok(spec),
        Err(error) => error,
    };
    let mut doc: Value = serde_json::from_str(json)?;
    if resolve_parameters(&mut doc)? {
        return serde_json::from_value(doc);
    }
    Err(error)
}

/// Replace `$ref` parameters by the components they name; whether any was
/// replaced. Errors name the operation (or path) and the parameter.
fn resolve_parameters(doc: &mut Value) -> Result<bool, serde_json::Error> {
    use serde::de::Error as _;
    const PREFIX: &str = "#/components/parameters/";
    let components = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let resolve = |entry: &Value, hops: usize| -> Result<Option<Value>, String> {
        let mut entry = entry.clone();
        let mut replaced = false;
        for _ in 0..=hops {
            let Some(reference) = entry.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = reference
                .strip_prefix(PREFIX)
                .and_then(|name| components.get(name))
                .ok_or_else(|| {
                    format!("`$ref: {reference}` does not name a parameter under `components.parameters`")
                })?;
            entry = target.clone();
            replaced = true;
        }
        if entry.get("$ref").is_some() {
            return Err("a cycle of `$ref` parameters".to_owned());
        }
        for field in ["name", "in"] {
            if !entry.get(field).is_some_and(Value::is_string) {
                return Err(format!("has no `{field}`"));
            }
        }
        Ok(replaced.then_some(entry))
    };
    let mut any = false;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(false);
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let mut lists: Vec<(String, &mut Value)> = Vec::new();
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                lists.push((format!("path `{path}`"), value));
            } else if let Some(operation) = value.as_object_mut() {
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map_or_else(String::new, |id| format!("`{id}` "));
                if let Some(list) = operation.get_mut("parameters") {
                    let method = key.to_uppercase();
                    lists.push((format!("operation {id}({method} {path})"), list));
                }
            }
        }
        for (location, list) in lists {
            let Some(list) = list.as_array_mut() else {
                continue;
            };
            for (index, entry) in list.iter_mut().enumerate() {
                let which = entry
                    .get("name")
                    .and_then(Value::as_str)
                    .map(|name| format!("`{name}`"))
                    .or_else(|| {
                        let reference = entry.get("$ref").and_then(Value::as_str)?;
                        Some(format!("`$ref: {reference}`"))
                    })
                    .unwrap_or_else(|| format!("#{index}"));
                match resolve(entry, 16) {
                    Ok(Some(resolved)) => {
                        *entry = resolved;
                        any = true;
                    }
                    Ok(None) => {}
                    Err(reason) => {
                        return Err(serde_json::Error::custom(format!(
                            "{location}, parameter {which}: {reason}"
                        )))
                    }
                }
            }
        }
    }
    Ok(any)
}

/// The whole document.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    pub openapi: String,
    pub info: Info,
    #[serde(default)]
    pub servers: Vec<Server>,
    #[serde(default)]
    pub paths: IndexMap<String, PathItem>,
    #[serde(default)]
    pub webhooks: IndexMap<String, PathItem>,
    #[serde(default)]
    pub components: Components,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    pub title: String,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Server {
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Components {
    #[serde(default)]
    pub schemas: IndexMap<String, Schema>,
    #[serde(default, rename = "securitySchemes")]
    pub security_schemes: IndexMap<String, Value>,
}

/// A path item: the operations under one path template.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PathItem {
    #[serde(default)]
    pub get: Option<Operation>,
    #[serde(default)]
    pub put: Option<Operation>,
    #[serde(default)]
    pub post: Option<Operation>,
    #[serde(default)]
    pub delete: Option<Operation>,
    #[serde(default)]
    pub patch: Option<Operation>,
    #[serde(default)]
    pub head: Option<Operation>,
    #[serde(default)]
    pub options: Option<Operation>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
}

impl PathItem {
    /// The operations in a fixed method order, for deterministic output.
    pub fn operations(&self) -> impl Iterator<Item = (&'static str, &Operation)> {
        [
            ("GET", &self.get),
            ("PUT", &self.put),
            ("POST", &self.post),
            ("DELETE", &self.delete),
            ("PATCH", &self.patch),
            ("HEAD", &self.head),
            ("OPTIONS", &self.options),
        ]
        .into_iter()
        .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    }

    /// The payload schema of a webhook: the `application/json` request body
    /// of its (only) operation.
    pub fn webhook_body(&self) -> Option<&Schema> {
        self.operations()
            .next()
            .and_then(|(_, operation)| operation.json_body())
    }
}

impl Operation {
    /// The schema of the `application/json` request body, if there is one.
    pub fn json_body(&self) -> Option<&Schema> {
        self.request_body
            .as_ref()
            .and_then(|body| body.content.get("application/json"))
            .and_then(|media| media.schema.as_ref())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    #[serde(default, rename = "operationId")]
    pub operation_id: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    #[serde(default, rename = "requestBody")]
    pub request_body: Option<RequestBody>,
    #[serde(default)]
    pub responses: IndexMap<String, Response>,
    #[serde(default)]
    pub security: Option<Vec<IndexMap<String, Vec<String>>>>,
    #[serde(default)]
    pub deprecated: bool,
    /// Speakeasy's pagination hint (older documents), kept raw; the
    /// operation layer decides pagination from the operation's shape there.
    #[serde(default, rename = "x-speakeasy-pagination")]
    pub pagination: Option<Value>,
    /// Polar's own pagination hint (`x-polar-pagination`, versioned
    /// documents): preferred over the shape when present.
    #[serde(default, rename = "x-polar-pagination")]
    pub polar_pagination: Option<PolarPagination>,
    /// Where Polar documents an operation its published document leaves
    /// out: set on the operations merged from our overlay
    /// ([`crate::overlay`]).
    #[serde(default, rename = "x-polar-rs-documented-at")]
    pub documented_at: Option<String>,
}

/// `x-polar-pagination`: `{"type": "page_limit", "item_schema": {"$ref": ...}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct PolarPagination {
    /// The pagination style; only `page_limit` (`page` + `limit` query
    /// parameters, a `ListResource` response) is known.
    #[serde(rename = "type")]
    pub kind: String,
    /// The schema of one item of a page.
    #[serde(default)]
    pub item_schema: Option<Schema>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub schema: Option<Schema>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub style: Option<String>,
    #[serde(default)]
    pub explode: Option<bool>,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RequestBody {
    #[serde(default)]
    pub content: IndexMap<String, MediaType>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Response {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub content: IndexMap<String, MediaType>,
    #[serde(default)]
    pub headers: IndexMap<String, Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MediaType {
    #[serde(default)]
    pub schema: Option<Schema>,
}

/// `type` is a single name or (3.1) a list of names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum TypeSet {
    One(String),
    Many(Vec<String>),
}

impl TypeSet {
    pub fn names(&self) -> Vec<&str> {
        match self {
            TypeSet::One(name) => vec![name.as_str()],
            TypeSet::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

/// `additionalProperties`: `true`/`false` or a schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    Allowed(bool),
    Schema(Box<Schema>),
}

#[derive(Debug, Clone, Deserialize)]
pub struct Discriminator {
    #[serde(rename = "propertyName")]
    pub property_name: String,
    #[serde(default)]
    pub mapping: IndexMap<String, String>,
}

/// One JSON Schema (2020-12 dialect, as OpenAPI 3.1 embeds it).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Schema {
    #[serde(default, rename = "$ref")]
    pub reference: Option<String>,
    #[serde(default, rename = "type")]
    pub ty: Option<TypeSet>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub properties: IndexMap<String, Schema>,
    #[serde(default)]
    pub required: Vec<String>,
    /// `items`; `false` (a closed tuple after `prefixItems`) reads as `None`.
    #[serde(default, deserialize_with = "schema_or_false")]
    pub items: Option<Box<Schema>>,
    #[serde(default, rename = "prefixItems")]
    pub prefix_items: Option<Vec<Schema>>,
    #[serde(default, rename = "additionalProperties")]
    pub additional_properties: Option<AdditionalProperties>,
    #[serde(default, rename = "propertyNames")]
    pub property_names: Option<Box<Schema>>,
    /// `patternProperties`: key pattern → schema of the values whose keys
    /// match it.
    #[serde(default, rename = "patternProperties")]
    pub pattern_properties: Option<IndexMap<String, Schema>>,
    #[serde(default, rename = "anyOf")]
    pub any_of: Option<Vec<Schema>>,
    #[serde(default, rename = "oneOf")]
    pub one_of: Option<Vec<Schema>>,
    #[serde(default, rename = "allOf")]
    pub all_of: Option<Vec<Schema>>,
    #[serde(default)]
    pub discriminator: Option<Discriminator>,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<Value>>,
    #[serde(default, rename = "const", deserialize_with = "present")]
    pub const_value: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub default: Option<Value>,
    #[serde(default)]
    pub examples: Option<Vec<Value>>,
    #[serde(default, deserialize_with = "present")]
    pub example: Option<Value>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default, rename = "readOnly")]
    pub read_only: bool,
    #[serde(default, rename = "writeOnly")]
    pub write_only: bool,
    #[serde(default, rename = "minItems")]
    pub min_items: Option<u64>,
    #[serde(default, rename = "maxItems")]
    pub max_items: Option<u64>,
    #[serde(default)]
    pub minimum: Option<f64>,
    #[serde(default)]
    pub maximum: Option<f64>,
    #[serde(default, rename = "exclusiveMinimum")]
    pub exclusive_minimum: Option<f64>,
    #[serde(default, rename = "exclusiveMaximum")]
    pub exclusive_maximum: Option<f64>,
    #[serde(default, rename = "minLength")]
    pub min_length: Option<u64>,
    #[serde(default, rename = "maxLength")]
    pub max_length: Option<u64>,
    #[serde(default)]
    pub pattern: Option<String>,

    // Shape-changing keywords the generator does not support. Captured only so
    // that lowering can reject a schema that uses them, naming it.
    #[serde(default)]
    pub not: Option<Value>,
    #[serde(default, rename = "if")]
    pub if_: Option<Value>,
    #[serde(default, rename = "unevaluatedProperties")]
    pub unevaluated_properties: Option<Value>,
    #[serde(default, rename = "dependentSchemas")]
    pub dependent_schemas: Option<Value>,
    #[serde(default, rename = "$defs")]
    pub defs: Option<Value>,
}

impl Schema {
    /// The names in `type`, empty when absent.
    pub fn type_names(&self) -> Vec<&str> {
        self.ty.as_ref().map(TypeSet::names).unwrap_or_default()
    }

    /// True for `{"type": "null"}`.
    pub fn is_null(&self) -> bool {
        self.type_names() == ["null"]
            && self.reference.is_none()
            && self.any_of.is_none()
            && self.one_of.is_none()
    }

    /// The name of the unsupported shape keyword this schema uses, if any.
    pub fn unsupported_keyword(&self) -> Option<&'static str> {
        [
            ("allOf", self.all_of.is_some()),
            ("not", self.not.is_some()),
            ("if", self.if_.is_some()),
            (
                "unevaluatedProperties",
                self.unevaluated_properties.is_some(),
            ),
            ("dependentSchemas", self.dependent_schemas.is_some()),
            ("$defs", self.defs.is_some()),
        ]
        .into_iter()
        .find_map(|(name, used)| used.then_some(name))
    }

    /// The first example the spec gives, from `examples` or the 3.0 `example`.
    pub fn first_example(&self) -> Option<&Value> {
        self.examples
            .as_ref()
            .and_then(|examples| examples.first())
            .or(self.example.as_ref())
    }
}

/// Keeps an explicit JSON `null` as `Some(Value::Null)` so `"const": null` and
/// `"default": null` are not confused with an absent keyword.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// `items` as a schema; the boolean forms (`true`: anything, `false`: nothing
/// beyond `prefixItems`) carry no schema to generate from.
fn schema_or_false<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Box<Schema>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Items {
        Flag(bool),
        Schema(Box<Schema>),
    }
    Ok(match Items::deserialize(deserializer)? {
        Items::Flag(true | false) => None,
        Items::Schema(schema) => Some(schema),
    })
}

/// The component name a local `$ref` points at (`#/components/schemas/Name`).
pub fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}
