//! Where the spec comes from, tested through `spec_source::resolve` with the
//! environment passed in (never by mutating the process environment).

mod common;

use common::TempRoot;
use xtask::spec_source::{resolve, sha256_hex, Source, SpecInputs, CACHE_PATH};

/// A port nothing listens on: connections are refused at once.
const UNREACHABLE_URL: &str = "http://127.0.0.1:9/openapi.json";

fn inputs<'a>(root: &'a TempRoot) -> SpecInputs<'a> {
    SpecInputs {
        explicit: None,
        env: None,
        root: root.path(),
        source_url: Some(UNREACHABLE_URL),
        pinned_date: None,
    }
}

#[test]
fn explicit_path_wins_over_env_and_cache() {
    let root = TempRoot::new("spec-explicit");
    let flag = root.write("flag.json", "{\"from\": \"flag\"}");
    root.write("env.json", "{\"from\": \"env\"}");
    root.write(CACHE_PATH, "{\"from\": \"cache\"}");
    let flag = flag.to_str().unwrap();

    let spec = resolve(&SpecInputs {
        explicit: Some(flag),
        env: Some("env.json"),
        ..inputs(&root)
    })
    .unwrap();

    assert_eq!(spec.text, "{\"from\": \"flag\"}");
    assert_eq!(spec.source, Source::Flag);
    assert_eq!(spec.location, flag);
    assert_eq!(spec.sha256, sha256_hex(b"{\"from\": \"flag\"}"));
    assert!(!spec.downloaded);
}

#[test]
fn env_wins_over_cache_and_relative_env_paths_start_at_the_root() {
    let root = TempRoot::new("spec-env");
    root.write(
        "shared/polar-openapi-2026-04-16.json",
        "{\"from\": \"env\"}",
    );
    root.write(CACHE_PATH, "{\"from\": \"cache\"}");

    let spec = resolve(&SpecInputs {
        env: Some("shared/polar-openapi-2026-04-16.json"),
        ..inputs(&root)
    })
    .unwrap();

    assert_eq!(spec.text, "{\"from\": \"env\"}");
    assert_eq!(spec.source, Source::Env);
    assert_eq!(spec.date_from_name().as_deref(), Some("2026-04-16"));
}

#[test]
fn cache_is_used_when_nothing_is_named() {
    let root = TempRoot::new("spec-cache");
    root.write(CACHE_PATH, "{}");

    let spec = resolve(&SpecInputs {
        env: Some("  "),
        ..inputs(&root)
    })
    .unwrap();

    assert_eq!(spec.source, Source::Cache);
    assert_eq!(spec.location, CACHE_PATH);
    assert_eq!(spec.date_from_name(), None);
}

#[test]
fn a_missing_explicit_path_is_an_error_naming_it() {
    let root = TempRoot::new("spec-missing");
    root.write(CACHE_PATH, "{}");
    let missing = root.path().join("nope/polar-openapi-2026-04-16.json");
    let missing = missing.to_str().unwrap();

    let error = resolve(&SpecInputs {
        explicit: Some(missing),
        ..inputs(&root)
    })
    .unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains(missing), "{message}");
    assert!(message.contains("--spec"), "{message}");
}

#[test]
fn a_missing_env_path_is_an_error_naming_it() {
    let root = TempRoot::new("spec-missing-env");
    let error = resolve(&SpecInputs {
        env: Some("nope.json"),
        ..inputs(&root)
    })
    .unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains("nope.json"), "{message}");
    assert!(message.contains("POLAR_OPENAPI_SPEC"), "{message}");
}

#[test]
fn with_nothing_available_the_error_names_every_option() {
    let root = TempRoot::new("spec-nothing");

    let error = resolve(&inputs(&root)).unwrap_err();

    let message = format!("{error:#}");
    for option in [
        "no OpenAPI spec available",
        "--spec PATH",
        "POLAR_OPENAPI_SPEC=PATH",
        "spec/cache/openapi.json",
        "download failed",
        UNREACHABLE_URL,
    ] {
        assert!(message.contains(option), "missing {option:?} in: {message}");
    }
    assert!(
        !root.exists(CACHE_PATH),
        "a failed download writes no cache"
    );
}

#[test]
fn an_unreachable_explicit_url_is_an_error_naming_it() {
    let root = TempRoot::new("spec-url");
    let error = resolve(&SpecInputs {
        explicit: Some(UNREACHABLE_URL),
        ..inputs(&root)
    })
    .unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains(UNREACHABLE_URL), "{message}");
}

#[test]
fn a_document_that_is_not_utf8_is_refused() {
    let root = TempRoot::new("spec-binary");
    let path = root.write("spec.json", [0xff, 0xfe, 0x00]);

    let error = resolve(&SpecInputs {
        explicit: path.to_str(),
        ..inputs(&root)
    })
    .unwrap_err();

    assert!(error.to_string().contains("not UTF-8"), "{error}");
}

#[test]
fn sha256_is_lowercase_hex() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn shared_copy_of_the_pinned_date_is_found_after_the_cache() {
    let root = TempRoot::new("shared-copy");
    let workspace = root.path().join("main");
    std::fs::create_dir_all(workspace.join("spec")).unwrap();
    let shared = xtask::spec_source::shared_copy(&workspace, "2026-04-16");
    std::fs::create_dir_all(shared.parent().unwrap()).unwrap();
    std::fs::write(&shared, "{\"from\": \"shared\"}").unwrap();

    let spec = resolve(&SpecInputs {
        root: &workspace,
        pinned_date: Some("2026-04-16"),
        ..inputs(&root)
    })
    .unwrap();
    assert_eq!(spec.source, Source::SharedCopy);
    assert_eq!(spec.text, "{\"from\": \"shared\"}");

    let other_date = resolve(&SpecInputs {
        root: &workspace,
        pinned_date: Some("2026-03-03"),
        ..inputs(&root)
    });
    assert!(other_date.is_err(), "only the pinned date's copy is used");
}
