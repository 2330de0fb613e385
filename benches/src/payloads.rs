//! Realistic JSON payloads, built from the spec with
//! [`InstanceBuilder`], for the decode and client benchmarks.
//!
//! A page holds `len` items of one component schema. Item `i` is built with
//! union variant `i` (so the items cover the members of every union the
//! schema contains, in varying combinations) and gets its own `id`. All
//! payloads are compact JSON, as the API sends them.

use codegen::instance::InstanceBuilder;
use codegen::spec::Spec;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// How many items the page payloads hold (the API's maximum `limit`).
pub const PAGE_LEN: usize = 100;

/// A UUID (version 4 layout) that differs for every `i`.
pub fn uuid_for(i: usize) -> String {
    let i = i as u64;
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        0x3f8e_4a52_u64.wrapping_add(i) & 0xffff_ffff,
        (0x6c1d + i) & 0xffff,
        (0xb7e + i) & 0xfff,
        (0xa0f + i) & 0xfff,
        0x2d5c_8b1e_7a43_u64.wrapping_add(i * 0x1_0001) & 0xffff_ffff_ffff,
    )
}

/// An instance of component `name`, built with union variant `variant`.
pub fn component(spec: &Spec, name: &str, variant: usize) -> Value {
    InstanceBuilder::new(spec)
        .with_variant(variant)
        .component(name)
        .unwrap_or_else(|| panic!("the spec has no component schema `{name}`"))
}

/// A page (`page_schema`, such as `ListResource_Order_`) of `len` varied
/// instances of `item_schema`, with pagination saying it is the only page.
pub fn page(spec: &Spec, page_schema: &str, item_schema: &str, len: usize) -> Value {
    let mut page = component(spec, page_schema, 0);
    let items: Vec<Value> = (0..len)
        .map(|i| {
            let mut item = component(spec, item_schema, i);
            if let Some(id) = item.get_mut("id") {
                *id = json!(uuid_for(i));
            }
            item
        })
        .collect();
    page["items"] = Value::Array(items);
    if let Some(pagination) = page.get_mut("pagination").and_then(Value::as_object_mut) {
        if pagination.contains_key("total_count") {
            pagination.insert("total_count".into(), json!(len));
        }
        if pagination.contains_key("max_page") {
            pagination.insert("max_page".into(), json!(1));
        }
    }
    page
}

/// `ListResource_Order_` with [`PAGE_LEN`] orders.
pub fn order_page(spec: &Spec) -> Vec<u8> {
    to_bytes(&page(spec, "ListResource_Order_", "Order", PAGE_LEN))
}

/// `ListResource_Subscription_` with [`PAGE_LEN`] subscriptions.
pub fn subscription_page(spec: &Spec) -> Vec<u8> {
    to_bytes(&page(
        spec,
        "ListResource_Subscription_",
        "Subscription",
        PAGE_LEN,
    ))
}

/// A `CustomerState` (its first member, an individual customer).
pub fn customer_state(spec: &Spec) -> Vec<u8> {
    to_bytes(&component(spec, "CustomerState", 0))
}

/// A `Product`, the response of `products:get`.
pub fn product(spec: &Spec) -> Vec<u8> {
    let mut product = component(spec, "Product", 0);
    product["id"] = json!(uuid_for(0));
    to_bytes(&product)
}

/// The body of a webhook delivery for `event` (such as `order.created`),
/// built from the request body schema of the spec's `webhooks` entry.
pub fn webhook(spec: &Spec, event: &str) -> Vec<u8> {
    let item = spec
        .webhooks
        .get(event)
        .unwrap_or_else(|| panic!("the spec has no webhook `{event}`"));
    let schema = item
        .webhook_body()
        .unwrap_or_else(|| panic!("the webhook `{event}` has no JSON body schema"));
    let payload = InstanceBuilder::new(spec).schema(schema);
    assert_eq!(payload["type"], event, "the payload carries its event type");
    to_bytes(&payload)
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a JSON value encodes")
}

/// Decodes `bytes` as `T` with strict decoding on (nothing may land in an
/// `Unknown` variant), so a benchmark is known to decode into the types the
/// spec names. Panics naming `what` otherwise.
pub fn decode_strict<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> T {
    polar_models::__private::strict_decoding(|| serde_json::from_slice(bytes)).unwrap_or_else(|e| {
        panic!(
            "the {what} payload does not decode as {}: {e}",
            std::any::type_name::<T>()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polar_models::v2026_10::{
        CustomerState, ListResourceOrder, ListResourceSubscription, Product, WebhookPayload,
    };

    #[test]
    fn uuids_differ_and_parse() {
        let ids: std::collections::BTreeSet<String> = (0..PAGE_LEN).map(uuid_for).collect();
        assert_eq!(ids.len(), PAGE_LEN);
        for id in &ids {
            id.parse::<polar_models::uuid::Uuid>().expect("a UUID");
        }
    }

    #[test]
    fn every_payload_decodes_into_its_type() {
        let spec = crate::spec();
        let orders: ListResourceOrder = decode_strict("orders", &order_page(&spec));
        assert_eq!(orders.items.len(), PAGE_LEN);
        let subscriptions: ListResourceSubscription =
            decode_strict("subscriptions", &subscription_page(&spec));
        assert_eq!(subscriptions.items.len(), PAGE_LEN);
        let _: CustomerState = decode_strict("customer state", &customer_state(&spec));
        let _: Product = decode_strict("product", &product(&spec));
        let event: WebhookPayload =
            decode_strict("order.created", &webhook(&spec, "order.created"));
        assert!(matches!(event, WebhookPayload::OrderCreated(_)));
    }
}
