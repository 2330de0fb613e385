//! The committed generated code is what the generator makes of the pinned
//! spec, and the generator is deterministic.
//!
//! These tests need the spec document, which is not committed. They find it
//! as `cargo xtask check` does: `$POLAR_OPENAPI_SPEC` (relative paths start at
//! the workspace root), the cache `spec/cache/openapi.json`, the shared copy
//! `../shared/spec/polar-openapi-{pinned date}.json`, or a download. Without
//! any of them they fail rather than pass silently.

mod common;

use codegen::Settings;
use common::TempRoot;
use xtask::pin::PinFile;
use xtask::{check, regen, resolve_spec, workspace_root, CheckOutcome, ResolvedSpec, PIN_PATH};

/// The pinned spec, found as `cargo xtask check` finds it; panics with
/// what to do when there is none.
fn spec_from_env() -> ResolvedSpec {
    resolve_spec(None).unwrap_or_else(|error| panic!("{error:#}"))
}

#[test]
fn committed_generated_code_is_fresh() {
    let spec = spec_from_env();
    match check(&workspace_root(), &spec) {
        Ok(CheckOutcome::UpToDate { .. }) => {}
        Ok(outcome @ CheckOutcome::Stale { .. }) => panic!(
            "the committed generated code is stale; run `cargo xtask regen`\n\n{}",
            outcome.diff()
        ),
        Err(error) => panic!("{error:#}"),
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = spec_from_env();
    let pin = PinFile::load(&workspace_root().join(PIN_PATH))
        .unwrap_or_else(|error| panic!("{error:#}"))
        .pin;
    let settings = Settings {
        spec_sha256: pin.sha256,
        spec_date: pin.date,
    };

    let first = xtask::generate(&spec, &settings).unwrap_or_else(|error| panic!("{error:#}"));
    let second = xtask::generate(&spec, &settings).unwrap_or_else(|error| panic!("{error:#}"));

    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>(),
        "the two runs produced different file sets"
    );
    for (path, text) in &first {
        assert!(
            second[path] == *text,
            "two runs on the same spec produced different {path}"
        );
    }
}

/// `regen` then `check` on a scratch workspace: the pin moves to the spec,
/// the files are written, a second regen writes nothing, and check passes.
#[test]
fn regen_then_check_agree_on_a_scratch_workspace() {
    let spec = spec_from_env();
    let root = TempRoot::new("fresh-regen");
    let old_sha = "0".repeat(64);
    root.write(
        PIN_PATH,
        format!(
            "# header\nsource_url = \"https://api.polar.sh/openapi.json\"\nsha256 = \"{old_sha}\"\ndate = \"2020-01-01\"\n"
        ),
    );
    // The manifests are hand-written around their generated feature block.
    for manifest in codegen::SPLICED_FILES {
        root.write(
            manifest,
            format!(
                "[package]\nname = \"x\"\n\n[features]\n{}\n{}\n\n[dependencies]\n",
                codegen::emit::features::BLOCK_BEGIN,
                codegen::emit::features::BLOCK_END
            ),
        );
    }
    let stale = format!("{}/stale.rs", codegen::GENERATED_DIRS[0]);
    root.write(&stale, "// stale\n");

    let first = regen(root.path(), &spec, Some("2026-04-16")).unwrap_or_else(|e| panic!("{e:#}"));
    assert_ne!(first.old_pin, first.new_pin);
    assert_eq!(first.new_pin.sha256, spec.sha256);
    assert_eq!(first.report.written.len(), first.generated);
    assert_eq!(first.report.removed.len(), 1);
    assert!(root.read(PIN_PATH).starts_with("# header\n"));
    assert!(first
        .to_string()
        .contains("pin updated: sha256 000000000000… -> "));

    let second = regen(root.path(), &spec, None).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(second.old_pin, second.new_pin);
    assert!(second.report.written.is_empty(), "{second}");
    assert_eq!(second.report.unchanged, second.generated);
    assert!(second.to_string().contains("pin unchanged"));

    let outcome = check(root.path(), &spec).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(outcome.is_fresh(), "{}", outcome.diff());
    // The feature list landed between the markers, the rest untouched.
    let manifest = root.read("polar-api/Cargo.toml");
    assert!(manifest.starts_with("[package]\nname = \"x\"\n\n[features]\n"));
    assert!(manifest.contains("\ncheckouts = [\"polar-models/checkouts\"]\n"));
    assert!(manifest.ends_with("# @generated end\n\n[dependencies]\n"));
}
