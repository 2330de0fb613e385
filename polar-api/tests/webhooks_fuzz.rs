//! Bounded fuzzing of webhook verification and decoding with proptest:
//! arbitrary headers, bodies and secrets never make it panic, and a valid
//! delivery altered anywhere never verifies.
//!
//! Cases per property are fixed (see the `CASES_*` constants, 100,000
//! executions in all); each property counts its executions and checks the
//! count, and `cargo test -- --nocapture` prints it. Failures are not
//! persisted to disk, so a run leaves no files behind.
#![cfg(feature = "webhooks")]

use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};

use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{Webhook, WebhookError, WebhookSecret};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRunner};

const CASES_ARBITRARY_HEADERS: u32 = 40_000;
const CASES_MUTATED_DELIVERIES: u32 = 25_000;
const CASES_SIGNED_BODIES: u32 = 25_000;
const CASES_SECRETS: u32 = 10_000;

const NOW: i64 = 1_790_000_000;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        // ChaCha, the default, dominates the run time in debug builds.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    })
}

/// Run `test` on `cases` inputs from `strategy`, and check all ran.
fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let executed = AtomicU32::new(0);
    let result = runner(cases).run(&strategy, |input| {
        executed.fetch_add(1, Ordering::Relaxed);
        test(input)
    });
    if let Err(err) = result {
        panic!("{name}: {err}");
    }
    let executed = executed.into_inner();
    println!("{name}: {executed} executions");
    assert!(executed >= cases, "{name}: only {executed} of {cases} ran");
}

fn webhook() -> Webhook {
    // Reads both ways, so both key derivations are exercised.
    let secret = WebhookSecret::new("whsec_Jc2ZbGnI3Wu1bBnVK6W3v1K5Dy8Xz0rTm4Qp7Ls9Hk0=").unwrap();
    assert_eq!(secret.derivations().len(), 2);
    Webhook::new(secret)
}

const PRINTABLE: &[u8] = b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
const DIGITISH: &[u8] = b"0123456789+-. e";

/// `len` bytes from a seeded xorshift generator. Far cheaper in debug
/// builds than a vector of per-byte strategies (what keeps 100,000 cases
/// within the time budget); shrinking shortens the bytes and lowers the
/// seed.
fn bytes(len: Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    (any::<u64>(), len).prop_map(|(seed, len)| {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect()
    })
}

/// Strings of `len` characters drawn from `alphabet`.
fn text(alphabet: &'static [u8], len: Range<usize>) -> impl Strategy<Value = String> {
    bytes(len).prop_map(move |raw| {
        raw.into_iter()
            .map(|b| char::from(alphabet[usize::from(b) % alphabet.len()]))
            .collect()
    })
}

/// Header values: mostly shaped like the real thing, sometimes anything.
fn signature_value() -> impl Strategy<Value = Vec<u8>> {
    let version = prop_oneof![Just("v1"), Just("v1a"), Just("v2"), Just("V1"), Just(""),];
    let separator = prop_oneof![Just(" "), Just("  "), Just("\t"), Just("")];
    let entry = (
        version,
        prop_oneof![Just(","), Just("")],
        text(BASE64, 0..46),
        separator,
    )
        .prop_map(|(version, comma, mac, separator)| format!("{version}{comma}{mac}{separator}"));
    prop_oneof![
        3 => proptest::collection::vec(entry, 0..4).prop_map(|entries| entries.concat().into_bytes()),
        1 => text(PRINTABLE, 0..80).prop_map(String::into_bytes),
        1 => bytes(0..80),
    ]
}

fn timestamp_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (NOW - 1_000..NOW + 1_000).prop_map(|t| t.to_string().into_bytes()),
        text(DIGITISH, 0..24).prop_map(String::into_bytes),
        bytes(0..24),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![bytes(0..160), json_body().prop_map(String::into_bytes)]
}

/// JSON-ish bodies that get past the first checks of the decoder.
fn json_body() -> impl Strategy<Value = String> {
    let event_type = prop_oneof![
        Just("order.paid".to_owned()),
        Just("subscription.updated".to_owned()),
        Just("customer.deleted".to_owned()),
        (text(ALNUM, 1..12), text(ALNUM, 1..12)).prop_map(|(a, b)| format!("{a}.{b}")),
    ];
    let value = prop_oneof![
        Just("null".to_owned()),
        Just("{}".to_owned()),
        Just("[]".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        text(ALNUM, 0..20).prop_map(|s| format!("\"{s}\"")),
        Just(r#"{"id":"0b7e5d2a-1111-4c3e-9d11-5a0000000001"}"#.to_owned()),
    ];
    (
        event_type,
        value,
        prop_oneof![Just(""), Just("}"), Just(","), Just("\"")],
    )
        .prop_map(|(event_type, data, tail)| {
            format!(r#"{{"type":"{event_type}","timestamp":"2026-10-01T12:00:00Z","data":{data}}}{tail}"#)
        })
}

#[test]
fn arbitrary_headers_and_bodies_never_panic() {
    let webhook = webhook();
    let strategy = (
        prop_oneof![
            Just(None),
            text(PRINTABLE, 0..40).prop_map(|s| Some(s.into_bytes())),
            bytes(0..40).prop_map(Some),
        ],
        proptest::option::weighted(0.95, timestamp_value()),
        proptest::option::weighted(0.95, signature_value()),
        body(),
        NOW - 1_000..NOW + 1_000,
    );
    run(
        "arbitrary headers and bodies",
        CASES_ARBITRARY_HEADERS,
        strategy,
        |(id, timestamp, signature, body, now)| {
            let mut headers: Vec<(&str, Vec<u8>)> = Vec::new();
            if let Some(id) = id {
                headers.push(("webhook-id", id));
            }
            if let Some(timestamp) = timestamp {
                headers.push(("webhook-timestamp", timestamp));
            }
            if let Some(signature) = signature {
                headers.push(("webhook-signature", signature));
            }
            let verified = webhook.verify_at(&headers, &body, now);
            let decoded = webhook.verify_and_decode_at::<WebhookPayload, _>(&headers, &body, now);
            let routed = webhook.verify_and_route_at(&headers, &body, now);
            // Random signatures do not verify; whatever fails, all agree.
            prop_assert!(verified.is_err());
            prop_assert!(decoded.is_err());
            prop_assert!(routed.is_err());
            Ok(())
        },
    );
}

/// How a valid delivery is altered.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBodyBit { at: usize, bit: u8 },
    TruncateBody { to: usize },
    AppendToBody(Vec<u8>),
    ShiftTimestamp(i64),
    ChangeId(String),
    FlipSignatureChar { at: usize },
    SwapSignatureVersion(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBodyBit { at, bit }),
        any::<usize>().prop_map(|to| Mutation::TruncateBody { to }),
        bytes(1..8).prop_map(Mutation::AppendToBody),
        prop_oneof![-300i64..0, 1i64..300].prop_map(Mutation::ShiftTimestamp),
        text(ALNUM, 1..8).prop_map(Mutation::ChangeId),
        any::<usize>().prop_map(|at| Mutation::FlipSignatureChar { at }),
        prop_oneof![Just("v2"), Just("v1a"), Just("v0"), Just("V1"), Just("")]
            .prop_map(|v| Mutation::SwapSignatureVersion(v.to_owned())),
    ]
}

#[test]
fn a_valid_delivery_altered_anywhere_never_verifies() {
    let webhook = webhook();
    let strategy = (
        text(ALNUM, 1..24).prop_map(|s| format!("msg_{s}")),
        NOW - 200..NOW + 200,
        body(),
        mutation(),
    );
    run(
        "mutated valid deliveries",
        CASES_MUTATED_DELIVERIES,
        strategy,
        |(id, timestamp, body, mutation)| {
            let signature = webhook.sign(&id, timestamp, &body);
            let mut headers = vec![
                ("webhook-id", id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", signature.clone()),
            ];
            prop_assert!(webhook.verify_at(&headers, &body, NOW).is_ok());

            let mut body = body;
            match &mutation {
                Mutation::FlipBodyBit { at, bit } => {
                    if body.is_empty() {
                        body.push(b' ');
                    } else {
                        let at = at % body.len();
                        body[at] ^= 1 << bit;
                    }
                }
                Mutation::TruncateBody { to } => {
                    if body.is_empty() {
                        body.push(b'x');
                    } else {
                        body.truncate(to % body.len());
                    }
                }
                Mutation::AppendToBody(extra) => body.extend_from_slice(extra),
                Mutation::ShiftTimestamp(by) => headers[1].1 = (timestamp + by).to_string(),
                Mutation::ChangeId(suffix) => headers[0].1.push_str(suffix),
                Mutation::FlipSignatureChar { at } => {
                    // Change one base64 character of every entry's MAC.
                    let changed: Vec<String> = signature
                        .split(' ')
                        .map(|entry| {
                            let mut bytes = entry.as_bytes().to_vec();
                            // Skip "v1," and the final "=" padding.
                            let at = 3 + at % (bytes.len() - 4);
                            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                            String::from_utf8(bytes).unwrap()
                        })
                        .collect();
                    headers[2].1 = changed.join(" ");
                }
                Mutation::SwapSignatureVersion(version) => {
                    headers[2].1 = signature.replace("v1,", &format!("{version},"));
                }
            }
            let result = webhook.verify_at(&headers, &body, NOW);
            let refused = match (&mutation, &result) {
                (_, Err(WebhookError::NoMatchingSignature)) => true,
                // A shifted timestamp may also leave the tolerance window.
                (
                    Mutation::ShiftTimestamp(_),
                    Err(WebhookError::TimestampOutOfTolerance { .. }),
                ) => true,
                _ => false,
            };
            prop_assert!(refused, "{:?} gave {:?}", mutation, result);
            prop_assert!(webhook
                .verify_and_decode_at::<WebhookPayload, _>(&headers, &body, NOW)
                .is_err());
            prop_assert!(webhook.verify_and_route_at(&headers, &body, NOW).is_err());
            Ok(())
        },
    );
}

#[test]
fn any_signed_body_decodes_or_fails_cleanly() {
    let webhook = webhook();
    run(
        "signed arbitrary bodies",
        CASES_SIGNED_BODIES,
        body(),
        |body| {
            let signature = webhook.sign("msg_fuzz", NOW, &body);
            let headers = [
                ("webhook-id", "msg_fuzz".to_owned()),
                ("webhook-timestamp", NOW.to_string()),
                ("webhook-signature", signature),
            ];
            // Routing never fails a verified delivery: whatever the body,
            // it is an outcome (an event, or kept as raw JSON).
            if let Err(err) = webhook.verify_and_route_at(&headers, &body, NOW) {
                return Err(TestCaseError::fail(format!(
                    "a validly signed body was refused by routing: {err:?}"
                )));
            }
            match webhook.verify_and_decode_at::<WebhookPayload, _>(&headers, &body, NOW) {
                Ok(_) | Err(WebhookError::Payload { .. }) => Ok(()),
                Err(other) => Err(TestCaseError::fail(format!(
                    "a validly signed body failed verification: {other:?}"
                ))),
            }
        },
    );
}

#[test]
fn any_secret_signs_and_verifies_its_own_deliveries() {
    let secret = prop_oneof![
        text(PRINTABLE, 0..60),
        text(BASE64, 0..50).prop_map(|s| format!("whsec_{s}")),
        text(ALNUM, 0..40).prop_map(|s| format!("polar_whs_{s}")),
        any::<String>(),
    ];
    run(
        "arbitrary secrets",
        CASES_SECRETS,
        (secret, body()),
        |(secret, body)| {
            // Refused secrets are fine; accepted ones must work.
            let _ = WebhookSecret::legacy(&secret);
            let _ = WebhookSecret::standard(&secret);
            let Ok(secret) = WebhookSecret::new(&secret) else {
                // Only an empty secret, a bare prefix, or fewer than 16
                // bytes of key after the prefix is refused.
                let trimmed = secret.trim();
                let key = trimmed
                    .strip_prefix("whsec_")
                    .or_else(|| trimmed.strip_prefix("polar_whs_"))
                    .unwrap_or(trimmed);
                prop_assert!(key.len() < 16, "refused: {:?}", secret);
                return Ok(());
            };
            let webhook = Webhook::new(secret);
            let headers = [
                ("webhook-id", "msg_s".to_owned()),
                ("webhook-timestamp", NOW.to_string()),
                ("webhook-signature", webhook.sign("msg_s", NOW, &body)),
            ];
            prop_assert!(webhook.verify_at(&headers, &body, NOW).is_ok());
            Ok(())
        },
    );
}

#[test]
fn the_case_counts_add_up_to_one_hundred_thousand() {
    assert_eq!(
        CASES_ARBITRARY_HEADERS + CASES_MUTATED_DELIVERIES + CASES_SIGNED_BODIES + CASES_SECRETS,
        100_000
    );
}
