//! The stateful mock through the API alone: webhook endpoints registered
//! with the operation (and the secret it answers), the customer portal a
//! session opens (also one opened by a sign-in code), a checkout confirmed
//! by the customer, meters over usage events, the customer state, and the
//! stateless default left alone.

use std::time::Duration;

use polar_api::v2026_10::models::chrono::{TimeZone, Utc};
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    CheckoutConfirmStripe, CheckoutCreate, CustomerSessionCodeAuthenticateRequest,
    CustomerSessionCodeRequest, CustomerSessionsCreateBody, EventsIngest, MeterCreate,
    ProductCreate, TimeInterval, WebhookEndpointCreate,
};
use polar_api::v2026_10::{Client, WebhookPayload};
use polar_api::webhooks::{Webhook, WebhookSecret};
use polar_mock::fixtures::v2026_10;
use polar_mock::MockPolar;
use serde_json::{json, Value};

/// A version-4 UUID the mock has never made.
const UNKNOWN: &str = "c0ffee00-0000-4000-8000-000000000009";

mod common;
use common::{attach, body, buy, customer_from, stateful};

async fn product(client: &Client, recurring: bool) -> Uuid {
    let mut create = json!({
        "name": "Pro",
        "prices": [{"amount_type": "fixed", "price_amount": 900, "price_currency": "usd"}]
    });
    if recurring {
        create["recurring_interval"] = json!("year");
    }
    client
        .products()
        .create(body::<ProductCreate>(create))
        .send()
        .await
        .unwrap()
        .id
}

async fn customer(client: &Client, email: &str) -> Uuid {
    customer_from(client, json!({"email": email})).await
}

#[tokio::test]
async fn an_endpoint_registered_through_the_api_gets_deliveries_signed_with_its_secret() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    // A socket that keeps the deliveries' requests: no app needed to read
    // what was sent, only to answer it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let endpoint = client
        .webhooks()
        .create_webhook_endpoint(body::<WebhookEndpointCreate>(json!({
            "url": url, "format": "raw", "events": ["customer.created"]
        })))
        .send()
        .await
        .unwrap();
    assert!(endpoint.secret.expose_secret().starts_with("whsec_"));
    let endpoints = client
        .webhooks()
        .list_webhook_endpoints()
        .send()
        .await
        .unwrap();
    assert_eq!(endpoints.pagination.total_count, 1);

    customer(&client, "grace@example.com").await;
    product(&client, false).await; // product.created: not subscribed
                                   // Nobody answers: the delivery is attempted, and the body is kept.
    drop(listener);
    let ok = mock.wait_for_deliveries(Duration::from_secs(10)).await;
    assert!(ok);
    let [delivery] = &mock.deliveries()[..] else {
        panic!("one delivery")
    };
    assert_eq!(delivery.event_type, "customer.created");
    assert_eq!(delivery.url, url);
    assert_eq!(
        delivery.json().unwrap()["data"]["email"],
        "grace@example.com"
    );

    // The same body, signed with the secret the API answered, verifies.
    let secret = WebhookSecret::new(endpoint.secret.expose_secret()).unwrap();
    let request = polar_mock::Delivery::json("2026-10", delivery.body.clone())
        .sign(&secret)
        .to_request("/hook")
        .unwrap();
    let event: WebhookPayload = Webhook::new(secret)
        .verify_and_decode(request.headers(), request.body())
        .unwrap();
    assert!(matches!(event, WebhookPayload::CustomerCreated(_)));

    client
        .webhooks()
        .delete_webhook_endpoint(endpoint.id)
        .send()
        .await
        .unwrap();
    customer(&client, "alan@example.com").await;
    assert_eq!(
        mock.deliveries().len(),
        1,
        "a deleted endpoint gets nothing"
    );
}

#[tokio::test]
async fn a_session_opens_the_portal_of_its_customer_only() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let product_id = product(&client, true).await;
    let mut subscriptions = Vec::new();
    let mut tokens = Vec::new();
    for email in ["ada@example.com", "bob@example.com"] {
        let customer_id = customer(&client, email).await;
        let checkout = client
            .checkouts()
            .create(body::<CheckoutCreate>(json!({
                "products": [product_id.to_string()], "customer_id": customer_id.to_string()
            })))
            .send()
            .await
            .unwrap();
        subscriptions.push(
            mock.complete_checkout(checkout.id)
                .unwrap()
                .subscription_id
                .unwrap(),
        );
        let session = client
            .customer_sessions()
            .create(body::<CustomerSessionsCreateBody>(
                json!({"customer_id": customer_id.to_string()}),
            ))
            .send()
            .await
            .unwrap();
        tokens.push(session.token);
    }
    let ada = client.customer_portal_with(tokens[0].clone());
    let mine = ada.subscriptions().list().send().await.unwrap();
    assert_eq!(mine.pagination.total_count, 1);
    assert_eq!(mine.items[0].id, subscriptions[0]);
    let err = ada
        .subscriptions()
        .get(subscriptions[1])
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "another customer's subscription: {err}");

    // The customer cancels from the portal: at the period's end.
    let canceled = ada
        .subscriptions()
        .cancel(subscriptions[0])
        .send()
        .await
        .unwrap();
    assert!(canceled.cancel_at_period_end);
    let stored = client
        .subscriptions()
        .get(subscriptions[0])
        .send()
        .await
        .unwrap();
    assert!(stored.cancel_at_period_end);
    assert_eq!(
        serde_json::to_value(&stored).unwrap()["status"],
        "active",
        "active until the period ends"
    );

    // A session opened with an emailed code is the customer's too.
    let public = client.public_portal();
    public
        .customer_session()
        .request(CustomerSessionCodeRequest::new(
            "bob@example.com".into(),
            v2026_10::organization().id,
        ))
        .send()
        .await
        .unwrap();
    let code = mock.last_sign_in_code("bob@example.com").unwrap();
    let session = public
        .customer_session()
        .authenticate(CustomerSessionCodeAuthenticateRequest::new(code.into()))
        .send()
        .await
        .unwrap();
    let bob = public.with_customer_session(&session.token);
    let bobs = bob.subscriptions().list().send().await.unwrap();
    assert_eq!(bobs.items.len(), 1);
    assert_eq!(bobs.items[0].id, subscriptions[1]);
}

#[tokio::test]
async fn a_customer_confirming_a_checkout_completes_it() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let product_id = product(&client, false).await;
    let checkout = client
        .checkouts()
        .create(body::<CheckoutCreate>(
            json!({"products": [product_id.to_string()]}),
        ))
        .send()
        .await
        .unwrap();
    let confirmed = client
        .checkouts()
        .client_confirm(
            checkout.client_secret.clone(),
            body::<CheckoutConfirmStripe>(
                json!({"customer_email": "lin@example.com", "customer_name": "Lin"}),
            ),
        )
        .send()
        .await
        .unwrap();
    let confirmed = serde_json::to_value(&confirmed).unwrap();
    assert_eq!(confirmed["status"], "confirmed");
    // The payment succeeds at once.
    let succeeded = client.checkouts().get(checkout.id).send().await.unwrap();
    let succeeded = serde_json::to_value(&succeeded).unwrap();
    assert_eq!(succeeded["status"], "succeeded");
    let customer_id = succeeded["customer_id"]
        .as_str()
        .unwrap()
        .parse::<Uuid>()
        .unwrap();
    let customer = client.customers().get(customer_id).send().await.unwrap();
    assert_eq!(customer.email(), Some("lin@example.com"));
    // A one-time price: an order, no subscription.
    let orders = client
        .orders()
        .list()
        .customer_id(customer_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&orders.items[0]).unwrap()["billing_reason"],
        "purchase"
    );
    let subscriptions = client
        .subscriptions()
        .list()
        .customer_id(customer_id)
        .send()
        .await
        .unwrap();
    assert_eq!(subscriptions.pagination.total_count, 0);

    // A checkout that is not open does not complete, nor expire.
    assert!(mock.complete_checkout(checkout.id).is_err());
    assert!(mock.expire_checkout(checkout.id).is_err());
    let other = client
        .checkouts()
        .create(body::<CheckoutCreate>(
            json!({"products": [product_id.to_string()]}),
        ))
        .send()
        .await
        .unwrap();
    mock.expire_checkout(other.id).unwrap();
    let expired = client.checkouts().get(other.id).send().await.unwrap();
    assert_eq!(serde_json::to_value(&expired).unwrap()["status"], "expired");

    // An unknown product is refused with the 422 shape.
    let err = client
        .checkouts()
        .create(body::<CheckoutCreate>(json!({"products": [UNKNOWN]})))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_validation_error(), "{err}");
    let raw: Value = serde_json::from_slice(err.api_error().unwrap().raw()).unwrap();
    let detail = &raw["detail"][0];
    assert_eq!(detail["loc"], json!(["body", "products", 0]));
    assert_eq!(detail["msg"], "Product does not exist.");
}

#[tokio::test]
async fn a_meter_sums_the_events_its_filter_matches() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (_mock, client) = stateful().await;
    customer(&client, "ada@example.com").await;
    let meter = client
        .meters()
        .create(body::<MeterCreate>(json!({
            "name": "Tokens",
            "filter": {"conjunction": "and", "clauses": [{"property": "name", "operator": "eq", "value": "llm.call"}]},
            "aggregation": {"func": "sum", "property": "metadata.tokens"}
        })))
        .send()
        .await
        .unwrap();
    let event = |name: &str, tokens: i64, at: &str| json!({"name": name, "external_customer_id": "ext", "timestamp": at, "metadata": {"tokens": tokens}});
    let ingested = client
        .events()
        .ingest(body::<EventsIngest>(json!({"events": [
            event("llm.call", 120, "2026-03-02T10:00:00Z"),
            event("llm.call", 30, "2026-03-02T11:00:00Z"),
            event("other", 1000, "2026-03-02T11:00:00Z"),
            event("llm.call", 7, "2026-04-02T11:00:00Z"),
        ]})))
        .send()
        .await
        .unwrap();
    assert_eq!(ingested.inserted, 4);
    let march = client
        .meters()
        .quantities(
            meter.id,
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 31, 0, 0, 0).unwrap(),
            TimeInterval::Month,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(march.total, 150.0);
}

#[tokio::test]
async fn the_customer_state_lists_what_is_active() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let customer_id = customer(&client, "ada@example.com").await;
    let empty = client
        .customers()
        .get_state(customer_id)
        .send()
        .await
        .unwrap();
    assert!(empty.active_subscriptions().unwrap().is_empty());
    let product_id = product(&client, true).await;
    let completed = buy(&mock, &client, product_id, customer_id).await;
    let state = client
        .customers()
        .get_state(customer_id)
        .send()
        .await
        .unwrap();
    assert_eq!(state.active_subscriptions().unwrap().len(), 1);
    assert_eq!(
        state.active_subscriptions().unwrap()[0].id,
        completed.subscription_id.unwrap()
    );
    // Unknown ids answer Polar's 404.
    let err = client
        .customers()
        .get_state(UNKNOWN.parse().unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn the_default_mock_stays_stateless() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    let mock = MockPolar::start().await;
    let client = mock.client();
    let created = product(&client, true).await;
    // The fixture, not what was sent.
    assert_eq!(created, v2026_10::product().id);
    assert!(mock.complete_checkout(v2026_10::checkout().id).is_err());
}

/// The state is kept in one version's shape and answered in the shape of
/// the version each request asks for; an endpoint gets its own version's
/// payloads.
#[cfg(feature = "v2026-04")]
#[tokio::test]
async fn an_older_version_reads_the_same_state_in_its_own_shapes() {
    // Every answer decodes strictly: no `Unknown` anywhere.
    let _strict = polar_models::__private::strict_guard();
    use polar_api::v2026_04 as old;

    let (mock, client) = stateful().await;
    let old_client = mock.client_for::<old::Version>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    drop(listener);
    let secret = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";
    mock.register_webhook(
        &url,
        secret,
        &["subscription.created", "order.paid"],
        "2026-04",
    )
    .unwrap();

    let product_id = product(&client, true).await;
    let customer_id = customer(&client, "ada@example.com").await;
    let completed = buy(&mock, &client, product_id, customer_id).await;
    let subscription_id = completed.subscription_id.unwrap();

    let subscription = old_client
        .subscriptions()
        .get(subscription_id)
        .send()
        .await
        .unwrap();
    assert_eq!(subscription.customer_id, customer_id);
    let product = old_client.products().get(product_id).send().await.unwrap();
    assert_eq!(product.name, "Pro");

    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let deliveries = mock.deliveries();
    assert_eq!(deliveries.len(), 2);
    let secret = WebhookSecret::new(secret).unwrap();
    for delivery in deliveries {
        assert_eq!(delivery.api_version, "2026-04");
        let request = polar_mock::Delivery::json("2026-04", delivery.body.clone())
            .sign(&secret)
            .to_request("/hook")
            .unwrap();
        let event: old::WebhookPayload = Webhook::new(secret.clone())
            .verify_and_decode(request.headers(), request.body())
            .unwrap();
        assert!(!matches!(event, old::WebhookPayload::Unknown(_)));
    }
}

/// After a flow, every read the stateful mock answers from its state
/// decodes strictly into the client's types, organization and portal side.
#[tokio::test]
async fn every_stateful_read_decodes_strictly() {
    let _strict = polar_models::__private::strict_guard();
    let (mock, client) = stateful().await;
    let benefit = client
        .benefits()
        .create(body::<polar_api::v2026_10::models::BenefitCreate>(json!({
            "type": "license_keys", "description": "Key",
            "properties": {"activations": {"limit": 3, "enable_customer_admin": true}}
        })))
        .send()
        .await
        .unwrap();
    let benefit_id = *benefit.id().unwrap();
    let product_id = product(&client, true).await;
    attach(&client, product_id, benefit_id).await;
    let customer_id = customer(&client, "ada@example.com").await;
    let checkout = client
        .checkouts()
        .create(body::<CheckoutCreate>(json!({
            "products": [product_id.to_string()], "customer_id": customer_id.to_string()
        })))
        .send()
        .await
        .unwrap();
    let done = mock.complete_checkout(checkout.id).unwrap();
    let refund = mock.refund_order(done.order_id, Some(100), false).unwrap();
    client
        .events()
        .ingest(body::<EventsIngest>(
            json!({"events": [{"name": "e", "customer_id": customer_id.to_string()}]}),
        ))
        .send()
        .await
        .unwrap();
    let meter = client
        .meters()
        .create(body::<MeterCreate>(json!({
            "name": "Calls", "filter": {"conjunction": "and", "clauses": []}, "aggregation": {"func": "count"}
        })))
        .send()
        .await
        .unwrap();
    let key_id = done.license_key_ids[0];
    let key = client.license_keys().get(key_id).send().await.unwrap();
    let activation = client
        .license_keys()
        .activate(body(json!({"key": key.key, "organization_id": key.organization_id.to_string(), "label": "laptop"})))
        .send()
        .await
        .unwrap();

    assert_eq!(
        client
            .products()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    client.benefits().get(benefit_id).send().await.unwrap();
    assert_eq!(
        client
            .benefits()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    assert_eq!(
        client
            .benefits()
            .grants(benefit_id)
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    assert_eq!(
        client
            .checkouts()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    client
        .checkouts()
        .client_get(checkout.client_secret.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .customers()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    client.orders().get(done.order_id).send().await.unwrap();
    let refunds = client.refunds().list().send().await.unwrap();
    assert_eq!(refunds.items[0].id, refund);
    assert_eq!(
        client
            .license_keys()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    let got = client
        .license_keys()
        .get_activation(key_id, activation.id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.label, "laptop");
    assert_eq!(
        client
            .meters()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    client.meters().get(meter.id).send().await.unwrap();
    let events = client.events().list().send().await.unwrap();
    let event_id: Uuid = serde_json::to_value(&events).unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    client.events().get(event_id).send().await.unwrap();

    let session = client
        .customer_sessions()
        .create(body::<CustomerSessionsCreateBody>(
            json!({"customer_id": customer_id.to_string()}),
        ))
        .send()
        .await
        .unwrap();
    let portal = client.customer_portal_with(session.token);
    portal.customers().get().send().await.unwrap();
    assert_eq!(
        portal
            .orders()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    portal.orders().get(done.order_id).send().await.unwrap();
    assert_eq!(
        portal
            .benefit_grants()
            .list()
            .send()
            .await
            .unwrap()
            .pagination
            .total_count,
        1
    );
    portal.license_keys().get(key_id).send().await.unwrap();
    portal
        .subscriptions()
        .get(done.subscription_id.unwrap())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_endpoint_that_answers_too_late_fails_its_attempt() {
    let mock = MockPolar::builder()
        .stateful()
        .webhook_timeout(Duration::from_millis(50))
        .webhook_retry_schedule([])
        .start()
        .await
        .unwrap();
    // Accepts the connection, never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let silent = tokio::spawn(async move {
        let mut open = Vec::new();
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            open.push(stream);
        }
    });
    mock.register_webhook(
        &url,
        "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=",
        &["order.paid"],
        "2026-10",
    )
    .unwrap();
    mock.trigger("order.paid").unwrap();
    assert!(mock.wait_for_deliveries(Duration::from_secs(10)).await);
    let [delivery] = &mock.deliveries()[..] else {
        panic!("one delivery")
    };
    assert_eq!(delivery.status, polar_mock::DeliveryStatus::Failed);
    let [attempt] = &delivery.attempts[..] else {
        panic!("no retries")
    };
    assert_eq!(
        (attempt.status, attempt.error.as_deref()),
        (None, Some("timed out"))
    );
    silent.abort();
}

#[tokio::test]
async fn registering_a_webhook_refuses_what_would_never_deliver() {
    let (mock, _client) = stateful().await;
    let secret = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";
    let url = "http://127.0.0.1:9/hook";
    for (secret, events, version) in [
        (secret, &["order.paid"][..], "2019-01"),
        (secret, &["order.payed"][..], "2026-10"),
        ("not a secret", &["order.paid"][..], "2026-10"),
    ] {
        let err = mock
            .register_webhook(url, secret, events, version)
            .unwrap_err();
        assert!(matches!(err, polar_mock::StateError::Invalid(_)), "{err}");
        assert!(
            !err.to_string().contains("not a secret"),
            "no secret in errors: {err}"
        );
    }
    assert!(mock
        .register_webhook(url, secret, &["order.paid"], "2026-10")
        .is_ok());
}
