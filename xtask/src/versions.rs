//! Every pinned version's document, parsed, and the generator run on all of
//! them at once ([`codegen::generate_versions`]): the crates hold every
//! version side by side, and the migration guides compare neighbours, so
//! generation always takes the whole set.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use codegen::overlay::{Applied, Overlay};
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
    /// The document, parsed (with the overlay merged, for a pinned one).
    pub parsed: codegen::spec::Spec,
    /// What the overlay added to it.
    pub overlay: Applied,
}

/// Our overlay of operations Polar documents but leaves out of its
/// published documents ([`codegen::overlay`]), merged into every pinned
/// version's document.
pub const OVERLAY_PATH: &str = "spec/overlay.json";

/// The overlay of the workspace at `root`; none when the file is absent.
pub fn load_overlay(root: &Path) -> Result<Overlay> {
    let path = root.join(OVERLAY_PATH);
    if !path.exists() {
        return Ok(Overlay::empty());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {OVERLAY_PATH}"))?;
    Overlay::parse(&text).map_err(|error| anyhow!("{OVERLAY_PATH}: {error}"))
}

impl VersionDoc {
    /// Parse `spec` as `pin`'s document, as published; the error names both.
    pub fn new(pin: Pin, spec: ResolvedSpec) -> Result<Self> {
        VersionDoc::with_overlay(pin, spec, &Overlay::empty())
    }

    /// Parse `spec` as `pin`'s document with `overlay` merged into it; the
    /// error names both (an overlay operation the document now has is one).
    pub fn with_overlay(pin: Pin, spec: ResolvedSpec, overlay: &Overlay) -> Result<Self> {
        let (parsed, applied) = overlay.apply(&spec.text).map_err(|error| {
            let with = match overlay.is_empty() {
                true => "",
                false => " with the overlay (spec/overlay.json) merged",
            };
            anyhow!(
                "the generator cannot read {} (version {}){with}: {error}",
                spec.describe(),
                pin.version,
            )
        })?;
        Ok(VersionDoc {
            pin,
            spec,
            parsed,
            overlay: applied,
        })
    }

    /// The generator's settings for this version.
    pub fn settings(&self) -> Settings {
        Settings {
            spec_sha256: self.pin.sha256.clone(),
            spec_date: self.pin.date.clone(),
        }
    }
}

/// Find and parse the pinned document of every pin, with `overlay` merged;
/// each must have the pinned hash ([`ensure_pinned`]).
pub fn load_pinned(
    sources: &Sources<'_>,
    pins: &[Pin],
    overlay: &Overlay,
) -> Result<Vec<VersionDoc>> {
    pins.iter()
        .map(|pin| {
            let spec = spec_source::resolve(sources, pin, None)?;
            ensure_pinned(&spec, pin)?;
            VersionDoc::with_overlay(pin.clone(), spec, overlay)
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
    /// Of those, the ones merged from the overlay.
    pub overlay_operations: usize,
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
                overlay_operations: doc.overlay.operations.len(),
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
    fn an_overlay_operation_the_document_publishes_fails_naming_it() {
        let overlay = codegen::overlay::Overlay::parse(
            r#"{"paths": {"/v1/x/ping": {"post": {"operationId": "x:ping",
                "x-polar-rs-documented-at": "https://example.com/ping",
                "responses": {"202": {"description": "accepted"}}}}}}"#,
        )
        .unwrap();
        let document = br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "2026-10"},
            "paths": {"/v1/x/ping": {"post": {"operationId": "x:ping",
                "responses": {"202": {"description": "accepted"}}}}}}"#;
        let error =
            VersionDoc::with_overlay(pin(), spec(document, Source::Flag, "d.json"), &overlay)
                .unwrap_err()
                .to_string();
        assert!(error.contains("version 2026-10"), "{error}");
        assert!(error.contains("`x:ping`"), "{error}");
        assert!(
            error.contains("obsolete: drop it from spec/overlay.json"),
            "{error}"
        );
    }

    #[test]
    fn the_committed_overlay_parses_and_cites_every_operation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let overlay = load_overlay(&root).unwrap();
        assert!(!overlay.operations().is_empty());
        for operation in overlay.operations() {
            assert!(
                operation.documented_at.starts_with("https://"),
                "{operation:?}"
            );
        }
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
