//! Every event of the spec's `webhooks` section, as a signed delivery: a
//! payload built from the spec, signed here with hmac/sha2/base64 (not with
//! the SDK's own signer), for every pinned API version, verified and routed
//! by `polar_api::webhooks` to its version's payload and its own variant,
//! and re-encoded to the same JSON.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use codegen::instance::InstanceBuilder;
use hmac::{Hmac, Mac};
use polar_api::webhooks::{Webhook, WebhookOutcome, WebhookSecret};
use polar_tests::{first_difference, pins, spec};
use serde_json::Value;
use sha2::Sha256;

/// A `whsec_` secret that reads both ways: the base64 of 32 made-up bytes.
const SECRET: &str = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";
const NOW: i64 = 1_795_000_000;

/// The `webhook-signature` entry for a delivery, keyed either by the secret
/// string's bytes (legacy) or by its base64-decoded bytes (standard).
fn sign(legacy: bool, id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = if legacy {
        SECRET.as_bytes().to_vec()
    } else {
        STANDARD
            .decode(SECRET.strip_prefix("whsec_").unwrap())
            .unwrap()
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[test]
fn every_webhook_event_of_every_version_verifies_and_routes_to_its_version() {
    let webhook = Webhook::new(WebhookSecret::new(SECRET).unwrap());
    let mut failures = Vec::new();
    let mut decoded = 0;
    let mut events = 0;
    let versions: Vec<String> = pins().into_iter().map(|pin| pin.version).collect();
    assert!(!versions.is_empty());

    for version in &versions {
        let spec = spec(version);
        let builder = InstanceBuilder::new(&spec);
        for (index, (event, item)) in spec.webhooks.iter().enumerate() {
            events += 1;
            let schema = item.webhook_body().expect("a webhook has a JSON body");
            let payload: Value = builder.schema(schema);
            assert_eq!(payload["type"], event.as_str());

            // Pretty-printed, so the bytes differ from any re-serialization:
            // verification must use them as they are.
            let body = serde_json::to_vec_pretty(&payload).unwrap();
            let id = format!("msg_event_{index:02}");
            let timestamp = NOW - index as i64;
            // Alternate the two derivations a `WebhookSecret::new` secret accepts.
            let legacy = index % 2 == 0;
            let headers = [
                ("webhook-id", id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", sign(legacy, &id, timestamp, &body)),
                ("webhook-api-version", version.clone()),
            ];

            // Strict decoding: nothing may land in an `Unknown` variant.
            let result = polar_models::__private::strict_decoding(|| {
                webhook.verify_and_route_at(&headers, &body, NOW)
            });
            match result {
                Ok(WebhookOutcome::Event {
                    event: payload_of_version,
                    delivery,
                }) => {
                    decoded += 1;
                    // What a receiver logs and de-duplicates by, with no
                    // re-serializing: the wire `type` and the delivery.
                    if payload_of_version.event_type() != event.as_str() {
                        failures.push(format!(
                            "{version} {event}: event_type() is {:?}",
                            payload_of_version.event_type()
                        ));
                    }
                    if delivery.id != id
                        || delivery.timestamp != timestamp
                        || delivery.body != body
                        || delivery.declared_version.as_deref() != Some(version.as_str())
                        || delivery.event_type.as_deref() != Some(event.as_str())
                    {
                        failures.push(format!("{version} {event}: delivery {delivery:?}"));
                    }
                    if payload_of_version.api_version() != version {
                        failures.push(format!(
                            "{version} {event}: decoded as {}",
                            payload_of_version.api_version()
                        ));
                    }
                    let encoded = serde_json::to_value(&payload_of_version).unwrap();
                    if encoded["type"] != event.as_str() {
                        failures.push(format!("{version} {event}: decoded as {}", encoded["type"]));
                    }
                    if let Some(diff) = first_difference(&payload, &encoded) {
                        failures.push(format!("{version} {event}: {diff}"));
                    }
                }
                Ok(other) => failures.push(format!("{version} {event}: {other:?}")),
                Err(err) => failures.push(format!("{version} {event}: {err}")),
            }

            // The same delivery with one byte of the body changed is refused.
            let mut tampered = body.clone();
            let last = tampered.len() - 1;
            tampered[last - 1] ^= 0x20;
            if webhook.verify_at(&headers, &tampered, NOW).is_ok() {
                failures.push(format!("{version} {event}: a tampered body verified"));
            }
        }
    }

    assert!(
        failures.is_empty(),
        "webhook deliveries failed:\n{}",
        failures.join("\n")
    );
    assert_eq!(decoded, events, "every event of every version decoded");
}

#[test]
fn the_test_signer_agrees_with_the_sdk_signer() {
    let webhook = Webhook::new(WebhookSecret::new(SECRET).unwrap());
    let body = br#"{"type":"a.b"}"#;
    let expected = format!(
        "{} {}",
        sign(true, "msg_x", NOW, body),
        sign(false, "msg_x", NOW, body)
    );
    assert_eq!(webhook.sign("msg_x", NOW, body), expected);
}
