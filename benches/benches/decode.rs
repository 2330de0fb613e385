//! Typed decoding of realistic payloads, as polar-api decodes a body
//! (`decode_json`: one UTF-8 check, then serde_json's `&str` reader), against
//! three baselines on the same bytes: `IgnoredAny` (parse and discard: the
//! floor for any decoder), `owned_strings` (read as `typed` reads, and copy
//! every string value into a `String`: roughly what owning the strings
//! costs) and `serde_json::Value` (the untyped alternative).
//!
//! Payloads are built from the spec (`polar_benches::payloads`): a page of
//! 100 orders, a page of 100 subscriptions, a `CustomerState`, an
//! `order.created` and a `benefit_grant.created` webhook delivery. Each is
//! checked to decode into its type, with no `Unknown` variant, before it is
//! measured. Every decode includes dropping its result.
//!
//! `cargo bench -p polar-benches --bench decode`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use polar_benches::payloads::{self, decode_strict};
use polar_models::__private::decode_json;
use polar_models::v2026_10::{
    CustomerState, ListResourceOrder, ListResourceSubscription, WebhookPayload,
};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

/// The decoders of one payload, as one group.
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
        b.iter(|| decode_json::<T>(black_box(bytes)).expect("a typed payload"))
    });
    group.bench_function("owned_strings", |b| {
        b.iter(|| decode_json::<OwnedStrings>(black_box(bytes)).expect("JSON"))
    });
    group.finish();
}

/// Walks any JSON value and copies every string value into an owned `String`
/// (keys are only read, as a typed decoder reads them), reading the bytes as
/// `typed` does. A reference point for a decoder whose output owns its
/// strings, not an exact floor: it copies strings our types do not own
/// (timestamps, ids, enum values) and builds nothing else.
struct OwnedStrings;

impl<'de> serde::Deserialize<'de> for OwnedStrings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OwnedStringsVisitor)
    }
}

struct OwnedStringsVisitor;

impl<'de> serde::de::Visitor<'de> for OwnedStringsVisitor {
    type Value = OwnedStrings;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<OwnedStrings, E> {
        Ok(OwnedStrings)
    }
    fn visit_i64<E>(self, _: i64) -> Result<OwnedStrings, E> {
        Ok(OwnedStrings)
    }
    fn visit_u64<E>(self, _: u64) -> Result<OwnedStrings, E> {
        Ok(OwnedStrings)
    }
    fn visit_f64<E>(self, _: f64) -> Result<OwnedStrings, E> {
        Ok(OwnedStrings)
    }
    fn visit_unit<E>(self) -> Result<OwnedStrings, E> {
        Ok(OwnedStrings)
    }
    fn visit_str<E>(self, v: &str) -> Result<OwnedStrings, E> {
        black_box(String::from(v));
        Ok(OwnedStrings)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OwnedStrings, A::Error> {
        while seq.next_element::<OwnedStrings>()?.is_some() {}
        Ok(OwnedStrings)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OwnedStrings, A::Error> {
        while map.next_key::<KeyOnly>()?.is_some() {
            map.next_value::<OwnedStrings>()?;
        }
        Ok(OwnedStrings)
    }
}

struct KeyOnly;
impl<'de> serde::Deserialize<'de> for KeyOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = KeyOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyOnly, E> {
                black_box(v.len());
                Ok(KeyOnly)
            }
        }
        d.deserialize_str(V)
    }
}

fn decode(c: &mut Criterion) {
    let spec = polar_benches::spec();
    let orders = payloads::order_page(&spec);
    let subscriptions = payloads::subscription_page(&spec);
    let customer_state = payloads::customer_state(&spec);
    let webhook = payloads::webhook(&spec, "order.created");
    // A grant union with no discriminator, told apart by `benefit.type`:
    // the decoder looks one level into the payload to choose.
    let grant = payloads::webhook(&spec, "benefit_grant.created");
    for (name, bytes) in [
        ("orders_page_100", &orders),
        ("subscriptions_page_100", &subscriptions),
        ("customer_state", &customer_state),
        ("webhook_order_created", &webhook),
        ("webhook_benefit_grant_created", &grant),
    ] {
        eprintln!("{name}: {} bytes", bytes.len());
    }

    group::<ListResourceOrder>(c, "orders_page_100", &orders);
    group::<ListResourceSubscription>(c, "subscriptions_page_100", &subscriptions);
    group::<CustomerState>(c, "customer_state", &customer_state);
    group::<WebhookPayload>(c, "webhook_order_created", &webhook);
    group::<WebhookPayload>(c, "webhook_benefit_grant_created", &grant);
}

criterion_group!(benches, decode);
criterion_main!(benches);
