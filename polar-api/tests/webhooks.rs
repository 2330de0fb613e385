//! Webhook verification: known-answer vectors computed independently (by
//! `tests/data/make_vectors.py`, with Python's hmac/hashlib/base64), the
//! Standard Webhooks reference behaviour, and key-derivation pinning.
#![cfg(feature = "webhooks")]

use std::time::Duration;

use polar_api::reqwest::header::HeaderMap;
use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{
    KeyDerivation, SecretError, Webhook, WebhookError, WebhookSecret, WEBHOOK_ID,
    WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(Clone, Debug, Deserialize)]
struct Vector {
    name: String,
    secret: String,
    derivation: String,
    msg_id: String,
    timestamp: i64,
    body: String,
    signature: String,
}

impl Vector {
    fn headers(&self) -> Vec<(&'static str, String)> {
        headers(&self.msg_id, &self.timestamp.to_string(), &self.signature)
    }
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/webhook_vectors.json");
    serde_json::from_str::<Vectors>(text)
        .expect("the vectors file parses")
        .vectors
}

fn vector(name_part: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.name.contains(name_part))
        .unwrap_or_else(|| panic!("no vector named like {name_part:?}"))
}

fn headers(id: &str, timestamp: &str, signature: &str) -> Vec<(&'static str, String)> {
    vec![
        (WEBHOOK_ID, id.to_owned()),
        (WEBHOOK_TIMESTAMP, timestamp.to_owned()),
        (WEBHOOK_SIGNATURE, signature.to_owned()),
    ]
}

fn auto(secret: &str) -> Webhook {
    Webhook::new(WebhookSecret::new(secret).expect("a usable secret"))
}

fn assert_no_match(result: Result<(), WebhookError>, what: &str) {
    match result {
        Err(WebhookError::NoMatchingSignature) => {}
        other => panic!("{what}: expected NoMatchingSignature, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------

#[test]
fn the_vectors_cover_every_kind_of_secret() {
    let all = vectors();
    assert_eq!(all.len(), 5);
    assert!(all
        .iter()
        .any(|v| v.secret.starts_with("polar_whs_") && v.derivation == "legacy"));
    assert!(all.iter().any(|v| v.secret.starts_with("whsec_")
        && v.secret.len() == 6 + 43
        && v.derivation == "legacy"));
    assert!(all
        .iter()
        .any(|v| v.secret.starts_with("whsec_") && v.derivation == "standard"));
}

#[test]
fn known_answers_verify_with_a_secret_of_either_kind() {
    for v in vectors() {
        let webhook = auto(&v.secret);
        webhook
            .verify_at(&v.headers(), v.body.as_bytes(), v.timestamp)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
    }
}

#[test]
fn known_answers_verify_with_the_pinned_derivation_only() {
    for v in vectors() {
        let (own, other) = match v.derivation.as_str() {
            "legacy" => (
                WebhookSecret::legacy(&v.secret),
                WebhookSecret::standard(&v.secret),
            ),
            "standard" => (
                WebhookSecret::standard(&v.secret),
                WebhookSecret::legacy(&v.secret),
            ),
            other => panic!("unknown derivation {other}"),
        };
        let own = Webhook::new(own.unwrap());
        own.verify_at(&v.headers(), v.body.as_bytes(), v.timestamp)
            .unwrap_or_else(|e| panic!("{} (pinned to its own derivation): {e}", v.name));
        match other {
            Ok(other) => assert_no_match(
                Webhook::new(other).verify_at(&v.headers(), v.body.as_bytes(), v.timestamp),
                &format!("{} pinned to the other derivation", v.name),
            ),
            // Only a legacy secret that is not base64 has no standard reading.
            Err(err) => {
                assert_eq!(v.derivation, "legacy", "{}", v.name);
                assert_eq!(err, SecretError::NotBase64, "{}", v.name);
            }
        }
    }
}

#[test]
fn sign_reproduces_the_known_answers() {
    for v in vectors() {
        let webhook = auto(&v.secret);
        let header = webhook.sign(&v.msg_id, v.timestamp, v.body.as_bytes());
        assert!(
            header.split(' ').any(|entry| entry == v.signature),
            "{}: {header} does not contain {}",
            v.name,
            v.signature
        );
        let pinned = match v.derivation.as_str() {
            "legacy" => WebhookSecret::legacy(&v.secret),
            _ => WebhookSecret::standard(&v.secret),
        };
        assert_eq!(
            Webhook::new(pinned.unwrap()).sign(&v.msg_id, v.timestamp, v.body.as_bytes()),
            v.signature,
            "{}",
            v.name
        );
    }
}

#[test]
fn secrets_read_both_ways_only_when_they_can() {
    let derivations = |s: &str| WebhookSecret::new(s).unwrap().derivations();
    let both = [KeyDerivation::Legacy, KeyDerivation::Standard];
    assert_eq!(
        derivations(&vector("polar_whs_").secret),
        [KeyDerivation::Legacy]
    );
    assert_eq!(
        derivations(&vector("URL-safe").secret),
        [KeyDerivation::Legacy]
    );
    assert_eq!(derivations(&vector("also valid base64").secret), both);
    assert_eq!(
        derivations(&vector("standard whsec_ secret, padded").secret),
        both
    );
    assert_eq!(derivations(&vector("unpadded").secret), both);
}

#[test]
fn a_known_answer_with_an_unknown_event_type_decodes_into_unknown() {
    let v = vector("unpadded");
    match auto(&v.secret).verify_and_decode_at(&v.headers(), v.body.as_bytes(), v.timestamp) {
        Ok(WebhookPayload::Unknown(raw)) => assert_eq!(raw["type"], "widget.frobnicated"),
        other => panic!("expected Unknown, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Standard Webhooks reference behaviour, on an independently signed delivery
// ---------------------------------------------------------------------------

struct Delivery {
    webhook: Webhook,
    v: Vector,
}

fn delivery() -> Delivery {
    let v = vector("polar_whs_");
    Delivery {
        webhook: auto(&v.secret),
        v,
    }
}

impl Delivery {
    fn with_signature(&self, signature: &str) -> Result<(), WebhookError> {
        let headers = headers(&self.v.msg_id, &self.v.timestamp.to_string(), signature);
        self.webhook
            .verify_at(&headers, self.v.body.as_bytes(), self.v.timestamp)
    }

    fn signature_b64(&self) -> &str {
        self.v.signature.strip_prefix("v1,").unwrap()
    }
}

#[test]
fn one_valid_signature_among_invalid_ones_passes() {
    let d = delivery();
    let good = &d.v.signature;
    let wrong = "v1,Zc51/16V99LgtucmRlb3hhY6+Gw8riVntgGYtvkULnA=";
    let short = "v1,AAAA";
    let not_base64 = "v1,%%%%";
    for header in [
        format!("{wrong} {good}"),
        format!("{good} {wrong}"),
        format!("{short} {not_base64} {good} {wrong}"),
        format!("  {wrong}   {good}  "),
        format!("{wrong}\t{good}"),
    ] {
        d.with_signature(&header)
            .unwrap_or_else(|e| panic!("{header:?}: {e}"));
    }
    assert_no_match(
        d.with_signature(&format!("{wrong} {short}")),
        "only invalid",
    );
}

#[test]
fn entries_with_other_versions_are_skipped() {
    let d = delivery();
    let sig = d.signature_b64().to_owned();
    // The right MAC under another version tag does not count...
    for tag in ["v2", "v1a", "V1", "v0", ""] {
        assert_no_match(
            d.with_signature(&format!("{tag},{sig}")),
            &format!("tag {tag:?}"),
        );
    }
    // ...and other versions do not hide a valid v1 entry.
    d.with_signature(&format!("v1a,c2lnbmVk v2,{sig} v1,{sig}"))
        .unwrap();
}

#[test]
fn unpadded_signatures_are_accepted() {
    let d = delivery();
    let unpadded = d.v.signature.trim_end_matches('=');
    d.with_signature(unpadded).unwrap();
}

#[test]
fn tampering_with_any_signed_part_fails() {
    let d = delivery();
    let (id, ts, body) = (&d.v.msg_id, d.v.timestamp, d.v.body.as_bytes());
    let sig = &d.v.signature;

    // The body: one byte changed, one appended, re-serialized.
    let mut flipped = body.to_vec();
    flipped[10] ^= 0x01;
    let mut appended = body.to_vec();
    appended.push(b' ');
    let reserialized =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(body).unwrap()).unwrap();
    for (what, body) in [
        ("flipped byte", flipped),
        ("appended space", appended),
        ("re-serialized JSON", reserialized),
        ("empty body", Vec::new()),
    ] {
        assert_no_match(
            d.webhook
                .verify_at(&headers(id, &ts.to_string(), sig), &body, ts),
            what,
        );
    }

    // The timestamp, moved by a second (still within tolerance).
    assert_no_match(
        d.webhook
            .verify_at(&headers(id, &(ts + 1).to_string(), sig), body, ts + 1),
        "timestamp + 1",
    );
    // The id.
    assert_no_match(
        d.webhook
            .verify_at(&headers(&format!("{id}x"), &ts.to_string(), sig), body, ts),
        "id",
    );
    // The signature itself.
    let mut mangled = sig.clone().into_bytes();
    mangled[5] = if mangled[5] == b'A' { b'B' } else { b'A' };
    assert_no_match(
        d.with_signature(std::str::from_utf8(&mangled).unwrap()),
        "signature",
    );
}

#[test]
fn timestamps_outside_the_tolerance_are_refused() {
    let d = delivery();
    let (ts, body) = (d.v.timestamp, d.v.body.as_bytes());
    let headers = d.v.headers();
    let check = |webhook: &Webhook, now: i64| webhook.verify_at(&headers, body, now);

    // Default: five minutes either way, inclusive.
    check(&d.webhook, ts + 300).unwrap();
    check(&d.webhook, ts - 300).unwrap();
    match check(&d.webhook, ts + 301) {
        Err(WebhookError::TimestampOutOfTolerance {
            skew_secs,
            tolerance,
        }) => {
            assert_eq!(skew_secs, 301);
            assert_eq!(tolerance, Duration::from_secs(300));
        }
        other => panic!("stale: {other:?}"),
    }
    match check(&d.webhook, ts - 301) {
        Err(WebhookError::TimestampOutOfTolerance { skew_secs, .. }) => {
            assert_eq!(skew_secs, -301)
        }
        other => panic!("future: {other:?}"),
    }
    match check(&d.webhook, ts + 86_400 * 365) {
        Err(err @ WebhookError::TimestampOutOfTolerance { .. }) => {
            assert_eq!(err.status_code(), 403);
            assert!(err.to_string().contains("in the past"), "{err}");
        }
        other => panic!("a year old: {other:?}"),
    }

    // Configured.
    let strict = d.webhook.clone().tolerance(Duration::from_secs(10));
    check(&strict, ts + 10).unwrap();
    assert!(matches!(
        check(&strict, ts + 11),
        Err(WebhookError::TimestampOutOfTolerance { skew_secs: 11, .. })
    ));
    assert!(matches!(
        check(&strict, ts - 11),
        Err(WebhookError::TimestampOutOfTolerance { skew_secs: -11, .. })
    ));
}

#[test]
fn a_fresh_delivery_verifies_against_the_real_clock() {
    let webhook = auto("polar_whs_clock_check_secret");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body = br#"{"type":"x.y","timestamp":"2026-01-01T00:00:00Z","data":{}}"#;
    let signature = webhook.sign("msg_now", now, body);
    let headers = headers("msg_now", &now.to_string(), &signature);
    webhook.verify(&headers, body).unwrap();
    assert!(matches!(
        webhook.verify_and_decode(&headers, body),
        Ok(WebhookPayload::Unknown(_))
    ));
}

#[test]
fn the_wrong_secret_fails() {
    let d = delivery();
    for secret in [
        "polar_whs_kQ3vT9pLr2XmWc8NbZa5HyEu7JdFs4GO", // one letter's case
        "polar_whs_kQ3vT9pLr2XmWc8NbZa5HyEu7JdFs4G",  // truncated
        "whsec_kQ3vT9pLr2XmWc8NbZa5HyEu7JdFs4Go",
        &vector("standard whsec_ secret, padded").secret,
    ] {
        let webhook = auto(secret);
        assert_no_match(
            webhook.verify_at(&d.v.headers(), d.v.body.as_bytes(), d.v.timestamp),
            secret,
        );
    }
}

#[test]
fn each_missing_header_is_named() {
    let d = delivery();
    let all = d.v.headers();
    for missing in [WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE] {
        let partial: Vec<_> = all.iter().filter(|(n, _)| *n != missing).cloned().collect();
        match d
            .webhook
            .verify_at(&partial, d.v.body.as_bytes(), d.v.timestamp)
        {
            Err(err @ WebhookError::MissingHeader { header }) => {
                assert_eq!(header, missing);
                assert_eq!(err.status_code(), 400);
                assert!(err.to_string().contains(missing), "{err}");
            }
            other => panic!("without {missing}: {other:?}"),
        }
    }
    let none: [(&str, &str); 0] = [];
    assert!(matches!(
        d.webhook.verify_at(&none, b"{}", 0),
        Err(WebhookError::MissingHeader { header: WEBHOOK_ID })
    ));
}

#[test]
fn malformed_header_values_are_named() {
    let d = delivery();
    let (id, ts, sig) = (
        d.v.msg_id.as_str(),
        d.v.timestamp.to_string(),
        d.v.signature.as_str(),
    );
    let cases: Vec<(&str, RawHeaders)> = vec![
        (
            WEBHOOK_ID,
            bytes_headers(b"", ts.as_bytes(), sig.as_bytes()),
        ),
        (
            WEBHOOK_ID,
            bytes_headers(b"msg_\xff", ts.as_bytes(), sig.as_bytes()),
        ),
        (
            WEBHOOK_TIMESTAMP,
            bytes_headers(id.as_bytes(), b"", sig.as_bytes()),
        ),
        (
            WEBHOOK_TIMESTAMP,
            bytes_headers(id.as_bytes(), b"yesterday", sig.as_bytes()),
        ),
        (
            WEBHOOK_TIMESTAMP,
            bytes_headers(id.as_bytes(), b"-1790000000", sig.as_bytes()),
        ),
        (
            WEBHOOK_TIMESTAMP,
            bytes_headers(id.as_bytes(), b"1790000000.0", sig.as_bytes()),
        ),
        (
            WEBHOOK_TIMESTAMP,
            bytes_headers(id.as_bytes(), b" 1790000000", sig.as_bytes()),
        ),
        (
            WEBHOOK_TIMESTAMP,
            bytes_headers(
                id.as_bytes(),
                b"123456789012345678901234567890",
                sig.as_bytes(),
            ),
        ),
        (
            WEBHOOK_SIGNATURE,
            bytes_headers(id.as_bytes(), ts.as_bytes(), b""),
        ),
        (
            WEBHOOK_SIGNATURE,
            bytes_headers(id.as_bytes(), ts.as_bytes(), b"   "),
        ),
        (
            WEBHOOK_SIGNATURE,
            bytes_headers(id.as_bytes(), ts.as_bytes(), d.signature_b64().as_bytes()),
        ),
        (
            WEBHOOK_SIGNATURE,
            bytes_headers(
                id.as_bytes(),
                ts.as_bytes(),
                format!("{sig} v1\u{e9},AAAA").as_bytes(),
            ),
        ),
    ];
    for (expected, headers) in cases {
        match d
            .webhook
            .verify_at(&headers, d.v.body.as_bytes(), d.v.timestamp)
        {
            Err(err @ WebhookError::MalformedHeader { header, .. }) => {
                assert_eq!(header, expected, "{headers:?}");
                assert_eq!(err.status_code(), 400);
                assert!(!err.is_unauthenticated());
            }
            other => panic!("{headers:?}: expected a malformed {expected}, got {other:?}"),
        }
    }
}

type RawHeaders = Vec<(&'static str, Vec<u8>)>;

fn bytes_headers(id: &[u8], ts: &[u8], sig: &[u8]) -> RawHeaders {
    vec![
        (WEBHOOK_ID, id.to_vec()),
        (WEBHOOK_TIMESTAMP, ts.to_vec()),
        (WEBHOOK_SIGNATURE, sig.to_vec()),
    ]
}

#[test]
fn an_http_header_map_works_in_any_case() {
    let d = delivery();
    let mut map = HeaderMap::new();
    map.insert("Webhook-Id", d.v.msg_id.parse().unwrap());
    map.insert(
        "WEBHOOK-TIMESTAMP",
        d.v.timestamp.to_string().parse().unwrap(),
    );
    map.insert("webhook-signature", d.v.signature.parse().unwrap());
    d.webhook
        .verify_at(&map, d.v.body.as_bytes(), d.v.timestamp)
        .unwrap();
}

#[test]
fn a_verified_body_that_is_not_an_event_is_a_payload_error() {
    let webhook = auto("polar_whs_payload_errors_secret");
    let ts = 1_790_000_000;
    for (body, event_type) in [
        (&b"not json at all"[..], None),
        (b"[1,2,3]", None),
        (b"{\"data\":{}}", None),
        (
            br#"{"type":"order.paid","timestamp":"2026-10-01T12:00:00Z","data":{"id":"nope"}}"#,
            Some("order.paid"),
        ),
    ] {
        let headers = headers("msg_p", &ts.to_string(), &webhook.sign("msg_p", ts, body));
        match webhook.verify_and_decode_at::<WebhookPayload, _>(&headers, body, ts) {
            Err(err @ WebhookError::Payload { .. }) => {
                assert_eq!(err.status_code(), 400);
                assert!(std::error::Error::source(&err).is_some());
                let WebhookError::Payload {
                    event_type: got, ..
                } = err
                else {
                    unreachable!()
                };
                assert_eq!(got.as_deref(), event_type);
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
}

#[test]
fn the_signature_is_checked_before_the_body_is_parsed() {
    let webhook = auto("polar_whs_order_of_checks_secret");
    let headers = headers("msg", "1790000000", "v1,AAAA");
    assert!(matches!(
        webhook.verify_and_decode_at::<WebhookPayload, _>(&headers, b"not json", 1_790_000_000),
        Err(WebhookError::NoMatchingSignature)
    ));
}

// ---------------------------------------------------------------------------
// Pinning one derivation
// ---------------------------------------------------------------------------

#[test]
fn a_pinned_secret_rejects_the_other_derivation() {
    // A `whsec_` secret that reads both ways.
    let text = vector("also valid base64").secret;
    let legacy = Webhook::new(WebhookSecret::legacy(&text).unwrap());
    let standard = Webhook::new(WebhookSecret::standard(&text).unwrap());
    let either = auto(&text);
    let (id, ts, body) = ("msg_pin", 1_790_000_000, &b"{\"type\":\"a.b\"}"[..]);

    let legacy_sig = legacy.sign(id, ts, body);
    let standard_sig = standard.sign(id, ts, body);
    assert_ne!(legacy_sig, standard_sig);
    let with = |sig: &str| headers(id, &ts.to_string(), sig);

    legacy.verify_at(&with(&legacy_sig), body, ts).unwrap();
    standard.verify_at(&with(&standard_sig), body, ts).unwrap();
    either.verify_at(&with(&legacy_sig), body, ts).unwrap();
    either.verify_at(&with(&standard_sig), body, ts).unwrap();
    assert_no_match(
        standard.verify_at(&with(&legacy_sig), body, ts),
        "standard-pinned, legacy signature",
    );
    assert_no_match(
        legacy.verify_at(&with(&standard_sig), body, ts),
        "legacy-pinned, standard signature",
    );
    // `sign` with an either-way secret emits both entries.
    assert_eq!(
        either.sign(id, ts, body),
        format!("{legacy_sig} {standard_sig}")
    );
}

#[test]
fn the_secret_never_shows() {
    let v = vector("standard whsec_ secret, padded");
    let secret = WebhookSecret::new(&v.secret).unwrap();
    let webhook = Webhook::new(secret.clone());
    let key_part = &v.secret["whsec_".len()..];
    let mut shown = vec![format!("{secret:?}"), format!("{webhook:?}")];
    let ts = v.timestamp;
    let attempts = [
        headers(&v.msg_id, &ts.to_string(), "v1,AAAA"),
        headers(&v.msg_id, "x", &v.signature),
        headers("", &ts.to_string(), &v.signature),
    ];
    for headers in &attempts {
        let err = webhook
            .verify_at(headers, v.body.as_bytes(), ts)
            .unwrap_err();
        shown.push(err.to_string());
        shown.push(format!("{err:?}"));
    }
    let err = webhook
        .verify_at(&v.headers(), v.body.as_bytes(), ts + 10_000)
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = WebhookSecret::standard("whsec_has spaces and !!").unwrap_err();
    shown.push(format!("{err} {err:?}"));
    for text in shown {
        assert!(!text.contains(key_part), "{text}");
        assert!(!text.contains("has spaces"), "{text}");
    }
}
