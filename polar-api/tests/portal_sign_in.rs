//! The customer portal's sign-in by emailed code (operations from our
//! overlay, `spec/overlay.json`), run through the `portal_sign_in` example's
//! own functions against a local server: the 202, the 409 customer choice,
//! the 200 token and the 401.

mod common;

#[allow(dead_code)] // the example's `main` and helpers
#[path = "../examples/portal_sign_in.rs"]
mod example;

use polar_api::v2026_10::{ApiErrorBody, Client, CustomerPortalClient};
use polar_api::NoSession;
use serde_json::{json, Value};
use uuid::Uuid;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUEST: &str = "/v1/customer-portal/customer-session/request";
const AUTHENTICATE: &str = "/v1/customer-portal/customer-session/authenticate";
const ORGANIZATION: &str = "1d5c2e4f-8a3b-4c6d-9e7f-0a1b2c3d4e5f";
const EMAIL: &str = "jane@example.com";
/// Distinctive enough to search for in any output.
const CODE: &str = "C0DE-7f3a91";
const SESSION_TOKEN: &str = "polar_cst_SeSsIoN_41c9e0";

fn public_portal(server: &MockServer) -> CustomerPortalClient<NoSession> {
    Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .no_retries()
        .build_public_portal()
        .unwrap()
}

fn organization() -> Uuid {
    ORGANIZATION.parse().unwrap()
}

fn bodies(requests: &[wiremock::Request]) -> Vec<Value> {
    requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_code_request_is_sent_without_credentials_and_202_is_ok() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(REQUEST))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let portal = public_portal(&server);
    let mut asked = false;
    example::request_code(&portal, EMAIL, organization(), |_| {
        asked = true;
        None
    })
    .await
    .unwrap();
    assert!(!asked, "no choice is asked for without a 409");
    let requests = common::received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(
        bodies(&requests),
        [json!({"email": EMAIL, "organization_id": ORGANIZATION})]
    );
}

fn selection_required(first: Uuid, second: Uuid) -> ResponseTemplate {
    ResponseTemplate::new(409).set_body_json(json!({
        "error": "customer_selection_required",
        "detail": "Multiple customers found for this email. Please select one.",
        "customers": [
            {"id": first, "name": "Acme Corp"},
            {"id": second, "name": null}
        ]
    }))
}

#[tokio::test]
async fn a_409_offers_the_customers_and_the_chosen_one_is_asked_for() {
    let server = MockServer::start().await;
    let (first, second) = (Uuid::from_u128(1), Uuid::from_u128(2));
    Mock::given(method("POST"))
        .and(path(REQUEST))
        .and(body_json(
            json!({"email": EMAIL, "organization_id": ORGANIZATION}),
        ))
        .respond_with(selection_required(first, second))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REQUEST))
        .and(body_json(json!({
            "email": EMAIL, "organization_id": ORGANIZATION, "customer_id": second
        })))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let portal = public_portal(&server);
    let mut offered = Vec::new();
    example::request_code(&portal, EMAIL, organization(), |customers| {
        offered = customers.iter().map(|c| (c.id, c.name.clone())).collect();
        Some(second)
    })
    .await
    .unwrap();
    assert_eq!(
        offered,
        [(first, Some("Acme Corp".to_owned())), (second, None)]
    );
}

#[tokio::test]
async fn a_409_without_a_choice_is_the_typed_error() {
    let server = MockServer::start().await;
    let (first, second) = (Uuid::from_u128(1), Uuid::from_u128(2));
    Mock::given(method("POST"))
        .and(path(REQUEST))
        .respond_with(selection_required(first, second))
        .expect(1)
        .mount(&server)
        .await;
    let error = example::request_code(&public_portal(&server), EMAIL, organization(), |_| None)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(409));
    let body = error.api_error().and_then(|api| api.body::<ApiErrorBody>());
    let Some(ApiErrorBody::CustomerSelectionRequiredResponse(choice)) = body else {
        panic!("not the typed 409 body: {error:?}");
    };
    assert_eq!(choice.customers.len(), 2);
}

#[tokio::test]
async fn the_code_becomes_a_signed_in_portal_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(AUTHENTICATE))
        .and(body_json(json!({"code": CODE})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": SESSION_TOKEN})))
        .expect(1)
        .mount(&server)
        .await;
    let customer = Uuid::from_u128(7);
    Mock::given(method("GET"))
        .and(path("/v1/customer-portal/customer-session/user"))
        .and(header("authorization", format!("Bearer {SESSION_TOKEN}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "customer", "name": "Jane", "email": EMAIL,
            "customer_id": customer, "member_id": null, "role": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (signed_in, user) = example::sign_in(&public_portal(&server), CODE)
        .await
        .unwrap();
    assert_eq!((user.email.as_str(), user.customer_id), (EMAIL, customer));
    let requests = common::received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
    let shown = format!("{signed_in:?}");
    assert!(!shown.contains(SESSION_TOKEN), "{shown}");
}

#[tokio::test]
async fn a_wrong_code_is_a_401_with_its_typed_body_and_the_code_is_not_shown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(AUTHENTICATE))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "CustomerSessionCodeInvalidOrExpired",
            "detail": "This customer session code is invalid or has expired."
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = example::sign_in(&public_portal(&server), CODE)
        .await
        .unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
    let body = error.api_error().and_then(|api| api.body::<ApiErrorBody>());
    assert!(
        matches!(
            body,
            Some(ApiErrorBody::CustomerSessionCodeInvalidOrExpired(_))
        ),
        "{error:?}"
    );
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains(CODE), "{shown}");
    }
}

#[test]
fn the_code_and_the_token_stay_out_of_debug_output() {
    use polar_api::v2026_10::models::{
        CustomerSessionCodeAuthenticateRequest, CustomerSessionCodeAuthenticateResponse,
    };
    let request = CustomerSessionCodeAuthenticateRequest::new(CODE.into());
    let response: CustomerSessionCodeAuthenticateResponse =
        serde_json::from_value(json!({"token": SESSION_TOKEN})).unwrap();
    let portal = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build_public_portal()
        .unwrap();
    let builder = portal.customer_session().authenticate(request.clone());
    for shown in [
        format!("{request:?}"),
        format!("{response:?}"),
        format!("{builder:?}"),
    ] {
        assert!(
            !shown.contains(CODE) && !shown.contains(SESSION_TOKEN),
            "{shown}"
        );
    }
    assert_eq!(response.token.expose_secret(), SESSION_TOKEN);
}
