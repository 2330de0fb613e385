//! A mock of `POST /v1/events/ingest` on 127.0.0.1 (wiremock) that keeps a
//! ledger by `external_id`, as the server does: an id seen before is a
//! duplicate, not inserted again. It can fail requests on a fixed pattern
//! (503, 429 + `Retry-After: 0`, an answer slower than the client's
//! timeout), refuse events with a 422, or be "down" (503) until opened.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use polar_api::ingest::{Failure, Ingestor};
use polar_api::v2026_10::Client;
use polar_api::RetryConfig;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// How long a whole ingest test may take before it is failed as hung
/// (generous: a slow CI machine must never trip it).
pub const TEST_LIMIT: Duration = Duration::from_secs(180);
/// How long one awaited step (a flush, a shutdown, the mock getting its
/// events) may take before the test fails naming it.
pub const WAIT_LIMIT: Duration = Duration::from_secs(60);

/// Runs a test body, failing it (instead of hanging the test run) when it
/// has not finished within [`TEST_LIMIT`].
pub async fn guarded<F: Future>(test: &str, body: F) -> F::Output {
    match tokio::time::timeout(TEST_LIMIT, body).await {
        Ok(output) => output,
        Err(_) => panic!("hung: the test `{test}` did not finish within {TEST_LIMIT:?}"),
    }
}

/// Awaits `future`, failing the test with `what` was awaited when it has
/// not finished within [`WAIT_LIMIT`].
pub async fn within<F: Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(WAIT_LIMIT, future).await {
        Ok(output) => output,
        Err(_) => panic!("hung: still waiting for {what} after {WAIT_LIMIT:?}"),
    }
}

/// Polls `done` every few milliseconds until it holds, failing the test
/// with `what` after [`WAIT_LIMIT`].
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    within(what, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}

/// A token distinctive enough to search for in any output.
pub const TOKEN: &str = "polar_oat_InGeSt_SeCrEt_71c2";

/// Which requests fail, by their number (0-based), out of every 20.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    /// Request numbers (mod 20) answered 503.
    pub unavailable: &'static [u64],
    /// Request numbers (mod 20) answered 429 with `Retry-After:
    /// <retry_after>` (seconds; 0 by default).
    pub rate_limited: &'static [u64],
    pub retry_after: u64,
    /// A request with more events than this is answered 413.
    pub max_events: Option<usize>,
    /// Request numbers (mod 20) processed, but answered after `slow_by`.
    pub slow: &'static [u64],
    pub slow_by: Duration,
}

/// 30 % 503, 10 % 429, 5 % slower than a 300 ms timeout.
pub const CHAOS: Faults = Faults {
    unavailable: &[0, 3, 6, 9, 12, 15],
    rate_limited: &[1, 11],
    retry_after: 0,
    max_events: None,
    slow: &[4],
    slow_by: Duration::from_millis(1500),
};

/// How the mock refuses events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refuse {
    /// Never.
    Nothing,
    /// Events named `bad`, each named by its index (`loc`).
    Located,
    /// Events named `bad`, with a `loc` that names no event.
    Unlocated,
    /// Events named `bad`, each with an index beyond the batch.
    OutOfRange,
    /// A batch with an event named `bad`, with a `detail` that is a string.
    Opaque,
}

#[derive(Debug, Default)]
pub struct Ledger {
    /// Times each `external_id` was inserted (must be 1).
    pub inserted_by_id: HashMap<String, u32>,
    /// The event as first inserted, by `external_id`.
    pub events: HashMap<String, Value>,
    /// Totals over every processed request.
    pub inserted: u64,
    pub duplicates: u64,
    /// Totals over the answers the client could read (not the slow ones).
    pub inserted_answered: u64,
    pub duplicates_answered: u64,
    pub requests: u64,
    pub statuses: HashMap<u16, u64>,
    /// Every request's `Polar-Version` and `Authorization`.
    pub versions: Vec<String>,
    pub authorizations: Vec<String>,
    /// When each request arrived.
    pub arrivals: Vec<Instant>,
    /// Events that came without an `external_id` (each stored under a key
    /// of its own, as the server would store it again on every resend).
    pub missing_ids: u64,
    /// The most requests the mock held at once: a request is held from
    /// its arrival until its (delayed) answer is due.
    pub max_concurrent: usize,
    /// When the answers of the requests held now are due.
    held_until: Vec<Instant>,
}

impl Ledger {
    pub fn distinct(&self) -> usize {
        self.inserted_by_id.len()
    }
}

#[derive(Clone)]
pub struct IngestMock {
    pub server: Arc<MockServer>,
    ledger: Arc<Mutex<Ledger>>,
    down: Arc<AtomicBool>,
    faults: Faults,
    refuse: Refuse,
    status: Option<u16>,
    /// Every answer (of every kind) is delayed this much.
    answer_delay: Duration,
}

impl IngestMock {
    pub async fn start(faults: Faults, refuse: Refuse) -> IngestMock {
        Self::start_with(faults, refuse, None).await
    }

    /// A mock answering every request with `status` (and an empty JSON
    /// object).
    pub async fn answering(status: u16) -> IngestMock {
        Self::start_with(Faults::default(), Refuse::Nothing, Some(status)).await
    }

    /// A healthy mock that answers every request after `delay`, so that
    /// requests sent together overlap and [`Ledger::max_concurrent`] counts
    /// them.
    pub async fn answering_after(delay: Duration) -> IngestMock {
        let mut mock = Self::unmounted(Faults::default(), Refuse::Nothing, None).await;
        mock.answer_delay = delay;
        mock.mount().await;
        mock
    }

    async fn start_with(faults: Faults, refuse: Refuse, status: Option<u16>) -> IngestMock {
        let mock = Self::unmounted(faults, refuse, status).await;
        mock.mount().await;
        mock
    }

    async fn unmounted(faults: Faults, refuse: Refuse, status: Option<u16>) -> IngestMock {
        let server = MockServer::start().await;
        assert!(server.address().ip().is_loopback());
        IngestMock {
            server: Arc::new(server),
            ledger: Arc::default(),
            down: Arc::default(),
            faults,
            refuse,
            status,
            answer_delay: Duration::ZERO,
        }
    }

    async fn mount(&self) {
        Mock::given(method("POST"))
            .and(path("/v1/events/ingest"))
            .respond_with(self.clone())
            .mount(&self.server)
            .await;
    }

    /// While down, every request gets a 503 and nothing is stored.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    pub fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap()
    }

    /// A client for the mock: `timeout` per attempt, fast backoff.
    pub fn client(&self, timeout: Duration) -> Client {
        client_for(&self.server.uri(), timeout)
    }

    /// Polls until the mock stored `n` distinct events (a guard against a
    /// hang, not a speed check: it gives up after [`WAIT_LIMIT`]).
    pub async fn wait_for(&self, n: usize) {
        let started = Instant::now();
        while self.ledger().distinct() < n {
            if started.elapsed() > WAIT_LIMIT {
                panic!(
                    "hung: the mock never got {n} events: {} after {WAIT_LIMIT:?}",
                    self.ledger().distinct()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn client_for(base_url: &str, timeout: Duration) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .timeout(timeout)
        .retry(
            RetryConfig::default()
                .initial_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

/// A base URL where nothing listens.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

fn header(request: &wiremock::Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

impl Respond for IngestMock {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut ledger = self.ledger.lock().unwrap();
        let number = ledger.requests;
        ledger.requests += 1;
        ledger.versions.push(header(request, "polar-version"));
        ledger.authorizations.push(header(request, "authorization"));
        ledger.arrivals.push(Instant::now());
        let (status, mut template, delay) = self.answer(&mut ledger, number, &request.body);
        *ledger.statuses.entry(status).or_default() += 1;
        let delay = delay.max(self.answer_delay);
        // wiremock sends the answer `delay` after this returns: until then
        // the request is held.
        let now = Instant::now();
        ledger.held_until.retain(|&due| due > now);
        ledger.max_concurrent = ledger.max_concurrent.max(ledger.held_until.len() + 1);
        if !delay.is_zero() {
            ledger.held_until.push(now + delay);
            template = template.set_delay(delay);
        }
        template
    }
}

impl IngestMock {
    /// The status, the answer, and how long to hold it back.
    fn answer(
        &self,
        ledger: &mut Ledger,
        number: u64,
        body: &[u8],
    ) -> (u16, ResponseTemplate, Duration) {
        let now = Duration::ZERO;
        if let Some(status) = self.status {
            return (
                status,
                ResponseTemplate::new(status).set_body_json(json!({})),
                now,
            );
        }
        let slot = number % 20;
        if self.down.load(Ordering::SeqCst) || self.faults.unavailable.contains(&slot) {
            return (
                503,
                ResponseTemplate::new(503).set_body_json(json!({"detail": "down"})),
                now,
            );
        }
        if self.faults.rate_limited.contains(&slot) {
            let template = ResponseTemplate::new(429)
                .insert_header("retry-after", self.faults.retry_after.to_string().as_str())
                .set_body_json(json!({"detail": "Too many requests"}));
            return (429, template, now);
        }
        let body: Value = serde_json::from_slice(body).expect("a JSON body");
        let events = body["events"].as_array().expect("an events list").clone();
        if self.faults.max_events.is_some_and(|max| events.len() > max) {
            let template = ResponseTemplate::new(413)
                .set_body_json(json!({"detail": "Request Entity Too Large"}));
            return (413, template, now);
        }
        if self.refuse != Refuse::Nothing {
            let detail: Vec<Value> = events
                .iter()
                .enumerate()
                .filter(|(_, event)| event["name"] == "bad")
                .map(|(i, _)| {
                    let loc = match self.refuse {
                        Refuse::Located => {
                            json!(["body", "events", i, "EventCreateExternalCustomer", "name"])
                        }
                        Refuse::OutOfRange => json!(["body", "events", i + events.len(), "name"]),
                        _ => json!(["body"]),
                    };
                    json!({"loc": loc, "msg": "bad is not an event name", "type": "value_error", "input": "bad"})
                })
                .collect();
            if !detail.is_empty() {
                let detail = match self.refuse {
                    Refuse::Opaque => json!("bad is not an event name"),
                    _ => json!(detail),
                };
                let template =
                    ResponseTemplate::new(422).set_body_json(json!({ "detail": detail }));
                return (422, template, now);
            }
        }
        let (mut inserted, mut duplicates) = (0, 0);
        for event in events {
            let id = match event["external_id"].as_str() {
                Some(id) => id.to_owned(),
                None => {
                    // Stored anew each time, as the server would.
                    ledger.missing_ids += 1;
                    format!("(no external_id #{})", ledger.missing_ids)
                }
            };
            let count = ledger.inserted_by_id.entry(id.clone()).or_insert(0);
            if *count == 0 {
                *count = 1;
                inserted += 1;
                ledger.events.insert(id, event);
            } else {
                duplicates += 1;
            }
        }
        ledger.inserted += inserted;
        ledger.duplicates += duplicates;
        let template = ResponseTemplate::new(200)
            .set_body_json(json!({"inserted": inserted, "duplicates": duplicates}));
        if self.faults.slow.contains(&slot) {
            (200, template, self.faults.slow_by)
        } else {
            ledger.inserted_answered += inserted;
            ledger.duplicates_answered += duplicates;
            (200, template, now)
        }
    }
}

/// An `on_failure` callback, boxed.
pub type Sink = Box<dyn Fn(Failure) + Send + Sync + 'static>;

/// Failures handed to `on_failure`, collected.
pub fn collector() -> (
    Arc<Mutex<Vec<Failure>>>,
    impl Fn(Failure) + Send + Sync + 'static,
) {
    let failures = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&failures);
    (failures, move |failure| sink.lock().unwrap().push(failure))
}

/// A healthy mock and an ingestor whose batches wait for `flush` (or
/// shutdown, or the last handle's drop).
pub async fn healthy_waiting() -> (IngestMock, Ingestor) {
    let mock = IngestMock::start(Faults::default(), Refuse::Nothing).await;
    let ingestor = mock
        .client(Duration::from_secs(10))
        .ingestor()
        .max_delay(Duration::from_secs(3600))
        .start()
        .unwrap();
    (mock, ingestor)
}
