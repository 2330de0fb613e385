//! `spec/pin.toml`: which OpenAPI document the committed code was generated
//! from.
//!
//! The file is a handful of `key = "value"` lines under a comment header, so
//! it is read and written by hand. Rewriting replaces only the quoted values
//! and keeps every comment, blank line and the key order.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::date;

/// The pinned spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// Where the document is published; regen downloads it from here when no
    /// local copy is available.
    pub source_url: String,
    /// SHA-256 (lowercase hex) of the document's bytes.
    pub sha256: String,
    /// The date the document was published, `YYYY-MM-DD`.
    pub date: String,
}

/// The keys a pin file holds, in the order they are appended when missing.
const KEYS: [&str; 3] = ["source_url", "sha256", "date"];

impl Pin {
    fn get(&self, key: &str) -> &str {
        match key {
            "source_url" => &self.source_url,
            "sha256" => &self.sha256,
            _ => &self.date,
        }
    }
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

    /// Write `pin` to the file, keeping the loaded text's comments and layout.
    pub fn save(&self, pin: &Pin) -> Result<()> {
        fs::write(&self.path, render(&self.text, pin))
            .with_context(|| format!("cannot write the pin file {}", self.path.display()))
    }
}

/// Parse the text of a pin file.
pub fn parse(text: &str) -> Result<Pin> {
    let mut values: [Option<String>; 3] = Default::default();
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
    let [source_url, sha256, date] = values;
    let pin = Pin {
        source_url: source_url.context("`source_url` is missing")?,
        sha256: sha256.context("`sha256` is missing")?,
        date: date.context("`date` is missing")?,
    };
    validate(&pin)?;
    Ok(pin)
}

/// `previous` with the values of `pin` put in place of the old ones; keys
/// missing from `previous` are appended.
pub fn render(previous: &str, pin: &Pin) -> String {
    let mut seen = Vec::new();
    let mut out = String::with_capacity(previous.len());
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
    if pin.source_url.is_empty() {
        bail!("`source_url` is empty");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "3e9e18ac3e6b0713f80dc4edb2dcbb7e6a65f74e089fae87553e399fe86f042a";

    fn sample() -> String {
        format!(
            "# header comment\n# second line\n\nsource_url = \"https://example.com/openapi.json\"\nsha256 = \"{SHA}\"  # trailing\ndate = \"2026-04-16\"\n"
        )
    }

    #[test]
    fn parses_values() {
        let pin = parse(&sample()).unwrap();
        assert_eq!(pin.source_url, "https://example.com/openapi.json");
        assert_eq!(pin.sha256, SHA);
        assert_eq!(pin.date, "2026-04-16");
    }

    #[test]
    fn render_replaces_values_and_keeps_everything_else() {
        let new = Pin {
            source_url: "https://example.com/v2.json".into(),
            sha256: "0".repeat(64),
            date: "2026-05-01".into(),
        };
        let text = render(&sample(), &new);
        assert_eq!(
            text,
            format!(
                "# header comment\n# second line\n\nsource_url = \"https://example.com/v2.json\"\nsha256 = \"{}\"  # trailing\ndate = \"2026-05-01\"\n",
                "0".repeat(64)
            )
        );
        assert_eq!(parse(&text).unwrap(), new);
    }

    #[test]
    fn render_appends_missing_keys() {
        let pin = parse(&sample()).unwrap();
        let text = render("# only a comment\n", &pin);
        assert!(text.starts_with("# only a comment\nsource_url = "));
        assert_eq!(parse(&text).unwrap(), pin);
    }

    #[test]
    fn rejects_bad_files() {
        let error = |text: &str| format!("{:#}", parse(text).unwrap_err());
        let good = sample();
        assert!(error(&good.replace("date = ", "dat = ")).contains("unknown key `dat`"));
        assert!(error(&good.replace(SHA, "abc")).contains("64 lowercase hex"));
        assert!(error(&good.replace("2026-04-16", "yesterday")).contains("`date`"));
        assert!(error(&format!("{good}date = \"2026-04-17\"\n")).contains("set twice"));
        assert!(error("sha256 = 'x'\n").contains("double quotes"));
        assert!(error("source_url = \"x\"\n").contains("`sha256` is missing"));
    }
}
