//! Where the OpenAPI document comes from.
//!
//! In order, the first that is given wins:
//!
//! 1. `--spec PATH|URL`; a relative path is relative to the current directory;
//! 2. `$POLAR_OPENAPI_SPEC` (a path or URL); a relative path is relative to the
//!    workspace root, so the variable works from any directory (`cargo test`
//!    runs in the crate's directory);
//! 3. the git-ignored cache `spec/cache/openapi.json`;
//! 4. the shared copy of the pinned date beside the checkout,
//!    `../shared/spec/polar-openapi-{date}.json` (the layout CI and
//!    developers' machines have);
//! 5. a download of the pin's `source_url`, saved to the cache.
//!
//! An explicit source (1 or 2) that cannot be read is an error; it never falls
//! through to the next one.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::date;

/// The environment variable naming the spec (a path or URL).
pub const SPEC_ENV: &str = "POLAR_OPENAPI_SPEC";

/// The workspace-relative path of the downloaded-spec cache.
pub const CACHE_PATH: &str = "spec/cache/openapi.json";

/// The largest document a download accepts.
const MAX_DOWNLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// Which of the sources provided the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The `--spec` flag.
    Flag,
    /// The `POLAR_OPENAPI_SPEC` environment variable.
    Env,
    /// The cache file `spec/cache/openapi.json`.
    Cache,
    /// The shared copy `../shared/spec/polar-openapi-{date}.json`.
    SharedCopy,
    /// A download of the pin's `source_url`.
    PinnedUrl,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "--spec",
            Source::Env => SPEC_ENV,
            Source::Cache => "the cache",
            Source::SharedCopy => "the shared copy of the pinned date",
            Source::PinnedUrl => "the pin's source_url",
        })
    }
}

/// An OpenAPI document, read or downloaded, with its hash.
#[derive(Debug, Clone)]
pub struct ResolvedSpec {
    /// The document's text.
    pub text: String,
    /// SHA-256 (lowercase hex) of the document's bytes.
    pub sha256: String,
    /// Which source provided it.
    pub source: Source,
    /// The path or URL it was read from, as the user would pass it to `--spec`.
    pub location: String,
    /// Whether `location` is a URL the document was downloaded from.
    pub downloaded: bool,
}

impl ResolvedSpec {
    /// Build a spec from a document's bytes, hashing them.
    pub fn from_bytes(
        bytes: Vec<u8>,
        source: Source,
        location: String,
        downloaded: bool,
    ) -> Result<Self> {
        let sha256 = sha256_hex(&bytes);
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!("the spec at {location} is not UTF-8 text"))?;
        Ok(ResolvedSpec {
            text,
            sha256,
            source,
            location,
            downloaded,
        })
    }

    /// The date in the location's file name (`polar-openapi-YYYY-MM-DD.json`).
    pub fn date_from_name(&self) -> Option<String> {
        let name = self.location.rsplit(['/', '\\']).next()?;
        date::from_file_name(name)
    }

    /// A short description: location and source.
    pub fn describe(&self) -> String {
        format!("{} (from {})", self.location, self.source)
    }
}

/// Everything [`resolve`] looks at, so it can be tested without touching the
/// process environment.
#[derive(Debug, Clone, Copy)]
pub struct SpecInputs<'a> {
    /// The `--spec` argument.
    pub explicit: Option<&'a str>,
    /// The value of `POLAR_OPENAPI_SPEC`.
    pub env: Option<&'a str>,
    /// The workspace root (for the cache and relative env paths).
    pub root: &'a Path,
    /// The pin's `source_url`, if the pin could be read.
    pub source_url: Option<&'a str>,
    /// The pin's `date`, if the pin could be read.
    pub pinned_date: Option<&'a str>,
}

/// Where the shared copy of the spec published on `date` would be.
pub fn shared_copy(root: &Path, date: &str) -> PathBuf {
    root.join(format!("../shared/spec/polar-openapi-{date}.json"))
}

/// Find the spec: `--spec`, then `$POLAR_OPENAPI_SPEC`, then the cache, then
/// a download of the pinned `source_url` (saved to the cache).
pub fn resolve(inputs: &SpecInputs<'_>) -> Result<ResolvedSpec> {
    if let Some(spec) = non_empty(inputs.explicit) {
        return load(spec, Path::new(""), Source::Flag);
    }
    if let Some(spec) = non_empty(inputs.env) {
        return load(spec, inputs.root, Source::Env);
    }
    let cache = inputs.root.join(CACHE_PATH);
    if cache.exists() {
        return read_file(&cache, CACHE_PATH.to_owned(), Source::Cache);
    }
    if let Some(date) = non_empty(inputs.pinned_date) {
        let shared = shared_copy(inputs.root, date);
        if shared.exists() {
            let location = format!("../shared/spec/polar-openapi-{date}.json");
            return read_file(&shared, location, Source::SharedCopy);
        }
    }
    let download_failure = match non_empty(inputs.source_url) {
        None => "spec/pin.toml names no source_url".to_owned(),
        Some(url) => match download(url) {
            Ok(bytes) => {
                save_to_cache(inputs.root, &bytes)?;
                return ResolvedSpec::from_bytes(bytes, Source::PinnedUrl, url.to_owned(), true);
            }
            Err(error) => format!("{url}: {error:#}"),
        },
    };
    bail!(
        "no OpenAPI spec available: --spec was not given, {SPEC_ENV} is not set, \
         {CACHE_PATH} does not exist, and the download of the pinned source_url failed; \
         pass --spec PATH|URL, set {SPEC_ENV}=PATH|URL, or put the document at {CACHE_PATH} \
         (download failed: {download_failure})"
    )
}

/// Load a spec named on the command line, as `--spec` does: a path
/// (relative to the current directory) or a URL, which is downloaded.
pub fn load_named(spec: &str) -> Result<ResolvedSpec> {
    load(spec, Path::new(""), Source::Flag)
}

/// Read the document at `path` if it exists and has the SHA-256 `sha256`.
pub fn read_if_pinned(
    path: &Path,
    location: String,
    source: Source,
    sha256: &str,
) -> Option<ResolvedSpec> {
    let spec = read_file(path, location, source).ok()?;
    (spec.sha256 == sha256).then_some(spec)
}

/// Save a downloaded document as the cache, `spec/cache/openapi.json`.
pub fn save_to_cache(root: &Path, bytes: &[u8]) -> Result<()> {
    let cache = root.join(CACHE_PATH);
    if let Some(dir) = cache.parent() {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
    }
    fs::write(&cache, bytes).with_context(|| format!("cannot write the cache {}", cache.display()))
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether `spec` names a URL rather than a path.
pub fn is_url(spec: &str) -> bool {
    spec.starts_with("http://") || spec.starts_with("https://")
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

/// Load a path (relative to `base`) or download a URL.
fn load(spec: &str, base: &Path, source: Source) -> Result<ResolvedSpec> {
    if is_url(spec) {
        let bytes = download(spec)
            .with_context(|| format!("cannot download the OpenAPI spec {spec} (from {source})"))?;
        return ResolvedSpec::from_bytes(bytes, source, spec.to_owned(), true);
    }
    let path = resolve_path(spec, base);
    read_file(&path, spec.to_owned(), source)
}

fn resolve_path(spec: &str, base: &Path) -> PathBuf {
    let path = Path::new(spec);
    if path.is_absolute() {
        path.to_owned()
    } else {
        base.join(path)
    }
}

fn read_file(path: &Path, location: String, source: Source) -> Result<ResolvedSpec> {
    let bytes = fs::read(path).with_context(|| {
        format!(
            "cannot read the OpenAPI spec at {} (from {source})",
            path.display()
        )
    })?;
    ResolvedSpec::from_bytes(bytes, source, location, false)
}

fn download(url: &str) -> Result<Vec<u8>> {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(120)))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let response = agent.get(url).call()?;
    let bytes = response
        .into_body()
        .with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .read_to_vec()?;
    Ok(bytes)
}
