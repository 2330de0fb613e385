//! Where the generated models go: a crate per API version, one for the
//! types several versions define alike, and `polar-models` re-exporting them.
//!
//! Why crates and not modules: a crate's type checking runs on one core, so
//! as one crate two versions' types compiled one after the other; as
//! separate crates they compile side by side once the shared crate is
//! built (BENCHMARKS.md, "Two API versions at once"). Users see none of it:
//! they depend on `polar-models` (or `polar-api`) and write
//! `polar_models::v2026_10::Order` as before.
//!
//! ```text
//! polar-models/                 the facade users depend on (hand-written)
//!   src/generated/mod.rs        its re-exports of the crates below (generated)
//!   core/                       polar-models-core: the runtime (hand-written)
//!   generated/shared/           polar-models-shared (generated)
//!   generated/v2026_10/         polar-models-v2026-10 (generated), one per version
//! ```

use crate::ApiVersion;

/// The facade's generated root: a `pub use` of each version's crate.
pub const MODELS_FACADE_ROOT: &str = "polar-models/src/generated/mod.rs";

/// The directory of the generated model crates (every file in it is generated).
pub const MODEL_CRATES_DIR: &str = "polar-models/generated";

/// The package of the hand-written runtime the generated crates use.
pub const CORE_PACKAGE: &str = "polar-models-core";

/// Where that package lives.
pub const CORE_DIR: &str = "polar-models/core";

/// The package of the types several versions share.
pub const SHARED_PACKAGE: &str = "polar-models-shared";

/// The version of every generated package: the generator's own, which is the
/// workspace's (`version.workspace = true` everywhere), so a release bumps
/// one number and a regen carries it into the generated manifests.
pub const PACKAGE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A generated model crate: the shared one or one version's.
#[derive(Debug, Clone, Copy)]
pub enum ModelCrate<'a> {
    Shared,
    Version(&'a ApiVersion),
}

impl ModelCrate<'_> {
    /// `polar-models/generated/v2026_10`.
    pub fn dir(self) -> String {
        match self {
            ModelCrate::Shared => format!("{MODEL_CRATES_DIR}/shared"),
            ModelCrate::Version(version) => format!("{MODEL_CRATES_DIR}/{}", version.module()),
        }
    }

    /// `polar-models-v2026-10`.
    pub fn package(self) -> String {
        match self {
            ModelCrate::Shared => SHARED_PACKAGE.to_owned(),
            ModelCrate::Version(version) => format!("polar-models-{}", version.feature()),
        }
    }

    /// `polar_models_v2026_10`, the name Rust code uses.
    pub fn rust_name(self) -> String {
        self.package().replace('-', "_")
    }

    /// `src/types/<module>.rs` of the crate (`mod` for the types' root).
    pub fn types_file(self, module: &str) -> String {
        format!("{}/src/types/{module}.rs", self.dir())
    }

    /// The crate root, `src/lib.rs`.
    pub fn lib_file(self) -> String {
        format!("{}/src/lib.rs", self.dir())
    }

    /// `Cargo.toml`.
    pub fn manifest_file(self) -> String {
        format!("{}/Cargo.toml", self.dir())
    }
}
