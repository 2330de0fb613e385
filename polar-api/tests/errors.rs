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

/// A transport error's cause is its `source()`, and its `Display` says what
/// went wrong in its own words, no cause's text, so a reporter that prints the `Display`
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
    // Our words on what went wrong, not any cause's own text.
    for deeper in &chain[1..] {
        assert!(
            !chain[0].contains(deeper.as_str()),
            "printed twice: {chain:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Issue 26: error text, bounded bodies, redirects, a wrong base URL
// ---------------------------------------------------------------------------

/// A problem-details body with an empty `detail` shows its `title`, and no
/// dangling colon.
#[tokio::test]
async fn an_empty_detail_shows_the_title() {
    let body =
        json!({"title": "Internal failure in the billing worker", "status": 500, "detail": ""});
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_json(&body))
        .mount(&server)
        .await;
    let client = common::builder(&server).no_retries().build().unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "products:get: the Polar API answered 500 Internal Server Error: \
         Internal failure in the billing worker"
    );
    // Both, when both say something.
    let body = json!({"title": "Bad thing", "detail": "the widget broke"});
    let server = respond(ResponseTemplate::new(400).set_body_json(&body)).await;
    let err = send_json::<Value>(&client_at(&server), get())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("400 Bad Request: Bad thing: the widget broke"),
        "{err}"
    );
}

fn client_at(server: &MockServer) -> polar_api::v2026_10::Client {
    common::builder(server).no_retries().build().unwrap()
}

/// A refused connection says so in its `Display`, not only in `source()`.
#[tokio::test]
async fn a_refused_connection_says_so_in_one_line() {
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
    assert_eq!(
        err.to_string(),
        "products:get: could not reach the Polar API (the request was not sent): \
         the connection was refused"
    );
}

/// A huge error body is not kept whole: the first part of it is, and the
/// whole length is noted.
#[tokio::test]
async fn a_huge_error_body_is_kept_only_in_part() {
    const LEN: usize = 4 * 1024 * 1024;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("x".repeat(LEN)))
        .mount(&server)
        .await;
    let client = client_at(&server);
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert!(api.raw.len() <= 64 * 1024, "kept {} bytes", api.raw.len());
    assert!(api.raw.iter().all(|b| *b == b'x'));
    let text = err.to_string();
    assert!(text.contains(&LEN.to_string()), "{text}");
}

/// A 404 that is either a version the server does not serve or a wrong
/// base URL says both, and names the URL (without its query).
#[tokio::test]
async fn a_bare_404_names_both_causes_and_the_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not Found"})))
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .base_url(format!("{}/api", server.uri()))
        .no_retries()
        .build()
        .unwrap();
    let request = get().query("email", "customer@example.com");
    let err = send_json::<Value>(&client, request).await.unwrap_err();
    assert!(err.is_unsupported_api_version(), "{err:?}");
    assert!(!err.is_not_found(), "never a missing resource");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{}/api/v1/products/p_1", server.uri())),
        "{text}"
    );
    assert!(text.contains("base URL"), "{text}");
    assert!(text.contains("2026-10"), "{text}");
    assert!(!text.contains("customer@example.com"), "{text}");
    assert!(!format!("{err:?}").contains("customer@example.com"));
}

fn post() -> Request {
    Request::new(Method::POST, "customers:create", "/v1/customers/")
        .json_body(&json!({"email": "someone@example.com"}))
        .unwrap()
}

/// A redirect is not followed, by the client's own HTTP client: the error
/// carries `Location`, and the other host gets nothing.
#[tokio::test]
async fn a_redirect_is_not_followed() {
    let elsewhere = MockServer::start().await;
    let location = format!("{}/v1/customers/", elsewhere.uri());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let client = polar_api::v2026_10::Client::builder()
        .token(common::TOKEN)
        .base_url(server.uri())
        .no_retries()
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, post()).await.unwrap_err();
    assert!(common::received(&elsewhere).await.is_empty());
    assert_eq!(err.status(), Some(307), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("redirect"), "{text}");
    assert!(text.contains(&location), "{text}");
}

/// A `reqwest::Client` given to the builder follows redirects by default:
/// the client cannot stop it, but does not pass the answer off as the API's.
#[tokio::test]
async fn a_redirect_followed_by_a_given_http_client_is_an_error() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "c_1"})))
        .mount(&elsewhere)
        .await;
    let location = format!("{}/v1/customers/", elsewhere.uri());
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    let err = send_json::<Value>(&client_at(&server), post())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("redirect"), "{text}");
    assert!(text.contains(&elsewhere.uri()), "{text}");
    assert!(err.may_have_been_applied());
}

/// A success body over `max_response_body` fails clearly, once (no retry);
/// `max_error_body` sets how much of an error body is kept.
#[tokio::test]
async fn body_limits_are_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("\"{}\"", "y".repeat(5000))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .max_response_body(1000)
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    match &err {
        Error::ResponseTooLarge {
            status: 200,
            limit: 1000,
            length: Some(5002),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("1000-byte limit"), "{err}");

    let server = respond(ResponseTemplate::new(400).set_body_string("z".repeat(300))).await;
    let client = common::builder(&server)
        .max_error_body(100)
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.raw.len(), 100);
    assert!(api.is_truncated());
    assert_eq!(api.body_len(), Some(300));
    assert!(
        err.to_string()
            .ends_with("(300-byte body, the first 100 kept)"),
        "{err}"
    );
}
