//! A program that calls every operation of the current API version, for the
//! binary-size comparison in BENCHMARKS.md ("Memory and size"): its release
//! build is what linking all of its request builders costs, next to
//! `benches/examples/one_operation.rs`.
//!
//! It reuses the conformance cases (one generated call per operation) and
//! builds each call's future without running it: no request is sent.
//!
//! `cargo build --release -p polar-tests --example every_operation`

#[path = "../tests/conformance.rs"]
#[allow(dead_code, unused_imports)]
mod conformance;

use polar_api::v2026_10::Version;

fn main() {
    let clients = conformance::clients::<Version>("http://127.0.0.1:9");
    let calls: Vec<_> = conformance::cases::v2026_10::cases()
        .iter()
        .map(|case| (case.call)(&clients))
        .collect();
    println!("{} operations ready to call (none sent)", calls.len());
    // Keep every future (and so every operation's code) in the binary.
    std::hint::black_box(calls);
}
