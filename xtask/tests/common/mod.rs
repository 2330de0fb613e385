//! A throwaway fake workspace root for tests.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, deleted on drop.
pub struct TempRoot {
    path: PathBuf,
}

impl TempRoot {
    /// A new empty directory whose name includes `name`, the process id and a
    /// counter, so parallel tests never share one.
    pub fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("xtask-test-{name}-{}-{unique}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        TempRoot { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write `contents` to `relative`, creating parent directories.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(relative);
        fs::create_dir_all(path.parent().expect("has parent")).expect("create dirs");
        fs::write(&path, contents).expect("write file");
        path
    }

    /// The text of `relative`.
    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path.join(relative)).expect("read file")
    }

    /// Whether `relative` exists.
    pub fn exists(&self, relative: &str) -> bool {
        self.path.join(relative).exists()
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A pin file's text (with a one-line header).
pub fn pin_text(version: &str, lifecycle: &str, sha256: &str, source_url: &str) -> String {
    format!(
        "# the pin of {version}\nversion = \"{version}\"\nlifecycle = \"{lifecycle}\"\n\
         source_url = \"{source_url}\"\nsha256 = \"{sha256}\"\ndate = \"2026-08-20\"\n\
         copy = \"a test copy\"\n"
    )
}

impl TempRoot {
    /// Make this directory look like the workspace to regen: a root manifest
    /// with `[workspace]`, and the hand-written manifests that hold a
    /// generated block, with their markers.
    pub fn fake_workspace(&self) {
        self.write("Cargo.toml", "[workspace]\nmembers = []\n");
        for manifest in codegen::SPLICED_FILES {
            self.write(
                manifest,
                format!(
                    "[package]\nname = \"x\"\n\n[features]\n{}\n{}\n\n[dependencies]\n",
                    codegen::emit::features::BLOCK_BEGIN,
                    codegen::emit::features::BLOCK_END
                ),
            );
        }
    }
}
