//! Operations that Polar documents but leaves out of its published OpenAPI
//! documents, merged into a document before it is parsed.
//!
//! Polar tags some operations private, so its document generator (and its
//! own SDKs) leave them out, yet its documentation tells integrators to call
//! them: signing a customer in to a custom portal by an emailed code is the
//! case that made this module. The overlay is a small OpenAPI document of
//! our own (`spec/overlay.json`): paths whose operations each name where
//! Polar documents them (`x-polar-rs-documented-at`), and the component
//! schemas they use. [`Overlay::apply`] merges it into a version's document
//! so that those operations are generated like every other one.
//!
//! The merge refuses what would make it a guess:
//! - an overlay operation that the document has itself (same method and
//!   path, or same `operationId`): the overlay entry is obsolete and must be
//!   dropped, and saying so is how we learn that Polar published it;
//! - an overlay schema that the document also defines with another shape:
//!   annotations (`title`, `description`, `examples`, `x-` keys) may differ
//!   and the overlay's are kept, anything else is an error naming the
//!   schema and the first place they differ;
//! - an operation without an `operationId` or a citation.

use serde_json::{Map, Value};

use crate::spec::{self, Spec};
use crate::Error;

/// The vendor key that cites where Polar documents an overlay operation.
pub const DOCUMENTED_AT: &str = "x-polar-rs-documented-at";

/// The methods an overlay path may hold, in the generator's order.
const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

/// A parsed overlay: the operations and schemas to merge.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    operations: Vec<OverlayOperation>,
    schemas: Map<String, Value>,
}

/// One operation of the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayOperation {
    /// Upper case, as the generator writes it: `POST`.
    pub method: String,
    pub path: String,
    pub operation_id: String,
    /// Where Polar documents it.
    pub documented_at: String,
    operation: Value,
}

/// What [`Overlay::apply`] merged into one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The `operationId`s added.
    pub operations: Vec<String>,
    /// Schemas the document lacked, added from the overlay.
    pub schemas_added: Vec<String>,
    /// Schemas the document defines too, with the same shape.
    pub schemas_in_document: Vec<String>,
}

impl Overlay {
    /// An overlay that adds nothing.
    pub fn empty() -> Overlay {
        Overlay::default()
    }

    /// Read an overlay document; errors name the operation and what is
    /// missing.
    pub fn parse(text: &str) -> Result<Overlay, Error> {
        let document: Value = serde_json::from_str(text)?;
        let location = |what: &str| format!("the overlay, {what}");
        let mut operations = Vec::new();
        let paths = match document.get("paths") {
            None => Map::new(),
            Some(Value::Object(paths)) => paths.clone(),
            Some(_) => return Err(Error::unsupported(location("paths"), "is not an object")),
        };
        for (path, item) in &paths {
            let Some(item) = item.as_object() else {
                return Err(Error::unsupported(
                    location(&format!("path `{path}`")),
                    "is not an object",
                ));
            };
            for (method, operation) in item {
                let where_ = location(&format!("{} {path}", method.to_uppercase()));
                if !METHODS.contains(&method.as_str()) {
                    return Err(Error::unsupported(
                        where_,
                        "only operations may be overlaid (no path-level `parameters` or other keys)",
                    ));
                }
                let text = |key: &str| {
                    operation
                        .get(key)
                        .and_then(Value::as_str)
                        .filter(|text| !text.trim().is_empty())
                        .map(str::to_owned)
                };
                let operation_id = text("operationId")
                    .ok_or_else(|| Error::unsupported(where_.clone(), "has no `operationId`"))?;
                let documented_at = text(DOCUMENTED_AT).ok_or_else(|| {
                    Error::unsupported(
                        where_.clone(),
                        format!("has no `{DOCUMENTED_AT}`: cite where Polar documents it"),
                    )
                })?;
                operations.push(OverlayOperation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    operation_id,
                    documented_at,
                    operation: operation.clone(),
                });
            }
        }
        let schemas = match document.pointer("/components/schemas") {
            None => Map::new(),
            Some(Value::Object(schemas)) => schemas.clone(),
            Some(_) => {
                return Err(Error::unsupported(
                    location("components.schemas"),
                    "is not an object",
                ))
            }
        };
        Ok(Overlay {
            operations,
            schemas,
        })
    }

    /// The overlay's operations, in file order.
    pub fn operations(&self) -> &[OverlayOperation] {
        &self.operations
    }

    /// Whether the overlay adds nothing.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.schemas.is_empty()
    }

    /// Merge the overlay into the JSON text of a document and parse the
    /// result.
    pub fn apply(&self, document: &str) -> Result<(Spec, Applied), Error> {
        if self.is_empty() {
            return Ok((spec::parse(document)?, Applied::default()));
        }
        let mut document: Value = serde_json::from_str(document)?;
        let applied = self.merge(&mut document)?;
        let text = serde_json::to_string(&document)?;
        Ok((spec::parse(&text)?, applied))
    }

    /// [`Overlay::apply`] on a parsed JSON document, leaving it merged.
    pub fn merge(&self, document: &mut Value) -> Result<Applied, Error> {
        let mut applied = Applied::default();
        let Some(root) = document.as_object_mut() else {
            return Err(Error::unsupported("the document", "is not a JSON object"));
        };
        for operation in &self.operations {
            if let Some(existing) = find_published(root, operation) {
                return Err(Error::unsupported(
                    format!(
                        "the overlay's operation `{}` ({} {})",
                        operation.operation_id, operation.method, operation.path
                    ),
                    format!(
                        "the document itself now has it ({existing}); the overlay entry is \
                         obsolete: drop it from spec/overlay.json and regenerate"
                    ),
                ));
            }
        }
        let components = object_at(root, "components");
        let schemas = object_at(components, "schemas");
        for (name, schema) in &self.schemas {
            match schemas.get(name) {
                Some(published) => {
                    if let Some(difference) = shape_difference("", published, schema) {
                        return Err(Error::unsupported(
                            format!("the overlay's schema `{name}`"),
                            format!(
                                "the document defines `{name}` with another shape (at \
                                 `{difference}`); make the overlay's match the document's"
                            ),
                        ));
                    }
                    applied.schemas_in_document.push(name.clone());
                }
                None => applied.schemas_added.push(name.clone()),
            }
            schemas.insert(name.clone(), schema.clone());
        }
        let paths = object_at(root, "paths");
        for operation in &self.operations {
            let item = object_at(paths, &operation.path);
            item.insert(operation.method.to_lowercase(), operation.operation.clone());
            applied.operations.push(operation.operation_id.clone());
        }
        Ok(applied)
    }
}

/// Where the document already has `operation`: by method and path, or by
/// `operationId` anywhere.
fn find_published(root: &Map<String, Value>, operation: &OverlayOperation) -> Option<String> {
    let paths = root.get("paths")?.as_object()?;
    let method = operation.method.to_lowercase();
    if paths
        .get(&operation.path)
        .and_then(|item| item.get(&method))
        .is_some()
    {
        return Some(format!("{} {}", operation.method, operation.path));
    }
    for (path, item) in paths {
        for (method, published) in item.as_object().into_iter().flatten() {
            if published.get("operationId").and_then(Value::as_str)
                == Some(operation.operation_id.as_str())
            {
                return Some(format!(
                    "`{}` at {} {path}",
                    operation.operation_id,
                    method.to_uppercase()
                ));
            }
        }
    }
    None
}

/// The object under `key`, made one if it is missing or not an object.
fn object_at<'a>(parent: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = parent
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("made an object above")
}

/// Keys that document a schema without changing its shape.
fn is_annotation(key: &str) -> bool {
    matches!(key, "title" | "description" | "examples" | "example") || key.starts_with("x-")
}

/// The JSON pointer of the first place where `a` and `b` differ in
/// anything but annotations, or `None` when they have the same shape.
fn shape_difference(at: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a
                .keys()
                .chain(b.keys())
                .filter(|key| !is_annotation(key) || at.ends_with("/properties"));
            for key in keys {
                let here = format!("{at}/{key}");
                match (a.get(key), b.get(key)) {
                    (Some(a), Some(b)) => {
                        if let Some(difference) = shape_difference(&here, a, b) {
                            return Some(difference);
                        }
                    }
                    _ => return Some(here),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(at.to_owned());
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(index, (a, b))| shape_difference(&format!("{at}/{index}"), a, b))
        }
        (a, b) => (a != b).then(|| at.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(extra_schema: Value) -> Overlay {
        Overlay::parse(
            &json!({
                "openapi": "3.1.0",
                "info": {"title": "overlay", "version": "overlay"},
                "paths": {"/v1/things/ping": {"post": {
                    "operationId": "things:ping",
                    DOCUMENTED_AT: "https://example.com/docs/ping",
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Ping"}}}},
                    "responses": {"202": {"description": "accepted"}}
                }}},
                "components": {"schemas": {"Ping": extra_schema}}
            })
            .to_string(),
        )
        .unwrap()
    }

    fn ping_schema(description: &str) -> Value {
        json!({"type": "object", "description": description,
               "properties": {"n": {"type": "integer", "title": "N"}}, "required": ["n"]})
    }

    fn document(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "2026-10"},
               "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn operations_and_missing_schemas_are_added() {
        let mut doc = document(
            json!({"/v1/things/": {"get": {"operationId": "things:list"}}}),
            json!({}),
        );
        let applied = overlay(ping_schema("ours")).merge(&mut doc).unwrap();
        assert_eq!(applied.operations, ["things:ping"]);
        assert_eq!(applied.schemas_added, ["Ping"]);
        assert!(doc.pointer("/paths/~1v1~1things~1ping/post").is_some());
        assert!(doc.pointer("/paths/~1v1~1things~1/get").is_some());
    }

    #[test]
    fn a_schema_of_the_same_shape_keeps_the_overlays_descriptions() {
        let mut doc = document(json!({}), json!({"Ping": ping_schema("theirs")}));
        let applied = overlay(ping_schema("ours")).merge(&mut doc).unwrap();
        assert_eq!(applied.schemas_in_document, ["Ping"]);
        assert_eq!(
            doc.pointer("/components/schemas/Ping/description"),
            Some(&json!("ours"))
        );
    }

    #[test]
    fn a_schema_of_another_shape_is_refused_by_name_and_place() {
        let mut other = ping_schema("theirs");
        other["properties"]["n"]["type"] = json!("string");
        let mut doc = document(json!({}), json!({"Ping": other}));
        let error = overlay(ping_schema("ours"))
            .merge(&mut doc)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`Ping`"), "{error}");
        assert!(error.contains("/properties/n/type"), "{error}");
    }

    #[test]
    fn a_property_named_like_an_annotation_is_shape() {
        // `title` under `properties` is a property, not an annotation.
        let with = json!({"type": "object", "properties": {"title": {"type": "string"}}});
        let without = json!({"type": "object", "properties": {}});
        assert_eq!(
            shape_difference("", &with, &without).as_deref(),
            Some("/properties/title")
        );
    }

    #[test]
    fn an_operation_the_document_has_makes_the_entry_obsolete() {
        for paths in [
            json!({"/v1/things/ping": {"post": {"operationId": "other"}}}),
            json!({"/v1/elsewhere": {"put": {"operationId": "things:ping"}}}),
        ] {
            let mut doc = document(paths, json!({}));
            let error = overlay(ping_schema("ours"))
                .merge(&mut doc)
                .unwrap_err()
                .to_string();
            assert!(error.contains("obsolete"), "{error}");
            assert!(error.contains("things:ping"), "{error}");
        }
    }

    #[test]
    fn an_operation_without_a_citation_or_id_is_refused() {
        for (key, message) in [
            (DOCUMENTED_AT, DOCUMENTED_AT),
            ("operationId", "operationId"),
        ] {
            let mut text = json!({"paths": {"/v1/x": {"post": {
                "operationId": "x", DOCUMENTED_AT: "https://example.com"}}}});
            text["paths"]["/v1/x"]["post"]
                .as_object_mut()
                .unwrap()
                .remove(key);
            let error = Overlay::parse(&text.to_string()).unwrap_err().to_string();
            assert!(error.contains(message), "{error}");
        }
    }

    #[test]
    fn the_merged_document_parses_with_the_citation() {
        let doc = document(json!({}), json!({}));
        let (spec, _) = overlay(ping_schema("ours"))
            .apply(&doc.to_string())
            .unwrap();
        let operation = spec.paths["/v1/things/ping"].post.as_ref().unwrap();
        assert_eq!(
            operation.documented_at.as_deref(),
            Some("https://example.com/docs/ping")
        );
    }
}
