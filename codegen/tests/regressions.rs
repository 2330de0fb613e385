//! Generator bugs found while writing the per-stage tests, one fixture each
//! under `tests/fixtures/regressions/`, kept as regression tests.

use codegen::ir::{OnMissing, TypeKind, TypeRef};
use codegen::Settings;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/regressions/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("reading {path}: {err}"))
}

fn generate(name: &str) -> codegen::Files {
    codegen::generate(&fixture(name), &Settings::default())
        .unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn lower(name: &str) -> codegen::ir::Models {
    let spec = codegen::spec::parse(&fixture(name)).expect("parses");
    codegen::ir::lower(&spec).expect("lowers")
}

/// A component schema whose module name is `consts` collides with the
/// constant markers' module: `emit::models::emit` overwrites the schema's file
/// with the markers (the `Consts` struct is lost) and `mod.rs` declares the
/// module twice (`pub mod consts;` and `mod consts;`), which does not compile.
/// `generate` still returns `Ok`. The module namespace in `ir::lower` does not
/// reserve `consts` or `mod` (nor `primitive_unions`, which merges silently).
#[test]
fn a_schema_named_consts_keeps_its_own_module() {
    let files = generate("consts_schema");
    let root = &files["polar-models/generated/v0/src/types/mod.rs"];
    assert_eq!(root.matches("mod consts;").count(), 1, "{root}");
    assert!(
        files
            .values()
            .any(|text| text.contains("pub struct Consts")),
        "the `Consts` struct was not written anywhere"
    );
}

/// A webhook whose request body schema is written inline (not a `$ref`) is
/// lowered with an empty name hint (`Ctx { hint: String::new(), .. }` in
/// `lower_webhooks`), so the inline struct is named `""`. `emit::ident("")`
/// then panics ("`\"\"` is not a valid Ident") instead of `generate` naming
/// the type after the event or returning an error.
#[test]
fn an_inline_webhook_body_gets_a_usable_name() {
    let models = lower("inline_webhook_body");
    for ty in &models.types {
        assert!(!ty.name.is_empty(), "a type has an empty name: {ty:?}");
    }
    let result = std::panic::catch_unwind(|| {
        codegen::generate(&fixture("inline_webhook_body"), &Settings::default())
    });
    assert!(result.is_ok(), "generate panicked");
}

/// A property named `additional_properties` (or `additionalProperties`) in a
/// struct that also has an `additionalProperties` schema yields two fields
/// called `additional_properties`: the property and the `#[serde(flatten)]`
/// map `emit_struct` adds. The output does not compile (E0124). The field
/// namespace in `lower_struct` should reserve the map's name.
#[test]
fn a_property_named_additional_properties_does_not_clash_with_the_map() {
    let files = generate("additional_properties_property");
    let bag = &files["polar-models/generated/v0/src/types/bag.rs"];
    assert_eq!(
        bag.matches("pub additional_properties:").count(),
        1,
        "{bag}"
    );
}

/// `{"type": "boolean", "const": true}` is lowered to plain `bool`
/// (`type_ref` maps a boolean `const` to `TypeRef::Boolean`), so the drift
/// policy treats it as any required `bool` and a payload without the
/// property decodes to `false` — the opposite of the only value the spec
/// allows. The documented policy is "the expected constant".
#[test]
fn a_missing_boolean_const_does_not_decode_to_the_other_value() {
    let models = lower("boolean_const");
    let id = models.component("LegacyWidget").expect("a component");
    let TypeKind::Struct(structure) = &models.get(id).kind else {
        panic!("not a struct");
    };
    let legacy = structure
        .fields
        .iter()
        .find(|f| f.wire_name == "legacy")
        .expect("a legacy field");
    assert!(
        !(legacy.ty == TypeRef::Boolean && legacy.on_missing == OnMissing::Default),
        "a missing `legacy` decodes to `false`, but the spec fixes it to `true`"
    );
}

/// `names::type_name` turns `"self"` into `Self`, a keyword that cannot be an
/// enum variant, a union variant or a struct name. Enum values, discriminator
/// tags and string `const`s equal to `self` make `format::rust_file` fail
/// with "generated code ... is not valid Rust (expected identifier, found
/// keyword `Self`); this is a generator bug". Only the crate-level type
/// namespace reserves `Self`.
#[test]
fn values_named_self_get_valid_identifiers() {
    let files = generate("self_names");
    assert!(files.contains_key("polar-models/generated/v0/src/types/audience.rs"));
}

/// Limitation rather than bug (Polar's spec does not use it): JSON Schema
/// 2020-12 closes a tuple with `"items": false`, which `spec::Schema` cannot
/// read (`items` is a schema), so the whole document fails to parse with
/// "invalid type: boolean `false`, expected struct Schema".
#[test]
fn a_closed_tuple_parses() {
    let spec = codegen::spec::parse(&fixture("closed_tuple"));
    assert!(spec.is_ok(), "{}", spec.unwrap_err());
}

/// An operationId without a `group:` prefix (`thing`) lowers to an
/// operation in no group, and emitting the client's accessors panicked
/// ("a group has a path", `emit/api.rs`) instead of `generate` returning an
/// error. Found by the small-document property test
/// (`tests/small_documents.rs`, the `generator` fuzz target's inputs).
#[test]
fn an_operation_id_without_a_group_is_refused_with_an_error() {
    let result = std::panic::catch_unwind(|| {
        codegen::generate(&fixture("operation_id_without_group"), &Settings::default())
    });
    let error = result
        .expect("generate panicked")
        .expect_err("an operation in no group generated");
    let message = error.to_string();
    assert!(
        message.contains("thing") && message.contains("group"),
        "{message}"
    );
}

/// A union that lists itself among its members (`U = oneOf[U, boolean]`)
/// overflowed the stack twice over: the union's runtime shape
/// (`ir::unions` `shape_of`) and the fixture builder's `is_array` (for a
/// property holding the union) each followed the reference forever. Found
/// by the small-document property test (`tests/small_documents.rs`).
#[test]
fn a_union_that_lists_itself_generates() {
    let files = generate("union_lists_itself");
    assert!(
        files.keys().any(|path| path.ends_with("/u.rs")),
        "{:?}",
        files.keys()
    );
}

/// A description or summary with a carriage return not followed by a line
/// feed (`"Line one\rline two"`) kept it inside a `///` line; rustc refuses
/// a bare CR in a doc comment, so the generated file did not parse. Found by
/// the small-document property test (`tests/small_documents.rs`).
#[test]
fn carriage_returns_in_descriptions_end_doc_lines() {
    let outcome = codegen::testing::check_generator(&fixture("carriage_returns_in_docs"))
        .unwrap_or_else(|broken| panic!("{broken}"));
    assert!(
        matches!(outcome, codegen::testing::Outcome::Generated(_)),
        "{outcome:?}"
    );
    let files = generate("carriage_returns_in_docs");
    for (path, text) in &files {
        assert!(!text.contains('\r'), "{path} keeps a carriage return");
    }
}

/// An undiscriminated union member that is a nullable inline enum
/// (`anyOf[{enum: [...]}, {type: null}]`), or a list or map of a named type,
/// is named from its type, and the naming reached `primitive_name`'s
/// "primitive unions hold no named types" `unreachable!` for the named type
/// inside. Found by the small-document property test
/// (`tests/small_documents.rs`).
#[test]
fn union_members_holding_named_types_get_names() {
    let files = generate("nullable_named_union_member");
    let choice = files
        .iter()
        .find(|(path, _)| path.ends_with("/choice.rs"))
        .map(|(_, text)| text)
        .expect("choice.rs");
    assert!(choice.contains("pub enum Choice"), "{choice}");
}

/// A schema that is a nullable alias of itself (`S = anyOf[anyOf[S], null]`)
/// used as a parameter: `param_type` sees through nullable aliases and went
/// round `S → S` forever; used in a union, `holds_free_form_object` (emit)
/// did. It names no type (`type S = Option<S>` is not Rust): `generate`
/// must return an error naming it. Found by the small-document property
/// test (`tests/small_documents.rs`).
#[test]
fn a_nullable_alias_of_itself_is_refused() {
    for name in [
        "nullable_alias_of_itself",
        "nullable_alias_of_itself_in_a_union",
    ] {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = codegen::generate(&fixture(name), &Settings::default());
            let _ = send.send(result.map(|_| ()).map_err(|e| e.to_string()));
        });
        let result = receive
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{name}: generate did not return in 30 s (or panicked)"));
        let error = result.expect_err("a schema naming no type generated");
        assert!(error.contains("`S`"), "{name}: {error}");
    }
}

/// A schema that is only a `$ref` to itself (`Item = {$ref: Item}`), as a
/// webhook's body: it names no type, and every pass that sees through
/// aliases (the union accessors' `member_kind` first) went round it
/// forever. `generate` must refuse it with an error naming it. Found by
/// the `generator` fuzz target (a timeout).
#[test]
fn a_schema_that_only_refers_to_itself_is_refused() {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = codegen::generate(&fixture("alias_of_itself"), &Settings::default());
        let _ = send.send(result.map(|_| ()).map_err(|e| e.to_string()));
    });
    let result = receive
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("generate did not return in 30 s (or panicked)");
    let error = result.expect_err("a schema naming no type generated");
    assert!(error.contains("Item"), "{error}");
}

/// Two unions that list each other (`Self = anyOf[thing_create]`,
/// `thing_create = anyOf[Self, Item]`): the fixture builder's `entity_of`
/// asks a member for the entity of the union that lists it, and went
/// round the pair until the stack overflowed. Found by the small-document
/// property test (`tests/small_documents.rs`).
#[test]
fn unions_that_list_each_other_generate() {
    let result = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            codegen::generate(&fixture("unions_listing_each_other"), &Settings::default())
                .map(|files| files.len())
                .map_err(|e| e.to_string())
        })
        .unwrap()
        .join()
        .expect("generate panicked");
    println!("{result:?}");
}
