//! What the stateful tests share: request bodies from JSON, a stateful
//! mock and its client, and the catalog and purchases their flows start from.
// Each test file uses part of it.
#![allow(dead_code)]

use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    BenefitCreate, CheckoutCreate, CustomerCreate, ProductBenefitsUpdate, ProductCreate,
};
use polar_api::v2026_10::Client;
use polar_mock::{CompletedCheckout, MockPolar};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// A request body from JSON, as the SDK's type.
pub fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid body")
}

/// A stateful mock and a client of its default version.
pub async fn stateful() -> (MockPolar, Client) {
    let mock = MockPolar::builder().stateful().start().await.unwrap();
    let client = mock.client();
    (mock, client)
}

/// A customer made from `create` (a `CustomerCreate` as JSON); its id.
pub async fn customer_from(client: &Client, create: Value) -> Uuid {
    let customer = client
        .customers()
        .create(body::<CustomerCreate>(create))
        .send()
        .await
        .unwrap();
    *customer.id().unwrap()
}

/// A product "Pro" at $25 a month with a benefit made from `benefit` (a
/// `BenefitCreate` as JSON): the benefit's id and the product's.
pub async fn monthly_product_with(client: &Client, benefit: Value) -> (Uuid, Uuid) {
    let benefit = client
        .benefits()
        .create(body::<BenefitCreate>(benefit))
        .send()
        .await
        .unwrap();
    let benefit_id = *benefit.id().unwrap();
    let product = client
        .products()
        .create(body::<ProductCreate>(json!({
            "name": "Pro", "recurring_interval": "month",
            "prices": [{"amount_type": "fixed", "price_amount": 2500, "price_currency": "usd"}]
        })))
        .send()
        .await
        .unwrap();
    attach(client, product.id, benefit_id).await;
    (benefit_id, product.id)
}

/// Makes `benefit` the only benefit of `product`.
pub async fn attach(client: &Client, product: Uuid, benefit: Uuid) {
    client
        .products()
        .update_benefits(
            product,
            ProductBenefitsUpdate {
                benefits: vec![benefit],
            },
        )
        .send()
        .await
        .unwrap();
}

/// A checkout of `product` by `customer`, completed as the customer would.
pub async fn buy(
    mock: &MockPolar,
    client: &Client,
    product: Uuid,
    customer: Uuid,
) -> CompletedCheckout {
    let checkout = client
        .checkouts()
        .create(body::<CheckoutCreate>(json!({
            "products": [product.to_string()], "customer_id": customer.to_string()
        })))
        .send()
        .await
        .unwrap();
    mock.complete_checkout(checkout.id).unwrap()
}

/// Serves `app` (whose webhook route is `POST /webhooks/polar`) on a free
/// port of loopback; that route's URL.
pub async fn serve_webhook_app(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks/polar", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}
