//! The generator on the full spec, stage by stage, and end to end.
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

use codegen::spec::Spec;
use codegen::{emit, format, ir, Files, Settings};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use proc_macro2::TokenStream;

/// One emitted file: workspace-relative path, inner doc, tokens.
type Emitted = Vec<(String, &'static str, TokenStream)>;

/// Stage 3 for every file, as `codegen::generate_from` does it.
fn emit_all(spec: &Spec, models: &ir::Models, settings: &Settings) -> Emitted {
    let mut files = Emitted::new();
    for (module, tokens) in emit::models::emit(models, &settings.spec_sha256, &settings.spec_date) {
        let doc = match module.as_str() {
            "mod" => "Every schema of Polar's OpenAPI document as a Rust type.",
            "consts" => "Marker types for the spec's string constants; see [`crate::Const`].",
            _ => "",
        };
        files.push((
            format!("polar-models/src/generated/{module}.rs"),
            doc,
            tokens,
        ));
    }
    for (module, tokens) in emit::api::emit(models).expect("the api emits") {
        let doc = match module.as_str() {
            "mod" => "Every operation of Polar's OpenAPI document as a request builder.",
            _ => "",
        };
        files.push((format!("polar-api/src/generated/{module}.rs"), doc, tokens));
    }
    files.push((
        "tests/src/generated/schemas.rs".to_owned(),
        "",
        emit::roundtrip::emit(models),
    ));
    files.push((
        "tests/tests/generated/conformance_cases.rs".to_owned(),
        "",
        emit::conformance::emit(spec, models),
    ));
    files
}

/// Stage 4 for every file.
fn format_all(emitted: Emitted) -> Files {
    emitted
        .into_iter()
        .map(|(path, doc, tokens)| {
            let text = format::rust_file(&path, doc, tokens).expect("the file formats");
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
        spec_date: polar_benches::SPEC_DATE.to_owned(),
    };
    let spec = codegen::spec::parse(&text).expect("the spec parses");
    let models = ir::lower(&spec).expect("the spec lowers");

    let mut staged = format_all(emit_all(&spec, &models, &settings));
    staged.extend(codegen::manifest_blocks(&models));
    let whole = codegen::generate(&text, &settings).expect("the spec generates");
    assert!(
        staged == whole,
        "the staged benchmarks no longer produce what codegen::generate does: \
         update emit_all in benches/benches/regen.rs to match generate_from"
    );
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
        b.iter(|| emit_all(black_box(&spec), black_box(&models), &settings))
    });
    group.bench_function("format", |b| {
        // Fresh tokens for every run (emitting is not measured here): a
        // clone would share its token trees with the original, and
        // formatting would then pay for copying them.
        b.iter_batched(
            || emit_all(&spec, &models, &settings),
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
