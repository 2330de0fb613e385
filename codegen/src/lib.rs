//! The Polar SDK generator, as a library with no file I/O.
//!
//! Four stages, each usable and testable alone:
//!
//! 1. [`spec::parse`] — JSON text → [`spec::Spec`], a serde model of the
//!    OpenAPI 3.1 subset Polar uses;
//! 2. [`ir::lower`] — spec → [`ir::Models`], plain data with every Rust name
//!    resolved once;
//! 3. [`emit`] — IR → token streams;
//! 4. [`format`](mod@format) — tokens → formatted source with the `@generated` preamble.
//!
//! [`generate`] runs them all and returns the files to write; `xtask` does
//! the writing. [`changelog`] compares the IR of two specs and says what a
//! refresh changes for users of the generated crates.

pub mod changelog;
pub mod emit;
pub mod format;
pub mod instance;
pub mod ir;
pub mod spec;
pub mod surface;

use std::collections::BTreeMap;

/// Facts about the spec that end up in the generated code.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// SHA-256 (hex) of the spec document.
    pub spec_sha256: String,
    /// The date the spec was published (`YYYY-MM-DD`).
    pub spec_date: String,
}

/// Generated files: workspace-relative path → contents.
pub type Files = BTreeMap<String, String>;

/// Hand-written files with a generated block: their entry in [`Files`] is
/// the block, which the writer splices between the markers
/// ([`emit::features::splice_block`]).
pub const SPLICED_FILES: &[&str] = &["polar-models/Cargo.toml", "polar-api/Cargo.toml"];

/// Directories whose contents are entirely generated; regen may delete any
/// file in them that it did not produce.
pub const GENERATED_DIRS: &[&str] = &[
    "polar-models/src/generated",
    "polar-api/src/generated",
    "tests/src/generated",
    "tests/tests/generated",
];

/// Everything that can go wrong, naming what and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the document is not an OpenAPI 3.1 document this generator reads: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("{location}: {reason}")]
    Unsupported { location: String, reason: String },
    #[error("generated code for {file} is not valid Rust ({reason}); this is a generator bug")]
    Emit { file: String, reason: String },
}

impl Error {
    pub(crate) fn unsupported(location: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Unsupported {
            location: location.into(),
            reason: reason.into(),
        }
    }
}

/// Run every stage on the JSON text of a spec.
pub fn generate(spec_json: &str, settings: &Settings) -> Result<Files, Error> {
    let spec = spec::parse(spec_json)?;
    generate_from(&spec, settings)
}

/// Run stages 2–4 on a parsed spec.
pub fn generate_from(spec: &spec::Spec, settings: &Settings) -> Result<Files, Error> {
    let models = ir::lower(spec)?;
    let mut files = Files::new();
    for (module, tokens) in emit::models::emit(&models, &settings.spec_sha256, &settings.spec_date)
    {
        let path = format!("polar-models/src/generated/{module}.rs");
        let doc = match module.as_str() {
            "mod" => "Every schema of Polar's OpenAPI document as a Rust type.",
            "consts" => "Marker types for the spec's string constants; see [`crate::Const`].",
            _ => "",
        };
        let text = format::rust_file(&path, doc, tokens)?;
        files.insert(path, text);
    }
    for (module, tokens) in emit::api::emit(&models)? {
        let path = format!("polar-api/src/generated/{module}.rs");
        let doc = match module.as_str() {
            "mod" => "Every operation of Polar's OpenAPI document as a request builder.",
            _ => "",
        };
        let text = format::rust_file(&path, doc, tokens)?;
        files.insert(path, text);
    }
    let features = ir::features::Features::of(&models);
    files.insert(
        "polar-models/Cargo.toml".to_owned(),
        emit::features::models_manifest_block(&features),
    );
    files.insert(
        "polar-api/Cargo.toml".to_owned(),
        emit::features::api_manifest_block(&features),
    );
    let path = "tests/src/generated/schemas.rs".to_owned();
    let text = format::rust_file(&path, "", emit::roundtrip::emit(&models))?;
    files.insert(path, text);
    let path = "tests/tests/generated/conformance_cases.rs".to_owned();
    let text = format::rust_file(&path, "", emit::conformance::emit(spec, &models))?;
    files.insert(path, text);
    Ok(files)
}
