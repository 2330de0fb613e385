//! Non-2xx statuses, undecodable bodies and rate-limit headers.

mod common;

use std::time::Duration;

use common::{client, send_json};
use polar_api::__private::{Method, Request};
use polar_api::v2026_10::ApiErrorBody;
use polar_api::Error;
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get() -> Request {
    Request::new(Method::GET, "products:get", "/v1/products/{id}").path_param("id", "p_1")
}

async fn respond(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn not_found_is_a_typed_api_error() {
    let body = json!({"error": "ResourceNotFound", "detail": "Product not found"});
    let server = respond(ResponseTemplate::new(404).set_body_json(&body)).await;
    let err = send_json::<Value>(&client(&server), get())
        .await
        .unwrap_err();

    assert!(err.is_not_found());
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.to_string(),
        "products:get: the Polar API answered 404 Not Found: Product not found"
    );
    let api = err.api_error().unwrap();
    assert_eq!(api.operation, "products:get");
    assert_eq!(serde_json::from_slice::<Value>(&api.raw).unwrap(), body);
    match api.body::<ApiErrorBody>() {
        Some(ApiErrorBody::ResourceNotFound(not_found)) => {
            assert_eq!(not_found.detail, "Product not found")
        }
        other => panic!("expected ResourceNotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn validation_error_is_typed_and_readable() {
    let body = json!({"detail": [{"loc": ["body", "name"], "msg": "Field required", "type": "missing", "input": {}}]});
    let server = respond(ResponseTemplate::new(422).set_body_json(&body)).await;
    let err = send_json::<Value>(&client(&server), get())
        .await
        .unwrap_err();
    assert!(err.is_validation_error());
    assert!(
        err.to_string().ends_with("body.name: Field required"),
        "{err}"
    );
    assert!(matches!(
        err.api_error().unwrap().body::<ApiErrorBody>(),
        Some(ApiErrorBody::HttpValidationError(_))
    ));
}

#[tokio::test]
async fn undocumented_status_keeps_the_raw_body() {
    let server = respond(ResponseTemplate::new(418).set_body_string("I'm a teapot")).await;
    let err = send_json::<Value>(&client(&server), get())
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status, 418);
    assert!(api.body::<ApiErrorBody>().is_none());
    assert_eq!(&api.raw[..], b"I'm a teapot");
    assert_eq!(api.raw_text(), "I'm a teapot");
    assert!(err.to_string().contains("418"), "{err}");
}

#[tokio::test]
async fn invalid_json_on_success_is_a_decode_error_with_the_body() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Product {
        id: String,
    }
    let server = respond(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string("{\"id\": 42}"),
    )
    .await;
    let err = send_json::<Product>(&client(&server), get())
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            operation,
            status,
            body,
            ..
        } => {
            assert_eq!(*operation, "products:get");
            assert_eq!(*status, 200);
            assert_eq!(&body[..], b"{\"id\": 42}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().contains("products:get"));
}

#[tokio::test]
async fn rate_limit_headers_on_success() {
    let server = respond(
        ResponseTemplate::new(200)
            .insert_header("X-RateLimit-Limit", "300")
            .insert_header("X-RateLimit-Remaining", "299")
            .insert_header("X-RateLimit-Reset", "60")
            .set_body_json(json!({})),
    )
    .await;
    let response = send_json::<Value>(&client(&server), get()).await.unwrap();
    assert_eq!(response.rate_limit.limit, Some(300));
    assert_eq!(response.rate_limit.remaining, Some(299));
    assert_eq!(response.rate_limit.reset, Some(60));
    assert_eq!(response.rate_limit.retry_after, None);
    assert_eq!(response.headers["x-ratelimit-limit"], "300");
}

#[tokio::test]
async fn rate_limit_headers_on_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "300")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("Retry-After", "42"),
        )
        .expect(1) // Retry-After beyond the 5 s max_delay: no retry
        .mount(&server)
        .await;
    let request = Request::new(Method::POST, "checkouts:create", "/v1/checkouts/");
    let err = send_json::<Value>(&client(&server), request)
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    let rate_limit = err.rate_limit().unwrap();
    assert_eq!(rate_limit.limit, Some(300));
    assert_eq!(rate_limit.remaining, Some(0));
    assert_eq!(rate_limit.retry_after, Some(Duration::from_secs(42)));
}

#[tokio::test]
async fn empty_accepts_no_content() {
    let server = respond(ResponseTemplate::new(204)).await;
    let client = client(&server);
    let raw = client.__core().send(get()).await.unwrap();
    assert_eq!(raw.status, 204);
    let response = polar_api::__private::empty("products:delete", raw, common::error_body).unwrap();
    assert_eq!(response.status, 204);
}

/// A transport error's cause is its `source()`, and its `Display` is only
/// our message and reqwest's own, so a reporter that prints the `Display`
/// and then the chain (anyhow, eyre, tracing) shows every cause once.
#[tokio::test]
async fn transport_error_reaches_its_cause_through_source_once() {
    // Bind and drop a listener to get a port that refuses connections.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let server = MockServer::start().await;
    let client = common::builder(&server)
        .base_url(format!("http://127.0.0.1:{port}"))
        .no_retries()
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");

    let source = std::error::Error::source(&err).expect("the reqwest error is the source");
    assert!(source.is::<reqwest::Error>(), "{source:?}");
    let mut chain = vec![err.to_string()];
    let mut cause = Some(source);
    while let Some(error) = cause {
        chain.push(error.to_string());
        cause = error.source();
    }
    // Ours, reqwest's, and what reqwest says caused it (the refused connection).
    assert!(chain.len() >= 3, "{chain:?}");
    assert!(
        chain[0].starts_with("products:get: could not reach the Polar API"),
        "{chain:?}"
    );
    assert!(chain[0].ends_with(&chain[1]), "{chain:?}");
    for deeper in &chain[2..] {
        assert!(
            !chain[0].contains(deeper.as_str()),
            "printed twice: {chain:?}"
        );
    }
}
