//! Which credentials go to which operation: an operation whose `security`
//! names none is sent without `Authorization`, even from a client holding
//! an organization token; every other operation carries the client's token.

mod common;

use common::{client, TOKEN};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A 404 for everything: only what was sent matters here.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": "ResourceNotFound",
            "detail": "Not found"
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn public_operations_get_no_organization_token() {
    let server = server().await;
    let client = client(&server);
    // `checkouts:client_get` and `customer-seats:get_claim_info` name no
    // credentials in the spec.
    let _ = client.checkouts().client_get("cs_secret").send().await;
    let _ = client
        .customer_seats()
        .get_claim_info("invitation")
        .send()
        .await;
    // `products:list` takes an organization token.
    let _ = client.products().list().send().await;
    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 3);
    let sent: Vec<(String, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                r.headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_owned()),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("/v1/checkouts/client/cs_secret".to_owned(), None),
            ("/v1/customer-seats/claim/invitation".to_owned(), None),
            ("/v1/products/".to_owned(), Some(format!("Bearer {TOKEN}"))),
        ]
    );
}

#[tokio::test]
async fn a_token_set_on_a_public_request_is_still_sent() {
    let server = server().await;
    let _ = client(&server)
        .checkouts()
        .client_get("cs_secret")
        .token("polar_pat_asked_for")
        .send()
        .await;
    let requests = common::received(&server).await;
    assert_eq!(
        requests[0].headers["authorization"],
        "Bearer polar_pat_asked_for"
    );
}

#[tokio::test]
async fn public_portal_organization_page_sends_no_token() {
    let server = server().await;
    let portal = client(&server).public_portal();
    let _ = portal.organizations().get("acme").send().await;
    let _ = portal
        .customers()
        .check_email_update("email-token")
        .send()
        .await;
    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert!(request.headers.get("authorization").is_none());
    }
}
