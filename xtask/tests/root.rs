//! The workspace root is found at run time, not baked in at compile time:
//! two checkouts sharing a `CARGO_TARGET_DIR` share one xtask binary, and
//! each run must act on the checkout it was started from.

mod common;

use std::process::Command;

use common::TempRoot;
use xtask::find_root;

const WORKSPACE: &str = "[workspace]\nmembers = [\"xtask\"]\n";
const PACKAGE: &str = "[package]\nname = \"xtask\"\n";

#[test]
fn the_run_time_manifest_dir_names_the_root() {
    let tmp = TempRoot::new("root-env");
    tmp.write("a/Cargo.toml", WORKSPACE);
    tmp.write("a/xtask/Cargo.toml", PACKAGE);
    tmp.write("b/Cargo.toml", WORKSPACE);
    tmp.write("b/xtask/Cargo.toml", PACKAGE);

    let root = find_root(
        Some(&tmp.path().join("a/xtask")),
        &tmp.path().join("b/xtask"),
    );

    assert_eq!(root, Some(tmp.path().join("a")));
}

#[test]
fn without_it_the_root_is_the_first_workspace_above_the_current_dir() {
    let tmp = TempRoot::new("root-cwd");
    tmp.write("b/Cargo.toml", WORKSPACE);
    tmp.write("b/xtask/Cargo.toml", PACKAGE);
    std::fs::create_dir_all(tmp.path().join("b/xtask/src/deep")).unwrap();

    let root = find_root(None, &tmp.path().join("b/xtask/src/deep"));

    assert_eq!(root, Some(tmp.path().join("b")));
}

#[test]
fn a_manifest_dir_outside_any_workspace_falls_back_to_the_current_dir() {
    let tmp = TempRoot::new("root-fallback");
    tmp.write("loose/Cargo.toml", PACKAGE);
    tmp.write("b/Cargo.toml", "[workspace.package]\nedition = \"2021\"\n");

    assert_eq!(
        find_root(Some(&tmp.path().join("loose")), &tmp.path().join("b")),
        Some(tmp.path().join("b"))
    );
}

#[test]
fn the_binary_acts_on_the_checkout_it_runs_in() {
    // A second "checkout" with no pins: `check` there must say so about
    // that checkout, not check the workspace the binary was built from.
    let tmp = TempRoot::new("root-binary");
    tmp.write("other/Cargo.toml", WORKSPACE);
    tmp.write("other/xtask/Cargo.toml", PACKAGE);
    let other = tmp.path().join("other");

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("check")
        .current_dir(&other)
        .env("CARGO_MANIFEST_DIR", other.join("xtask"))
        .env_remove("POLAR_SPEC_DIR")
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("no pinned API versions"), "{stderr}");
    assert!(
        stderr.contains(&other.join("spec/versions").display().to_string()),
        "{stderr}"
    );
}
