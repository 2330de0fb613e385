//! A hook observes each attempt's response (status, headers such as a
//! request id, latency) or its error, against a local server.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{builder, send_json};
use polar_api::__private::Request;
use polar_api::reqwest::Method;
use polar_api::{Hook, ResponseInfo};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the hook saw of one attempt.
#[derive(Debug, PartialEq)]
struct Seen {
    attempt: u32,
    status: Option<u16>,
    request_id: Option<String>,
    header_count: Option<usize>,
    error: bool,
    elapsed: Duration,
}

#[derive(Clone, Default)]
struct Observer(Arc<Mutex<Vec<Seen>>>);

impl Hook for Observer {
    fn on_response(&self, response: &ResponseInfo<'_>) {
        self.0.lock().unwrap().push(Seen {
            attempt: response.attempt(),
            status: response.status(),
            request_id: response.header("x-request-id").map(str::to_owned),
            header_count: response.headers().map(|headers| headers.len()),
            error: response.error().is_some(),
            elapsed: response.elapsed(),
        });
        // `Debug` names the headers, never their values.
        let debug = format!("{response:?}");
        assert!(!debug.contains("SeCrEt-cookie"), "{debug}");
    }
}

fn get() -> Request {
    Request::new(Method::GET, "products:list", "/v1/products/")
}

#[tokio::test]
async fn a_hook_sees_each_responses_status_headers_and_latency() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("x-request-id", "req_first")
                .insert_header("set-cookie", "SeCrEt-cookie=1"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_second")
                .set_body_json(serde_json::json!({}))
                .set_delay(Duration::from_millis(80)),
        )
        .mount(&server)
        .await;
    let observer = Observer::default();
    let client = builder(&server).hook(observer.clone()).build().unwrap();
    send_json::<Value>(&client, get()).await.unwrap();
    let seen = observer.0.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        (
            seen[0].attempt,
            seen[0].status,
            seen[0].request_id.as_deref()
        ),
        (1, Some(503), Some("req_first"))
    );
    assert!(!seen[0].error);
    assert_eq!(
        (
            seen[1].attempt,
            seen[1].status,
            seen[1].request_id.as_deref()
        ),
        (2, Some(200), Some("req_second"))
    );
    assert!(seen[1].header_count.unwrap() >= 2, "{seen:?}");
    assert!(seen[1].elapsed >= Duration::from_millis(80), "{seen:?}");
}

#[tokio::test]
async fn a_hook_sees_the_error_when_no_response_arrives() {
    // A port nothing listens on: the connection is refused.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let observer = Observer::default();
    let client = polar_api::v2026_10::Client::builder()
        .token(common::TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .no_retries()
        .hook(observer.clone())
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    let seen = observer.0.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].status, seen[0].header_count, seen[0].error),
        (None, None, true)
    );
}
