//! The `VerifiedWebhook` and `VerifiedEvent` axum extractors (polar-api's
//! `axum` feature, which this crate's dependency turns on): requests
//! through a router with `tower::ServiceExt::oneshot`.

use axum::body::{to_bytes, Body};
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{
    VerifiedEvent, VerifiedWebhook, VersionedWebhookPayload, Webhook, WebhookOutcome, WebhookSecret,
};
use tower::ServiceExt;

const SECRET: &str = "polar_whs_axumExtractorTestSecret01";
const BODY: &str =
    r#"{"type":"widget.created","timestamp":"2026-11-01T00:00:00Z","data":{"id":"w1"}}"#;

/// Echoes the event type, taken from the decoded payload (or what became of
/// a verified delivery this build cannot type).
async fn echo(VerifiedWebhook(outcome): VerifiedWebhook) -> String {
    let id = &outcome.delivery().id;
    match &outcome {
        WebhookOutcome::Event {
            event: VersionedWebhookPayload::V2026_10(WebhookPayload::Unknown(_)),
            ..
        } => {
            format!("unknown {} {id}", outcome.event_type().unwrap_or(""))
        }
        WebhookOutcome::Event { event, .. } => {
            format!("{} {} {id}", event.api_version(), event.event_type())
        }
        WebhookOutcome::VersionNotCompiled { version, delivery } => {
            format!("not compiled {version} {}", delivery.id)
        }
        WebhookOutcome::Undecodable {
            version, delivery, ..
        } => {
            format!("undecodable {version} {} bytes", delivery.body.len())
        }
        other => format!("{other:?}"),
    }
}

/// The one-version extractor: the event type, or why the verified delivery
/// could not be typed, and the delivery's id.
async fn echo_event(hook: VerifiedEvent<WebhookPayload>) -> String {
    let id = &hook.delivery.id;
    match &hook.event {
        Ok(WebhookPayload::CustomerDeleted(_)) => format!("typed customer.deleted {id}"),
        Ok(other) => format!("{} {id}", other.event_type()),
        Err(error) => format!("not typed {id}: {error}"),
    }
}

fn webhook() -> Webhook {
    Webhook::new(WebhookSecret::new(SECRET).unwrap())
}

/// The verifier as the whole state.
fn router() -> Router {
    Router::new()
        .route("/webhooks/polar", post(echo))
        .with_state(webhook())
}

/// The verifier as part of a larger state.
#[derive(Clone)]
struct AppState {
    webhook: Webhook,
    #[allow(dead_code)]
    name: &'static str,
}

impl FromRef<AppState> for Webhook {
    fn from_ref(state: &AppState) -> Webhook {
        state.webhook.clone()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn request(headers: &[(&str, String)], body: &str) -> Request<Body> {
    let mut builder = Request::post("/webhooks/polar").header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, value);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

fn signed_headers(body: &str) -> Vec<(&'static str, String)> {
    let ts = now();
    vec![
        ("webhook-id", "msg_axum_1".to_owned()),
        ("webhook-timestamp", ts.to_string()),
        (
            "webhook-signature",
            webhook().sign("msg_axum_1", ts, body.as_bytes()),
        ),
    ]
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 64 * 1024).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_valid_delivery_reaches_the_handler() {
    let (status, body) = send(router(), request(&signed_headers(BODY), BODY)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, "unknown widget.created msg_axum_1");
}

#[tokio::test]
async fn a_known_event_type_is_echoed() {
    // customer.deleted carries a Customer; build a minimal valid one.
    let body = serde_json::json!({
        "type": "customer.deleted",
        "timestamp": "2026-11-01T00:00:00Z",
        "data": customer(),
    })
    .to_string();
    let (status, text) = send(router(), request(&signed_headers(&body), &body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "2026-10 customer.deleted msg_axum_1");
}

#[tokio::test]
async fn a_delivery_of_a_version_not_compiled_in_reaches_the_handler() {
    let mut headers = signed_headers(BODY);
    headers.push(("webhook-api-version", "2027-01".to_owned()));
    let (status, text) = send(router(), request(&headers, BODY)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "not compiled 2027-01 msg_axum_1");
}

#[tokio::test]
async fn the_verifier_can_come_from_a_larger_state() {
    let app = Router::new()
        .route("/webhooks/polar", post(echo))
        .with_state(AppState {
            webhook: webhook(),
            name: "shop",
        });
    let (status, body) = send(app, request(&signed_headers(BODY), BODY)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_bad_signature_is_forbidden() {
    let mut headers = signed_headers(BODY);
    headers[2].1 = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
    let (status, body) = send(router(), request(&headers, BODY)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("no signature matches"), "{body}");
    assert!(!body.contains(SECRET));

    // A tampered body, with the original signature.
    let tampered = BODY.replace("w1", "w2");
    let (status, _) = send(router(), request(&signed_headers(BODY), &tampered)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_stale_delivery_is_forbidden() {
    let ts = now() - 3_600;
    let headers = vec![
        ("webhook-id", "msg_old".to_owned()),
        ("webhook-timestamp", ts.to_string()),
        (
            "webhook-signature",
            webhook().sign("msg_old", ts, BODY.as_bytes()),
        ),
    ];
    let (status, body) = send(router(), request(&headers, BODY)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("in the past"), "{body}");
}

#[tokio::test]
async fn a_missing_header_is_a_bad_request() {
    for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let headers: Vec<_> = signed_headers(BODY)
            .into_iter()
            .filter(|(name, _)| *name != missing)
            .collect();
        let (status, body) = send(router(), request(&headers, BODY)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "without {missing}");
        assert!(body.contains(missing), "{body}");
    }
}

#[tokio::test]
async fn a_malformed_header_is_a_bad_request() {
    let mut headers = signed_headers(BODY);
    headers[1].1 = "soon".to_owned();
    let (status, _) = send(router(), request(&headers, BODY)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_verified_body_that_does_not_decode_reaches_the_handler() {
    // Validly signed, but not a webhook payload: the handler decides (Polar
    // would retry a 400 forever).
    let body = "[1,2,3]";
    let (status, text) = send(router(), request(&signed_headers(body), body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "undecodable 2026-10 7 bytes");
}

fn event_router() -> Router {
    Router::new()
        .route("/webhooks/polar", post(echo_event))
        .with_state(webhook())
}

#[tokio::test]
async fn verified_event_decodes_one_version_and_keeps_the_delivery() {
    let body = serde_json::json!({
        "type": "customer.deleted",
        "timestamp": "2026-11-01T00:00:00Z",
        "data": customer(),
    })
    .to_string();
    let (status, text) = send(event_router(), request(&signed_headers(&body), &body)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "typed customer.deleted msg_axum_1");
    // An event type newer than this crate: `Unknown`, with its name.
    let (status, text) = send(event_router(), request(&signed_headers(BODY), BODY)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "widget.created msg_axum_1");
}

/// Verified but not typed by this version: the handler runs and can
/// acknowledge it (a 400 would have Polar retry it until it gives up).
#[tokio::test]
async fn verified_event_hands_undecodable_deliveries_to_the_handler() {
    let drifted =
        r#"{"type":"order.paid","timestamp":"2026-11-01T00:00:00Z","data":{"id":"nope"}}"#;
    let (status, text) = send(event_router(), request(&signed_headers(drifted), drifted)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.starts_with("not typed msg_axum_1: "), "{text}");
    assert!(text.contains("order.paid"), "{text}");

    let mut headers = signed_headers(BODY);
    headers.push(("webhook-api-version", "2026-04".to_owned()));
    let (status, text) = send(event_router(), request(&headers, BODY)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.starts_with("not typed msg_axum_1: "), "{text}");
    assert!(text.contains("2026-04"), "{text}");
}

#[tokio::test]
async fn verified_event_refuses_what_does_not_verify() {
    let mut headers = signed_headers(BODY);
    headers[2].1 = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
    let (status, _) = send(event_router(), request(&headers, BODY)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(event_router(), request(&[], BODY)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let small = Router::new()
        .route("/webhooks/polar", post(echo_event))
        .with_state(webhook().max_body_size(4));
    let (status, _) = send(small, request(&signed_headers(BODY), BODY)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// An `Arc<Webhook>` state gives the extractors their verifier as it is.
#[tokio::test]
async fn the_verifier_can_be_an_arc_state() {
    let app = Router::new()
        .route("/webhooks/polar", post(echo_event))
        .with_state(std::sync::Arc::new(webhook()));
    let (status, text) = send(app, request(&signed_headers(BODY), BODY)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, "widget.created msg_axum_1");
}

fn customer() -> serde_json::Value {
    serde_json::json!({
        "id": "0b7e5d2a-1111-4c3e-9d11-5a0000000001",
        "created_at": "2026-01-01T00:00:00Z",
        "modified_at": null,
        "metadata": {},
        "external_id": null,
        "email": "someone@example.com",
        "email_verified": true,
        "type": "individual",
        "name": null,
        "billing_address": null,
        "tax_id": null,
        "locale": null,
        "organization_id": "0b7e5d2a-1111-4c3e-9d11-5a0000000002",
        "deleted_at": null,
        "avatar_url": "https://example.com/a.png"
    })
}

/// A body that records whether anything read it, `len` bytes of `x`.
fn watched_body(len: usize) -> (Body, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let read = Arc::new(AtomicBool::new(false));
    let flag = read.clone();
    let stream = futures_util::stream::once(async move {
        flag.store(true, Ordering::SeqCst);
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; len]))
    });
    (Body::from_stream(stream), read)
}

fn request_with(headers: &[(&str, String)], body: Body) -> Request<Body> {
    let mut builder = Request::post("/webhooks/polar").header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, value);
    }
    builder.body(body).unwrap()
}

/// Headers and timestamp are checked before the body is read: a request
/// without them, or from 1970, costs no read.
#[tokio::test]
async fn a_request_refused_on_its_headers_is_not_read() {
    use std::sync::atomic::Ordering;
    let (body, read) = watched_body(1024);
    let (status, _) = send(router(), request_with(&[], body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!read.load(Ordering::SeqCst), "the body was read");

    let headers = vec![
        ("webhook-id", "msg_1970".to_owned()),
        ("webhook-timestamp", "1".to_owned()),
        ("webhook-signature", webhook().sign("msg_1970", 1, b"x")),
    ];
    let (body, read) = watched_body(1024);
    let (status, _) = send(router(), request_with(&headers, body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!read.load(Ordering::SeqCst), "the body was read");
}

/// A `Content-Length` over the limit is refused before the body is read.
#[tokio::test]
async fn a_declared_length_over_the_limit_is_not_read() {
    use std::sync::atomic::Ordering;
    let (body, read) = watched_body(16);
    let mut request = request_with(&signed_headers("x"), body);
    request
        .headers_mut()
        .insert("content-length", "3000000".parse().unwrap());
    let (status, _) = send(router(), request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!read.load(Ordering::SeqCst), "the body was read");
}

/// The limit is the verifier's: a body over it is refused while it is read
/// (no `Content-Length` to go by), one within it verifies.
#[tokio::test]
async fn the_body_limit_is_configurable() {
    let small = Router::new()
        .route("/webhooks/polar", post(echo))
        .with_state(webhook().max_body_size(BODY.len() - 1));
    let body = Body::from_stream(futures_util::stream::iter([Ok::<_, std::io::Error>(
        axum::body::Bytes::from(BODY),
    )]));
    let (status, text) = send(small, request_with(&signed_headers(BODY), body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        text.contains(&format!("{}-byte limit", BODY.len() - 1)),
        "{text}"
    );

    let exact = Router::new()
        .route("/webhooks/polar", post(echo))
        .with_state(webhook().max_body_size(BODY.len()));
    let (status, _) = send(exact, request(&signed_headers(BODY), BODY)).await;
    assert_eq!(status, StatusCode::OK);
}
