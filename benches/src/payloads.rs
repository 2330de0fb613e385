//! Realistic JSON payloads, built from the spec with
//! [`InstanceBuilder`], for the decode and client benchmarks.
//!
//! A page holds `len` items of one component schema. Item `i` is built with
//! union variant `i` (so the items cover the members of every union the
//! schema contains, in varying combinations) and gets its own `id`. All
//! payloads are compact JSON with each object's keys in its schema's
//! property order, as the API sends them (`to_bytes`).

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
    to_bytes(spec, &page(spec, "ListResource_Order_", "Order", PAGE_LEN))
}

/// `ListResource_Subscription_` with [`PAGE_LEN`] subscriptions.
pub fn subscription_page(spec: &Spec) -> Vec<u8> {
    to_bytes(
        spec,
        &page(spec, "ListResource_Subscription_", "Subscription", PAGE_LEN),
    )
}

/// A `CustomerState` (its first member, an individual customer).
pub fn customer_state(spec: &Spec) -> Vec<u8> {
    to_bytes(spec, &component(spec, "CustomerState", 0))
}

/// A `Product`, the response of `products:get`.
pub fn product(spec: &Spec) -> Vec<u8> {
    let mut product = component(spec, "Product", 0);
    product["id"] = json!(uuid_for(0));
    to_bytes(spec, &product)
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
    to_bytes(spec, &payload)
}

/// Compact JSON with each object's keys in the order Polar's server writes
/// them: its schema's property order (a webhook's `type` before its `data`,
/// a grant's `customer` before its `benefit`), where `serde_json`'s map
/// sorts them. An object's schema is the component listing all its keys
/// with the fewest others; the keys of a free-form map keep their order.
/// Where a tag sits decides how far a union's decoder reads to find it.
fn to_bytes(spec: &Spec, value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_ordered(spec, value, &mut out);
    debug_assert_eq!(
        serde_json::from_slice::<Value>(&out).ok().as_ref(),
        Some(value)
    );
    out
}

fn write_ordered(spec: &Spec, value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let order = spec
                .components
                .schemas
                .values()
                .filter(|schema| map.keys().all(|key| schema.properties.contains_key(key)))
                .min_by_key(|schema| schema.properties.len())
                .map(|schema| &schema.properties);
            let mut keys: Vec<&String> = map.keys().collect();
            if let Some(order) = order {
                keys.sort_by_key(|key| order.get_index_of(key.as_str()));
            }
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key).expect("a key encodes");
                out.push(b':');
                write_ordered(spec, &map[key], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_ordered(spec, item, out);
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar).expect("a scalar encodes"),
    }
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

    #[test]
    fn objects_keep_their_schema_s_property_order() {
        let spec = crate::spec();
        let bytes = webhook(&spec, "benefit_grant.created");
        let text = String::from_utf8(bytes).expect("UTF-8");
        // serde_json's sorted map would start with `data` and put the grant's
        // `benefit` before its `customer`.
        assert!(
            text.starts_with(r#"{"type":"benefit_grant.created","timestamp":"#),
            "{}",
            &text[..80]
        );
        let customer = text.find(r#""customer":"#).expect("a customer");
        let benefit = text.find(r#""benefit":"#).expect("a benefit");
        assert!(customer < benefit, "{text}");
    }
}
