//! Routing verified webhook deliveries by API version: the
//! `webhook-api-version` header, else the payload's `api_version`, else the
//! verifier's default; versions this build does not include and bodies that
//! do not decode are outcomes (the verified raw JSON), never errors; only a
//! delivery that does not verify is an `Err`.
//!
//! The deliveries are `customer.deleted` events, whose `Customer` both
//! versions know; 2026-10 added `first_user_event_at`, which tells the two
//! decodings apart. Tests of `v2026_04` need `--features v2026-04` (on in
//! `cargo test --workspace`).
#![cfg(all(feature = "webhooks", feature = "v2026-10"))]

use polar_api::v2026_10::models::Customer;
use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{
    VerifiedDelivery, VersionedWebhookPayload, Webhook, WebhookError, WebhookOutcome,
    WebhookSecret, WEBHOOK_API_VERSION, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};
use serde_json::{json, Value};

const NOW: i64 = 1_790_000_000;
const ID: &str = "msg_2zVersions";
const CUSTOMER_ID: &str = "992fae2a-2a17-4b7a-8d9e-e287cf90131b";

fn webhook() -> Webhook {
    Webhook::new(WebhookSecret::new("polar_whs_versions_test_secret").unwrap())
}

/// A `customer.deleted` delivery as Polar sends it, with `api_version` in
/// the payload when given.
fn customer_deleted(api_version: Option<&str>) -> Vec<u8> {
    let mut payload = json!({
        "type": "customer.deleted",
        "timestamp": "2026-10-01T12:00:00Z",
        "data": {
            "id": CUSTOMER_ID,
            "created_at": "2026-01-02T03:04:05Z",
            "modified_at": null,
            "metadata": {"plan": "pro"},
            "external_id": "ext-42",
            "email": "ada@example.com",
            "email_verified": true,
            "type": "individual",
            "name": "Ada",
            "billing_name": null,
            "billing_address": null,
            "tax_id": null,
            "locale": "en",
            "organization_id": "1d5c2e4f-8a3b-4c6d-9e7f-0a1b2c3d4e5f",
            "default_payment_method_id": null,
            "deleted_at": "2026-10-01T11:59:58Z",
            "first_user_event_at": "2026-02-03T04:05:06Z",
            "avatar_url": "https://www.gravatar.com/avatar/x"
        }
    });
    if let Some(version) = api_version {
        payload["api_version"] = json!(version);
    }
    serde_json::to_vec(&payload).unwrap()
}

/// The three signature headers for `body`, and `webhook-api-version` when
/// given.
fn signed(webhook: &Webhook, body: &[u8], version: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        (WEBHOOK_ID, ID.to_owned()),
        (WEBHOOK_TIMESTAMP, NOW.to_string()),
        (WEBHOOK_SIGNATURE, webhook.sign(ID, NOW, body)),
    ];
    if let Some(version) = version {
        headers.push((WEBHOOK_API_VERSION, version.to_owned()));
    }
    headers
}

fn route(webhook: &Webhook, body: &[u8], version: Option<&str>) -> WebhookOutcome {
    let headers = signed(webhook, body, version);
    webhook
        .verify_and_route_at(&headers, body, NOW)
        .expect("a signed delivery verifies")
}

/// The event of a delivery decoded as 2026-10, checked to be the fixture.
fn expect_2026_10(outcome: WebhookOutcome) {
    match outcome {
        WebhookOutcome::Event {
            event: VersionedWebhookPayload::V2026_10(WebhookPayload::CustomerDeleted(event)),
            ..
        } => match event.data {
            Customer::Individual(customer) => {
                assert_eq!(customer.id.to_string(), CUSTOMER_ID);
                assert_eq!(customer.email, "ada@example.com");
                // Only 2026-10 has it.
                assert!(customer.first_user_event_at.is_some());
            }
            other => panic!("expected an individual customer, got {other:?}"),
        },
        other => panic!("expected a 2026-10 customer.deleted, got {other:?}"),
    }
}

/// The event of a delivery decoded as 2026-04, checked to be the fixture.
#[cfg(feature = "v2026-04")]
fn expect_2026_04(outcome: WebhookOutcome) {
    use polar_api::v2026_04;
    match outcome {
        WebhookOutcome::Event {
            event:
                VersionedWebhookPayload::V2026_04(v2026_04::WebhookPayload::CustomerDeleted(event)),
            ..
        } => match event.data {
            v2026_04::models::Customer::Individual(customer) => {
                assert_eq!(customer.id.to_string(), CUSTOMER_ID);
                assert_eq!(customer.email, "ada@example.com");
            }
            other => panic!("expected an individual customer, got {other:?}"),
        },
        other => panic!("expected a 2026-04 customer.deleted, got {other:?}"),
    }
}

#[test]
fn the_header_2026_10_routes_to_2026_10() {
    let webhook = webhook();
    let outcome = route(&webhook, &customer_deleted(None), Some("2026-10"));
    if let WebhookOutcome::Event { event, .. } = &outcome {
        assert_eq!(event.api_version(), "2026-10");
    }
    expect_2026_10(outcome);
}

#[cfg(feature = "v2026-04")]
#[test]
fn the_header_2026_04_routes_to_2026_04() {
    let webhook = webhook();
    let outcome = route(&webhook, &customer_deleted(None), Some("2026-04"));
    if let WebhookOutcome::Event { event, .. } = &outcome {
        assert_eq!(event.api_version(), "2026-04");
    }
    expect_2026_04(outcome);
}

#[cfg(feature = "v2026-04")]
#[test]
fn the_header_wins_over_the_payload() {
    let webhook = webhook();
    let body = customer_deleted(Some("2026-10"));
    expect_2026_04(route(&webhook, &body, Some("2026-04")));
    let body = customer_deleted(Some("2026-04"));
    expect_2026_10(route(&webhook, &body, Some("2026-10")));
}

#[cfg(feature = "v2026-04")]
#[test]
fn without_the_header_the_payload_version_routes() {
    let webhook = webhook();
    expect_2026_04(route(&webhook, &customer_deleted(Some("2026-04")), None));
    // A blank header says nothing either.
    let body = customer_deleted(Some("2026-04"));
    expect_2026_04(route(&webhook, &body, Some("  ")));
    // The default does not override what the delivery declares.
    let other_default = webhook.clone().default_api_version("2026-10");
    expect_2026_04(route(&other_default, &body, None));
}

#[test]
fn without_the_header_the_payload_version_2026_10_routes() {
    let webhook = webhook().default_api_version("2027-01");
    expect_2026_10(route(&webhook, &customer_deleted(Some("2026-10")), None));
}

#[test]
fn a_delivery_declaring_nothing_is_decoded_as_the_default() {
    let body = customer_deleted(None);
    expect_2026_10(route(&webhook(), &body, None));
    assert_eq!(polar_api::CURRENT_API_VERSION, "2026-10");

    let delivery = webhook()
        .verify_delivery_at(&signed(&webhook(), &body, None), &body, NOW)
        .unwrap();
    assert_eq!(delivery.declared_version, None);
}

#[cfg(feature = "v2026-04")]
#[test]
fn the_default_api_version_changes_what_undeclared_deliveries_decode_as() {
    let webhook = webhook().default_api_version("2026-04");
    expect_2026_04(route(&webhook, &customer_deleted(None), None));
    // Declared deliveries are unaffected.
    expect_2026_10(route(&webhook, &customer_deleted(None), Some("2026-10")));
}

#[cfg(not(feature = "v2026-04"))]
#[test]
fn a_default_this_build_does_not_include_keeps_the_delivery() {
    let webhook = webhook().default_api_version("2026-04");
    let body = customer_deleted(None);
    match route(&webhook, &body, None) {
        WebhookOutcome::VersionNotCompiled { version, delivery } => {
            assert_eq!(version, "2026-04");
            assert_eq!(delivery.body, body);
            assert_eq!(delivery.declared_version, None);
        }
        other => panic!("expected VersionNotCompiled, got {other:?}"),
    }
}

#[test]
fn a_version_not_compiled_in_keeps_the_exact_verified_body() {
    let webhook = webhook();
    // By the header, by the payload, and a body that is not even JSON.
    let json_body = customer_deleted(Some("2027-01"));
    let not_json = b"\x00 not json {".to_vec();
    for (body, header, event_type) in [
        (
            customer_deleted(None),
            Some("2027-01"),
            Some("customer.deleted"),
        ),
        (json_body.clone(), None, Some("customer.deleted")),
        (json_body, Some("2027-01"), Some("customer.deleted")),
        (not_json, Some("2027-01"), None),
    ] {
        let outcome = route(&webhook, &body, header);
        assert_eq!(outcome.delivery().body, body);
        assert_eq!(outcome.event_type(), event_type);
        match outcome {
            WebhookOutcome::VersionNotCompiled { version, delivery } => {
                assert_eq!(version, "2027-01");
                assert_eq!(delivery.body, body, "the body exactly as signed");
                assert_eq!(delivery.id, ID);
                assert_eq!(delivery.timestamp, NOW);
                assert_eq!(delivery.declared_version.as_deref(), Some("2027-01"));
                assert_eq!(delivery.event_type.as_deref(), event_type);
                if event_type.is_some() {
                    let json: Value = delivery.json().unwrap();
                    assert_eq!(json["data"]["email"], "ada@example.com");
                    // And it can still be decoded by hand.
                    let payload: WebhookPayload = delivery.decode().unwrap();
                    assert!(matches!(payload, WebhookPayload::CustomerDeleted(_)));
                }
            }
            other => panic!("expected VersionNotCompiled, got {other:?}"),
        }
    }
    assert!(!VersionedWebhookPayload::is_compiled("2027-01"));
    assert!(VersionedWebhookPayload::is_compiled("2026-10"));
}

#[test]
fn a_signed_body_that_is_not_an_event_is_undecodable_not_an_error() {
    let webhook = webhook();
    for (body, event_type) in [
        (&b"not json at all"[..], None),
        (b"[1,2,3]", None),
        (b"{\"data\":{}}", None),
        (
            br#"{"type":"order.paid","timestamp":"2026-10-01T12:00:00Z","data":{"id":"nope"}}"#,
            Some("order.paid"),
        ),
    ] {
        match route(&webhook, body, None) {
            WebhookOutcome::Undecodable {
                version,
                delivery,
                error,
            } => {
                assert_eq!(version, "2026-10");
                assert_eq!(delivery.body, body);
                assert_eq!(delivery.id, ID);
                assert_eq!(delivery.event_type.as_deref(), event_type);
                match error {
                    WebhookError::Payload {
                        event_type: got, ..
                    } => assert_eq!(got.as_deref(), event_type),
                    other => panic!("expected a payload error, got {other:?}"),
                }
            }
            other => panic!(
                "{}: expected Undecodable, got {other:?}",
                String::from_utf8_lossy(body)
            ),
        }
    }
}

#[test]
fn a_bad_signature_is_still_an_error() {
    let webhook = webhook();
    let body = customer_deleted(None);
    let mut headers = signed(&webhook, &body, Some("2026-10"));
    headers[2].1 = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
    assert!(matches!(
        webhook.verify_and_route_at(&headers, &body, NOW),
        Err(WebhookError::NoMatchingSignature)
    ));
    assert!(matches!(
        webhook.verify_delivery_at(&headers, &body, NOW),
        Err(WebhookError::NoMatchingSignature)
    ));
    // Signed by another secret, for a version not compiled in, not JSON:
    // still refused before anything else.
    let other = Webhook::new(WebhookSecret::new("polar_whs_someone_else_entirely").unwrap());
    let body = b"not json";
    let headers = signed(&other, body, Some("2027-01"));
    assert!(matches!(
        webhook.verify_and_route_at(&headers, body, NOW),
        Err(WebhookError::NoMatchingSignature)
    ));
    // A tampered body.
    let body = customer_deleted(None);
    let headers = signed(&webhook, &body, None);
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    assert!(matches!(
        webhook.verify_and_route_at(&headers, &tampered, NOW),
        Err(WebhookError::NoMatchingSignature)
    ));
}

#[test]
fn verify_delivery_says_what_the_delivery_declares() {
    let webhook = webhook();
    let body = customer_deleted(Some("2026-04"));
    let headers = signed(&webhook, &body, None);
    let delivery: VerifiedDelivery = webhook.verify_delivery_at(&headers, &body, NOW).unwrap();
    assert_eq!(delivery.id, ID);
    assert_eq!(delivery.timestamp, NOW);
    assert_eq!(delivery.declared_version.as_deref(), Some("2026-04"));
    assert_eq!(delivery.event_type.as_deref(), Some("customer.deleted"));
    assert_eq!(delivery.body, body);
    // The header wins over the payload.
    let headers = signed(&webhook, &body, Some("2026-10"));
    let delivery = webhook.verify_delivery_at(&headers, &body, NOW).unwrap();
    assert_eq!(delivery.declared_version.as_deref(), Some("2026-10"));
    // The body is customer data: Debug shows its size only.
    let shown = format!("{delivery:?}");
    assert!(!shown.contains("ada@example.com"), "{shown}");
    assert!(shown.contains(&body.len().to_string()), "{shown}");
}

#[test]
fn verify_and_decode_refuses_another_declared_version() {
    let webhook = webhook();
    let body = customer_deleted(None);
    for (header, payload) in [(Some("2026-04"), None), (None, Some("2026-04"))] {
        let body = customer_deleted(payload);
        let headers = signed(&webhook, &body, header);
        match webhook.verify_and_decode_at::<WebhookPayload, _>(&headers, &body, NOW) {
            Err(WebhookError::OtherApiVersion { sent_as, expected }) => {
                assert_eq!(sent_as, "2026-04");
                assert_eq!(expected, "2026-10");
            }
            other => panic!("expected OtherApiVersion, got {other:?}"),
        }
    }
    // Its own version, declared or not, decodes.
    for header in [Some("2026-10"), None] {
        let headers = signed(&webhook, &body, header);
        assert!(matches!(
            webhook.verify_and_decode_at(&headers, &body, NOW),
            Ok(WebhookPayload::CustomerDeleted(_))
        ));
    }
}

#[test]
fn an_outcome_hands_over_its_event() {
    let body = customer_deleted(None);
    let outcome = route(&webhook(), &body, None);
    assert!(matches!(
        outcome.event(),
        Some(VersionedWebhookPayload::V2026_10(
            WebhookPayload::CustomerDeleted(_)
        ))
    ));
    let outcome = route(&webhook(), b"not json", None);
    assert!(outcome.event().is_none());
}

/// A decoded event keeps its delivery too: the `webhook-id` to process it
/// once, the timestamp, the declared version and the raw body.
#[test]
fn every_outcome_carries_its_delivery() {
    let body = customer_deleted(Some("2026-10"));
    let outcome = route(&webhook(), &body, Some("2026-10"));
    let delivery = outcome.delivery();
    assert_eq!(delivery.id, ID);
    assert_eq!(delivery.timestamp, NOW);
    assert_eq!(delivery.declared_version.as_deref(), Some("2026-10"));
    assert_eq!(delivery.body, body);
    assert_eq!(outcome.event_type(), Some("customer.deleted"));
    match &outcome {
        WebhookOutcome::Event { event, delivery } => {
            assert_eq!(event.event_type(), "customer.deleted");
            assert_eq!(delivery.id, ID);
        }
        other => panic!("expected an event, got {other:?}"),
    }
    assert_eq!(outcome.into_delivery().body, body);
}

/// `verify_event`: verification is the only `Err`; a verified delivery
/// that the version's payload cannot type keeps its delivery, with the
/// reason in `event`.
#[test]
fn verify_event_keeps_verified_deliveries_it_cannot_type() {
    let webhook = webhook();
    let body = customer_deleted(None);
    let headers = signed(&webhook, &body, Some("2026-10"));
    let hook = webhook
        .verify_event_at::<WebhookPayload, _>(&headers, &body, NOW)
        .unwrap();
    assert_eq!(hook.delivery.id, ID);
    assert_eq!(hook.delivery.timestamp, NOW);
    assert_eq!(hook.delivery.body, body);
    let event = hook.event.unwrap();
    assert_eq!(event.event_type(), "customer.deleted");
    assert!(matches!(event, WebhookPayload::CustomerDeleted(_)));

    // Another declared version.
    let headers = signed(&webhook, &body, Some("2026-04"));
    let hook = webhook
        .verify_event_at::<WebhookPayload, _>(&headers, &body, NOW)
        .unwrap();
    assert!(matches!(
        hook.event,
        Err(WebhookError::OtherApiVersion { ref sent_as, expected: "2026-10" }) if sent_as == "2026-04"
    ));
    assert_eq!(hook.delivery.body, body);

    // A known event that does not match its schema, and a body that is not
    // an event: verified, so not an `Err` of the call.
    let drifted =
        br#"{"type":"order.paid","timestamp":"2026-10-01T12:00:00Z","data":{"id":"nope"}}"#;
    for (bad, event_type) in [(&drifted[..], Some("order.paid")), (b"not json", None)] {
        let headers = signed(&webhook, bad, None);
        let hook = webhook
            .verify_event_at::<WebhookPayload, _>(&headers, bad, NOW)
            .unwrap();
        assert_eq!(hook.delivery.event_type.as_deref(), event_type);
        assert_eq!(hook.delivery.body, bad);
        match hook.event {
            Err(WebhookError::Payload {
                event_type: got, ..
            }) => {
                assert_eq!(got.as_deref(), event_type)
            }
            other => panic!("expected a payload error, got {other:?}"),
        }
        // `verify_and_decode` still reports it as its error.
        assert!(webhook
            .verify_and_decode_at::<WebhookPayload, _>(&headers, bad, NOW)
            .is_err());
    }

    // An event type newer than this crate is not an error.
    let newer = br#"{"type":"widget.created","timestamp":"2026-10-01T12:00:00Z","data":{}}"#;
    let headers = signed(&webhook, newer, None);
    let hook = webhook
        .verify_event_at::<WebhookPayload, _>(&headers, newer, NOW)
        .unwrap();
    let event = hook.event.unwrap();
    assert!(matches!(event, WebhookPayload::Unknown(_)));
    assert_eq!(event.event_type(), "widget.created");

    // Not verified: an `Err`, before any decoding.
    let mut headers = signed(&webhook, &body, None);
    headers[2].1 = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
    assert!(matches!(
        webhook.verify_event_at::<WebhookPayload, _>(&headers, &body, NOW),
        Err(WebhookError::NoMatchingSignature)
    ));
}
