//! An event's variant of `WebhookPayload` is compiled with the operation
//! group of its family (README, "Webhook events come with their family's
//! group"). `cargo test --workspace` runs this with every group; CI runs it
//! again with `rustls,v2026-10,checkouts,webhooks`, where the order events
//! have no variant and must arrive, verified, as `Unknown`.
#![cfg(all(feature = "webhooks", feature = "v2026-10"))]

use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{Webhook, WebhookError, WebhookSecret};

const NOW: i64 = 1_790_000_000;

fn decode(body: &str) -> Result<WebhookPayload, WebhookError> {
    let webhook = Webhook::new(WebhookSecret::new("polar_whs_families_test_secret").unwrap());
    let signature = webhook.sign("msg_family", NOW, body.as_bytes());
    let headers = vec![
        ("webhook-id", "msg_family".to_owned()),
        ("webhook-timestamp", NOW.to_string()),
        ("webhook-signature", signature),
    ];
    webhook.verify_and_decode_at(&headers, body.as_bytes(), NOW)
}

/// A delivery of `event` whose data no event's type accepts: decoding it
/// as its variant fails, naming the event; without the variant it is kept.
fn delivery(event: &str) -> String {
    format!(r#"{{"type":"{event}","timestamp":"2026-10-01T12:00:00Z","data":{{"id":"x"}}}}"#)
}

/// The event's variant was compiled and tried: its decode error names it.
fn assert_typed(event: &str) {
    match decode(&delivery(event)) {
        Err(WebhookError::Payload { event_type, source }) => {
            assert_eq!(event_type.as_deref(), Some(event));
            assert!(source.to_string().contains(event), "{source}");
        }
        other => panic!("{event}: expected its variant's decode error, got {other:?}"),
    }
}

/// The event has no variant in this build: it arrives whole in `Unknown`.
#[cfg_attr(all(feature = "orders", feature = "subscriptions"), allow(dead_code))]
fn assert_kept_whole(event: &str) {
    match decode(&delivery(event)) {
        Ok(WebhookPayload::Unknown(raw)) => {
            assert_eq!(raw["type"], event);
            assert_eq!(raw["data"]["id"], "x");
        }
        other => panic!("{event}: expected Unknown, got {other:?}"),
    }
}

#[cfg(feature = "checkouts")]
#[test]
fn checkout_events_are_typed_with_checkouts() {
    for event in ["checkout.created", "checkout.updated", "checkout.expired"] {
        assert_typed(event);
    }
}

#[cfg(feature = "orders")]
#[test]
fn order_events_are_typed_with_orders() {
    for event in ["order.created", "order.paid", "order.refunded"] {
        assert_typed(event);
    }
}

#[cfg(not(feature = "orders"))]
#[test]
fn order_events_arrive_as_unknown_without_orders() {
    for event in ["order.created", "order.paid", "order.refunded"] {
        assert_kept_whole(event);
    }
}

#[cfg(not(feature = "subscriptions"))]
#[test]
fn subscription_events_arrive_as_unknown_without_subscriptions() {
    assert_kept_whole("subscription.created");
}

#[cfg(feature = "subscriptions")]
#[test]
fn subscription_events_are_typed_with_subscriptions() {
    assert_typed("subscription.created");
}
