//! Which component schemas the document's operations and webhooks reach
//! (the others are not lowered), and which of them a request body reaches
//! (the types users send).

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::enums::string_values;
use super::lower::schema_children;
use crate::spec::{ref_name, Schema, Spec};

/// Every schema an operation writes inline: parameters, bodies, responses.
pub(super) fn operation_schemas<'s>(
    operation: &'s crate::spec::Operation,
    path_parameters: &'s [crate::spec::Parameter],
) -> impl Iterator<Item = &'s Schema> {
    let parameters = path_parameters
        .iter()
        .chain(&operation.parameters)
        .filter_map(|p| p.schema.as_ref());
    let bodies = operation
        .request_body
        .iter()
        .flat_map(|b| b.content.values())
        .filter_map(|m| m.schema.as_ref());
    let responses = operation
        .responses
        .values()
        .flat_map(|r| r.content.values())
        .filter_map(|m| m.schema.as_ref());
    parameters.chain(bodies).chain(responses)
}

/// The component schemas that are lowered: those an operation (its
/// parameters, request bodies and responses) or a webhook payload reaches
/// through `$ref`s, plus those an inline enum repeats (same `title`, same
/// values: lowering uses the component in its place, see
/// `component_enum_for`). Everything else is skipped and listed in
/// [`Models::unreachable`]. A document with neither operations nor webhooks
/// is a library of schemas (the per-construct test fixtures are): all of its
/// components are roots.
pub(super) fn reachable_components(spec: &Spec) -> BTreeSet<&str> {
    let schemas = &spec.components.schemas;
    let has_roots = !spec.webhooks.is_empty()
        || spec
            .paths
            .values()
            .any(|item| item.operations().next().is_some());
    if !has_roots {
        return schemas.keys().map(String::as_str).collect();
    }
    fn visit<'s>(
        schemas: &'s IndexMap<String, Schema>,
        schema: &'s Schema,
        top: bool,
        todo: &mut Vec<&'s str>,
    ) {
        if let Some(name) = schema.reference.as_deref().and_then(ref_name) {
            if let Some((name, _)) = schemas.get_key_value(name) {
                todo.push(name);
            }
        }
        if let (Some(values), Some(title), false) = (&schema.enum_values, &schema.title, top) {
            if let Some((name, component)) = schemas.get_key_value(title.as_str()) {
                if component.enum_values.as_deref().map(string_values)
                    == Some(string_values(values))
                {
                    todo.push(name);
                }
            }
        }
        for child in schema_children(schema) {
            visit(schemas, child, false, todo);
        }
    }
    let mut todo = Vec::new();
    for item in spec.paths.values().chain(spec.webhooks.values()) {
        for (_, operation) in item.operations() {
            for schema in operation_schemas(operation, &item.parameters) {
                visit(schemas, schema, false, &mut todo);
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name) {
            visit(schemas, &schemas[name], true, &mut todo);
        }
    }
    seen
}

/// Names of component schemas reachable from any operation's request body:
/// the types users *send*, whose optional nullable fields get three states.
pub(super) fn input_components(spec: &Spec) -> BTreeSet<String> {
    fn refs<'s>(schema: &'s Schema, out: &mut Vec<&'s str>) {
        if let Some(name) = schema.reference.as_deref().and_then(ref_name) {
            out.push(name);
        }
        for child in schema_children(schema) {
            refs(child, out);
        }
    }
    let mut todo = Vec::new();
    for item in spec.paths.values() {
        for (_, operation) in item.operations() {
            for media in operation
                .request_body
                .iter()
                .flat_map(|b| b.content.values())
            {
                if let Some(schema) = &media.schema {
                    refs(schema, &mut todo);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.to_owned()) {
            if let Some(schema) = spec.components.schemas.get(name) {
                refs(schema, &mut todo);
            }
        }
    }
    seen
}
