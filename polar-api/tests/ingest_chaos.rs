//! The ingestor's promise, checked as an accounting identity under chaos.
//!
//! Each seed starts a mock of `POST /v1/events/ingest` on 127.0.0.1 (a
//! plain HTTP/1.1 server over tokio's TCP, so that it can close a
//! connection in the middle of an answer) that answers at random: 30 %
//! `503`, 10 % `429` with a `Retry-After` of 0, 1, 3 or 60 s, 5 % no answer
//! before the client's timeout, 5 % a connection closed in the middle of
//! the answer, and a `422` naming the events called `bad` (2 % of them;
//! a quarter of those answers name no event, so that the ingestor has to
//! bisect). The mock keeps a ledger by `external_id`, as the server does:
//! an id it has stored is never stored again, only counted as a duplicate.
//! An answer lost to a timeout or a closed connection is lost *after* the
//! mock stored the events, as it happens with a real server.
//!
//! Producers record the seed's events (`record`, sometimes `try_record`)
//! with an ingestor whose settings are drawn from the seed too (batch
//! size, delay, queue capacity, requests in flight, rate limit, retry
//! window, with or without `on_failure`), and at a random point one of four
//! endings happens: a graceful `shutdown()`, `shutdown_within` a short
//! deadline, the last handle dropped, or the runtime dropped. Then every
//! event whose `record` returned `Ok` must be exactly one of:
//!
//! * **inserted** at the mock (once: the mock stores an id once), and not
//!   reported;
//! * **refused**: reported once with [`FailureReason::Refused`], never
//!   stored, and one of the `bad` events;
//! * **reported undelivered**: reported once (to `on_failure`, by
//!   `take_failures`, or in the `ShutdownReport`) with another reason.
//!
//! No id is reported twice, nothing is reported or stored that was not
//! recorded, and no recorded id is missing. One overlap is allowed, and
//! counted apart: an event **stored and also reported undelivered**. It
//! is the at-least-once case: the server stored a request whose answer
//! the ingestor never read. It is accepted only when the ingestor cannot
//! have known: the report says the request was cut short (the shutdown
//! deadline, the runtime's end), or the retry window ran out after an
//! answer the mock lost. Such an event is safe to record again: the
//! server skips an `external_id` it has stored. Likewise a duplicate at
//! the mock must follow a lost answer for the same id.
//!
//! Every seed runs on a paused tokio clock (a `Retry-After: 60` costs no
//! time). `cargo test` runs seeds 0..200 with 1,000 events each;
//! `benches/scripts/ingest-chaos.sh` runs more (`INGEST_CHAOS_SEEDS=a..b`,
//! `INGEST_CHAOS_EVENTS=n`), see BENCHMARKS.md. The totals are printed
//! (`--nocapture`).

mod ingest_support;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ingest_support::client_for;
use polar_api::ingest::{Event, EventCustomer, Failure, FailureReason, Ingestor, RecordError};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ------------------------------------------------------------ the rng ---

/// SplitMix64: small, seedable, good enough to draw faults with.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        rng.next();
        rng
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

// ------------------------------------------------------------ the log ---

/// `error` events of target `polar_api::ingest` naming one event: its
/// `external_id` and `reason`. Without `on_failure`, a failure that finds
/// the kept list full goes there (and into `Stats::failures_overflowed`).
static LOGGED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

struct LogRecorder;

#[derive(Default)]
struct Fields {
    external_id: Option<String>,
    reason: Option<String>,
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.record_debug(field, &value);
        match field.name() {
            "external_id" => self.external_id = Some(value.to_owned()),
            "reason" => self.reason = Some(value.to_owned()),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "reason" && self.reason.is_none() {
            self.reason = Some(format!("{value:?}"));
        }
    }
}

impl tracing::Subscriber for LogRecorder {
    fn enabled(&self, meta: &tracing::Metadata<'_>) -> bool {
        *meta.level() == tracing::Level::ERROR && meta.target().starts_with("polar_api::ingest")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(id) = fields.external_id.filter(|id| !id.is_empty()) {
            let reason = fields.reason.unwrap_or_default();
            LOGGED
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((id, reason));
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn capture_logs() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        tracing::subscriber::set_global_default(LogRecorder).expect("the only global subscriber");
    });
}

/// The `(external_id, reason)` of each logged failure of seed `seed`.
fn logged_failures(seed: u64) -> Vec<(String, String)> {
    let prefix = format!("s{seed}-e");
    LOGGED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|(id, _)| id.starts_with(&prefix))
        .cloned()
        .collect()
}

// ----------------------------------------------------------- the mock ---

/// How many answers of each kind the mock gave.
#[derive(Clone, Copy, Debug, Default)]
struct Faults {
    ok: u64,
    unavailable: u64,
    rate_limited: u64,
    timed_out: u64,
    closed: u64,
    refused_located: u64,
    refused_unlocated: u64,
}

impl Faults {
    fn add(&mut self, other: &Faults) {
        self.ok += other.ok;
        self.unavailable += other.unavailable;
        self.rate_limited += other.rate_limited;
        self.timed_out += other.timed_out;
        self.closed += other.closed;
        self.refused_located += other.refused_located;
        self.refused_unlocated += other.refused_unlocated;
    }
    fn requests(&self) -> u64 {
        self.ok
            + self.unavailable
            + self.rate_limited
            + self.timed_out
            + self.closed
            + self.refused_located
            + self.refused_unlocated
    }
}

#[derive(Debug, Default)]
struct Ledger {
    /// Ids stored (each once).
    stored: HashSet<String>,
    /// Ids sent again after they were stored.
    duplicates: u64,
    /// Duplicates of an id whose earlier answers the mock had all given.
    unexplained_duplicates: Vec<String>,
    /// Ids that were in a request whose answer the mock lost.
    lost: HashSet<String>,
    faults: Faults,
}

struct Mock {
    url: String,
    ledger: Arc<Mutex<Ledger>>,
}

/// What the mock does with one request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Unavailable,
    RateLimited(u64),
    /// Processed, then no answer before the client gives up.
    Silent,
    /// Processed, then the connection is closed after `n` bytes of the
    /// answer.
    Cut(usize),
    /// Processed and answered.
    None,
}

impl Mock {
    /// `real`: on a real clock, where waits cost time: no silent answers
    /// (a closed connection instead) and no `Retry-After` but 0.
    async fn start(seed: u64, client_timeout: Duration, real: bool) -> Mock {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        assert!(address.ip().is_loopback());
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let rng = Arc::new(Mutex::new(Rng::new(seed, 1)));
        let shared = Arc::clone(&ledger);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let ledger = Arc::clone(&shared);
                let rng = Arc::clone(&rng);
                tokio::spawn(serve(stream, ledger, rng, client_timeout, real));
            }
        });
        Mock {
            url: format!("http://{address}"),
            ledger,
        }
    }
}

/// Serves the requests of one connection (HTTP/1.1, keep-alive).
async fn serve(
    mut stream: TcpStream,
    ledger: Arc<Mutex<Ledger>>,
    rng: Arc<Mutex<Rng>>,
    client_timeout: Duration,
    real: bool,
) {
    let mut buffer = Vec::new();
    while let Some(body) = read_request(&mut stream, &mut buffer).await {
        let (fault, unlocated) = {
            let mut rng = rng.lock().unwrap();
            let roll = rng.below(100);
            let fault = match roll {
                0..=29 => Fault::Unavailable,
                30..=39 if real => Fault::RateLimited(0),
                30..=39 => Fault::RateLimited(rng.pick(&[0, 1, 3, 60])),
                40..=44 if real => Fault::Cut(rng.below(80) as usize),
                40..=44 => Fault::Silent,
                45..=49 => Fault::Cut(rng.below(80) as usize),
                _ => Fault::None,
            };
            (fault, rng.chance(25))
        };
        let answer = {
            let mut ledger = ledger.lock().unwrap();
            answer(&mut ledger, fault, unlocated, &body)
        };
        let Some(answer) = answer else {
            // The client has given up on this request before the answer:
            // hold the connection past its timeout, then close it.
            tokio::time::sleep(client_timeout * 3).await;
            return;
        };
        match fault {
            Fault::Cut(n) => {
                let _ = stream.write_all(&answer[..n.min(answer.len())]).await;
                let _ = stream.shutdown().await;
                return;
            }
            _ => {
                if stream.write_all(&answer).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The answer to one request (none for a silent one), after updating the
/// ledger as the server would.
fn answer(ledger: &mut Ledger, fault: Fault, unlocated: bool, body: &[u8]) -> Option<Vec<u8>> {
    match fault {
        Fault::Unavailable => {
            ledger.faults.unavailable += 1;
            return Some(http(503, &[], &json!({"detail": "Service Unavailable"})));
        }
        Fault::RateLimited(seconds) => {
            ledger.faults.rate_limited += 1;
            let retry_after = seconds.to_string();
            return Some(http(
                429,
                &[("retry-after", &retry_after)],
                &json!({"detail": "Too many requests"}),
            ));
        }
        Fault::Silent => ledger.faults.timed_out += 1,
        Fault::Cut(_) => ledger.faults.closed += 1,
        Fault::None => {}
    }
    let lost = !matches!(fault, Fault::None);
    let body: Value = serde_json::from_slice(body).expect("a JSON body");
    let events = body["events"].as_array().expect("an events list");
    let ids: Vec<String> = events
        .iter()
        .map(|event| {
            event["external_id"]
                .as_str()
                .expect("every event has an external_id")
                .to_owned()
        })
        .collect();
    let bad: Vec<usize> = (0..events.len())
        .filter(|&i| events[i]["name"] == "bad")
        .collect();
    if lost {
        ledger.lost.extend(ids.iter().cloned());
    }
    let answer = if !bad.is_empty() {
        // Nothing is stored: the request is invalid.
        if !lost {
            if unlocated {
                ledger.faults.refused_unlocated += 1;
            } else {
                ledger.faults.refused_located += 1;
            }
        }
        let detail: Vec<Value> = bad
            .iter()
            .map(|&i| {
                let loc = if unlocated {
                    json!(["body"])
                } else {
                    json!(["body", "events", i, "EventCreateExternalCustomer", "name"])
                };
                json!({"loc": loc, "msg": "bad is not an event name", "type": "value_error"})
            })
            .collect();
        http(422, &[], &json!({ "detail": detail }))
    } else {
        if !lost {
            ledger.faults.ok += 1;
        }
        let (mut inserted, mut duplicates) = (0, 0);
        for id in ids {
            if ledger.stored.contains(&id) {
                duplicates += 1;
                ledger.duplicates += 1;
                if !ledger.lost.contains(&id) {
                    ledger.unexplained_duplicates.push(id);
                }
            } else {
                inserted += 1;
                ledger.stored.insert(id);
            }
        }
        http(
            200,
            &[],
            &json!({"inserted": inserted, "duplicates": duplicates}),
        )
    };
    match fault {
        Fault::Silent => None,
        _ => Some(answer),
    }
}

fn http(status: u16, headers: &[(&str, &str)], body: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(body).unwrap();
    let reason = match status {
        200 => "OK",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        _ => "Service Unavailable",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut answer = head.into_bytes();
    answer.extend_from_slice(&body);
    answer
}

/// Reads one request (headers, then `content-length` bytes of body) and
/// returns its body; `None` when the connection ends.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map(|value| value.trim().parse().expect("a content-length"))
                .expect("requests with a content-length");
            let start = end + 4;
            while buffer.len() < start + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = buffer[start..start + length].to_vec();
            buffer.drain(..start + length);
            return Some(body);
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

// ----------------------------------------------------------- the plan ---

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ending {
    /// `shutdown()`, with a deadline long enough to deliver everything.
    Shutdown,
    /// `shutdown_within(deadline)`.
    ShutdownWithin(Duration),
    /// Producers stop and every handle is dropped; the task drains within
    /// its `shutdown_timeout`.
    LastHandleDropped,
    /// The runtime is dropped with everything running.
    RuntimeDropped,
}

/// What a seed does.
#[derive(Clone, Debug)]
struct Plan {
    events: usize,
    producers: usize,
    ending: Ending,
    /// The ending comes once this many events were offered.
    point: usize,
    max_batch_size: usize,
    max_delay: Duration,
    queue_capacity: usize,
    max_in_flight: usize,
    rate_limit: bool,
    retry_for: Duration,
    shutdown_timeout: Duration,
    attempt_timeout: Duration,
    callback: bool,
    /// On a two-worker runtime and the real clock, instead of a
    /// current-thread runtime on a paused clock: the runtime's end drops
    /// the tasks on its worker threads, producers and the ingestor run in
    /// parallel. Waits are kept short (see [`Plan::real`]).
    real: bool,
}

const SHORT: [Duration; 6] = [
    Duration::ZERO,
    Duration::from_millis(1),
    Duration::from_millis(10),
    Duration::from_millis(50),
    Duration::from_millis(200),
    Duration::from_secs(1),
];

impl Plan {
    fn new(seed: u64, events: usize) -> Plan {
        let mut rng = Rng::new(seed, 0);
        let ending = match rng.below(4) {
            0 => Ending::Shutdown,
            1 => Ending::ShutdownWithin(rng.pick(&SHORT)),
            2 => Ending::LastHandleDropped,
            _ => Ending::RuntimeDropped,
        };
        let graceful = ending == Ending::Shutdown;
        Plan {
            events,
            producers: 1 + rng.below(4) as usize,
            ending,
            point: rng.below(events as u64 + 1) as usize,
            max_batch_size: rng.pick(&[1, 7, 50, 200, 1000]),
            max_delay: rng.pick(&[
                Duration::from_millis(1),
                Duration::from_millis(10),
                Duration::from_millis(100),
            ]),
            queue_capacity: rng.pick(&[10, 100, 2000, 100_000]),
            max_in_flight: 1 + rng.below(4) as usize,
            rate_limit: rng.chance(50),
            // A graceful shutdown is given all the time it needs: then
            // everything must be delivered.
            retry_for: if graceful {
                Duration::from_secs(3600)
            } else {
                rng.pick(&[
                    Duration::from_millis(300),
                    Duration::from_secs(2),
                    Duration::from_secs(600),
                ])
            },
            shutdown_timeout: if graceful {
                Duration::from_secs(24 * 3600)
            } else {
                rng.pick(&SHORT)
            },
            attempt_timeout: Duration::from_millis(200),
            // Without a callback, failures of the last two endings would
            // only be logged.
            callback: match ending {
                Ending::Shutdown | Ending::ShutdownWithin(_) => rng.chance(50),
                _ => true,
            },
            real: false,
        }
        .real(&mut rng)
    }

    /// One seed in seven runs on the real clock, with what would take
    /// real time cut down: batches of 50 or more, no rate limit of the
    /// ingestor's own, deadlines and windows of at most 2 s, an attempt
    /// timeout that is only a hang guard (the mock never stays silent).
    fn real(mut self, rng: &mut Rng) -> Plan {
        if !rng.chance(14) {
            return self;
        }
        let short = |rng: &mut Rng| rng.pick(&SHORT[..5]);
        self.real = true;
        self.max_batch_size = rng.pick(&[50, 200, 1000]);
        self.max_delay = self.max_delay.min(Duration::from_millis(10));
        self.rate_limit = false;
        self.attempt_timeout = Duration::from_secs(30);
        if self.ending != Ending::Shutdown {
            self.retry_for = rng.pick(&[Duration::from_millis(300), Duration::from_secs(2)]);
            self.shutdown_timeout = short(rng);
        }
        if let Ending::ShutdownWithin(_) = self.ending {
            self.ending = Ending::ShutdownWithin(short(rng));
        }
        self
    }
}

// ---------------------------------------------------------- the books ---

/// What the producers and the failure channels saw.
#[derive(Default)]
struct Book {
    /// Ids whose `record`/`try_record` returned `Ok`.
    recorded: Mutex<HashSet<String>>,
    /// Ids of the `bad` events.
    bad: Mutex<HashSet<String>>,
    offered: AtomicUsize,
    handed_back_full: AtomicUsize,
    handed_back_closed: AtomicUsize,
    /// Every failure reported, however.
    failures: Mutex<Vec<Failure>>,
    producers_done: AtomicUsize,
    /// Woken at each offer and each producer's end.
    progress: tokio::sync::Notify,
    flushes_checked: AtomicUsize,
    /// What the producers' checks found.
    problems: Mutex<Vec<String>>,
}

/// The totals of one or more seeds.
#[derive(Clone, Debug, Default)]
struct Totals {
    seeds: u64,
    /// Seeds on the real clock and two workers.
    real: u64,
    endings: [u64; 4],
    offered: u64,
    handed_back: u64,
    recorded: u64,
    inserted: u64,
    refused: u64,
    undelivered: u64,
    /// Stored at the mock and reported undelivered (an answer lost).
    stored_and_reported: u64,
    /// Reported in the error log (the kept list was full).
    logged: u64,
    /// `flush()` calls after which everything recorded before was checked
    /// stored or reported.
    flushes: u64,
    by_reason: HashMap<&'static str, u64>,
    duplicates: u64,
    faults: Faults,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.seeds += other.seeds;
        self.real += other.real;
        for i in 0..4 {
            self.endings[i] += other.endings[i];
        }
        self.offered += other.offered;
        self.handed_back += other.handed_back;
        self.recorded += other.recorded;
        self.inserted += other.inserted;
        self.refused += other.refused;
        self.undelivered += other.undelivered;
        self.stored_and_reported += other.stored_and_reported;
        self.logged += other.logged;
        self.flushes += other.flushes;
        for (reason, n) in &other.by_reason {
            *self.by_reason.entry(reason).or_default() += n;
        }
        self.duplicates += other.duplicates;
        self.faults.add(&other.faults);
    }
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [shutdown, within, dropped, runtime] = self.endings;
        writeln!(
            f,
            "seeds {} (shutdown {shutdown}, shutdown_within {within}, last handle dropped {dropped}, runtime dropped {runtime}; {} on the real clock and two workers)",
            self.seeds, self.real
        )?;
        writeln!(
            f,
            "events offered {}, handed back by record/try_record {}, recorded {}",
            self.offered, self.handed_back, self.recorded
        )?;
        writeln!(
            f,
            "recorded = inserted {} + refused {} + reported undelivered {} (of which stored too, answer lost: {})",
            self.inserted, self.refused, self.undelivered, self.stored_and_reported
        )?;
        let mut reasons: Vec<_> = self.by_reason.iter().collect();
        reasons.sort();
        writeln!(
            f,
            "reported undelivered by reason: {reasons:?}; failures (refused or not) reported in the error log because the kept list was full: {}",
            self.logged
        )?;
        writeln!(
            f,
            "duplicates at the mock: {}; flushes checked: {}",
            self.duplicates, self.flushes
        )?;
        let faults = &self.faults;
        write!(
            f,
            "requests {}: 200 {}, 503 {}, 429 {}, timed out {}, closed mid-answer {}, 422 naming events {}, 422 naming none {}",
            faults.requests(),
            faults.ok,
            faults.unavailable,
            faults.rate_limited,
            faults.timed_out,
            faults.closed,
            faults.refused_located,
            faults.refused_unlocated
        )
    }
}

/// How a failure was reported.
#[derive(Clone, Copy, Debug)]
enum Reported<'a> {
    /// To `on_failure`, by `take_failures` or in the shutdown report.
    Handed(&'a FailureReason),
    /// In an `error` log, with this reason.
    Logged(&'a str),
}

/// What a reported failure says about the server's side.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Refused by a 422: never stored.
    Refused,
    /// Cut short while a request may have been running (the shutdown
    /// deadline, the runtime's end): may be stored.
    CutShort,
    /// The retry window ran out: stored only if an answer was lost.
    Exhausted,
    /// Anything else: never stored.
    Other,
}

impl Reported<'_> {
    fn kind(&self) -> Kind {
        match self {
            Reported::Handed(reason) => match reason {
                FailureReason::Refused(_) => Kind::Refused,
                FailureReason::ShutdownDeadline { .. } | FailureReason::RuntimeShutdown => {
                    Kind::CutShort
                }
                FailureReason::RetriesExhausted { .. } => Kind::Exhausted,
                _ => Kind::Other,
            },
            // The `Display` of the reason.
            Reported::Logged(reason) => {
                if reason.starts_with("refused") {
                    Kind::Refused
                } else if reason.starts_with("gave up after") {
                    Kind::Exhausted
                } else if reason.contains("shutdown deadline")
                    || reason.contains("task was dropped")
                {
                    Kind::CutShort
                } else {
                    Kind::Other
                }
            }
        }
    }
    fn is_refusal(&self) -> bool {
        self.kind() == Kind::Refused
    }
    fn name(&self) -> &'static str {
        match self {
            Reported::Handed(reason) => reason_name(reason),
            Reported::Logged(_) => "(logged)",
        }
    }
}

impl fmt::Display for Reported<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reported::Handed(reason) => write!(f, "{reason}"),
            Reported::Logged(reason) => write!(f, "logged: {reason}"),
        }
    }
}

fn reason_name(reason: &FailureReason) -> &'static str {
    match reason {
        FailureReason::Refused(_) => "Refused",
        FailureReason::Rejected(_) => "Rejected",
        FailureReason::RetriesExhausted { .. } => "RetriesExhausted",
        FailureReason::ShutdownDeadline { .. } => "ShutdownDeadline",
        FailureReason::NotRecorded => "NotRecorded",
        FailureReason::QueueFull => "QueueFull",
        FailureReason::RuntimeShutdown => "RuntimeShutdown",
        _ => "other",
    }
}

// -------------------------------------------------------- one seed run ---

/// What a producer needs besides its events.
struct Producer {
    ingestor: Ingestor,
    book: Arc<Book>,
    stop: Arc<tokio::sync::watch::Sender<bool>>,
    rng: Rng,
    seed: u64,
    ledger: Arc<Mutex<Ledger>>,
}

async fn produce(producer: Producer, events: Vec<(String, bool)>) {
    let Producer {
        ingestor,
        book,
        stop,
        mut rng,
        seed,
        ledger,
    } = producer;
    for (id, bad) in events {
        if *stop.borrow() {
            break;
        }
        let name = if bad { "bad" } else { "api.call" };
        let event = Event::new(name, EventCustomer::external("customer")).external_id(id.clone());
        book.offered.fetch_add(1, Ordering::SeqCst);
        book.progress.notify_one();
        let result = if rng.chance(10) {
            ingestor.try_record(event)
        } else {
            ingestor.record(event).await
        };
        match result {
            Ok(()) => {
                book.recorded.lock().unwrap().insert(id.clone());
                if bad {
                    book.bad.lock().unwrap().insert(id);
                }
            }
            Err(RecordError::Full(back)) => {
                assert_eq!(back.get_external_id(), Some(id.as_str()));
                book.handed_back_full.fetch_add(1, Ordering::SeqCst);
            }
            Err(RecordError::Closed(back)) => {
                assert_eq!(back.get_external_id(), Some(id.as_str()));
                book.handed_back_closed.fetch_add(1, Ordering::SeqCst);
                break;
            }
        }
        if rng.below(1000) < 3 {
            check_flush(&ingestor, &book, seed, &ledger).await;
        }
        if rng.chance(10) {
            tokio::time::sleep(Duration::from_micros(rng.below(3000))).await;
        } else if rng.chance(30) {
            tokio::task::yield_now().await;
        }
    }
    book.producers_done.fetch_add(1, Ordering::SeqCst);
    book.progress.notify_one();
}

/// `flush()`, then: every event recorded before it (by any producer) is
/// stored at the mock or reported, unless the ingestor was shut down
/// meanwhile (then `flush` returns at once).
async fn check_flush(ingestor: &Ingestor, book: &Book, seed: u64, ledger: &Mutex<Ledger>) {
    let before: Vec<String> = book.recorded.lock().unwrap().iter().cloned().collect();
    ingestor.flush().await;
    if ingestor.is_closed() {
        return;
    }
    let mut failures = book.failures.lock().unwrap();
    failures.extend(ingestor.take_failures());
    let mut reported: HashSet<String> = failures
        .iter()
        .filter_map(|failure| failure.event.get_external_id().map(str::to_owned))
        .collect();
    reported.extend(logged_failures(seed).into_iter().map(|(id, _)| id));
    let ledger = ledger.lock().unwrap();
    let pending: Vec<&String> = before
        .iter()
        .filter(|id| !ledger.stored.contains(*id) && !reported.contains(*id))
        .collect();
    book.flushes_checked.fetch_add(1, Ordering::SeqCst);
    if !pending.is_empty() {
        book.problems.lock().unwrap().push(format!(
            "flush returned with {} events recorded before it neither stored nor reported: {:?}",
            pending.len(),
            &pending[..pending.len().min(5)]
        ));
    }
}

/// Runs seed `seed` with `events` events; the totals, or what broke the
/// identity.
fn run_seed(seed: u64, events: usize) -> Result<Totals, String> {
    capture_logs();
    // The backoff's jitter (this thread's `fastrand`) follows the seed too.
    fastrand::seed(seed);
    let plan = Plan::new(seed, events);
    let book = Arc::new(Book::default());
    let runtime = if plan.real {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap()
    };
    let mut problems: Vec<String> = Vec::new();
    let (mock_ledger, report_stats, outside) = runtime.block_on(async {
        let mock = Mock::start(seed, plan.attempt_timeout, plan.real).await;
        let mut builder = client_for(&mock.url, plan.attempt_timeout)
            .ingestor()
            .max_batch_size(plan.max_batch_size)
            .max_delay(plan.max_delay)
            .queue_capacity(plan.queue_capacity)
            .max_in_flight(plan.max_in_flight)
            .retry_for(plan.retry_for)
            .attempt_timeout(plan.attempt_timeout)
            .shutdown_timeout(plan.shutdown_timeout);
        if !plan.rate_limit {
            builder = builder.no_rate_limit();
        }
        // Dropped with the callback: once the task and every handle are gone.
        let (gone_tx, gone) = tokio::sync::oneshot::channel::<()>();
        if plan.callback {
            let book = Arc::clone(&book);
            builder = builder.on_failure(move |failure| {
                let _held_until_the_ingestor_is_gone = &gone_tx;
                book.failures.lock().unwrap().push(failure);
            });
        }
        let ingestor = builder.start().unwrap();

        let stop = Arc::new(tokio::sync::watch::Sender::new(false));
        let mut ids: Vec<Vec<(String, bool)>> = vec![Vec::new(); plan.producers];
        let mut rng = Rng::new(seed, 2);
        for i in 0..plan.events {
            ids[i % plan.producers].push((format!("s{seed}-e{i}"), rng.chance(2)));
        }
        let producers: Vec<_> = ids
            .into_iter()
            .enumerate()
            .map(|(p, events)| {
                let producer = Producer {
                    ingestor: ingestor.clone(),
                    book: Arc::clone(&book),
                    stop: Arc::clone(&stop),
                    rng: Rng::new(seed, 10 + p as u64),
                    seed,
                    ledger: Arc::clone(&mock.ledger),
                };
                tokio::spawn(produce(producer, events))
            })
            .collect();

        // Without a callback, failures are taken as they come too.
        let taker = (!plan.callback).then(|| {
            let ingestor = ingestor.clone();
            let book = Arc::clone(&book);
            tokio::spawn(async move {
                while !ingestor.is_closed() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let taken = ingestor.take_failures();
                    book.failures.lock().unwrap().extend(taken);
                }
            })
        });

        while book.offered.load(Ordering::SeqCst) < plan.point
            && book.producers_done.load(Ordering::SeqCst) < plan.producers
        {
            book.progress.notified().await;
        }

        let mut report_stats = None;
        let mut outside = None;
        match plan.ending {
            Ending::Shutdown | Ending::ShutdownWithin(_) => {
                let report = match plan.ending {
                    Ending::ShutdownWithin(deadline) => ingestor.shutdown_within(deadline).await,
                    _ => ingestor.shutdown().await,
                };
                for producer in producers {
                    producer.await.unwrap();
                }
                if let Some(taker) = taker {
                    taker.await.unwrap();
                }
                let mut failures = book.failures.lock().unwrap();
                failures.extend(ingestor.take_failures());
                if plan.ending == Ending::Shutdown && report.deadline_passed {
                    problems.push(format!(
                        "a graceful shutdown passed its deadline: {report:?}"
                    ));
                }
                report_stats = Some(report.stats);
                failures.extend(report.undelivered);
            }
            Ending::LastHandleDropped => {
                stop.send_replace(true);
                drop(ingestor);
                drop(taker);
                for producer in producers {
                    producer.await.unwrap();
                }
                // The drain ends within `shutdown_timeout`, and with it the
                // task (the callback, and `gone_tx` in it, are dropped).
                let limit = plan.shutdown_timeout + Duration::from_secs(60);
                if tokio::time::timeout(limit, gone).await.is_err() {
                    problems.push(format!(
                        "the task did not end within {limit:?} after the last handle's drop"
                    ));
                }
            }
            Ending::RuntimeDropped => {
                // Returning drops the runtime with everything in it.
                outside = Some(ingestor);
            }
        }
        (Arc::clone(&mock.ledger), report_stats, outside)
    });
    drop(runtime);
    problems.extend(book.problems.lock().unwrap().drain(..));

    let ledger = mock_ledger.lock().unwrap();
    let recorded = book.recorded.lock().unwrap();
    let bad = book.bad.lock().unwrap();
    let failures = book.failures.lock().unwrap();
    let mut totals = Totals {
        seeds: 1,
        real: u64::from(plan.real),
        offered: book.offered.load(Ordering::SeqCst) as u64,
        handed_back: (book.handed_back_full.load(Ordering::SeqCst)
            + book.handed_back_closed.load(Ordering::SeqCst)) as u64,
        recorded: recorded.len() as u64,
        duplicates: ledger.duplicates,
        faults: ledger.faults,
        flushes: book.flushes_checked.load(Ordering::SeqCst) as u64,
        ..Totals::default()
    };
    totals.endings[match plan.ending {
        Ending::Shutdown => 0,
        Ending::ShutdownWithin(_) => 1,
        Ending::LastHandleDropped => 2,
        Ending::RuntimeDropped => 3,
    }] = 1;
    // A `record` waiting for room when the runtime is dropped is dropped
    // with its producer, event and all: at most one per producer.
    let in_record = totals.offered - totals.recorded - totals.handed_back;
    let may_be_in_record = match plan.ending {
        Ending::RuntimeDropped => plan.producers as u64,
        _ => 0,
    };
    if in_record > may_be_in_record {
        problems.push(format!(
            "offered {} != recorded {} + handed back {}",
            totals.offered, totals.recorded, totals.handed_back
        ));
    }

    // Every failure reported, by id: how, and whether it is a refusal.
    let mut reported: HashMap<&str, Reported> = HashMap::new();
    let logged = logged_failures(seed);
    let channels = failures
        .iter()
        .map(|failure| {
            let id = failure.event.get_external_id().unwrap_or("(none)");
            (id, Reported::Handed(&failure.reason))
        })
        .chain(
            logged
                .iter()
                .map(|(id, reason)| (id.as_str(), Reported::Logged(reason))),
        );
    for (id, how) in channels {
        if !recorded.contains(id) {
            problems.push(format!("{id} reported but never recorded: {how}"));
        }
        if let Some(earlier) = reported.insert(id, how) {
            problems.push(format!("{id} reported twice: {earlier} and {how}"));
        }
    }
    totals.logged = logged.len() as u64;
    for id in &ledger.stored {
        if !recorded.contains(id) {
            problems.push(format!("{id} stored but never recorded"));
        }
    }
    for id in &ledger.unexplained_duplicates {
        problems.push(format!(
            "{id} sent again though the mock answered every request with it"
        ));
    }
    for id in recorded.iter() {
        let stored = ledger.stored.contains(id);
        let is_bad = bad.contains(id);
        match (stored, reported.get(id.as_str())) {
            (true, None) => totals.inserted += 1,
            (false, None) => problems.push(format!("{id} lost: neither stored nor reported")),
            (stored, Some(how)) => {
                let how = *how;
                if how.is_refusal() {
                    totals.refused += 1;
                    if !is_bad {
                        problems.push(format!("{id} refused but not bad: {how}"));
                    }
                } else {
                    totals.undelivered += 1;
                    *totals.by_reason.entry(how.name()).or_default() += 1;
                }
                if stored {
                    // The at-least-once case: accepted when the ingestor
                    // cannot have known the server stored it.
                    let accepted = match how.kind() {
                        Kind::CutShort => true,
                        Kind::Exhausted => ledger.lost.contains(id),
                        Kind::Refused | Kind::Other => false,
                    };
                    if accepted {
                        totals.stored_and_reported += 1;
                    } else {
                        problems.push(format!("{id} stored and reported: {how}"));
                    }
                }
                if plan.ending == Ending::Shutdown && !how.is_refusal() {
                    problems.push(format!("{id} not delivered by a graceful shutdown: {how}"));
                }
                if plan.ending == Ending::LastHandleDropped
                    && matches!(how, Reported::Handed(FailureReason::RuntimeShutdown))
                {
                    problems.push(format!(
                        "{id}: the drain after the last handle's drop did not finish: {how}"
                    ));
                }
            }
        }
        if is_bad && stored {
            problems.push(format!("{id} is bad but was stored"));
        }
    }

    // The counters agree with the books.
    let stats = report_stats.or_else(|| outside.as_ref().map(Ingestor::stats));
    if let Some(stats) = stats {
        let failed = totals.undelivered;
        let refused = totals.refused;
        let recorded = totals.recorded;
        if stats.recorded != recorded
            || stats.refused != refused
            || stats.failed != failed
            || stats.failures_overflowed != totals.logged
            || stats.acknowledged != recorded - refused - failed
        {
            problems.push(format!(
                "stats {stats:?} do not match the books: recorded {recorded}, refused {refused}, undelivered {failed}"
            ));
        }
    }
    if let Some(outside) = &outside {
        if !outside.is_closed() {
            problems.push("a handle outliving its runtime is not closed".to_owned());
        }
    }

    if problems.is_empty() {
        Ok(totals)
    } else {
        problems.truncate(10);
        Err(format!(
            "seed {seed} ({plan:?}):\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// Runs `seed` on a thread of its own, failing (instead of hanging the
/// test run) when it does not finish within a generous real-time limit.
fn run_guarded(seed: u64, events: usize) -> Result<Totals, String> {
    const HANG: Duration = Duration::from_secs(120);
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| run_seed(seed, events));
        let _ = done.send(outcome);
    });
    match result.recv_timeout(HANG) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => Err(format!("seed {seed} panicked: {panic:?}")),
        Err(_) => Err(format!("hung: seed {seed} did not finish within {HANG:?}")),
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} does not parse")),
        Err(_) => default,
    }
}

/// Seeds `a..b` from `INGEST_CHAOS_SEEDS` (default `0..200`).
fn seed_range() -> std::ops::Range<u64> {
    let text = std::env::var("INGEST_CHAOS_SEEDS").unwrap_or_else(|_| "0..200".to_owned());
    let (a, b) = text
        .split_once("..")
        .unwrap_or_else(|| panic!("INGEST_CHAOS_SEEDS={text}: expected a..b"));
    a.trim().parse().unwrap()..b.trim().parse().unwrap()
}

#[test]
fn every_recorded_event_is_inserted_refused_or_reported_under_chaos() {
    let seeds = seed_range();
    let events = env_or("INGEST_CHAOS_EVENTS", 1000usize);
    let threads = env_or("INGEST_CHAOS_THREADS", 2usize).max(1);
    let started = std::time::Instant::now();
    let next = Arc::new(Mutex::new(seeds.clone()));
    let results: Vec<_> = (0..threads)
        .map(|_| {
            let next = Arc::clone(&next);
            std::thread::spawn(move || {
                let mut totals = Totals::default();
                let mut failed = Vec::new();
                loop {
                    let Some(seed) = next.lock().unwrap().next() else {
                        break;
                    };
                    let began = std::time::Instant::now();
                    let result = run_guarded(seed, events);
                    if std::env::var_os("INGEST_CHAOS_VERBOSE").is_some() {
                        println!(
                            "seed {seed}: {:.2?} {:?}",
                            began.elapsed(),
                            Plan::new(seed, events)
                        );
                    }
                    match result {
                        Ok(seed_totals) => totals.add(&seed_totals),
                        Err(problem) => failed.push(problem),
                    }
                }
                (totals, failed)
            })
        })
        .collect();
    let mut totals = Totals::default();
    let mut failed = Vec::new();
    for result in results {
        let (t, f) = result.join().unwrap();
        totals.add(&t);
        failed.extend(f);
    }
    println!(
        "ingest chaos: seeds {seeds:?}, {events} events each, {:.1?}\n{totals}",
        started.elapsed()
    );
    assert!(
        failed.is_empty(),
        "{} seeds failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
