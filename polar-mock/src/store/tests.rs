//! The store without a server: commands in, state and events out.

use serde_json::{json, Value};

use super::{fit, ListQuery, Store};

fn store() -> Store {
    let version = *crate::api_versions()
        .last()
        .expect("a version in the build");
    Store::new(version)
}

fn page(items: Vec<Value>, query: Value) -> Value {
    let query = query.as_object().cloned().unwrap_or_default();
    ListQuery { query: &query }.page(items)
}

fn emitted(store: &mut Store) -> Vec<String> {
    std::mem::take(&mut store.outbox)
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

#[test]
fn fit_takes_the_templates_fields_and_fills_a_narrower_entity() {
    let stored = json!({"id": "a", "name": "kept", "extra": 1, "product": {"id": "p", "name": "P"}, "properties": {"x": 1}});
    let template = json!({"id": "t", "name": "n", "missing": true, "product": {"id": "q", "name": "Q", "organization": {"id": "o"}}, "properties": {"y": 2}});
    let fitted = fit(&stored, &template);
    assert_eq!(
        fitted,
        json!({"id": "a", "name": "kept", "missing": true, "product": {"id": "p", "name": "P", "organization": {"id": "o"}}, "properties": {"x": 1}})
    );
}

#[test]
fn lists_page_newest_first_and_filter_by_field() {
    let items: Vec<Value> = (0..7)
        .map(|i| json!({"id": i.to_string(), "created_at": "2026-03-02T10:15:00Z", "status": if i % 2 == 0 { "active" } else { "canceled" }}))
        .collect();
    let first = page(items.clone(), json!({"limit": 3}));
    assert_eq!(
        first["pagination"],
        json!({"total_count": 7, "max_page": 3})
    );
    let ids: Vec<&Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, [&json!("6"), &json!("5"), &json!("4")]);
    let last = page(items.clone(), json!({"limit": 3, "page": 3}));
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    let active = page(items.clone(), json!({"status": "active"}));
    assert_eq!(active["pagination"]["total_count"], 4);
    let either = page(items.clone(), json!({"id": ["1", "2"]}));
    assert_eq!(either["pagination"]["total_count"], 2);
    let ascending = page(items, json!({"sorting": ["id"]}));
    assert_eq!(ascending["items"][0]["id"], "0");
    let empty = page(Vec::new(), json!({}));
    assert_eq!(
        empty["pagination"],
        json!({"total_count": 0, "max_page": 0})
    );
}

#[test]
fn ingesting_skips_external_ids_already_seen_also_in_the_same_batch() {
    let mut store = store();
    let event =
        |id: &str| json!({"name": "api.request", "external_customer_id": "u", "external_id": id});
    let first = store
        .ingest(&json!({"events": [event("a"), event("b"), event("a")]}))
        .unwrap();
    assert_eq!(first, json!({"inserted": 2, "duplicates": 1}));
    let again = store.ingest(&json!({"events": [event("b"), event("c"), {"name": "no.id", "external_customer_id": "u"}]})).unwrap();
    assert_eq!(again, json!({"inserted": 2, "duplicates": 1}));
    assert_eq!(store.events.len(), 4);
}

#[test]
fn a_license_key_activates_within_its_limit() {
    let mut store = store();
    let benefit = store
        .create_benefit(&json!({"type": "license_keys", "description": "Key", "properties": {"prefix": "K", "activations": {"limit": 1, "enable_customer_admin": false}, "limit_usage": 2}}))
        .unwrap();
    let customer = store
        .create_customer(&json!({"email": "a@example.com"}))
        .unwrap();
    let key_id = store.new_license_key(&benefit, &customer);
    let key = store.license_keys[0]["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("K_"), "{key}");
    let activation = store
        .activate_key(&json!({"key": key, "label": "one"}), None)
        .unwrap();
    let err = store
        .activate_key(&json!({"key": key, "label": "two"}), None)
        .unwrap_err();
    assert_eq!(err.status, 403);
    let validated = store
        .validate_key(
            &json!({"key": key, "activation_id": activation["id"], "increment_usage": 2}),
            None,
        )
        .unwrap();
    assert_eq!(
        (validated["usage"].clone(), validated["validations"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(validated["activation"]["id"], activation["id"]);
    let over = store
        .validate_key(&json!({"key": key, "increment_usage": 1}), None)
        .unwrap_err();
    assert_eq!(over.status, 403);
    store
        .deactivate_key(
            &json!({"key": key, "activation_id": activation["id"]}),
            None,
        )
        .unwrap();
    store
        .activate_key(&json!({"key": key, "label": "two"}), None)
        .unwrap();
    assert_eq!(
        store.key_with_activations(&key_id).unwrap()["activations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .validate_key(&json!({"key": "nope"}), None)
            .unwrap_err()
            .status,
        404
    );
}

#[test]
fn a_one_time_purchase_grants_without_a_subscription() {
    let mut store = store();
    let product = store
        .create_product(&json!({"name": "Book", "prices": [{"amount_type": "fixed", "price_amount": 1500, "price_currency": "usd"}]}))
        .unwrap();
    assert_eq!(product["prices"][0]["type"], "one_time");
    let benefit = store
        .create_benefit(&json!({"type": "custom", "description": "Thanks", "properties": {}}))
        .unwrap();
    let product_id = product["id"].as_str().unwrap().to_owned();
    store
        .set_product_benefits(&product_id, &json!({"benefits": [benefit["id"]]}))
        .unwrap();
    let checkout = store
        .create_checkout(
            &json!({"products": [product_id], "customer_email": "b@example.com"}),
            "http://mock",
        )
        .unwrap();
    emitted(&mut store);
    let done = store
        .complete_checkout(checkout["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(done.subscription_id, None);
    assert_eq!(done.benefit_grant_ids.len(), 1);
    assert_eq!(
        emitted(&mut store),
        [
            "checkout.updated",
            "customer.created",
            "customer.state_changed",
            "order.created",
            "order.updated",
            "order.paid",
            "checkout.updated",
            "benefit_grant.created",
            "customer.state_changed",
        ]
    );
    assert_eq!(store.orders[0]["billing_reason"], "purchase");
    // A refund that revokes the benefits of a one-time order.
    let order_id = store.orders[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        store
            .refund_order(&order_id, Some(2000), "customer_request", true)
            .unwrap_err()
            .status,
        400
    );
    store
        .refund_order(&order_id, Some(500), "customer_request", false)
        .unwrap();
    assert_eq!(store.orders[0]["status"], "partially_refunded");
    store
        .refund_order(&order_id, None, "customer_request", true)
        .unwrap();
    assert_eq!(store.orders[0]["status"], "refunded");
    assert_eq!(store.grants[0]["is_revoked"], true);
}
