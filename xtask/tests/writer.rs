//! Writing generated files, and check mode, on a fake workspace with a fake
//! generator output.

mod common;

use std::fs;
use std::time::{Duration, SystemTime};

use codegen::Files;
use common::TempRoot;
use xtask::check::{compare, CheckOutcome};
use xtask::write::{ensure_files, plan, ChangeKind, WriteReport};

const GENERATED: &[&str] = &["models/src/generated", "tests/src/generated"];

fn files(entries: &[(&str, &str)]) -> Files {
    entries
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

#[test]
fn writes_new_files_creating_parent_directories() {
    let root = TempRoot::new("writer-new");
    let output = files(&[
        ("models/src/generated/a.rs", "pub struct A;\n"),
        ("models/src/generated/deep/b.rs", "pub struct B;\n"),
        ("api/src/client.rs", "// outside the generated dirs\n"),
    ]);

    let report = ensure_files(root.path(), &output, GENERATED).unwrap();

    assert_eq!(
        report,
        WriteReport {
            written: vec![
                "api/src/client.rs".into(),
                "models/src/generated/a.rs".into(),
                "models/src/generated/deep/b.rs".into(),
            ],
            unchanged: 0,
            removed: vec![],
        }
    );
    assert_eq!(
        root.read("models/src/generated/deep/b.rs"),
        "pub struct B;\n"
    );
    assert_eq!(
        root.read("api/src/client.rs"),
        "// outside the generated dirs\n"
    );
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let root = TempRoot::new("writer-unchanged");
    let output = files(&[
        ("models/src/generated/a.rs", "pub struct A;\n"),
        ("models/src/generated/b.rs", "pub struct B;\n"),
    ]);
    ensure_files(root.path(), &output, GENERATED).unwrap();
    let old_time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for name in ["a", "b"] {
        let path = root.path().join(format!("models/src/generated/{name}.rs"));
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(old_time).unwrap();
    }

    let changed = files(&[
        ("models/src/generated/a.rs", "pub struct A;\n"),
        ("models/src/generated/b.rs", "pub struct B(u8);\n"),
    ]);
    let report = ensure_files(root.path(), &changed, GENERATED).unwrap();

    assert_eq!(report.written, vec!["models/src/generated/b.rs".to_owned()]);
    assert_eq!(report.unchanged, 1);
    let modified = |name: &str| {
        fs::metadata(root.path().join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    assert_eq!(modified("models/src/generated/a.rs"), old_time);
    assert_ne!(modified("models/src/generated/b.rs"), old_time);
    assert_eq!(
        root.read("models/src/generated/b.rs"),
        "pub struct B(u8);\n"
    );
}

#[test]
fn stale_files_in_generated_dirs_are_removed_and_others_kept() {
    let root = TempRoot::new("writer-stale");
    root.write("models/src/generated/old.rs", "pub struct Old;\n");
    root.write("tests/src/generated/nested/old.rs", "// old\n");
    root.write("models/src/lib.rs", "mod generated;\n");
    let output = files(&[("models/src/generated/a.rs", "pub struct A;\n")]);

    let report = ensure_files(root.path(), &output, GENERATED).unwrap();

    assert_eq!(
        report.removed,
        vec![
            "models/src/generated/old.rs".to_owned(),
            "tests/src/generated/nested/old.rs".to_owned(),
        ]
    );
    assert!(!root.exists("models/src/generated/old.rs"));
    assert!(!root.exists("tests/src/generated/nested/old.rs"));
    assert!(
        root.exists("models/src/lib.rs"),
        "outside the generated dirs"
    );
    assert!(root.exists("models/src/generated/a.rs"));
}

/// A version's model crate that no version produces any more leaves no
/// empty directory behind: cargo would take it for a workspace member
/// (`polar-models/generated/*`) without a manifest and refuse to load.
#[test]
fn directories_emptied_by_removal_are_removed_up_to_the_generated_dir() {
    let root = TempRoot::new("writer-empty-dirs");
    root.write("models/src/generated/v1/Cargo.toml", "# old\n");
    root.write("models/src/generated/v1/src/types/a.rs", "// old\n");
    root.write("models/src/generated/v2/src/b.rs", "// old\n");
    let output = files(&[("models/src/generated/v2/src/lib.rs", "// new\n")]);

    ensure_files(root.path(), &output, GENERATED).unwrap();

    assert!(!root.exists("models/src/generated/v1"));
    assert!(root.exists("models/src/generated/v2/src/lib.rs"));
    assert!(!root.exists("models/src/generated/v2/src/b.rs"));
    // The generated directories themselves stay, even when empty.
    assert!(root.exists("models/src/generated"));
    root.write("tests/src/generated/only.rs", "// old\n");
    ensure_files(root.path(), &output, GENERATED).unwrap();
    assert!(root.exists("tests/src/generated"));
}

#[test]
fn crlf_is_normalized() {
    let root = TempRoot::new("writer-crlf");
    let output = files(&[("models/src/generated/a.rs", "line 1\r\nline 2\r\n")]);

    let report = ensure_files(root.path(), &output, GENERATED).unwrap();
    assert_eq!(report.written.len(), 1);
    assert_eq!(root.read("models/src/generated/a.rs"), "line 1\nline 2\n");

    // A checkout with CRLF line endings counts as unchanged.
    root.write("models/src/generated/a.rs", "line 1\r\nline 2\r\n");
    let lf_output = files(&[("models/src/generated/a.rs", "line 1\nline 2\n")]);
    let report = ensure_files(root.path(), &lf_output, GENERATED).unwrap();
    assert_eq!(report.unchanged, 1);
    assert!(report.written.is_empty());
    assert!(compare(root.path(), &lf_output, GENERATED)
        .unwrap()
        .is_fresh());
}

#[test]
fn check_reports_every_kind_of_difference_with_a_diff() {
    let root = TempRoot::new("writer-check");
    root.write("models/src/generated/changed.rs", "pub struct Old;\n");
    root.write("models/src/generated/same.rs", "pub struct Same;\n");
    root.write("tests/src/generated/stale.rs", "// stale\n");
    let output = files(&[
        ("models/src/generated/changed.rs", "pub struct New;\n"),
        ("models/src/generated/missing.rs", "pub struct Missing;\n"),
        ("models/src/generated/same.rs", "pub struct Same;\n"),
    ]);

    let outcome = compare(root.path(), &output, GENERATED).unwrap();

    let CheckOutcome::Stale { changes } = &outcome else {
        panic!("expected differences, got {outcome:?}");
    };
    let kinds: Vec<(&str, ChangeKind)> = changes
        .iter()
        .map(|change| (change.path.as_str(), change.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("models/src/generated/changed.rs", ChangeKind::Update),
            ("models/src/generated/missing.rs", ChangeKind::Create),
            ("tests/src/generated/stale.rs", ChangeKind::Remove),
        ]
    );
    let diff = outcome.diff();
    assert!(
        diff.contains("=== models/src/generated/changed.rs"),
        "{diff}"
    );
    assert!(diff.contains("-pub struct Old;"), "{diff}");
    assert!(diff.contains("+pub struct New;"), "{diff}");
    assert!(diff.contains("+pub struct Missing;"), "{diff}");
    assert!(
        diff.contains("tests/src/generated/stale.rs (no longer generated"),
        "{diff}"
    );

    // Check mode wrote nothing; after a regen the check passes.
    assert_eq!(
        root.read("models/src/generated/changed.rs"),
        "pub struct Old;\n"
    );
    ensure_files(root.path(), &output, GENERATED).unwrap();
    let outcome = compare(root.path(), &output, GENERATED).unwrap();
    assert!(
        matches!(outcome, CheckOutcome::UpToDate { files: 3 }),
        "{outcome:?}"
    );
}

#[test]
fn the_diff_is_cut_to_a_readable_size() {
    let root = TempRoot::new("writer-limits");
    let long: String = (0..500).map(|i| format!("line {i}\n")).collect();
    let mut output = Files::new();
    for i in 0..30 {
        output.insert(format!("models/src/generated/f{i:02}.rs"), long.clone());
    }

    let diff = compare(root.path(), &output, GENERATED).unwrap().diff();

    assert_eq!(diff.matches("=== ").count(), 3, "three files get a diff");
    assert!(diff.contains("... ("), "long diffs are cut: {diff}");
    assert!(diff.contains("27 more files differ:"), "{diff}");
    assert!(diff.contains("  models/src/generated/f03.rs\n"), "{diff}");
    assert!(diff.contains("  ... and 7 more\n"), "{diff}");
    assert!(
        diff.lines().count() < 3 * 65 + 25,
        "{} lines",
        diff.lines().count()
    );
}

#[test]
fn paths_outside_the_workspace_are_refused() {
    let root = TempRoot::new("writer-paths");
    for bad in ["../escape.rs", "/etc/passwd", "a/./b.rs", ""] {
        let output = files(&[(bad, "x")]);
        let error = plan(root.path(), &output, GENERATED).unwrap_err();
        assert!(error.to_string().contains("invalid path"), "{bad}: {error}");
    }
}
