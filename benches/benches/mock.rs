//! polar-mock's stateless server: how long `MockPolar::start()` takes
//! (a test suite starts many), and how many requests per second it answers
//! on loopback.
//!
//! * `mock/start`: `MockPolar::start()` and dropping the mock, in a
//!   process where a mock already started (the first start, and the first
//!   request, which reads the version's tables once per process, are timed
//!   separately and printed);
//! * `mock/requests`: 1,000 `GET /v1/products/{id}` (routed, authenticated,
//!   the path's UUID validated and decoded, the product fixture answered),
//!   10 at a time over keep-alive connections from plain `reqwest`, on the
//!   same two-thread runtime as the server;
//! * `mock/sdk_requests`: the same through the SDK's client, which also
//!   decodes each answer into a `Product`.
//!
//! And the stateful mock (`MockPolar::builder().stateful()`):
//!
//! * `mock/start_stateful`: its start (an empty store) and drop;
//! * `mock/stateful_customers`: 250 `POST /v1/customers/` and 250
//!   `GET /v1/customers/{id}` of the customer just made (10 tasks of 25
//!   pairs), from plain `reqwest`, against a fresh stateful mock each
//!   iteration (started outside the timing), so the store does not grow
//!   across iterations;
//! * `mock/stateful_ingest`: 10 `POST /v1/events/ingest` of 100 events each
//!   (each with an `external_id`, which the mock de-duplicates), one after
//!   the other, against a fresh stateful mock each iteration.
//!
//! `cargo bench -p polar-benches --bench mock`

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polar_mock::fixtures::v2026_10;
use polar_mock::MockPolar;

const BATCH: usize = 1_000;
const CONCURRENCY: usize = 10;

fn mock(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");

    let started = Instant::now();
    let first = runtime.block_on(MockPolar::start());
    eprintln!("mock/first_start: {:?}", started.elapsed());

    let mut group = c.benchmark_group("mock");
    group.bench_function("start", |b| {
        b.to_async(&runtime)
            .iter(|| async { drop(MockPolar::start().await) })
    });

    let id = v2026_10::product().id;
    let url = format!("{}/v1/products/{id}", first.url());
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a reqwest client");
    let authorization = format!("Bearer {}", MockPolar::ORG_TOKEN);
    let sdk = first.client();
    runtime.block_on(async {
        let started = Instant::now();
        let response = http
            .get(&url)
            .header("authorization", &authorization)
            .send()
            .await
            .expect("the mock answers");
        assert_eq!(response.status(), 200);
        eprintln!(
            "mock/first_request: {:?} (the client's first connection; the mock reads the version's tables)",
            started.elapsed()
        );
        sdk.products().get(id).send().await.expect("products:get");
    });

    group.throughput(Throughput::Elements(BATCH as u64));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("requests", |b| {
        b.to_async(&runtime).iter(|| async {
            let tasks: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (http, url, authorization) =
                        (http.clone(), url.clone(), authorization.clone());
                    tokio::spawn(async move {
                        for _ in 0..BATCH / CONCURRENCY {
                            let response = http
                                .get(&url)
                                .header("authorization", &authorization)
                                .send()
                                .await
                                .expect("the mock answers");
                            assert_eq!(response.status(), 200);
                            response.bytes().await.expect("a body");
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("a task");
            }
        })
    });
    group.bench_function("sdk_requests", |b| {
        b.to_async(&runtime).iter(|| async {
            let tasks: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let sdk = sdk.clone();
                    tokio::spawn(async move {
                        for _ in 0..BATCH / CONCURRENCY {
                            sdk.products().get(id).send().await.expect("products:get");
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("a task");
            }
        })
    });
    stateful(&runtime, &mut group, &http, &authorization);
    group.finish();
    drop(first);
}

const CUSTOMER_PAIRS: usize = 25;
const INGEST_BATCHES: usize = 10;
const EVENTS_PER_BATCH: usize = 100;

fn stateful(
    runtime: &tokio::runtime::Runtime,
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    http: &reqwest::Client,
    authorization: &str,
) {
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("start_stateful", |b| {
        b.to_async(runtime).iter(|| async {
            drop(
                MockPolar::builder()
                    .stateful()
                    .start()
                    .await
                    .expect("a stateful mock"),
            )
        })
    });

    group.throughput(Throughput::Elements(
        (2 * CUSTOMER_PAIRS * CONCURRENCY) as u64,
    ));
    group.bench_function("stateful_customers", |b| {
        b.to_async(runtime).iter_custom(|iterations| {
            let (http, authorization) = (http.clone(), authorization.to_owned());
            async move {
                let mut timed = Duration::ZERO;
                for _ in 0..iterations {
                    let mock = MockPolar::builder()
                        .stateful()
                        .start()
                        .await
                        .expect("a stateful mock");
                    let base = mock.url();
                    let started = Instant::now();
                    let tasks: Vec<_> = (0..CONCURRENCY)
                        .map(|task| {
                            let (http, base, authorization) =
                                (http.clone(), base.clone(), authorization.clone());
                            tokio::spawn(async move {
                                for i in 0..CUSTOMER_PAIRS {
                                    let body = format!(
                                        r#"{{"email":"customer-{task}-{i}@example.com","name":"Customer {i}"}}"#
                                    );
                                    let created = http
                                        .post(format!("{base}/v1/customers/"))
                                        .header("authorization", &authorization)
                                        .header("content-type", "application/json")
                                        .body(body)
                                        .send()
                                        .await
                                        .expect("the mock answers");
                                    assert_eq!(created.status(), 201);
                                    let created: serde_json::Value = serde_json::from_slice(
                                        &created.bytes().await.expect("a body"),
                                    )
                                    .expect("a customer");
                                    let id = created["id"].as_str().expect("an id");
                                    let got = http
                                        .get(format!("{base}/v1/customers/{id}"))
                                        .header("authorization", &authorization)
                                        .send()
                                        .await
                                        .expect("the mock answers");
                                    assert_eq!(got.status(), 200);
                                    got.bytes().await.expect("a body");
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.expect("a task");
                    }
                    timed += started.elapsed();
                    drop(mock);
                }
                timed
            }
        })
    });

    group.throughput(Throughput::Elements(
        (INGEST_BATCHES * EVENTS_PER_BATCH) as u64,
    ));
    group.bench_function("stateful_ingest", |b| {
        b.to_async(runtime).iter_custom(|iterations| {
            let (http, authorization) = (http.clone(), authorization.to_owned());
            async move {
                let mut timed = Duration::ZERO;
                for _ in 0..iterations {
                    let mock = MockPolar::builder()
                        .stateful()
                        .start()
                        .await
                        .expect("a stateful mock");
                    let url = format!("{}/v1/events/ingest", mock.url());
                    let started = Instant::now();
                    for batch in 0..INGEST_BATCHES {
                        let events: Vec<String> = (0..EVENTS_PER_BATCH)
                            .map(|i| {
                                format!(
                                    r#"{{"name":"api_call","external_customer_id":"user_{}","external_id":"event-{batch}-{i}","metadata":{{"tokens":{i}}}}}"#,
                                    i % 7
                                )
                            })
                            .collect();
                        let response = http
                            .post(&url)
                            .header("authorization", &authorization)
                            .header("content-type", "application/json")
                            .body(format!(r#"{{"events":[{}]}}"#, events.join(",")))
                            .send()
                            .await
                            .expect("the mock answers");
                        assert_eq!(response.status(), 200);
                        response.bytes().await.expect("a body");
                    }
                    timed += started.elapsed();
                    drop(mock);
                }
                timed
            }
        })
    });
}

criterion_group!(benches, mock);
criterion_main!(benches);
