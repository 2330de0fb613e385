//! What the fuzz targets share: the generated table of decoded types, the
//! round-trip property, and how each target reads its input (so that the
//! seed builder, `tests/examples/fuzz_seeds.rs`, writes inputs the same way).

use serde::{de::DeserializeOwned, Serialize};

/// The types the `decode` target decodes, per API version (`cargo xtask
/// regen` writes it from the spec).
#[rustfmt::skip]
pub mod generated;

/// One type of the `decode` target: its Rust name and its check.
pub struct Decoded {
    /// The Rust name in its version's module.
    pub name: &'static str,
    /// [`check_roundtrip`] for the type.
    pub check: fn(&[u8]) -> Result<(), String>,
}

/// The property every decoded type keeps: when `bytes` decode, the value
/// encodes, the encoding decodes, and encodes to the same bytes again (the
/// README promises exact encoding). `Err` says which step broke.
pub fn check_roundtrip<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<(), String> {
    let Ok(first) = serde_json::from_slice::<T>(bytes) else {
        return Ok(());
    };
    let encoded =
        serde_json::to_vec(&first).map_err(|e| format!("a decoded value does not encode: {e}"))?;
    let second = serde_json::from_slice::<T>(&encoded).map_err(|e| {
        format!(
            "the encoding does not decode ({e}): {}",
            String::from_utf8_lossy(&encoded)
        )
    })?;
    let again = serde_json::to_vec(&second)
        .map_err(|e| format!("the second decoded value does not encode: {e}"))?;
    if again != encoded {
        return Err(format!(
            "encoding is not idempotent:\n first: {}\nsecond: {}",
            String::from_utf8_lossy(&encoded),
            String::from_utf8_lossy(&again)
        ));
    }
    Ok(())
}

/// The `decode` target's input: a version byte, a type byte (each taken
/// modulo its table's length), then the JSON.
pub fn decode_input(data: &[u8]) -> Option<(&'static str, &'static Decoded, &[u8])> {
    let [version, ty, json @ ..] = data else {
        return None;
    };
    let versions = generated::VERSIONS;
    let (name, types) = versions[usize::from(*version) % versions.len()];
    Some((name, &types[usize::from(*ty) % types.len()], json))
}

/// The `webhook` target's input: `name: value` header lines up to the first
/// NUL byte, then the body. Without a NUL, everything is the body.
pub fn webhook_input(data: &[u8]) -> (Vec<(String, Vec<u8>)>, &[u8]) {
    let (head, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&[][..], data),
    };
    let headers = head
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_lowercase();
            let value = line[colon + 1..].trim_ascii().to_vec();
            Some((name, value))
        })
        .collect();
    (headers, body)
}

/// The `request` target's input: NUL-separated texts (lossy UTF-8): the
/// path parameter, then query name and value pairs; a pair whose name
/// starts with `[` is a `deepObject` entry `metadata[rest]`.
pub fn request_input(data: &[u8]) -> Vec<String> {
    data.split(|&b| b == 0)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect()
}

/// The `generator` target's input: the document the bytes choose and the
/// mutations applied to it (`codegen::testing::document_from_bytes`, which
/// the generator's tests call to replay a finding).
pub fn generator_input(data: &[u8]) -> (String, Vec<String>) {
    codegen::testing::document_from_bytes(data)
}

/// Whether the `generator` target prints each file and parses the text
/// (`POLAR_FUZZ_GENERATOR_CHECK=full`), rather than only parsing the
/// tokens; read once.
pub fn generator_full_check() -> bool {
    static FULL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FULL.get_or_init(|| {
        std::env::var("POLAR_FUZZ_GENERATOR_CHECK").is_ok_and(|check| check == "full")
    })
}
