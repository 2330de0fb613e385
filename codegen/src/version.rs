//! Polar's dated API versions, as the generator sees them: a name
//! (`2026-10`), where it stands in Polar's schedule, and the Rust names that
//! follow from it (module `v2026_10`, cargo feature `v2026-10`).
//!
//! Every stage below this one works on one version at a time; this is the
//! one place that knows how a version is spelled in Rust.

use std::fmt;

/// Where a version stands in Polar's schedule: three are live at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lifecycle {
    /// Still served, frozen, removed at the next quarterly release.
    Deprecated,
    /// What the server answers without a `Polar-Version` header; frozen. The
    /// crates' default feature.
    Current,
    /// The upcoming version: everything new lands here until it is frozen.
    Next,
}

impl Lifecycle {
    /// Every lifecycle, in schedule order.
    pub const ALL: [Lifecycle; 3] = [Lifecycle::Deprecated, Lifecycle::Current, Lifecycle::Next];

    /// The name used in pin files: `deprecated`, `current` or `next`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Deprecated => "deprecated",
            Lifecycle::Current => "current",
            Lifecycle::Next => "next",
        }
    }

    /// The inverse of [`Lifecycle::as_str`].
    pub fn parse(text: &str) -> Option<Lifecycle> {
        Lifecycle::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// A capitalized label for documentation (`Deprecated`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Lifecycle::Deprecated => "Deprecated",
            Lifecycle::Current => "Current",
            Lifecycle::Next => "Next",
        }
    }
}

impl fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One API version of the generated crates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersion {
    /// The value of the `Polar-Version` header: `YYYY-MM` for Polar's dated
    /// versions; historical unversioned documents are named by their date.
    pub name: String,
    pub lifecycle: Lifecycle,
}

impl ApiVersion {
    /// A version, if `name` is made of ASCII digits separated by single `-`
    /// (what a Rust module and a cargo feature can both spell).
    pub fn new(name: &str, lifecycle: Lifecycle) -> Option<ApiVersion> {
        let valid = !name.is_empty()
            && name
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        valid.then(|| ApiVersion {
            name: name.to_owned(),
            lifecycle,
        })
    }

    /// The module of this version in both crates: `v2026_10`.
    pub fn module(&self) -> String {
        format!("v{}", self.name.replace('-', "_"))
    }

    /// The cargo feature that compiles this version: `v2026-10`.
    pub fn feature(&self) -> String {
        format!("v{}", self.name)
    }
}
