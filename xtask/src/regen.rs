//! `cargo xtask regen`: move the pin to the spec and rewrite the generated code.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use codegen::{Settings, GENERATED_DIRS};

use crate::diff::path_list;
use crate::pin::{Pin, PinFile};
use crate::spec_source::{self, ResolvedSpec, Source};
use crate::write::{self, WriteReport};
use crate::{date, generate, PIN_PATH};

/// Paths listed per category before "... and N more".
const LISTED_PATHS: usize = 20;

/// What [`regen`] did.
#[derive(Debug, Clone)]
pub struct RegenOutcome {
    /// Where the spec came from.
    pub spec: String,
    /// The pin before regen.
    pub old_pin: Pin,
    /// The pin after regen (equal to `old_pin` if unchanged).
    pub new_pin: Pin,
    /// How many files the generator produced.
    pub generated: usize,
    /// What was written and removed.
    pub report: WriteReport,
    /// How long the generator took.
    pub generation_time: Duration,
}

/// Generate code from `spec`, write it under `root`, and, if the spec is not
/// the pinned one (or `date` differs from the pinned date), update
/// `spec/pin.toml`.
///
/// The pin is only written after the generated files, so a generator failure
/// leaves both untouched. A document downloaded from an explicit URL is saved
/// to the cache, so later runs find the newly pinned document offline.
pub fn regen(root: &Path, spec: &ResolvedSpec, date: Option<&str>) -> Result<RegenOutcome> {
    let pin_file = PinFile::load(&root.join(PIN_PATH))?;
    let new_pin = next_pin(&pin_file.pin, spec, date);
    let settings = Settings {
        spec_sha256: new_pin.sha256.clone(),
        spec_date: new_pin.date.clone(),
    };
    let started = Instant::now();
    let files = generate(spec, &settings)?;
    let generation_time = started.elapsed();
    let report = write::ensure_files(root, &files, GENERATED_DIRS)?;
    if new_pin != pin_file.pin {
        pin_file.save(&new_pin)?;
    }
    if spec.downloaded && spec.source != Source::PinnedUrl {
        spec_source::save_to_cache(root, spec.text.as_bytes())?;
    }
    Ok(RegenOutcome {
        spec: spec.describe(),
        old_pin: pin_file.pin,
        new_pin,
        generated: files.len(),
        report,
        generation_time,
    })
}

/// The pin for `spec`: its hash; the date from `date`, else (if the hash
/// changed) from the file name or today; the URL it was downloaded from if
/// the user named one.
pub fn next_pin(old: &Pin, spec: &ResolvedSpec, date: Option<&str>) -> Pin {
    let date = match date {
        Some(date) => date.to_owned(),
        None if spec.sha256 != old.sha256 => spec.date_from_name().unwrap_or_else(date::today_utc),
        None => old.date.clone(),
    };
    let named_url = spec.downloaded && matches!(spec.source, Source::Flag | Source::Env);
    let source_url = if named_url {
        spec.location.clone()
    } else {
        old.source_url.clone()
    };
    Pin {
        source_url,
        sha256: spec.sha256.clone(),
        date,
    }
}

impl fmt::Display for RegenOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "spec: {}, sha256 {}", self.spec, self.new_pin.sha256)?;
        if self.old_pin == self.new_pin {
            writeln!(f, "pin unchanged")?;
        } else {
            writeln!(
                f,
                "pin updated: {}",
                pin_change(&self.old_pin, &self.new_pin)
            )?;
        }
        writeln!(
            f,
            "generated {} files in {:.2?}",
            self.generated, self.generation_time
        )?;
        let report = &self.report;
        writeln!(
            f,
            "{} written, {} unchanged, {} removed",
            report.written.len(),
            report.unchanged,
            report.removed.len()
        )?;
        write_paths(f, "written", &report.written)?;
        write_paths(f, "removed", &report.removed)
    }
}

fn write_paths(f: &mut fmt::Formatter<'_>, label: &str, paths: &[String]) -> fmt::Result {
    if paths.is_empty() {
        return Ok(());
    }
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    write!(f, "{label}:\n{}", path_list(&paths, LISTED_PATHS))
}

/// The fields that changed, e.g. `sha256 3e9e18ac3e6b… -> 0c1d2e3f4a5b…, date
/// 2026-04-16 -> 2026-05-01`.
fn pin_change(old: &Pin, new: &Pin) -> String {
    let fields = [
        ("sha256", &old.sha256, &new.sha256),
        ("date", &old.date, &new.date),
        ("source_url", &old.source_url, &new.source_url),
    ];
    fields
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(name, old, new)| match *name {
            "sha256" => format!("{name} {}… -> {}…", prefix(old), prefix(new)),
            _ => format!("{name} {old} -> {new}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn prefix(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin() -> Pin {
        Pin {
            source_url: "https://api.polar.sh/openapi.json".into(),
            sha256: crate::spec_source::sha256_hex(b"old"),
            date: "2026-04-16".into(),
        }
    }

    fn spec(bytes: &[u8], source: Source, location: &str, downloaded: bool) -> ResolvedSpec {
        ResolvedSpec::from_bytes(bytes.to_vec(), source, location.into(), downloaded).unwrap()
    }

    #[test]
    fn same_document_keeps_the_pin() {
        let spec = spec(b"old", Source::Cache, "spec/cache/openapi.json", false);
        assert_eq!(next_pin(&pin(), &spec, None), pin());
    }

    #[test]
    fn new_document_takes_the_date_from_its_file_name() {
        let spec = spec(
            b"new",
            Source::Flag,
            "x/polar-openapi-2026-05-01.json",
            false,
        );
        let next = next_pin(&pin(), &spec, None);
        assert_eq!(next.sha256, spec.sha256);
        assert_eq!(next.date, "2026-05-01");
        assert_eq!(next.source_url, pin().source_url);
    }

    #[test]
    fn new_document_without_a_dated_name_is_dated_today() {
        let spec = spec(b"new", Source::Env, "openapi.json", false);
        assert_eq!(next_pin(&pin(), &spec, None).date, date::today_utc());
    }

    #[test]
    fn explicit_date_wins() {
        let spec = spec(b"new", Source::Flag, "polar-openapi-2026-05-01.json", false);
        assert_eq!(
            next_pin(&pin(), &spec, Some("2026-05-02")).date,
            "2026-05-02"
        );
    }

    #[test]
    fn a_named_url_becomes_the_source_url() {
        let url = "https://example.com/openapi.json";
        let spec = spec(b"new", Source::Flag, url, true);
        assert_eq!(next_pin(&pin(), &spec, None).source_url, url);
    }

    #[test]
    fn pin_change_lists_changed_fields() {
        let old = pin();
        let new = Pin {
            date: "2026-05-01".into(),
            ..old.clone()
        };
        assert_eq!(pin_change(&old, &new), "date 2026-04-16 -> 2026-05-01");
    }
}
