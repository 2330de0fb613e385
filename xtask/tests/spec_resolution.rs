//! Where a version's document comes from, tested through
//! `spec_source::resolve` with the environment passed in (never by mutating
//! the process environment). The workspace is `{tmp}/main`, beside
//! `{tmp}/shared/spec/versions`.

mod common;

use common::TempRoot;
use xtask::pin::{Lifecycle, Pin};
use xtask::spec_source::{cache_path, resolve, sha256_hex, Source, Sources};

/// A port nothing listens on: connections are refused at once.
const UNREACHABLE_URL: &str = "http://127.0.0.1:9/2026-10/openapi.json";

const PINNED: &str = "{\"the\": \"pinned document\"}";
const OTHER: &str = "{\"another\": \"document\"}";

fn pin() -> Pin {
    Pin {
        version: "2026-10".into(),
        lifecycle: Lifecycle::Current,
        source_url: UNREACHABLE_URL.into(),
        sha256: sha256_hex(PINNED.as_bytes()),
        date: "2026-08-20".into(),
        copy: "a test copy".into(),
    }
}

/// The workspace directory inside `tmp`.
fn main(tmp: &TempRoot) -> std::path::PathBuf {
    let main = tmp.path().join("main");
    std::fs::create_dir_all(&main).unwrap();
    main
}

fn sources(root: &std::path::Path) -> Sources<'_> {
    Sources {
        root,
        spec_dir: None,
    }
}

#[test]
fn explicit_path_wins_over_everything_whatever_its_hash() {
    let tmp = TempRoot::new("spec-explicit");
    let flag = tmp.write("flag.json", OTHER);
    tmp.write("main/specs/2026-10/a.json", PINNED);
    tmp.write(&format!("main/{}", cache_path("2026-10")), PINNED);
    let flag = flag.to_str().unwrap();
    let root = main(&tmp);

    let spec = resolve(
        &Sources {
            spec_dir: Some("specs"),
            ..sources(&root)
        },
        &pin(),
        Some(flag),
    )
    .unwrap();

    assert_eq!(spec.text, OTHER);
    assert_eq!(spec.source, Source::Flag);
    assert_eq!(spec.location, flag);
    assert!(!spec.downloaded);
}

#[test]
fn the_spec_dir_file_with_the_pinned_hash_wins_and_relative_dirs_start_at_the_root() {
    let tmp = TempRoot::new("spec-dir");
    tmp.write("main/specs/2026-10/a-newer.json", OTHER);
    tmp.write("main/specs/2026-10/b-pinned.json", PINNED);
    tmp.write(&format!("main/{}", cache_path("2026-10")), PINNED);
    let root = main(&tmp);

    let spec = resolve(
        &Sources {
            spec_dir: Some("specs"),
            ..sources(&root)
        },
        &pin(),
        None,
    )
    .unwrap();

    assert_eq!(spec.source, Source::SpecDir);
    assert_eq!(spec.location, "specs/2026-10/b-pinned.json");
    assert_eq!(spec.text, PINNED);
}

#[test]
fn a_spec_dir_without_the_pinned_document_falls_through_to_the_cache() {
    let tmp = TempRoot::new("spec-dir-fallthrough");
    tmp.write("main/specs/2026-10/a.json", OTHER);
    tmp.write(&format!("main/{}", cache_path("2026-10")), PINNED);
    let root = main(&tmp);

    let spec = resolve(
        &Sources {
            spec_dir: Some("specs"),
            ..sources(&root)
        },
        &pin(),
        None,
    )
    .unwrap();

    assert_eq!(spec.source, Source::Cache);
    assert_eq!(spec.location, "spec/cache/2026-10.json");
}

#[test]
fn a_spec_dir_that_does_not_exist_is_an_error_naming_it() {
    let tmp = TempRoot::new("spec-dir-missing");
    tmp.write(&format!("main/{}", cache_path("2026-10")), PINNED);
    let root = main(&tmp);

    let error = resolve(
        &Sources {
            spec_dir: Some("nope"),
            ..sources(&root)
        },
        &pin(),
        None,
    )
    .unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains("POLAR_SPEC_DIR=nope"), "{message}");
}

#[test]
fn a_cache_with_another_hash_is_skipped_for_the_shared_copy() {
    let tmp = TempRoot::new("spec-shared");
    tmp.write(&format!("main/{}", cache_path("2026-10")), OTHER);
    tmp.write("shared/spec/versions/2026-10/2026-07-01.json", OTHER);
    tmp.write("shared/spec/versions/2026-10/2026-08-20.docs.json", PINNED);
    let root = main(&tmp);

    let spec = resolve(&sources(&root), &pin(), None).unwrap();

    assert_eq!(spec.source, Source::SharedCopy);
    assert_eq!(
        spec.location,
        "../shared/spec/versions/2026-10/2026-08-20.docs.json"
    );
    assert_eq!(spec.date_from_name().as_deref(), Some("2026-08-20"));
}

#[test]
fn only_the_versions_own_shared_directory_is_used() {
    let tmp = TempRoot::new("spec-shared-other");
    tmp.write("shared/spec/versions/2026-04/2026-08-20.json", PINNED);
    let root = main(&tmp);

    assert!(resolve(&sources(&root), &pin(), None).is_err());
}

#[test]
fn with_nothing_available_the_error_names_the_version_url_and_every_option() {
    let tmp = TempRoot::new("spec-nothing");
    tmp.write(&format!("main/{}", cache_path("2026-10")), OTHER);
    let root = main(&tmp);

    let error = resolve(&sources(&root), &pin(), None).unwrap_err();

    let message = format!("{error:#}");
    for option in [
        "no OpenAPI document for version 2026-10",
        "POLAR_SPEC_DIR is not set",
        "spec/cache/2026-10.json has another sha256",
        "../shared/spec/versions/2026-10/ does not exist",
        UNREACHABLE_URL,
        "POLAR_SPEC_DIR=DIR",
        "DIR/2026-10/",
        "cargo xtask regen --version 2026-10 --spec PATH|URL",
    ] {
        assert!(message.contains(option), "missing {option:?} in: {message}");
    }
    assert_eq!(
        tmp.read(&format!("main/{}", cache_path("2026-10"))),
        OTHER,
        "a failed download writes no cache"
    );
}

#[test]
fn a_missing_explicit_path_is_an_error_naming_it() {
    let tmp = TempRoot::new("spec-missing");
    tmp.write(&format!("main/{}", cache_path("2026-10")), PINNED);
    let root = main(&tmp);
    let missing = tmp.path().join("nope/2026-10.json");
    let missing = missing.to_str().unwrap();

    let error = resolve(&sources(&root), &pin(), Some(missing)).unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains(missing), "{message}");
    assert!(message.contains("--spec"), "{message}");
}

#[test]
fn an_unreachable_explicit_url_is_an_error_naming_it() {
    let tmp = TempRoot::new("spec-url");
    let root = main(&tmp);
    let error = resolve(&sources(&root), &pin(), Some(UNREACHABLE_URL)).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains(UNREACHABLE_URL), "{message}");
}

#[test]
fn a_document_that_is_not_utf8_is_refused() {
    let tmp = TempRoot::new("spec-binary");
    let path = tmp.write("spec.json", [0xff, 0xfe, 0x00]);
    let root = main(&tmp);

    let error = resolve(&sources(&root), &pin(), path.to_str()).unwrap_err();

    assert!(error.to_string().contains("not UTF-8"), "{error}");
}

#[test]
fn sha256_is_lowercase_hex() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}
