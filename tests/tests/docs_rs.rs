//! What docs.rs builds for each published crate: every feature, with
//! `--cfg docsrs` so that each crate root turns on `doc(cfg)` and every
//! feature-gated item shows the features it needs.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// The manifests of the workspace's published packages: the members the
/// root manifest lists (globs expanded one level), without `publish = false`.
fn published() -> Vec<PathBuf> {
    let root = workspace();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest
        .split("members = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("a members list");
    let mut found = Vec::new();
    for member in members.split(',').filter_map(|m| {
        let m = m.split('#').next()?.trim().trim_matches('"');
        (!m.is_empty()).then_some(m.to_owned())
    }) {
        let dirs: Vec<PathBuf> = match member.strip_suffix("/*") {
            Some(parent) => std::fs::read_dir(root.join(parent))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.join("Cargo.toml").exists())
                .collect(),
            None => vec![root.join(&member)],
        };
        for dir in dirs {
            let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
            if !text.contains("publish = false") {
                found.push(dir);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_published_crate_is_documented_with_every_feature_and_doc_cfg() {
    let crates = published();
    // polar-api, polar-models, their runtimes, and the generated crates.
    assert!(crates.len() >= 10, "{crates:?}");
    let mut failures = Vec::new();
    for dir in &crates {
        let name = dir.strip_prefix(workspace()).unwrap().display().to_string();
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let metadata = manifest
            .split("[package.metadata.docs.rs]")
            .nth(1)
            .map(|rest| rest.split("\n[").next().unwrap_or(rest));
        match metadata {
            None => failures.push(format!("{name}: no [package.metadata.docs.rs]")),
            Some(metadata) => {
                if !metadata.contains("all-features = true") {
                    failures.push(format!("{name}: docs.rs does not build every feature"));
                }
                if !metadata.contains(r#"rustdoc-args = ["--cfg", "docsrs"]"#) {
                    failures.push(format!("{name}: docs.rs does not pass --cfg docsrs"));
                }
            }
        }
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        if !lib.contains("#![cfg_attr(docsrs, feature(doc_cfg))]") {
            failures.push(format!(
                "{name}: src/lib.rs does not turn on doc_cfg for docs.rs"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
