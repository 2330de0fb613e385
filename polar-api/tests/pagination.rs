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

// ------------------------------------------- rate limits during a walk ---
//
// These run on a paused tokio clock, with a small HTTP server on
// 127.0.0.1 that is a task of the test's own runtime (wiremock answers
// from another thread, and a paused clock would jump to the client's
// timeout while it does): a `Retry-After: 60` then costs no time.

/// One answer of the raw server: status, extra headers, JSON body.
type Answer = (u16, Vec<(&'static str, String)>, serde_json::Value);

/// Serves `GET` requests on 127.0.0.1, answering each by `answer(page,
/// n)`, `n` counting the requests for that page from 0; the pages asked
/// for, in order, and the (paused-clock) time of each request are kept.
struct PageServer {
    url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<(i64, tokio::time::Instant)>>>,
}

impl PageServer {
    async fn start(answer: impl Fn(i64, usize) -> Answer + Send + Sync + 'static) -> PageServer {
        use std::sync::{Arc, Mutex};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<(i64, tokio::time::Instant)>>> = Arc::default();
        let answer = Arc::new(answer);
        let shared = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = Arc::clone(&shared);
                let answer = Arc::clone(&answer);
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                            match stream.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                            continue;
                        };
                        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                        buffer.drain(..end + 4);
                        let target = head.split(' ').nth(1).unwrap_or("");
                        let page: i64 = target
                            .split(['?', '&'])
                            .find_map(|pair| pair.strip_prefix("page="))
                            .and_then(|page| page.parse().ok())
                            .expect("a page number");
                        let n = {
                            let mut log = log.lock().unwrap();
                            let n = log.iter().filter(|(p, _)| *p == page).count();
                            log.push((page, tokio::time::Instant::now()));
                            n
                        };
                        let (status, headers, body) = answer(page, n);
                        let body = serde_json::to_vec(&body).unwrap();
                        let mut out = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                            body.len()
                        );
                        for (name, value) in headers {
                            out.push_str(&format!("{name}: {value}\r\n"));
                        }
                        out.push_str("\r\n");
                        let mut out = out.into_bytes();
                        out.extend_from_slice(&body);
                        if stream.write_all(&out).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        PageServer { url, log }
    }

    fn client(&self) -> Client {
        Client::builder()
            .token(common::TOKEN)
            .base_url(self.url.as_str())
            .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
            .build()
            .unwrap()
    }

    fn pages(&self) -> Vec<i64> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|(page, _)| *page)
            .collect()
    }

    /// The paused-clock time between the first two requests for `page`.
    fn gap(&self, page: i64) -> std::time::Duration {
        let times: Vec<_> = self
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| *p == page)
            .map(|(_, at)| *at)
            .collect();
        times[1] - times[0]
    }
}

/// Page `page` of three, two items each.
fn numbered_page(page: i64) -> Answer {
    let items: Vec<String> = (0..2).map(|i| format!("p{page}-{i}")).collect();
    (
        200,
        Vec::new(),
        json!({"items": items, "pagination": {"total_count": 6, "max_page": 3}}),
    )
}

fn rate_limited(retry_after: Option<u64>) -> Answer {
    let headers = retry_after
        .map(|seconds| vec![("retry-after", seconds.to_string())])
        .unwrap_or_default();
    (429, headers, json!({"detail": "Too many requests"}))
}

#[tokio::test(start_paused = true)]
async fn a_walk_waits_out_a_retry_after_longer_than_the_clients_max_delay() {
    // Polar's window is a minute; the client's `max_delay` is 30 s, so
    // the request gives up at once and hands the 429 to the walk.
    let server = PageServer::start(|page, n| match (page, n) {
        (2, 0) => rate_limited(Some(60)),
        _ => numbered_page(page),
    })
    .await;
    let client = server.client();
    let items = collect_all(paginate(1, |page| list_page(&client, page)))
        .await
        .unwrap();
    assert_eq!(items, ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]);
    assert_eq!(server.pages(), [1, 2, 2, 3]);
    // On the paused clock: the walk waited the minute it was asked to.
    assert!(server.gap(2) >= std::time::Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn a_walk_rate_limited_again_and_again_ends_with_the_429() {
    let server = PageServer::start(|page, _| match page {
        2 => rate_limited(Some(60)),
        _ => numbered_page(page),
    })
    .await;
    let client = server.client();
    let error = collect_all(paginate(1, |page| list_page(&client, page)))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    let asked_for_page_2 = server.pages().iter().filter(|&&p| p == 2).count();
    assert_eq!(
        asked_for_page_2 as u32,
        1 + polar_api::PAGE_WALK_MAX_RATE_LIMITED
    );
}

#[tokio::test(start_paused = true)]
async fn the_callers_timeout_bounds_a_walk_waiting_for_the_rate_limit() {
    let server = PageServer::start(|page, _| match page {
        2 => rate_limited(Some(60)),
        _ => numbered_page(page),
    })
    .await;
    let client = server.client();
    let walk = collect_all(paginate(1, |page| list_page(&client, page)));
    // Ends during the first minute's wait: page 2 asked for once.
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(30), walk).await;
    assert!(outcome.is_err(), "the timeout ended the walk");
    assert_eq!(server.pages(), [1, 2]);
}

#[tokio::test(start_paused = true)]
async fn a_429_without_retry_after_or_asking_too_much_ends_the_walk() {
    for retry_after in [None, Some(3600)] {
        let server = PageServer::start(move |page, _| match page {
            2 => rate_limited(retry_after),
            _ => numbered_page(page),
        })
        .await;
        let client = server.client();
        let error = collect_all(paginate(1, |page| list_page(&client, page)))
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(429), "{retry_after:?}");
        // Without Retry-After, the client's own retries (2) ran first.
        let expected: &[i64] = match retry_after {
            None => &[1, 2, 2, 2],
            Some(_) => &[1, 2],
        };
        assert_eq!(server.pages(), expected, "{retry_after:?}");
    }
}

// ------------------------------------------- a list that changes during ---

/// A list of `p0`, `p1`, ... in pages of two, newest first, to which
/// `new-a` is added at the front once page 1 has been served: page 2 then
/// starts with page 1's last item.
async fn a_list_growing_during_the_walk() -> PageServer {
    PageServer::start(|page, _| {
        let mut items: Vec<String> = (0..6).map(|i| format!("p{i}")).collect();
        if page > 1 {
            items.insert(0, "new-a".to_owned());
        }
        let start = ((page - 1) * 2) as usize;
        let slice: Vec<&String> = items.iter().skip(start).take(2).collect();
        let max_page = items.len().div_ceil(2);
        (
            200,
            Vec::new(),
            json!({"items": slice, "pagination": {"total_count": items.len(), "max_page": max_page}}),
        )
    })
    .await
}

#[tokio::test]
async fn a_walk_over_a_growing_list_repeats_an_item_and_dedup_by_key_drops_it() {
    let server = a_list_growing_during_the_walk().await;
    let client = server.client();
    let plain = collect_all(paginate(1, |page| list_page(&client, page)))
        .await
        .unwrap();
    // Inherent to page/limit: `p1` is on page 1 and again on page 2.
    assert_eq!(plain, ["p0", "p1", "p1", "p2", "p3", "p4", "p5"]);

    let server = a_list_growing_during_the_walk().await;
    let client = server.client();
    let unique = collect_all(polar_api::dedup_by_key(
        paginate(1, |page| list_page(&client, page)),
        |item: &String| item.clone(),
    ))
    .await
    .unwrap();
    assert_eq!(unique, ["p0", "p1", "p2", "p3", "p4", "p5"]);
}

// ------------------------------- the generated walks: Unpin, stream_unique ---

/// An individual customer of 2026-10 with the given id.
fn customer(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "created_at": "2026-01-02T03:04:05Z",
        "modified_at": null,
        "metadata": {},
        "external_id": null,
        "email": "ada@example.com",
        "email_verified": true,
        "type": "individual",
        "name": "Ada",
        "billing_name": null,
        "billing_address": null,
        "tax_id": null,
        "locale": null,
        "organization_id": "1d5c2e4f-8a3b-4c6d-9e7f-0a1b2c3d4e5f",
        "default_payment_method_id": null,
        "deleted_at": null,
        "first_user_event_at": null,
        "avatar_url": "https://example.com/a.png"
    })
}

const C1: &str = "00000000-0000-4000-8000-000000000001";
const C2: &str = "00000000-0000-4000-8000-000000000002";

/// Two pages of customers, the second starting with the first's last one
/// (a customer created during the walk), then two customers of a kind this
/// SDK does not know (no `id` it can read: never dropped).
async fn customers_with_a_repeat(server: &MockServer) {
    let pages = [
        json!([customer(C1), customer(C2)]),
        json!([customer(C2), {"type": "robot", "id": "r-1"}, {"type": "robot", "id": "r-1"}]),
    ];
    for (index, items) in pages.into_iter().enumerate() {
        Mock::given(method("GET"))
            .and(path("/v1/customers/"))
            .and(query_param("page", (index + 1).to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": items,
                "pagination": {"total_count": 5, "max_page": 2}
            })))
            .mount(server)
            .await;
    }
}

fn customer_id(customer: &polar_api::v2026_10::models::Customer) -> String {
    use polar_api::v2026_10::models::Customer;
    match customer {
        Customer::Individual(c) => c.id.to_string(),
        Customer::Team(c) => c.id.to_string(),
        _ => "unknown".to_owned(),
    }
}

/// The walks are `Unpin`: `try_next` on them as they are, with the traits
/// from `polar_api::prelude` (no `pin!`, no futures-util of one's own).
#[tokio::test]
async fn stream_unique_drops_repeats_by_id_and_keeps_items_without_one() {
    use polar_api::prelude::*;

    let server = MockServer::start().await;
    customers_with_a_repeat(&server).await;
    let client = client(&server);

    let mut all = Vec::new();
    let mut customers = client.customers().list().stream();
    while let Some(customer) = customers.try_next().await.unwrap() {
        all.push(customer_id(&customer));
    }
    assert_eq!(all, [C1, C2, C2, "unknown", "unknown"]);

    let mut unique = Vec::new();
    let mut customers = client.customers().list().stream_unique();
    while let Some(customer) = customers.try_next().await.unwrap() {
        unique.push(customer_id(&customer));
    }
    assert_eq!(unique, [C1, C2, "unknown", "unknown"]);

    // `collect_all` keeps the repeat, as its docs say.
    let collected = client.customers().list().collect_all().await.unwrap();
    assert_eq!(collected.len(), 5);
}

/// An error still ends a deduplicated walk, once.
#[tokio::test]
async fn stream_unique_passes_errors_on() {
    use polar_api::prelude::*;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "no"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let results: Vec<_> = client.customers().list().stream_unique().collect().await;
    assert_eq!(results.len(), 1);
    assert!(results[0].as_ref().unwrap_err().is_forbidden());
}
