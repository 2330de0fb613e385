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
pub mod format;
pub mod instance;
pub mod ir;
pub mod spec;
pub mod surface;

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
pub const SPLICED_FILES: &[&str] = &["polar-models/Cargo.toml", "polar-api/Cargo.toml"];

/// Directories whose contents are entirely generated; regen may delete any
/// file in them that it did not produce.
pub const GENERATED_DIRS: &[&str] = &[
    "polar-models/src/generated",
    "polar-api/src/generated",
    "tests/src/generated",
    "tests/tests/generated",
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
}

impl Error {
    pub(crate) fn unsupported(location: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Unsupported {
            location: location.into(),
            reason: reason.into(),
        }
    }
}

/// Run every stage on the JSON text of a spec.
pub fn generate(spec_json: &str, settings: &Settings) -> Result<Files, Error> {
    let spec = spec::parse(spec_json)?;
    generate_from(&spec, settings)
}

/// Run stages 2–4 on a parsed spec.
///
/// Emitting and formatting (stages 3 and 4) take most of the time and each
/// file is independent, so they run as jobs on every available core. Token
/// streams cannot cross threads, so a job emits and formats its own files;
/// the result is the same map whatever the number of threads.
pub fn generate_from(spec: &spec::Spec, settings: &Settings) -> Result<Files, Error> {
    let models = ir::lower(spec)?;
    let model_modules = emit::models::modules(&models);
    let mut jobs = vec![Job::Api, Job::Conformance, Job::Roundtrip, Job::ModelsRoot];
    jobs.extend(
        model_modules
            .iter()
            .map(|(module, ids)| Job::Model(module, ids)),
    );
    let results = parallel_map(&jobs, |job| {
        job.run(spec, &models, settings, &model_modules)
    });
    let mut files = Files::new();
    for result in results {
        files.extend(result?);
    }
    files.extend(manifest_blocks(&models));
    Ok(files)
}

/// The generated `[features]` blocks of the two crates' manifests, keyed by
/// manifest path (see [`SPLICED_FILES`]). Text, not tokens: no stage 4.
pub fn manifest_blocks(models: &ir::Models) -> [(String, String); 2] {
    let features = ir::features::Features::of(models);
    [
        (
            "polar-models/Cargo.toml".to_owned(),
            emit::features::models_manifest_block(&features),
        ),
        (
            "polar-api/Cargo.toml".to_owned(),
            emit::features::api_manifest_block(&features),
        ),
    ]
}

/// A share of stages 3 and 4: the files it emits and formats.
enum Job<'a> {
    /// One `polar-models` module.
    Model(&'a str, &'a [ir::TypeId]),
    /// `polar-models`' `mod.rs` and `consts.rs`.
    ModelsRoot,
    /// Every file of `polar-api/src/generated/`.
    Api,
    /// The round-trip dispatch table of `tests/`.
    Roundtrip,
    /// The conformance cases of `tests/`.
    Conformance,
}

impl Job<'_> {
    fn run(
        &self,
        spec: &spec::Spec,
        models: &ir::Models,
        settings: &Settings,
        model_modules: &BTreeMap<String, Vec<ir::TypeId>>,
    ) -> Result<Vec<(String, String)>, Error> {
        let file = |path: String, doc: &str, tokens| {
            let text = format::rust_file(&path, doc, tokens)?;
            Ok::<_, Error>((path, text))
        };
        let models_path = |module: &str| format!("polar-models/src/generated/{module}.rs");
        match self {
            Job::Model(module, ids) => Ok(vec![file(
                models_path(module),
                "",
                emit::models::emit_module(models, ids),
            )?]),
            Job::ModelsRoot => Ok(vec![
                file(
                    models_path("mod"),
                    "Every schema of Polar's OpenAPI document as a Rust type.",
                    emit::models::emit_root(
                        models,
                        model_modules.keys(),
                        &settings.spec_sha256,
                        &settings.spec_date,
                    ),
                )?,
                file(
                    models_path("consts"),
                    "Marker types for the spec's string constants; see [`crate::Const`].",
                    emit::models::emit_consts(models),
                )?,
            ]),
            Job::Api => emit::api::emit(models)?
                .into_iter()
                .map(|(module, tokens)| {
                    let doc = match module.as_str() {
                        "mod" => {
                            "Every operation of Polar's OpenAPI document as a request builder."
                        }
                        _ => "",
                    };
                    file(format!("polar-api/src/generated/{module}.rs"), doc, tokens)
                })
                .collect(),
            Job::Roundtrip => Ok(vec![file(
                "tests/src/generated/schemas.rs".to_owned(),
                "",
                emit::roundtrip::emit(models),
            )?]),
            Job::Conformance => Ok(vec![file(
                "tests/tests/generated/conformance_cases.rs".to_owned(),
                "",
                emit::conformance::emit(spec, models),
            )?]),
        }
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
