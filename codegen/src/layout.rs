//! Where the generated crates go: for the models and for the operations, a
//! crate per API version, one for what several versions generate alike, and
//! a facade (`polar-models`, `polar-api`) re-exporting them.
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

/// The directory of the generated operation crates (every file in it is
/// generated): one per API version and one for the operation groups
/// several versions generate alike, as with the models.
///
/// ```text
/// polar-api/                    the facade users depend on (hand-written):
///                               the clients, webhooks, the ingestor
///   src/generated/              its per-version modules: the `Version`
///                               type, the client aliases and the group
///                               accessors (generated)
///   runtime/                    polar-api-runtime (hand-written)
///   generated/shared/           polar-api-shared (generated)
///   generated/v2026_10/         polar-api-v2026-10 (generated), one per version
/// ```
///
/// Why: the operations of one version are most of polar-api's compile
/// time, and a crate's frontend runs on one core; as crates, two versions'
/// operations compile side by side, and the shared groups beside a
/// version's models. The accessors (`client.orders()`) stay in the facade,
/// because an inherent method can only be added by the crate that defines
/// the client type.
pub const API_CRATES_DIR: &str = "polar-api/generated";

/// The facade's generated tree: the per-version modules.
pub const API_FACADE_DIR: &str = "polar-api/src/generated";

/// The package of polar-api's hand-written runtime.
pub const API_RUNTIME_PACKAGE: &str = "polar-api-runtime";

/// Where that package lives.
pub const API_RUNTIME_DIR: &str = "polar-api/runtime";

/// The package of the operation groups several versions share.
pub const API_SHARED_PACKAGE: &str = "polar-api-shared";

/// A generated operation crate: the shared groups or one version's.
#[derive(Debug, Clone, Copy)]
pub enum ApiCrate<'a> {
    Shared,
    Version(&'a ApiVersion),
}

impl ApiCrate<'_> {
    /// `polar-api/generated/v2026_10`.
    pub fn dir(self) -> String {
        match self {
            ApiCrate::Shared => format!("{API_CRATES_DIR}/shared"),
            ApiCrate::Version(version) => format!("{API_CRATES_DIR}/{}", version.module()),
        }
    }

    /// `polar-api-v2026-10`.
    pub fn package(self) -> String {
        match self {
            ApiCrate::Shared => API_SHARED_PACKAGE.to_owned(),
            ApiCrate::Version(version) => format!("polar-api-{}", version.feature()),
        }
    }

    /// `polar_api_v2026_10`, the name Rust code uses.
    pub fn rust_name(self) -> String {
        self.package().replace('-', "_")
    }

    /// `src/<module>.rs` of the crate (`lib` for its root).
    pub fn file(self, module: &str) -> String {
        format!("{}/src/{module}.rs", self.dir())
    }

    /// `Cargo.toml`.
    pub fn manifest_file(self) -> String {
        format!("{}/Cargo.toml", self.dir())
    }
}

/// `polar-mock`, the test kit (a local Polar for users' tests): its
/// hand-written crate, and the generated tree in it (fixtures and the mock
/// server's tables, a module per version).
///
/// ```text
/// polar-mock/
///   src/generated/mod.rs                the versions' tables (generated)
///   src/generated/fixtures/v2026_10.rs  a fixture per schema (generated)
/// ```
pub const MOCK_DIR: &str = "polar-mock";

/// The generated tree of `polar-mock` (every file in it is generated).
pub const MOCK_GENERATED_DIR: &str = "polar-mock/src/generated";
