//! `cargo xtask diff OLD NEW`, and the changelog `regen` prints when the pin
//! moves: what a spec refresh changes for users of the generated crates
//! (see [`codegen::changelog`]).

use anyhow::{anyhow, Result};
use codegen::changelog::{self, render::Format, Changelog};

use crate::pin::Pin;
use crate::pins::prefix;
use crate::spec_source::{self, ResolvedSpec, Sources};

/// The changelog from `old` to `new`; errors name the spec that failed.
pub fn between(old: &ResolvedSpec, new: &ResolvedSpec) -> Result<Changelog> {
    let lower = |spec: &ResolvedSpec| {
        codegen::spec::parse(&spec.text)
            .map_err(codegen::Error::from)
            .and_then(|parsed| codegen::ir::lower(&parsed))
            .map_err(|error| anyhow!("the generator cannot read {}: {error}", spec.location))
    };
    let old_models = lower(old)?;
    let new_models = lower(new)?;
    Ok(changelog::diff_models(&old_models, &new_models))
}

/// `cargo xtask diff OLD NEW --format F`: the rendered changelog.
pub fn diff_command(old: &str, new: &str, format: Format) -> Result<String> {
    let old = spec_source::load_named(old)?;
    let new = spec_source::load_named(new)?;
    let changelog = between(&old, &new)?;
    let body = changelog::render::render(&changelog, format);
    Ok(match format {
        Format::Json => body,
        Format::Text => format!("changelog {} -> {}\n{body}", old.location, new.location),
        Format::Markdown => format!(
            "## Spec changes: `{}` → `{}`\n\n{body}",
            label(&old),
            label(&new)
        ),
    })
}

/// The date in a spec's file name, else its location.
fn label(spec: &ResolvedSpec) -> String {
    spec.date_from_name()
        .unwrap_or_else(|| spec.location.clone())
}

/// The document `pin` names, found locally as `check` would find it
/// (`$POLAR_SPEC_DIR`, the cache, the shared copies; each only with the
/// pinned SHA-256), never downloaded: the published document may have moved
/// on. `Ok(Err(..))` says where it looked.
pub fn pinned_document(sources: &Sources<'_>, pin: &Pin) -> Result<Result<ResolvedSpec, String>> {
    Ok(
        spec_source::find_local(sources, &pin.version, &pin.sha256)?.map_err(|tried| {
            format!(
                "the previously pinned document of {} ({}, sha256 {}…) is not available \
                 locally: {}",
                pin.version,
                pin.date,
                prefix(&pin.sha256),
                tried.join(", ")
            )
        }),
    )
}

/// What `regen` prints after moving a version's pin: the changelog from the
/// previously pinned document (`previous`, looked up before regen wrote
/// anything, as regen overwrites the cache) to `new`, or one line saying
/// why there is none.
pub fn regen_report(
    previous: Result<ResolvedSpec, String>,
    old_pin: &Pin,
    new: &ResolvedSpec,
) -> String {
    let old = match previous {
        Ok(old) => old,
        Err(reason) => {
            return format!(
                "changelog: not available: {reason}; run `cargo xtask diff OLD {}` with it\n",
                new.location
            )
        }
    };
    match between(&old, new) {
        Ok(changelog) => format!(
            "changelog of {} from {} (pinned {}) to {}:\n{}",
            old_pin.version,
            old.location,
            old_pin.date,
            new.location,
            changelog::render::text(&changelog)
        ),
        Err(error) => format!("changelog: not available: {error:#}\n"),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::PathBuf;

    use super::*;
    use crate::pin::Lifecycle;
    use crate::spec_source::{cache_path, sha256_hex, Source};

    const OLD: &str = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "components": {"schemas": {"Color": {"type": "string", "enum": ["red"]}}}}"#;
    const NEW: &str = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "components": {"schemas": {"Color": {"type": "string", "enum": ["red", "blue"]}}}}"#;

    /// `{tmp}/xtask-changelog-{name}-{pid}/main`, empty, beside an empty
    /// `shared/spec/versions/2026-10/`.
    fn workspace(name: &str) -> PathBuf {
        let base =
            std::env::temp_dir().join(format!("xtask-changelog-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("main/spec/cache")).unwrap();
        fs::create_dir_all(base.join("shared/spec/versions/2026-10")).unwrap();
        base.join("main")
    }

    fn sources(root: &std::path::Path) -> Sources<'_> {
        Sources {
            root,
            spec_dir: None,
        }
    }

    fn pin(text: &str) -> Pin {
        Pin {
            version: "2026-10".into(),
            lifecycle: Lifecycle::Current,
            source_url: "https://example.com/openapi.json".into(),
            sha256: sha256_hex(text.as_bytes()),
            date: "2026-08-20".into(),
            copy: "a copy".into(),
        }
    }

    fn spec(text: &str, location: &str) -> ResolvedSpec {
        ResolvedSpec::from_bytes(
            text.as_bytes().to_vec(),
            Source::Flag,
            location.into(),
            false,
        )
        .unwrap()
    }

    #[test]
    fn the_old_document_is_found_in_the_shared_copy_when_the_cache_holds_another() {
        let root = workspace("shared");
        fs::write(root.join(cache_path("2026-10")), NEW).unwrap();
        fs::write(
            root.join("../shared/spec/versions/2026-10/2026-08-20.docs.json"),
            OLD,
        )
        .unwrap();
        let found = pinned_document(&sources(&root), &pin(OLD))
            .unwrap()
            .unwrap();
        assert_eq!(found.text, OLD);
        assert_eq!(
            found.location,
            "../shared/spec/versions/2026-10/2026-08-20.docs.json"
        );
        fs::remove_dir_all(root.parent().unwrap()).unwrap();
    }

    #[test]
    fn the_old_document_is_found_in_the_cache() {
        let root = workspace("cache");
        fs::write(root.join(cache_path("2026-10")), OLD).unwrap();
        let found = pinned_document(&sources(&root), &pin(OLD))
            .unwrap()
            .unwrap();
        assert_eq!(found.location, "spec/cache/2026-10.json");
        fs::remove_dir_all(root.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_missing_old_document_is_one_line() {
        let root = workspace("missing");
        fs::write(root.join(cache_path("2026-10")), NEW).unwrap();
        let previous = pinned_document(&sources(&root), &pin(OLD)).unwrap();
        let report = regen_report(previous, &pin(OLD), &spec(NEW, "new.json"));
        assert_eq!(report.lines().count(), 1, "{report}");
        assert!(report.starts_with(
            "changelog: not available: the previously pinned document of 2026-10 (2026-08-20, sha256 "
        ));
        assert!(
            report.contains("spec/cache/2026-10.json has another sha256"),
            "{report}"
        );
        assert!(
            report.contains("../shared/spec/versions/2026-10/ has no *.json"),
            "{report}"
        );
        fs::remove_dir_all(root.parent().unwrap()).unwrap();
    }

    #[test]
    fn the_report_is_the_text_changelog() {
        let report = regen_report(Ok(spec(OLD, "old.json")), &pin(OLD), &spec(NEW, "new.json"));
        assert_eq!(
            report,
            "changelog of 2026-10 from old.json (pinned 2026-08-20) to new.json:\n\
             0 breaking, 1 additive change\n\
             \n\
             Additive (1):\n  \
             enum value added  Color: \"blue\"\n"
        );
    }

    #[test]
    fn an_unreadable_old_document_is_one_line() {
        let report = regen_report(
            Ok(spec("{}", "old.json")),
            &pin(OLD),
            &spec(NEW, "new.json"),
        );
        assert_eq!(report.lines().count(), 1, "{report}");
        assert!(report.starts_with("changelog: not available: the generator cannot read old.json"));
    }
}
