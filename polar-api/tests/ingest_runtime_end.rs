//! What happens to the ingestor when its task's runtime ends: events held
//! then are reported (to `on_failure`, or named in an `error` log), and a
//! handle that outlives the runtime says it is closed. Also the bound on
//! the failures kept without a callback.
//!
//! Each test builds real tokio runtimes and drops them. The logs are
//! captured by a global subscriber (a multi-thread runtime drops its tasks
//! on its worker threads), and each test names its events with a prefix of
//! its own, so that tests running at once do not read each other's.

mod ingest_support;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use ingest_support::{client_for, collector, guarded, until, within, IngestMock};
use polar_api::ingest::{Event, EventCustomer, FailureReason, RecordError};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Level, Metadata, Subscriber};

// ---------------------------------------------------------------- logs ---

/// One `error` event of target `polar_api::ingest`: its fields as text.
#[derive(Clone, Debug)]
struct Logged {
    fields: BTreeMap<String, String>,
}

static LOGS: Mutex<Vec<Logged>> = Mutex::new(Vec::new());

struct Recorder {
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let meta = event.metadata();
        if *meta.level() != Level::ERROR || !meta.target().starts_with("polar_api::ingest") {
            return;
        }
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        LOGS.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Logged { fields });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Installs the recording subscriber for the whole process (once).
fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(Recorder {
            next_id: AtomicU64::new(0),
        })
        .expect("the only global subscriber");
    });
}

/// How often each `external_id` starting with `prefix` was named by an
/// `error` log, in an `external_id` field or an `external_ids` list.
fn ids_named_in_error_logs(prefix: &str) -> BTreeMap<String, usize> {
    let mut named = BTreeMap::new();
    for logged in LOGS.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        let single = logged.fields.get("external_id").into_iter();
        let listed = logged
            .fields
            .get("external_ids")
            .into_iter()
            .flat_map(|list| list.split(','));
        for id in single.map(String::as_str).chain(listed) {
            let id = id.trim();
            if id.starts_with(prefix) {
                *named.entry(id.to_owned()).or_insert(0) += 1;
            }
        }
    }
    named
}

// ------------------------------------------------------------- helpers ---

#[derive(Clone, Copy, Debug)]
enum Flavor {
    CurrentThread,
    MultiThread,
}

fn runtime(flavor: Flavor) -> tokio::runtime::Runtime {
    match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
    }
    .enable_all()
    .build()
    .unwrap()
}

/// A server on 127.0.0.1 that takes connections and never answers (on a
/// thread of its own, so that it outlives every runtime of the test).
fn silent_server() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            match stream {
                Ok(stream) => held.push(stream),
                Err(_) => return,
            }
        }
    });
    format!("http://{address}")
}

fn event(prefix: &str, i: usize) -> Event {
    Event::new("api.call", EventCustomer::external("c")).external_id(format!("{prefix}{i}"))
}

fn expected_ids(prefix: &str, n: usize) -> BTreeMap<String, usize> {
    (0..n).map(|i| (format!("{prefix}{i}"), 1)).collect()
}

/// `#[tokio::main] async fn main()` that records 25 events and returns
/// without `shutdown().await`: one batch of 10 in flight to a server that
/// never answers, one ready, 5 in the open batch; then the runtime is
/// dropped.
fn record_and_return(flavor: Flavor, prefix: &str, on_failure: Option<ingest_support::Sink>) {
    let url = silent_server();
    let rt = runtime(flavor);
    rt.block_on(guarded(prefix, async {
        let mut builder = client_for(&url, Duration::from_secs(3600))
            .ingestor()
            .max_batch_size(10)
            .max_delay(Duration::from_secs(3600))
            .no_rate_limit();
        if let Some(on_failure) = on_failure {
            builder = builder.on_failure(on_failure);
        }
        let ingestor = builder.start().unwrap();
        for i in 0..25 {
            ingestor.record(event(prefix, i)).await.unwrap();
        }
        until("a batch in flight", || {
            let stats = ingestor.stats();
            stats.in_flight_events == 10 && stats.queued == 15
        })
        .await;
        // `main` returns: the handle is dropped, then the runtime.
    }));
    drop(rt);
}

// --------------------------------------------------------------- item 1 ---

fn events_held_when_the_runtime_ends_reach_on_failure(flavor: Flavor, prefix: &str) {
    let (failures, on_failure) = collector();
    record_and_return(flavor, prefix, Some(Box::new(on_failure)));
    let failures = failures.lock().unwrap();
    let mut got = BTreeMap::new();
    for failure in failures.iter() {
        assert!(
            matches!(failure.reason, FailureReason::RuntimeShutdown),
            "{:?}",
            failure.reason
        );
        *got.entry(failure.event.get_external_id().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(got, expected_ids(prefix, 25), "each event reported once");
}

#[test]
fn current_thread_runtime_ending_hands_every_held_event_to_on_failure() {
    events_held_when_the_runtime_ends_reach_on_failure(Flavor::CurrentThread, "ct-cb-");
}

#[test]
fn multi_thread_runtime_ending_hands_every_held_event_to_on_failure() {
    events_held_when_the_runtime_ends_reach_on_failure(Flavor::MultiThread, "mt-cb-");
}

fn without_a_callback_the_error_log_names_every_held_event(flavor: Flavor, prefix: &str) {
    capture_logs();
    record_and_return(flavor, prefix, None);
    assert_eq!(ids_named_in_error_logs(prefix), expected_ids(prefix, 25));
}

#[test]
fn current_thread_runtime_ending_without_a_callback_logs_every_held_event() {
    without_a_callback_the_error_log_names_every_held_event(Flavor::CurrentThread, "ct-log-");
}

#[test]
fn multi_thread_runtime_ending_without_a_callback_logs_every_held_event() {
    without_a_callback_the_error_log_names_every_held_event(Flavor::MultiThread, "mt-log-");
}

// --------------------------------------------------------------- item 2 ---

/// An ingestor started in runtime A (a start-up runtime, a `static`), with
/// 5 events in flight to a server that never answers and a full queue;
/// runtime A is dropped, and the handle is used from runtime B.
fn a_handle_outliving_its_runtime(flavor: Flavor, prefix: &str) {
    let url = silent_server();
    let (failures, on_failure) = collector();
    let a = runtime(flavor);
    let ingestor = a.block_on(guarded(prefix, async {
        let ingestor = client_for(&url, Duration::from_secs(3600))
            .ingestor()
            .queue_capacity(5)
            .max_batch_size(5)
            .max_delay(Duration::from_millis(1))
            .no_rate_limit()
            .on_failure(on_failure)
            .start()
            .unwrap();
        for i in 0..5 {
            ingestor.record(event(prefix, i)).await.unwrap();
        }
        until("5 events in flight", || {
            ingestor.stats().in_flight_events == 5
        })
        .await;
        ingestor
    }));
    drop(a);

    let b = runtime(flavor);
    b.block_on(guarded(prefix, async {
        assert!(ingestor.is_closed(), "its task is gone");
        match ingestor.try_record(event(prefix, 5)) {
            Err(RecordError::Closed(back)) => assert_eq!(back, event(prefix, 5)),
            other => panic!("closed: {other:?}"),
        }
        match within(
            "record after the task is gone",
            ingestor.record(event(prefix, 6)),
        )
        .await
        {
            Err(RecordError::Closed(back)) => assert_eq!(back, event(prefix, 6)),
            other => panic!("closed: {other:?}"),
        }
        within("flush after the task is gone", ingestor.flush()).await;
        let report = within("shutdown after the task is gone", ingestor.shutdown()).await;
        assert!(!report.is_complete(), "{report:?}");
        let stats = report.stats;
        assert_eq!(stats.recorded, 5, "{stats:?}");
        assert_eq!(stats.acknowledged, 0, "{stats:?}");
        assert_eq!(stats.failed, 5, "{stats:?}");
        assert_eq!(
            (stats.in_flight, stats.in_flight_events, stats.queued),
            (0, 0, 0),
            "{stats:?}"
        );
        assert!(ingestor.stats().failed == 5);
    }));
    drop(b);

    let failures = failures.lock().unwrap();
    let mut got = BTreeMap::new();
    for failure in failures.iter() {
        assert!(matches!(failure.reason, FailureReason::RuntimeShutdown));
        *got.entry(failure.event.get_external_id().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(got, expected_ids(prefix, 5));
}

#[test]
fn current_thread_a_handle_outliving_its_runtime_is_closed_and_not_complete() {
    a_handle_outliving_its_runtime(Flavor::CurrentThread, "ct-out-");
}

#[test]
fn multi_thread_a_handle_outliving_its_runtime_is_closed_and_not_complete() {
    a_handle_outliving_its_runtime(Flavor::MultiThread, "mt-out-");
}

// --------------------------------------------------------------- item 4 ---

#[tokio::test]
async fn without_a_callback_at_most_queue_capacity_failures_are_kept() {
    capture_logs();
    guarded(
        "without_a_callback_at_most_queue_capacity_failures_are_kept",
        async {
            let prefix = "kept-";
            let mock = IngestMock::answering(400).await;
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .queue_capacity(10)
                .max_batch_size(10)
                .max_delay(Duration::from_millis(1))
                .no_rate_limit()
                .start()
                .unwrap();
            for i in 0..2000 {
                ingestor.record(event(prefix, i)).await.unwrap();
            }
            within("flush", ingestor.flush()).await;
            let stats = ingestor.stats();
            assert_eq!(stats.failed, 2000, "{stats:?}");
            assert_eq!(stats.failures_overflowed, 1990, "{stats:?}");
            let kept = ingestor.take_failures();
            assert_eq!(kept.len(), 10);
            // The first ones are kept; every later one is named in an error log.
            let kept_ids: Vec<String> = kept
                .iter()
                .map(|f| f.event.get_external_id().unwrap().to_owned())
                .collect();
            assert_eq!(
                kept_ids,
                (0..10).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>()
            );
            let logged = ids_named_in_error_logs(prefix);
            let expected: BTreeMap<String, usize> =
                (10..2000).map(|i| (format!("{prefix}{i}"), 1)).collect();
            assert_eq!(logged, expected);
            // Room again once taken.
            within("a shutdown", ingestor.shutdown()).await;
        },
    )
    .await
}

// ------------------------------------------------- detached records ---

/// `record_detached` into a full queue spawns a task that waits for room
/// and holds the event meanwhile (at most as many as the queue holds). The
/// runtime ends while two such tasks wait (two events fill the queue, in
/// flight to a server that never answers): their events must be reported
/// too, with the two the batcher held, each exactly once.
fn detached_records_waiting_when_the_runtime_ends(
    flavor: Flavor,
    prefix: &str,
    on_failure: Option<ingest_support::Sink>,
) {
    let url = silent_server();
    let rt = runtime(flavor);
    rt.block_on(guarded(prefix, async {
        let mut builder = client_for(&url, Duration::from_secs(3600))
            .ingestor()
            .queue_capacity(2)
            .max_batch_size(2)
            .max_delay(Duration::from_secs(3600))
            .no_rate_limit();
        if let Some(on_failure) = on_failure {
            builder = builder.on_failure(on_failure);
        }
        let ingestor = builder.start().unwrap();
        for i in 0..2 {
            ingestor.record(event(prefix, i)).await.unwrap();
        }
        until("a batch in flight", || {
            ingestor.stats().in_flight_events == 2
        })
        .await;
        for i in 2..4 {
            ingestor.record_detached(event(prefix, i));
        }
        // Let the detached tasks start waiting for room.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(ingestor.stats().recorded, 2);
        assert!(ingestor.take_failures().is_empty());
    }));
    drop(rt);
}

fn detached_records_reach_on_failure(flavor: Flavor, prefix: &str) {
    let (failures, on_failure) = collector();
    detached_records_waiting_when_the_runtime_ends(flavor, prefix, Some(Box::new(on_failure)));
    let failures = failures.lock().unwrap();
    let mut got = BTreeMap::new();
    for failure in failures.iter() {
        assert!(
            matches!(failure.reason, FailureReason::RuntimeShutdown),
            "{:?}",
            failure.reason
        );
        *got.entry(failure.event.get_external_id().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(got, expected_ids(prefix, 4), "each event reported once");
}

#[test]
fn current_thread_runtime_ending_reports_detached_records_waiting_for_room() {
    detached_records_reach_on_failure(Flavor::CurrentThread, "ct-det-");
}

#[test]
fn multi_thread_runtime_ending_reports_detached_records_waiting_for_room() {
    detached_records_reach_on_failure(Flavor::MultiThread, "mt-det-");
}

#[test]
fn runtime_ending_without_a_callback_logs_detached_records_waiting_for_room() {
    capture_logs();
    let prefix = "det-log-";
    detached_records_waiting_when_the_runtime_ends(Flavor::CurrentThread, prefix, None);
    assert_eq!(ids_named_in_error_logs(prefix), expected_ids(prefix, 4));
}
