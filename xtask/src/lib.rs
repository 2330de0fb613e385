//! Workspace tasks for the Polar SDK: `cargo xtask regen`, `check`, `diff`,
//! `check-specs` and `msrv`.
//!
//! One module per job:
//!
//! - [`cli`] — the command line;
//! - [`pin`] — one `spec/versions/<version>.toml`; [`pins`] — the set of
//!   pinned versions and its lifecycle rules;
//! - [`spec_source`] — where a version's OpenAPI document comes from;
//! - [`versions`] — every version's document, parsed, and the generator run
//!   on all of them;
//! - [`write`](mod@write) — comparing generated files with the disk, and writing them;
//! - [`diff`] — readable diffs of what differs;
//! - [`regen`](mod@regen) and [`check`](mod@check) — the two commands;
//! - [`changelog`] — `cargo xtask diff`, and the changelog regen prints;
//! - [`check_specs`] — `cargo xtask check-specs`, type-checking the SDK
//!   generated from every document in a directory;
//! - [`msrv`] — `cargo xtask msrv`, dependencies against `rust-version`;
//! - [`date`] — `YYYY-MM-DD` dates and version names.

pub mod changelog;
pub mod check;
pub mod check_specs;
pub mod cli;
pub mod date;
pub mod diff;
pub mod msrv;
pub mod pin;
pub mod pins;
pub mod regen;
pub mod spec_source;
pub mod versions;
pub mod write;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

pub use check::{check, CheckOutcome};
pub use cli::Command;
pub use regen::{regen, Action, RegenOutcome};
pub use spec_source::{ResolvedSpec, Sources};

/// The workspace root, found at run time (one xtask binary may serve several
/// checkouts that share a `CARGO_TARGET_DIR`): see [`find_root`].
pub fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    find_root(manifest_dir.as_deref(), &cwd).with_context(|| {
        format!(
            "cannot find the workspace root: CARGO_MANIFEST_DIR is {} and no directory from {} \
             up has a Cargo.toml with [workspace]; run `cargo xtask` inside the checkout",
            manifest_dir
                .as_deref()
                .map_or("not set".to_owned(), |dir| format!("{}", dir.display())),
            cwd.display()
        )
    })
}

/// The workspace root: the first directory with a `Cargo.toml` holding a
/// `[workspace]` table, going up from `manifest_dir_env` (the run-time
/// `CARGO_MANIFEST_DIR`, which `cargo run` and `cargo test` set to xtask's
/// directory, so this is its parent), else from `cwd`.
pub fn find_root(manifest_dir_env: Option<&Path>, cwd: &Path) -> Option<PathBuf> {
    let from = |start: &Path| {
        start
            .ancestors()
            .find(|dir| is_workspace_manifest(&dir.join("Cargo.toml")))
            .map(Path::to_path_buf)
    };
    manifest_dir_env.and_then(from).or_else(|| from(cwd))
}

fn is_workspace_manifest(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| {
        text.lines()
            .map(str::trim)
            .any(|line| line == "[workspace]" || line.starts_with("[workspace."))
    })
}

/// Run a command, printing its report to stdout.
pub fn run(command: Command) -> Result<()> {
    if command == Command::Help {
        print!("{}", cli::usage());
        return Ok(());
    }
    let root = workspace_root()?;
    let spec_dir = spec_source::spec_dir_env()?;
    let sources = Sources {
        root: &root,
        spec_dir: spec_dir.as_deref(),
    };
    match command {
        Command::Help => unreachable!("handled above"),
        Command::Regen(action) => {
            let started = Instant::now();
            let outcome = regen(&root, &sources, &action)?;
            print!("{outcome}");
            println!(
                "regen finished in {}",
                check_specs::human(started.elapsed())
            );
            Ok(())
        }
        Command::Check => run_check(&sources),
        Command::Diff { old, new, format } => {
            print!("{}", changelog::diff_command(&old, &new, format)?);
            Ok(())
        }
        Command::CheckSpecs { dir } => check_specs::run(&root, Path::new(&dir)),
        Command::Msrv => msrv::run(&root),
    }
}

fn run_check(sources: &Sources<'_>) -> Result<()> {
    let (outcome, docs) = check(sources.root, sources)?;
    let versions: Vec<String> = docs
        .iter()
        .map(|doc| {
            format!(
                "{} sha256 {}… from {}",
                doc.pin.label(),
                pins::prefix(&doc.pin.sha256),
                doc.spec.describe()
            )
        })
        .collect();
    match outcome {
        CheckOutcome::UpToDate { files } => {
            println!("generated code is up to date ({files} files)");
            for version in versions {
                println!("  {version}");
            }
            Ok(())
        }
        CheckOutcome::Stale { .. } => {
            print!("{}", outcome.diff());
            bail!(
                "generated code is stale: {} for the pinned versions {}; run `cargo xtask regen`",
                outcome.summary(),
                pins::labels(&docs.iter().map(|d| d.pin.clone()).collect::<Vec<_>>())
            )
        }
    }
}
