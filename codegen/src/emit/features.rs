//! Feature gates: `#[cfg]` attributes for generated modules and the
//! `[features]` lines of the two crates' manifests.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::features::{Features, Gate, FULL_FEATURE, WEBHOOKS_FEATURE};

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

/// The generated `[features]` lines of `polar-models/Cargo.toml`.
pub fn models_manifest_block(features: &Features) -> String {
    let mut lines = vec![full_line(features)];
    for name in &features.names {
        lines.push(format!("{name} = []"));
    }
    block(lines)
}

/// The generated `[features]` lines of `polar-api/Cargo.toml`. `webhooks`
/// is hand-written there (it also turns on the HMAC dependencies), so it is
/// only listed in `full`.
pub fn api_manifest_block(features: &Features) -> String {
    let mut lines = vec![full_line(features)];
    for name in features.names.iter().filter(|n| *n != WEBHOOKS_FEATURE) {
        lines.push(format!("{name} = [\"polar-models/{name}\"]"));
    }
    block(lines)
}

fn full_line(features: &Features) -> String {
    let all: Vec<String> = features.names.iter().map(|n| format!("\"{n}\"")).collect();
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
