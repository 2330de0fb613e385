//! `spec/versions/<version>.toml`: which OpenAPI document one API version's
//! committed code was generated from.
//!
//! The file is a handful of `key = "value"` lines under a comment header, so
//! it is read and written by hand. Rewriting replaces only the quoted values
//! and keeps every comment, blank line and the key order.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::date;

/// Where an API version stands in Polar's schedule (`deprecated`, `current`,
/// `next`): the generator's own type.
pub use codegen::Lifecycle;

/// One pinned API version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The `Polar-Version` value, `YYYY-MM` (a date for the historical
    /// unversioned documents `check-specs` builds).
    pub version: String,
    /// Where the version stands in Polar's schedule.
    pub lifecycle: Lifecycle,
    /// Where the version's document is published; regen downloads it from
    /// here when no local copy is available.
    pub source_url: String,
    /// SHA-256 (lowercase hex) of the document's bytes.
    pub sha256: String,
    /// The date the copy was taken, `YYYY-MM-DD`.
    pub date: String,
    /// Free text saying which copy of the document this is.
    pub copy: String,
}

/// The keys a pin file holds, in the order they are appended when missing.
pub const KEYS: [&str; 6] = [
    "version",
    "lifecycle",
    "source_url",
    "sha256",
    "date",
    "copy",
];

impl Pin {
    fn get(&self, key: &str) -> &str {
        match key {
            "version" => &self.version,
            "lifecycle" => self.lifecycle.as_str(),
            "source_url" => &self.source_url,
            "sha256" => &self.sha256,
            "date" => &self.date,
            _ => &self.copy,
        }
    }

    /// `2026-10 (current)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.version, self.lifecycle)
    }
}

/// The comment header of a pin file written by [`PinFile::create`].
pub fn header(version: &str) -> String {
    format!(
        "\
# Polar API version {version}: the OpenAPI document its committed generated
# code was produced from. Written by `cargo xtask regen`; checked by
# `cargo xtask check`. The document itself is never committed: regen finds it
# by SHA-256 in $POLAR_SPEC_DIR/{version}/, spec/cache/{version}.json
# (git-ignored) or ../shared/spec/versions/{version}/, else downloads
# `source_url`.
"
    )
}

/// A pin file as it is on disk: its text (for rewriting in place) and the
/// pin it holds.
#[derive(Debug, Clone)]
pub struct PinFile {
    /// Where the file lives.
    pub path: PathBuf,
    /// The file's text when it was loaded.
    pub text: String,
    /// The pin parsed from `text`.
    pub pin: Pin,
}

impl PinFile {
    /// Read and parse the pin file at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read the pin file {}", path.display()))?;
        let pin = parse(&text).with_context(|| format!("invalid pin file {}", path.display()))?;
        Ok(PinFile {
            path: path.to_owned(),
            text,
            pin,
        })
    }

    /// Write a new pin file at `path`: [`header`], then the keys.
    pub fn create(path: &Path, pin: &Pin) -> Result<PinFile> {
        validate(pin)?;
        let text = render(&header(&pin.version), pin);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fs::write(path, &text)
            .with_context(|| format!("cannot write the pin file {}", path.display()))?;
        Ok(PinFile {
            path: path.to_owned(),
            text,
            pin: pin.clone(),
        })
    }

    /// Write `pin` to the file, keeping the loaded text's comments and layout.
    pub fn save(&self, pin: &Pin) -> Result<()> {
        validate(pin)?;
        fs::write(&self.path, render(&self.text, pin))
            .with_context(|| format!("cannot write the pin file {}", self.path.display()))
    }
}

/// Parse the text of a pin file.
pub fn parse(text: &str) -> Result<Pin> {
    let mut values: [Option<String>; 6] = Default::default();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let Some(entry) = parse_line(line).with_context(|| format!("line {line_number}"))? else {
            continue;
        };
        let Some(slot) = KEYS.iter().position(|key| *key == entry.key) else {
            bail!(
                "line {line_number}: unknown key `{}` (expected one of {})",
                entry.key,
                KEYS.join(", ")
            );
        };
        if values[slot].is_some() {
            bail!("line {line_number}: `{}` is set twice", entry.key);
        }
        values[slot] = Some(line[entry.value].to_owned());
    }
    let [version, lifecycle, source_url, sha256, date, copy] = values;
    let lifecycle = lifecycle.context("`lifecycle` is missing")?;
    let pin = Pin {
        version: version.context("`version` is missing")?,
        lifecycle: Lifecycle::parse(&lifecycle).with_context(|| {
            format!("`lifecycle` must be deprecated, current or next, found `{lifecycle}`")
        })?,
        source_url: source_url.context("`source_url` is missing")?,
        sha256: sha256.context("`sha256` is missing")?,
        date: date.context("`date` is missing")?,
        copy: copy.context("`copy` is missing")?,
    };
    validate(&pin)?;
    Ok(pin)
}

/// `previous` with the values of `pin` put in place of the old ones; keys
/// missing from `previous` are appended.
pub fn render(previous: &str, pin: &Pin) -> String {
    let mut seen = Vec::new();
    let mut out = String::with_capacity(previous.len() + 256);
    for line in previous.lines() {
        match parse_line(line) {
            Ok(Some(entry)) if KEYS.contains(&entry.key) => {
                out.push_str(&line[..entry.value.start]);
                out.push_str(pin.get(entry.key));
                out.push_str(&line[entry.value.end..]);
                seen.push(entry.key);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    for key in KEYS.iter().filter(|key| !seen.contains(key)) {
        out.push_str(&format!("{key} = \"{}\"\n", pin.get(key)));
    }
    out
}

/// Why `text` cannot be a pin value (it must fit between double quotes on
/// one line), if it cannot.
pub fn value_problem(text: &str) -> Option<&'static str> {
    if text.contains('"') {
        Some("must not contain `\"`")
    } else if text.contains('\\') {
        Some("must not contain `\\`")
    } else if text.contains(['\n', '\r']) {
        Some("must be one line")
    } else {
        None
    }
}

/// A `key = "value"` line: the key, and where the value sits in the line.
struct Entry<'a> {
    key: &'a str,
    value: Range<usize>,
}

/// `None` for blank and comment lines.
fn parse_line(line: &str) -> Result<Option<Entry<'_>>> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let Some((key, rest)) = line.split_once('=') else {
        bail!("expected `key = \"value\"`, found `{line}`");
    };
    let quoted = rest.trim_start();
    let Some(after_open) = quoted.strip_prefix('"') else {
        bail!("the value of `{}` must be in double quotes", key.trim());
    };
    let Some(length) = after_open.find('"') else {
        bail!("the value of `{}` has no closing quote", key.trim());
    };
    let start = line.len() - after_open.len();
    let value = start..start + length;
    if line[value.clone()].contains('\\') {
        bail!("the value of `{}` must not contain `\\`", key.trim());
    }
    let trailing = line[value.end + 1..].trim();
    if !trailing.is_empty() && !trailing.starts_with('#') {
        bail!(
            "unexpected `{trailing}` after the value of `{}`",
            key.trim()
        );
    }
    Ok(Some(Entry {
        key: key.trim(),
        value,
    }))
}

fn validate(pin: &Pin) -> Result<()> {
    if !date::is_version(&pin.version) {
        bail!(
            "`version` must be a version like 2026-10 (or a date like 2026-04-16), found `{}`",
            pin.version
        );
    }
    let is_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    if pin.sha256.len() != 64 || !pin.sha256.chars().all(is_hex) {
        bail!(
            "`sha256` must be 64 lowercase hex digits, found `{}`",
            pin.sha256
        );
    }
    if !date::is_valid(&pin.date) {
        bail!(
            "`date` must be a date like 2026-04-16, found `{}`",
            pin.date
        );
    }
    for (key, value) in [("source_url", &pin.source_url), ("copy", &pin.copy)] {
        if value.trim().is_empty() {
            bail!("`{key}` is empty");
        }
        if let Some(problem) = value_problem(value) {
            bail!("`{key}` {problem}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "8ac1830be58df3d24270430c2a3fc226eedede5c44ec1675b4a7d491d476ca44";

    fn sample() -> String {
        format!(
            "# header comment\n# second line\n\nversion = \"2026-10\"\nlifecycle = \"current\"\n\
             source_url = \"https://api.polar.sh/2026-10/openapi.json\"\nsha256 = \"{SHA}\"  # trailing\n\
             date = \"2026-08-20\"\ncopy = \"the docs copy\"\n"
        )
    }

    fn sample_pin() -> Pin {
        Pin {
            version: "2026-10".into(),
            lifecycle: Lifecycle::Current,
            source_url: "https://api.polar.sh/2026-10/openapi.json".into(),
            sha256: SHA.into(),
            date: "2026-08-20".into(),
            copy: "the docs copy".into(),
        }
    }

    #[test]
    fn parses_values() {
        assert_eq!(parse(&sample()).unwrap(), sample_pin());
    }

    #[test]
    fn render_replaces_values_and_keeps_everything_else() {
        let new = Pin {
            lifecycle: Lifecycle::Deprecated,
            sha256: "0".repeat(64),
            date: "2026-09-28".into(),
            copy: "the frozen document".into(),
            ..sample_pin()
        };
        let text = render(&sample(), &new);
        assert_eq!(
            text,
            sample()
                .replace("\"current\"", "\"deprecated\"")
                .replace(SHA, &"0".repeat(64))
                .replace("2026-08-20", "2026-09-28")
                .replace("the docs copy", "the frozen document")
        );
        assert_eq!(parse(&text).unwrap(), new);
    }

    #[test]
    fn render_appends_missing_keys() {
        let pin = sample_pin();
        let text = render("# only a comment\n", &pin);
        assert!(text.starts_with("# only a comment\nversion = \"2026-10\"\nlifecycle = "));
        assert_eq!(parse(&text).unwrap(), pin);
    }

    #[test]
    fn a_created_file_has_the_header_and_parses_back() {
        let text = render(&header("2026-10"), &sample_pin());
        assert!(text.starts_with("# Polar API version 2026-10:"), "{text}");
        assert_eq!(parse(&text).unwrap(), sample_pin());
    }

    #[test]
    fn rejects_bad_files() {
        let error = |text: &str| format!("{:#}", parse(text).unwrap_err());
        let good = sample();
        assert!(error(&good.replace("date = ", "dat = ")).contains("unknown key `dat`"));
        assert!(error(&good.replace(SHA, "abc")).contains("64 lowercase hex"));
        assert!(error(&good.replace("2026-08-20", "yesterday")).contains("`date`"));
        assert!(error(&good.replace("\"current\"", "\"live\"")).contains("deprecated, current"));
        assert!(error(&good.replace("\"2026-10\"", "\"v10\"")).contains("`version`"));
        assert!(error(&good.replace("the docs copy", " ")).contains("`copy` is empty"));
        assert!(error(&format!("{good}date = \"2026-04-17\"\n")).contains("set twice"));
        assert!(error("sha256 = 'x'\n").contains("double quotes"));
        assert!(error("version = \"2026-10\"\n").contains("`lifecycle` is missing"));
    }

    #[test]
    fn values_that_do_not_fit_are_named() {
        assert_eq!(value_problem("plain text, (with) `ticks`"), None);
        assert!(value_problem("a \"quote\"").is_some());
        assert!(value_problem("two\nlines").is_some());
        let pin = Pin {
            copy: "a \"quote\"".into(),
            ..sample_pin()
        };
        let text = render(&header("2026-10"), &pin);
        assert!(parse(&text).is_err());
    }
}
