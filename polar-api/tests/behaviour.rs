//! End-to-end behaviour of the client runtime, driven through the generated
//! operation methods (`client.products().list()...`) against a local
//! wiremock server: pagination, retries, timeouts, error decoding, rate-limit
//! headers, non-JSON bodies, portal tokens and secret hygiene.

mod common;

use std::time::{Duration, Instant};

use common::{builder, client, query_pairs, received, TOKEN};
use futures_util::StreamExt;
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    Checkout, CheckoutCreate, Event, EventsListResponse, ListResourceCustomerOrder,
    ListResourceCustomerPortalMember, ListResourceProduct, Oauth2RequestTokenBody, Product,
    RefreshTokenRequest, StringOrInteger, TokenResponse,
};
use polar_api::v2026_10::{ApiErrorBody, Client};
use polar_api::{Error, RetryConfig};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const ORG: Uuid = Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0001);

/// The i-th distinct product id.
fn product_id(i: u128) -> Uuid {
    Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 + i)
}

/// The i-th distinct event id.
fn event_id(i: u128) -> Uuid {
    Uuid::from_u128(0x2000_0000_0000_4000_8000_0000_0000_0000 + i)
}

/// Checks that a fixture decodes into `T` under strict decoding (no
/// `Unknown` variant, no unexpected constant), and hands it back.
fn checked<T: DeserializeOwned>(value: Value) -> Value {
    let decoded = polar_api::models::__private::strict_decoding(|| {
        serde_json::from_value::<T>(value.clone())
    });
    if let Err(e) = decoded {
        panic!(
            "fixture does not decode as {}: {e}\n{value:#}",
            std::any::type_name::<T>()
        );
    }
    value
}

/// A `Product` with every property the spec lists.
fn product_json(id: Uuid) -> Value {
    checked::<Product>(json!({
        "id": id,
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "trial_interval": null,
        "trial_interval_count": null,
        "name": format!("Product {id}"),
        "description": null,
        "visibility": "public",
        "recurring_interval": null,
        "recurring_interval_count": null,
        "is_recurring": false,
        "is_archived": false,
        "organization_id": ORG,
        "metadata": {},
        "prices": [],
        "benefits": [],
        "medias": [],
        "attached_custom_fields": []
    }))
}

fn product_page(ids: &[Uuid], total_count: i64, max_page: i64) -> Value {
    let items: Vec<Value> = ids.iter().copied().map(product_json).collect();
    checked::<ListResourceProduct>(json!({
        "items": items,
        "pagination": {"total_count": total_count, "max_page": max_page}
    }))
}

/// A user event (`source: "user"`).
fn event_json(id: Uuid) -> Value {
    checked::<Event>(json!({
        "id": id,
        "timestamp": "2025-01-02T03:04:05Z",
        "organization_id": ORG,
        "customer_id": null,
        "customer": null,
        "external_customer_id": "ext-1",
        "label": "API call",
        "source": "user",
        "name": "api.call",
        "metadata": {}
    }))
}

/// A `Checkout` with the properties its Rust type requires.
fn checkout_json(id: Uuid) -> Value {
    checked::<Checkout>(json!({
        "id": id,
        "created_at": "2025-01-02T03:04:05Z",
        "modified_at": null,
        "client_secret": "polar_c_client_secret",
        "url": "https://polar.sh/checkout/polar_c_client_secret",
        "expires_at": "2025-01-03T03:04:05Z",
        "success_url": "https://example.com/thanks",
        "amount": 1000,
        "discount_amount": 0,
        "net_amount": 1000,
        "total_amount": 1000,
        "currency": "usd",
        "organization_id": ORG,
        "billing_address_fields": {
            "country": "required",
            "state": "optional",
            "city": "optional",
            "postal_code": "optional",
            "line1": "optional",
            "line2": "disabled"
        }
    }))
}

fn checkout_create() -> CheckoutCreate {
    serde_json::from_value(json!({"products": [product_id(1)]})).unwrap()
}

fn empty_page() -> Value {
    json!({"items": [], "pagination": {"total_count": 0, "max_page": 0}})
}

/// The query of a received request, as sorted pairs.
fn sorted_query(request: &wiremock::Request) -> Vec<(String, String)> {
    let mut pairs = query_pairs(request);
    pairs.sort();
    pairs
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = list
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.sort();
    pairs
}

fn header_text<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

// ---------------------------------------------------------------------------
// 1. Pagination
// ---------------------------------------------------------------------------

/// Three pages of two products each, for `organization_id=ORG&limit=2`; every
/// page is expected `times` times.
async fn mount_product_pages(server: &MockServer, times: u64) -> Vec<Uuid> {
    let mut all = Vec::new();
    for page in 1..=3u128 {
        let ids = [product_id(page * 10), product_id(page * 10 + 1)];
        all.extend(ids);
        Mock::given(method("GET"))
            .and(path("/v1/products/"))
            .and(query_param("page", page.to_string()))
            .and(query_param("limit", "2"))
            .and(query_param("organization_id", ORG.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(product_page(&ids, 6, 3)))
            .expect(times)
            .mount(server)
            .await;
    }
    all
}

fn assert_product_page_requests(requests: &[wiremock::Request], pages: &[u32]) {
    assert_eq!(requests.len(), pages.len(), "pages requested");
    let org = ORG.to_string();
    for (request, page) in requests.iter().zip(pages) {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.path(), "/v1/products/");
        assert_eq!(
            sorted_query(request),
            pairs(&[
                ("organization_id", &org),
                ("page", &page.to_string()),
                ("limit", "2"),
            ]),
            "query of {}",
            request.url
        );
    }
}

#[tokio::test]
async fn product_stream_walks_every_page_once_in_order() {
    let server = MockServer::start().await;
    let expected = mount_product_pages(&server, 1).await;
    let client = client(&server);

    let stream = client
        .products()
        .list()
        .organization_id(ORG)
        .limit(2)
        .stream();
    let mut stream = std::pin::pin!(stream);
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        ids.push(item.unwrap().id);
    }
    assert_eq!(ids, expected);

    assert_product_page_requests(&received(&server).await, &[1, 2, 3]);
}

#[tokio::test]
async fn product_collect_all_matches_the_stream() {
    let server = MockServer::start().await;
    let expected = mount_product_pages(&server, 2).await;
    let client = client(&server);
    let list = client.products().list().organization_id(ORG).limit(2);

    let streamed: Vec<Product> = list.clone().stream().map(Result::unwrap).collect().await;
    let collected = list.collect_all().await.unwrap();
    assert_eq!(collected, streamed);
    let ids: Vec<Uuid> = collected.iter().map(|p| p.id).collect();
    assert_eq!(ids, expected);
    assert_eq!(collected[0].organization_id, ORG);

    assert_product_page_requests(&received(&server).await, &[1, 2, 3, 1, 2, 3]);
}

#[tokio::test]
async fn product_stream_starts_at_the_page_set_on_the_builder() {
    let server = MockServer::start().await;
    // Only pages 2 and 3 may be asked for.
    let mut expected = Vec::new();
    for page in 2..=3u128 {
        let ids = [product_id(page * 10), product_id(page * 10 + 1)];
        expected.extend(ids);
        Mock::given(method("GET"))
            .and(path("/v1/products/"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(product_page(&ids, 6, 3)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let items = client
        .products()
        .list()
        .organization_id(ORG)
        .limit(2)
        .page(2)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
    assert_eq!(ids, expected);
    assert_product_page_requests(&received(&server).await, &[2, 3]);
}

#[tokio::test]
async fn a_failing_page_ends_the_product_stream_with_one_error() {
    let server = MockServer::start().await;
    let first = [product_id(1), product_id(2)];
    Mock::given(method("GET"))
        .and(path("/v1/products/"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(product_page(&first, 6, 3)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/products/"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(403).set_body_string("no"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let results: Vec<Result<Product, Error>> = client.products().list().stream().collect().await;
    assert_eq!(results.len(), 3, "two items, then one error, then the end");
    assert_eq!(results[0].as_ref().unwrap().id, first[0]);
    assert_eq!(results[1].as_ref().unwrap().id, first[1]);
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.operation(), Some("products:list"));
}

#[tokio::test]
async fn event_stream_walks_cursor_pages_until_has_next_page_is_false() {
    let server = MockServer::start().await;
    let mut expected = Vec::new();
    for page in 1..=3u128 {
        let ids = [event_id(page * 10), event_id(page * 10 + 1)];
        expected.extend(ids);
        let body = json!({
            "items": [event_json(ids[0]), event_json(ids[1])],
            "pagination": {"has_next_page": page < 3}
        });
        let body = checked::<EventsListResponse>(body);
        Mock::given(method("GET"))
            .and(path("/v1/events/"))
            .and(query_param("page", page.to_string()))
            .and(query_param("organization_id", ORG.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    // A fourth page exists on the server but must not be asked for.
    Mock::given(method("GET"))
        .and(path("/v1/events/"))
        .and(query_param("page", "4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [event_json(event_id(99))],
            "pagination": {"has_next_page": false}
        })))
        .expect(0)
        .mount(&server)
        .await;

    let client = client(&server);
    let events = client
        .events()
        .list()
        .organization_id(ORG)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<Uuid> = events
        .iter()
        .map(|event| match event {
            Event::User(user) => user.id,
            other => panic!("expected a user event, got {other:?}"),
        })
        .collect();
    assert_eq!(ids, expected);
    let pages: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| {
            query_pairs(r)
                .into_iter()
                .find(|(k, _)| k == "page")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
}

#[tokio::test]
async fn event_stream_also_walks_numbered_pages() {
    let server = MockServer::start().await;
    let mut expected = Vec::new();
    for page in 1..=2u128 {
        let id = event_id(page);
        expected.push(id);
        let body = checked::<EventsListResponse>(json!({
            "items": [event_json(id)],
            "pagination": {"total_count": 2, "max_page": 2}
        }));
        Mock::given(method("GET"))
            .and(path("/v1/events/"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let events = client.events().list().collect_all().await.unwrap();
    let ids: Vec<Uuid> = events
        .iter()
        .map(|event| match event {
            Event::User(user) => user.id,
            other => panic!("expected a user event, got {other:?}"),
        })
        .collect();
    assert_eq!(ids, expected);
}

// ---------------------------------------------------------------------------
// 2. 429 + Retry-After on a GET
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_honors_retry_after_on_429_then_succeeds() {
    let server = MockServer::start().await;
    let id = product_id(7);
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
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
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(product_json(id)))
        .expect(1)
        .mount(&server)
        .await;

    // base_delay is 10 ms: only Retry-After can make the wait last a second.
    let client = client(&server);
    let started = Instant::now();
    let product = client.products().get(id).send().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(product.id, id);
    assert!(
        elapsed >= Duration::from_millis(900),
        "Retry-After: 1 was not waited for ({elapsed:?})"
    );
    assert_eq!(received(&server).await.len(), 2);
}

// ---------------------------------------------------------------------------
// 3. POST retries need an idempotency key
// ---------------------------------------------------------------------------

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server); // max_retries: 2
    let err = client
        .checkouts()
        .create(checkout_create())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_server_error());
    assert_eq!(err.operation(), Some("checkouts:create"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1, "a POST without a key was retried");
    assert!(requests[0].headers.get("idempotency-key").is_none());
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    let id = Uuid::from_u128(0x3000_0000_0000_4000_8000_0000_0000_0001);
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(201).set_body_json(checkout_json(id)))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry(
            RetryConfig::default()
                .max_retries(2)
                .initial_delay(Duration::from_millis(10))
                .max_delay(Duration::from_millis(100)),
        )
        .build()
        .unwrap();
    let response = client
        .checkouts()
        .create(checkout_create())
        .idempotency_key("k-1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.value.id, id);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header_text(request, "idempotency-key"), Some("k-1"));
        assert_eq!(
            header_text(request, "content-type"),
            Some("application/json")
        );
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body, json!({"products": [product_id(1)]}));
    }
}

// ---------------------------------------------------------------------------
// 4. Timeout
// ---------------------------------------------------------------------------

#[tokio::test]
async fn slow_response_is_a_timeout_error() {
    let server = MockServer::start().await;
    let id = product_id(1);
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(product_json(id))
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .no_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.products().get(id).send().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(
        err,
        Error::Timeout {
            operation: "products:get",
            ..
        }
    ));
    assert!(
        elapsed < Duration::from_millis(1500),
        "the timeout did not cut the wait short ({elapsed:?})"
    );
    assert_eq!(received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------
// 5. Error bodies
// ---------------------------------------------------------------------------

#[tokio::test]
async fn not_found_is_a_typed_api_error() {
    let server = MockServer::start().await;
    let id = product_id(404);
    let raw = r#"{"error":"ResourceNotFound","detail":"Not found"}"#;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(404).set_body_raw(raw, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.products().get(id).send().await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.to_string(),
        "products:get: the Polar API answered 404 Not Found: Not found"
    );
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.operation, "products:get");
    assert_eq!(&api.raw[..], raw.as_bytes());
    match api.body::<ApiErrorBody>() {
        Some(ApiErrorBody::ResourceNotFound(body)) => {
            assert_eq!(body.detail, "Not found");
            assert_eq!(body.error.as_str(), "ResourceNotFound");
            assert!(body.error.is_expected());
        }
        other => panic!("expected ResourceNotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn validation_error_is_typed() {
    let server = MockServer::start().await;
    let raw = r#"{"detail":[{"loc":["body","name"],"msg":"Field required","type":"missing"}]}"#;
    Mock::given(method("POST"))
        .and(path("/v1/checkouts/"))
        .respond_with(ResponseTemplate::new(422).set_body_raw(raw, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .checkouts()
        .create(checkout_create())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_validation_error());
    assert!(
        err.to_string().ends_with(": body.name: Field required"),
        "{err}"
    );
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 422);
    assert_eq!(&api.raw[..], raw.as_bytes());
    match api.body::<ApiErrorBody>() {
        Some(ApiErrorBody::HttpValidationError(body)) => {
            let detail = body.detail.as_ref().expect("detail");
            assert_eq!(detail.len(), 1);
            assert_eq!(detail[0].msg, "Field required");
            assert_eq!(detail[0].r#type, "missing");
            assert_eq!(
                detail[0].loc,
                [
                    StringOrInteger::String("body".into()),
                    StringOrInteger::String("name".into())
                ]
            );
        }
        other => panic!("expected HttpValidationError, got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_status_keeps_the_raw_body_without_a_typed_one() {
    let server = MockServer::start().await;
    let id = product_id(418);
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(418).set_body_string("teapot"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.products().get(id).send().await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 418);
    assert_eq!(&api.raw[..], b"teapot");
    assert_eq!(api.raw_text(), "teapot");
    assert_eq!(api.body::<ApiErrorBody>(), None);
    assert_eq!(
        err.to_string(),
        // The body may echo the request: `Display` gives its length only.
        "products:get: the Polar API answered 418 I'm a teapot (6-byte body)"
    );
    assert_eq!(api.detail().as_deref(), Some("teapot"));
}

#[tokio::test]
async fn undocumented_status_with_json_has_no_typed_body_either() {
    // `products:get` documents 404 and 422 only: a JSON 409 is not decoded.
    let server = MockServer::start().await;
    let id = product_id(409);
    let raw = r#"{"error":"Conflict","detail":"busy"}"#;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(409).set_body_raw(raw, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.products().get(id).send().await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 409);
    assert_eq!(api.body::<ApiErrorBody>(), None);
    assert_eq!(&api.raw[..], raw.as_bytes());
    assert_eq!(api.detail().as_deref(), Some("busy"));
}

#[tokio::test]
async fn documented_status_with_another_json_shape_is_unknown() {
    let server = MockServer::start().await;
    let id = product_id(405);
    let raw = r#"{"message":"gone fishing"}"#;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(404).set_body_raw(raw, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.products().get(id).send().await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(
        api.body::<ApiErrorBody>(),
        Some(&ApiErrorBody::Unknown(json!({"message": "gone fishing"})))
    );
}

#[tokio::test]
async fn success_with_an_undecodable_body_is_a_decode_error_with_the_bytes() {
    let server = MockServer::start().await;
    let id = product_id(200);
    let raw: &[u8] = br#"{"id":"not-a-uuid","name":42}"#;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(raw, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.products().get(id).send().await.unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.operation(), Some("products:get"));
    match &err {
        Error::Decode {
            operation,
            status,
            body,
            ..
        } => {
            assert_eq!(*operation, "products:get");
            assert_eq!(*status, 200);
            assert_eq!(&body[..], raw);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    let prefix = format!(
        "products:get: could not decode the 200 response ({} bytes): ",
        raw.len()
    );
    assert!(err.to_string().starts_with(&prefix), "{err}");
    // Decode failures are not retried.
    assert_eq!(received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------
// 6. Rate-limit headers
// ---------------------------------------------------------------------------

fn with_rate_limit(template: ResponseTemplate, remaining: &str) -> ResponseTemplate {
    template
        .insert_header("X-RateLimit-Limit", "100")
        .insert_header("X-RateLimit-Remaining", remaining)
        .insert_header("X-RateLimit-Reset", "1712345678")
}

#[tokio::test]
async fn rate_limit_headers_on_a_successful_response() {
    let server = MockServer::start().await;
    let id = product_id(1);
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(with_rate_limit(
            ResponseTemplate::new(200).set_body_json(product_json(id)),
            "99",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let response = client
        .products()
        .get(id)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.rate_limit.limit, Some(100));
    assert_eq!(response.rate_limit.remaining, Some(99));
    assert_eq!(response.rate_limit.reset, Some(1712345678));
    assert_eq!(response.rate_limit.retry_after, None);
    assert_eq!(response.headers.get("x-ratelimit-remaining").unwrap(), "99");
    assert_eq!(response.into_value().id, id);
}

#[tokio::test]
async fn rate_limit_headers_on_an_error() {
    let server = MockServer::start().await;
    let id = product_id(1);
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(with_rate_limit(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .set_body_json(json!({"detail": "Too many requests"})),
            "0",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).no_retries().build().unwrap();
    let err = client.products().get(id).send().await.unwrap_err();
    assert!(err.is_rate_limited());
    let rate_limit = err.rate_limit().expect("rate-limit headers");
    assert_eq!(rate_limit.limit, Some(100));
    assert_eq!(rate_limit.remaining, Some(0));
    assert_eq!(rate_limit.reset, Some(1712345678));
    assert_eq!(rate_limit.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(
        err.api_error()
            .unwrap()
            .headers
            .get("x-ratelimit-limit")
            .unwrap(),
        "100"
    );
}

// ---------------------------------------------------------------------------
// 7. CSV, 204 and form bodies
// ---------------------------------------------------------------------------

#[tokio::test]
async fn csv_export_returns_text_and_asks_for_csv() {
    let server = MockServer::start().await;
    let csv = "id,amount\no_1,1000\no_2,2500\n";
    Mock::given(method("GET"))
        .and(path("/v1/orders/export"))
        .and(header("accept", "text/csv"))
        .and(query_param("organization_id", ORG.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv, "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let text: String = client
        .orders()
        .export()
        .organization_id(ORG)
        .send()
        .await
        .unwrap();
    assert_eq!(text, csv);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header_text(&requests[0], "accept"), Some("text/csv"));
}

#[tokio::test]
async fn delete_answered_204_returns_unit() {
    let server = MockServer::start().await;
    let id = Uuid::from_u128(0x4000_0000_0000_4000_8000_0000_0000_0001);
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/benefits/{id}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let () = client.benefits().delete(id).send().await.unwrap();
    let response = client
        .benefits()
        .delete(id)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status, 204);
    let requests = received(&server).await;
    assert!(requests.iter().all(|r| r.body.is_empty()));
    assert!(requests
        .iter()
        .all(|r| r.headers.get("content-type").is_none()));
}

#[tokio::test]
async fn oauth2_token_request_is_form_encoded_and_anonymous() {
    let server = MockServer::start().await;
    let token_response = checked::<TokenResponse>(json!({
        "access_token": "polar_at_new",
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "polar_rt_new",
        "scope": "openid",
        "id_token": "id.token.value"
    }));
    Mock::given(method("POST"))
        .and(path("/v1/oauth2/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_response))
        .expect(1)
        .mount(&server)
        .await;
    let anonymous = Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .no_retries()
        .build_anonymous()
        .unwrap();
    let refresh: RefreshTokenRequest = serde_json::from_value(json!({
        "grant_type": "refresh_token",
        "client_id": "client-1",
        "client_secret": "s3cr3t&=",
        "refresh_token": "polar_rt_old"
    }))
    .unwrap();
    let body = Oauth2RequestTokenBody::RefreshToken(refresh);
    let token = anonymous.oauth2().request_token(body).send().await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "polar_at_new");
    assert_eq!(token.expires_in, 3600);
    assert_eq!(
        token.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("polar_rt_new")
    );
    // The tokens are `Secret`s: a logged response shows none of them.
    let printed = format!("{token:?}");
    for value in ["polar_at_new", "polar_rt_new", "id.token.value"] {
        assert!(!printed.contains(value), "{printed}");
    }

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert!(request.headers.get("authorization").is_none());
    assert_eq!(
        header_text(request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut form: Vec<(String, String)> = serde_urlencoded::from_bytes(&request.body).unwrap();
    form.sort();
    assert_eq!(
        form,
        pairs(&[
            ("grant_type", "refresh_token"),
            ("client_id", "client-1"),
            ("client_secret", "s3cr3t&="),
            ("refresh_token", "polar_rt_old"),
        ])
    );
}

// ---------------------------------------------------------------------------
// 8. Portal tokens
// ---------------------------------------------------------------------------

const CUSTOMER_SESSION: &str = "polar_cst_customer_session_token";
const MEMBER_SESSION: &str = "polar_mst_member_session_token";

#[tokio::test]
async fn customer_portal_sends_the_customer_session_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/orders/"))
        .and(header(
            "authorization",
            format!("Bearer {CUSTOMER_SESSION}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(checked::<ListResourceCustomerOrder>(empty_page())),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let portal = client.customer_portal_with(CUSTOMER_SESSION);
    let page = portal.orders().list().limit(5).send().await.unwrap();
    assert!(page.items.is_empty());

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        header_text(&requests[0], "authorization"),
        Some(format!("Bearer {CUSTOMER_SESSION}").as_str())
    );
    assert_eq!(sorted_query(&requests[0]), pairs(&[("limit", "5")]));
}

#[tokio::test]
async fn member_portal_sends_the_member_session_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/members"))
        .and(header(
            "authorization",
            format!("Bearer {MEMBER_SESSION}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(checked::<ListResourceCustomerPortalMember>(empty_page())),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let member = client.member_portal_with(MEMBER_SESSION);
    let page = member.members().list_members().send().await.unwrap();
    assert!(page.items.is_empty());

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let authorization = header_text(&requests[0], "authorization").unwrap();
    assert_eq!(authorization, format!("Bearer {MEMBER_SESSION}"));
    assert!(!authorization.contains(TOKEN));
}

// ---------------------------------------------------------------------------
// 9. The token never shows
// ---------------------------------------------------------------------------

fn assert_no_token(shown: &str) {
    assert!(!shown.contains(TOKEN), "token leaked in {shown}");
    assert!(!shown.contains("SeCrEt"), "token leaked in {shown}");
}

#[tokio::test]
async fn token_never_appears_in_debug_or_errors() {
    let server = MockServer::start().await;
    let unauthorized = product_id(401);
    let slow = product_id(408);
    let garbled = product_id(500);
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{unauthorized}")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "Unauthorized",
            "detail": "The access token provided is expired, revoked, malformed, or invalid"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{slow}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(product_json(slow))
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/products/{garbled}")))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .no_retries()
        .build()
        .unwrap();
    let portal = client.customer_portal_with(TOKEN);
    let member = client.member_portal_with(TOKEN);
    assert_no_token(&format!("{client:?}"));
    assert_no_token(&format!("{client:#?}"));
    assert_no_token(&format!("{portal:?} {member:?}"));
    assert_no_token(&format!("{:?}", client.products()));
    assert_no_token(&format!("{:#?}", client.products().get(unauthorized)));
    assert_no_token(&format!("{:?}", portal.orders().list()));
    assert_no_token(&format!("{:?}", builder(&server)));

    let err = client
        .products()
        .get(unauthorized)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert!(err.to_string().contains("expired, revoked"), "{err}");
    // The token did go out, so it could have been echoed.
    let requests = received(&server).await;
    assert_eq!(
        header_text(&requests[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    let timeout = client.products().get(slow).send().await.unwrap_err();
    assert!(timeout.is_timeout(), "{timeout:?}");
    let decode = client.products().get(garbled).send().await.unwrap_err();
    assert!(matches!(decode, Error::Decode { .. }), "{decode:?}");

    // A port nobody listens on: a transport error.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let unreachable = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .no_retries()
        .build()
        .unwrap();
    let transport = unreachable
        .products()
        .get(unauthorized)
        .send()
        .await
        .unwrap_err();
    assert!(transport.is_transport(), "{transport:?}");

    for err in [&err, &timeout, &decode, &transport] {
        assert_no_token(&err.to_string());
        assert_no_token(&format!("{err:?}"));
        assert_no_token(&format!("{err:#?}"));
    }
}
