//! What the benchmarks of `polar-benches` share: where the spec is, the
//! payloads built from it, and a minimal HTTP/1.1 server for the client
//! benchmark. See `BENCHMARKS.md` at the workspace root for what each
//! benchmark measures and how to run it.

pub mod mock;
pub mod payloads;

use std::path::{Path, PathBuf};

use codegen::spec::Spec;

/// The spec the benchmarks are written for.
pub const SPEC_DATE: &str = "2026-04-16";

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ lives in the workspace root")
        .to_owned()
}

/// Where the spec is: `$POLAR_OPENAPI_SPEC` (a relative path starts at the
/// workspace root), else `../shared/spec/polar-openapi-2026-04-16.json`
/// beside the workspace, else `/work/shared/spec/polar-openapi-2026-04-16.json`.
pub fn spec_path() -> PathBuf {
    let root = workspace_root();
    if let Some(path) = std::env::var_os("POLAR_OPENAPI_SPEC") {
        return root.join(path);
    }
    let file = format!("polar-openapi-{SPEC_DATE}.json");
    let candidates = [
        root.join("../shared/spec").join(&file),
        Path::new("/work/shared/spec").join(&file),
    ];
    candidates
        .iter()
        .find(|path| path.exists())
        .map(|path| path.canonicalize().unwrap_or_else(|_| path.clone()))
        .unwrap_or_else(|| {
            panic!(
                "no OpenAPI spec found: set POLAR_OPENAPI_SPEC to \
                 polar-openapi-{SPEC_DATE}.json (looked at {})",
                candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
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
