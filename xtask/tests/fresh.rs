//! The committed generated code is what the generator makes of every pinned
//! version's document, and the generator is deterministic.
//!
//! These tests need the documents, which are not committed. They find each
//! as `cargo xtask check` does: `$POLAR_SPEC_DIR/{version}/` (relative paths
//! start at the workspace root), the cache `spec/cache/{version}.json`, the
//! shared copies `../shared/spec/versions/{version}/`, or a download. Without
//! any of them they fail rather than pass silently.

mod common;

use std::path::PathBuf;

use common::TempRoot;
use xtask::pins::{self, Pins};
use xtask::spec_source::{self, cache_path};
use xtask::versions::{self, VersionDoc};
use xtask::{check, regen, workspace_root, Action, CheckOutcome, Sources};

fn root() -> PathBuf {
    workspace_root().unwrap_or_else(|error| panic!("{error:#}"))
}

fn spec_dir() -> Option<String> {
    spec_source::spec_dir_env().unwrap_or_else(|error| panic!("{error:#}"))
}

/// Every pinned version's document, found as `cargo xtask check` finds it;
/// panics with what to do when one is missing.
fn pinned_documents() -> Vec<VersionDoc> {
    let root = root();
    let spec_dir = spec_dir();
    let sources = Sources {
        root: &root,
        spec_dir: spec_dir.as_deref(),
    };
    let pins = Pins::load(&root).unwrap_or_else(|error| panic!("{error:#}"));
    pins.require_any()
        .unwrap_or_else(|error| panic!("{error:#}"));
    let overlay = versions::load_overlay(&root).unwrap_or_else(|error| panic!("{error:#}"));
    versions::load_pinned(&sources, &pins.list(), &overlay)
        .unwrap_or_else(|error| panic!("{error:#}"))
}

#[test]
fn committed_generated_code_is_fresh() {
    let root = root();
    let spec_dir = spec_dir();
    let sources = Sources {
        root: &root,
        spec_dir: spec_dir.as_deref(),
    };
    match check(&root, &sources) {
        Ok((CheckOutcome::UpToDate { .. }, _)) => {}
        Ok((outcome @ CheckOutcome::Stale { .. }, docs)) => {
            let pinned: Vec<_> = docs.iter().map(|doc| doc.pin.clone()).collect();
            panic!(
                "the committed generated code is stale: {} for the pinned versions {} \
                 (spec/versions/*.toml); run `cargo xtask regen`\n\n{}",
                outcome.summary(),
                pins::labels(&pinned),
                outcome.diff()
            )
        }
        Err(error) => panic!("{error:#}"),
    }
}

#[test]
fn generation_is_deterministic() {
    let docs = pinned_documents();
    let first = versions::generate(&docs).unwrap_or_else(|error| panic!("{error:#}"));
    let second = versions::generate(&docs).unwrap_or_else(|error| panic!("{error:#}"));

    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "the two runs produced different file sets"
    );
    for (path, text) in &first {
        assert!(
            second[path] == *text,
            "two runs on the same documents produced different {path}"
        );
    }
}

/// `regen` then `check` on a scratch workspace with the real pins and
/// documents: every file is written, a second regen writes nothing, and
/// check passes.
#[test]
fn regen_then_check_agree_on_a_scratch_workspace() {
    let docs = pinned_documents();
    let root = TempRoot::new("fresh-regen");
    root.fake_workspace();
    let real = Pins::load(&self::root()).unwrap();
    for file in &real.files {
        root.write(&pins::pin_path(&file.pin.version), &file.text);
    }
    for doc in &docs {
        // The scratch workspace's own cache: not the repository.
        root.write(&cache_path(&doc.pin.version), &doc.spec.text);
    }
    let stale = format!("{}/stale.rs", codegen::GENERATED_DIRS[0]);
    root.write(&stale, "// stale\n");
    let sources = Sources {
        root: root.path(),
        spec_dir: None,
    };

    let first = regen(root.path(), &sources, &Action::All).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(first.pin_changes.is_empty(), "{first}");
    assert_eq!(first.report.written.len(), first.generated);
    assert_eq!(first.report.removed, [stale]);
    assert_eq!(first.versions.len(), docs.len());

    let second = regen(root.path(), &sources, &Action::All).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(second.report.written.is_empty(), "{second}");
    assert_eq!(second.report.unchanged, second.generated);

    let (outcome, _) = check(root.path(), &sources).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(outcome.is_fresh(), "{}", outcome.diff());
    for file in &real.files {
        assert_eq!(
            root.read(&pins::pin_path(&file.pin.version)),
            file.text,
            "regen moves no pin"
        );
    }
}
