//! The usage-event ingestor (`polar_api::ingest`) against a loopback mock
//! that answers every `POST /v1/events/ingest` at once
//! (`polar_benches::mock`, 127.0.0.1, keep-alive).
//!
//! * `ingest/throughput/batch_<b>/producers_<p>`: 20,000 events recorded
//!   by `p` tasks (each building its events, as a request handler does)
//!   and flushed, batches of `b`, one request in flight (the default), no
//!   rate limit of the ingestor's own (Polar's 300 requests a minute would
//!   be the bound otherwise); criterion's throughput is events per second
//!   from the first `record` to the server's last answer.
//! * `ingest/record`: the producer side alone, the time of `record` for
//!   one event already built, while the background task batches and sends
//!   on the other worker thread (the queue is large enough never to be
//!   full, and is drained outside the measured time).
//!
//! `cargo bench -p polar-benches --bench ingest`

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use polar_api::ingest::{Event, EventCustomer, Ingestor};
use polar_api::v2026_10::Client;
use polar_benches::mock::MockServer;

const EVENTS: u64 = 20_000;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("polar_oat_benchmark")
        .base_url(server.base_url())
        .http_client(
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("a reqwest client"),
        )
        .build()
        .expect("a polar client")
}

fn event(producer: u64, i: u64) -> Event {
    Event::new(
        "api.call",
        EventCustomer::external(format!("customer-{producer}")),
    )
    .metadata("endpoint", "/v1/search")
    .metadata("units", i)
}

fn ingestor(runtime: &tokio::runtime::Runtime, client: &Client, batch: usize) -> Ingestor {
    let _guard = runtime.enter();
    client
        .ingestor()
        .max_batch_size(batch)
        .queue_capacity(10_000_000)
        .no_rate_limit()
        .start()
        .expect("an ingestor")
}

fn ingest(c: &mut Criterion) {
    let server = MockServer::start(vec![(
        "/v1/events/ingest".to_owned(),
        br#"{"inserted":1000,"duplicates":0}"#.to_vec(),
    )])
    .expect("the mock server starts");
    // Two workers: one per core of the machine the numbers were taken on.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let client = client(&server);

    let mut group = c.benchmark_group("ingest/throughput");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    for batch in [100usize, 1_000] {
        for producers in [1u64, 8] {
            let ingestor = ingestor(&runtime, &client, batch);
            let id = BenchmarkId::new(format!("batch_{batch}"), format!("producers_{producers}"));
            group.bench_function(id, |b| {
                b.to_async(&runtime).iter(|| {
                    let ingestor = ingestor.clone();
                    async move {
                        let per_task = EVENTS / producers;
                        let mut tasks = Vec::new();
                        for producer in 0..producers {
                            let ingestor = ingestor.clone();
                            tasks.push(tokio::spawn(async move {
                                for i in 0..per_task {
                                    ingestor.record(event(producer, i)).await.expect("recorded");
                                }
                            }));
                        }
                        for task in tasks {
                            task.await.expect("a producer");
                        }
                        ingestor.flush().await;
                    }
                })
            });
            let stats = ingestor.stats();
            assert_eq!(stats.acknowledged, stats.recorded, "{stats:?}");
            assert_eq!(stats.failed + stats.refused, 0, "{stats:?}");
        }
    }
    group.finish();

    let mut group = c.benchmark_group("ingest");
    let ingestor = ingestor(&runtime, &client, 1_000);
    group.bench_function("record", |b| {
        b.iter_custom(|iters| {
            let events: Vec<Event> = (0..iters).map(|i| event(0, i)).collect();
            runtime.block_on(async {
                let started = Instant::now();
                for event in events {
                    ingestor.record(event).await.expect("recorded");
                }
                let elapsed = started.elapsed();
                ingestor.flush().await;
                elapsed
            })
        })
    });
    group.finish();
    let stats = ingestor.stats();
    assert_eq!(stats.acknowledged, stats.recorded, "{stats:?}");
    drop(server);
}

criterion_group!(benches, ingest);
criterion_main!(benches);
