//! A new user's first hour: the six flows of a small axum service, written
//! the way the README teaches, run end to end against a local Polar
//! (`polar-mock`). This file is the measure of how short the common path
//! is (issue 27): keep it in the style users should copy.
//!
//! 1. a checkout for a product, for a signed-in user of the app;
//! 2. webhooks keeping an entitlement map (benefit grants in and out);
//! 3. usage events through the ingestor;
//! 4. the customer portal's orders, with a customer session;
//! 5. a license key validated from a desktop app (no token);
//! 6. a walk over every active subscription.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use polar_api::ingest::{Event, EventCustomer, Ingestor};
use polar_api::prelude::*;
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    CheckoutProductsCreate, LicenseKeyStatus, LicenseKeyValidate, SubscriptionStatus,
};
use polar_api::v2026_10::{Client, WebhookPayload};
use polar_api::webhooks::{VerifiedEvent, Webhook, WebhookSecret};
use polar_mock::{Delivery, MockPolar};
use tower::ServiceExt;

/// What the app knows: (your user id, Polar benefit id) pairs it grants.
type Entitlements = Arc<Mutex<BTreeSet<(String, Uuid)>>>;

#[derive(Clone)]
struct App {
    client: Client,
    webhook: Webhook,
    entitlements: Entitlements,
    usage: Ingestor,
}

impl FromRef<App> for Webhook {
    fn from_ref(app: &App) -> Webhook {
        app.webhook.clone()
    }
}

// Flow 1.
async fn checkout_url(app: &App, product: Uuid, user: &str) -> Result<String, polar_api::Error> {
    let body = CheckoutProductsCreate::new(vec![product])
        .external_customer_id(user)
        .success_url("https://example.com/thanks?checkout={CHECKOUT_ID}");
    Ok(app.client.checkouts().create(body).send().await?.url)
}

// Flow 2: the webhook endpoint.
async fn webhooks(State(app): State<App>, hook: VerifiedEvent<WebhookPayload>) -> StatusCode {
    let mut entitlements = app.entitlements.lock().unwrap();
    let key = |grant: &polar_api::v2026_10::models::BenefitGrantWebhook| {
        let user = grant.customer()?.external_id()?.to_owned();
        Some((user, *grant.benefit_id()?))
    };
    match hook.event {
        Ok(WebhookPayload::BenefitGrantCreated(e)) => entitlements.extend(key(&e.data)),
        Ok(WebhookPayload::BenefitGrantRevoked(e)) => {
            key(&e.data).map(|k| entitlements.remove(&k));
        }
        Ok(_) => {}
        // Verified but not typed by this build: keep `hook.delivery.body`.
        Err(_) => {}
    }
    StatusCode::ACCEPTED
}

// Flow 3.
async fn record_search(app: &App, user: &str) -> Result<(), polar_api::ingest::RecordError> {
    let event = Event::new("search", EventCustomer::external(user)).metadata("results", 12);
    app.usage.record(event).await
}

// Flow 4.
async fn my_orders(app: &App, session_token: &str) -> Result<Vec<Uuid>, polar_api::Error> {
    let portal = app.client.customer_portal_with(session_token);
    let orders = portal.orders().list().limit(100).stream();
    orders.map_ok(|order| order.id).try_collect().await
}

// Flow 5: a desktop app, no token at all.
async fn license_is_valid(
    app: &App,
    key: &str,
    organization: Uuid,
) -> Result<bool, polar_api::Error> {
    let body = LicenseKeyValidate::new(key.to_owned(), organization);
    let validated = app
        .client
        .public_portal()
        .license_keys()
        .validate(body)
        .send()
        .await?;
    Ok(validated.status == LicenseKeyStatus::Granted)
}

// Flow 6.
async fn active_subscribers(app: &App) -> Result<BTreeSet<Uuid>, polar_api::Error> {
    let mut subscriptions = app
        .client
        .subscriptions()
        .list()
        .status(SubscriptionStatus::Active)
        .stream();
    let mut customers = BTreeSet::new();
    while let Some(subscription) = subscriptions.try_next().await? {
        customers.insert(subscription.customer_id);
    }
    Ok(customers)
}

#[tokio::test]
async fn six_flows_against_a_local_polar() {
    let mock = MockPolar::start().await;
    let client = mock.client();
    let secret = WebhookSecret::new("whsec_Zmlyc3QtaG91ci13ZWJob29rLXNlY3JldC0zMmI=").unwrap();
    let app = App {
        usage: client.ingestor().start().unwrap(),
        webhook: Webhook::new(secret.clone()),
        entitlements: Entitlements::default(),
        client,
    };
    let fixtures = polar_mock::fixtures::v2026_10::checkout();

    // 1. The checkout the mock created, for the user we named.
    let product = Uuid::new_v4();
    assert_eq!(
        checkout_url(&app, product, "user_1").await.unwrap(),
        fixtures.url
    );
    let [sent] = mock.received_for("checkouts:create").try_into().unwrap();
    let sent = sent.json().unwrap();
    assert_eq!(sent["external_customer_id"], "user_1");
    assert_eq!(sent["products"][0], product.to_string());

    // 2. A grant in, then out, through the router as Polar delivers them.
    let router = Router::new()
        .route("/webhooks/polar", post(webhooks))
        .with_state(app.clone());
    for (event, expected) in [("benefit_grant.created", 1), ("benefit_grant.revoked", 0)] {
        let delivery = Delivery::fixture("2026-10", event).unwrap().sign(&secret);
        let request = delivery
            .to_request("/webhooks/polar")
            .unwrap()
            .map(Body::from);
        let answer = router.clone().oneshot(request).await.unwrap();
        assert_eq!(answer.status(), StatusCode::ACCEPTED, "{event}");
        assert_eq!(app.entitlements.lock().unwrap().len(), expected, "{event}");
    }
    // A delivery signed with another secret never reaches the handler.
    let forged = WebhookSecret::new("whsec_bm90LXRoZS1lbmRwb2ludC1zZWNyZXQtMzJiLQ==").unwrap();
    let delivery = Delivery::fixture("2026-10", "benefit_grant.created")
        .unwrap()
        .sign(&forged);
    let request = delivery
        .to_request("/webhooks/polar")
        .unwrap()
        .map(Body::from);
    let answer = router.oneshot(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert!(app.entitlements.lock().unwrap().is_empty());

    // 3. Three searches, delivered when the service shuts down.
    for user in ["user_1", "user_2", "user_1"] {
        record_search(&app, user).await.unwrap();
    }
    let report = app.usage.shutdown().await;
    assert!(report.is_complete(), "{report:?}");
    let ingested: usize = mock
        .received_for("events:ingest")
        .iter()
        .map(|r| r.json().unwrap()["events"].as_array().unwrap().len())
        .sum();
    assert_eq!(ingested, 3);

    // 4. The portal's orders: the fixture page's, sent with the session token.
    let expected: Vec<Uuid> = polar_mock::fixtures::v2026_10::list_resource_customer_order()
        .items
        .iter()
        .map(|order| order.id)
        .collect();
    let orders = my_orders(&app, MockPolar::CUSTOMER_SESSION_TOKEN)
        .await
        .unwrap();
    assert_eq!(orders, expected);
    let [sent] = mock
        .received_for("customer_portal:orders:list")
        .try_into()
        .unwrap();
    let bearer = format!("Bearer {}", MockPolar::CUSTOMER_SESSION_TOKEN);
    assert_eq!(sent.header("authorization"), Some(bearer.as_str()));

    // 5. The fixture key is granted; the request carried no token.
    let organization = Uuid::new_v4();
    assert!(license_is_valid(&app, "MOCK-KEY", organization)
        .await
        .unwrap());
    let [sent] = mock
        .received_for("customer_portal:license_keys:validate")
        .try_into()
        .unwrap();
    assert_eq!(sent.header("authorization"), None);

    // 6. Every page was walked, asking for active ones.
    let page = polar_mock::fixtures::v2026_10::list_resource_subscription();
    let expected: BTreeSet<Uuid> = page.items.iter().map(|s| s.customer_id).collect();
    assert_eq!(active_subscribers(&app).await.unwrap(), expected);
    let walked = mock.received_for("subscriptions:list");
    assert!(!walked.is_empty());
    assert!(walked.iter().all(|r| r
        .query_pairs()
        .contains(&("status".into(), "active".into()))));
}
