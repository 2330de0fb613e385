//! Typed decoding of realistic payloads, against two baselines on the same
//! bytes: `IgnoredAny` (parse and discard: the floor for any decoder) and
//! `serde_json::Value` (the untyped alternative).
//!
//! Payloads are built from the spec (`polar_benches::payloads`): a page of
//! 100 orders, a page of 100 subscriptions, a `CustomerState` and an
//! `order.created` webhook delivery. Each is checked to decode into its
//! type, with no `Unknown` variant, before it is measured. Every decode
//! includes dropping its result.
//!
//! `cargo bench -p polar-benches --bench decode`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polar_benches::payloads::{self, decode_strict};
use polar_models::v2026_10::{
    CustomerState, ListResourceOrder, ListResourceSubscription, WebhookPayload,
};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

/// The three decoders of one payload, as one group.
fn group<T: DeserializeOwned>(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let _: T = decode_strict(name, bytes);
    let mut group = c.benchmark_group(format!("decode/{name}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("ignored_any", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(bytes)).expect("JSON"))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).expect("JSON"))
    });
    group.bench_function("typed", |b| {
        b.iter(|| serde_json::from_slice::<T>(black_box(bytes)).expect("a typed payload"))
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let spec = polar_benches::spec();
    let orders = payloads::order_page(&spec);
    let subscriptions = payloads::subscription_page(&spec);
    let customer_state = payloads::customer_state(&spec);
    let webhook = payloads::webhook(&spec, "order.created");
    for (name, bytes) in [
        ("orders_page_100", &orders),
        ("subscriptions_page_100", &subscriptions),
        ("customer_state", &customer_state),
        ("webhook_order_created", &webhook),
    ] {
        eprintln!("{name}: {} bytes", bytes.len());
    }

    group::<ListResourceOrder>(c, "orders_page_100", &orders);
    group::<ListResourceSubscription>(c, "subscriptions_page_100", &subscriptions);
    group::<CustomerState>(c, "customer_state", &customer_state);
    group::<WebhookPayload>(c, "webhook_order_created", &webhook);
}

criterion_group!(benches, decode);
criterion_main!(benches);
