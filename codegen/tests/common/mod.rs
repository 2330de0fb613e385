//! Helpers shared by the per-stage tests: loading fixtures and finding
//! things in the IR by name. Each test crate uses a different subset.
#![allow(dead_code)]

use codegen::ir::{Field, Models, Struct, TypeDef, TypeId, TypeKind, Union};

/// Every fixture `codegen::generate` accepts, by file stem.
pub const GOOD_FIXTURES: &[&str] = &[
    "discriminated_union",
    "docs_format",
    "enums",
    "formats",
    "keywords_and_collisions",
    "map_keys",
    "nested_consts",
    "page",
    "pattern_properties",
    "pending_response",
    "ref_siblings",
    "required_optional_nullable",
    "undiscriminated_union",
    "union_methods",
    "webhooks",
];

/// The text of `tests/fixtures/{name}.json`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("reading {path}: {err}"))
}

/// Stage 1 on a fixture.
pub fn spec(name: &str) -> codegen::spec::Spec {
    codegen::spec::parse(&fixture(name)).unwrap_or_else(|err| panic!("parsing {name}: {err}"))
}

/// Stages 1 and 2 on a fixture.
pub fn models(name: &str) -> Models {
    codegen::ir::lower(&spec(name)).unwrap_or_else(|err| panic!("lowering {name}: {err}"))
}

/// The id of the one type with this Rust name.
pub fn id_of(models: &Models, rust_name: &str) -> TypeId {
    let ids: Vec<usize> = (0..models.types.len())
        .filter(|&i| models.types[i].name == rust_name)
        .collect();
    match ids.as_slice() {
        [id] => TypeId(*id),
        [] => panic!(
            "no type named {rust_name}; types: {:?}",
            models.types.iter().map(|t| &t.name).collect::<Vec<_>>()
        ),
        _ => panic!("{} types named {rust_name}", ids.len()),
    }
}

/// The one type with this Rust name.
pub fn type_named<'m>(models: &'m Models, rust_name: &str) -> &'m TypeDef {
    models.get(id_of(models, rust_name))
}

/// The struct with this Rust name.
pub fn struct_named<'m>(models: &'m Models, rust_name: &str) -> &'m Struct {
    match &type_named(models, rust_name).kind {
        TypeKind::Struct(s) => s,
        other => panic!("{rust_name} is not a struct: {other:?}"),
    }
}

/// The union with this Rust name.
pub fn union_named<'m>(models: &'m Models, rust_name: &str) -> &'m Union {
    match &type_named(models, rust_name).kind {
        TypeKind::Union(u) => u,
        other => panic!("{rust_name} is not a union: {other:?}"),
    }
}

/// The field for JSON property `wire_name`.
pub fn field<'s>(structure: &'s Struct, wire_name: &str) -> &'s Field {
    structure
        .fields
        .iter()
        .find(|f| f.wire_name == wire_name)
        .unwrap_or_else(|| panic!("no field for property {wire_name}"))
}
