//! The stateful mock end to end: a product with a recurring price and a
//! license-keys benefit, a customer and its session, a checkout completed
//! by the test; the app's webhook handler (an axum router on loopback)
//! verifies every delivery with the SDK's `Webhook`; the subscription is
//! canceled, then revoked, and the grants with it; usage events sent
//! through the ingestor arrive once each, also through injected faults.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use polar_api::ingest::{Event, EventCustomer};
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    CheckoutCreate, CustomerCreate, CustomerSessionsCreateBody, LicenseKeyActivate,
    LicenseKeyDeactivate, LicenseKeyValidate, SubscriptionUpdate,
};
use polar_api::v2026_10::{Client, WebhookPayload};
use polar_api::webhooks::{Webhook, WebhookSecret};
use polar_mock::{DeliveryStatus, Fault, MockPolar};
use serde_json::{json, Value};

mod common;
use common::{body, customer_from, monthly_product_with, serve_webhook_app, stateful};

const SECRET: &str = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";

/// What the app received: each verified event's type and JSON.
#[derive(Clone, Default)]
struct Inbox {
    events: Arc<Mutex<Vec<(String, Value)>>>,
    /// Deliveries to refuse (with a 500) before accepting.
    refuse: Arc<Mutex<usize>>,
    attempts: Arc<Mutex<Vec<String>>>,
}

impl Inbox {
    fn types(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|(t, _)| t.clone())
            .collect()
    }

    fn of(&self, event_type: &str) -> Vec<Value> {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|(t, _)| t == event_type)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let id = headers["webhook-id"].to_str().unwrap().to_owned();
    inbox.attempts.lock().unwrap().push(id.clone());
    {
        let mut refuse = inbox.refuse.lock().unwrap();
        if *refuse > 0 {
            *refuse -= 1;
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let secret = WebhookSecret::new(SECRET).unwrap();
    // Strictly: every payload the mock sends is valid for its schema.
    let payload: WebhookPayload = {
        let _strict = polar_models::__private::strict_guard();
        match Webhook::new(secret).verify_and_decode(&headers, &body) {
            Ok(payload) => payload,
            Err(err) => panic!("a delivery did not verify and decode: {err}"),
        }
    };
    assert!(
        !matches!(payload, WebhookPayload::Unknown(_)),
        "an event the SDK knows"
    );
    let json: Value = serde_json::from_slice(&body).unwrap();
    let event_type = json["type"].as_str().unwrap().to_owned();
    inbox.events.lock().unwrap().push((event_type, json));
    StatusCode::ACCEPTED
}

/// The app: `POST /webhooks/polar` on a free port of loopback.
async fn start_app() -> (String, Inbox) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route("/webhooks/polar", post(receive))
        .with_state(inbox.clone());
    let url = serve_webhook_app(app).await;
    (url, inbox)
}

/// A product with a monthly price of $25 and a license-keys benefit (two
/// activations), and a customer with external id `user_42`.
async fn catalog(client: &Client) -> (Uuid, Uuid, Uuid) {
    let (benefit_id, product_id) = monthly_product_with(
        client,
        json!({
            "type": "license_keys",
            "description": "Pro license",
            "properties": {"prefix": "PRO", "activations": {"limit": 2, "enable_customer_admin": true}}
        }),
    )
    .await;
    let customer_id = customer_from(
        client,
        json!({"email": "ada@example.com", "name": "Ada Lovelace", "external_id": "user_42"}),
    )
    .await;
    (product_id, benefit_id, customer_id)
}

#[tokio::test]
async fn a_checkout_completed_sends_its_webhooks_and_a_revoked_subscription_revokes_the_grants() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let (app_url, inbox) = start_app().await;
    mock.register_webhook(&app_url, SECRET, &[], "2026-10")
        .unwrap();
    let (product_id, benefit_id, customer_id) = catalog(&client).await;

    // The product, as stored: its price is recurring.
    let product = client.products().get(product_id).send().await.unwrap();
    assert_eq!(product.name, "Pro");
    assert!(product.is_recurring);

    let session = client
        .customer_sessions()
        .create(body::<CustomerSessionsCreateBody>(
            json!({"external_customer_id": "user_42"}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(session.customer_id, customer_id);
    let checkout = client
        .checkouts()
        .create(body::<CheckoutCreate>(json!({
            "products": [product_id.to_string()], "external_customer_id": "user_42"
        })))
        .send()
        .await
        .unwrap();
    assert_eq!(checkout.amount, 2500);

    let completed = mock.complete_checkout(checkout.id).unwrap();
    assert_eq!(
        completed.customer_id, customer_id,
        "the customer with that external id"
    );
    let subscription_id = completed
        .subscription_id
        .expect("a recurring price subscribes");
    let [license_key_id] = completed.license_key_ids[..] else {
        panic!("one license key")
    };
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);

    // What the app received, verified, in the order the mock documents.
    let types = inbox.types();
    let position = |t: &str| {
        types
            .iter()
            .position(|x| x == t)
            .unwrap_or_else(|| panic!("{t} in {types:?}"))
    };
    for event in [
        "checkout.updated",
        "order.paid",
        "subscription.created",
        "subscription.active",
        "benefit_grant.created",
        "customer.state_changed",
    ] {
        position(event);
    }
    assert!(position("order.created") < position("subscription.created"));
    assert!(position("subscription.created") < position("subscription.active"));
    assert!(position("subscription.active") < position("order.paid"));
    assert!(position("order.paid") < position("benefit_grant.created"));
    let statuses: Vec<Value> = inbox
        .of("checkout.updated")
        .iter()
        .map(|e| e["data"]["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("confirmed"), json!("succeeded")]);
    let [order_paid] = &inbox.of("order.paid")[..] else {
        panic!("one order.paid")
    };
    assert_eq!(order_paid["data"]["id"], completed.order_id.to_string());
    assert_eq!(order_paid["data"]["billing_reason"], "subscription_create");
    assert_eq!(order_paid["data"]["total_amount"], 2500);
    // Created before its payment, as Polar's order.created says it may be.
    assert_eq!(inbox.of("order.created")[0]["data"]["status"], "pending");
    let [grant] = &inbox.of("benefit_grant.created")[..] else {
        panic!("one grant")
    };
    assert_eq!(grant["data"]["benefit"]["type"], "license_keys");
    assert_eq!(
        grant["data"]["properties"]["license_key_id"],
        license_key_id.to_string()
    );
    let state = inbox.of("customer.state_changed").pop().unwrap();
    assert_eq!(
        state["data"]["active_subscriptions"][0]["id"],
        subscription_id.to_string()
    );
    assert_eq!(
        state["data"]["granted_benefits"][0]["benefit_id"],
        benefit_id.to_string()
    );
    assert!(mock
        .deliveries()
        .iter()
        .all(|d| d.status == DeliveryStatus::Delivered));

    // The API reads the same state.
    let subscription = client
        .subscriptions()
        .get(subscription_id)
        .send()
        .await
        .unwrap();
    assert_eq!(subscription.customer_id, customer_id);
    let orders = client
        .orders()
        .list()
        .customer_id(customer_id)
        .send()
        .await
        .unwrap();
    assert_eq!(orders.pagination.total_count, 1);

    // The customer's session opens the portal to their license key...
    let portal = client.customer_portal_with(session.token.clone());
    let keys = portal.license_keys().list().send().await.unwrap();
    assert_eq!(keys.items.len(), 1);
    let key = keys.items[0].key.clone();
    assert!(key.starts_with("PRO_"));
    // ...which activates twice, its limit, and deactivates.
    let organization_id = keys.items[0].organization_id;
    let activate = |label: &str| {
        body::<LicenseKeyActivate>(
            json!({"key": key, "organization_id": organization_id.to_string(), "label": label}),
        )
    };
    let first = client
        .license_keys()
        .activate(activate("laptop"))
        .send()
        .await
        .unwrap();
    client
        .license_keys()
        .activate(activate("desktop"))
        .send()
        .await
        .unwrap();
    let third = client
        .license_keys()
        .activate(activate("tablet"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(third.status(), Some(403));
    client
        .license_keys()
        .deactivate(body::<LicenseKeyDeactivate>(json!({
            "key": key, "organization_id": organization_id.to_string(), "activation_id": first.id.to_string()
        })))
        .send()
        .await
        .unwrap();
    client
        .license_keys()
        .activate(activate("tablet"))
        .send()
        .await
        .unwrap();
    let validate = || {
        body::<LicenseKeyValidate>(
            json!({"key": key, "organization_id": organization_id.to_string()}),
        )
    };
    let validated = client
        .license_keys()
        .validate(validate())
        .send()
        .await
        .unwrap();
    assert_eq!(validated.validations, 1);

    // Canceled at the period's end: the benefits stay.
    client
        .subscriptions()
        .update(
            subscription_id,
            body::<SubscriptionUpdate>(json!({"cancel_at_period_end": true})),
        )
        .send()
        .await
        .unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    assert_eq!(inbox.of("subscription.canceled").len(), 1);
    assert!(inbox.of("benefit_grant.revoked").is_empty());
    let canceled = client
        .subscriptions()
        .get(subscription_id)
        .send()
        .await
        .unwrap();
    assert!(canceled.cancel_at_period_end);

    // Revoked: the grants and the license key go.
    client
        .subscriptions()
        .revoke(subscription_id)
        .send()
        .await
        .unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    assert_eq!(inbox.of("subscription.revoked").len(), 1);
    let [revoked] = &inbox.of("benefit_grant.revoked")[..] else {
        panic!("one revoked grant")
    };
    assert_eq!(revoked["data"]["is_revoked"], true);
    let grants = client
        .benefit_grants()
        .list()
        .customer_id(customer_id)
        .send()
        .await
        .unwrap();
    assert_eq!(grants.pagination.total_count, 1);
    assert!(!grants.items[0].is_granted);
    let err = client
        .license_keys()
        .validate(validate())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let state = inbox.of("customer.state_changed").pop().unwrap();
    assert_eq!(state["data"]["active_subscriptions"], json!([]));
    assert_eq!(state["data"]["granted_benefits"], json!([]));
}

#[tokio::test]
async fn usage_events_arrive_once_each_through_faults() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let (_, _, customer_id) = catalog(&client).await;
    // The first batch answers 503, the next one is stored but its answer
    // breaks off halfway: the ingestor sends both again.
    mock.when("events:ingest").times(1).fail(Fault::Status(503));
    mock.when("events:ingest")
        .times(1)
        .fail(Fault::CloseMidResponse);
    let ingestor = client
        .ingestor()
        .max_batch_size(3)
        .max_delay(Duration::from_millis(5))
        .retry_for(Duration::from_secs(20))
        .start()
        .unwrap();
    for i in 0..6 {
        ingestor
            .record(
                Event::new("api.request", EventCustomer::external("user_42"))
                    .external_id(format!("req-{i}")),
            )
            .await
            .unwrap();
    }
    let report = ingestor.shutdown().await;
    assert!(ingestor.take_failures().is_empty(), "{report:?}");

    let statuses: Vec<Option<u16>> = mock
        .received_for("events:ingest")
        .iter()
        .map(|r| r.status)
        .collect();
    // The broken answer is recorded with the status it began with: the
    // batch it answered was stored, then sent again after the 503.
    assert!(statuses.contains(&Some(503)), "{statuses:?}");
    assert!(
        statuses.len() >= 4,
        "the batches, two of them sent again: {statuses:?}"
    );
    let events = client
        .events()
        .list()
        .customer_id(customer_id)
        .limit(100)
        .send()
        .await
        .unwrap();
    let events = serde_json::to_value(&events).unwrap();
    let mut ids: Vec<String> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        // Polar's events do not show their external id; the mock keeps it.
        .map(|e| {
            mock.object(e["id"].as_str().unwrap()).unwrap()["external_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    ids.sort();
    assert_eq!(ids, (0..6).map(|i| format!("req-{i}")).collect::<Vec<_>>());

    // Sent again by hand: counted as duplicates, as Polar answers.
    let again = client
        .events()
        .ingest(body(json!({"events": [
            {"name": "api.request", "external_customer_id": "user_42", "external_id": "req-0"},
            {"name": "api.request", "external_customer_id": "user_42", "external_id": "req-6"}
        ]})))
        .send()
        .await
        .unwrap();
    assert_eq!((again.inserted, again.duplicates), (1, Some(1)));
}

#[tokio::test]
async fn a_refused_delivery_is_retried_with_its_id_and_a_dead_endpoint_fails() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let mock = MockPolar::builder()
        .stateful()
        .webhook_retry_schedule([Duration::from_millis(5), Duration::from_millis(5)])
        .start()
        .await
        .unwrap();
    let (app_url, inbox) = start_app().await;
    *inbox.refuse.lock().unwrap() = 2;
    mock.register_webhook(&app_url, SECRET, &["order.paid"], "2026-10")
        .unwrap();
    assert_eq!(mock.trigger("order.paid").unwrap(), 1);
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let [delivery] = &mock.deliveries()[..] else {
        panic!("one delivery")
    };
    let statuses: Vec<Option<u16>> = delivery.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(202)]);
    assert_eq!(delivery.status, DeliveryStatus::Delivered);
    assert_eq!(
        *inbox.attempts.lock().unwrap(),
        vec![delivery.id.clone(); 3],
        "one webhook-id"
    );
    assert_eq!(inbox.types(), ["order.paid"]);

    // An endpoint that refuses connections: every attempt fails.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    mock.register_webhook(&dead, SECRET, &["order.refunded"], "2026-10")
        .unwrap();
    mock.trigger("order.refunded").unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let failed = mock.deliveries().pop().unwrap();
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(failed.attempts.len(), 3);
    assert!(failed.attempts.iter().all(|a| a.status.is_none()));
    assert!(mock.trigger("no.such_event").is_err());

    // The API lists each attempt, as Polar's webhook deliveries.
    let client = mock.client();
    let attempts = client
        .webhooks()
        .list_webhook_deliveries()
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(attempts.pagination.total_count, 6);
    let succeeded = client
        .webhooks()
        .list_webhook_deliveries()
        .succeeded(true)
        .send()
        .await
        .unwrap();
    assert_eq!(succeeded.pagination.total_count, 1);
    assert_eq!(succeeded.items[0].http_code, Some(202));

    // Your own data for an event, in the endpoint's shape.
    let mut order = serde_json::to_value(polar_mock::fixtures::v2026_10::order()).unwrap();
    order["total_amount"] = json!(4200);
    assert_eq!(mock.trigger_with("order.paid", order), 1);
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    assert_eq!(inbox.of("order.paid")[1]["data"]["total_amount"], 4200);
}

#[tokio::test]
async fn lists_paginate_and_filter() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (_mock, client) = stateful().await;
    for i in 0..5 {
        client
            .customers()
            .create(body::<CustomerCreate>(json!({
                "email": format!("c{i}@example.com"), "external_id": format!("ext-{i}")
            })))
            .send()
            .await
            .unwrap();
    }
    let page = client
        .customers()
        .list()
        .limit(2)
        .page(3)
        .send()
        .await
        .unwrap();
    assert_eq!(page.pagination.total_count, 5);
    assert_eq!(page.pagination.max_page, 3);
    assert_eq!(page.items.len(), 1);
    // Newest first, as Polar sorts by default.
    assert_eq!(page.items[0].email().unwrap(), "c0@example.com");
    let found = client
        .customers()
        .list()
        .email("c3@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].external_id(), Some("ext-3"));
    // An email taken answers 422, as Polar does.
    let err = client
        .customers()
        .create(body::<CustomerCreate>(json!({"email": "c3@example.com"})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    let by_external = client
        .customers()
        .get_external("ext-2")
        .send()
        .await
        .unwrap();
    assert_eq!(by_external.email().unwrap(), "c2@example.com");
    client
        .customers()
        .delete_external("ext-2")
        .send()
        .await
        .unwrap();
    let err = client
        .customers()
        .get_external("ext-2")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn a_renewal_bills_again_and_a_refund_revokes() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let (app_url, inbox) = start_app().await;
    mock.register_webhook(&app_url, SECRET, &[], "2026-10")
        .unwrap();
    let (product_id, _, customer_id) = catalog(&client).await;
    let checkout = client
        .checkouts()
        .create(body::<CheckoutCreate>(
            json!({"products": [product_id.to_string()], "customer_id": customer_id.to_string()}),
        ))
        .send()
        .await
        .unwrap();
    let completed = mock.complete_checkout(checkout.id).unwrap();
    assert!(
        mock.complete_checkout(checkout.id).is_err(),
        "a checkout completes once"
    );
    let subscription_id = completed.subscription_id.unwrap();
    let before = client
        .subscriptions()
        .get(subscription_id)
        .send()
        .await
        .unwrap();

    mock.renew_subscription(subscription_id).unwrap();
    let after = client
        .subscriptions()
        .get(subscription_id)
        .send()
        .await
        .unwrap();
    assert_eq!(after.current_period_start, before.current_period_end);
    let orders = client
        .orders()
        .list()
        .subscription_id(subscription_id)
        .send()
        .await
        .unwrap();
    assert_eq!(orders.pagination.total_count, 2);
    assert_eq!(
        serde_json::to_value(&orders.items[0]).unwrap()["billing_reason"],
        "subscription_cycle"
    );

    mock.cancel_subscription(subscription_id).unwrap();
    mock.uncancel_subscription(subscription_id).unwrap();
    mock.refund_order(completed.order_id, None, true).unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    for event in [
        "subscription.cycled",
        "subscription.uncanceled",
        "refund.created",
        "order.refunded",
        "subscription.revoked",
        "benefit_grant.revoked",
    ] {
        assert!(
            !inbox.of(event).is_empty(),
            "{event} in {:?}",
            inbox.types()
        );
    }
    // The period rolls over before the renewal order exists (Polar's
    // subscription.cycled says so).
    let types = inbox.types();
    let last = |t: &str| types.iter().rposition(|x| x == t).unwrap();
    assert!(
        last("subscription.cycled") < last("order.created"),
        "{types:?}"
    );
    let order = client
        .orders()
        .get(completed.order_id)
        .send()
        .await
        .unwrap();
    assert_eq!(order.refunded_amount, 2500);
}
