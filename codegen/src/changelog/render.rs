//! A [`Changelog`] as plain text (a terminal), Markdown (a pull-request
//! comment) or JSON (machines).
//!
//! All three list the breaking entries first, then the additive ones, each
//! in the changelog's order. The JSON field names are stable:
//!
//! ```json
//! {
//!   "breaking": 1,
//!   "additive": 0,
//!   "entries": [
//!     {
//!       "kind": "field_removed",
//!       "class": "breaking",
//!       "item": "Customer.legacy_id",
//!       "old": "Option<String>",
//!       "new": null,
//!       "note": null
//!     }
//!   ]
//! }
//! ```

use std::fmt::Write;

use super::{Changelog, Class, Entry};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl Format {
    /// `text`, `markdown` (or `md`), `json`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Render in `format`.
pub fn render(changelog: &Changelog, format: Format) -> String {
    match format {
        Format::Text => text(changelog),
        Format::Markdown => markdown(changelog),
        Format::Json => json(changelog),
    }
}

/// `3 breaking, 12 additive changes`.
pub fn summary(changelog: &Changelog) -> String {
    let (breaking, additive) = changelog.counts();
    let total = breaking + additive;
    let changes = if total == 1 { "change" } else { "changes" };
    format!("{breaking} breaking, {additive} additive {changes}")
}

/// For a terminal: a summary line, then one line per entry under
/// `Breaking:` and `Additive:`.
pub fn text(changelog: &Changelog) -> String {
    if changelog.is_empty() {
        return "no changes to the generated crates\n".to_owned();
    }
    let width = changelog
        .entries
        .iter()
        .map(|e| e.kind.label().len())
        .max()
        .unwrap_or(0);
    let mut out = format!("{}\n", summary(changelog));
    for (title, entries) in sections(changelog) {
        let _ = writeln!(out, "\n{title} ({}):", entries.len());
        for entry in entries {
            let label = entry.kind.label();
            let _ = write!(out, "  {label:<width$}  {}", entry.item);
            let change = change_text(entry, |s| s.to_owned());
            if !change.is_empty() {
                let _ = write!(out, ": {change}");
            }
            if let Some(note) = &entry.note {
                let _ = write!(out, " ({note})");
            }
            out.push('\n');
        }
    }
    out
}

/// The non-empty sections, breaking first: title and entries.
fn sections(changelog: &Changelog) -> Vec<(&'static str, Vec<&Entry>)> {
    [("Breaking", Class::Breaking), ("Additive", Class::Additive)]
        .into_iter()
        .map(|(title, class)| {
            let entries = changelog.entries.iter().filter(|e| e.class == class);
            (title, entries.collect::<Vec<_>>())
        })
        .filter(|(_, entries)| !entries.is_empty())
        .collect()
}

/// For a pull-request comment: a summary line with the counts, then
/// `### Breaking` and `### Additive` sections with a bullet per entry.
pub fn markdown(changelog: &Changelog) -> String {
    if changelog.is_empty() {
        return "No changes to the generated crates.\n".to_owned();
    }
    let (breaking, additive) = changelog.counts();
    let total = breaking + additive;
    let changes = if total == 1 { "change" } else { "changes" };
    let breaking_text = if breaking > 0 {
        format!("**{breaking} breaking**")
    } else {
        "0 breaking".to_owned()
    };
    let mut out =
        format!("{breaking_text}, {additive} additive {changes} to the generated crates.\n");
    for (title, entries) in sections(changelog) {
        let _ = writeln!(out, "\n### {title} ({})\n", entries.len());
        for entry in entries {
            let _ = write!(out, "- {} {}", entry.kind.label(), code(&entry.item));
            let change = change_text(entry, code);
            if !change.is_empty() {
                let _ = write!(out, ": {change}");
            }
            if let Some(note) = &entry.note {
                let _ = write!(out, " ({})", escape(note));
            }
            out.push('\n');
        }
    }
    out
}

/// The changelog as pretty-printed JSON: `breaking` and `additive` counts,
/// then `entries` with `kind`, `class`, `item`, `old`, `new`, `note`.
pub fn json(changelog: &Changelog) -> String {
    let (breaking, additive) = changelog.counts();
    let ordered: Vec<&Entry> = changelog.breaking().chain(changelog.additive()).collect();
    let value = serde_json::json!({
        "breaking": breaking,
        "additive": additive,
        "entries": ordered,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("a changelog serializes");
    text.push('\n');
    text
}

/// `old → new`, `old` or `new`, each passed through `wrap`.
fn change_text(entry: &Entry, wrap: impl Fn(&str) -> String) -> String {
    match (&entry.old, &entry.new) {
        (Some(old), Some(new)) => format!("{} → {}", wrap(old), wrap(new)),
        (Some(old), None) => wrap(old),
        (None, Some(new)) => wrap(new),
        (None, None) => String::new(),
    }
}

/// A Markdown code span that survives backticks in its text.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Notes are prose with `code` spans already; keep them from opening HTML
/// tags (`Option<T>` outside a code span).
fn escape(note: &str) -> String {
    let mut out = String::with_capacity(note.len());
    let mut in_code = false;
    for c in note.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}
