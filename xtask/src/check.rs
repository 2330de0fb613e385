//! `cargo xtask check`: is the spec the pinned one, and is the committed
//! generated code what the generator makes of it?

use std::path::Path;

use anyhow::{bail, Result};
use codegen::{Files, Settings, GENERATED_DIRS};

use crate::diff::{self, Limits};
use crate::pin::{Pin, PinFile};
use crate::spec_source::{ResolvedSpec, Source, CACHE_PATH};
use crate::write::{self, Change};
use crate::{generate, PIN_PATH};

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
}

/// Fail unless `spec` is the pinned spec; then generate from it and compare
/// the result with the files under `root`.
pub fn check(root: &Path, spec: &ResolvedSpec) -> Result<CheckOutcome> {
    let pin = PinFile::load(&root.join(PIN_PATH))?.pin;
    ensure_pinned(spec, &pin)?;
    let settings = Settings {
        spec_sha256: pin.sha256,
        spec_date: pin.date,
    };
    let files = generate(spec, &settings)?;
    compare(root, &files, GENERATED_DIRS)
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

/// An error saying how to fix it unless `spec` has the pinned hash.
pub fn ensure_pinned(spec: &ResolvedSpec, pin: &Pin) -> Result<()> {
    if spec.sha256 == pin.sha256 {
        return Ok(());
    }
    let (found, pinned) = (&spec.sha256, &pin.sha256);
    match spec.source {
        Source::PinnedUrl => bail!(
            "the document at {} (the pin's source_url) has changed since it was pinned: \
             it has sha256 {found} but {PIN_PATH} pins {pinned}; run `cargo xtask regen` \
             to move the pin (the new document was saved to {CACHE_PATH}), \
             or pass --spec with the pinned document",
            spec.location
        ),
        Source::Cache => bail!(
            "the spec at {CACHE_PATH} has sha256 {found} but {PIN_PATH} pins {pinned}; \
             run `cargo xtask regen --spec {CACHE_PATH}` to move the pin, or, if the cache \
             is out of date, delete it or pass --spec with the pinned document"
        ),
        Source::Flag | Source::Env | Source::SharedCopy => bail!(
            "the spec at {} has sha256 {found} but {PIN_PATH} pins {pinned}; \
             run `cargo xtask regen --spec {}` to move the pin",
            spec.location,
            spec.location
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_source::sha256_hex;

    fn pin() -> Pin {
        Pin {
            source_url: "https://api.polar.sh/openapi.json".into(),
            sha256: sha256_hex(b"pinned"),
            date: "2026-04-16".into(),
        }
    }

    fn spec(bytes: &[u8], source: Source, location: &str) -> ResolvedSpec {
        ResolvedSpec::from_bytes(bytes.to_vec(), source, location.into(), false).unwrap()
    }

    #[test]
    fn the_pinned_document_passes() {
        let spec = spec(b"pinned", Source::Flag, "a.json");
        assert!(ensure_pinned(&spec, &pin()).is_ok());
    }

    #[test]
    fn another_document_fails_with_the_fix() {
        let spec = spec(b"other", Source::Flag, "b.json");
        let message = ensure_pinned(&spec, &pin()).unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "the spec at b.json has sha256 {} but spec/pin.toml pins {}; \
                 run `cargo xtask regen --spec b.json` to move the pin",
                spec.sha256,
                pin().sha256
            )
        );
    }

    #[test]
    fn a_stale_cache_is_named_as_such() {
        let spec = spec(b"other", Source::Cache, CACHE_PATH);
        let message = ensure_pinned(&spec, &pin()).unwrap_err().to_string();
        assert!(message.contains("if the cache is out of date"), "{message}");
    }
}
