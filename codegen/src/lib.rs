//! The Polar SDK generator, as a library with no file I/O.
//!
//! Four stages, each usable and testable alone:
//!
//! 1. [`spec::parse`] — JSON text → [`spec::Spec`], a serde model of the
//!    OpenAPI 3.1 subset Polar uses;
//! 2. [`ir::lower`] — spec → [`ir::Models`], plain data with every Rust name
//!    resolved once;
//! 3. [`emit`] — IR → token streams;
//! 4. [`format`](mod@format) — tokens → formatted source with the `@generated` preamble.
//!
//! [`generate`] runs them all and returns the files to write; `xtask` does
//! the writing. [`changelog`] compares the IR of two specs and says what a
//! refresh changes for users of the generated crates.

pub mod changelog;
pub mod emit;
pub mod fixtures;
pub mod format;
pub mod instance;
pub mod ir;
pub mod layout;
pub mod overlay;
pub mod spec;
pub mod surface;
#[doc(hidden)]
pub mod testing;
pub mod version;

pub use version::{ApiVersion, Lifecycle};

use std::collections::BTreeMap;

/// Facts about the spec that end up in the generated code.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// SHA-256 (hex) of the spec document.
    pub spec_sha256: String,
    /// The date the spec was published (`YYYY-MM-DD`).
    pub spec_date: String,
}

/// Generated files: workspace-relative path → contents.
pub type Files = BTreeMap<String, String>;

/// Hand-written files with a generated block: their entry in [`Files`] is
/// the block, which the writer splices between the markers
/// ([`emit::features::splice_block`]).
pub const SPLICED_FILES: &[&str] = &[
    "polar-models/Cargo.toml",
    "polar-api/Cargo.toml",
    "tests/Cargo.toml",
    "polar-mock/Cargo.toml",
];

/// Directories whose contents are entirely generated; regen may delete any
/// file in them that it did not produce.
pub const GENERATED_DIRS: &[&str] = &[
    "polar-models/src/generated",
    layout::MODEL_CRATES_DIR,
    layout::API_FACADE_DIR,
    layout::API_CRATES_DIR,
    "tests/src/generated",
    "tests/tests/generated",
    "docs/migrations",
    layout::MOCK_GENERATED_DIR,
    emit::fuzz::DIR,
];

/// Everything that can go wrong, naming what and where.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the document is not an OpenAPI 3.1 document this generator reads: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("{location}: {reason}")]
    Unsupported { location: String, reason: String },
    #[error("generated code for {file} is not valid Rust ({reason}); this is a generator bug")]
    Emit { file: String, reason: String },
    #[error("API version {version}: {source}")]
    Version {
        version: String,
        #[source]
        source: Box<Error>,
    },
    #[error("the set of API versions is not one the generator accepts: {0}")]
    Versions(String),
}

impl Error {
    pub(crate) fn unsupported(location: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Unsupported {
            location: location.into(),
            reason: reason.into(),
        }
    }

    fn in_version(self, version: &ApiVersion) -> Self {
        Error::Version {
            version: version.name.clone(),
            source: Box::new(self),
        }
    }
}

/// One API version to generate: its name and place in Polar's schedule, and
/// the document it is generated from.
#[derive(Debug, Clone)]
pub struct VersionInput<'a> {
    /// The `Polar-Version` value, e.g. `2026-10`.
    pub version: &'a str,
    pub lifecycle: Lifecycle,
    pub spec: &'a spec::Spec,
    pub settings: Settings,
}

/// Run every stage on the JSON text of one spec, generated as the only API
/// version of the crates (see [`single_version`] for its name).
pub fn generate(spec_json: &str, settings: &Settings) -> Result<Files, Error> {
    let spec = spec::parse(spec_json)?;
    generate_from(&spec, settings)
}

/// Run stages 2–4 on one parsed spec, as the only (current) API version.
pub fn generate_from(spec: &spec::Spec, settings: &Settings) -> Result<Files, Error> {
    generate_single(spec, settings, Run::WRITE)
}

/// [`generate_from`], run as `run` says.
pub(crate) fn generate_single(
    spec: &spec::Spec,
    settings: &Settings,
    run: Run,
) -> Result<Files, Error> {
    let name = single_version(spec, settings);
    run_versions(
        &[VersionInput {
            version: &name,
            lifecycle: Lifecycle::Current,
            spec,
            settings: settings.clone(),
        }],
        run,
    )
}

/// How stages 3 and 4 run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    /// What stage 4 makes of each file's tokens.
    pub stage4: format::Stage4,
    /// Whether the jobs run on every core, or all on the calling thread
    /// (the fuzz target: its documents are small, and threads per input
    /// cost more than they save).
    pub parallel: bool,
}

impl Run {
    /// The files `xtask` writes, on every core.
    pub const WRITE: Run = Run {
        stage4: format::Stage4::Format,
        parallel: true,
    };
}

/// The version name of a document generated alone: its `info.version` when
/// that is a dated version (`2026-10`), else the document's date, else
/// `0`. Historical documents (`info.version` `0.1.0`) get their date.
pub fn single_version(spec: &spec::Spec, settings: &Settings) -> String {
    [spec.info.version.as_str(), settings.spec_date.as_str()]
        .into_iter()
        .find(|name| ApiVersion::new(name, Lifecycle::Current).is_some() && name.contains('-'))
        .unwrap_or("0")
        .to_owned()
}

/// Run stages 2–4 for every API version: each version's modules in both
/// crates and the tests crate, the roots that declare them behind their
/// features, the manifests' feature blocks, and a migration guide between
/// each pair of adjacent versions.
///
/// Versions are generated in name order (dated names sort by date); exactly
/// one must be [`Lifecycle::Current`] (the default feature).
///
/// Emitting and formatting (stages 3 and 4) take most of the time and each
/// file is independent, so they run as jobs on every available core. Token
/// streams cannot cross threads, so a job emits and formats its own files;
/// the result is the same map whatever the number of threads.
pub fn generate_versions(inputs: &[VersionInput<'_>]) -> Result<Files, Error> {
    run_versions(inputs, Run::WRITE)
}

/// [`generate_versions`], run as `run` says.
fn run_versions(inputs: &[VersionInput<'_>], run: Run) -> Result<Files, Error> {
    let mut inputs: Vec<&VersionInput<'_>> = inputs.iter().collect();
    inputs.sort_by(|a, b| a.version.cmp(b.version));
    let mut versions = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let version = ApiVersion::new(input.version, input.lifecycle).ok_or_else(|| {
            Error::Versions(format!(
                "`{}` is not a version name (digits separated by `-`, like 2026-10)",
                input.version
            ))
        })?;
        versions.push(version);
    }
    check_versions(&versions)?;
    let mut lowered = Vec::with_capacity(inputs.len());
    for (input, version) in inputs.iter().zip(&versions) {
        let models = ir::lower(input.spec).map_err(|e| e.in_version(version))?;
        let modules = emit::models::modules(&models);
        let features = ir::features::Features::of(&models);
        lowered.push(Lowered {
            version,
            input,
            models,
            modules,
            features,
        });
    }
    let sharing = ir::sharing::Sharing::of(&lowered.iter().map(|l| &l.models).collect::<Vec<_>>());
    let shared_modules = emit::shared::modules(&sharing);
    let shared_groups = share_groups(&lowered, &sharing)?;
    let context = Context {
        lowered: &lowered,
        sharing: &sharing,
        shared_groups: &shared_groups,
    };
    let mut jobs = vec![Job::Roots];
    if !sharing.types.is_empty() || !sharing.consts.is_empty() {
        jobs.push(Job::SharedRoot);
        jobs.extend(
            shared_modules
                .iter()
                .map(|(module, types)| Job::SharedModel(module, types)),
        );
    }
    if !shared_groups.is_empty() {
        jobs.push(Job::ApiSharedRoot);
        jobs.extend((0..shared_groups.len()).map(Job::ApiShared));
    }
    for (index, version) in lowered.iter().enumerate() {
        jobs.extend([
            Job::Api(index),
            Job::Conformance(index),
            Job::Roundtrip(index),
            Job::ModelsRoot(index),
            Job::Mock(index),
        ]);
        jobs.extend(
            version
                .modules
                .iter()
                .map(|(module, ids)| Job::Model(index, module, ids)),
        );
    }
    let results = if run.parallel {
        parallel_map(&jobs, |job| job.run(&context, run.stage4))
    } else {
        jobs.iter()
            .map(|job| job.run(&context, run.stage4))
            .collect()
    };
    let mut files = Files::new();
    for result in results {
        files.extend(result?);
    }
    let all_models: Vec<(&ApiVersion, &ir::Models)> =
        lowered.iter().map(|l| (l.version, &l.models)).collect();
    let shared = !sharing.types.is_empty() || !sharing.consts.is_empty();
    files.extend(manifests(&all_models, shared, !shared_groups.is_empty()));
    for pair in lowered.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        files.insert(
            emit::versions::migration_guide_path(old.version, new.version),
            emit::versions::migration_guide(old.version, &old.models, new.version, &new.models),
        );
    }
    Ok(files)
}

/// Exactly one current version, no name twice.
fn check_versions(versions: &[ApiVersion]) -> Result<(), Error> {
    if versions.is_empty() {
        return Err(Error::Versions("no API version to generate".to_owned()));
    }
    for pair in versions.windows(2) {
        if pair[0].name == pair[1].name {
            return Err(Error::Versions(format!("{} is listed twice", pair[0].name)));
        }
    }
    let current: Vec<&str> = versions
        .iter()
        .filter(|v| v.lifecycle == Lifecycle::Current)
        .map(|v| v.name.as_str())
        .collect();
    match current.as_slice() {
        [_] => Ok(()),
        [] => Err(Error::Versions(
            "no version is `current` (the default feature); mark one".to_owned(),
        )),
        many => Err(Error::Versions(format!(
            "{} versions are `current` ({}); exactly one may be",
            many.len(),
            many.join(", ")
        ))),
    }
}

/// The generated blocks of the hand-written manifests (see
/// [`SPLICED_FILES`]) and the whole manifests of the generated model crates
/// (see [`layout`]), keyed by path; `shared` when the versions share types.
/// Text, not tokens: no stage 4.
pub fn manifests(
    versions: &[(&ApiVersion, &ir::Models)],
    shared: bool,
    shared_groups: bool,
) -> Vec<(String, String)> {
    use layout::{ApiCrate, ModelCrate};
    let features: Vec<(&ApiVersion, ir::features::Features)> = versions
        .iter()
        .map(|(version, models)| (*version, ir::features::Features::of(models)))
        .collect();
    let crates = versions
        .iter()
        .map(|(version, _)| ModelCrate::Version(version))
        .chain(shared.then_some(ModelCrate::Shared));
    let crate_manifests: Vec<(String, String)> = crates
        .map(|krate| {
            (
                krate.manifest_file(),
                emit::features::model_crate_manifest(krate, &features, shared),
            )
        })
        .collect();
    let blocks = [
        (
            "polar-models/Cargo.toml".to_owned(),
            emit::features::models_manifest_block(&features, shared),
        ),
        (
            "polar-api/Cargo.toml".to_owned(),
            emit::features::api_manifest_block(&features, shared_groups),
        ),
        (
            "tests/Cargo.toml".to_owned(),
            emit::features::tests_manifest_block(&features),
        ),
        (
            format!("{}/Cargo.toml", layout::MOCK_DIR),
            emit::mock::manifest_block(&versions.iter().map(|(v, _)| *v).collect::<Vec<_>>()),
        ),
    ];
    let api_crates = versions
        .iter()
        .map(|(version, _)| ApiCrate::Version(version))
        .chain(shared_groups.then_some(ApiCrate::Shared));
    let api_manifests = api_crates.map(|krate| {
        (
            krate.manifest_file(),
            emit::features::api_crate_manifest(krate, &features, shared_groups),
        )
    });
    blocks
        .into_iter()
        .chain(crate_manifests)
        .chain(api_manifests)
        .collect()
}

/// One version after stage 2.
struct Lowered<'a> {
    version: &'a ApiVersion,
    input: &'a VersionInput<'a>,
    models: ir::Models,
    modules: BTreeMap<String, Vec<ir::TypeId>>,
    features: ir::features::Features,
}

/// Which operation groups the versions share (see [`emit::api_shared`]);
/// the group files are emitted here once to compare them.
fn share_groups(
    lowered: &[Lowered<'_>],
    sharing: &ir::sharing::Sharing,
) -> Result<Vec<emit::api_shared::SharedGroup>, Error> {
    if lowered.len() < 2 {
        return Ok(Vec::new());
    }
    let files = lowered
        .iter()
        .map(|l| emit::api::group_files(&l.models).map_err(|e| e.in_version(l.version)))
        .collect::<Result<Vec<_>, _>>()?;
    let versions: Vec<(&ir::Models, &[emit::api::GroupFile])> = lowered
        .iter()
        .zip(&files)
        .map(|(l, files)| (&l.models, files.as_slice()))
        .collect();
    Ok(emit::api_shared::share_groups(&versions, sharing))
}

/// What every job reads: the lowered versions and what they share.
struct Context<'a> {
    lowered: &'a [Lowered<'a>],
    sharing: &'a ir::sharing::Sharing,
    shared_groups: &'a [emit::api_shared::SharedGroup],
}

impl Context<'_> {
    fn views(&self) -> Vec<emit::shared::VersionView<'_>> {
        self.lowered
            .iter()
            .map(|l| emit::shared::VersionView {
                version: l.version,
                models: &l.models,
                features: &l.features,
            })
            .collect()
    }
}

/// A share of stages 3 and 4: the files it emits and formats. Indices are
/// into the lowered versions.
enum Job<'a> {
    /// The roots of the generated trees of `polar-models`, `polar-api` and
    /// the tests, listing the versions.
    Roots,
    /// One module of one version's model crate.
    Model(usize, &'a str, &'a [ir::TypeId]),
    /// A version's model crate root and its types' `mod.rs` and `consts.rs`.
    ModelsRoot(usize),
    /// Every file of a version's `polar-api` module.
    Api(usize),
    /// A version's round-trip dispatch table in `tests/`, and its table
    /// of fuzzed types in `fuzz/`.
    Roundtrip(usize),
    /// A version's conformance cases in `tests/`.
    Conformance(usize),
    /// A version's files in `polar-mock` (fixtures, server tables).
    Mock(usize),
    /// The root and constants of the shared model crate.
    SharedRoot,
    /// One module of the shared types (indices into `Sharing::types`).
    SharedModel(&'a str, &'a [usize]),
    /// `polar-api`'s shared module root.
    ApiSharedRoot,
    /// One shared operation group (index into the shared groups).
    ApiShared(usize),
}

impl Job<'_> {
    fn run(
        &self,
        context: &Context<'_>,
        stage4: format::Stage4,
    ) -> Result<Vec<(String, String)>, Error> {
        let (lowered, sharing) = (context.lowered, context.sharing);
        let file = |path: String, doc: &str, tokens| {
            let text = stage4.run(&path, doc, tokens)?;
            Ok::<_, Error>((path, text))
        };
        let versions: Vec<&ApiVersion> = lowered.iter().map(|l| l.version).collect();
        let shared_path = |module: &str| layout::ModelCrate::Shared.types_file(module);
        let index = match self {
            Job::SharedRoot => {
                let views = context.views();
                let krate = layout::ModelCrate::Shared;
                return Ok(vec![
                    file(
                        krate.lib_file(),
                        &emit::versions::model_crate_doc(krate),
                        emit::versions::model_crate_lib(),
                    )?,
                    file(
                        shared_path("mod"),
                        "",
                        emit::shared::emit_root(&views, sharing),
                    )?,
                    file(
                        shared_path("consts"),
                        "The string-constant markers several API versions share.",
                        emit::shared::emit_consts(&views, sharing)?,
                    )?,
                ]);
            }
            Job::ApiSharedRoot => {
                let krate = layout::ApiCrate::Shared;
                return Ok(vec![
                    file(
                        krate.file("lib"),
                        "The operation groups several API versions of Polar (polar.sh) \
                         generate alike, compiled once and re-exported by each version's \
                         crate. Use them through polar-api.",
                        emit::api::crate_lib(),
                    )?,
                    file(
                        krate.file(&emit::api::operations_file("mod")),
                        "",
                        emit::api_shared::emit_shared_root(context.shared_groups, &versions),
                    )?,
                ]);
            }
            Job::ApiShared(index) => {
                let group = &context.shared_groups[*index];
                let source = *group.versions.last().expect("a shared group has versions");
                let this = &lowered[source];
                let tokens = emit::api::group_file(&this.models, &group.module)
                    .map_err(|e| e.in_version(this.version))?
                    .expect("a shared group exists in its versions")
                    .tokens;
                return Ok(vec![file(
                    layout::ApiCrate::Shared.file(&emit::api::operations_file(&group.module)),
                    "",
                    tokens,
                )?]);
            }
            Job::SharedModel(module, types) => {
                let path = shared_path(module);
                let tokens = emit::shared::emit_module(&context.views(), sharing, types, &path)?;
                return Ok(vec![file(path, "", tokens)?]);
            }
            Job::Roots => {
                let shared = !sharing.types.is_empty() || !sharing.consts.is_empty();
                return Ok(vec![
                    file(
                        layout::MODELS_FACADE_ROOT.to_owned(),
                        "Every API version's schemas, a module per version: each re-exports \
                         that version's generated crate.",
                        emit::versions::models_root(&versions, shared),
                    )?,
                    file(
                        "polar-api/src/generated/mod.rs".to_owned(),
                        "Every API version's operations, a module per version.",
                        emit::versions::api_root(&versions),
                    )?,
                    file(
                        "tests/src/generated/mod.rs".to_owned(),
                        "",
                        emit::versions::tests_root(&versions),
                    )?,
                    file(
                        format!("{}/mod.rs", emit::fuzz::DIR),
                        "The types the `decode` fuzz target decodes, per API version.",
                        emit::fuzz::root(&versions),
                    )?,
                    file(
                        "tests/tests/generated/conformance_cases.rs".to_owned(),
                        "",
                        emit::versions::conformance_root(&versions),
                    )?,
                    file(
                        format!("{}/mod.rs", layout::MOCK_GENERATED_DIR),
                        "The fixtures and the mock server's tables of every API version, \
                         generated from the same documents as polar-models and polar-api.",
                        emit::mock::root(
                            &versions,
                            versions
                                .iter()
                                .copied()
                                .find(|v| v.lifecycle == Lifecycle::Current),
                        ),
                    )?,
                    file(
                        format!("{}/fixtures/mod.rs", layout::MOCK_GENERATED_DIR),
                        "",
                        emit::mock::fixtures_root(&versions),
                    )?,
                    file(
                        format!("{}/server/mod.rs", layout::MOCK_GENERATED_DIR),
                        "",
                        emit::mock_server::server_root(&versions),
                    )?,
                ]);
            }
            Job::Model(index, ..)
            | Job::ModelsRoot(index)
            | Job::Api(index)
            | Job::Roundtrip(index)
            | Job::Conformance(index)
            | Job::Mock(index) => *index,
        };
        let this = &lowered[index];
        let (version, models, module_dir) = (this.version, &this.models, this.version.module());
        let settings = &this.input.settings;
        let models_crate = layout::ModelCrate::Version(version);
        let models_path = |module: &str| models_crate.types_file(module);
        let result = match self {
            Job::Roots
            | Job::SharedRoot
            | Job::SharedModel(..)
            | Job::ApiSharedRoot
            | Job::ApiShared(_) => unreachable!("handled above"),
            Job::Model(_, module, ids) => {
                let path = models_path(module);
                let tokens = emit::models::emit_module(models, ids, |id| {
                    sharing.type_home(index, id).is_some()
                });
                // The module's gate on each item but the impls too, for the
                // docs (`with_cfg`; `types/mod.rs` declares the module
                // behind the same gate); those items are parsed already.
                let gate = this.features.modules.get(*module);
                match gate.and_then(emit::shared::gate_condition) {
                    Some(condition) => {
                        let parsed = emit::shared::with_cfg_parsed(
                            tokens,
                            &condition,
                            emit::shared::Gates::ItemsButImpls,
                            &path,
                        )?;
                        vec![(path, stage4.run_parsed("", &parsed))]
                    }
                    None => vec![file(path, "", tokens)?],
                }
            }
            Job::ModelsRoot(_) => {
                vec![
                    file(
                        models_crate.lib_file(),
                        &emit::versions::model_crate_doc(models_crate),
                        emit::versions::model_crate_lib(),
                    )?,
                    file(
                        models_path("mod"),
                        "",
                        emit::models::emit_root(
                            models,
                            this.modules.keys(),
                            &settings.spec_sha256,
                            &settings.spec_date,
                            version,
                        ),
                    )?,
                    file(
                        models_path("consts"),
                        "Marker types for the spec's string constants; see [`crate::Const`].",
                        emit::models::emit_consts(models, |id| {
                            sharing.const_home(index, id).is_some()
                        }),
                    )?,
                ]
            }
            Job::Api(_) => {
                let shared_groups = context
                    .shared_groups
                    .iter()
                    .filter(|g| g.versions.contains(&index))
                    .map(|g| g.module.clone())
                    .collect();
                let api = emit::api::emit(models, version, &shared_groups)
                    .map_err(|e| e.in_version(version))?;
                let api_crate = layout::ApiCrate::Version(version);
                let mut out = vec![file(
                    format!("{}/{module_dir}.rs", layout::API_FACADE_DIR),
                    &emit::api::facade_doc(version),
                    api.facade_module,
                )?];
                for (module, tokens) in api.crate_files {
                    let doc = match module.as_str() {
                        "lib" => emit::api::crate_doc(version),
                        _ => String::new(),
                    };
                    out.push(file(api_crate.file(&module), &doc, tokens)?);
                }
                out
            }
            Job::Roundtrip(_) => vec![
                file(
                    format!("tests/src/generated/{module_dir}.rs"),
                    "",
                    emit::roundtrip::emit(models, version),
                )?,
                file(
                    emit::fuzz::path(version),
                    "",
                    emit::fuzz::emit(models, version),
                )?,
            ],
            Job::Conformance(_) => vec![file(
                format!("tests/tests/generated/conformance_{module_dir}.rs"),
                "",
                emit::conformance::emit(this.input.spec, models, version)
                    .map_err(|e| e.in_version(version))?,
            )?],
            Job::Mock(_) => {
                let spec = this.input.spec;
                let fixtures = emit::mock::VersionFixtures::build(spec, models);
                vec![
                    file(
                        emit::mock::fixtures_path(version),
                        "",
                        emit::mock::fixtures(models, version, &fixtures),
                    )?,
                    file(
                        emit::mock_server::server_path(version),
                        "",
                        emit::mock_server::server(spec, models, version, &fixtures),
                    )?,
                ]
            }
        };
        Ok(result)
    }
}

/// `f` applied to every item, on as many threads as there are cores; the
/// results in item order. Threads take the next item as they finish one,
/// so a few large items do not leave a core idle.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(index) else { break };
                let result = f(item);
                results.lock().expect("no job panicked")[index] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .expect("no job panicked")
        .into_iter()
        .map(|r| r.expect("every item ran"))
        .collect()
}
