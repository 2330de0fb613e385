//! Workspace tasks for the Polar SDK: `cargo xtask regen`, `check`, `diff`
//! and `check-specs`.
//!
//! One module per job:
//!
//! - [`cli`] — the command line;
//! - [`spec_source`] — where the OpenAPI document comes from;
//! - [`pin`] — `spec/pin.toml`, the hash and date of the pinned document;
//! - [`write`](mod@write) — comparing generated files with the disk, and writing them;
//! - [`diff`] — readable diffs of what differs;
//! - [`regen`](mod@regen) and [`check`](mod@check) — the two commands;
//! - [`changelog`] — `cargo xtask diff`, and the changelog regen prints;
//! - [`check_specs`] — `cargo xtask check-specs`, building the SDK from
//!   every spec in a directory;
//! - [`msrv`] — `cargo xtask msrv`, dependencies against `rust-version`;
//! - [`date`] — `YYYY-MM-DD` dates.

pub mod changelog;
pub mod check;
pub mod check_specs;
pub mod cli;
pub mod date;
pub mod diff;
pub mod msrv;
pub mod pin;
pub mod regen;
pub mod spec_source;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use codegen::{Files, Settings};

pub use check::{check, CheckOutcome};
pub use cli::Command;
pub use regen::{regen, RegenOutcome};
pub use spec_source::{ResolvedSpec, SpecInputs};

/// The workspace-relative path of the pin file.
pub const PIN_PATH: &str = "spec/pin.toml";

/// The workspace root: the directory above this crate.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("xtask lives one directory below the workspace root")
        .to_path_buf()
}

/// Find the spec (see [`spec_source`] for the order), reading
/// `$POLAR_OPENAPI_SPEC` and the pin of the real workspace.
pub fn resolve_spec(explicit: Option<&str>) -> Result<ResolvedSpec> {
    let root = workspace_root();
    let env = spec_env()?;
    let pin = pin::PinFile::load(&root.join(PIN_PATH))?;
    spec_source::resolve(&SpecInputs {
        explicit,
        env: env.as_deref(),
        root: &root,
        source_url: Some(&pin.pin.source_url),
        pinned_date: Some(&pin.pin.date),
    })
}

/// The value of `$POLAR_OPENAPI_SPEC`, if set.
pub fn spec_env() -> Result<Option<String>> {
    match std::env::var_os(spec_source::SPEC_ENV) {
        None => Ok(None),
        Some(value) => value
            .into_string()
            .map(Some)
            .map_err(|_| anyhow!("{} is not valid UTF-8", spec_source::SPEC_ENV)),
    }
}

/// Run the generator on `spec`; its errors name the spec.
pub fn generate(spec: &ResolvedSpec, settings: &Settings) -> Result<Files> {
    codegen::generate(&spec.text, settings)
        .map_err(|error| anyhow!("the generator failed on {}: {error}", spec.describe()))
}

/// Run a command, printing its report to stdout.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Help => {
            print!("{}", cli::usage());
            Ok(())
        }
        Command::Regen { spec, date } => run_regen(spec.as_deref(), date.as_deref()),
        Command::Check { spec } => run_check(spec.as_deref()),
        Command::Diff { old, new, format } => {
            print!("{}", changelog::diff_command(&old, &new, format)?);
            Ok(())
        }
        Command::CheckSpecs { dir } => check_specs::run(&workspace_root(), Path::new(&dir)),
        Command::Msrv => msrv::run(),
    }
}

fn run_regen(spec: Option<&str>, date: Option<&str>) -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    let spec = resolve_spec(spec)?;
    // Found before regen runs: regen may overwrite the cache with `spec`.
    let old_pin = pin::PinFile::load(&root.join(PIN_PATH))?.pin;
    let previous =
        (spec.sha256 != old_pin.sha256).then(|| changelog::pinned_document(&root, &old_pin));
    let outcome = regen(&root, &spec, date)?;
    print!("{outcome}");
    if let Some(previous) = previous {
        print!("{}", changelog::regen_report(previous, &old_pin, &spec));
    }
    println!("regen finished in {:.2?}", started.elapsed());
    Ok(())
}

fn run_check(spec: Option<&str>) -> Result<()> {
    let spec = resolve_spec(spec)?;
    match check(&workspace_root(), &spec)? {
        CheckOutcome::UpToDate { files } => {
            println!(
                "generated code is up to date ({files} files, spec sha256 {})",
                spec.sha256
            );
            Ok(())
        }
        outcome @ CheckOutcome::Stale { .. } => {
            print!("{}", outcome.diff());
            bail!("{}", stale_message(&outcome, &spec))
        }
    }
}

/// `generated code is stale: N files differ; run `cargo xtask regen``.
fn stale_message(outcome: &CheckOutcome, spec: &ResolvedSpec) -> String {
    let count = match outcome {
        CheckOutcome::Stale { changes } => changes.len(),
        CheckOutcome::UpToDate { .. } => 0,
    };
    let differ = if count == 1 {
        "1 file differs".to_owned()
    } else {
        format!("{count} files differ")
    };
    let regen = match spec.source {
        spec_source::Source::Flag => format!("cargo xtask regen --spec {}", spec.location),
        _ => "cargo xtask regen".to_owned(),
    };
    format!("generated code is stale: {differ}; run `{regen}`")
}
