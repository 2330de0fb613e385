//! The deadline of a request, per-request options on the generated
//! builders, what a failed request says about having been applied,
//! idempotency keys, the shared client core, and hooks.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{builder, client, received, send_json, TOKEN};
use polar_api::__private::{Method, Request};
use polar_api::v2026_10::models::CheckoutCreate;
use polar_api::v2026_10::Client;
use polar_api::{
    Error, Hook, IdempotencyKey, RequestParts, ResponseInfo, RetryConfig, TimeoutLimit,
};
use serde_json::Value;
use uuid::Uuid;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get() -> Request {
    Request::new(Method::GET, "products:list", "/v1/products/")
}

fn post() -> Request {
    Request::new(Method::POST, "checkouts:create", "/v1/checkouts/")
}

fn id() -> Uuid {
    "3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43".parse().unwrap()
}

/// The value of header `name` as the mock server received it.
fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn authorization(request: &wiremock::Request) -> Option<String> {
    header(request, "authorization")
}

// ---------------------------------------------------------------------------
// 6. The deadline, and per-request timeout, retries and token
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_deadline_stops_retries_whose_wait_would_outlast_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry(
            RetryConfig::default()
                .max_retries(10)
                .initial_delay(Duration::from_millis(400))
                .max_delay(Duration::from_millis(400)),
        )
        .deadline(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    let elapsed = started.elapsed();
    // The last answer is returned as it is.
    assert_eq!(err.status(), Some(503));
    assert!(
        elapsed < Duration::from_millis(900),
        "ten retries of up to 400 ms ran past a 500 ms deadline ({elapsed:?})"
    );
    assert!(received(&server).await.len() < 11);
}

#[tokio::test]
async fn a_deadline_passing_mid_attempt_is_a_deadline_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_secs(10))
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{err:?}");
    assert!(
        matches!(
            err,
            Error::Timeout {
                limit: TimeoutLimit::Deadline(d),
                ..
            } if d == Duration::from_millis(300)
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("deadline"), "{err}");
}

#[tokio::test]
async fn a_builder_sets_its_own_timeout_and_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .customers()
        .get(id())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1500), "{err:?}");
    assert!(
        matches!(err, Error::Timeout { limit: TimeoutLimit::Attempt(d), .. } if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_builder_sets_its_own_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client(&server);
    let started = Instant::now();
    let err = client
        .customers()
        .get(id())
        .deadline(Duration::from_millis(250))
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1500), "{err:?}");
    assert!(
        matches!(
            err,
            Error::Timeout {
                limit: TimeoutLimit::Deadline(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_builder_sends_its_own_token_and_never_prints_it() {
    const OTHER: &str = "polar_oat_OtHeR_per_request_77";
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let request = client.customers().delete(id()).token(OTHER);
    assert!(!format!("{request:?}").contains(OTHER));
    request.send().await.unwrap();
    client.customers().delete(id()).send().await.unwrap();
    let seen = received(&server).await;
    assert_eq!(authorization(&seen[0]).unwrap(), format!("Bearer {OTHER}"));
    assert_eq!(authorization(&seen[1]).unwrap(), format!("Bearer {TOKEN}"));
}

// ---------------------------------------------------------------------------
// 7. Whether a failed request may have been applied
// ---------------------------------------------------------------------------

/// A 127.0.0.1 server that accepts connections and never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

/// The URL of a 127.0.0.1 port nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

fn client_at(url: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(url)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .timeout(Duration::from_millis(300))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_post_sent_without_an_answer_may_have_been_applied() {
    let (url, task) = silent_server().await;
    let err = send_json::<Value>(&client_at(&url), post())
        .await
        .unwrap_err();
    task.abort();
    assert!(
        matches!(
            err,
            Error::Timeout {
                sent: true,
                limit: TimeoutLimit::Attempt(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.may_have_been_applied());
    // reqwest's error is kept as the source.
    let source = std::error::Error::source(&err).expect("a source");
    assert!(
        source.downcast_ref::<reqwest::Error>().is_some(),
        "{source:?}"
    );
    assert!(err.to_string().contains("may have been applied"), "{err}");
}

#[tokio::test]
async fn a_post_to_a_closed_port_was_not_applied() {
    let err = send_json::<Value>(&client_at(&closed_port()), post())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { sent: false, .. }),
        "{err:?}"
    );
    assert!(!err.may_have_been_applied());
    assert!(err.to_string().contains("not sent"), "{err}");
}

#[tokio::test]
async fn an_answer_after_a_lost_attempt_still_may_have_been_applied() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.customers().delete(id()).send().await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(received(&server).await.len(), 2);
    // The first attempt reached the server and may have deleted it.
    assert!(err.may_have_been_applied(), "{err:?}");
}

#[tokio::test]
async fn statuses_and_may_have_been_applied() {
    for (status, applied) in [
        (503, true),
        (500, true),
        (408, true),
        (422, false),
        (429, false),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let client = builder(&server).no_retries().build().unwrap();
        let err = send_json::<Value>(&client, post()).await.unwrap_err();
        assert_eq!(err.may_have_been_applied(), applied, "{status}");
    }
}

// ---------------------------------------------------------------------------
// 8. Idempotency keys
// ---------------------------------------------------------------------------

fn key_of(request: &wiremock::Request) -> Option<String> {
    header(request, "idempotency-key")
}

#[tokio::test]
async fn a_keyed_post_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server);
    let key = IdempotencyKey::random();
    let err = client
        .checkouts()
        .create(CheckoutCreate::new(vec![id()]))
        .idempotency_key(key.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let seen = received(&server).await;
    assert_eq!(seen.len(), 3, "a keyed POST is retried after a 503");
    for request in &seen {
        assert_eq!(key_of(request).as_deref(), Some(key.as_str()));
    }
    // Without a key: one attempt.
    client
        .checkouts()
        .create(CheckoutCreate::new(vec![id()]))
        .send()
        .await
        .unwrap_err();
    let seen = received(&server).await;
    assert_eq!(seen.len(), 4);
    assert_eq!(key_of(&seen[3]), None);
}

#[test]
fn random_keys_are_fresh_uuids() {
    let a = IdempotencyKey::random();
    let b = IdempotencyKey::random();
    assert_ne!(a, b);
    let parsed: Uuid = a.as_str().parse().unwrap();
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(IdempotencyKey::from("order-17").as_str(), "order-17");
}

#[tokio::test]
async fn a_key_that_is_not_a_header_value_fails_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server)
        .customers()
        .delete(id())
        .idempotency_key("a\nb")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------
// The client core is shared, not copied
// ---------------------------------------------------------------------------

#[test]
fn clones_share_one_core() {
    let client = Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let clone = client.clone();
    assert!(clone.__core().__shares_state_with(client.__core()));
    let core = client.__core().clone();
    assert!(core.__shares_state_with(client.__core()));
    // A client with another token has its own.
    let portal = client.customer_portal_with("polar_cst_x");
    assert!(!portal.__core().__shares_state_with(client.__core()));
}

// ---------------------------------------------------------------------------
// Hooks
// ---------------------------------------------------------------------------

/// What a hook saw of one attempt: operation, attempt, status, elapsed,
/// whether it failed.
type Seen = (String, u32, Option<u16>, Duration, bool);

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

struct Recording(Arc<Recorder>);

impl Hook for Recording {
    fn on_request(&self, request: &mut RequestParts<'_>) {
        let value = format!("{} #{}", request.operation(), request.attempt());
        request.headers().insert("x-hooked", value.parse().unwrap());
        // The client's own headers win.
        request
            .headers()
            .insert("authorization", "Bearer not-the-token".parse().unwrap());
    }
    fn on_response(&self, response: &ResponseInfo<'_>) {
        self.0.seen.lock().unwrap().push((
            response.operation().to_owned(),
            response.attempt(),
            response.status(),
            response.elapsed(),
            response.error().is_some(),
        ));
    }
}

#[tokio::test]
async fn a_hook_adds_headers_and_observes_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(60)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({}))
                .set_delay(Duration::from_millis(60)),
        )
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&server)
        .hook(Recording(Arc::clone(&recorder)))
        .build()
        .unwrap();
    send_json::<Value>(&client, get()).await.unwrap();
    let seen = received(&server).await;
    assert_eq!(seen.len(), 2);
    for (n, request) in seen.iter().enumerate() {
        let hooked = request.headers.get("x-hooked").unwrap().to_str().unwrap();
        assert_eq!(hooked, format!("products:list #{}", n + 1));
        assert_eq!(authorization(request).unwrap(), format!("Bearer {TOKEN}"));
    }
    let records = recorder.seen.lock().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!((records[0].1, records[0].2), (1, Some(503)));
    assert_eq!((records[1].1, records[1].2), (2, Some(200)));
    for record in records.iter() {
        assert_eq!(record.0, "products:list");
        assert!(record.3 >= Duration::from_millis(50), "{:?}", record.3);
        assert!(!record.4);
    }
}

#[tokio::test]
async fn a_hook_sees_failed_attempts() {
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder()
        .token(TOKEN)
        .base_url(closed_port())
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .no_retries()
        .hook(Recording(Arc::clone(&recorder)))
        .build()
        .unwrap();
    send_json::<Value>(&client, get()).await.unwrap_err();
    let records = recorder.seen.lock().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].2, None);
    assert!(records[0].4);
}
