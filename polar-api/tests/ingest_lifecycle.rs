//! The ingestor's queue bound, shutdown, drop, and failures for good.

mod ingest_support;

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use ingest_support::{
    client_for, closed_port_url, collector, guarded, healthy_waiting, until, within, IngestMock,
    Refuse, TOKEN,
};
use polar_api::ingest::{Event, EventCustomer, FailureReason, RecordError};

fn event(i: usize) -> Event {
    Event::new("api.call", EventCustomer::external("c")).external_id(format!("event-{i}"))
}

/// Whether `future` is still pending after one poll.
async fn pending<F: Future>(future: std::pin::Pin<&mut F>) -> bool {
    let mut future = future;
    std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx).is_pending())).await
}

#[tokio::test]
async fn the_queue_bound_holds_try_record_hands_the_event_back_and_record_waits() {
    guarded(
        "the_queue_bound_holds_try_record_hands_the_event_back_and_record_waits",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
            mock.set_down(true); // every request gets a 503 and is retried
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .queue_capacity(20)
                .max_batch_size(5)
                .max_delay(Duration::from_millis(1))
                .max_in_flight(2)
                .no_rate_limit()
                .start()
                .unwrap();
            for i in 0..20 {
                ingestor.try_record(event(i)).unwrap();
            }
            // Full: the event comes back as it was given.
            match ingestor.try_record(event(20)) {
                Err(RecordError::Full(back)) => assert_eq!(back, event(20)),
                other => panic!("full: {other:?}"),
            }
            let mut waiting = pin!(ingestor.record(event(20)));
            assert!(pending(waiting.as_mut()).await, "record waits for room");
            // While the server is down and batches are retried, the ingestor holds
            // what it took and nothing more.
            for _ in 0..20 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                let stats = ingestor.stats();
                assert_eq!(stats.queued + stats.in_flight_events, 20, "{stats:?}");
                assert!(stats.in_flight <= 2);
                assert!(ingestor.try_record(event(99)).unwrap_err().is_full());
                assert!(pending(waiting.as_mut()).await);
            }
            assert!(mock.ledger().requests > 0);
            assert_eq!(ingestor.stats().recorded, 20);

            mock.set_down(false);
            within("the waiting record", waiting)
                .await
                .expect("record proceeds once there is room");
            within("flush", ingestor.flush()).await;
            let stats = ingestor.stats();
            assert_eq!((stats.recorded, stats.acknowledged), (21, 21));
            assert_eq!(mock.ledger().distinct(), 21);
        },
    )
    .await
}

#[tokio::test]
async fn shutdown_with_the_server_down_returns_every_undelivered_event() {
    guarded(
        "shutdown_with_the_server_down_returns_every_undelivered_event",
        async {
            let client = client_for(&closed_port_url(), Duration::from_secs(5));
            let ingestor = client
                .ingestor()
                .max_batch_size(10)
                .max_delay(Duration::from_secs(3600))
                .start()
                .unwrap();
            for i in 0..25 {
                ingestor.record(event(i)).await.unwrap();
            }
            let report = within(
                "shutdown",
                ingestor.shutdown_within(Duration::from_millis(300)),
            )
            .await;

            assert!(report.deadline_passed);
            let ids: BTreeSet<&str> = report
                .undelivered
                .iter()
                .map(|f| f.event.get_external_id().unwrap())
                .collect();
            let expected: BTreeSet<String> = (0..25).map(|i| format!("event-{i}")).collect();
            assert_eq!(ids, expected.iter().map(String::as_str).collect());
            let mut with_error = 0;
            for failure in &report.undelivered {
                let FailureReason::ShutdownDeadline { last_error } = &failure.reason else {
                    panic!("cut short by the deadline: {:?}", failure.reason)
                };
                if let Some(error) = last_error {
                    assert!(error.is_transport(), "{error:?}");
                    with_error += 1;
                }
                assert!(!format!("{failure:?} {}", failure.reason).contains(TOKEN));
            }
            // The batch that was being retried says why it failed.
            assert!(with_error >= 10, "{with_error}");
            assert_eq!(report.stats.failed, 25);
            assert_eq!(report.stats.acknowledged, 0);
            assert!(!report.is_complete());

            // Closed: events come back.
            assert!(ingestor.is_closed());
            match ingestor.record(event(100)).await {
                Err(RecordError::Closed(back)) => assert_eq!(back, event(100)),
                other => panic!("closed: {other:?}"),
            }
            assert!(matches!(
                ingestor.try_record(event(101)),
                Err(RecordError::Closed(_))
            ));
            // A second shutdown has nothing more to return.
            assert!(within("shutdown", ingestor.shutdown())
                .await
                .undelivered
                .is_empty());
        },
    )
    .await
}

#[tokio::test]
async fn shutdown_with_the_server_up_drains_everything_before_the_deadline() {
    guarded(
        "shutdown_with_the_server_up_drains_everything_before_the_deadline",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .max_batch_size(100)
                .max_delay(Duration::from_secs(3600))
                .start()
                .unwrap();
            for i in 0..1_050 {
                ingestor.record(event(i)).await.unwrap();
            }
            let report = within(
                "shutdown",
                ingestor.shutdown_within(Duration::from_secs(60)),
            )
            .await;
            assert!(!report.deadline_passed);
            assert!(report.is_complete(), "{report:?}");
            assert_eq!(report.stats.acknowledged, 1_050);
            assert_eq!(report.stats.inserted, 1_050);
            assert_eq!(mock.ledger().distinct(), 1_050);
        },
    )
    .await
}

#[tokio::test]
async fn dropping_the_last_handle_drains_the_queue() {
    guarded("dropping_the_last_handle_drains_the_queue", async {
        let (mock, ingestor) = healthy_waiting().await;
        let clone = ingestor.clone();
        for i in 0..10 {
            clone.record(event(i)).await.unwrap();
        }
        drop(ingestor);
        drop(clone);
        mock.wait_for(10).await;
    })
    .await
}

#[tokio::test]
async fn a_status_retrying_cannot_change_fails_the_batch_at_once() {
    guarded(
        "a_status_retrying_cannot_change_fails_the_batch_at_once",
        async {
            let mock = IngestMock::answering(401).await;
            let (failures, on_failure) = collector();
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .on_failure(on_failure)
                .start()
                .unwrap();
            for i in 0..3 {
                ingestor.record(event(i)).await.unwrap();
            }
            within("flush", ingestor.flush()).await;
            let failures = std::mem::take(&mut *failures.lock().unwrap());
            assert_eq!(failures.len(), 3);
            for failure in &failures {
                let FailureReason::Rejected(error) = &failure.reason else {
                    panic!("rejected: {:?}", failure.reason)
                };
                assert!(error.is_unauthorized());
                assert!(!format!("{failure:?} {}", failure.reason).contains(TOKEN));
            }
            assert_eq!(mock.ledger().requests, 1);
            let stats = ingestor.stats();
            assert_eq!((stats.failed, stats.retries), (3, 0));
            // Handed to the callback, so not in the report again.
            assert!(within("shutdown", ingestor.shutdown())
                .await
                .undelivered
                .is_empty());
        },
    )
    .await
}

#[tokio::test]
async fn a_batch_retried_for_the_whole_window_fails_with_its_last_error() {
    guarded(
        "a_batch_retried_for_the_whole_window_fails_with_its_last_error",
        async {
            let mock = IngestMock::answering(503).await;
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .retry_for(Duration::from_millis(150))
                .no_rate_limit()
                .start()
                .unwrap();
            ingestor.record(event(0)).await.unwrap();
            within("flush", ingestor.flush()).await;
            // No callback: kept for `take_failures`.
            let failures = ingestor.take_failures();
            assert_eq!(failures.len(), 1);
            let FailureReason::RetriesExhausted { error, attempts } = &failures[0].reason else {
                panic!("exhausted: {:?}", failures[0].reason)
            };
            assert!(error.is_server_error());
            assert!(*attempts >= 2);
            assert_eq!(mock.ledger().requests, u64::from(*attempts));
            assert!(ingestor.take_failures().is_empty());
            let stats = ingestor.stats();
            assert_eq!(stats.failed, 1);
            assert_eq!(stats.retries, u64::from(*attempts) - 1);
        },
    )
    .await
}

#[tokio::test]
async fn without_a_callback_failures_are_in_the_shutdown_report() {
    guarded(
        "without_a_callback_failures_are_in_the_shutdown_report",
        async {
            let mock = IngestMock::answering(400).await;
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .start()
                .unwrap();
            ingestor.record(event(0)).await.unwrap();
            let report = within("shutdown", ingestor.shutdown()).await;
            assert_eq!(report.undelivered.len(), 1);
            assert!(matches!(
                report.undelivered[0].reason,
                FailureReason::Rejected(_)
            ));
            assert!(!report.deadline_passed);
        },
    )
    .await
}

#[test]
fn starting_outside_a_runtime_is_a_config_error() {
    let client = client_for("http://127.0.0.1:9", Duration::from_secs(1));
    let error = client.ingestor().start().unwrap_err();
    assert!(error.to_string().contains("tokio runtime"), "{error}");
}

#[tokio::test]
async fn shutdown_within_a_longer_deadline_than_the_shutdown_timeout_gets_all_of_it() {
    guarded(
        "shutdown_within_a_longer_deadline_than_the_shutdown_timeout_gets_all_of_it",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
            mock.set_down(true);
            // The builder's timeout is for a drop of the last handle; an
            // explicit deadline replaces it.
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .max_delay(Duration::from_secs(3600))
                .no_rate_limit()
                .shutdown_timeout(Duration::ZERO)
                .start()
                .unwrap();
            for i in 0..10 {
                ingestor.record(event(i)).await.unwrap();
            }
            let shutdown = tokio::spawn({
                let ingestor = ingestor.clone();
                async move { ingestor.shutdown_within(Duration::from_secs(60)).await }
            });
            // The server comes back after turning a few attempts away.
            until("a few attempts, or the end of the shutdown", || {
                mock.ledger().requests >= 3 || shutdown.is_finished()
            })
            .await;
            mock.set_down(false);
            let report = within("shutdown", shutdown).await.unwrap();
            assert!(!report.deadline_passed, "{report:?}");
            assert!(report.is_complete(), "{report:?}");
            assert_eq!(report.stats.acknowledged, 10);
            assert_eq!(mock.ledger().distinct(), 10);
        },
    )
    .await
}

#[tokio::test]
async fn a_second_shutdown_waits_for_the_drain_of_the_first() {
    guarded(
        "a_second_shutdown_waits_for_the_drain_of_the_first",
        async {
            let client = client_for(&closed_port_url(), Duration::from_secs(5));
            let ingestor = client
                .ingestor()
                .max_delay(Duration::from_secs(3600))
                .start()
                .unwrap();
            for i in 0..5 {
                ingestor.record(event(i)).await.unwrap();
            }
            let first = tokio::spawn({
                let ingestor = ingestor.clone();
                async move { ingestor.shutdown_within(Duration::from_millis(300)).await }
            });
            // Time for the task to take the first shutdown in (and close its
            // queue); the second is made after that.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let second = within(
                "the second shutdown",
                ingestor.shutdown_within(Duration::from_secs(60)),
            )
            .await;
            let first = within("the first shutdown", first).await.unwrap();
            assert_eq!(first.undelivered.len(), 5);
            assert!(first.deadline_passed);
            // The second came back when the drain ended, with its counters.
            assert!(second.undelivered.is_empty());
            assert!(second.deadline_passed, "{second:?}");
            assert_eq!(second.stats.failed, 5, "{second:?}");
            assert_eq!(second.stats, first.stats);
        },
    )
    .await
}

#[tokio::test]
async fn durations_too_long_to_add_to_a_clock_mean_never() {
    guarded("durations_too_long_to_add_to_a_clock_mean_never", async {
        let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
        let ingestor = mock
            .client(Duration::from_secs(10))
            .ingestor()
            .max_delay(Duration::MAX)
            .rate_limit(1_000, Duration::MAX)
            .retry_for(Duration::MAX)
            .shutdown_timeout(Duration::MAX)
            .start()
            .unwrap();
        for i in 0..3 {
            ingestor.record(event(i)).await.unwrap();
        }
        within("flush", ingestor.flush()).await;
        assert_eq!(mock.ledger().distinct(), 3);
        for i in 3..5 {
            ingestor.record(event(i)).await.unwrap();
        }
        let report = within("shutdown", ingestor.shutdown_within(Duration::MAX)).await;
        assert!(report.is_complete(), "{report:?}");
        assert!(!report.deadline_passed);
        assert_eq!(report.stats.acknowledged, 5);
        assert_eq!(mock.ledger().distinct(), 5);
    })
    .await
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    guarded("debug_output_never_shows_the_token", async {
        let mock = IngestMock::answering(401).await;
        let client = mock.client(Duration::from_secs(10));
        let builder = client.ingestor();
        assert!(!format!("{builder:?}").contains(TOKEN), "{builder:?}");
        let ingestor = builder.start().unwrap();
        ingestor.record(event(0)).await.unwrap();
        let report = within("shutdown", ingestor.shutdown()).await;
        assert_eq!(report.undelivered.len(), 1);
        let shown = format!("{ingestor:?} {report:?} {}", report.undelivered[0].reason);
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains("InGeSt"), "{shown}");
    })
    .await
}

#[tokio::test]
async fn events_recorded_detached_into_a_full_queue_wait_within_a_second_bound() {
    guarded(
        "events_recorded_detached_into_a_full_queue_wait_within_a_second_bound",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
            mock.set_down(true); // nothing leaves the queue
            let (failures, on_failure) = collector();
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .queue_capacity(4)
                .max_batch_size(4)
                .max_delay(Duration::from_millis(1))
                .no_rate_limit()
                .on_failure(on_failure)
                .start()
                .unwrap();
            for i in 0..4 {
                ingestor.try_record(event(i)).unwrap();
            }
            // The strategies record detached: with the queue full, at most
            // as many events as the queue holds may wait for room; the rest
            // come back as failures at once instead of piling up.
            for i in 4..20 {
                ingestor.record_detached(event(i));
            }
            let refused: BTreeSet<String> = failures
                .lock()
                .unwrap()
                .iter()
                .map(|failure| {
                    assert!(
                        matches!(failure.reason, FailureReason::QueueFull),
                        "{:?}",
                        failure.reason
                    );
                    failure.event.get_external_id().unwrap().to_owned()
                })
                .collect();
            let expected: BTreeSet<String> = (8..20).map(|i| format!("event-{i}")).collect();
            assert_eq!(refused, expected);

            // The four that waited get in once there is room.
            mock.set_down(false);
            until("the waiting events are recorded", || {
                ingestor.stats().recorded == 8
            })
            .await;
            within("flush", ingestor.flush()).await;
            assert_eq!(mock.ledger().distinct(), 8);
        },
    )
    .await
}
