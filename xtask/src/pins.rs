//! `spec/versions/`: the pins of every API version the SDK generates, one
//! file per version, and the rules the set keeps.
//!
//! Exactly one version is current; deprecated versions are older than it
//! and next versions newer (versions sort by name: `2026-04` < `2026-10`).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::pin::{Lifecycle, Pin, PinFile};

/// The workspace-relative directory of the pin files.
pub const PINS_DIR: &str = "spec/versions";

/// The workspace-relative path of `version`'s pin file.
pub fn pin_path(version: &str) -> String {
    format!("{PINS_DIR}/{version}.toml")
}

/// The pin files of a workspace, sorted by version.
#[derive(Debug, Clone, Default)]
pub struct Pins {
    /// The workspace the pins belong to.
    pub root: PathBuf,
    /// One file per version, sorted by version.
    pub files: Vec<PinFile>,
}

impl Pins {
    /// Every `spec/versions/*.toml` under `root` (none if the directory does
    /// not exist). Each file must be named after the version it pins, and the
    /// set must keep the lifecycle rules ([`validate_set`]).
    pub fn load(root: &Path) -> Result<Pins> {
        let dir = root.join(PINS_DIR);
        let mut files = Vec::new();
        if dir.exists() {
            let entries =
                fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
            for entry in entries {
                let path = entry
                    .with_context(|| format!("cannot list {}", dir.display()))?
                    .path();
                if path.extension().is_none_or(|ext| ext != "toml") {
                    continue;
                }
                let file = PinFile::load(&path)?;
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                if stem != file.pin.version.as_str() {
                    bail!(
                        "{} pins version {}; a pin file is named after its version ({})",
                        path.display(),
                        file.pin.version,
                        pin_path(&file.pin.version)
                    );
                }
                files.push(file);
            }
        }
        files.sort_by(|a, b| a.pin.version.cmp(&b.pin.version));
        let pins = Pins {
            root: root.to_owned(),
            files,
        };
        validate_set(&pins.list()).with_context(|| format!("invalid pins in {}", dir.display()))?;
        Ok(pins)
    }

    /// An error unless at least one version is pinned.
    pub fn require_any(&self) -> Result<()> {
        if self.files.is_empty() {
            bail!(
                "no pinned API versions: {} has no *.toml pin file; add a version with \
                 `cargo xtask regen --add YYYY-MM --lifecycle current`",
                self.root.join(PINS_DIR).display()
            );
        }
        Ok(())
    }

    /// Every pin, sorted by version.
    pub fn list(&self) -> Vec<Pin> {
        self.files.iter().map(|file| file.pin.clone()).collect()
    }

    /// The pin of `version`, if it is pinned.
    pub fn get(&self, version: &str) -> Option<&Pin> {
        self.files
            .iter()
            .map(|file| &file.pin)
            .find(|pin| pin.version == version)
    }

    /// The pin of `version`, or an error listing the pinned versions.
    pub fn require(&self, version: &str) -> Result<&Pin> {
        self.get(version).with_context(|| {
            format!(
                "version {version} is not pinned (no {}); pinned: {}",
                pin_path(version),
                self.names()
            )
        })
    }

    /// `2026-04 (deprecated), 2026-10 (current)`, or `none`.
    pub fn names(&self) -> String {
        labels(&self.list())
    }

    /// Make the files say `new` (sorted by version): rewrite changed pins in
    /// place, create added ones, delete removed ones. Returns what changed.
    pub fn save(&self, new: &[Pin]) -> Result<Vec<PinChange>> {
        validate_set(new)?;
        let mut changes = Vec::new();
        for pin in new {
            match self.files.iter().find(|f| f.pin.version == pin.version) {
                Some(file) if file.pin == *pin => {}
                Some(file) => {
                    file.save(pin)?;
                    changes.push(PinChange::Updated {
                        old: file.pin.clone(),
                        new: pin.clone(),
                    });
                }
                None => {
                    PinFile::create(&self.root.join(pin_path(&pin.version)), pin)?;
                    changes.push(PinChange::Added(pin.clone()));
                }
            }
        }
        for file in &self.files {
            if !new.iter().any(|pin| pin.version == file.pin.version) {
                fs::remove_file(&file.path)
                    .with_context(|| format!("cannot delete {}", file.path.display()))?;
                changes.push(PinChange::Removed(file.pin.clone()));
            }
        }
        Ok(changes)
    }
}

/// `2026-04 (deprecated), 2026-10 (current)`, or `none`.
pub fn labels(pins: &[Pin]) -> String {
    if pins.is_empty() {
        return "none".to_owned();
    }
    pins.iter().map(Pin::label).collect::<Vec<_>>().join(", ")
}

/// How a pin file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinChange {
    Added(Pin),
    Updated { old: Pin, new: Pin },
    Removed(Pin),
}

impl fmt::Display for PinChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinChange::Added(pin) => write!(
                f,
                "{}: pin added ({}), sha256 {}…, date {}",
                pin.label(),
                pin_path(&pin.version),
                prefix(&pin.sha256),
                pin.date
            ),
            PinChange::Updated { old, new } => {
                write!(f, "{}: pin updated: {}", new.version, pin_change(old, new))
            }
            PinChange::Removed(pin) => write!(
                f,
                "{}: pin removed ({} deleted)",
                pin.label(),
                pin_path(&pin.version)
            ),
        }
    }
}

/// The fields that changed, e.g. `sha256 3e9e18ac3e6b… -> 0c1d2e3f4a5b…, date
/// 2026-04-16 -> 2026-05-01`.
pub fn pin_change(old: &Pin, new: &Pin) -> String {
    let fields = [
        ("lifecycle", old.lifecycle.as_str(), new.lifecycle.as_str()),
        ("sha256", &old.sha256, &new.sha256),
        ("date", &old.date, &new.date),
        ("source_url", &old.source_url, &new.source_url),
        ("copy", &old.copy, &new.copy),
    ];
    fields
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(name, old, new)| match *name {
            "sha256" => format!("{name} {}… -> {}…", prefix(old), prefix(new)),
            "copy" => format!("{name} \"{old}\" -> \"{new}\""),
            _ => format!("{name} {old} -> {new}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first 12 hex digits of a hash.
pub fn prefix(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// The rules a set of pins keeps (an empty set keeps them): versions are
/// distinct, exactly one is current, deprecated ones are older and next ones
/// newer than it.
pub fn validate_set(pins: &[Pin]) -> Result<()> {
    if pins.is_empty() {
        return Ok(());
    }
    for (index, pin) in pins.iter().enumerate() {
        if pins[..index].iter().any(|p| p.version == pin.version) {
            bail!("version {} is pinned twice", pin.version);
        }
    }
    let current: Vec<&Pin> = pins
        .iter()
        .filter(|pin| pin.lifecycle == Lifecycle::Current)
        .collect();
    let current = match current.as_slice() {
        [one] => *one,
        [] => bail!(
            "no version is current ({}); exactly one must be: \
             `cargo xtask regen --version V --lifecycle current`",
            labels(pins)
        ),
        many => bail!(
            "{} versions are current ({}); exactly one may be",
            many.len(),
            many.iter()
                .map(|p| p.version.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    for pin in pins {
        let misplaced = match pin.lifecycle {
            Lifecycle::Deprecated => pin.version >= current.version,
            Lifecycle::Next => pin.version <= current.version,
            Lifecycle::Current => false,
        };
        if misplaced {
            let side = if pin.lifecycle == Lifecycle::Deprecated {
                "older"
            } else {
                "newer"
            };
            bail!(
                "{} is {} but not {side} than the current version {}",
                pin.version,
                pin.lifecycle,
                current.version
            );
        }
    }
    Ok(())
}

/// Give `version` (which must be in `pins`) the lifecycle `lifecycle`.
///
/// Exactly one version is current, so moving "current" is explicit: making
/// `version` current while another version is needs `old_current`, what that
/// version becomes; and the current version only stops being current by
/// another one becoming current. The order rules are checked by
/// [`validate_set`] afterwards.
pub fn set_lifecycle(
    pins: &mut [Pin],
    version: &str,
    lifecycle: Lifecycle,
    old_current: Option<Lifecycle>,
) -> Result<()> {
    let index = pins
        .iter()
        .position(|pin| pin.version == version)
        .with_context(|| format!("version {version} is not pinned"))?;
    if old_current.is_some() && lifecycle != Lifecycle::Current {
        bail!("--old-current goes only with --lifecycle current");
    }
    if old_current == Some(Lifecycle::Current) {
        bail!("--old-current must be deprecated or next: exactly one version is current");
    }
    if pins[index].lifecycle == Lifecycle::Current && lifecycle != Lifecycle::Current {
        bail!(
            "{version} is the current version and exactly one version is current: make another \
             version current instead (`--version V --lifecycle current --old-current {lifecycle}`)"
        );
    }
    let previous = pins
        .iter()
        .position(|pin| pin.lifecycle == Lifecycle::Current && pin.version != version);
    if lifecycle == Lifecycle::Current {
        match (previous, old_current) {
            (Some(previous), Some(old_current)) => pins[previous].lifecycle = old_current,
            (Some(previous), None) => bail!(
                "{} is the current version and exactly one version is current: to make \
                 {version} current, say what {} becomes with --old-current deprecated|next",
                pins[previous].version,
                pins[previous].version
            ),
            (None, Some(_)) => {
                bail!("--old-current has nothing to move: no other version is current")
            }
            (None, None) => {}
        }
    }
    pins[index].lifecycle = lifecycle;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(version: &str, lifecycle: Lifecycle) -> Pin {
        Pin {
            version: version.into(),
            lifecycle,
            source_url: format!("https://api.polar.sh/{version}/openapi.json"),
            sha256: "0".repeat(64),
            date: "2026-08-20".into(),
            copy: "a copy".into(),
        }
    }

    fn live() -> Vec<Pin> {
        vec![
            pin("2026-04", Lifecycle::Deprecated),
            pin("2026-10", Lifecycle::Current),
            pin("2027-01", Lifecycle::Next),
        ]
    }

    #[test]
    fn the_live_set_is_valid() {
        validate_set(&live()).unwrap();
        validate_set(&[]).unwrap();
    }

    #[test]
    fn exactly_one_version_is_current() {
        let mut two = live();
        two[0].lifecycle = Lifecycle::Current;
        let error = validate_set(&two).unwrap_err().to_string();
        assert!(error.contains("2 versions are current"), "{error}");
        let none = vec![pin("2026-10", Lifecycle::Next)];
        let error = validate_set(&none).unwrap_err().to_string();
        assert!(error.starts_with("no version is current"), "{error}");
    }

    #[test]
    fn deprecated_is_older_and_next_newer_than_current() {
        let mut pins = live();
        pins[2].lifecycle = Lifecycle::Deprecated;
        let error = validate_set(&pins).unwrap_err().to_string();
        assert_eq!(
            error,
            "2027-01 is deprecated but not older than the current version 2026-10"
        );
    }

    #[test]
    fn moving_current_needs_old_current() {
        let mut pins = live();
        let error = set_lifecycle(&mut pins, "2027-01", Lifecycle::Current, None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("--old-current deprecated|next"), "{error}");
        assert_eq!(pins, live(), "nothing changed");

        set_lifecycle(
            &mut pins,
            "2027-01",
            Lifecycle::Current,
            Some(Lifecycle::Deprecated),
        )
        .unwrap();
        assert_eq!(pins[1].lifecycle, Lifecycle::Deprecated);
        assert_eq!(pins[2].lifecycle, Lifecycle::Current);
        validate_set(&pins).unwrap();
    }

    #[test]
    fn the_current_version_cannot_just_stop_being_current() {
        let mut pins = live();
        let error = set_lifecycle(&mut pins, "2026-10", Lifecycle::Deprecated, None)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("make another version current instead"),
            "{error}"
        );
        // Already current: nothing to do.
        set_lifecycle(&mut pins, "2026-10", Lifecycle::Current, None).unwrap();
        assert_eq!(pins, live());
    }

    #[test]
    fn old_current_only_with_current() {
        let mut pins = live();
        let error = set_lifecycle(
            &mut pins,
            "2026-04",
            Lifecycle::Next,
            Some(Lifecycle::Deprecated),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("only with --lifecycle current"), "{error}");
    }

    #[test]
    fn changes_read_naturally() {
        let old = pin("2026-10", Lifecycle::Current);
        let new = Pin {
            lifecycle: Lifecycle::Deprecated,
            date: "2026-09-28".into(),
            ..old.clone()
        };
        assert_eq!(
            PinChange::Updated { old, new }.to_string(),
            "2026-10: pin updated: lifecycle current -> deprecated, date 2026-08-20 -> 2026-09-28"
        );
    }
}
