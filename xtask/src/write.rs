//! Bringing the files on disk in line with the generator's output.
//!
//! [`plan`] compares generated files with the disk and lists what would
//! change; `check` reports that list, and [`ensure_files`] — the only function
//! that writes generated code — carries it out. Line endings are normalized to
//! `\n`, and a file whose contents differ only in line endings counts as
//! unchanged (a Windows checkout with `core.autocrlf` stays clean).

use std::fs;
use std::io;
use std::path::Path;

use anyhow::{bail, Context, Result};
use codegen::Files;

/// One file that differs between the generator's output and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Workspace-relative path, `/`-separated.
    pub path: String,
    /// What is on disk now, empty if nothing.
    pub old: String,
    /// What should be on disk, empty if the file should be removed.
    pub new: String,
    /// What kind of difference this is.
    pub kind: ChangeKind,
}

/// The kind of a [`Change`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Generated but missing on disk.
    Create,
    /// On disk with other contents.
    Update,
    /// In a generated directory but no longer generated.
    Remove,
}

/// How the disk differs from the generator's output.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Files to create, update or remove, sorted by path.
    pub changes: Vec<Change>,
    /// How many generated files already match the disk.
    pub unchanged: usize,
}

/// What [`ensure_files`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or rewritten.
    pub written: Vec<String>,
    /// How many files already had the right contents.
    pub unchanged: usize,
    /// Stale files deleted from the generated directories.
    pub removed: Vec<String>,
}

/// Write `files` under `root`: skip files whose contents are unchanged, create
/// parent directories, and delete files in `generated_dirs` that `files` no
/// longer contains.
pub fn ensure_files(root: &Path, files: &Files, generated_dirs: &[&str]) -> Result<WriteReport> {
    let plan = plan(root, files, generated_dirs)?;
    let mut report = WriteReport {
        unchanged: plan.unchanged,
        ..WriteReport::default()
    };
    for change in &plan.changes {
        let path = root.join(&change.path);
        if change.kind == ChangeKind::Remove {
            fs::remove_file(&path).with_context(|| format!("cannot delete {}", path.display()))?;
            remove_emptied_dirs(root, &change.path, generated_dirs)?;
            report.removed.push(change.path.clone());
        } else {
            write_file(&path, &change.new)?;
            report.written.push(change.path.clone());
        }
    }
    Ok(report)
}

/// Compare `files` with the disk under `root`, without writing anything.
pub fn plan(root: &Path, files: &Files, generated_dirs: &[&str]) -> Result<Plan> {
    let mut plan = Plan::default();
    for (path, contents) in files {
        check_relative(path)?;
        let current = read_if_exists(&root.join(path))?;
        let new = if codegen::SPLICED_FILES.contains(&path.as_str()) {
            // A hand-written file with a generated block: the entry is the
            // block, and the file is what it becomes with the block in place.
            let current = current
                .as_deref()
                .with_context(|| format!("{path} is missing; it holds a generated block"))?;
            codegen::emit::features::splice_block(
                path,
                &normalize_newlines(current),
                &normalize_newlines(contents),
            )?
        } else {
            normalize_newlines(contents)
        };
        match current {
            Some(old) if normalize_newlines(&old) == new => plan.unchanged += 1,
            Some(old) => plan.changes.push(Change {
                path: path.clone(),
                old,
                new,
                kind: ChangeKind::Update,
            }),
            None => plan.changes.push(Change {
                path: path.clone(),
                old: String::new(),
                new,
                kind: ChangeKind::Create,
            }),
        }
    }
    for dir in generated_dirs {
        for path in list_files(root, dir)? {
            if !files.contains_key(&path) {
                let old = read_if_exists(&root.join(&path))?.unwrap_or_default();
                plan.changes.push(Change {
                    path,
                    old,
                    new: String::new(),
                    kind: ChangeKind::Remove,
                });
            }
        }
    }
    plan.changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plan)
}

/// After `removed` (a file in one of `generated_dirs`) is deleted, delete
/// its parent directories that are now empty, up to but not including the
/// generated directory. A generated model crate's directory left empty would
/// still match the workspace's `polar-models/generated/*` member glob, and
/// cargo refuses a member without a manifest.
fn remove_emptied_dirs(root: &Path, removed: &str, generated_dirs: &[&str]) -> Result<()> {
    let Some(top) = generated_dirs
        .iter()
        .find(|dir| removed.starts_with(&format!("{dir}/")))
    else {
        return Ok(());
    };
    let mut dir = Path::new(removed).parent();
    while let Some(relative) = dir.filter(|d| d.as_os_str().len() > top.len()) {
        let absolute = root.join(relative);
        let empty = fs::read_dir(&absolute)
            .with_context(|| format!("cannot list {}", absolute.display()))?
            .next()
            .is_none();
        if !empty {
            break;
        }
        fs::remove_dir(&absolute)
            .with_context(|| format!("cannot delete {}", absolute.display()))?;
        dir = relative.parent();
    }
    Ok(())
}

/// `text` with every `\r\n` replaced by `\n`.
pub fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn write_file(path: &Path, contents: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// The file's text (lossily decoded), or `None` if there is no such file.
fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Every file under `root/dir`, as sorted `/`-separated workspace-relative
/// paths; none if the directory does not exist.
fn list_files(root: &Path, dir: &str) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(relative) = pending.pop() {
        let absolute = root.join(&relative);
        let entries = match fs::read_dir(&absolute) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("cannot list {}", absolute.display()))
            }
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", absolute.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = format!("{relative}/{name}");
            if entry.path().is_dir() {
                pending.push(child);
            } else {
                found.push(child);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reject generator paths that are not plain `/`-separated relative paths
/// (and so might escape the workspace or name the same file twice).
fn check_relative(path: &str) -> Result<()> {
    let odd_segment = path
        .split('/')
        .any(|segment| matches!(segment, "" | "." | ".."));
    if odd_segment || path.contains(['\\', ':']) {
        bail!("the generator produced an invalid path `{path}`; this is a generator bug");
    }
    Ok(())
}
