//! The generator on the full document of one API version
//! (`polar_benches::API_VERSION`, generated as the only version), stage by
//! stage, and end to end.
//!
//! `regen/parse` (JSON text → `spec::Spec`), `regen/lower` (→ `ir::Models`),
//! `regen/emit` (→ the token streams of every file `generate_from` writes),
//! `regen/format` (→ formatted text) and `regen/generate` (all of them, as
//! `cargo xtask regen` runs them). Before measuring, the stage-by-stage
//! output is checked to be exactly `codegen::generate`'s, so the stages
//! cover all of its work.
//!
//! `emit` and `format` run here on one thread, file after file, to show
//! what each stage costs; `generate` runs them as parallel jobs on every
//! core, as regen does, so it is less than the sum of the stages.
//!
//! `cargo bench -p polar-benches --bench regen`

use std::hint::black_box;
use std::time::Duration;

use codegen::layout::{ApiCrate, ModelCrate, MODELS_FACADE_ROOT};
use codegen::spec::Spec;
use codegen::{emit, format, ir, ApiVersion, Files, Lifecycle, Settings};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use proc_macro2::TokenStream;

/// One emitted file: workspace-relative path, inner doc, tokens.
type Emitted = Vec<(String, String, TokenStream)>;

/// Stage 3 for every file, as `codegen::generate_versions` does it for one
/// version (the jobs of `Job::run`, one after the other; one version alone
/// shares nothing).
fn emit_all(
    spec: &Spec,
    models: &ir::Models,
    settings: &Settings,
    version: &ApiVersion,
) -> Emitted {
    let versions = [version];
    let dir = version.module();
    let mut files: Emitted = vec![
        (
            MODELS_FACADE_ROOT.to_owned(),
            "Every API version's schemas, a module per version: each re-exports that \
             version's generated crate."
                .to_owned(),
            emit::versions::models_root(&versions, false),
        ),
        (
            "polar-api/src/generated/mod.rs".to_owned(),
            "Every API version's operations, a module per version.".to_owned(),
            emit::versions::api_root(&versions),
        ),
        (
            "tests/src/generated/mod.rs".to_owned(),
            String::new(),
            emit::versions::tests_root(&versions),
        ),
        (
            "tests/tests/generated/conformance_cases.rs".to_owned(),
            String::new(),
            emit::versions::conformance_root(&versions),
        ),
    ];
    let modules = emit::models::modules(models);
    let models_crate = ModelCrate::Version(version);
    let models_path = |module: &str| models_crate.types_file(module);
    files.push((
        models_crate.lib_file(),
        emit::versions::model_crate_doc(models_crate),
        emit::versions::model_crate_lib(),
    ));
    for (module, ids) in &modules {
        files.push((
            models_path(module),
            String::new(),
            emit::models::emit_module(models, ids, |_| false),
        ));
    }
    files.push((
        models_path("mod"),
        String::new(),
        emit::models::emit_root(
            models,
            modules.keys(),
            &settings.spec_sha256,
            &settings.spec_date,
            version,
        ),
    ));
    files.push((
        models_path("consts"),
        "Marker types for the spec's string constants; see [`crate::Const`].".to_owned(),
        emit::models::emit_consts(models, |_| false),
    ));
    let api = emit::api::emit(models, version, &Default::default()).expect("the api emits");
    let api_crate = ApiCrate::Version(version);
    files.push((
        format!("polar-api/src/generated/{dir}.rs"),
        emit::api::facade_doc(version),
        api.facade_module,
    ));
    for (module, tokens) in api.crate_files {
        let doc = match module.as_str() {
            "lib" => emit::api::crate_doc(version),
            _ => String::new(),
        };
        files.push((api_crate.file(&module), doc, tokens));
    }
    files.push((
        format!("tests/src/generated/{dir}.rs"),
        String::new(),
        emit::roundtrip::emit(models, version),
    ));
    files.push((
        format!("tests/tests/generated/conformance_{dir}.rs"),
        String::new(),
        emit::conformance::emit(spec, models, version).expect("the pinned documents emit"),
    ));
    files
}

/// Stage 4 for every file.
fn format_all(emitted: Emitted) -> Files {
    emitted
        .into_iter()
        .map(|(path, doc, tokens)| {
            let text = format::rust_file(&path, &doc, tokens).expect("the file formats");
            (path, text)
        })
        .collect()
}

fn regen(c: &mut Criterion) {
    let path = polar_benches::spec_path();
    let text = polar_benches::spec_text();
    eprintln!("spec: {} ({} bytes)", path.display(), text.len());
    let settings = Settings {
        // Only embedded in the output; its value costs nothing.
        spec_sha256: "0".repeat(64),
        spec_date: polar_benches::spec_date(),
    };
    let spec = codegen::spec::parse(&text).expect("the spec parses");
    let models = ir::lower(&spec).expect("the spec lowers");
    // `generate` names the only version after the document.
    let version = ApiVersion::new(
        &codegen::single_version(&spec, &settings),
        Lifecycle::Current,
    )
    .expect("a version name");
    assert_eq!(version.name, polar_benches::API_VERSION);

    let mut staged = format_all(emit_all(&spec, &models, &settings, &version));
    staged.extend(codegen::manifests(&[(&version, &models)], false, false));
    let whole = codegen::generate(&text, &settings).expect("the spec generates");
    if staged != whole {
        let differ: Vec<&String> = staged
            .keys()
            .chain(whole.keys())
            .filter(|path| staged.get(*path) != whole.get(*path))
            .take(5)
            .collect();
        panic!(
            "the staged benchmarks no longer produce what codegen::generate does \
             (first files that differ: {differ:?}): update emit_all in \
             benches/benches/regen.rs to match generate_versions"
        );
    }
    eprintln!(
        "generate: {} files, {} bytes",
        whole.len(),
        whole.values().map(String::len).sum::<usize>()
    );

    let mut group = c.benchmark_group("regen");
    // Each run takes a good fraction of a second: a fixed number of
    // iterations per sample, and few samples.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(10));

    group.bench_function("parse", |b| {
        b.iter(|| codegen::spec::parse(black_box(&text)).expect("the spec parses"))
    });
    group.bench_function("lower", |b| {
        b.iter(|| ir::lower(black_box(&spec)).expect("the spec lowers"))
    });
    group.bench_function("emit", |b| {
        b.iter(|| emit_all(black_box(&spec), black_box(&models), &settings, &version))
    });
    group.bench_function("format", |b| {
        // Fresh tokens for every run (emitting is not measured here): a
        // clone would share its token trees with the original, and
        // formatting would then pay for copying them.
        b.iter_batched(
            || emit_all(&spec, &models, &settings, &version),
            format_all,
            BatchSize::PerIteration,
        )
    });
    group.bench_function("generate", |b| {
        b.iter(|| codegen::generate(black_box(&text), &settings).expect("the spec generates"))
    });
    group.finish();
}

criterion_group!(benches, regen);
criterion_main!(benches);
