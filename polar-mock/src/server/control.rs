//! The test helpers over HTTP, under `/__mock/`: what a Rust test does
//! with [`MockPolar`](crate::MockPolar)'s methods, for a test suite in any
//! language driving `polar-mock serve`. No credentials (the mock listens on
//! loopback only); never recorded as received requests; JSON in and out;
//! a helper's refusal is `404` (no such object), `409` (not in a state
//! that allows it, or a stateless mock) or `422` (invalid), with
//! `{"detail": "..."}`.
//!
//! | request | does |
//! |---|---|
//! | `GET /__mock/` | `{"api_versions": [..], "stateful": bool}` |
//! | `POST /__mock/checkouts/{id}/complete` | the customer pays: the ids it made |
//! | `POST /__mock/checkouts/{id}/expire` | the checkout expires unpaid |
//! | `POST /__mock/subscriptions/{id}/{cancel,uncancel,revoke,renew}` | as the methods of the same names |
//! | `POST /__mock/orders/{id}/refund` | `{"amount"?, "revoke_benefits"?}`: `{"refund_id"}` |
//! | `POST /__mock/webhooks` | `{"url", "secret", "events"?, "api_version"}`: `{"id"}` |
//! | `POST /__mock/trigger/{event}` | the event's fixture to every endpoint: `{"deliveries"}` |
//! | `GET /__mock/deliveries` | every webhook delivery, with its attempts |
//! | `GET /__mock/received` | every request received (operation, status, ...) |
//! | `GET /__mock/objects/{id}` | an object of the state |

use std::time::UNIX_EPOCH;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response};
use serde_json::{json, Value};

use super::body::MockBody;
use super::handle::json_response;
use super::Shared;
use crate::store::StateError;
use crate::webhooks::DeliveryStatus;

/// Where the helpers live.
pub(crate) const PREFIX: &str = "/__mock/";

/// The answer to a request under [`PREFIX`].
pub(crate) fn answer(shared: &Shared, parts: &Parts, body: &Bytes) -> Response<MockBody> {
    let path = parts.uri.path().trim_start_matches(PREFIX);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let result = match (&parts.method, segments.as_slice()) {
        (&Method::GET, []) => Ok(json!({
            "api_versions": crate::api_versions(),
            "stateful": shared.stateful,
        })),
        (&Method::GET, ["deliveries"]) => Ok(deliveries(shared)),
        (&Method::GET, ["received"]) => Ok(received(shared)),
        (&Method::GET, ["objects", id]) => object(shared, id),
        (&Method::POST, ["trigger", event]) => shared
            .trigger(event)
            .map(|made| json!({ "deliveries": made }))
            .map_err(refused),
        (&Method::POST, rest) => change(shared, rest, body),
        _ => Err(not_found()),
    };
    match result {
        Ok(value) => json_response(200, None, &value),
        Err((status, detail)) => json_response(status, None, &json!({ "detail": detail })),
    }
}

type Answer = Result<Value, (u16, String)>;

fn not_found() -> (u16, String) {
    (404, "Not Found".to_owned())
}

fn refused(err: StateError) -> (u16, String) {
    let status = match err {
        StateError::NotFound { .. } => 404,
        StateError::Conflict(_) => 409,
        _ => 422,
    };
    (status, err.to_string())
}

/// The helpers that change the state (a stateful mock only).
fn change(shared: &Shared, segments: &[&str], body: &Bytes) -> Answer {
    let known = matches!(
        segments,
        ["checkouts", _, "complete" | "expire"]
            | [
                "subscriptions",
                _,
                "cancel" | "uncancel" | "revoke" | "renew"
            ]
            | ["orders", _, "refund"]
            | ["webhooks"]
    );
    if !known {
        return Err(not_found());
    }
    if !shared.stateful {
        return Err((
            409,
            "this mock is stateless: start it with `serve --stateful` (or \
             `MockPolar::builder().stateful()`)"
                .to_owned(),
        ));
    }
    let input: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|err| (422, format!("the body is not JSON: {err}")))?
    };
    let done = json!({});
    match segments {
        ["checkouts", id, "complete"] => shared
            .with_store(|store| store.complete_checkout(id))
            .map(|paid| {
                json!({
                    "customer_id": paid.customer_id,
                    "order_id": paid.order_id,
                    "subscription_id": paid.subscription_id,
                    "benefit_grant_ids": paid.benefit_grant_ids,
                    "license_key_ids": paid.license_key_ids,
                })
            }),
        ["checkouts", id, "expire"] => shared
            .with_store(|store| store.expire_checkout(id))
            .map(|()| done),
        ["subscriptions", id, action] => shared
            .with_store(|store| match *action {
                "cancel" => store.cancel_subscription(id, None).map(drop),
                "uncancel" => store.uncancel_subscription(id).map(drop),
                "revoke" => store.revoke_subscription(id).map(drop),
                _ => store.renew_subscription(id).map(drop),
            })
            .map(|()| done),
        ["orders", id, "refund"] => {
            let amount = input["amount"].as_i64();
            let revoke = input["revoke_benefits"].as_bool().unwrap_or(false);
            shared
                .refund_order(id, amount, revoke)
                .map(|refund_id| json!({ "refund_id": refund_id }))
        }
        _ => {
            let text = |key: &str| {
                input[key]
                    .as_str()
                    .ok_or_else(|| (422, format!("`{key}` is required (a string)")))
            };
            let events: Vec<&str> = input["events"]
                .as_array()
                .map(|events| events.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let id = shared
                .register_webhook(text("url")?, text("secret")?, &events, text("api_version")?)
                .map_err(refused)?;
            return Ok(json!({ "id": id }));
        }
    }
    .map_err(refused)
}

fn object(shared: &Shared, id: &str) -> Answer {
    let store = shared.store.lock().unwrap_or_else(|e| e.into_inner());
    let found = store
        .all_objects()
        .find(|item| item["id"].as_str() == Some(id))
        .cloned();
    found.ok_or_else(not_found)
}

fn deliveries(shared: &Shared) -> Value {
    let deliveries: Vec<Value> = shared
        .webhooks
        .deliveries()
        .into_iter()
        .map(|delivery| {
            let attempts: Vec<Value> = delivery
                .attempts
                .iter()
                .map(|attempt| {
                    let at = attempt
                        .at
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |elapsed| elapsed.as_millis() as u64);
                    json!({"status": attempt.status, "error": attempt.error, "at_unix_ms": at})
                })
                .collect();
            json!({
                "id": delivery.id,
                "event_type": delivery.event_type,
                "endpoint_id": delivery.endpoint_id,
                "url": delivery.url,
                "api_version": delivery.api_version,
                "status": match delivery.status {
                    DeliveryStatus::Pending => "pending",
                    DeliveryStatus::Delivered => "delivered",
                    _ => "failed",
                },
                "attempts": attempts,
                "payload": delivery.json(),
            })
        })
        .collect();
    Value::Array(deliveries)
}

fn received(shared: &Shared) -> Value {
    let kept = shared.received.lock().unwrap_or_else(|e| e.into_inner());
    let requests: Vec<Value> = kept
        .iter()
        .map(|request| {
            json!({
                "operation_id": request.operation_id,
                "api_version": request.api_version,
                "method": request.method.as_str(),
                "path": request.path,
                "query": request.query,
                "status": request.status,
                "body": request.json(),
            })
        })
        .collect();
    Value::Array(requests)
}
