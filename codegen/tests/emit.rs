//! Stages 3 and 4 through `codegen::generate`: one snapshot of the
//! `polar-models` output per fixture, plus properties every output has.

mod common;

use codegen::{Files, Settings};
use common::{fixture, GOOD_FIXTURES};

/// Most fixtures are generated as the only API version, named by the
/// settings' date (their `info.version` is not a dated version).
const MODELS_ROOT: &str = "polar-models/generated/v2026_01_02/src/types/mod.rs";

/// `polar-models/generated/v<version>/src/types/` of a single-version output.
fn models_dir(files: &Files) -> String {
    let roots: Vec<&String> = files
        .keys()
        .filter(|path| {
            path.starts_with("polar-models/generated/v") && path.ends_with("/src/types/mod.rs")
        })
        .collect();
    let [root] = roots.as_slice() else {
        panic!("one version module root, found {roots:?}")
    };
    root.strip_suffix("mod.rs").expect("a mod.rs").to_owned()
}

fn settings() -> Settings {
    Settings {
        spec_sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_owned(),
        spec_date: "2026-01-02".to_owned(),
    }
}

fn generate(name: &str) -> Files {
    codegen::generate(&fixture(name), &settings()).unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// The model files (the facade's root, the model crates with their
/// manifests), sorted by path, each under a `// ---- path ----` line.
fn models_text(files: &Files) -> String {
    let mut out = String::new();
    for (path, text) in files.iter().filter(|(path, _)| {
        path.starts_with("polar-models/generated/") || path == &codegen::layout::MODELS_FACADE_ROOT
    }) {
        out.push_str(&format!("// ---- {path} ----\n"));
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn snapshot(name: &str) {
    let text = models_text(&generate(name));
    insta::assert_snapshot!(name, text);
}

macro_rules! snapshot_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot(stringify!($name));
            }
        )*

        #[test]
        fn every_good_fixture_has_a_snapshot_test() {
            let mut tested = vec![$(stringify!($name)),*];
            tested.sort_unstable();
            assert_eq!(tested, GOOD_FIXTURES);
        }
    };
}

snapshot_tests!(
    discriminated_union,
    docs_format,
    enums,
    formats,
    keywords_and_collisions,
    map_keys,
    nested_consts,
    page,
    pattern_properties,
    pending_response,
    ref_siblings,
    required_optional_nullable,
    undiscriminated_union,
    union_methods,
    webhooks,
);

#[test]
fn every_fixture_file_is_listed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("the fixtures directory")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            path.file_stem()
                .expect("a stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort_unstable();
    let mut listed: Vec<&str> = GOOD_FIXTURES
        .iter()
        .copied()
        .chain(["unsupported"])
        .collect();
    listed.sort_unstable();
    assert_eq!(on_disk, listed);
}

#[test]
fn every_generated_file_starts_with_the_generated_marker() {
    for name in GOOD_FIXTURES {
        let files = generate(name);
        for (path, text) in &files {
            if codegen::SPLICED_FILES.contains(&path.as_str()) {
                let block = codegen::emit::features::BLOCK_BEGIN;
                assert!(text.starts_with(block), "{name}: {path}");
                continue;
            }
            if path.ends_with("Cargo.toml") {
                let preamble = codegen::emit::features::MANIFEST_PREAMBLE;
                assert!(text.starts_with(preamble), "{name}: {path}");
                continue;
            }
            assert!(
                text.starts_with("// @generated"),
                "{name}: {path} starts {:?}",
                &text[..text.len().min(40)]
            );
            assert!(
                text.starts_with(codegen::format::PREAMBLE),
                "{name}: {path}"
            );
        }
    }
}

#[test]
fn every_output_has_the_fixed_files() {
    for name in GOOD_FIXTURES {
        let files = generate(name);
        let dir = models_dir(&files);
        let crate_dir = dir.strip_suffix("src/types/").expect("a model crate");
        let module = crate_dir
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .expect("a module")
            .to_owned();
        for path in [
            codegen::layout::MODELS_FACADE_ROOT,
            &format!("{crate_dir}Cargo.toml"),
            &format!("{crate_dir}src/lib.rs"),
            &format!("{dir}mod.rs"),
            &format!("{dir}consts.rs"),
            "polar-api/src/generated/mod.rs",
            &format!("polar-api/src/generated/{module}.rs"),
            &format!("polar-api/generated/{module}/Cargo.toml"),
            &format!("polar-api/generated/{module}/src/lib.rs"),
            &format!("polar-api/generated/{module}/src/operations/error_body.rs"),
            "tests/src/generated/mod.rs",
            &format!("tests/src/generated/{module}.rs"),
            "fuzz/src/generated/mod.rs",
            &format!("fuzz/src/generated/{module}.rs"),
            "tests/tests/generated/conformance_cases.rs",
            "polar-models/Cargo.toml",
            "polar-api/Cargo.toml",
            "tests/Cargo.toml",
        ] {
            assert!(files.contains_key(path), "{name}: no {path}");
        }
        for path in files.keys() {
            if codegen::SPLICED_FILES.contains(&path.as_str()) {
                continue;
            }
            assert!(
                codegen::GENERATED_DIRS
                    .iter()
                    .any(|dir| path.starts_with(&format!("{dir}/"))),
                "{name}: {path} is outside the generated directories"
            );
            let manifest = (path.starts_with(codegen::layout::MODEL_CRATES_DIR)
                || path.starts_with(codegen::layout::API_CRATES_DIR))
                && path.ends_with("/Cargo.toml");
            assert!(path.ends_with(".rs") || manifest, "{name}: {path}");
        }
    }
}

#[test]
fn generating_twice_gives_identical_output() {
    for name in GOOD_FIXTURES {
        let first = generate(name);
        let second = generate(name);
        assert_eq!(first, second, "{name}");
    }
}

#[test]
fn settings_end_up_in_the_module_root() {
    let files = generate("enums");
    let root = &files[MODELS_ROOT];
    let settings = settings();
    assert!(
        root.contains(&format!(
            "pub const SPEC_SHA256: &str = \"{}\";",
            settings.spec_sha256
        )),
        "{root}"
    );
    assert!(
        root.contains("pub const SPEC_DATE: &str = \"2026-01-02\";"),
        "{root}"
    );
    let other = codegen::generate(
        &fixture("enums"),
        &Settings {
            spec_sha256: "ff".to_owned(),
            ..settings.clone()
        },
    )
    .expect("generates");
    let other_root = &other[MODELS_ROOT];
    assert!(other_root.contains("pub const SPEC_SHA256: &str = \"ff\";"));
    // Only the version's root mentions the hash.
    for (path, text) in &files {
        if path != MODELS_ROOT {
            assert_eq!(text, &other[path], "{path}");
        }
    }
    // A document generated alone is named by its date when its
    // `info.version` is not a dated version.
    let dated = codegen::generate(
        &fixture("enums"),
        &Settings {
            spec_sha256: "ff".to_owned(),
            spec_date: "1999-12-31".to_owned(),
        },
    )
    .expect("generates");
    let dated_root = &dated["polar-models/generated/v1999_12_31/src/types/mod.rs"];
    assert!(dated_root.contains("pub const SPEC_DATE: &str = \"1999-12-31\";"));
    assert!(dated_root.contains("pub const API_VERSION: &str = \"1999-12-31\";"));
}

#[test]
fn every_module_file_is_declared_in_the_root() {
    for name in GOOD_FIXTURES {
        let files = generate(name);
        let dir = models_dir(&files);
        let root = &files[&format!("{dir}mod.rs")];
        for path in files.keys() {
            let Some(stem) = path
                .strip_prefix(dir.as_str())
                .and_then(|file| file.strip_suffix(".rs"))
            else {
                continue;
            };
            match stem {
                "mod" => {}
                "consts" => assert!(root.contains("pub mod consts;"), "{name}"),
                _ => {
                    assert!(
                        root.contains(&format!("mod {stem};\n")),
                        "{name}: {stem} not declared"
                    );
                    assert!(
                        root.contains(&format!("pub use self::{stem}::*;")),
                        "{name}: {stem} not re-exported"
                    );
                }
            }
        }
    }
}

/// The `decode` fuzz target's table (fuzz/src/generated/): the webhook
/// payloads, every page and every union, and nothing else.
fn fuzz_table(name: &str) -> String {
    let files = generate(name);
    let (_, table) = files
        .iter()
        .find(|(path, _)| path.starts_with("fuzz/src/generated/v"))
        .expect("a fuzz table");
    table.clone()
}

#[test]
fn the_fuzz_table_lists_webhook_payloads_pages_and_unions() {
    let webhooks = fuzz_table("webhooks");
    for payload in ["WebhookWidgetCreatedPayload", "WebhookWidgetDeletedPayload"] {
        assert!(
            webhooks.contains(&format!("name: \"{payload}\"")),
            "{webhooks}"
        );
    }
    assert!(!webhooks.contains("name: \"Widget\""), "{webhooks}");
    let pages = fuzz_table("page");
    assert!(pages.contains("name: \"ListResourceWidget\""), "{pages}");
    assert!(
        pages.contains("crate::check_roundtrip::<::polar_models::"),
        "{pages}"
    );
    let unions = fuzz_table("discriminated_union");
    assert!(unions.contains("name: "), "{unions}");
}

#[test]
fn the_roundtrip_table_lists_every_component() {
    let files = generate("keywords_and_collisions");
    let table = &files["tests/src/generated/v2026_01_02.rs"];
    assert!(
        table.contains(r#"pub const SCHEMAS: &[&str] = &["FooBar", "Foo_Bar", "Page", "Sprocket", "TreeNode"];"#),
        "{table}"
    );
    assert!(
        table.contains(
            r#""Foo_Bar" => crate::roundtrip::<::polar_models::v2026_01_02::FooBar2>(json)"#
        ),
        "{table}"
    );
    assert!(
        table.contains(
            r#""FooBar" => crate::roundtrip::<::polar_models::v2026_01_02::FooBar>(json)"#
        ),
        "{table}"
    );
    assert!(
        table.contains(r#""Page" => crate::roundtrip::<::polar_models::v2026_01_02::Page2>(json)"#),
        "{table}"
    );
}

#[test]
fn unsupported_keywords_fail_generation() {
    let err = codegen::generate(&fixture("unsupported"), &settings()).unwrap_err();
    let codegen::Error::Version { version, source } = &err else {
        panic!("the error names the version: {err:?}")
    };
    assert_eq!(version, "2026-01-02");
    assert!(
        matches!(**source, codegen::Error::Unsupported { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("`Hybrid`"), "{text}");
    assert!(text.contains("`allOf`"), "{text}");
}

/// A JSON 200 beside a body-less 202: `send()` returns `Option<T>`, decoded
/// by the runtime's `json_or_pending`, and the conformance case calls it for
/// its 200.
#[test]
fn a_pending_202_makes_send_return_an_option() {
    let files = generate("pending_response");
    let builder = files
        .iter()
        .find(|(path, text)| {
            path.starts_with("polar-api/") && text.contains("pub struct OrdersReceipt")
        })
        .map(|(_, text)| text)
        .expect("a file with the `orders:receipt` builder");
    let flat: String = builder.split_whitespace().collect::<Vec<_>>().join(" ");
    let signature = flat
        .split("pub async fn send(")
        .nth(1)
        .and_then(|rest| rest.split('{').next())
        .expect("a `send` method");
    assert!(
        signature.contains("-> Result<Option<")
            && signature.contains("OrderReceipt>, crate::Error>"),
        "{signature}"
    );
    assert!(
        flat.contains("crate::__private::json_or_pending(Self::OPERATION, response, self.errors)"),
        "{builder}"
    );
    let case = files
        .iter()
        .find(|(path, text)| path.starts_with("tests/") && text.contains("\"orders:receipt\""))
        .map(|(_, text)| text)
        .expect("a conformance case for `orders:receipt`");
    let flat: String = case.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("status: 200, kind: ResponseKind::Json,"),
        "{case}"
    );
}
