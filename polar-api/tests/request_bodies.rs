//! Request bodies as users build them: a member of a request-body union
//! passed as it is (the operation takes `impl Into<Union>`), the union's
//! own constructors, and the chainable setters of the types sent; checked
//! on the JSON the server receives.

mod common;

use common::{client, received};
use polar_api::v2026_10::models::{
    CheckoutCreate, CustomerSessionCustomerExternalIdCreate, CustomerSessionsCreateBody,
    CustomerUpdate, SubscriptionRevoke, SubscriptionUpdate,
};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that refuses everything with a 422: the request is what is
/// checked, not the answer.
async fn refusing_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"detail": []})))
        .mount(&server)
        .await;
    server
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    received(server)
        .await
        .iter()
        .map(|request| serde_json::from_slice(&request.body).expect("a JSON body"))
        .collect()
}

const USER: &str = "user_42";

#[tokio::test]
async fn a_union_body_takes_any_member_and_the_unions_constructors() {
    let server = refusing_server().await;
    let client = client(&server);
    let sessions = client.customer_sessions();
    // The member, without `.into()` (issue 27's line), with a setter.
    let member = CustomerSessionCustomerExternalIdCreate::new(USER.to_owned())
        .return_url("https://example.com/account");
    assert!(sessions.create(member).send().await.is_err());
    // The union's constructor named by what it takes.
    let body = CustomerSessionsCreateBody::external_customer_id(USER.to_owned());
    assert!(sessions.create(body).send().await.is_err());
    assert_eq!(
        bodies(&server).await,
        [
            json!({"external_customer_id": USER, "return_url": "https://example.com/account"}),
            json!({"external_customer_id": USER}),
        ]
    );
}

#[tokio::test]
async fn a_union_argument_beside_a_path_parameter_takes_a_member() {
    let server = refusing_server().await;
    let client = client(&server);
    let id = uuid::Uuid::from_u128(7);
    let subscriptions = client.subscriptions();
    assert!(subscriptions
        .update(id, SubscriptionRevoke::default())
        .send()
        .await
        .is_err());
    assert!(subscriptions
        .update(id, SubscriptionUpdate::cancel(true))
        .send()
        .await
        .is_err());
    assert_eq!(
        bodies(&server).await,
        [
            json!({"revoke": true}),
            json!({"cancel_at_period_end": true})
        ]
    );
}

#[tokio::test]
async fn setters_set_what_they_name_and_leave_the_rest_out() {
    let server = refusing_server().await;
    let client = client(&server);
    let product = uuid::Uuid::from_u128(1);
    let checkout = CheckoutCreate::new(vec![product])
        .success_url("https://example.com/thanks")
        .customer_email("jane@example.com")
        .external_customer_id(USER);
    assert!(client.checkouts().create(checkout).send().await.is_err());
    // A PATCH: `name` set, `tax_id` cleared (`null`), the rest unchanged.
    let update = CustomerUpdate::default().name("Jane").clear_tax_id();
    assert!(client
        .customers()
        .update(uuid::Uuid::from_u128(2), update)
        .send()
        .await
        .is_err());
    let bodies = bodies(&server).await;
    assert_eq!(
        bodies[0],
        json!({
            "products": [product],
            "success_url": "https://example.com/thanks",
            "customer_email": "jane@example.com",
            "external_customer_id": USER,
        })
    );
    assert_eq!(bodies[1], json!({"name": "Jane", "tax_id": null}));
}
