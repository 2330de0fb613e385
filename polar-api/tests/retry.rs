//! The retry policy and timeouts, observed from the server's side.

mod common;

use std::time::{Duration, Instant};

use common::{builder, client, received, send_json};
use polar_api::__private::{Method, Request};
use polar_api::{Error, RetryConfig};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get() -> Request {
    Request::new(Method::GET, "products:list", "/v1/products/")
}

fn post() -> Request {
    Request::new(Method::POST, "checkouts:create", "/v1/checkouts/")
        .json_body(&json!({"products": ["p"]}))
        .unwrap()
}

#[tokio::test]
async fn retry_after_on_429_is_honored() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"detail": "slow down"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1, 2])))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let started = Instant::now();
    let value = send_json::<Vec<u8>>(&client, get()).await.unwrap().value;
    let elapsed = started.elapsed();
    assert_eq!(value, vec![1, 2]);
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After: 1 was not waited for ({elapsed:?})"
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = send_json::<Value>(&client, post()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_server_error());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "c1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = post().header("Idempotency-Key", "key-123".to_owned());
    let response = send_json::<Value>(&client, request).await.unwrap();
    assert_eq!(response.status, 201);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers["idempotency-key"], "key-123");
        assert_eq!(request.body, br#"{"products":["p"]}"#);
    }
}

/// `RetryConfig` is built from its `Default` with setters (it is
/// `#[non_exhaustive]`, so fields can be added without breaking callers)
/// and read with getters.
#[test]
fn retry_config_is_built_with_setters_and_read_with_getters() {
    let config = RetryConfig::default()
        .max_retries(4)
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_secs(2));
    assert_eq!(config.get_max_retries(), 4);
    assert_eq!(config.get_initial_delay(), Duration::from_millis(20));
    assert_eq!(config.get_max_delay(), Duration::from_secs(2));

    let default = RetryConfig::default();
    assert_eq!(default.get_max_retries(), 2);
    assert_eq!(default.get_initial_delay(), Duration::from_millis(500));
    assert_eq!(default.get_max_delay(), Duration::from_secs(30));
    assert_eq!(RetryConfig::disabled().get_max_retries(), 0);
    assert_eq!(
        RetryConfig::with_max_retries(5),
        RetryConfig::default().max_retries(5)
    );
}

/// A 429 means the server refused the request before running it: sending
/// it again cannot apply it twice, key or no key.
#[tokio::test]
async fn post_without_idempotency_key_is_retried_after_429() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"detail": "slow down"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "c1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let response = send_json::<Value>(&client, post()).await.unwrap();
    assert_eq!(response.status, 201);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert!(request.headers.get("idempotency-key").is_none());
        assert_eq!(request.body, br#"{"products":["p"]}"#);
    }
}

/// When the server asks for a longer wait than the client allows, retrying
/// sooner would only be refused again: the response is the answer.
#[tokio::test]
async fn retry_after_beyond_max_delay_returns_the_error_at_once() {
    for (status, retry_after) in [(429, 3600), (503, 60)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Retry-After", retry_after.to_string())
                    .set_body_json(json!({"detail": "come back later"})),
            )
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([1])))
            .mount(&server)
            .await;
        let client = client(&server); // max_delay: 5 s
        let err = send_json::<Value>(&client, get()).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert!(matches!(err, Error::Api(_)), "{err:?}");
        assert_eq!(
            err.rate_limit().unwrap().retry_after,
            Some(Duration::from_secs(retry_after))
        );
        assert_eq!(
            received(&server).await.len(),
            1,
            "retried before the server allowed"
        );
    }
}

#[tokio::test]
async fn get_on_500_is_retried_up_to_the_maximum() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server); // max_retries: 2
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 500);
    assert_eq!(&api.raw[..], b"boom");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn retries_disabled_means_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"detail": "bad"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .no_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "products:list",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn timeouts_are_retried_for_idempotent_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("second")))
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let value = send_json::<Value>(&client, get()).await.unwrap().value;
    assert_eq!(value, json!("second"));
    assert_eq!(received(&server).await.len(), 2);
}
