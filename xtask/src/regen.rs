//! `cargo xtask regen`: regenerate every pinned version, and the pin edits
//! that go with it (refresh a version's document, add or remove a version,
//! change a lifecycle).
//!
//! Every action regenerates every version: the crates hold them side by
//! side and the migration guides compare neighbours. Nothing is written
//! until the generator has run on the new set; the pins are written after
//! the generated files, so a failure leaves both as they were.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use codegen::GENERATED_DIRS;

use crate::changelog;
use crate::diff::path_list;
use crate::pin::{Lifecycle, Pin};
use crate::pins::{self, pin_path, PinChange, Pins};
use crate::spec_source::{self, ResolvedSpec, Sources};
use crate::versions::{self, VersionDoc, VersionStats};
use crate::write::{self, WriteReport};
use crate::{check_specs::human, date};

/// Paths listed per category before "... and N more".
const LISTED_PATHS: usize = 20;

/// What `regen` is asked to do besides regenerating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Regenerate every pinned version from its pinned document.
    All,
    /// Edit one version's pin: a new document, date, copy note or lifecycle.
    Update(Update),
    /// Pin a new version.
    Add(Add),
    /// Remove a version's pin (and so its generated code).
    Remove {
        /// The version.
        version: String,
    },
}

/// `regen --version V ...`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Update {
    pub version: String,
    /// `--spec`: the version's new document.
    pub spec: Option<String>,
    /// `--date`: when the copy was taken.
    pub date: Option<String>,
    /// `--copy`: which copy it is.
    pub copy: Option<String>,
    /// `--lifecycle`.
    pub lifecycle: Option<Lifecycle>,
    /// `--old-current`: what the previously current version becomes.
    pub old_current: Option<Lifecycle>,
}

/// `regen --add V ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Add {
    pub version: String,
    /// `--spec`; by default Polar's published document of the version.
    pub spec: Option<String>,
    /// `--lifecycle`, `next` by default.
    pub lifecycle: Lifecycle,
    pub date: Option<String>,
    pub copy: Option<String>,
    pub old_current: Option<Lifecycle>,
}

/// One version of the regenerated set.
#[derive(Debug, Clone)]
pub struct VersionReport {
    pub pin: Pin,
    /// Where its document came from.
    pub spec: String,
    pub stats: VersionStats,
}

/// What [`regen`] did.
#[derive(Debug, Clone)]
pub struct RegenOutcome {
    /// Every version now pinned, sorted.
    pub versions: Vec<VersionReport>,
    /// The pin files that changed.
    pub pin_changes: Vec<PinChange>,
    /// How many files the generator produced.
    pub generated: usize,
    /// What was written and removed.
    pub report: WriteReport,
    /// How long the generator took.
    pub generation_time: Duration,
    /// The changelog of a version whose document changed (or why there is
    /// none).
    pub changelog: Option<String>,
}

/// Carry out `action` on the workspace at `root`, regenerating every version.
pub fn regen(root: &Path, sources: &Sources<'_>, action: &Action) -> Result<RegenOutcome> {
    let old = Pins::load(root)?;
    let plan = plan(&old, sources, action)?;
    let overlay = versions::load_overlay(root)?;
    let docs = plan
        .pins
        .iter()
        .map(|pin| match &plan.explicit {
            Some(spec) if plan.explicit_version == pin.version => {
                VersionDoc::with_overlay(pin.clone(), spec.clone(), &overlay)
            }
            _ => {
                let spec = spec_source::resolve(sources, pin, None)?;
                versions::ensure_pinned(&spec, pin)?;
                VersionDoc::with_overlay(pin.clone(), spec, &overlay)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let outcome = write_all(root, &old, &docs)?;
    if let Some(spec) = &plan.explicit {
        // Later runs (check, the tests) find the newly pinned document offline.
        spec_source::save_to_cache(root, &plan.explicit_version, spec.text.as_bytes())?;
    }
    let changelog = plan.previous.map(|(old_pin, previous)| {
        let new = plan
            .explicit
            .as_ref()
            .expect("a changelog follows a new document");
        changelog::regen_report(previous, &old_pin, new)
    });
    Ok(RegenOutcome {
        changelog,
        ..outcome
    })
}

/// Generate `docs`, write the files under `root`, then make the pins of
/// `old` say what `docs` pin. The changelog is left empty.
pub fn write_all(root: &Path, old: &Pins, docs: &[VersionDoc]) -> Result<RegenOutcome> {
    let started = Instant::now();
    let files = versions::generate(docs)?;
    let generation_time = started.elapsed();
    let versions = docs
        .iter()
        .zip(versions::stats(docs)?)
        .map(|(doc, stats)| VersionReport {
            pin: doc.pin.clone(),
            spec: doc.spec.describe(),
            stats,
        })
        .collect();
    let report = write::ensure_files(root, &files, GENERATED_DIRS)?;
    let new: Vec<Pin> = docs.iter().map(|doc| doc.pin.clone()).collect();
    let pin_changes = old.save(&new)?;
    Ok(RegenOutcome {
        versions,
        pin_changes,
        generated: files.len(),
        report,
        generation_time,
        changelog: None,
    })
}

/// The new pin set, and the one document named on the command line.
struct Plan {
    pins: Vec<Pin>,
    explicit_version: String,
    explicit: Option<ResolvedSpec>,
    /// For a version whose document changed: its old pin and its old
    /// document (found before anything is written), or why it is missing.
    previous: Option<(Pin, Result<ResolvedSpec, String>)>,
}

fn plan(old: &Pins, sources: &Sources<'_>, action: &Action) -> Result<Plan> {
    let mut plan = Plan {
        pins: old.list(),
        explicit_version: String::new(),
        explicit: None,
        previous: None,
    };
    match action {
        Action::All => old.require_any()?,
        Action::Remove { version } => {
            let pin = old.require(version)?;
            if old.files.len() == 1 {
                bail!("{version} is the only pinned version; add another before removing it");
            }
            if pin.lifecycle == Lifecycle::Current {
                bail!(
                    "{version} is the current version; make another version current first \
                     (`cargo xtask regen --version V --lifecycle current --old-current next`)"
                );
            }
            plan.pins.retain(|pin| pin.version != *version);
        }
        Action::Update(update) => {
            let version = &update.version;
            let old_pin = old.require(version)?.clone();
            let index = plan.pins.iter().position(|p| p.version == *version);
            let pin = &mut plan.pins[index.expect("required above")];
            if let Some(spec) = &update.spec {
                let spec = spec_source::load_named(spec)?;
                let moved = spec.sha256 != old_pin.sha256;
                if moved {
                    let previous = changelog::pinned_document(sources, &old_pin)?;
                    plan.previous = Some((old_pin.clone(), previous));
                    pin.sha256 = spec.sha256.clone();
                    pin.date = update.date.clone().unwrap_or_else(|| default_date(&spec));
                    pin.copy = update
                        .copy
                        .clone()
                        .unwrap_or_else(|| default_copy(&spec, &pin.date));
                }
                plan.explicit_version = version.clone();
                plan.explicit = Some(spec);
            }
            if let Some(date) = &update.date {
                pin.date = date.clone();
            }
            if let Some(copy) = &update.copy {
                pin.copy = copy.clone();
            }
            if let Some(lifecycle) = update.lifecycle {
                pins::set_lifecycle(&mut plan.pins, version, lifecycle, update.old_current)?;
            }
        }
        Action::Add(add) => {
            let version = &add.version;
            if old.get(version).is_some() {
                bail!(
                    "version {version} is already pinned ({}); to give it another document: \
                     `cargo xtask regen --version {version} --spec PATH|URL`",
                    pin_path(version)
                );
            }
            let source_url = spec_source::published_url(version);
            let spec = match &add.spec {
                Some(spec) => spec_source::load_named(spec)?,
                None => spec_source::load_url(&source_url)?,
            };
            let date = add.date.clone().unwrap_or_else(|| default_date(&spec));
            let copy = add
                .copy
                .clone()
                .unwrap_or_else(|| default_copy(&spec, &date));
            plan.pins.push(Pin {
                version: version.clone(),
                // Set below, with the checks that moving "current" needs.
                lifecycle: Lifecycle::Next,
                source_url,
                sha256: spec.sha256.clone(),
                date,
                copy,
            });
            plan.pins.sort_by(|a, b| a.version.cmp(&b.version));
            pins::set_lifecycle(&mut plan.pins, version, add.lifecycle, add.old_current)?;
            plan.explicit_version = version.clone();
            plan.explicit = Some(spec);
        }
    }
    pins::validate_set(&plan.pins)?;
    Ok(plan)
}

/// The date of a new copy: today (UTC) for a download, else the date in
/// its file name, else today.
fn default_date(spec: &ResolvedSpec) -> String {
    match spec.downloaded {
        true => date::today_utc(),
        false => spec.date_from_name().unwrap_or_else(date::today_utc),
    }
}

/// The copy note of a new document when `--copy` is not given.
fn default_copy(spec: &ResolvedSpec, date: &str) -> String {
    let text = if spec.downloaded {
        format!("what {} served on {date}", spec.location)
    } else {
        format!(
            "the file {} given to `cargo xtask regen` on {}",
            spec.file_name(),
            date::today_utc()
        )
    };
    // A pin value sits between double quotes on one line.
    text.replace(['"', '\\', '\n', '\r'], " ")
}

impl fmt::Display for RegenOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = [
            "version",
            "lifecycle",
            "operations",
            "schemas",
            "unreachable skipped",
            "webhooks",
            "types shared",
            "document",
        ]
        .map(String::from);
        let rows: Vec<[String; 8]> = self
            .versions
            .iter()
            .map(|v| {
                [
                    v.pin.version.clone(),
                    v.pin.lifecycle.to_string(),
                    match v.stats.overlay_operations {
                        0 => v.stats.operations.to_string(),
                        n => format!("{} ({n} from the overlay)", v.stats.operations),
                    },
                    v.stats.schemas.to_string(),
                    v.stats.skipped.to_string(),
                    v.stats.webhooks.to_string(),
                    format!("{} of {}", v.stats.shared, v.stats.types),
                    format!("{}, sha256 {}…", v.spec, pins::prefix(&v.pin.sha256)),
                ]
            })
            .collect();
        f.write_str(&table(&header, &rows))?;
        if self.pin_changes.is_empty() {
            writeln!(f, "pins unchanged")?;
        }
        for change in &self.pin_changes {
            writeln!(f, "{change}")?;
        }
        let report = &self.report;
        writeln!(
            f,
            "generated {} files in {}: {} written, {} unchanged, {} removed",
            self.generated,
            human(self.generation_time),
            report.written.len(),
            report.unchanged,
            report.removed.len()
        )?;
        write_paths(f, "written", &report.written)?;
        write_paths(f, "removed", &report.removed)?;
        if let Some(changelog) = &self.changelog {
            f.write_str(changelog)?;
        }
        Ok(())
    }
}

/// Left-aligned columns, two spaces apart.
pub fn table<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in std::iter::once(header).chain(rows) {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn write_paths(f: &mut fmt::Formatter<'_>, label: &str, paths: &[String]) -> fmt::Result {
    if paths.is_empty() {
        return Ok(());
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    write!(f, "{label}:\n{}", path_list(&paths, LISTED_PATHS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_source::Source;

    fn spec(bytes: &[u8], location: &str, downloaded: bool) -> ResolvedSpec {
        ResolvedSpec::from_bytes(bytes.to_vec(), Source::Flag, location.into(), downloaded).unwrap()
    }

    #[test]
    fn a_new_document_is_dated_by_its_file_name_else_today() {
        assert_eq!(
            default_date(&spec(
                b"x",
                "../shared/spec/versions/2026-10/2026-08-20.docs.json",
                false
            )),
            "2026-08-20"
        );
        assert_eq!(
            default_date(&spec(b"x", "openapi.json", false)),
            date::today_utc()
        );
        let url = "https://api.polar.sh/2026-10/openapi.json";
        assert_eq!(default_date(&spec(b"x", url, true)), date::today_utc());
    }

    #[test]
    fn the_default_copy_note_says_where_the_document_came_from() {
        let url = "https://api.polar.sh/2027-01/openapi.json";
        assert_eq!(
            default_copy(&spec(b"x", url, true), "2026-12-01"),
            format!("what {url} served on 2026-12-01")
        );
        let note = default_copy(&spec(b"x", "dir/a\"b.json", false), "2026-12-01");
        assert!(note.starts_with("the file a b.json given to"), "{note}");
    }

    #[test]
    fn tables_align() {
        let header = ["a", "bbb"].map(String::from);
        let rows = [["long".to_owned(), "x".to_owned()]];
        assert_eq!(table(&header, &rows), "a     bbb\nlong  x\n");
    }
}
