//! Where an API version's OpenAPI document comes from.
//!
//! For version `V`, the first of these that has it wins:
//!
//! 1. `--spec PATH|URL`, with a command about one version; a relative path
//!    is relative to the current directory. Any document: this is how a pin
//!    moves;
//! 2. `$POLAR_SPEC_DIR/V/*.json`, a directory laid out like
//!    `../shared/spec/versions` (a relative path is relative to the
//!    workspace root, so the variable works from any directory): the file
//!    whose SHA-256 is the pin's;
//! 3. the git-ignored cache `spec/cache/V.json`, if its SHA-256 is the pin's;
//! 4. the shared copies beside the checkout,
//!    `../shared/spec/versions/V/*.json`: the one whose SHA-256 is the pin's;
//! 5. a download of the pin's `source_url`
//!    (`https://api.polar.sh/V/openapi.json`), saved to the cache. It may
//!    have changed since it was pinned; the caller checks the hash.
//!
//! An explicit source that cannot be read (`--spec`, a `$POLAR_SPEC_DIR`
//! that does not exist) is an error; it never falls through to the next one.
//! A version being added has no pin yet: only 1 and 5 apply.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::date;
use crate::pin::Pin;
use crate::pins::prefix;

/// The environment variable naming a directory of documents, one
/// subdirectory per version.
pub const SPEC_DIR_ENV: &str = "POLAR_SPEC_DIR";

/// The workspace-relative directory of the git-ignored document cache.
pub const CACHE_DIR: &str = "spec/cache";

/// The shared copies, relative to the workspace root.
pub const SHARED_DIR: &str = "../shared/spec/versions";

/// The largest document a download accepts.
const MAX_DOWNLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// The workspace-relative cache file of `version`: `spec/cache/2026-10.json`.
pub fn cache_path(version: &str) -> String {
    format!("{CACHE_DIR}/{version}.json")
}

/// Where Polar publishes `version`'s document.
pub fn published_url(version: &str) -> String {
    format!("https://api.polar.sh/{version}/openapi.json")
}

/// Which of the sources provided the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The `--spec` flag (or a path or URL given to `diff`).
    Flag,
    /// `$POLAR_SPEC_DIR/V/`.
    SpecDir,
    /// The cache file `spec/cache/V.json`.
    Cache,
    /// `../shared/spec/versions/V/`.
    SharedCopy,
    /// A download of the version's `source_url`.
    SourceUrl,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "--spec",
            Source::SpecDir => SPEC_DIR_ENV,
            Source::Cache => "the cache",
            Source::SharedCopy => "the shared copy",
            Source::SourceUrl => "the version's source_url",
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

    /// The date in the location's file name (`polar-openapi-2026-04-16.json`,
    /// `2026-08-20.docs.json`), if it has one.
    pub fn date_from_name(&self) -> Option<String> {
        date::from_file_name(self.file_name())
    }

    /// The last segment of the location.
    pub fn file_name(&self) -> &str {
        self.location
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.location)
    }

    /// A short description: location and source.
    pub fn describe(&self) -> String {
        format!("{} (from {})", self.location, self.source)
    }
}

/// Where documents are looked for besides `--spec`, so that resolution can
/// be tested without touching the process environment.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The workspace root (for the cache, the shared copies and a relative
    /// `$POLAR_SPEC_DIR`).
    pub root: &'a Path,
    /// The value of `$POLAR_SPEC_DIR`.
    pub spec_dir: Option<&'a str>,
}

/// The value of `$POLAR_SPEC_DIR`, if set.
pub fn spec_dir_env() -> Result<Option<String>> {
    match std::env::var_os(SPEC_DIR_ENV) {
        None => Ok(None),
        Some(value) => value
            .into_string()
            .map(Some)
            .map_err(|_| anyhow!("{SPEC_DIR_ENV} is not valid UTF-8")),
    }
}

/// Find `pin`'s document: `explicit` (`--spec`), else the local copies with
/// the pinned hash, else a download of `source_url` (saved to the cache,
/// whatever its hash). Only an explicit or downloaded document may have
/// another hash than the pin's.
pub fn resolve(sources: &Sources<'_>, pin: &Pin, explicit: Option<&str>) -> Result<ResolvedSpec> {
    if let Some(spec) = non_empty(explicit) {
        return load_named(spec);
    }
    let tried = match find_local(sources, &pin.version, &pin.sha256)? {
        Ok(spec) => return Ok(spec),
        Err(tried) => tried,
    };
    let url = &pin.source_url;
    let failure = match download(url) {
        Ok(bytes) => {
            save_to_cache(sources.root, &pin.version, &bytes)?;
            return ResolvedSpec::from_bytes(bytes, Source::SourceUrl, url.clone(), true);
        }
        Err(error) => format!("{error:#}"),
    };
    let version = &pin.version;
    bail!(
        "no OpenAPI document for version {version} (pinned sha256 {}…, {}): {}, and the \
         download of {url} failed ({failure}); set {SPEC_DIR_ENV}=DIR with the document in \
         DIR/{version}/, put it at {}, or move the pin to another document with \
         `cargo xtask regen --version {version} --spec PATH|URL`",
        prefix(&pin.sha256),
        pin.date,
        tried.join(", "),
        cache_path(version)
    )
}

/// The document of `version` with SHA-256 `sha256`, from the local sources
/// in order: `$POLAR_SPEC_DIR`, the cache, the shared copies. `Ok(Err(..))`
/// says where it looked; `Err` is a `$POLAR_SPEC_DIR` that cannot be read.
pub fn find_local(
    sources: &Sources<'_>,
    version: &str,
    sha256: &str,
) -> Result<Result<ResolvedSpec, Vec<String>>> {
    let mut tried = Vec::new();
    match non_empty(sources.spec_dir) {
        None => tried.push(format!("{SPEC_DIR_ENV} is not set")),
        Some(dir) => {
            let base = resolve_path(dir, sources.root);
            if !base.is_dir() {
                bail!(
                    "{SPEC_DIR_ENV}={dir} is not a directory ({}); it names a directory with \
                     one subdirectory per version, like {SHARED_DIR}",
                    base.display()
                );
            }
            let location = format!("{}/{version}", dir.trim_end_matches('/'));
            match find_in_dir(&base.join(version), &location, sha256, Source::SpecDir)? {
                Ok(spec) => return Ok(Ok(spec)),
                Err(why) => tried.push(why),
            }
        }
    }
    let cache = cache_path(version);
    match read_file(&sources.root.join(&cache), cache.clone(), Source::Cache) {
        Ok(spec) if spec.sha256 == sha256 => return Ok(Ok(spec)),
        Ok(_) => tried.push(format!("{cache} has another sha256")),
        Err(_) => tried.push(format!("{cache} does not exist")),
    }
    let location = format!("{SHARED_DIR}/{version}");
    let shared = sources.root.join(&location);
    match find_in_dir(&shared, &location, sha256, Source::SharedCopy)? {
        Ok(spec) => return Ok(Ok(spec)),
        Err(why) => tried.push(why),
    }
    Ok(Err(tried))
}

/// The `*.json` file in `dir` whose SHA-256 is `sha256`; `Ok(Err(..))` says
/// why there is none.
fn find_in_dir(
    dir: &Path,
    location: &str,
    sha256: &str,
    source: Source,
) -> Result<Result<ResolvedSpec, String>> {
    if !dir.is_dir() {
        return Ok(Err(format!("{location}/ does not exist")));
    }
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let count = files.len();
    for path in files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let spec = read_file(&path, format!("{location}/{name}"), source)?;
        if spec.sha256 == sha256 {
            return Ok(Ok(spec));
        }
    }
    Ok(Err(match count {
        0 => format!("{location}/ has no *.json"),
        _ => format!("none of the {count} *.json in {location}/ has that sha256"),
    }))
}

/// Load a document named on the command line, as `--spec` does: a path
/// (relative to the current directory) or a URL, which is downloaded.
pub fn load_named(spec: &str) -> Result<ResolvedSpec> {
    if is_url(spec) {
        let bytes = download(spec)
            .with_context(|| format!("cannot download the OpenAPI spec {spec} (from --spec)"))?;
        return ResolvedSpec::from_bytes(bytes, Source::Flag, spec.to_owned(), true);
    }
    read_file(Path::new(spec), spec.to_owned(), Source::Flag)
}

/// Download `url` (Polar's published document of a version being added).
pub fn load_url(url: &str) -> Result<ResolvedSpec> {
    let bytes = download(url).with_context(|| format!("cannot download {url}"))?;
    ResolvedSpec::from_bytes(bytes, Source::SourceUrl, url.to_owned(), true)
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

/// Save a document as `version`'s cache, `spec/cache/V.json`.
pub fn save_to_cache(root: &Path, version: &str, bytes: &[u8]) -> Result<()> {
    let cache = root.join(cache_path(version));
    if let Some(dir) = cache.parent() {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
    }
    if fs::read(&cache).is_ok_and(|old| old == bytes) {
        return Ok(());
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
