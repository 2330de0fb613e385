//! The stateful mock's later changes: a benefit whose properties change
//! updates its grants (`benefit_grant.updated`, then
//! `customer.state_changed`, delivered to an app that verifies them), the
//! customer portal's grant update, and a meter's quantities per interval.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use polar_api::v2026_10::models::chrono::{DateTime, TimeDelta, TimeZone, Utc};
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    AggregationFunction, BenefitsUpdateBody, CustomerBenefitGrantUpdate,
    CustomerSessionsCreateBody, CustomerUpdate, CustomerUpdateExternalId, EventsIngest,
    MeterCreate, MeterQuantities, TimeInterval,
};
use polar_api::v2026_10::{Client, WebhookPayload};
use polar_api::webhooks::{Webhook, WebhookSecret};
use polar_mock::MockPolar;
use serde_json::{json, Value};

mod common;
use common::{body, customer_from, monthly_product_with, serve_webhook_app, stateful};

const SECRET: &str = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";

/// The events the app received, verified and decoded strictly, in order.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Value>>>);

impl Inbox {
    fn since(&self, mark: usize) -> Vec<Value> {
        self.0.lock().unwrap()[mark..].to_vec()
    }
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let payload: WebhookPayload = {
        let _strict = polar_models::__private::strict_guard();
        Webhook::new(WebhookSecret::new(SECRET).unwrap())
            .verify_and_decode(&headers, &body)
            .unwrap_or_else(|err| panic!("a delivery did not verify and decode: {err}"))
    };
    assert!(!matches!(payload, WebhookPayload::Unknown(_)));
    inbox
        .0
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap());
    StatusCode::ACCEPTED
}

/// A stateful mock whose every event goes to an app on loopback.
async fn mock_and_app() -> (MockPolar, Client, Inbox) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route("/webhooks/polar", post(receive))
        .with_state(inbox.clone());
    let url = serve_webhook_app(app).await;
    let mock = MockPolar::builder().stateful().start().await.unwrap();
    mock.register_webhook(&url, SECRET, &[], "2026-10").unwrap();
    let client = mock.client();
    (mock, client, inbox)
}

/// A checkout of `product` by a new customer with `email`, completed.
async fn buy(
    mock: &MockPolar,
    client: &Client,
    product: Uuid,
    email: &str,
) -> polar_mock::CompletedCheckout {
    let customer = customer_from(client, json!({"email": email})).await;
    common::buy(mock, client, product, customer).await
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn new_license_key_limits_update_the_granted_grants_and_skip_the_revoked() {
    let _strict = polar_models::__private::strict_guard();
    let (mock, client, inbox) = mock_and_app().await;
    let (benefit_id, product_id) = monthly_product_with(
        &client,
        json!({
            "type": "license_keys", "description": "Pro license",
            "properties": {"prefix": "PRO", "activations": {"limit": 2, "enable_customer_admin": true}}
        }),
    )
    .await;
    let kept = buy(&mock, &client, product_id, "ada@example.com").await;
    let ended = buy(&mock, &client, product_id, "bob@example.com").await;
    mock.revoke_subscription(ended.subscription_id.unwrap())
        .unwrap();
    // A customer deleted (the mock leaves its grant granted): skipped too.
    let gone = buy(&mock, &client, product_id, "carol@example.com").await;
    client
        .customers()
        .delete(gone.customer_id)
        .send()
        .await
        .unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let [kept_grant] = kept.benefit_grant_ids[..] else {
        panic!("one grant")
    };
    let [kept_key] = kept.license_key_ids[..] else {
        panic!("one key")
    };
    let [ended_key] = ended.license_key_ids[..] else {
        panic!("one key")
    };

    // A change that is not of the properties, and one of the properties
    // license keys do not depend on (the prefix of new keys): no update.
    let mark = inbox.len();
    for change in [
        json!({"type": "license_keys", "description": "Pro licence"}),
        json!({"type": "license_keys", "properties": null}),
        json!({"type": "license_keys", "properties": {
            "prefix": "PLUS", "activations": {"limit": 2, "enable_customer_admin": true}
        }}),
    ] {
        client
            .benefits()
            .update(benefit_id, body::<BenefitsUpdateBody>(change))
            .send()
            .await
            .unwrap();
    }
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    assert_eq!(
        types(&inbox.since(mark)),
        ["benefit.updated", "benefit.updated", "benefit.updated"]
    );
    let benefit = client.benefits().get(benefit_id).send().await.unwrap();
    let benefit = serde_json::to_value(&benefit).unwrap();
    assert_eq!(benefit["properties"]["activations"]["limit"], 2);
    // The product and the grants embed the benefit as it is now.
    let product = client.products().get(product_id).send().await.unwrap();
    let product = serde_json::to_value(&product).unwrap();
    assert_eq!(product["benefits"][0]["description"], "Pro licence");
    assert_eq!(product["benefits"][0]["properties"]["prefix"], "PLUS");
    let grants = client.benefit_grants().list().send().await.unwrap();
    let grants = serde_json::to_value(&grants).unwrap();
    for grant in grants["items"].as_array().unwrap() {
        assert_eq!(grant["benefit"]["description"], "Pro licence");
    }

    // New limits and an expiry: the granted grant is updated, its key
    // takes them; the revoked one is left alone.
    let mark = inbox.len();
    let before = DateTime::<Utc>::from(std::time::SystemTime::now());
    client
        .benefits()
        .update(
            benefit_id,
            body::<BenefitsUpdateBody>(json!({"type": "license_keys", "properties": {
                "prefix": "PLUS",
                "activations": {"limit": 5, "enable_customer_admin": true},
                "limit_usage": 100,
                "expires": {"ttl": 1, "timeframe": "month"}
            }})),
        )
        .send()
        .await
        .unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let events = inbox.since(mark);
    assert_eq!(
        types(&events),
        [
            "benefit.updated",
            "benefit_grant.updated",
            "customer.state_changed"
        ]
    );
    let grant = &events[1]["data"];
    assert_eq!(grant["id"], kept_grant.to_string());
    assert_eq!(grant["is_granted"], true);
    assert_eq!(grant["properties"]["license_key_id"], kept_key.to_string());
    assert_eq!(grant["previous_properties"], grant["properties"]);
    assert_eq!(grant["benefit"]["properties"]["limit_usage"], 100);
    assert_eq!(grant["benefit"]["properties"]["activations"]["limit"], 5);
    let state = &events[2]["data"];
    assert_eq!(state["id"], kept.customer_id.to_string());
    assert_eq!(state["granted_benefits"][0]["id"], kept_grant.to_string());

    let key = client.license_keys().get(kept_key).send().await.unwrap();
    assert_eq!(key.limit_activations, Some(5));
    assert_eq!(key.limit_usage, Some(100));
    let expires = key.expires_at.expect("an expiry now");
    assert!(
        expires > before + TimeDelta::days(27)
            && expires < DateTime::<Utc>::from(std::time::SystemTime::now()) + TimeDelta::days(32)
    );
    let revoked = client.license_keys().get(ended_key).send().await.unwrap();
    assert_eq!(revoked.limit_activations, Some(2));
    assert_eq!(revoked.limit_usage, None);
    assert!(revoked.expires_at.is_none());

    // `trigger` sends the event's fixture too, without a change.
    let mark = inbox.len();
    assert_eq!(mock.trigger("benefit_grant.updated").unwrap(), 1);
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    assert_eq!(types(&inbox.since(mark)), ["benefit_grant.updated"]);
}

#[tokio::test]
async fn the_portal_updates_a_grant_of_its_customer() {
    let _strict = polar_models::__private::strict_guard();
    let (mock, client, inbox) = mock_and_app().await;
    let (_, product_id) = monthly_product_with(
        &client,
        json!({
            "type": "github_repository", "description": "Source access",
            "properties": {"repository_owner": "polarsource", "repository_name": "polar", "permission": "pull"}
        }),
    )
    .await;
    let bought = buy(&mock, &client, product_id, "ada@example.com").await;
    let [grant_id] = bought.benefit_grant_ids[..] else {
        panic!("one grant")
    };
    let session = client
        .customer_sessions()
        .create(body::<CustomerSessionsCreateBody>(
            json!({"customer_id": bought.customer_id.to_string()}),
        ))
        .send()
        .await
        .unwrap();
    let portal = client.customer_portal_with(session.token);
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);

    // Another benefit type than the grant's: FastAPI's 422 at its place.
    let err = portal
        .benefit_grants()
        .update(
            grant_id,
            body::<CustomerBenefitGrantUpdate>(
                json!({"benefit_type": "discord", "properties": {"account_id": "1234"}}),
            ),
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.is_validation_error(), "{err}");
    let raw: Value = serde_json::from_slice(err.api_error().unwrap().raw()).unwrap();
    assert_eq!(raw["detail"][0]["loc"], json!(["body", "benefit_type"]));

    let mark = inbox.len();
    let updated = portal
        .benefit_grants()
        .update(
            grant_id,
            body::<CustomerBenefitGrantUpdate>(
                json!({"benefit_type": "github_repository", "properties": {"account_id": "583231"}}),
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&updated).unwrap()["properties"]["account_id"],
        "583231"
    );
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let events = inbox.since(mark);
    assert_eq!(
        types(&events),
        ["benefit_grant.updated", "customer.state_changed"]
    );
    assert_eq!(events[0]["data"]["id"], grant_id.to_string());
    assert_eq!(events[0]["data"]["properties"]["account_id"], "583231");

    // Revoked, the grant is gone from the portal.
    mock.revoke_subscription(bought.subscription_id.unwrap())
        .unwrap();
    let err = portal
        .benefit_grants()
        .update(
            grant_id,
            body::<CustomerBenefitGrantUpdate>(
                json!({"benefit_type": "github_repository", "properties": {"account_id": null}}),
            ),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    let grants = portal.benefit_grants().list().send().await.unwrap();
    assert_eq!(grants.pagination.total_count, 0);
}

#[tokio::test]
async fn a_customer_patched_through_the_api_sends_customer_updated() {
    let _strict = polar_models::__private::strict_guard();
    let (mock, client, inbox) = mock_and_app().await;
    let customer = customer_from(
        &client,
        json!({"email": "ada@example.com", "external_id": "ada"}),
    )
    .await;
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let mark = inbox.len();
    client
        .customers()
        .update(
            customer,
            body::<CustomerUpdate>(json!({"name": "Ada King"})),
        )
        .send()
        .await
        .unwrap();
    client
        .customers()
        .update_external(
            "ada",
            body::<CustomerUpdateExternalId>(json!({"metadata": {"plan": "pro"}})),
        )
        .send()
        .await
        .unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let events = inbox.since(mark);
    assert_eq!(
        types(&events),
        [
            "customer.updated",
            "customer.state_changed",
            "customer.updated",
            "customer.state_changed"
        ]
    );
    assert_eq!(events[0]["data"]["name"], "Ada King");
    assert_eq!(events[2]["data"]["metadata"]["plan"], "pro");
    assert_eq!(events[3]["data"]["name"], "Ada King");
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_meter_answers_a_quantity_per_interval() {
    let _strict = polar_models::__private::strict_guard();
    let (_mock, client) = stateful().await;
    for (email, external) in [("ada@example.com", "ada"), ("bob@example.com", "bob")] {
        customer_from(&client, json!({"email": email, "external_id": external})).await;
    }
    let meter = |func: &str| {
        body::<MeterCreate>(json!({
            "name": format!("Tokens ({func})"),
            "filter": {"conjunction": "and", "clauses": [{"property": "name", "operator": "eq", "value": "llm.call"}]},
            "aggregation": {"func": func, "property": "metadata.tokens"}
        }))
    };
    let sum = client.meters().create(meter("sum")).send().await.unwrap();
    let max = client.meters().create(meter("max")).send().await.unwrap();
    let event = |who: &str, tokens: i64, at: &str| json!({"name": "llm.call", "external_customer_id": who, "timestamp": at, "metadata": {"tokens": tokens}});
    client
        .events()
        .ingest(body::<EventsIngest>(json!({"events": [
            // The day before the range: in no bucket.
            event("ada", 1000, "2026-03-01T23:59:59Z"),
            event("ada", 10, "2026-03-02T00:00:00Z"),
            event("bob", 5, "2026-03-02T08:30:00Z"),
            // Earlier on the first day than the start: still its bucket.
            event("ada", 1, "2026-03-02T09:00:00Z"),
            event("bob", 7, "2026-03-04T23:59:59.999Z"),
            event("ada", 3, "2026-03-05T10:00:00Z"),
            // Past the last bucket's day.
            event("ada", 500, "2026-03-06T00:00:00Z"),
            {"name": "other", "external_customer_id": "ada", "timestamp": "2026-03-03T10:00:00Z", "metadata": {"tokens": 99}},
        ]})))
        .send()
        .await
        .unwrap();
    let (start, end) = (at("2026-03-02T12:00:00Z"), at("2026-03-05T12:00:00Z"));

    let days = send(
        client
            .meters()
            .quantities(sum.id, start, end, TimeInterval::Day),
    )
    .await;
    let buckets: Vec<(DateTime<Utc>, f64)> = days
        .quantities
        .iter()
        .map(|q| (q.timestamp, q.quantity))
        .collect();
    assert_eq!(
        buckets,
        [
            (at("2026-03-02T12:00:00Z"), 16.0),
            (at("2026-03-03T12:00:00Z"), 0.0),
            (at("2026-03-04T12:00:00Z"), 7.0),
            (at("2026-03-05T12:00:00Z"), 3.0),
        ]
    );
    assert_eq!(days.total, 26.0);

    // One customer's only.
    let ada = send(
        client
            .meters()
            .quantities(sum.id, start, end, TimeInterval::Day)
            .external_customer_id("ada".to_owned()),
    )
    .await;
    assert_eq!(amounts(&ada), [11.0, 0.0, 0.0, 3.0]);
    assert_eq!(ada.total, 14.0);

    // The meter's own aggregation per bucket; the total sums the buckets.
    let maxima = send(
        client
            .meters()
            .quantities(max.id, start, end, TimeInterval::Day),
    )
    .await;
    assert_eq!(amounts(&maxima), [10.0, 0.0, 7.0, 3.0]);
    assert_eq!(maxima.total, 20.0);

    // Per customer first, then the largest of them.
    let per_customer = send(
        client
            .meters()
            .quantities(sum.id, start, end, TimeInterval::Day)
            .customer_aggregation_function(AggregationFunction::Max),
    )
    .await;
    assert_eq!(amounts(&per_customer), [11.0, 0.0, 7.0, 3.0]);
    assert_eq!(per_customer.total, 21.0);

    // Weeks start on Monday (2026-03-02 is one): the whole range is one.
    let week = send(
        client
            .meters()
            .quantities(sum.id, start, end, TimeInterval::Week),
    )
    .await;
    assert_eq!(week.quantities.len(), 1);
    assert_eq!(week.total, 526.0);

    // Hours: too long a range for them is refused as Polar does.
    let err = client
        .meters()
        .quantities(
            sum.id,
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap(),
            TimeInterval::Hour,
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.is_validation_error(), "{err}");
    let hours = send(client.meters().quantities(
        sum.id,
        at("2026-03-02T07:15:00Z"),
        at("2026-03-02T09:15:00Z"),
        TimeInterval::Hour,
    ))
    .await;
    assert_eq!(amounts(&hours), [0.0, 5.0, 1.0]);
}

async fn send(request: polar_api::v2026_10::MetersQuantities) -> MeterQuantities {
    request.send().await.unwrap()
}

/// The quantity of each bucket, in order.
fn amounts(quantities: &MeterQuantities) -> Vec<f64> {
    quantities.quantities.iter().map(|q| q.quantity).collect()
}
