//! Signed deliveries: every webhook event of every API version this build
//! includes, made from its fixture and signed by `polar_mock`, verifies and
//! decodes with the SDK's own `Webhook` into its version and its own event
//! type; the same deliveries reach an axum handler through the SDK's
//! extractor, and a wrong secret or a stale timestamp is refused there.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use polar_api::webhooks::{VerifiedWebhook, Webhook, WebhookOutcome, WebhookSecret};
use polar_mock::Delivery;
use serde_json::Value;
use tower::ServiceExt;

/// A `whsec_` secret that reads both ways (the base64 of 32 made-up bytes).
const SECRET: &str = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";

fn secret() -> WebhookSecret {
    WebhookSecret::new(SECRET).expect("a valid secret")
}

#[test]
fn every_event_of_every_version_verifies_and_decodes_to_its_variant() {
    let webhook = Webhook::new(secret());
    let versions = polar_mock::api_versions();
    assert!(
        !versions.is_empty(),
        "a build includes at least one version"
    );
    let mut failures = Vec::new();
    let mut decoded = 0;
    let mut events = 0;
    for version in &versions {
        let fixtures = polar_mock::fixtures::webhook_events(version).expect("a compiled version");
        assert!(!fixtures.is_empty(), "{version} has webhook events");
        for (event, json) in fixtures {
            events += 1;
            let delivery = Delivery::fixture(version, event)
                .expect("every listed event has a delivery")
                .sign(&secret());
            let request = delivery
                .to_request("http://127.0.0.1/webhooks")
                .expect("a request");
            // Strict: nothing may land in an `Unknown` variant.
            let outcome = polar_models::__private::strict_decoding(|| {
                webhook.verify_and_route(request.headers(), request.body())
            });
            let payload = match outcome {
                Ok(WebhookOutcome::Event { event: payload, .. }) => payload,
                other => {
                    failures.push(format!("{version} {event}: {other:?}"));
                    continue;
                }
            };
            if payload.api_version() != *version {
                failures.push(format!("{version} {event}: as {}", payload.api_version()));
            }
            let encoded = serde_json::to_value(&payload).expect("a payload encodes");
            if encoded["type"] != *event {
                failures.push(format!("{version} {event}: decoded as {}", encoded["type"]));
            }
            let fixture: Value = serde_json::from_str(json).expect("fixture JSON");
            if let Some(difference) = difference("$", &fixture, &encoded) {
                failures.push(format!("{version} {event}: {difference}"));
            }
            decoded += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decoded, events, "every event of every version decoded");
}

/// Where two JSON values first differ (exactly: keys, order of arrays,
/// numbers as written).
fn difference(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .find_map(|(key, value)| match a.get(key) {
                Some(other) => difference(&format!("{path}.{key}"), value, other),
                None => Some(format!("{path}.{key}: {value} is missing after decoding")),
            })
            .or_else(|| {
                a.keys()
                    .find(|key| !e.contains_key(*key))
                    .map(|key| format!("{path}.{key}: added by decoding"))
            }),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (e, a))| difference(&format!("{path}[{i}]"), e, a)),
        _ if expected == actual => None,
        _ => Some(format!("{path}: {expected} became {actual}")),
    }
}

#[test]
fn a_pinned_secret_signs_once_and_verifies_under_either_reading() {
    let standard = WebhookSecret::standard(SECRET).unwrap();
    let version = polar_mock::api_versions()[0];
    let (event, _) = polar_mock::fixtures::webhook_events(version).unwrap()[0];
    let delivery = Delivery::fixture(version, event).unwrap().sign(&standard);
    let signature = delivery.headers()["webhook-signature"].clone();
    assert_eq!(signature.to_str().unwrap().split(' ').count(), 1);
    let request = delivery.to_request("/webhooks").unwrap();
    assert!(Webhook::new(secret())
        .verify(request.headers(), request.body())
        .is_ok());
}

#[test]
fn every_delivery_gets_its_own_id_and_the_headers_polar_sends() {
    let version = polar_mock::api_versions()[0];
    let (event, _) = polar_mock::fixtures::webhook_events(version).unwrap()[0];
    let one = Delivery::fixture(version, event).unwrap().sign(&secret());
    let two = Delivery::fixture(version, event).unwrap().sign(&secret());
    assert_ne!(one.id(), two.id());
    let headers = one.headers();
    for name in [
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "webhook-api-version",
    ] {
        assert!(headers.contains_key(name), "{name}");
    }
    assert_eq!(headers["webhook-api-version"], version);
    assert_eq!(headers["content-type"], "application/json");
    let unversioned = Delivery::fixture(version, event)
        .unwrap()
        .without_api_version()
        .sign(&secret());
    assert!(!unversioned.headers().contains_key("webhook-api-version"));
    // The body is customer data: Debug shows its size only.
    let shown = format!("{one:?}");
    assert!(
        shown.contains("body_len") && !shown.contains("\"type\""),
        "{shown}"
    );
}

#[test]
fn an_unknown_version_or_event_has_no_fixture() {
    assert!(Delivery::fixture("1999-01", "order.paid").is_none());
    let version = polar_mock::api_versions()[0];
    assert!(Delivery::fixture(version, "order.not_an_event").is_none());
}

/// What the handler saw: each delivery's event type.
type Seen = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct App {
    webhook: Webhook,
    seen: Seen,
}

impl axum::extract::FromRef<App> for Webhook {
    fn from_ref(app: &App) -> Webhook {
        app.webhook.clone()
    }
}

fn router(webhook: Webhook, seen: Seen) -> Router {
    async fn receive(
        State(App { seen, .. }): State<App>,
        VerifiedWebhook(outcome): VerifiedWebhook,
    ) -> StatusCode {
        let event = match outcome {
            WebhookOutcome::Event { event: payload, .. } => {
                serde_json::to_value(&payload).unwrap()["type"].to_string()
            }
            other => format!("{other:?}"),
        };
        seen.lock().unwrap().push(event);
        StatusCode::NO_CONTENT
    }
    Router::new()
        .route("/webhooks", post(receive))
        .with_state(App { webhook, seen })
}

#[tokio::test]
async fn a_handler_behind_the_sdk_extractor_gets_every_event_and_refuses_forgeries() {
    let seen = Seen::default();
    let app = router(Webhook::new(secret()), seen.clone());
    let version = polar_mock::api_versions()[0];
    let events = polar_mock::fixtures::webhook_events(version).unwrap();
    for (event, _) in events {
        let request = Delivery::fixture(version, event)
            .unwrap()
            .sign(&secret())
            .to_request("/webhooks")
            .unwrap();
        let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{event}");
    }
    let expected: Vec<String> = events.iter().map(|(e, _)| format!("\"{e}\"")).collect();
    assert_eq!(*seen.lock().unwrap(), expected);

    let (event, _) = events[0];
    let other_secret =
        WebhookSecret::new("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
    let forged = Delivery::fixture(version, event)
        .unwrap()
        .sign(&other_secret)
        .to_request("/webhooks")
        .unwrap();
    let response = app.clone().oneshot(forged.map(Body::from)).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let stale = Delivery::fixture(version, event)
        .unwrap()
        .timestamp(1_000_000_000)
        .sign(&secret())
        .to_request("/webhooks")
        .unwrap();
    let response = app.oneshot(stale.map(Body::from)).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        seen.lock().unwrap().len(),
        events.len(),
        "no forgery reached the handler"
    );
}

#[cfg(feature = "v2026-10")]
#[test]
fn a_typed_payload_is_sent_as_its_version() {
    use polar_api::v2026_10::WebhookPayload;
    use polar_mock::fixtures::{v2026_10, With};

    let Some(WebhookPayload::OrderPaid(event)) = v2026_10::webhook_event("order.paid") else {
        panic!("order.paid has a fixture");
    };
    let free = WebhookPayload::OrderPaid(event.with(|e| e.data.net_amount = 0));
    let delivery = Delivery::of(&free).sign(&secret());
    assert_eq!(delivery.headers()["webhook-api-version"], "2026-10");
    let request = delivery.to_request("/webhooks").unwrap();
    match Webhook::new(secret())
        .verify_and_decode::<WebhookPayload, _>(request.headers(), request.body())
    {
        Ok(WebhookPayload::OrderPaid(event)) => assert_eq!(event.data.net_amount, 0),
        other => panic!("{other:?}"),
    }
}
