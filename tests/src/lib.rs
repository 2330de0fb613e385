//! Helpers for the workspace-level tests: finding the pinned spec, and
//! decoding/encoding JSON through the generated types.

use std::path::{Path, PathBuf};

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// The round-trip tables generated from each version's spec (`cargo xtask
/// regen`).
#[rustfmt::skip]
pub mod generated;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_owned()
}

/// One pinned API version: `spec/versions/<version>.toml`.
#[derive(Debug, Clone)]
pub struct Pin {
    pub version: String,
    pub lifecycle: String,
    pub sha256: String,
    pub date: String,
}

/// Every pinned version, oldest first.
pub fn pins() -> Vec<Pin> {
    let dir = workspace_root().join("spec/versions");
    let mut pins: Vec<Pin> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.expect("a directory entry").path();
            (path.extension()? == "toml").then(|| read_pin(&path))
        })
        .collect();
    pins.sort_by(|a, b| a.version.cmp(&b.version));
    pins
}

/// The pin of `version`.
pub fn pin(version: &str) -> Pin {
    pins()
        .into_iter()
        .find(|pin| pin.version == version)
        .unwrap_or_else(|| panic!("no pin spec/versions/{version}.toml"))
}

/// The pin of the current version (the crates' default feature).
pub fn current_pin() -> Pin {
    pins()
        .into_iter()
        .find(|pin| pin.lifecycle == "current")
        .expect("one pinned version is `current`")
}

fn read_pin(path: &Path) -> Pin {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let field = |key: &str| {
        text.lines()
            .filter_map(|line| line.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("{} has no `{key}`", path.display()))
    };
    Pin {
        version: field("version"),
        lifecycle: field("lifecycle"),
        sha256: field("sha256"),
        date: field("date"),
    }
}

/// Where the pinned document of `version` is: the `*.json` file whose
/// SHA-256 is the pin's in `$POLAR_SPEC_DIR/<version>/` (a relative path
/// starts at the workspace root), else the git-ignored cache
/// `spec/cache/<version>.json`, else `../shared/spec/versions/<version>/`.
pub fn spec_path(version: &str) -> PathBuf {
    let root = workspace_root();
    let pin = pin(version);
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("POLAR_SPEC_DIR") {
        candidates.extend(json_files(&root.join(dir).join(version)));
    }
    candidates.push(root.join(format!("spec/cache/{version}.json")));
    candidates.extend(json_files(
        &root.join(format!("../shared/spec/versions/{version}")),
    ));
    candidates
        .into_iter()
        .find(|path| std::fs::read(path).is_ok_and(|bytes| sha256_hex(&bytes) == pin.sha256))
        .unwrap_or_else(|| {
            panic!(
                "no OpenAPI document with the pinned SHA-256 of {version} ({}) for the tests: \
                 set POLAR_SPEC_DIR to a directory laid out like ../shared/spec/versions/ \
                 or run `cargo xtask regen` once to fill spec/cache/",
                pin.sha256
            )
        })
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The pinned document of `version`, as text.
pub fn spec_text(version: &str) -> String {
    let path = spec_path(version);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The pinned document of `version`, parsed, with our overlay
/// (`spec/overlay.json`) merged as regen merges it: what the generated code
/// was made from.
pub fn spec(version: &str) -> codegen::spec::Spec {
    let path = workspace_root().join("spec/overlay.json");
    let overlay = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let overlay = codegen::overlay::Overlay::parse(&overlay).expect("the overlay parses");
    let (spec, _) = overlay
        .apply(&spec_text(version))
        .expect("the overlay merges into the pinned spec");
    spec
}

/// The pinned document of the current version, parsed: the spec of the
/// types the hand-written tests name (`polar_models::v2026_10`).
pub fn pinned_spec() -> codegen::spec::Spec {
    spec(&current_pin().version)
}

thread_local! {
    static AS_USERS_DECODE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with [`roundtrip`] (and so the generated tables' `roundtrip` and
/// `webhook_roundtrip`) decoding the way users' code does: without strict
/// decoding, so values may land in `Unknown` variants. For measuring what
/// the drift policy does with payloads the spec does not describe
/// (`tests/tests/old_payloads.rs`).
pub fn decoding_as_users_do<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            AS_USERS_DECODE.with(|flag| flag.set(self.0));
        }
    }
    let _reset = Reset(AS_USERS_DECODE.with(|flag| flag.replace(true)));
    f()
}

thread_local! {
    static DEBUG_CAPTURE: std::cell::RefCell<Option<Vec<String>>> =
        const { std::cell::RefCell::new(None) };
}

/// Run `f`, and return with its result the `{:?}` text of every value
/// [`roundtrip`] decoded meanwhile (so through the generated tables'
/// `roundtrip`), in order: for checking what a decoded model prints
/// (`tests/tests/secrets.rs`) without a second dispatch table.
pub fn capturing_debug<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
    struct Reset(Option<Vec<String>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            DEBUG_CAPTURE.with(|capture| *capture.borrow_mut() = self.0.take());
        }
    }
    let reset = Reset(DEBUG_CAPTURE.with(|capture| capture.borrow_mut().replace(Vec::new())));
    let result = f();
    let captured = DEBUG_CAPTURE
        .with(|capture| capture.borrow_mut().take())
        .unwrap_or_default();
    drop(reset);
    (result, captured)
}

/// Decode `json` as `T` strictly (no value may land in an `Unknown`
/// variant; inside [`decoding_as_users_do`], as users decode) and encode it
/// again.
pub fn roundtrip<T: DeserializeOwned + Serialize + std::fmt::Debug>(
    json: &str,
) -> Result<Value, String> {
    let decode = || serde_json::from_str::<T>(json);
    let value = if AS_USERS_DECODE.with(|flag| flag.get()) {
        decode()
    } else {
        polar_models::__private::strict_decoding(decode)
    }
    .map_err(|e| format!("decode: {e}"))?;
    DEBUG_CAPTURE.with(|capture| {
        if let Some(captured) = capture.borrow_mut().as_mut() {
            captured.push(format!("{value:?}"));
        }
    });
    serde_json::to_value(&value).map_err(|e| format!("encode: {e}"))
}

/// Decode `json` as `T` as users decode (not strictly), then ask it what
/// `ask` asks: for the generated tables' `union_accessors`.
pub fn accessor_values<T: DeserializeOwned>(
    json: &str,
    ask: impl FnOnce(&T) -> Vec<(&'static str, Option<Value>)>,
) -> Result<Vec<(&'static str, Option<Value>)>, String> {
    let value = serde_json::from_str::<T>(json).map_err(|e| format!("decode: {e}"))?;
    Ok(ask(&value))
}

/// What a string enum made of one value.
#[derive(Debug)]
pub struct EnumAnswer {
    /// The value given.
    pub value: String,
    /// `Display` of what `FromStr` parsed (the text `as_str` lends).
    pub displayed: String,
    /// The parsed value, encoded.
    pub encoded: Value,
    /// `Debug` of the parsed value, then its alternate form (`{:#?}`).
    pub debug: (String, String),
    /// Whether the value, as JSON, decodes under strict decoding: to a
    /// listed variant rather than to `Unknown`.
    pub known: bool,
}

/// A value no string enum lists: what each must keep as sent, in `Unknown`.
pub const UNLISTED_ENUM_VALUE: &str = "polar-rs: a value no enum lists";

/// What the string enum `T` makes of each of `values` (its `VALUES`), and
/// of [`UNLISTED_ENUM_VALUE`] (last).
pub fn string_enum_answers<T>(values: &[&str]) -> Vec<EnumAnswer>
where
    T: std::str::FromStr<Err = std::convert::Infallible>
        + std::fmt::Display
        + std::fmt::Debug
        + Serialize
        + DeserializeOwned,
{
    values
        .iter()
        .copied()
        .chain([UNLISTED_ENUM_VALUE])
        .map(|value| {
            let parsed: T = match value.parse() {
                Ok(parsed) => parsed,
                Err(never) => match never {},
            };
            let json = Value::String(value.to_owned());
            let known = polar_models::__private::strict_decoding(|| {
                serde_json::from_value::<T>(json).is_ok()
            });
            EnumAnswer {
                value: value.to_owned(),
                displayed: parsed.to_string(),
                encoded: serde_json::to_value(&parsed).unwrap_or(Value::Null),
                debug: (format!("{parsed:?}"), format!("{parsed:#?}")),
                known,
            }
        })
        .collect()
}

/// What an accessor lent, encoded (`None` stays `None`).
pub fn lent<T: Serialize + ?Sized>(value: Option<&T>) -> Option<Value> {
    value.map(|value| serde_json::to_value(value).expect("a lent value encodes"))
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
