//! Readable unified diffs of [`Change`]s, cut to a size a terminal can show.

use std::fmt::Write;

use similar::TextDiff;

use crate::write::{normalize_newlines, Change, ChangeKind};

/// How much of the differences to show.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files shown with a diff; the rest are only named.
    pub files: usize,
    /// Diff lines shown per file.
    pub lines_per_file: usize,
    /// Further files named before "... and N more".
    pub names: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            files: 3,
            lines_per_file: 60,
            names: 20,
        }
    }
}

/// Diffs of the first `limits.files` changes (disk → generated), then the
/// names of the rest.
pub fn render(changes: &[Change], limits: Limits) -> String {
    let mut out = String::new();
    for change in changes.iter().take(limits.files) {
        out.push_str(&render_one(change, limits.lines_per_file));
    }
    let rest: Vec<&str> = changes
        .iter()
        .skip(limits.files)
        .map(|change| change.path.as_str())
        .collect();
    if !rest.is_empty() {
        out.push_str(&format!("{} more files differ:\n", rest.len()));
        out.push_str(&path_list(&rest, limits.names));
    }
    out
}

/// One line per path, indented, with "... and N more" after `max` of them.
pub fn path_list(paths: &[&str], max: usize) -> String {
    let mut out = String::new();
    for path in paths.iter().take(max) {
        let _ = writeln!(out, "  {path}");
    }
    if paths.len() > max {
        let _ = writeln!(out, "  ... and {} more", paths.len() - max);
    }
    out
}

fn render_one(change: &Change, max_lines: usize) -> String {
    let what = match change.kind {
        ChangeKind::Create => "missing on disk; regen would create it",
        ChangeKind::Update => "differs from the generator's output",
        ChangeKind::Remove => "no longer generated; regen would delete it",
    };
    let mut out = format!("=== {} ({what})\n", change.path);
    let old = normalize_newlines(&change.old);
    let diff = TextDiff::from_lines(&old, &change.new);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{} (on disk)", change.path),
            &format!("{} (generated)", change.path),
        )
        .to_string();
    let lines: Vec<&str> = unified.lines().collect();
    for line in lines.iter().take(max_lines) {
        out.push_str(line);
        out.push('\n');
    }
    if lines.len() > max_lines {
        let _ = writeln!(out, "... ({} more diff lines)", lines.len() - max_lines);
    }
    if lines.is_empty() {
        out.push_str("(an empty file)\n");
    }
    out.push('\n');
    out
}
