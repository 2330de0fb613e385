//! `cargo xtask msrv`: the published crates' dependencies must not need a
//! newer Rust than the workspace's `rust-version`.
//!
//! Only one toolchain is installed where CI runs, so the crates are never
//! built with the declared minimum itself. What is checked instead: every
//! package `polar-models` and `polar-api` pull in (normal and build
//! dependencies, all features, as locked) declares a `rust-version` no newer
//! than ours; and clippy's `incompatible_msrv` lint (on under `-D warnings`)
//! refuses standard-library APIs newer than it in our own code.

use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// The crates users depend on.
pub const PUBLISHED: &[&str] = &["polar-models", "polar-api"];

/// A `major.minor[.patch]` Rust version.
pub fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    parts.next().is_none().then_some((major, minor, patch))
}

/// Packages (name, version, rust-version) in the normal/build dependency
/// closure of [`PUBLISHED`] whose `rust-version` is newer than `msrv`.
pub fn too_new(metadata: &Value, msrv: (u64, u64, u64)) -> Result<Vec<String>> {
    let packages = metadata["packages"].as_array().context("no packages")?;
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .context("no resolve")?;
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id);
    let package = |id: &str| packages.iter().find(|p| p["id"] == id);

    let mut stack: Vec<String> = packages
        .iter()
        .filter(|p| PUBLISHED.contains(&p["name"].as_str().unwrap_or_default()))
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect();
    if stack.len() != PUBLISHED.len() {
        bail!("cargo metadata does not list {}", PUBLISHED.join(" and "));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut offenders = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let meta = package(&id).with_context(|| format!("no package {id}"))?;
        if let Some(needed) = meta["rust_version"].as_str() {
            let parsed = parse_version(needed)
                .with_context(|| format!("{} has rust-version {needed:?}", meta["name"]))?;
            if parsed > msrv {
                offenders.push(format!(
                    "{} {} needs Rust {needed}",
                    meta["name"].as_str().unwrap_or("?"),
                    meta["version"].as_str().unwrap_or("?")
                ));
            }
        }
        let Some(node) = node(&id) else { continue };
        for dep in node["deps"].as_array().into_iter().flatten() {
            let used = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|kind| {
                    // `null` is a normal dependency.
                    kind["kind"].is_null() || kind["kind"] == "build"
                });
            if used {
                if let Some(dep_id) = dep["pkg"].as_str() {
                    stack.push(dep_id.to_owned());
                }
            }
        }
    }
    offenders.sort();
    Ok(offenders)
}

/// Run the check on this workspace.
pub fn run(root: &std::path::Path) -> Result<()> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--locked",
        ])
        .current_dir(root)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let ours = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "polar-api")
        .and_then(|p| p["rust_version"].as_str())
        .context("polar-api declares no rust-version")?
        .to_owned();
    let msrv = parse_version(&ours).context("unreadable rust-version")?;
    let offenders = too_new(&metadata, msrv)?;
    if offenders.is_empty() {
        println!("every dependency of polar-models and polar-api builds with Rust {ours} (the declared rust-version)");
        Ok(())
    } else {
        bail!(
            "dependencies newer than the declared rust-version {ours}:\n  {}\n\
             raise `rust-version` in Cargo.toml, or pin older versions with `cargo update -p NAME --precise VERSION`",
            offenders.join("\n  ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("1.85"), Some((1, 85, 0)));
        assert_eq!(parse_version("1.9.2"), Some((1, 9, 2)));
        assert!(parse_version("1.100").unwrap() > parse_version("1.85").unwrap());
        assert_eq!(parse_version("one"), None);
        assert_eq!(parse_version("1.2.3.4"), None);
    }

    fn metadata(criterion_rust: &str, reqwest_rust: &str) -> Value {
        let pkg = |name: &str, rust: Option<&str>| json!({ "id": name, "name": name, "version": "1.0.0", "rust_version": rust });
        let normal = |to: &str| json!({ "pkg": to, "dep_kinds": [{ "kind": null }] });
        let dev = |to: &str| json!({ "pkg": to, "dep_kinds": [{ "kind": "dev" }] });
        json!({
            "packages": [
                pkg("polar-models", Some("1.85")),
                pkg("polar-api", Some("1.85")),
                pkg("reqwest", Some(reqwest_rust)),
                pkg("criterion", Some(criterion_rust)),
                pkg("unversioned", None),
            ],
            "resolve": { "nodes": [
                { "id": "polar-api", "deps": [normal("polar-models"), normal("reqwest"), dev("criterion")] },
                { "id": "polar-models", "deps": [normal("unversioned")] },
                { "id": "reqwest", "deps": [] },
                { "id": "criterion", "deps": [] },
                { "id": "unversioned", "deps": [] },
            ] }
        })
    }

    #[test]
    fn a_normal_dependency_newer_than_the_msrv_is_reported() {
        let found = too_new(&metadata("1.70", "1.90"), (1, 85, 0)).unwrap();
        assert_eq!(found, ["reqwest 1.0.0 needs Rust 1.90"]);
    }

    #[test]
    fn dev_dependencies_do_not_count() {
        let found = too_new(&metadata("1.99", "1.80"), (1, 85, 0)).unwrap();
        assert!(found.is_empty(), "{found:?}");
    }
}
