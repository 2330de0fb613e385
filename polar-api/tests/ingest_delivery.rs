//! The ingestor against a flaky server: every event arrives once, refused
//! events come back with their error, batches go out on their own.

mod ingest_support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use ingest_support::{collector, guarded, until, within, IngestMock, Refuse, CHAOS, TOKEN};
use polar_api::ingest::{CostMetadata, Event, EventCustomer, FailureReason, Ingestor, LlmMetadata};
use polar_api::models::uuid::Uuid;
use polar_api::{ApiVersion, Client};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_events_from_eight_tasks_through_a_flaky_server_arrive_exactly_once() {
    guarded(
        "ten_thousand_events_from_eight_tasks_through_a_flaky_server_arrive_exactly_once",
        async {
            // 30 % 503, 10 % 429 + Retry-After: 0, 5 % answered after the timeout.
            let mock = IngestMock::start(CHAOS, Refuse::Nothing).await;
            let client = mock.client(Duration::from_millis(300));
            let ingestor = client
                .ingestor()
                .max_batch_size(100)
                .max_delay(Duration::from_millis(20))
                .max_in_flight(4)
                .queue_capacity(1_000)
                .no_rate_limit()
                .start()
                .unwrap();
            let mut producers = tokio::task::JoinSet::new();
            for task in 0..8u32 {
                let ingestor = ingestor.clone();
                producers.spawn(async move {
                    for i in 0..1_250u32 {
                        let seq = task * 1_250 + i;
                        let event = Event::new(
                            "api.call",
                            EventCustomer::external(format!("customer-{task}")),
                        )
                        .metadata("seq", seq);
                        ingestor
                            .record(event)
                            .await
                            .expect("the ingestor is running");
                    }
                });
            }
            while let Some(done) = within("the producers", producers.join_next()).await {
                done.unwrap();
            }
            within("flush", ingestor.flush()).await;

            {
                let stats = ingestor.stats();
                let ledger = mock.ledger();
                // Every event arrived, each `external_id` inserted once.
                assert_eq!(ledger.missing_ids, 0, "every event has an external_id");
                assert_eq!(ledger.distinct(), 10_000);
                assert!(ledger.inserted_by_id.values().all(|&n| n == 1));
                let seqs: BTreeSet<i64> = ledger
                    .events
                    .values()
                    .map(|event| event["metadata"]["seq"].as_i64().unwrap())
                    .collect();
                assert_eq!(seqs, (0..10_000).collect::<BTreeSet<i64>>());
                // Lost answers were resent and counted as duplicates by the server.
                assert_eq!(ledger.inserted, 10_000);
                assert!(ledger.duplicates > 0, "a slow answer's batch was resent");
                assert!(ledger.statuses[&503] > 0 && ledger.statuses[&429] > 0);

                // The stats agree with what the server answered.
                assert_eq!(stats.recorded, 10_000);
                assert_eq!(stats.acknowledged, 10_000);
                assert_eq!(stats.inserted, ledger.inserted_answered);
                assert_eq!(stats.duplicates, ledger.duplicates_answered);
                assert_eq!(stats.inserted + stats.duplicates, 10_000);
                assert_eq!((stats.refused, stats.failed), (0, 0));
                assert_eq!(
                    (stats.queued, stats.in_flight, stats.in_flight_events),
                    (0, 0, 0)
                );
                assert!(stats.retried_batches > 0 && stats.retries >= stats.retried_batches);
                // Every request the server saw was one the ingestor sent.
                assert!(
                    stats.requests >= ledger.requests,
                    "{stats:?} vs {}",
                    ledger.requests
                );
                assert!(ledger.versions.iter().all(|v| v == "2026-10"));
                assert!(ledger
                    .authorizations
                    .iter()
                    .all(|a| a == &format!("Bearer {TOKEN}")));
            }

            let report = within("shutdown", ingestor.shutdown()).await;
            assert!(report.is_complete(), "{report:?}");
            assert!(!report.deadline_passed);
        },
    )
    .await
}

async fn one_refused_event(refuse: Refuse, events: usize, bad: &[usize]) {
    let mock = IngestMock::start(Default::default(), refuse).await;
    let (failures, on_failure) = collector();
    let ingestor = mock
        .client(Duration::from_secs(10))
        .ingestor()
        .max_batch_size(events)
        .on_failure(on_failure)
        .start()
        .unwrap();
    for i in 0..events {
        let name = if bad.contains(&i) { "bad" } else { "good" };
        let event =
            Event::new(name, EventCustomer::external("c")).external_id(format!("event-{i}"));
        ingestor.try_record(event).unwrap();
    }
    within("flush", ingestor.flush()).await;

    let failures = std::mem::take(&mut *failures.lock().unwrap());
    let refused: BTreeSet<String> = failures
        .iter()
        .map(|f| f.event.get_external_id().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = bad.iter().map(|i| format!("event-{i}")).collect();
    assert_eq!(refused, expected);
    for failure in &failures {
        let FailureReason::Refused(issues) = &failure.reason else {
            panic!("refused: {:?}", failure.reason)
        };
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].message, "bad is not an event name");
        if refuse == Refuse::Located {
            // The location inside the event, after `body.events.<i>`.
            assert_eq!(issues[0].location, ["EventCreateExternalCustomer", "name"]);
        }
        assert!(failure
            .reason
            .to_string()
            .contains("bad is not an event name"));
    }
    let ledger = mock.ledger();
    assert_eq!(ledger.distinct(), events - bad.len());
    assert!(expected
        .iter()
        .all(|id| !ledger.inserted_by_id.contains_key(id)));
    let stats = ingestor.stats();
    assert_eq!(stats.refused, bad.len() as u64);
    assert_eq!(stats.acknowledged, (events - bad.len()) as u64);
    assert_eq!(stats.batches, 1);
    match refuse {
        // One 422 naming them, then the rest (if any) at once.
        Refuse::Located => assert_eq!(ledger.requests, if bad.len() == events { 1 } else { 2 }),
        // A batch of one refused: nothing to split.
        _ if events == 1 => assert_eq!(ledger.requests, 1),
        // Halves until each refused event is alone: more requests.
        _ => assert!(ledger.requests > 2, "{}", ledger.requests),
    }
}

#[tokio::test]
async fn a_422_naming_one_event_hands_it_back_and_delivers_the_others() {
    guarded(
        "a_422_naming_one_event_hands_it_back_and_delivers_the_others",
        async {
            one_refused_event(Refuse::Located, 50, &[17]).await;
        },
    )
    .await
}

#[tokio::test]
async fn a_422_naming_no_event_is_bisected_down_to_the_refused_ones() {
    guarded(
        "a_422_naming_no_event_is_bisected_down_to_the_refused_ones",
        async {
            one_refused_event(Refuse::Unlocated, 64, &[0]).await;
            one_refused_event(Refuse::Unlocated, 37, &[5, 36]).await;
            one_refused_event(Refuse::Located, 20, &[0, 7, 19]).await;
        },
    )
    .await
}

#[tokio::test]
async fn a_422_with_an_index_beyond_the_batch_or_no_list_is_bisected_too() {
    guarded(
        "a_422_with_an_index_beyond_the_batch_or_no_list_is_bisected_too",
        async {
            one_refused_event(Refuse::OutOfRange, 16, &[3]).await;
            one_refused_event(Refuse::Opaque, 9, &[8]).await;
            one_refused_event(Refuse::OutOfRange, 5, &[0, 1, 2, 3, 4]).await;
        },
    )
    .await
}

#[tokio::test]
async fn a_refused_batch_of_one_is_handed_back_whatever_the_422_says() {
    guarded(
        "a_refused_batch_of_one_is_handed_back_whatever_the_422_says",
        async {
            for refuse in [
                Refuse::Located,
                Refuse::Unlocated,
                Refuse::OutOfRange,
                Refuse::Opaque,
            ] {
                one_refused_event(refuse, 1, &[0]).await;
            }
        },
    )
    .await
}

#[tokio::test]
async fn a_single_event_goes_out_after_the_maximum_delay_without_flush() {
    guarded(
        "a_single_event_goes_out_after_the_maximum_delay_without_flush",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
            let delay = Duration::from_millis(50);
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .max_batch_size(1_000)
                .max_delay(delay)
                .start()
                .unwrap();
            let recorded = Instant::now();
            ingestor
                .record(Event::new("one", EventCustomer::external("c")))
                .await
                .unwrap();
            // No flush, and the batch is far from full: only the delay sends it.
            mock.wait_for(1).await;
            assert!(recorded.elapsed() >= delay, "not before the delay");
            let stats = ingestor.stats();
            assert_eq!((stats.batches, stats.requests), (1, 1));
            let ledger = mock.ledger();
            assert_eq!(ledger.requests, 1);
        },
    )
    .await
}

/// Compiles for every version: the ingestor is built from any `Client<V>`.
fn start_any_version<V: ApiVersion>(client: &Client<V>) -> Ingestor {
    Ingestor::builder(client)
        .max_delay(Duration::from_millis(1))
        .start()
        .unwrap()
}

#[tokio::test]
async fn events_go_out_in_the_shape_the_spec_defines() {
    guarded("events_go_out_in_the_shape_the_spec_defines", async {
    let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
    let ingestor = start_any_version(&mock.client(Duration::from_secs(10)));
    let customer: Uuid = "992fae2a-2a17-4b7a-8d9e-e287cf90131b".parse().unwrap();
    let member: Uuid = "3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43".parse().unwrap();
    let at = "2026-11-02T10:00:00Z".parse().unwrap();
    ingestor
        .record(
            Event::new("llm.completion", customer)
                .external_id("mine-1")
                .timestamp(at)
                .member_id(member)
                .parent_id("parent-1")
                .metadata("endpoint", "/v1/chat")
                .metadata("latency_ms", 12.5)
                .metadata("streamed", true)
                .llm(
                    LlmMetadata::new("openai", "gpt-4o", 1_200, 300)
                        .cached_input_tokens(1_000)
                        .prompt("hi")
                        .response("hello"),
                )
                .cost(CostMetadata::usd_cents(0.42)),
        )
        .await
        .unwrap();
    ingestor
        .record(Event::new("api.call", EventCustomer::external("user_42")).external_member_id("m-7"))
        .await
        .unwrap();
    within("flush", ingestor.flush()).await;

    let ledger = mock.ledger();
    let first = &ledger.events["mine-1"];
    assert_eq!(
        *first,
        serde_json::json!({
            "name": "llm.completion",
            "customer_id": "992fae2a-2a17-4b7a-8d9e-e287cf90131b",
            "external_id": "mine-1",
            "timestamp": "2026-11-02T10:00:00Z",
            "parent_id": "parent-1",
            "member_id": "3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43",
            "metadata": {
                "_llm": {"vendor": "openai", "model": "gpt-4o", "input_tokens": 1200,
                         "cached_input_tokens": 1000, "output_tokens": 300, "total_tokens": 1500,
                         "prompt": "hi", "response": "hello"},
                "_cost": {"amount": 0.42, "currency": "usd"},
                "endpoint": "/v1/chat",
                "latency_ms": 12.5,
                "streamed": true
            }
        })
    );
    // The other got a UUID v7 and the time it was recorded.
    let (id, second) = ledger
        .events
        .iter()
        .find(|(id, _)| *id != "mine-1")
        .unwrap();
    assert_eq!(id.parse::<Uuid>().unwrap().get_version_num(), 7);
    assert!(second["timestamp"].is_string());
    assert_eq!(second["external_member_id"], "m-7");

    // Both decode as the generated request types, and encode back the same.
    let body = serde_json::json!({"events": [first, second]});
    let typed: polar_api::v2026_10::models::EventsIngest =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), body);
    #[cfg(feature = "v2026-04")]
    {
        let typed: polar_api::v2026_04::models::EventsIngest =
            serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), body);
    }
    })
    .await
}

fn numbered(i: usize) -> Event {
    Event::new("api.call", EventCustomer::external("c")).external_id(format!("event-{i}"))
}

/// Sends 24 events as 12 batches of 2, all ready at once, to a mock that
/// holds each request 150 ms; returns the most requests it held at once.
async fn most_requests_held_at_once(max_in_flight: Option<usize>) -> usize {
    let mock = IngestMock::answering_after(Duration::from_millis(150)).await;
    let mut builder = mock
        .client(Duration::from_secs(10))
        .ingestor()
        .max_batch_size(2)
        .max_delay(Duration::from_secs(3600))
        .no_rate_limit();
    if let Some(n) = max_in_flight {
        builder = builder.max_in_flight(n);
    }
    let ingestor = builder.start().unwrap();
    for i in 0..24 {
        ingestor.try_record(numbered(i)).unwrap();
    }
    let limit = max_in_flight.unwrap_or(polar_api::ingest::DEFAULT_MAX_IN_FLIGHT) as u64;
    let mut flush = std::pin::pin!(ingestor.flush());
    within("flush", async {
        loop {
            tokio::select! {
                () = &mut flush => break,
                () = tokio::time::sleep(Duration::from_millis(10)) => {
                    let stats = ingestor.stats();
                    assert!(stats.in_flight <= limit, "{stats:?}");
                }
            }
        }
    })
    .await;
    let stats = ingestor.stats();
    assert_eq!(
        (stats.acknowledged, stats.batches, stats.requests),
        (24, 12, 12)
    );
    let ledger = mock.ledger();
    assert_eq!(ledger.distinct(), 24);
    assert_eq!(ledger.requests, 12);
    ledger.max_concurrent
}

#[tokio::test]
async fn by_default_one_request_is_in_flight_at_a_time() {
    guarded("by_default_one_request_is_in_flight_at_a_time", async {
        assert_eq!(polar_api::ingest::DEFAULT_MAX_IN_FLIGHT, 1);
        assert_eq!(most_requests_held_at_once(None).await, 1);
    })
    .await
}

#[tokio::test]
async fn never_more_than_max_in_flight_requests_at_once() {
    guarded("never_more_than_max_in_flight_requests_at_once", async {
        let most = most_requests_held_at_once(Some(3)).await;
        assert!(most <= 3, "the mock held {most} requests at once");
        // With 12 batches ready, the three slots are used together (so this
        // test sees it when the limit is not applied).
        assert!(most > 1, "the mock held {most} requests at once");
    })
    .await
}

#[tokio::test]
async fn no_more_requests_start_than_the_rate_limit_allows() {
    guarded("no_more_requests_start_than_the_rate_limit_allows", async {
        let mock = IngestMock::start(Default::default(), Refuse::Nothing).await;
        // Three requests an hour, five batches ready, room for all five in
        // flight: only the rate limit holds two back.
        let ingestor = mock
            .client(Duration::from_secs(10))
            .ingestor()
            .max_batch_size(2)
            .max_delay(Duration::from_secs(3600))
            .max_in_flight(5)
            .rate_limit(3, Duration::from_secs(3600))
            .start()
            .unwrap();
        for i in 0..10 {
            ingestor.try_record(numbered(i)).unwrap();
        }
        mock.wait_for(6).await;
        until("the three answers", || ingestor.stats().acknowledged >= 6).await;
        // Give the two others every chance to go out: they must not.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(mock.ledger().requests, 3);
        let stats = ingestor.stats();
        assert_eq!((stats.requests, stats.acknowledged), (3, 6), "{stats:?}");
        // Still waiting for the window when the shutdown deadline passes.
        let report = within(
            "shutdown",
            ingestor.shutdown_within(Duration::from_millis(100)),
        )
        .await;
        assert!(report.deadline_passed);
        assert_eq!(report.undelivered.len(), 4);
        assert!(report.undelivered.iter().all(|f| matches!(
            f.reason,
            FailureReason::ShutdownDeadline { last_error: None }
        )));
        assert_eq!(mock.ledger().requests, 3);
    })
    .await
}

#[tokio::test]
async fn a_429_is_retried_no_sooner_than_its_retry_after() {
    guarded("a_429_is_retried_no_sooner_than_its_retry_after", async {
        // The first request gets a 429 with `Retry-After: 1`, the rest go.
        let mock = IngestMock::start(
            ingest_support::Faults {
                rate_limited: &[0],
                retry_after: 1,
                ..Default::default()
            },
            Refuse::Nothing,
        )
        .await;
        let ingestor = mock
            .client(Duration::from_secs(10))
            .ingestor()
            .max_batch_size(2)
            .max_delay(Duration::from_secs(3600))
            .no_rate_limit()
            .start()
            .unwrap();
        for i in 0..6 {
            ingestor.try_record(numbered(i)).unwrap();
        }
        within("flush", ingestor.flush()).await;
        let stats = ingestor.stats();
        assert_eq!((stats.acknowledged, stats.requests), (6, 4), "{stats:?}");
        assert_eq!((stats.retried_batches, stats.retries), (1, 1));
        let ledger = mock.ledger();
        assert_eq!(ledger.statuses[&429], 1);
        assert_eq!(ledger.distinct(), 6);
        // A lower bound (the client's own backoff is 20 ms at most here):
        // nothing went out before the second the server asked for.
        let waited = ledger.arrivals[1] - ledger.arrivals[0];
        assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
    })
    .await
}

#[tokio::test]
async fn a_413_splits_the_batch_until_the_server_takes_it() {
    guarded("a_413_splits_the_batch_until_the_server_takes_it", async {
        // The server takes at most 3 events a request.
        let mock = IngestMock::start(
            ingest_support::Faults {
                max_events: Some(3),
                ..Default::default()
            },
            Refuse::Nothing,
        )
        .await;
        let ingestor = mock
            .client(Duration::from_secs(10))
            .ingestor()
            .max_batch_size(10)
            .start()
            .unwrap();
        for i in 0..10 {
            ingestor.try_record(numbered(i)).unwrap();
        }
        within("flush", ingestor.flush()).await;
        let stats = ingestor.stats();
        assert_eq!((stats.acknowledged, stats.failed), (10, 0), "{stats:?}");
        assert_eq!(stats.batches, 1);
        let ledger = mock.ledger();
        assert_eq!(ledger.distinct(), 10);
        // 10 -> 5 + 5 -> (2 + 3) + (2 + 3): three 413s, four requests taken.
        assert_eq!(ledger.statuses[&413], 3);
        assert_eq!(ledger.statuses[&200], 4);
    })
    .await
}

#[tokio::test]
async fn a_413_for_a_single_event_fails_it_for_good() {
    guarded("a_413_for_a_single_event_fails_it_for_good", async {
        let mock = IngestMock::answering(413).await;
        let (failures, on_failure) = collector();
        let ingestor = mock
            .client(Duration::from_secs(10))
            .ingestor()
            .max_batch_size(4)
            .on_failure(on_failure)
            .start()
            .unwrap();
        for i in 0..4 {
            ingestor.try_record(numbered(i)).unwrap();
        }
        within("flush", ingestor.flush()).await;
        let failures = std::mem::take(&mut *failures.lock().unwrap());
        assert_eq!(failures.len(), 4);
        for failure in &failures {
            let FailureReason::Rejected(error) = &failure.reason else {
                panic!("rejected: {:?}", failure.reason)
            };
            assert_eq!(error.api_error().map(|api| api.status), Some(413));
        }
        // 4 -> 2 + 2 -> 1 + 1 + 1 + 1: seven requests, each event alone last.
        assert_eq!(mock.ledger().requests, 7);
        assert_eq!(ingestor.stats().failed, 4);
    })
    .await
}

#[tokio::test]
async fn a_2xx_whose_body_does_not_decode_counts_as_acknowledged() {
    guarded(
        "a_2xx_whose_body_does_not_decode_counts_as_acknowledged",
        async {
            // `{}`: no `inserted`.
            let mock = IngestMock::answering(200).await;
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .start()
                .unwrap();
            for i in 0..3 {
                ingestor.try_record(numbered(i)).unwrap();
            }
            within("flush", ingestor.flush()).await;
            let stats = ingestor.stats();
            assert_eq!(
                (
                    stats.acknowledged,
                    stats.inserted,
                    stats.requests,
                    stats.retries
                ),
                (3, 0, 1, 0),
                "{stats:?}"
            );
            assert!(ingestor.take_failures().is_empty());
        },
    )
    .await
}

#[tokio::test]
async fn a_panicking_on_failure_callback_does_not_stop_the_ingestor() {
    guarded(
        "a_panicking_on_failure_callback_does_not_stop_the_ingestor",
        async {
            let mock = IngestMock::start(Default::default(), Refuse::Located).await;
            let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let ingestor = mock
                .client(Duration::from_secs(10))
                .ingestor()
                .max_batch_size(3)
                .max_delay(Duration::from_secs(3600))
                .on_failure({
                    let calls = std::sync::Arc::clone(&calls);
                    move |failure| {
                        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        panic!("a bug in the caller's callback ({})", failure.reason);
                    }
                })
                .start()
                .unwrap();
            let bad = Event::new("bad", EventCustomer::external("c")).external_id("bad-0");
            ingestor.try_record(bad).unwrap();
            ingestor.try_record(numbered(0)).unwrap();
            ingestor.try_record(numbered(1)).unwrap();
            within("the first flush", ingestor.flush()).await;
            assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
            // The ingestor still runs and delivers.
            for i in 2..8 {
                ingestor.try_record(numbered(i)).unwrap();
            }
            within("the second flush", ingestor.flush()).await;
            assert_eq!(mock.ledger().distinct(), 8);
            let report = within("shutdown", ingestor.shutdown()).await;
            assert_eq!(
                (report.stats.acknowledged, report.stats.refused),
                (8, 1),
                "{report:?}"
            );
            assert!(!report.deadline_passed);
        },
    )
    .await
}
