//! The stateless mock server, seen from a client: what it answers, what it
//! refuses (401, FastAPI's 422, the bare 404 of an unknown version), the
//! version it says it served, and the overrides and faults a test injects,
//! as the SDK's client (and its retries) sees them.

use std::time::{Duration, Instant};

use polar_api::v2026_10::models::{
    CheckoutProductsCreate, CustomerSessionCodeAuthenticateRequest, CustomerSessionCodeRequest,
};
use polar_api::{NoSession, RetryConfig};
use polar_mock::fixtures::{v2026_10, With};
use polar_mock::{Answer, Fault, MockPolar};
use serde_json::{json, Value};

/// A raw request to the mock: method, path and query, optional JSON body,
/// the organization token unless `token` says otherwise.
async fn raw(
    mock: &MockPolar,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Value) {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("{}{path}", mock.url()));
    let mut authorized = false;
    for (name, value) in headers {
        authorized |= name.eq_ignore_ascii_case("authorization");
        request = request.header(*name, *value);
    }
    if !authorized {
        request = request.header("authorization", format!("Bearer {}", MockPolar::ORG_TOKEN));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

fn version_of(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    headers.get("polar-version").and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn mocks_start_on_free_loopback_ports_and_stop_when_dropped() {
    let one = MockPolar::start().await;
    let two = MockPolar::start().await;
    assert_ne!(one.address(), two.address());
    assert!(one.url().starts_with("http://127.0.0.1:"));
    let address = one.address();
    drop(one);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn the_sdk_client_gets_the_fixtures() {
    let mock = MockPolar::start().await;
    let client = mock.client();
    let product = client
        .products()
        .get(v2026_10::product().id)
        .send()
        .await
        .unwrap();
    assert_eq!(product, v2026_10::product());
    let page = client.products().list().limit(10).send().await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, product.id);
    let checkout = client
        .checkouts()
        .create(CheckoutProductsCreate::new(vec![product.id]))
        .send()
        .await
        .unwrap();
    assert_eq!(checkout, v2026_10::checkout());
    let received = mock.received();
    let operations: Vec<_> = received.iter().map(|r| r.operation_id).collect();
    assert_eq!(
        operations,
        [
            Some("products:get"),
            Some("products:list"),
            Some("checkouts:create")
        ]
    );
    assert_eq!(
        received[2].json().unwrap()["products"][0],
        json!(product.id)
    );
}

#[tokio::test]
async fn every_answer_says_its_version_and_an_unknown_version_gets_the_bare_404() {
    let mock = MockPolar::start().await;
    let path = format!("/v1/products/{}", v2026_10::product().id);
    let (status, headers, _) =
        raw(&mock, "GET", &path, None, &[("polar-version", "2026-10")]).await;
    assert_eq!((status, version_of(&headers)), (200, Some("2026-10")));
    // No header: the Current version.
    let (status, headers, _) = raw(&mock, "GET", &path, None, &[]).await;
    assert_eq!((status, version_of(&headers)), (200, Some("2026-10")));
    // Errors say it too.
    let (status, headers, _) = raw(
        &mock,
        "GET",
        "/v1/products/x",
        None,
        &[("polar-version", "2026-10")],
    )
    .await;
    assert_eq!((status, version_of(&headers)), (422, Some("2026-10")));
    if polar_mock::api_versions().contains(&"2026-04") {
        let (status, headers, _) =
            raw(&mock, "GET", &path, None, &[("polar-version", "2026-04")]).await;
        assert_eq!((status, version_of(&headers)), (200, Some("2026-04")));
    }
    let (status, headers, body) =
        raw(&mock, "GET", &path, None, &[("polar-version", "1999-01")]).await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"detail": "Not Found"}));
    assert_eq!(
        version_of(&headers),
        None,
        "an unknown version is served as none"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_get_starlettes_answers() {
    let mock = MockPolar::start().await;
    let (status, headers, body) = raw(&mock, "GET", "/v1/no-such-thing/", None, &[]).await;
    assert_eq!((status, body), (404, json!({"detail": "Not Found"})));
    assert_eq!(version_of(&headers), Some("2026-10"));
    let (status, headers, body) = raw(&mock, "PUT", "/v1/products/", None, &[]).await;
    assert_eq!(
        (status, body),
        (405, json!({"detail": "Method Not Allowed"}))
    );
    assert_eq!(headers["allow"], "GET, POST");
}

#[tokio::test]
async fn credentials_are_checked_as_polar_checks_them() {
    let mock = MockPolar::start().await;
    let unauthorized = json!({"error": "Unauthorized", "detail": "Unauthorized"});
    let path = "/v1/products/";
    let (status, _, body) = raw(&mock, "GET", path, None, &[("authorization", "")]).await;
    assert_eq!((status, body), (401, unauthorized.clone()));
    let (status, _, body) = raw(
        &mock,
        "GET",
        path,
        None,
        &[("authorization", "Bearer polar_oat_wrong")],
    )
    .await;
    assert_eq!((status, body), (401, unauthorized.clone()));
    // A customer session opens the portal, not the organization's API.
    let customer = format!("Bearer {}", MockPolar::CUSTOMER_SESSION_TOKEN);
    let (status, _, _) = raw(&mock, "GET", path, None, &[("authorization", &customer)]).await;
    assert_eq!(status, 401);
    let (status, _, _) = raw(
        &mock,
        "GET",
        "/v1/customer-portal/customers/me",
        None,
        &[("authorization", &customer)],
    )
    .await;
    assert_eq!(status, 200);

    // The SDK's view.
    let anonymous = polar_api::v2026_10::Client::builder()
        .base_url(mock.url())
        .build_anonymous()
        .unwrap();
    let err = anonymous.products().list().send().await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    let portal = mock
        .client()
        .customer_portal_with(MockPolar::CUSTOMER_SESSION_TOKEN);
    portal.customers().get().send().await.unwrap();
}

#[tokio::test]
async fn invalid_requests_get_fastapis_422_with_the_place_of_each_problem() {
    let mock = MockPolar::start().await;
    let id = v2026_10::product().id.to_string();
    let cases: Vec<(&str, String, Option<String>, Value, &str)> = vec![
        (
            "POST",
            "/v1/checkouts/".into(),
            Some("{}".into()),
            json!(["body", "products"]),
            "missing",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some(r#"{"products": []}"#.into()),
            json!(["body", "products"]),
            "too_short",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some(r#"{"products": ["not-a-uuid"]}"#.into()),
            json!(["body", "products", 0]),
            "uuid_parsing",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some(format!(r#"{{"products": ["{id}"], "seats": 0}}"#)),
            json!(["body", "seats"]),
            "greater_than_equal",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some(format!(r#"{{"products": ["{id}"], "seats": 1.5}}"#)),
            json!(["body", "seats"]),
            "int_from_float",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some(format!(
                r#"{{"products": ["{id}"], "customer_email": "nobody"}}"#
            )),
            json!(["body", "customer_email"]),
            "value_error",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some(format!(r#"{{"products": ["{id}"], "currency": "xyz"}}"#)),
            json!(["body", "currency"]),
            "enum",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            Some("{not json".into()),
            json!(["body", 1]),
            "json_invalid",
        ),
        (
            "POST",
            "/v1/checkouts/".into(),
            None,
            json!(["body"]),
            "missing",
        ),
        (
            "POST",
            "/v1/benefits/".into(),
            Some(r#"{"type": "bogus"}"#.into()),
            json!(["body"]),
            "union_tag_invalid",
        ),
        (
            "GET",
            "/v1/products/not-a-uuid".into(),
            None,
            json!(["path", "id"]),
            "uuid_parsing",
        ),
        (
            "GET",
            "/v1/products/?page=0".into(),
            None,
            json!(["query", "page"]),
            "greater_than",
        ),
        (
            "GET",
            "/v1/products/?limit=ten".into(),
            None,
            json!(["query", "limit"]),
            "int_parsing",
        ),
        (
            "GET",
            "/v1/products/?is_archived=maybe".into(),
            None,
            json!(["query", "is_archived"]),
            "bool_parsing",
        ),
        (
            "GET",
            "/v1/products/?sorting=bogus".into(),
            None,
            json!(["query", "sorting", 0]),
            "enum",
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, loc, kind) in &cases {
        let (status, _, answer) = raw(&mock, method, path, body.as_deref(), &[]).await;
        let detail = answer["detail"].as_array().cloned().unwrap_or_default();
        let found = detail
            .iter()
            .any(|problem| problem["loc"] == *loc && problem["type"] == *kind);
        let shaped = !detail.is_empty()
            && detail
                .iter()
                .all(|p| p["loc"].is_array() && p["msg"].is_string() && p["type"].is_string());
        if status != 422 || !found || !shaped {
            failures.push(format!("{method} {path} {body:?}: {status} {answer}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The SDK reads it as a validation error.
    let err = mock
        .client()
        .products()
        .list()
        .page(0)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_validation_error(), "{err}");
}

#[tokio::test]
async fn an_override_replaces_an_answer_for_as_many_requests_as_asked() {
    let mock = MockPolar::start().await;
    let client = mock.client();
    let id = v2026_10::product().id;
    let renamed = v2026_10::product().with(|p| p.name = "Renamed".to_owned());
    mock.when("products:get")
        .times(1)
        .respond(Answer::json(200, &renamed));
    assert_eq!(
        client.products().get(id).send().await.unwrap().name,
        "Renamed"
    );
    assert_eq!(
        client.products().get(id).send().await.unwrap(),
        v2026_10::product()
    );

    mock.when("products:get")
        .version("2026-10")
        .respond(Answer::error(404, "ResourceNotFound", "Product not found"));
    let err = client.products().get(id).send().await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    mock.reset_rules();
    client.products().get(id).send().await.unwrap();
}

/// A client that retries quickly.
fn retrying(mock: &MockPolar, retries: u32) -> polar_api::v2026_10::Client {
    mock.client_builder()
        .retry(
            RetryConfig::default()
                .max_retries(retries)
                .initial_delay(Duration::from_millis(5))
                .max_delay(Duration::from_secs(5)),
        )
        .build()
        .unwrap()
}

fn statuses(mock: &MockPolar, operation: &str) -> Vec<Option<u16>> {
    mock.received_for(operation)
        .iter()
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn injected_faults_are_what_the_clients_retries_see() {
    let mock = MockPolar::start().await;
    let client = retrying(&mock, 2);
    let id = v2026_10::product().id;

    // A 429 with Retry-After: the client waits it out, then succeeds.
    mock.when("products:get")
        .times(1)
        .fail(Fault::TooManyRequests {
            retry_after: Duration::from_secs(1),
        });
    let started = Instant::now();
    client.products().get(id).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(statuses(&mock, "products:get"), [Some(429), Some(200)]);

    // Two 503s, then the answer.
    mock.clear_received();
    mock.when("products:get").times(2).fail(Fault::Status(503));
    client.products().get(id).send().await.unwrap();
    assert_eq!(
        statuses(&mock, "products:get"),
        [Some(503), Some(503), Some(200)]
    );

    // More 500s than retries: the error, after every attempt.
    mock.clear_received();
    mock.when_any().times(3).fail(Fault::Status(500));
    let err = client.products().get(id).send().await.unwrap_err();
    assert!(err.is_server_error(), "{err}");
    assert_eq!(statuses(&mock, "products:get"), [Some(500); 3]);

    // A connection closed before, or in the middle of, an answer.
    mock.clear_received();
    mock.when("products:get")
        .times(1)
        .fail(Fault::CloseWithoutResponse);
    client.products().get(id).send().await.unwrap();
    assert_eq!(statuses(&mock, "products:get"), [None, Some(200)]);
    mock.clear_received();
    mock.when("products:get")
        .times(1)
        .fail(Fault::CloseMidResponse);
    client.products().get(id).send().await.unwrap();
    assert_eq!(mock.received_for("products:get").len(), 2);

    // Without retries, the client reports them.
    let once = retrying(&mock, 0);
    mock.when("products:get")
        .times(1)
        .fail(Fault::CloseWithoutResponse);
    let err = once.products().get(id).send().await.unwrap_err();
    assert!(err.is_transport(), "{err}");
    mock.when("products:get")
        .times(1)
        .fail(Fault::CloseMidResponse);
    assert!(once.products().get(id).send().await.is_err());

    // A delay longer than the client's timeout.
    let impatient: polar_api::v2026_10::Client = mock
        .client_builder()
        .no_retries()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    mock.when("products:get")
        .times(1)
        .fail(Fault::Delay(Duration::from_millis(500)));
    let err = impatient.products().get(id).send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn received_requests_keep_what_was_sent_but_never_show_the_token() {
    let mock = MockPolar::start().await;
    mock.client()
        .products()
        .list()
        .is_archived(false)
        .send()
        .await
        .unwrap();
    let [request] = mock.received().try_into().unwrap();
    assert_eq!(request.operation_id, Some("products:list"));
    assert_eq!(request.api_version, Some("2026-10"));
    assert!(request
        .query_pairs()
        .contains(&("is_archived".into(), "false".into())));
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", MockPolar::ORG_TOKEN).as_str())
    );
    let shown = format!("{request:?}");
    assert!(!shown.contains(MockPolar::ORG_TOKEN), "{shown}");
}

#[tokio::test]
async fn a_customer_signs_in_with_the_code_the_mock_would_have_emailed() {
    let mock = MockPolar::start().await;
    let portal = mock.client().public_portal();
    let email = "jane.doe@example.com";
    let organization = v2026_10::organization().id;
    assert_eq!(mock.last_sign_in_code(email), None);
    portal
        .customer_session()
        .request(CustomerSessionCodeRequest::new(email.into(), organization))
        .send()
        .await
        .unwrap();
    let code = mock.last_sign_in_code(email).expect("a code was sent");
    let session = authenticate(&portal, &code).await.unwrap();
    let signed_in = portal.with_customer_session(&session.token);
    signed_in.customers().get().send().await.unwrap();

    // A code is good once; a wrong one never.
    for code in [code.as_str(), "000000"] {
        let err = authenticate(&portal, code).await.unwrap_err();
        assert_eq!(err.status(), Some(401), "{err}");
        let body = err
            .api_error()
            .unwrap()
            .body::<polar_api::v2026_10::ApiErrorBody>();
        assert!(
            matches!(
                body,
                Some(polar_api::v2026_10::ApiErrorBody::CustomerSessionCodeInvalidOrExpired(_))
            ),
            "{body:?}"
        );
    }

    // A fixed code, for a test that knows it in advance.
    let fixed = MockPolar::builder()
        .sign_in_code("424242")
        .start()
        .await
        .unwrap();
    let portal = fixed.client().public_portal();
    authenticate(&portal, "424242").await.unwrap();
    authenticate(&portal, "424242").await.unwrap();
}

async fn authenticate(
    portal: &polar_api::v2026_10::CustomerPortalClient<NoSession>,
    code: &str,
) -> Result<polar_api::v2026_10::models::CustomerSessionCodeAuthenticateResponse, polar_api::Error>
{
    portal
        .customer_session()
        .authenticate(CustomerSessionCodeAuthenticateRequest::new(code.into()))
        .send()
        .await
}

#[tokio::test]
async fn only_the_newest_received_requests_are_kept() {
    let mock = MockPolar::builder()
        .received_limit(2)
        .start()
        .await
        .unwrap();
    let client = mock.client();
    for _ in 0..3 {
        client.products().list().send().await.unwrap();
    }
    client
        .products()
        .get(v2026_10::product().id)
        .send()
        .await
        .unwrap();
    let kept: Vec<_> = mock.received().iter().map(|r| r.operation_id).collect();
    assert_eq!(kept, [Some("products:list"), Some("products:get")]);
}

#[tokio::test]
#[should_panic(expected = "no operation `products:gte`")]
async fn a_rule_for_an_operation_that_does_not_exist_is_refused() {
    let mock = MockPolar::start().await;
    mock.when("products:gte").respond(Answer::status(200));
}

#[tokio::test]
async fn a_default_version_the_build_lacks_is_refused() {
    let err = MockPolar::builder()
        .default_api_version("1999-01")
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1999-01"), "{err}");
}
