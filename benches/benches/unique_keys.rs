//! The decode cost of the unique-keys policy (a key twice in one object is
//! a decode error, everywhere: typed structs, maps, free-form values,
//! `metadata`, a union's `Unknown`). Free-form values and maps are read
//! through `polar_models::__private::unique_keys` (`UniqueKeys`, then the
//! slot's type from the `Value`), where serde_json alone would read them
//! straight from the bytes keeping the last duplicate; typed structs refuse
//! a field twice by themselves and pay nothing extra.
//!
//! On the same bytes (a page of 100 orders, an `order.created` delivery):
//! `value` is `serde_json::from_str::<Value>` (no check) and
//! `value_unique_keys` the policy's reader for a free-form value
//! (`from_str_unique_keys::<Value>`): their ratio is the policy's cost on a
//! payload read entirely as free-form JSON, its worst case. `typed` (the
//! shipped decoder of the payload's type, paying the policy only inside
//! its maps and free-form fields) gives the scale.
//!
//! `cargo bench -p polar-benches --bench unique_keys`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polar_benches::payloads::{self, decode_strict};
use polar_models::__private::{decode_json, from_str_unique_keys};
use polar_models::v2026_10::{ListResourceOrder, WebhookPayload};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn group<T: DeserializeOwned>(c: &mut Criterion, name: &str, bytes: &[u8]) {
    let _: T = decode_strict(name, bytes);
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let mut group = c.benchmark_group(format!("unique_keys/{name}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(text)).expect("JSON"))
    });
    group.bench_function("value_unique_keys", |b| {
        b.iter(|| from_str_unique_keys::<Value>(black_box(text)).expect("JSON"))
    });
    group.bench_function("typed", |b| {
        b.iter(|| decode_json::<T>(black_box(bytes)).expect("a typed payload"))
    });
    group.finish();
}

fn unique_keys(c: &mut Criterion) {
    let spec = polar_benches::spec();
    let orders = payloads::order_page(&spec);
    let webhook = payloads::webhook(&spec, "order.created");
    group::<ListResourceOrder>(c, "orders_page_100", &orders);
    group::<WebhookPayload>(c, "webhook_order_created", &webhook);
}

criterion_group!(benches, unique_keys);
criterion_main!(benches);
