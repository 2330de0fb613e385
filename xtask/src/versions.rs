//! Every pinned version's document, parsed, and the generator run on all of
//! them at once ([`codegen::generate_versions`]): the crates hold every
//! version side by side, and the migration guides compare neighbours, so
//! generation always takes the whole set.

use anyhow::{anyhow, bail, Result};
use codegen::{Files, Settings};

use crate::pin::Pin;
use crate::pins::{pin_path, prefix};
use crate::spec_source::{self, cache_path, ResolvedSpec, Source, Sources};

/// One version to generate: its pin and its document.
#[derive(Debug, Clone)]
pub struct VersionDoc {
    /// The pin the generated code records (hash, date, lifecycle).
    pub pin: Pin,
    /// The document, as found.
    pub spec: ResolvedSpec,
    /// The document, parsed.
    pub parsed: codegen::spec::Spec,
}

impl VersionDoc {
    /// Parse `spec` as `pin`'s document; the error names both.
    pub fn new(pin: Pin, spec: ResolvedSpec) -> Result<Self> {
        let parsed = codegen::spec::parse(&spec.text).map_err(|error| {
            anyhow!(
                "the generator cannot read {} (version {}): {}",
                spec.describe(),
                pin.version,
                codegen::Error::from(error)
            )
        })?;
        Ok(VersionDoc { pin, spec, parsed })
    }

    /// The generator's settings for this version.
    pub fn settings(&self) -> Settings {
        Settings {
            spec_sha256: self.pin.sha256.clone(),
            spec_date: self.pin.date.clone(),
        }
    }
}

/// Find and parse the pinned document of every pin; each must have the
/// pinned hash ([`ensure_pinned`]).
pub fn load_pinned(sources: &Sources<'_>, pins: &[Pin]) -> Result<Vec<VersionDoc>> {
    pins.iter()
        .map(|pin| {
            let spec = spec_source::resolve(sources, pin, None)?;
            ensure_pinned(&spec, pin)?;
            VersionDoc::new(pin.clone(), spec)
        })
        .collect()
}

/// Run the generator on every version (sorted by version); its errors name
/// the documents.
pub fn generate(docs: &[VersionDoc]) -> Result<Files> {
    let inputs: Vec<codegen::VersionInput<'_>> = docs
        .iter()
        .map(|doc| codegen::VersionInput {
            version: &doc.pin.version,
            lifecycle: doc.pin.lifecycle,
            spec: &doc.parsed,
            settings: doc.settings(),
        })
        .collect();
    codegen::generate_versions(&inputs).map_err(|error| {
        let names: Vec<String> = docs
            .iter()
            .map(|doc| format!("{} {}", doc.pin.version, doc.spec.location))
            .collect();
        anyhow!("the generator failed on {}: {error}", names.join(", "))
    })
}

/// What the generator makes of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionStats {
    /// Operations (one request builder each).
    pub operations: usize,
    /// Component schemas with a generated type.
    pub schemas: usize,
    /// Component schemas of the document the generator leaves out (no
    /// operation or webhook reaches them).
    pub skipped: usize,
    /// Webhook events.
    pub webhooks: usize,
    /// Generated types (component schemas and the inline types beside them).
    pub types: usize,
    /// Of those, the ones generated once with another version
    /// (`codegen::ir::sharing`).
    pub shared: usize,
}

/// Count what each of `docs` generates (lowering them once more).
pub fn stats(docs: &[VersionDoc]) -> Result<Vec<VersionStats>> {
    let mut sorted: Vec<&VersionDoc> = docs.iter().collect();
    sorted.sort_by(|a, b| a.pin.version.cmp(&b.pin.version));
    let models = sorted
        .iter()
        .map(|doc| {
            codegen::ir::lower(&doc.parsed).map_err(|error| {
                anyhow!("the generator cannot read {}: {error}", doc.spec.describe())
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let sharing = codegen::ir::sharing::Sharing::of(&models.iter().collect::<Vec<_>>());
    let by_version: Vec<(&str, VersionStats)> = sorted
        .iter()
        .zip(&models)
        .enumerate()
        .map(|(index, (doc, models))| {
            let stats = VersionStats {
                operations: models.operations.len(),
                schemas: models.component_count,
                skipped: models.unreachable.len(),
                webhooks: doc.parsed.webhooks.len(),
                types: models.types.len(),
                shared: sharing.shared_count(index),
            };
            (doc.pin.version.as_str(), stats)
        })
        .collect();
    Ok(docs
        .iter()
        .map(|doc| {
            by_version
                .iter()
                .find(|(version, _)| *version == doc.pin.version)
                .map(|(_, stats)| *stats)
                .expect("every document was counted")
        })
        .collect())
}

/// An error saying how to fix it unless `spec` has the pinned hash.
pub fn ensure_pinned(spec: &ResolvedSpec, pin: &Pin) -> Result<()> {
    if spec.sha256 == pin.sha256 {
        return Ok(());
    }
    let (found, pinned) = (prefix(&spec.sha256), prefix(&pin.sha256));
    let (version, file) = (&pin.version, pin_path(&pin.version));
    match spec.source {
        Source::SourceUrl => bail!(
            "the document at {} (version {version}'s source_url) has changed since it was \
             pinned: it has sha256 {found}… but {file} pins {pinned}…; the new document was \
             saved to {}: move the pin to it with `cargo xtask regen --version {version} --spec \
             {}`, or make the pinned document available (see `cargo xtask help`)",
            spec.location,
            cache_path(version),
            cache_path(version)
        ),
        _ => bail!(
            "the spec at {} has sha256 {found}… but {file} pins {pinned}…; run \
             `cargo xtask regen --version {version} --spec {}` to move the pin",
            spec.location,
            spec.location
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::Lifecycle;
    use crate::spec_source::sha256_hex;

    fn pin() -> Pin {
        Pin {
            version: "2026-10".into(),
            lifecycle: Lifecycle::Current,
            source_url: "https://api.polar.sh/2026-10/openapi.json".into(),
            sha256: sha256_hex(b"pinned"),
            date: "2026-08-20".into(),
            copy: "a copy".into(),
        }
    }

    fn spec(bytes: &[u8], source: Source, location: &str) -> ResolvedSpec {
        ResolvedSpec::from_bytes(bytes.to_vec(), source, location.into(), false).unwrap()
    }

    #[test]
    fn the_pinned_document_passes() {
        assert!(ensure_pinned(&spec(b"pinned", Source::Flag, "a.json"), &pin()).is_ok());
    }

    #[test]
    fn another_document_fails_with_the_fix() {
        let other = spec(b"other", Source::Flag, "b.json");
        let message = ensure_pinned(&other, &pin()).unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "the spec at b.json has sha256 {}… but spec/versions/2026-10.toml pins {}…; \
                 run `cargo xtask regen --version 2026-10 --spec b.json` to move the pin",
                prefix(&other.sha256),
                prefix(&pin().sha256)
            )
        );
    }

    #[test]
    fn a_changed_download_says_where_it_was_saved() {
        let other = spec(
            b"other",
            Source::SourceUrl,
            "https://api.polar.sh/2026-10/openapi.json",
        );
        let message = ensure_pinned(&other, &pin()).unwrap_err().to_string();
        assert!(
            message.contains("has changed since it was pinned"),
            "{message}"
        );
        assert!(
            message.contains("--version 2026-10 --spec spec/cache/2026-10.json"),
            "{message}"
        );
    }
}
