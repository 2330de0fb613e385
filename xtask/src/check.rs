//! `cargo xtask check`: does every pinned version's document match its pin,
//! and is the committed generated code (every version's modules, the
//! manifests' feature blocks, the migration guides) what the generator
//! makes of them?

use std::path::Path;

use anyhow::Result;
use codegen::{Files, GENERATED_DIRS};

use crate::diff::{self, Limits};
use crate::pins::Pins;
use crate::spec_source::Sources;
use crate::versions::{self, VersionDoc};
use crate::write::{self, Change};

/// The result of comparing generated code with the disk.
#[derive(Debug, Clone)]
pub enum CheckOutcome {
    /// Every generated file matches the disk, and no stale file is left.
    UpToDate {
        /// How many files the generator produced.
        files: usize,
    },
    /// Some files differ.
    Stale {
        /// The differences, sorted by path.
        changes: Vec<Change>,
    },
}

impl CheckOutcome {
    /// Whether the disk matches the generator's output.
    pub fn is_fresh(&self) -> bool {
        matches!(self, CheckOutcome::UpToDate { .. })
    }

    /// Diffs of the first few differences (empty when up to date).
    pub fn diff(&self) -> String {
        match self {
            CheckOutcome::UpToDate { .. } => String::new(),
            CheckOutcome::Stale { changes } => diff::render(changes, Limits::default()),
        }
    }

    /// `1 file differs` / `N files differ` / `up to date`.
    pub fn summary(&self) -> String {
        match self {
            CheckOutcome::UpToDate { .. } => "up to date".to_owned(),
            CheckOutcome::Stale { changes } if changes.len() == 1 => "1 file differs".to_owned(),
            CheckOutcome::Stale { changes } => format!("{} files differ", changes.len()),
        }
    }
}

/// Find every pinned version's document (each must have the pinned hash),
/// generate in memory, and compare with the files under `root`. Returns the
/// documents too, for the report.
pub fn check(root: &Path, sources: &Sources<'_>) -> Result<(CheckOutcome, Vec<VersionDoc>)> {
    let pins = Pins::load(root)?;
    pins.require_any()?;
    let overlay = versions::load_overlay(root)?;
    let docs = versions::load_pinned(sources, &pins.list(), &overlay)?;
    let files = versions::generate(&docs)?;
    Ok((compare(root, &files, GENERATED_DIRS)?, docs))
}

/// Compare `files` with the disk under `root`; files in `generated_dirs` that
/// `files` lacks count as differences.
pub fn compare(root: &Path, files: &Files, generated_dirs: &[&str]) -> Result<CheckOutcome> {
    let plan = write::plan(root, files, generated_dirs)?;
    Ok(if plan.changes.is_empty() {
        CheckOutcome::UpToDate { files: files.len() }
    } else {
        CheckOutcome::Stale {
            changes: plan.changes,
        }
    })
}
