//! Decodes one webhook delivery built from the spec N times, typed or as a
//! `serde_json::Value`, for an instruction count that does not depend on
//! the machine's load (this VM's wall-clock benches move by ±20 %):
//!
//! ```sh
//! cargo build --release -p polar-benches --example decode_count
//! for n in 0 200; do valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/decode_count benefit_grant.created typed $n; done
//! ```
//!
//! The difference of the two counts over 200 is one decode's instructions
//! (the spec is read and the payload built in both runs).

use std::hint::black_box;

use polar_models::__private::decode_json;
use polar_models::v2026_10::WebhookPayload;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: decode_count EVENT typed|value N";
    let event = args.next().expect(usage);
    let mode = args.next().expect(usage);
    let n: usize = args.next().and_then(|n| n.parse().ok()).expect(usage);
    let bytes = polar_benches::payloads::webhook(&polar_benches::spec(), &event);
    let _: WebhookPayload = polar_benches::payloads::decode_strict(&event, &bytes);
    for _ in 0..n {
        match mode.as_str() {
            "typed" => drop(black_box(
                decode_json::<WebhookPayload>(black_box(&bytes)).expect("typed"),
            )),
            "value" => drop(black_box(
                serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("JSON"),
            )),
            _ => panic!("{usage}"),
        }
    }
}
