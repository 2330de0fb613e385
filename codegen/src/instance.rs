//! Example JSON instances built from the spec itself, for round-trip tests,
//! webhook tests and decode benchmarks.
//!
//! A value comes from the schema's own `examples`, `default`, `const` or
//! `enum` where it has one, and is otherwise synthesized from its type and
//! format. Objects get every listed property (optional ones too), so a
//! round trip exercises every field; recursion stops at a fixed depth.
//!
//! Past that depth a union takes its `null` member (or a member that does
//! not re-enter a schema being built) and optional parts are left out. A
//! schema with no finite instance at all (a required, non-nullable cycle
//! such as `A.b: B`, `B.a: A`) is reported, naming the cycle, once the
//! nesting passes `LIMIT` (32 `$ref`s): [`InstanceBuilder::try_schema`] returns the
//! error, the infallible methods panic with it.

use serde_json::{json, Map, Value};

use crate::spec::{ref_name, AdditionalProperties, Schema, Spec};

/// How deep nested `$ref`s are followed before optional parts are left out.
const MAX_DEPTH: usize = 8;

/// How deep nested `$ref`s may go at all: past it, only a required cycle
/// is left to follow, and the schema has no finite instance.
const LIMIT: usize = 4 * MAX_DEPTH;

/// How many values one instance may hold. Required properties that each
/// nest a `$ref` multiply: a schema with a few such properties per level
/// has a finite instance of millions of values at `MAX_DEPTH` (a fuzzed
/// document took 15 s and 600 MB), where Polar's largest schema has a few
/// hundred.
const MAX_VALUES: usize = 20_000;

/// A schema this builder makes no instance of.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoInstance {
    /// Every way down re-enters it.
    #[error("schema `{schema}` has no finite instance: its required properties form the cycle {}; make one of them optional or nullable", cycle.join(" → "))]
    Cycle {
        /// The component the cycle starts from (the outermost one re-entered).
        schema: String,
        /// The components along the cycle, first and last the same.
        cycle: Vec<String>,
    },
    /// Its smallest instance this builder makes holds more than
    /// `MAX_VALUES` values.
    #[error("schema `{schema}` has no instance of at most {limit} values: its required properties nest too many references")]
    TooLarge {
        /// The component being built (`inline` for a schema that is not one).
        schema: String,
        /// The limit passed.
        limit: usize,
    },
}

/// The components being built, outermost first, and how many values the
/// instance holds so far.
struct Stack {
    names: Vec<String>,
    built: usize,
}

impl Stack {
    fn new(names: Vec<String>) -> Self {
        Self { names, built: 0 }
    }
}

impl std::ops::Deref for Stack {
    type Target = Vec<String>;
    fn deref(&self) -> &Vec<String> {
        &self.names
    }
}

impl std::ops::DerefMut for Stack {
    fn deref_mut(&mut self) -> &mut Vec<String> {
        &mut self.names
    }
}

type Built = Result<Value, NoInstance>;

/// Builds instances of the schemas of one spec.
pub struct InstanceBuilder<'a> {
    spec: &'a Spec,
    /// Which member of each union to build (0 = the first).
    variant: usize,
}

impl<'a> InstanceBuilder<'a> {
    pub fn new(spec: &'a Spec) -> Self {
        Self { spec, variant: 0 }
    }

    /// Build union members at `index` (modulo the member count) instead of
    /// the first, to cover other variants.
    pub fn with_variant(mut self, index: usize) -> Self {
        self.variant = index;
        self
    }

    /// An instance of component `name`, or `None` if there is no such schema.
    ///
    /// # Panics
    ///
    /// If the schema has no finite instance ([`Self::try_component`] says so).
    pub fn component(&self, name: &str) -> Option<Value> {
        self.try_component(name)
            .map(|built| built.unwrap_or_else(|err| panic!("{err}")))
    }

    /// An instance of any schema of this spec.
    ///
    /// # Panics
    ///
    /// If the schema has no finite instance ([`Self::try_schema`] says so).
    pub fn schema(&self, schema: &Schema) -> Value {
        self.try_schema(schema)
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// An instance of component `name` (`None` if there is no such schema),
    /// or why it has none.
    pub fn try_component(&self, name: &str) -> Option<Result<Value, NoInstance>> {
        let schema = self.spec.components.schemas.get(name)?;
        Some(self.build(schema, 0, &mut Stack::new(vec![name.to_owned()])))
    }

    /// An instance of any schema of this spec, or why it has none.
    pub fn try_schema(&self, schema: &Schema) -> Result<Value, NoInstance> {
        self.build(schema, 0, &mut Stack::new(Vec::new()))
    }

    fn build(&self, schema: &Schema, depth: usize, stack: &mut Stack) -> Built {
        stack.built += 1;
        if stack.built > MAX_VALUES {
            return Err(NoInstance::TooLarge {
                schema: stack
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "inline".to_owned()),
                limit: MAX_VALUES,
            });
        }
        if let Some(example) = schema.first_example().filter(|v| !v.is_null()) {
            return Ok(example.clone());
        }
        if let Some(value) = schema.const_value.as_ref() {
            return Ok(value.clone());
        }
        if let Some(default) = schema.default.as_ref().filter(|v| !v.is_null()) {
            return Ok(default.clone());
        }
        if let Some(reference) = &schema.reference {
            return self.build_ref(reference, depth, stack);
        }
        if let Some(values) = &schema.enum_values {
            if let Some(first) = values.iter().find(|v| !v.is_null()) {
                return Ok(first.clone());
            }
        }
        if let Some(members) = schema.one_of.as_ref().or(schema.any_of.as_ref()) {
            let nullable = members.iter().any(Schema::is_null);
            let non_null: Vec<&Schema> = members.iter().filter(|m| !m.is_null()).collect();
            if non_null.is_empty() {
                return Ok(Value::Null);
            }
            let wanted = non_null[self.variant % non_null.len()];
            // Deep down, take `null` or a member that does not re-enter a
            // schema being built, so that a required self-reference
            // (`parent: Node | null`) ends. (Above the depth limit the
            // wanted member is built as before, keeping instances stable.)
            if depth >= MAX_DEPTH {
                if nullable {
                    return Ok(Value::Null);
                }
                if let Some(flat) = non_null.iter().find(|m| !self.recursive(m, stack)) {
                    return self.build(flat, depth, stack);
                }
            }
            return self.build(wanted, depth, stack);
        }
        let names = schema.type_names();
        let ty = names.iter().copied().find(|n| *n != "null");
        Ok(match ty {
            Some("string") => string_for(schema.format.as_deref()),
            Some("integer") => json!(integer_for(schema)),
            Some("number") => json!(number_for(schema)),
            Some("boolean") => json!(true),
            Some("array") => self.array(schema, depth, stack)?,
            Some("object") => self.object(schema, depth, stack)?,
            None if !schema.properties.is_empty() => self.object(schema, depth, stack)?,
            None if names.contains(&"null") => Value::Null,
            // `{}`: any value; a string keeps it simple.
            _ => json!("any value"),
        })
    }

    fn build_ref(&self, reference: &str, depth: usize, stack: &mut Stack) -> Built {
        let Some((name, target)) =
            ref_name(reference).and_then(|name| self.spec.components.schemas.get_key_value(name))
        else {
            return Ok(Value::Null);
        };
        if depth >= LIMIT {
            return Err(no_instance(stack, name));
        }
        stack.push(name.clone());
        let value = self.build(target, depth + 1, stack);
        stack.pop();
        value
    }

    fn array(&self, schema: &Schema, depth: usize, stack: &mut Stack) -> Built {
        if let Some(prefix) = &schema.prefix_items {
            return prefix
                .iter()
                .map(|item| self.build(item, depth, stack))
                .collect::<Result<_, _>>()
                .map(Value::Array);
        }
        let min = schema.min_items.unwrap_or(0) as usize;
        let Some(items) = &schema.items else {
            return Ok(Value::Array(vec![json!("any value"); min.max(1)]));
        };
        // Past the depth limit, or on a cycle, an array may stay empty.
        if (depth >= MAX_DEPTH || self.recursive(items, stack)) && min == 0 {
            return Ok(Value::Array(Vec::new()));
        }
        let count = min.max(1);
        (0..count)
            .map(|_| self.build(items, depth, stack))
            .collect::<Result<_, _>>()
            .map(Value::Array)
    }

    fn object(&self, schema: &Schema, depth: usize, stack: &mut Stack) -> Built {
        let mut object = Map::new();
        for (name, property) in &schema.properties {
            let required = schema.required.iter().any(|r| r == name);
            let skip = !required && (depth >= MAX_DEPTH || self.recursive(property, stack));
            if skip {
                continue;
            }
            let value = self.build(property, depth, stack)?;
            // A null for an optional property is the same as leaving it out.
            if value.is_null() && !required {
                continue;
            }
            object.insert(name.clone(), value);
        }
        let pattern_values = schema
            .pattern_properties
            .as_ref()
            .and_then(|patterns| patterns.values().next());
        let additional = match &schema.additional_properties {
            Some(AdditionalProperties::Schema(values)) => Some(values.as_ref()),
            _ => None,
        };
        if let Some(values) = pattern_values.or(additional) {
            if schema.properties.is_empty() && depth < MAX_DEPTH {
                let key = self.key(schema, depth, stack)?;
                object.insert(key, self.build(values, depth, stack)?);
            }
        }
        Ok(Value::Object(object))
    }

    /// A property name a map accepts: a value of its `propertyNames` enum,
    /// a UUID for `format: uuid`, else `"key"` (which the patterns Polar
    /// writes, such as `^[a-zA-Z0-9_.-]{1,64}$`, accept; a key is not
    /// derived from a `patternProperties` pattern).
    fn key(&self, schema: &Schema, depth: usize, stack: &mut Stack) -> Result<String, NoInstance> {
        let Some(names) = schema.property_names.as_deref() else {
            return Ok("key".to_owned());
        };
        if names.reference.is_some() || names.enum_values.is_some() {
            if let Value::String(key) = self.build(names, depth, stack)? {
                return Ok(key);
            }
        }
        Ok(
            match (names.format.as_deref(), string_for(names.format.as_deref())) {
                (Some(_), Value::String(key)) => key,
                _ => "key".to_owned(),
            },
        )
    }

    /// Whether building `schema` would re-enter a component on the stack.
    fn recursive(&self, schema: &Schema, stack: &[String]) -> bool {
        fn refs(schema: &Schema, out: &mut Vec<String>) {
            if let Some(name) = schema.reference.as_deref().and_then(ref_name) {
                out.push(name.to_owned());
            }
            for member in schema.any_of.iter().chain(schema.one_of.iter()).flatten() {
                refs(member, out);
            }
            if let Some(items) = &schema.items {
                refs(items, out);
            }
        }
        let mut names = Vec::new();
        refs(schema, &mut names);
        names.iter().any(|name| stack.contains(name))
    }
}

/// The cycle that re-enters `name`: the components being built from its
/// last entry on.
fn no_instance(stack: &[String], name: &str) -> NoInstance {
    let start = stack.iter().rposition(|s| s == name).unwrap_or(0);
    let mut cycle: Vec<String> = stack[start..].to_vec();
    cycle.push(name.to_owned());
    NoInstance::Cycle {
        schema: name.to_owned(),
        cycle,
    }
}

fn string_for(format: Option<&str>) -> Value {
    json!(match format {
        Some("date-time") => "2026-04-16T12:30:00Z",
        Some("date") => "2026-04-16",
        Some("uuid" | "uuid4") => "3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43",
        Some("email") => "someone@example.com",
        Some("uri") => "https://example.com/path",
        Some("ipvanyaddress") => "192.0.2.10",
        Some("duration") => "P30D",
        _ => "text",
    })
}

fn integer_for(schema: &Schema) -> i64 {
    let lower = schema
        .minimum
        .or(schema.exclusive_minimum.map(|m| m + 1.0))
        .unwrap_or(1.0);
    let value = lower.max(1.0);
    match schema.maximum {
        Some(max) if value > max => max as i64,
        _ => value as i64,
    }
}

fn number_for(schema: &Schema) -> f64 {
    let lower = schema.minimum.or(schema.exclusive_minimum).unwrap_or(0.0);
    lower + 1.5
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schemas: Value) -> Spec {
        serde_json::from_value(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": schemas}
        }))
        .unwrap()
    }

    #[test]
    fn examples_consts_and_defaults_come_first() {
        let spec = spec(json!({
            "A": {"type": "object", "required": ["x", "y"], "properties": {
                "x": {"type": "string", "examples": ["from example"]},
                "y": {"type": "string", "const": "fixed"},
                "z": {"type": "integer", "default": 7}
            }}
        }));
        let value = InstanceBuilder::new(&spec).component("A").unwrap();
        assert_eq!(value, json!({"x": "from example", "y": "fixed", "z": 7}));
    }

    #[test]
    fn recursion_stops_and_formats_are_honoured() {
        let spec = spec(json!({
            "Node": {"type": "object", "required": ["at"], "properties": {
                "at": {"type": "string", "format": "date-time"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]}
            }}
        }));
        let value = InstanceBuilder::new(&spec).component("Node").unwrap();
        // Optional properties that would recurse are left out.
        assert_eq!(value, json!({"at": "2026-04-16T12:30:00Z"}));
    }

    #[test]
    fn an_instance_that_would_multiply_past_the_limit_is_refused_naming_the_schema() {
        // Five required properties, each a nullable reference back: the
        // builder follows them to `MAX_DEPTH` before taking `null`, so the
        // instance would hold 5^8 (390,625) nodes. Fuzzing found such a
        // document (15 s, 600 MB per input).
        let back = json!({"anyOf": [{"$ref": "#/components/schemas/Tree"}, {"type": "null"}]});
        let spec = spec(json!({
            "Tree": {"type": "object", "required": ["a", "b", "c", "d", "e"], "properties": {
                "a": back, "b": back, "c": back, "d": back, "e": back
            }}
        }));
        let built = InstanceBuilder::new(&spec).try_component("Tree").unwrap();
        let Err(NoInstance::TooLarge { schema, limit }) = built else {
            panic!(
                "expected TooLarge, got {}",
                if built.is_ok() {
                    "an instance"
                } else {
                    "another error"
                }
            );
        };
        assert_eq!((schema.as_str(), limit), ("Tree", MAX_VALUES));
        // Two per level (a few hundred nodes) stay well under it.
        let spec = spec_two();
        assert!(InstanceBuilder::new(&spec)
            .try_component("Tree")
            .unwrap()
            .is_ok());
    }

    fn spec_two() -> Spec {
        let back = json!({"anyOf": [{"$ref": "#/components/schemas/Tree"}, {"type": "null"}]});
        spec(json!({
            "Tree": {"type": "object", "required": ["a", "b"], "properties": {"a": back, "b": back}}
        }))
    }

    #[test]
    fn map_keys_follow_property_names_and_pattern_maps_get_a_value() {
        let spec = spec(json!({
            "Currency": {"type": "string", "enum": ["usd", "eur"]},
            "Maps": {"type": "object", "required": ["amounts", "archived", "params", "plain"], "properties": {
                "amounts": {"type": "object", "additionalProperties": {"type": "integer"},
                            "propertyNames": {"$ref": "#/components/schemas/Currency"}},
                "archived": {"type": "object", "additionalProperties": {"type": "boolean"},
                             "propertyNames": {"format": "uuid4"}},
                "params": {"type": "object",
                           "patternProperties": {"^[a-zA-Z0-9_.-]{1,64}$": {"type": "string"}}},
                "plain": {"type": "object", "additionalProperties": {"type": "string"},
                          "propertyNames": {"maxLength": 40}}
            }}
        }));
        let value = InstanceBuilder::new(&spec).component("Maps").unwrap();
        assert_eq!(
            value,
            json!({
                "amounts": {"usd": 1},
                "archived": {"3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43": true},
                "params": {"key": "text"},
                "plain": {"key": "text"}
            })
        );
    }

    #[test]
    fn variant_index_selects_union_members() {
        let spec = spec(json!({
            "U": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
        }));
        assert_eq!(
            InstanceBuilder::new(&spec).component("U").unwrap(),
            json!("text")
        );
        let second = InstanceBuilder::new(&spec)
            .with_variant(1)
            .component("U")
            .unwrap();
        assert_eq!(second, json!(1));
    }
}
