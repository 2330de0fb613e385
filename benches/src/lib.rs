//! What the benchmarks of `polar-benches` share: where the spec is, the
//! payloads built from it, and a minimal HTTP/1.1 server for the client
//! benchmark. See `BENCHMARKS.md` at the workspace root for what each
//! benchmark measures and how to run it.

pub mod mock;
pub mod payloads;

use std::path::{Path, PathBuf};

use codegen::spec::Spec;

/// The API version the benchmarks are written for: the payloads are built
/// from its document and decode into `polar_models::v2026_10`, and the
/// client benchmark calls `polar_api::v2026_10`.
pub const API_VERSION: &str = "2026-10";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ lives in the workspace root")
        .to_owned()
}

/// A field of the pin of [`API_VERSION`] (`spec/versions/2026-10.toml`),
/// such as `date` or `sha256`.
pub fn pin_field(field: &str) -> String {
    let path = workspace_root()
        .join("spec/versions")
        .join(format!("{API_VERSION}.toml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading the pin {}: {e}", path.display()));
    text.lines()
        .filter_map(|line| line.split_once('='))
        .find(|(key, _)| key.trim() == field)
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .unwrap_or_else(|| panic!("the pin {} has no `{field}`", path.display()))
}

/// The date the pinned document of [`API_VERSION`] was taken.
pub fn spec_date() -> String {
    pin_field("date")
}

/// Where the spec is: `$POLAR_OPENAPI_SPEC` (a relative path starts at the
/// workspace root), else the document of [`API_VERSION`] whose SHA-256 is
/// the pin's, in `../shared/spec/versions/2026-10/` beside the workspace or
/// in `/work/shared/spec/versions/2026-10/`.
pub fn spec_path() -> PathBuf {
    let root = workspace_root();
    if let Some(path) = std::env::var_os("POLAR_OPENAPI_SPEC") {
        return root.join(path);
    }
    let sha256 = pin_field("sha256");
    let dirs = [
        root.join("../shared/spec/versions").join(API_VERSION),
        Path::new("/work/shared/spec/versions").join(API_VERSION),
    ];
    let mut candidates: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    candidates.sort();
    candidates
        .into_iter()
        .find(|path| std::fs::read(path).is_ok_and(|bytes| hex_sha256(&bytes) == sha256))
        .map(|path| path.canonicalize().unwrap_or(path))
        .unwrap_or_else(|| {
            panic!(
                "no OpenAPI document of API version {API_VERSION} with the pinned SHA-256 \
                 {sha256}: set POLAR_OPENAPI_SPEC to it (looked in {})",
                dirs.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The spec's JSON text.
pub fn spec_text() -> String {
    let path = spec_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The parsed spec.
pub fn spec() -> Spec {
    let path = spec_path();
    codegen::spec::parse(&spec_text()).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}
