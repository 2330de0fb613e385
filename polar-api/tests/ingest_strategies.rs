//! The strategies: LLM usage, bytes of a reader or a stream, duration.

mod ingest_support;

use std::time::Duration;

use futures_util::StreamExt;
use ingest_support::{guarded, healthy_waiting, within, IngestMock, Refuse};
use polar_api::ingest::{strategy, Event, EventCustomer, LlmMetadata, LlmPrice};
use serde_json::Value;
use tokio::io::AsyncReadExt;

/// The one event the mock stored.
fn only_event(mock: &IngestMock) -> Value {
    let ledger = mock.ledger();
    assert_eq!(ledger.distinct(), 1);
    ledger.events.values().next().unwrap().clone()
}

fn template(name: &str) -> Event {
    Event::new(name, EventCustomer::external("user_42")).metadata("plan", "pro")
}

#[tokio::test]
async fn llm_usage_is_recorded_with_typed_metadata_and_its_cost() {
    guarded(
        "llm_usage_is_recorded_with_typed_metadata_and_its_cost",
        async {
            let (mock, ingestor) = healthy_waiting().await;
            let price = LlmPrice::per_million_tokens(250.0, 1_000.0).cached_input(125.0);
            strategy::record_llm(
                &ingestor,
                template("chat"),
                LlmMetadata::new("openai", "gpt-4o", 2_000, 500).cached_input_tokens(1_000),
                Some(&price),
            )
            .await
            .unwrap();
            within("flush", ingestor.flush()).await;
            let event = only_event(&mock);
            let llm = &event["metadata"]["_llm"];
            assert_eq!(llm["model"], "gpt-4o");
            assert_eq!(
                (
                    &llm["input_tokens"],
                    &llm["cached_input_tokens"],
                    &llm["output_tokens"],
                    &llm["total_tokens"]
                ),
                (
                    &Value::from(2_000),
                    &Value::from(1_000),
                    &Value::from(500),
                    &Value::from(2_500)
                )
            );
            let cents = event["metadata"]["_cost"]["amount"].as_f64().unwrap();
            assert!((cents - 0.875).abs() < 1e-12, "{cents}");
            assert_eq!(event["metadata"]["plan"], "pro");
        },
    )
    .await
}

#[tokio::test]
async fn bytes_read_to_the_end_are_recorded_once() {
    guarded("bytes_read_to_the_end_are_recorded_once", async {
        let (mock, ingestor) = healthy_waiting().await;
        let data = vec![7u8; 10_000];
        let mut reader = strategy::count_read(&ingestor, template("download"), "bytes", &data[..]);
        let mut out = Vec::new();
        reader.read_to_end(&mut out).await.unwrap();
        assert_eq!(reader.bytes(), 10_000);
        drop(reader); // already recorded at the end: not again
        within("flush", ingestor.flush()).await;
        assert_eq!(only_event(&mock)["metadata"]["bytes"], 10_000);
        assert_eq!(ingestor.stats().recorded, 1);
    })
    .await
}

#[tokio::test]
async fn a_reader_dropped_before_the_end_records_what_was_read() {
    guarded(
        "a_reader_dropped_before_the_end_records_what_was_read",
        async {
            let (mock, ingestor) = healthy_waiting().await;
            let data = vec![1u8; 4_096];
            let mut reader =
                strategy::count_read(&ingestor, template("download"), "bytes", &data[..]);
            let mut first = [0u8; 1_000];
            reader.read_exact(&mut first).await.unwrap();
            drop(reader);
            within("flush", ingestor.flush()).await;
            assert_eq!(only_event(&mock)["metadata"]["bytes"], 1_000);
        },
    )
    .await
}

#[tokio::test]
async fn a_byte_stream_is_counted_when_it_ends() {
    guarded("a_byte_stream_is_counted_when_it_ends", async {
        let (mock, ingestor) = healthy_waiting().await;
        let chunks = futures_util::stream::iter([
            Ok::<_, std::io::Error>(vec![0u8; 300]),
            Ok(vec![0u8; 200]),
            Ok(Vec::new()),
        ]);
        let mut upload = strategy::count_stream(&ingestor, template("upload"), "bytes", chunks);
        let mut seen = 0;
        while let Some(chunk) = upload.next().await {
            seen += chunk.unwrap().len();
        }
        assert_eq!((seen, upload.bytes()), (500, 500));
        within("flush", ingestor.flush()).await;
        let event = only_event(&mock);
        assert_eq!(event["name"], "upload");
        assert_eq!(event["metadata"]["bytes"], 500);
    })
    .await
}

#[tokio::test]
async fn timed_work_records_its_duration_also_when_cancelled() {
    guarded(
        "timed_work_records_its_duration_also_when_cancelled",
        async {
            let (mock, ingestor) = healthy_waiting().await;
            let pause = Duration::from_millis(20);
            let answer = strategy::timed(&ingestor, template("render"), "duration_ms", async {
                tokio::time::sleep(pause).await;
                42
            })
            .await;
            assert_eq!(answer, 42);
            // Cancelled: the future is dropped before its work ends.
            let cancelled =
                strategy::timed(&ingestor, template("cancelled"), "duration_ms", async {
                    std::future::pending::<()>().await
                });
            assert!(tokio::time::timeout(Duration::from_millis(1), cancelled)
                .await
                .is_err());
            within("flush", ingestor.flush()).await;

            let ledger = mock.ledger();
            assert_eq!(ledger.distinct(), 2);
            for event in ledger.events.values() {
                let millis = event["metadata"]["duration_ms"].as_f64().unwrap();
                // A duration measured from a sleep of 20 ms cannot be shorter.
                if event["name"] == "render" {
                    assert!(millis >= pause.as_secs_f64() * 1000.0, "{millis}");
                } else {
                    assert_eq!(event["name"], "cancelled");
                    assert!(millis >= 0.0);
                }
            }
        },
    )
    .await
}

#[tokio::test]
async fn a_strategy_finishing_after_shutdown_reports_its_event() {
    guarded(
        "a_strategy_finishing_after_shutdown_reports_its_event",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
            let (sender, mut failures) = tokio::sync::mpsc::unbounded_channel();
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .on_failure(move |failure| {
                    let _ = sender.send(failure);
                })
                .start()
                .unwrap();
            let reader = strategy::count_read(&ingestor, template("late"), "bytes", &b"abc"[..]);
            assert!(within("shutdown", ingestor.shutdown()).await.is_complete());
            drop(reader);
            let failure = within("the failure", failures.recv()).await.unwrap();
            assert_eq!(failure.event.name(), "late");
            assert!(matches!(
                failure.reason,
                polar_api::ingest::FailureReason::NotRecorded
            ));
        },
    )
    .await
}
