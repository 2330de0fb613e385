//! Helpers for the workspace-level tests: finding the pinned spec, and
//! decoding/encoding JSON through the generated types.

use std::path::{Path, PathBuf};

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// The dispatch table generated from the spec (`cargo xtask regen`).
#[rustfmt::skip]
pub mod generated {
    pub mod schemas;
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_owned()
}

/// A field of `spec/pin.toml`.
pub fn pin_field(key: &str) -> String {
    let pin = std::fs::read_to_string(workspace_root().join("spec/pin.toml"))
        .expect("spec/pin.toml is readable");
    pin.lines()
        .filter_map(|line| line.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .unwrap_or_else(|| panic!("spec/pin.toml has no `{key}`"))
}

/// Where the pinned spec is: `$POLAR_OPENAPI_SPEC` (a relative path starts
/// at the workspace root), else the git-ignored
/// cache `spec/cache/openapi.json`, else the shared copy
/// `../shared/spec/polar-openapi-{pinned date}.json`.
pub fn spec_path() -> PathBuf {
    let root = workspace_root();
    if let Some(path) = std::env::var_os("POLAR_OPENAPI_SPEC") {
        // Relative to the workspace root, as for `cargo xtask`: tests run
        // in their crate's directory.
        return root.join(path);
    }
    let candidates = [
        root.join("spec/cache/openapi.json"),
        root.join(format!(
            "../shared/spec/polar-openapi-{}.json",
            pin_field("date")
        )),
    ];
    candidates
        .iter()
        .find(|path| path.exists())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "no OpenAPI spec found for the tests: set POLAR_OPENAPI_SPEC to the pinned \
                 document (e.g. POLAR_OPENAPI_SPEC=../shared/spec/polar-openapi-{}.json) or \
                 run `cargo xtask regen` once to fill spec/cache/",
                pin_field("date")
            )
        })
}

/// The pinned spec's text, after checking its hash against the pin.
pub fn pinned_spec_text() -> String {
    use sha2::{Digest, Sha256};
    let path = spec_path();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let pinned = pin_field("sha256");
    assert_eq!(
        sha,
        pinned,
        "{} is not the pinned spec (spec/pin.toml); the committed crates were generated from {pinned}",
        path.display()
    );
    String::from_utf8(bytes).expect("the spec is UTF-8")
}

/// The pinned spec, parsed.
pub fn pinned_spec() -> codegen::spec::Spec {
    codegen::spec::parse(&pinned_spec_text()).expect("the pinned spec parses")
}

/// Decode `json` as `T` strictly (no value may land in an `Unknown`
/// variant) and encode it again.
pub fn roundtrip<T: DeserializeOwned + Serialize>(json: &str) -> Result<Value, String> {
    let value: T = polar_models::__private::strict_decoding(|| serde_json::from_str(json))
        .map_err(|e| format!("decode: {e}"))?;
    serde_json::to_value(&value).map_err(|e| format!("encode: {e}"))
}

/// The JSON path of the first difference between `expected` and `actual`,
/// with both sides, or `None` when they are equal. Timestamps are compared
/// as instants and numbers as numbers, since `1` and `1.0`, or `Z` and
/// `+00:00`, are the same value in different spellings.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("$", expected, actual)
}

fn difference_at(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let child = format!("{path}.{key}");
                match a.get(key) {
                    Some(other) => {
                        if let Some(diff) = difference_at(&child, value, other) {
                            return Some(diff);
                        }
                    }
                    None => {
                        return Some(format!(
                            "{child}: expected {value}, missing after the round trip"
                        ))
                    }
                }
            }
            a.keys()
                .find(|key| !e.contains_key(*key))
                .map(|key| format!("{path}.{key}: not in the input, present after the round trip"))
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (e, a))| difference_at(&format!("{path}[{i}]"), e, a)),
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => None,
        (Value::String(e), Value::String(a)) if e == a || same_instant(e, a) => None,
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_the_path() {
        let diff = first_difference(
            &json!({"a": [1, {"b": "x"}]}),
            &json!({"a": [1, {"b": "y"}]}),
        );
        assert_eq!(diff.unwrap(), r#"$.a[1].b: expected "x", got "y""#);
        let diff = first_difference(&json!({"a": 1}), &json!({}));
        assert!(diff.unwrap().starts_with("$.a: expected 1, missing"));
    }

    #[test]
    fn equal_values_in_other_spellings_are_equal() {
        assert_eq!(first_difference(&json!(1), &json!(1.0)), None);
        assert_eq!(
            first_difference(
                &json!("2026-01-01T00:00:00Z"),
                &json!("2026-01-01T00:00:00+00:00")
            ),
            None
        );
        assert!(first_difference(
            &json!("2026-01-01T00:00:00Z"),
            &json!("2026-01-01T00:00:01Z")
        )
        .is_some());
    }
}
