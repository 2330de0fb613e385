//! Valid documents the generator once crashed on, emitted broken Rust for,
//! or silently misread: one fixture each under
//! `tests/fixtures/generator_inputs/`, with its expected outcome beside it
//! (`NAME.expected`: `generates`, or `fails: TEXT`, where `TEXT` must occur in
//! the error, naming the schema or operation).
//!
//! `generate` runs under `catch_unwind` in a thread with a small stack, so a
//! panic fails the test instead of the process. A stack overflow still
//! aborts the whole test process (Rust cannot catch it), which is how an
//! overflowing fixture is seen failing. That the fixtures which generate
//! also type-check with warnings denied is `cargo xtask check-specs
//! codegen/tests/fixtures/generator_inputs` (in `.ci/run`), which reads the
//! same `.expected` files.

use std::path::{Path, PathBuf};

use codegen::Settings;

/// Stack of the thread each fixture is generated on: small, so that
/// unbounded recursion overflows quickly.
const STACK: usize = 1 << 20;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/generator_inputs")
}

fn read(name: &str) -> String {
    let path = dir().join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

/// What happened to one document.
#[derive(Debug)]
enum Outcome {
    Generated(codegen::Files),
    Failed(String),
    Panicked(String),
    DidNotReturn,
}

/// A fixture taking longer than this is taken for a loop (or an
/// exponential walk): the test fails instead of hanging.
const RETURN_WITHIN: std::time::Duration = std::time::Duration::from_secs(60);

/// `generate` on `text`, on a small-stack thread, panics caught.
fn run(text: String) -> Outcome {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let result =
                std::panic::catch_unwind(|| codegen::generate(&text, &Settings::default()));
            let outcome = match result {
                Ok(Ok(files)) => Outcome::Generated(files),
                Ok(Err(err)) => Outcome::Failed(err.to_string()),
                Err(panic) => Outcome::Panicked(
                    panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default(),
                ),
            };
            let _ = send.send(outcome);
        })
        .expect("spawning a thread");
    receive
        .recv_timeout(RETURN_WITHIN)
        .unwrap_or(Outcome::DidNotReturn)
}

fn generated(name: &str) -> codegen::Files {
    match run(read(name)) {
        Outcome::Generated(files) => files,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn every_fixture_has_the_expected_outcome() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("the fixture directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 12, "fixtures: {names:?}");
    let mut wrong = Vec::new();
    for name in &names {
        let expected_path = dir().join(format!("{name}.expected"));
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|err| panic!("{name}.json has no {name}.expected: {err}"));
        let expected = expected.trim();
        let outcome = run(read(name));
        let ok = match (&outcome, expected.strip_prefix("fails:")) {
            (Outcome::Generated(_), None) => expected == "generates",
            (Outcome::Failed(error), Some(text)) => error.contains(text.trim()),
            _ => false,
        };
        let shown = match &outcome {
            Outcome::Generated(files) => format!("generated {} files", files.len()),
            Outcome::Failed(error) => format!("failed: {error}"),
            Outcome::Panicked(message) => format!("PANICKED: {message}"),
            Outcome::DidNotReturn => format!("DID NOT RETURN within {RETURN_WITHIN:?}"),
        };
        println!("{name}: expected `{expected}`, {shown}");
        if !ok {
            wrong.push(format!("{name}: expected `{expected}`, got {shown}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Item 7: adding schemas whose names collide with an existing one after
/// case conversion must not rename the existing type: `FooBar` is the Rust
/// name of the schema literally named `FooBar`, with or without `FOO_BAR`
/// and `Foo-Bar` beside it.
#[test]
fn a_newcomer_does_not_rename_an_existing_type() {
    let before = serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "FooBar": {"type": "object", "properties": {"x": {"type": "string"}}}
        }}
    });
    let rust_name = |doc: &serde_json::Value, spec_name: &str| {
        let spec: codegen::spec::Spec = serde_json::from_value(doc.clone()).unwrap();
        let models = codegen::ir::lower(&spec).unwrap();
        models
            .types
            .iter()
            .find(|t| t.origin == codegen::ir::Origin::Component(spec_name.to_owned()))
            .map(|t| (t.name.clone(), t.module.clone()))
            .unwrap()
    };
    assert_eq!(
        rust_name(&before, "FooBar"),
        ("FooBar".to_owned(), "foo_bar".to_owned())
    );
    let fixture: serde_json::Value =
        serde_json::from_str(&read("name_collision_existing_keeps_name")).unwrap();
    let after = fixture["components"]["schemas"].clone();
    let after = serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": after}
    });
    assert_eq!(
        rust_name(&after, "FooBar"),
        ("FooBar".to_owned(), "foo_bar".to_owned())
    );
    // The newcomers get the suffixes, in sorted spec-name order.
    assert_eq!(rust_name(&after, "FOO_BAR").0, "FooBar2");
    assert_eq!(rust_name(&after, "Foo-Bar").0, "FooBar3");
}

/// Item 5: methods of one group whose operationIds collide after case
/// conversion get distinct names, like their builders.
#[test]
fn colliding_operation_ids_get_distinct_methods() {
    let spec = codegen::spec::parse(&read("operation_id_case_collisions")).unwrap();
    let models = codegen::ir::lower(&spec).unwrap();
    let mut methods: Vec<(Vec<String>, String)> = models
        .operations
        .iter()
        .map(|op| (op.group.clone(), op.method.clone()))
        .collect();
    let count = methods.len();
    methods.sort();
    methods.dedup();
    assert_eq!(methods.len(), count, "{methods:?}");
}

/// Item 5: a document without webhooks yields a `polar-api` manifest block
/// that still defines what the hand-written `webhooks` feature lists.
#[test]
fn a_document_without_webhooks_keeps_the_webhooks_features() {
    let files = generated("no_webhooks");
    let api = &files["polar-api/Cargo.toml"];
    assert!(api.contains("__webhooks = ["), "{api}");
    let models = &files["polar-models/Cargo.toml"];
    assert!(models.contains("\nwebhooks = ["), "{models}");
}
