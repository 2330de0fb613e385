//! Walking list operations page by page against a mock server.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{client, send_json};
use polar_api::__private::{Method, Request};
use polar_api::v2026_10::models::{CursorPagination, Page, Pagination};
use polar_api::v2026_10::Client;
use polar_api::{collect_all, paginate, Error};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn list_page(client: &Client, page: i64) -> Result<Page<String, Pagination>, Error> {
    let request = Request::new(Method::GET, "products:list", "/v1/products/")
        .query("page", &page)
        .query("limit", &2);
    Ok(send_json(client, request).await?.into_value())
}

async fn list_cursor_page(
    client: &Client,
    page: i64,
) -> Result<Page<String, CursorPagination>, Error> {
    let request = Request::new(Method::GET, "events:list", "/v1/events/").query("page", &page);
    Ok(send_json(client, request).await?.into_value())
}

#[tokio::test]
async fn numbered_pages_are_walked_to_max_page() {
    let server = MockServer::start().await;
    for page in 1..=3 {
        let items: Vec<String> = (0..2).map(|i| format!("p{page}-{i}")).collect();
        Mock::given(method("GET"))
            .and(path("/v1/products/"))
            .and(query_param("page", page.to_string()))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": items,
                "pagination": {"total_count": 6, "max_page": 3}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let items = collect_all(paginate(1, |page| list_page(&client, page)))
        .await
        .unwrap();
    assert_eq!(items, ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_error_ends_the_stream() {
    use futures_util::StreamExt;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": ["a"],
            "pagination": {"total_count": 9, "max_page": 9}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "no"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let results: Vec<_> = paginate(1, |page| list_page(&client, page)).collect().await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap(), "a");
    assert!(results[1].as_ref().unwrap_err().is_forbidden());
}

#[tokio::test]
async fn cursor_pages_stop_when_there_is_no_next_page() {
    let server = MockServer::start().await;
    for page in 1..=2 {
        Mock::given(method("GET"))
            .and(path("/v1/events/"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [format!("e{page}")],
                "pagination": {"has_next_page": page < 2}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let fetches = AtomicUsize::new(0);
    let items = collect_all(paginate(1, |page| {
        fetches.fetch_add(1, Ordering::SeqCst);
        list_cursor_page(&client, page)
    }))
    .await
    .unwrap();
    assert_eq!(items, ["e1", "e2"]);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

/// The `limit` of every request the server saw.
async fn limits_sent(server: &MockServer) -> Vec<Option<String>> {
    common::received(server)
        .await
        .iter()
        .map(|request| {
            common::query_pairs(request)
                .into_iter()
                .find(|(key, _)| key == "limit")
                .map(|(_, value)| value)
        })
        .collect()
}

async fn one_empty_page(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [],
            "pagination": {"total_count": 0, "max_page": 0}
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn walking_every_page_asks_for_the_largest_pages_the_spec_states() {
    use futures_util::TryStreamExt;

    let server = MockServer::start().await;
    one_empty_page(&server).await;
    let client = client(&server);
    // The spec's `limit` says "Maximum is 100.".
    let streamed: Vec<_> = client
        .customers()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(streamed.is_empty());
    client.customers().list().collect_all().await.unwrap();
    // A single request keeps the server's default unless asked.
    client.customers().list().send().await.unwrap();
    assert_eq!(
        limits_sent(&server).await,
        [Some("100".to_owned()), Some("100".to_owned()), None]
    );
}

#[tokio::test]
async fn walking_every_page_keeps_the_callers_page_size() {
    let server = MockServer::start().await;
    one_empty_page(&server).await;
    let client = client(&server);
    client
        .customers()
        .list()
        .limit(7)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(limits_sent(&server).await, [Some("7".to_owned())]);
}
