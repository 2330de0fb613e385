//! A property test over small generated documents
//! (`codegen::testing::small_document`, the `generator` fuzz target's input
//! builder) with the mutations of `generator_mutations.rs` applied: each
//! case returns, refusing the document with an error or generating files
//! whose Rust parses (`codegen::testing::check_generator`).
//!
//! The choices come from a seeded xorshift generator, so every run tries
//! the same cases and a failure names its case (rebuild it with
//! `Xorshift::new(case + 1)`). Each case runs under `catch_unwind` on a
//! thread with a bounded stack (an overflow aborts the test run) and must
//! return within [`CASE_TIMEOUT`]. `SMALL_DOCUMENTS_TRACE=1` prints each
//! case before it runs (a stack overflow aborts before any report).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use codegen::testing::{
    check_generator, check_generator_unformatted, mutate, small_document, Choices, Outcome,
    Xorshift,
};

/// Cases per run.
const CASES: u64 = 1000;
/// Stack of each case's thread.
const STACK: usize = 16 << 20;
/// A case taking longer than this is taken for a loop.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// Case `case`'s document and what the mutations did.
fn case_document(case: u64) -> (String, Vec<String>) {
    let mut choices = Xorshift::new(case + 1);
    let mut doc = small_document(&mut choices);
    let done: Vec<String> = (0..choices.below(3))
        .map(|_| mutate(&mut doc, &mut choices))
        .collect();
    (doc.to_string(), done)
}

#[test]
fn small_mutated_documents_generate_parsing_rust_or_an_error() {
    let started = Instant::now();
    let (mut generated, mut refused) = (0, 0);
    for case in 0..CASES {
        let (text, done) = case_document(case);
        let label = format!("case {case} (mutations: {}): {text}", done.join("; "));
        if std::env::var_os("SMALL_DOCUMENTS_TRACE").is_some() {
            eprintln!("{label}");
        }
        let (send, receive) = mpsc::channel();
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                let _ = send.send(std::panic::catch_unwind(|| check_generator(&text)));
            })
            .unwrap();
        match receive.recv_timeout(CASE_TIMEOUT) {
            Ok(Ok(Ok(Outcome::Generated(_)))) => generated += 1,
            Ok(Ok(Ok(Outcome::Refused(_)))) => refused += 1,
            Ok(Ok(Err(broken))) => panic!("{label}: {broken}"),
            Ok(Err(_)) => panic!("{label}: generate panicked"),
            Err(_) => panic!("{label}: generate did not return in {CASE_TIMEOUT:?}"),
        }
    }
    println!(
        "small documents: {CASES} cases ({generated} generated, {refused} refused) in {:.1?}",
        started.elapsed()
    );
    // The builder is only useful if most documents get past the parser.
    assert!(
        generated > CASES / 4,
        "only {generated} of {CASES} generated"
    );
}

/// The fuzz target's faster check (tokens parsed, not printed, on one
/// thread) sees what the full check sees on these documents: the same
/// number of Rust files, or the same refusal.
#[test]
fn the_unformatted_check_agrees_with_the_full_check() {
    let compare = || {
        let mut generated = 0;
        for case in 0..CASES / 5 {
            let (text, _) = case_document(case);
            let full = check_generator(&text);
            assert_eq!(
                check_generator_unformatted(&text),
                full,
                "case {case}: {text}"
            );
            generated += usize::from(matches!(full, Ok(Outcome::Generated(n)) if n > 0));
        }
        generated
    };
    let generated = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(compare)
        .unwrap()
        .join()
        .expect("the comparison finished");
    assert!(generated > 0, "no case generated files");
}
