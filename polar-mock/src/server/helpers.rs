//! The stateful mock's test helpers: what a customer (or time) does,
//! driven by the test; and the webhooks they send.

use std::fmt::Display;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{MockPolar, Shared};
use crate::store::{fit, now, CompletedCheckout, StateError};
use crate::webhooks::WebhookDelivery;

/// The body of a delivery of event `event_type` with `data` (in the
/// store's version) as API version `version`: `data` in the shape of that
/// version's payload of the event; `None` when the version has no such
/// event.
pub(crate) fn payload(version: &str, event_type: &str, data: &Value) -> Option<Bytes> {
    let (_, fixture) = crate::fixtures::webhook_events(version)?
        .iter()
        .find(|(event, _)| *event == event_type)?;
    let fixture: Value = serde_json::from_str(fixture).ok()?;
    // The store's objects are of its version; `fit` keeps what the
    // payload's schema has (and the fixture's value for what it lacks).
    let data = fit(data, &fixture["data"]);
    let body = json!({"type": event_type, "timestamp": now(), "data": data});
    serde_json::to_vec(&body).ok().map(Bytes::from)
}

impl MockPolar {
    /// The customer pays for checkout `id` (an `open` one): the checkout
    /// succeeds, the customer is found or created, the order is paid, a
    /// recurring price starts a subscription, each benefit of the product
    /// is granted (a license-keys benefit makes a license key), and the
    /// webhooks of each step are sent (see the crate docs, "Events", for
    /// which and in what order).
    pub fn complete_checkout(&self, id: impl Display) -> Result<CompletedCheckout, StateError> {
        let id = id.to_string();
        self.shared.with_store(|store| store.complete_checkout(&id))
    }

    /// Open checkout `id` expires unpaid (`checkout.expired`).
    pub fn expire_checkout(&self, id: impl Display) -> Result<(), StateError> {
        let id = id.to_string();
        self.shared.with_store(|store| store.expire_checkout(&id))
    }

    /// The customer cancels subscription `id` at the end of its period
    /// (`subscription.updated`, `subscription.canceled`,
    /// `customer.state_changed`); its benefits stay until then.
    pub fn cancel_subscription(&self, id: impl Display) -> Result<(), StateError> {
        let id = id.to_string();
        self.shared
            .with_store(|store| store.cancel_subscription(&id, None).map(drop))
    }

    /// Undo a cancellation at the period's end (`subscription.updated`,
    /// `subscription.uncanceled`, `customer.state_changed`).
    pub fn uncancel_subscription(&self, id: impl Display) -> Result<(), StateError> {
        let id = id.to_string();
        self.shared
            .with_store(|store| store.uncancel_subscription(&id).map(drop))
    }

    /// End subscription `id` now: its benefits are revoked
    /// (`subscription.updated`, `subscription.canceled` unless it already
    /// was, `subscription.revoked`, `benefit_grant.revoked` per grant,
    /// `customer.state_changed`).
    pub fn revoke_subscription(&self, id: impl Display) -> Result<(), StateError> {
        let id = id.to_string();
        self.shared
            .with_store(|store| store.revoke_subscription(&id).map(drop))
    }

    /// The end of subscription `id`'s period: a new period and its paid
    /// order (`billing_reason: subscription_cycle`; `order.created`,
    /// `subscription.updated`, `subscription.cycled`, `order.paid`,
    /// `benefit_grant.cycled` per grant, `customer.state_changed`), or, for
    /// a subscription canceled at the period's end, its end (as
    /// [`revoke_subscription`](Self::revoke_subscription)).
    pub fn renew_subscription(&self, id: impl Display) -> Result<(), StateError> {
        let id = id.to_string();
        self.shared
            .with_store(|store| store.renew_subscription(&id).map(drop))
    }

    /// Refund `amount` cents of order `id` (`None`: what is left to
    /// refund), revoking its benefits when `revoke_benefits` (for a
    /// subscription's order, that ends the subscription): `refund.created`,
    /// `order.updated`, `order.refunded`. The refund's id.
    pub fn refund_order(
        &self,
        id: impl Display,
        amount: Option<i64>,
        revoke_benefits: bool,
    ) -> Result<Uuid, StateError> {
        self.shared
            .refund_order(&id.to_string(), amount, revoke_benefits)
    }

    /// Register a webhook endpoint, as `webhooks:create_webhook_endpoint`
    /// does but with a secret you choose (`whsec_…`, as
    /// [`WebhookSecret::new`](polar_api::webhooks::WebhookSecret::new)
    /// reads it) and the API version its payloads are sent as. An empty
    /// `events` subscribes to every event of that version. The endpoint's
    /// id; [`StateError::Invalid`] for a version this build does not
    /// include, an event that version does not have, or a secret that
    /// does not read.
    pub fn register_webhook(
        &self,
        url: &str,
        secret: &str,
        events: &[&str],
        api_version: &str,
    ) -> Result<Uuid, StateError> {
        self.shared
            .register_webhook(url, secret, events, api_version)
    }

    /// Send event `event_type` (`"order.paid"`) by hand, like `stripe
    /// trigger`: its fixture, to every registered endpoint subscribed to
    /// it, as each endpoint's API version; how many deliveries that made.
    /// The mock's state does not change.
    pub fn trigger(&self, event_type: &str) -> Result<usize, StateError> {
        self.shared.trigger(event_type)
    }

    /// Send event `event_type` with your own `data` (the object, in the
    /// shape of the mock's default API version: `serde_json::to_value` of a
    /// model of that version) to every endpoint subscribed to it, in each
    /// endpoint's version's shape; how many deliveries that made. The
    /// mock's state does not change.
    pub fn trigger_with(&self, event_type: &str, data: Value) -> usize {
        self.shared
            .send_to_subscribers(event_type, |version| payload(version, event_type, &data))
    }

    /// Every webhook delivery so far, oldest first, with its attempts.
    pub fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.webhooks.deliveries()
    }

    /// Wait until every webhook delivery is delivered or has failed for
    /// good, for at most `timeout`; whether they all are.
    pub async fn wait_for_deliveries(&self, timeout: Duration) -> bool {
        self.shared.webhooks.settle(timeout).await
    }

    /// The object with `id` of the mock's state, as the JSON of its
    /// default API version (`None` when it has none): products, benefits,
    /// customers, checkouts, orders, subscriptions, benefit grants, license
    /// keys, refunds, events, meters.
    pub fn object(&self, id: impl Display) -> Option<Value> {
        let id = id.to_string();
        let store = self.shared.store.lock().unwrap_or_else(|e| e.into_inner());
        let found = store
            .all_objects()
            .find(|item| item["id"].as_str() == Some(id.as_str()))
            .cloned();
        found
    }
}

/// The helpers' work that the HTTP helpers (`/__mock/`) share with
/// [`MockPolar`]'s methods.
impl Shared {
    pub(crate) fn register_webhook(
        &self,
        url: &str,
        secret: &str,
        events: &[&str],
        api_version: &str,
    ) -> Result<Uuid, StateError> {
        let version = crate::api_versions()
            .into_iter()
            .find(|v| *v == api_version)
            .ok_or_else(|| {
                StateError::Invalid(format!(
                    "API version {api_version} is not in this build of polar-mock"
                ))
            })?;
        let known: Vec<&str> = crate::fixtures::webhook_events(version)
            .unwrap_or_default()
            .iter()
            .map(|(event, _)| *event)
            .collect();
        if let Some(unknown) = events.iter().find(|e| !known.contains(e)) {
            return Err(StateError::Invalid(format!(
                "API version {version} has no webhook event {unknown}"
            )));
        }
        if polar_api::webhooks::WebhookSecret::new(secret).is_err() {
            // The error would describe the secret; the message does not.
            return Err(StateError::Invalid(
                "the webhook secret is not a `whsec_…` secret".to_owned(),
            ));
        }
        let events: Vec<&str> = if events.is_empty() {
            known
        } else {
            events.to_vec()
        };
        let body = json!({"url": url, "secret": secret, "events": events, "format": "raw"});
        Ok(self.with_store(|store| id_of(&crate::store::create_endpoint(store, &body, version))))
    }

    pub(crate) fn refund_order(
        &self,
        id: &str,
        amount: Option<i64>,
        revoke_benefits: bool,
    ) -> Result<Uuid, StateError> {
        self.with_store(|store| {
            store
                .refund_order(id, amount, "customer_request", revoke_benefits)
                .map(|refund| id_of(&refund))
                .map_err(|err| match err.status {
                    404 => StateError::NotFound {
                        kind: "order",
                        id: id.to_owned(),
                    },
                    _ => StateError::Conflict(
                        err.body["detail"].as_str().unwrap_or_default().to_owned(),
                    ),
                })
        })
    }

    pub(crate) fn trigger(&self, event_type: &str) -> Result<usize, StateError> {
        let known = crate::api_versions().into_iter().any(|version| {
            crate::fixtures::webhook_events(version)
                .is_some_and(|events| events.iter().any(|(e, _)| *e == event_type))
        });
        if !known {
            return Err(StateError::NotFound {
                kind: "webhook event",
                id: event_type.to_owned(),
            });
        }
        Ok(self.send_to_subscribers(event_type, |version| {
            crate::fixtures::webhook_events(version)
                .and_then(|events| events.iter().find(|(e, _)| *e == event_type))
                .map(|(_, json)| Bytes::from_static(json.as_bytes()))
        }))
    }

    /// Queues `event_type` for every endpoint subscribed to it, with the
    /// body `body_for` makes for the endpoint's API version (none: that
    /// endpoint is skipped); how many deliveries that made.
    pub(crate) fn send_to_subscribers(
        &self,
        event_type: &str,
        body_for: impl Fn(&'static str) -> Option<Bytes>,
    ) -> usize {
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let mut made = 0;
        for endpoint in store.endpoints.iter().filter(|e| e.wants(event_type)) {
            if let Some(body) = body_for(endpoint.api_version) {
                self.webhooks.queue(event_type, endpoint, body);
                made += 1;
            }
        }
        made
    }
}

/// The `id` of an object of the store, as a UUID.
fn id_of(object: &Value) -> Uuid {
    object["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap_or_default()
}
