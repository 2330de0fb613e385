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
    group.finish();
    drop(first);
}

criterion_group!(benches, mock);
criterion_main!(benches);
