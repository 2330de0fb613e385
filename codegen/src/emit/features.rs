//! Feature gates: `#[cfg]` attributes for generated modules and the
//! `[features]` lines of the two crates' manifests.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::features::{Features, Gate, FULL_FEATURE, WEBHOOKS_FEATURE};
use crate::{ApiVersion, Lifecycle};

/// First line of a generated block in a hand-written file.
pub const BLOCK_BEGIN: &str =
    "# @generated begin: written by `cargo xtask regen` from the spec; do not edit by hand";
/// Last line of a generated block in a hand-written file.
pub const BLOCK_END: &str = "# @generated end";

/// The `#[cfg]` attribute for a module behind `gate` (nothing when always
/// compiled).
pub fn cfg(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::FullOnly => quote!(#[cfg(feature = #FULL_FEATURE)]),
        Gate::AnyOf(features) if features.len() == 1 => {
            let feature = features.iter().next().expect("one feature");
            quote!(#[cfg(feature = #feature)])
        }
        Gate::AnyOf(features) => {
            let features = features.iter();
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }
}

/// The generated `[features]` lines of `polar-models/Cargo.toml`: the
/// default (every group of the current version), a feature per version and
/// one per group of any version.
pub fn models_manifest_block(versions: &[(&ApiVersion, Features)]) -> String {
    let mut lines = vec![
        format!(
            "default = [\"{FULL_FEATURE}\", {}]",
            current_feature(versions)
        ),
        full_line(versions),
    ];
    for (version, _) in versions {
        lines.push(format!("{} = []", version.feature()));
    }
    for name in group_names(versions) {
        lines.push(format!("{name} = []"));
    }
    block(lines)
}

/// The generated `[features]` lines of `polar-api/Cargo.toml`. `webhooks`
/// is hand-written there (it also turns on the HMAC dependencies), so it is
/// only listed in `full`.
pub fn api_manifest_block(versions: &[(&ApiVersion, Features)]) -> String {
    let mut lines = vec![
        format!(
            "default = [\"rustls\", \"{FULL_FEATURE}\", {}]",
            current_feature(versions)
        ),
        full_line(versions),
    ];
    for (version, _) in versions {
        let feature = version.feature();
        lines.push(format!("{feature} = [\"polar-models/{feature}\"]"));
    }
    for name in group_names(versions)
        .into_iter()
        .filter(|n| *n != WEBHOOKS_FEATURE)
    {
        lines.push(format!("{name} = [\"polar-models/{name}\"]"));
    }
    block(lines)
}

/// The generated `[features]` lines of `tests/Cargo.toml`: every version,
/// on by default, so `cargo test --workspace` tests them all.
pub fn tests_manifest_block(versions: &[(&ApiVersion, Features)]) -> String {
    let all: Vec<String> = versions
        .iter()
        .map(|(v, _)| format!("\"{}\"", v.feature()))
        .collect();
    let mut lines = vec![format!("default = [{}]", all.join(", "))];
    for (version, _) in versions {
        let feature = version.feature();
        lines.push(format!(
            "{feature} = [\"polar-models/{feature}\", \"polar-api/{feature}\"]"
        ));
    }
    block(lines)
}

/// `"v2026-10"`, the feature of the current version (the generator checked
/// there is exactly one).
fn current_feature(versions: &[(&ApiVersion, Features)]) -> String {
    versions
        .iter()
        .find(|(v, _)| v.lifecycle == Lifecycle::Current)
        .or(versions.last())
        .map(|(v, _)| format!("\"{}\"", v.feature()))
        .unwrap_or_default()
}

/// The group features of every version, sorted, each once.
fn group_names<'a>(versions: &'a [(&ApiVersion, Features)]) -> Vec<&'a str> {
    let names: BTreeSet<&str> = versions
        .iter()
        .flat_map(|(_, features)| features.names.iter().map(String::as_str))
        .collect();
    names.into_iter().collect()
}

fn full_line(versions: &[(&ApiVersion, Features)]) -> String {
    let all: Vec<String> = group_names(versions)
        .into_iter()
        .map(|n| format!("\"{n}\""))
        .collect();
    format!("{FULL_FEATURE} = [{}]", all.join(", "))
}

fn block(lines: Vec<String>) -> String {
    let mut out = format!("{BLOCK_BEGIN}\n");
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(BLOCK_END);
    out.push('\n');
    out
}

/// `current` (a hand-written file) with its generated block replaced by
/// `block` (which carries its own begin and end lines).
pub fn splice_block(path: &str, current: &str, block: &str) -> Result<String, crate::Error> {
    let missing = |what: &str| {
        crate::Error::unsupported(
            path,
            format!("has no `{what}` line; the generated feature list goes between `{BLOCK_BEGIN}` and `{BLOCK_END}`"),
        )
    };
    let begin = current
        .find(BLOCK_BEGIN)
        .ok_or_else(|| missing(BLOCK_BEGIN))?;
    let end_marker = current[begin..]
        .find(BLOCK_END)
        .ok_or_else(|| missing(BLOCK_END))?
        + begin;
    let after = current[end_marker..]
        .find('\n')
        .map_or(current.len(), |n| end_marker + n + 1);
    Ok(format!(
        "{}{}{}",
        &current[..begin],
        block,
        &current[after..]
    ))
}
