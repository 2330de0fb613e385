//! `regen`'s actions on a fake workspace with tiny documents: regenerate
//! every version, refresh one, add, remove, move "current"; and `check`
//! after each.

mod common;

use std::path::Path;

use common::{pin_text, TempRoot};
use xtask::pin::Lifecycle;
use xtask::pins::{pin_path, PinChange, Pins};
use xtask::regen::{Add, Update};
use xtask::spec_source::{cache_path, sha256_hex};
use xtask::{check, regen, Action, Sources};

const UNREACHABLE: &str = "http://127.0.0.1:9/openapi.json";

/// One operation reaching `Color`; `Unused` is reachable from nothing.
fn document(colors: &[&str]) -> String {
    let colors: Vec<String> = colors.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        r##"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}},
  "paths": {{"/v1/colors/": {{"get": {{"operationId": "colors:get",
    "responses": {{"200": {{"description": "ok",
      "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Color"}}}}}}}}}}}}}}}},
  "components": {{"schemas": {{
    "Color": {{"type": "string", "enum": [{}]}},
    "Unused": {{"type": "object", "properties": {{"a": {{"type": "string"}}}}}}}}}}}}"##,
        colors.join(", ")
    )
}

/// A workspace pinning 2026-04 (deprecated) and 2026-10 (current), their
/// documents in `specs/` (given as `$POLAR_SPEC_DIR`).
fn workspace(name: &str) -> TempRoot {
    let root = TempRoot::new(name);
    root.fake_workspace();
    for (version, lifecycle, doc) in [
        ("2026-04", "deprecated", document(&["red"])),
        ("2026-10", "current", document(&["red", "green"])),
    ] {
        root.write(&format!("specs/{version}/copy.json"), &doc);
        root.write(
            &pin_path(version),
            pin_text(version, lifecycle, &sha256_hex(doc.as_bytes()), UNREACHABLE),
        );
    }
    root
}

fn sources(root: &Path) -> Sources<'_> {
    Sources {
        root,
        spec_dir: Some("specs"),
    }
}

fn run(root: &TempRoot, action: Action) -> xtask::RegenOutcome {
    regen(root.path(), &sources(root.path()), &action).unwrap_or_else(|e| panic!("{e:#}"))
}

fn fails(root: &TempRoot, action: Action) -> String {
    let error = regen(root.path(), &sources(root.path()), &action).unwrap_err();
    format!("{error:#}")
}

fn assert_fresh(root: &TempRoot) {
    let (outcome, _) =
        check(root.path(), &sources(root.path())).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(outcome.is_fresh(), "{}", outcome.diff());
}

fn lifecycles(root: &TempRoot) -> String {
    Pins::load(root.path()).unwrap().names()
}

#[test]
fn regen_writes_every_version_reports_each_and_then_writes_nothing() {
    let root = workspace("regen-all");
    let stale = format!("{}/stale.rs", codegen::GENERATED_DIRS[0]);
    root.write(&stale, "// stale\n");

    let first = run(&root, Action::All);

    assert!(first.pin_changes.is_empty());
    assert_eq!(first.versions.len(), 2);
    let stats = first.versions[1].stats;
    assert_eq!(
        (
            stats.operations,
            stats.schemas,
            stats.skipped,
            stats.webhooks
        ),
        (1, 1, 1, 0)
    );
    assert_eq!(first.report.written.len(), first.generated);
    assert_eq!(first.report.removed, [stale]);
    assert!(
        first
            .report
            .written
            .iter()
            .any(|p| p.starts_with("docs/migrations/")),
        "a migration guide between the two versions: {first}"
    );
    let text = first.to_string();
    assert!(
        text.starts_with("version  lifecycle   operations  schemas  unreachable skipped"),
        "{text}"
    );
    assert!(
        text.contains("\n2026-04  deprecated  1           1        1"),
        "{text}"
    );
    assert!(
        text.contains("specs/2026-10/copy.json (from POLAR_SPEC_DIR)"),
        "{text}"
    );
    assert!(text.contains("pins unchanged"), "{text}");

    let second = run(&root, Action::All);
    assert!(second.report.written.is_empty(), "{second}");
    assert_eq!(second.report.unchanged, second.generated);
    assert_fresh(&root);
    // The feature block landed between the markers, the rest untouched.
    let manifest = root.read("polar-api/Cargo.toml");
    assert!(manifest.starts_with("[package]\nname = \"x\"\n\n[features]\n"));
    assert!(manifest.ends_with("# @generated end\n\n[dependencies]\n"));
}

#[test]
fn a_refresh_moves_one_pin_prints_its_changelog_and_caches_the_document() {
    let root = workspace("regen-refresh");
    run(&root, Action::All);
    let before = root.read(&pin_path("2026-04"));
    let new = root.write("new/2026-11-02.json", document(&["red", "green", "blue"]));

    let outcome = run(
        &root,
        Action::Update(Update {
            version: "2026-10".into(),
            spec: Some(new.to_string_lossy().into_owned()),
            ..Update::default()
        }),
    );

    let [PinChange::Updated { old, new: pin }] = outcome.pin_changes.as_slice() else {
        panic!("{outcome}");
    };
    assert_eq!(old.version, "2026-10");
    assert_eq!(pin.date, "2026-11-02");
    assert!(
        pin.copy.starts_with("the file 2026-11-02.json given to"),
        "{}",
        pin.copy
    );
    let text = outcome.to_string();
    assert!(text.contains("2026-10: pin updated: sha256 "), "{text}");
    assert!(
        text.contains("changelog of 2026-10 from specs/2026-10/copy.json"),
        "{text}"
    );
    assert!(text.contains("enum value added  Color: \"blue\""), "{text}");
    assert_eq!(root.read(&pin_path("2026-04")), before, "other pins stay");
    assert!(root
        .read(&pin_path("2026-10"))
        .starts_with("# the pin of 2026-10\n"));
    assert_eq!(
        sha256_hex(root.read(&cache_path("2026-10")).as_bytes()),
        pin.sha256
    );
    // The spec dir still holds the old document: check finds the new one in
    // the cache.
    assert_fresh(&root);
}

#[test]
fn adding_and_removing_a_version() {
    let root = workspace("regen-add-remove");
    let doc = root.write("new/2027-01.json", document(&["red", "green", "blue"]));

    let added = run(
        &root,
        Action::Add(Add {
            version: "2027-01".into(),
            spec: Some(doc.to_string_lossy().into_owned()),
            lifecycle: Lifecycle::Next,
            date: Some("2026-12-01".into()),
            copy: Some("a preview".into()),
            old_current: None,
        }),
    );

    assert!(
        matches!(added.pin_changes.as_slice(), [PinChange::Added(pin)] if pin.version == "2027-01")
    );
    let pin = root.read(&pin_path("2027-01"));
    assert!(pin.starts_with("# Polar API version 2027-01:"), "{pin}");
    assert!(pin.contains("lifecycle = \"next\"\n"), "{pin}");
    assert!(pin.contains("source_url = \"https://api.polar.sh/2027-01/openapi.json\"\n"));
    assert!(
        pin.contains("date = \"2026-12-01\"\ncopy = \"a preview\"\n"),
        "{pin}"
    );
    assert_eq!(
        lifecycles(&root),
        "2026-04 (deprecated), 2026-10 (current), 2027-01 (next)"
    );
    assert_fresh(&root);
    let error = fails(
        &root,
        Action::Add(Add {
            version: "2027-01".into(),
            spec: Some(doc.to_string_lossy().into_owned()),
            lifecycle: Lifecycle::Next,
            date: None,
            copy: None,
            old_current: None,
        }),
    );
    assert!(error.contains("already pinned"), "{error}");

    let removed = run(
        &root,
        Action::Remove {
            version: "2027-01".into(),
        },
    );
    assert!(!root.exists(&pin_path("2027-01")));
    assert!(!removed.report.removed.is_empty(), "{removed}");
    assert!(
        removed.report.removed.iter().all(|p| p.contains("2027")),
        "only 2027-01's files go: {removed}"
    );
    assert_fresh(&root);
}

#[test]
fn the_current_version_and_the_last_one_cannot_be_removed() {
    let root = workspace("regen-remove-current");
    let error = fails(
        &root,
        Action::Remove {
            version: "2026-10".into(),
        },
    );
    assert!(error.contains("2026-10 is the current version"), "{error}");
    let error = fails(
        &root,
        Action::Remove {
            version: "2025-01".into(),
        },
    );
    assert!(error.contains("version 2025-01 is not pinned"), "{error}");

    run(
        &root,
        Action::Remove {
            version: "2026-04".into(),
        },
    );
    let error = fails(
        &root,
        Action::Remove {
            version: "2026-10".into(),
        },
    );
    assert!(error.contains("the only pinned version"), "{error}");
}

#[test]
fn moving_current_is_explicit_and_checked() {
    let root = workspace("regen-lifecycle");
    let make_current = |old_current| {
        Action::Update(Update {
            version: "2026-04".into(),
            lifecycle: Some(Lifecycle::Current),
            old_current,
            ..Update::default()
        })
    };

    let error = fails(&root, make_current(None));
    assert!(error.contains("--old-current deprecated|next"), "{error}");
    let error = fails(&root, make_current(Some(Lifecycle::Deprecated)));
    assert!(
        error.contains("2026-10 is deprecated but not older than the current version 2026-04"),
        "{error}"
    );
    assert_eq!(lifecycles(&root), "2026-04 (deprecated), 2026-10 (current)");
    assert!(
        !root.exists(codegen::GENERATED_DIRS[0]),
        "nothing was written"
    );

    let outcome = run(&root, make_current(Some(Lifecycle::Next)));
    assert_eq!(outcome.pin_changes.len(), 2, "{outcome}");
    assert_eq!(lifecycles(&root), "2026-04 (current), 2026-10 (next)");
    assert_fresh(&root);
}

#[test]
fn a_document_the_generator_cannot_read_changes_nothing() {
    let root = workspace("regen-bad-document");
    run(&root, Action::All);
    let pins = root.read(&pin_path("2026-10"));
    let bad = root.write("bad.json", "{\"openapi\": 3}");

    let error = fails(
        &root,
        Action::Update(Update {
            version: "2026-10".into(),
            spec: Some(bad.to_string_lossy().into_owned()),
            ..Update::default()
        }),
    );

    assert!(error.contains("the generator cannot read"), "{error}");
    assert!(error.contains("bad.json"), "{error}");
    assert_eq!(root.read(&pin_path("2026-10")), pins);
    assert!(!root.exists(&cache_path("2026-10")));
    assert_fresh(&root);
}

#[test]
fn check_names_the_version_whose_document_is_missing() {
    let root = workspace("check-missing");
    std::fs::remove_file(root.path().join("specs/2026-04/copy.json")).unwrap();

    let error = check(root.path(), &sources(root.path())).unwrap_err();

    let message = format!("{error:#}");
    assert!(
        message.contains("no OpenAPI document for version 2026-04"),
        "{message}"
    );
    assert!(message.contains(UNREACHABLE), "{message}");
}

#[test]
fn check_fails_when_a_migration_guide_is_stale_or_missing() {
    let root = workspace("regen-stale-guide");
    run(&root, Action::All);
    assert_fresh(&root);
    let guide = "docs/migrations/2026-04-to-2026-10.md";
    let text = root.read(guide);
    assert!(
        text.contains("green"),
        "the guide lists the new value: {text}"
    );

    // Edited by hand: stale, and the diff names the guide.
    root.write(guide, text.replace("green", "blue"));
    let (outcome, _) = check(root.path(), &sources(root.path())).unwrap();
    assert!(!outcome.is_fresh(), "an edited guide must fail the check");
    let diff = outcome.diff();
    assert!(diff.contains(guide), "{diff}");

    // Deleted: stale too.
    std::fs::remove_file(root.path().join(guide)).unwrap();
    let (outcome, _) = check(root.path(), &sources(root.path())).unwrap();
    assert!(!outcome.is_fresh(), "a missing guide must fail the check");
    assert!(outcome.diff().contains(guide), "{}", outcome.diff());

    run(&root, Action::All);
    assert_fresh(&root);
}
