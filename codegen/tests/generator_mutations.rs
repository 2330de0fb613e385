//! A property test over generator input: valid mutations of the pinned
//! documents (required entries dropped, properties made nullable,
//! self-references added, schemas renamed to colliding names, inline objects
//! nested) never make `generate` panic, overflow or loop. Each case may
//! generate or fail with an error; it must return.
//!
//! The mutations (`codegen::testing::mutate`, which the `generator` fuzz
//! target applies too) come from a seeded xorshift generator, so every run tries
//! the same cases and a failure names the case and its mutations. Each case
//! runs under `catch_unwind` on a thread with a bounded stack; a stack
//! overflow still aborts the process (it cannot be caught), which fails the
//! test run too. A case that does not return within [`CASE_TIMEOUT`] fails
//! the test (a loop).
//!
//! Cost: a full document generates in about 0.3 s in release and about
//! 0.9 s in a debug test build on this machine (2 cores, shared); 64 cases
//! take about a minute. The case count and time are printed.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use codegen::testing::{mutate, Choices, Xorshift};
use codegen::Settings;
use serde_json::Value;

/// Cases per run, split evenly over the pinned documents.
const CASES: u64 = 64;
/// Stack of each case's thread.
const STACK: usize = 16 << 20;
/// A case taking longer than this is taken for a loop.
const CASE_TIMEOUT: Duration = Duration::from_secs(120);

/// The pinned documents, from `../shared/spec/versions/` beside the workspace.
fn pinned() -> Vec<(String, Value)> {
    let dir = std::env::var_os("POLAR_SPEC_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/versions")
        });
    let mut docs = Vec::new();
    for version in ["2026-04", "2026-10"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(version))
            .unwrap_or_else(|err| panic!("reading {}: {err}", dir.join(version).display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let path = files.first().expect("a pinned document");
        let text = std::fs::read_to_string(path).unwrap();
        docs.push((version.to_owned(), serde_json::from_str(&text).unwrap()));
    }
    docs
}

#[test]
fn mutated_documents_never_crash_the_generator() {
    let docs = pinned();
    let started = Instant::now();
    let (mut generated, mut refused) = (0, 0);
    for case in 0..CASES {
        let (version, base) = &docs[(case % docs.len() as u64) as usize];
        let mut rng = Xorshift::new(case + 1);
        let mut doc = base.clone();
        let count = 1 + rng.below(4);
        let done: Vec<String> = (0..count).map(|_| mutate(&mut doc, &mut rng)).collect();
        let text = doc.to_string();
        let (send, receive) = mpsc::channel();
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                let result = std::panic::catch_unwind(|| {
                    codegen::generate(&text, &Settings::default()).map(|_| ())
                });
                let _ = send.send(result.map(|r| r.map_err(|e| e.to_string())));
            })
            .unwrap();
        let label = format!("case {case} ({version}: {})", done.join("; "));
        match receive.recv_timeout(CASE_TIMEOUT) {
            Ok(Ok(Ok(()))) => generated += 1,
            Ok(Ok(Err(error))) => {
                println!("{label}: refused: {error}");
                refused += 1;
            }
            Ok(Err(_)) => panic!("{label}: generate panicked"),
            Err(_) => panic!("{label}: generate did not return in {CASE_TIMEOUT:?}"),
        }
    }
    println!(
        "generator mutations: {CASES} cases ({generated} generated, {refused} refused) in {:.1?}",
        started.elapsed()
    );
}
