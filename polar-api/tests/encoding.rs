//! How requests are put on the wire: path, query, headers and bodies.

mod common;

use std::collections::BTreeMap;

use common::{client, query_pairs, received, send_json};
use polar_api::__private::{Method, Request};
use polar_api::{Error, OneOrMany};
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn query_lists_deep_objects_dates_and_booleans() {
    let server = ok_server().await;
    let client = client(&server);

    let ids: OneOrMany<uuid::Uuid> =
        vec![uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2)].into();
    let single: OneOrMany<String> = "only".into();
    let mut metadata = BTreeMap::new();
    metadata.insert("plan", json!("pro plan"));
    metadata.insert("seats", json!([1, 5]));
    metadata.insert("vip", json!(true));
    let after = chrono::DateTime::parse_from_rfc3339("2026-04-16T12:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);

    let request = Request::new(Method::GET, "orders:list", "/v1/orders/")
        .query("product_id", &ids)
        .query("customer_id", &single)
        .query("is_archived", &false)
        .query("is_recurring", &Some(true))
        .query("discount_id", &None::<String>)
        .query("created_after", &after)
        .query("page", &2)
        .query_deep_object("metadata", &metadata)
        .query("sorting", &["-created_at", "amount"]);
    send_json::<Value>(&client, request).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1/orders/");
    assert_eq!(
        query_pairs(&requests[0]),
        pairs(&[
            ("product_id", "00000000-0000-0000-0000-000000000001"),
            ("product_id", "00000000-0000-0000-0000-000000000002"),
            ("customer_id", "only"),
            ("is_archived", "false"),
            ("is_recurring", "true"),
            ("created_after", "2026-04-16T12:30:00Z"),
            ("page", "2"),
            ("metadata[plan]", "pro plan"),
            ("metadata[seats]", "1"),
            ("metadata[seats]", "5"),
            ("metadata[vip]", "true"),
            ("sorting", "-created_at"),
            ("sorting", "amount"),
        ])
    );
    // Brackets stay readable on the wire; spaces and reserved characters are
    // percent-encoded.
    let raw_query = requests[0].url.query().unwrap();
    assert!(
        raw_query.contains("metadata[plan]=pro%20plan"),
        "{raw_query}"
    );
}

#[tokio::test]
async fn reserved_characters_in_query_values_round_trip() {
    let server = ok_server().await;
    let client = client(&server);
    let tricky = "a&b=c+d #e/é";
    let request =
        Request::new(Method::GET, "customers:list", "/v1/customers/").query("query", tricky);
    send_json::<Value>(&client, request).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(query_pairs(&requests[0]), pairs(&[("query", tricky)]));
}

#[tokio::test]
async fn path_params_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/checkouts/client/cs%20a%2Fb%3F/x/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("hit")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = Request::new(
        Method::GET,
        "checkouts:client_get",
        "/v1/checkouts/client/{client_secret}/x/{n}",
    )
    .path_param("client_secret", "cs a/b?")
    .path_param("n", &7u32);
    let value = send_json::<Value>(&client, request).await.unwrap().value;
    assert_eq!(value, json!("hit"));
}

#[tokio::test]
async fn path_param_uuid_and_bad_values() {
    let server = MockServer::start().await;
    let id = uuid::Uuid::from_u128(0xabc);
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/products/{id}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request =
        Request::new(Method::DELETE, "products:delete", "/v1/products/{id}").path_param("id", &id);
    let raw = client.__core().send(request).await.unwrap();
    polar_api::__private::empty("products:delete", raw, common::error_body).unwrap();

    // `..` would address another resource: refused before any request.
    let request =
        Request::new(Method::DELETE, "products:delete", "/v1/products/{id}").path_param("id", "..");
    let err = client.__core().send(request).await.unwrap_err();
    assert!(matches!(
        err,
        Error::Encode {
            operation: "products:delete",
            ..
        }
    ));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn json_body_and_content_type() {
    #[derive(Serialize)]
    struct Create<'a> {
        name: &'a str,
        prices: Vec<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/products/"))
        .and(header("content-type", "application/json"))
        .and(body_string(r#"{"name":"Pro","prices":[1000]}"#))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "p1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = Request::new(Method::POST, "products:create", "/v1/products/")
        .json_body(&Create {
            name: "Pro",
            prices: vec![1000],
            description: None,
        })
        .unwrap();
    let response = send_json::<Value>(&client, request).await.unwrap();
    assert_eq!(response.status, 201);
}

#[tokio::test]
async fn form_body_and_content_type() {
    #[derive(Serialize)]
    struct Token<'a> {
        grant_type: &'a str,
        client_id: &'a str,
        scope: Option<&'a str>,
        redirect_uri: &'a str,
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/oauth2/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "x"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = Request::new(Method::POST, "oauth2:request_token", "/v1/oauth2/token")
        .form_body(&Token {
            grant_type: "authorization_code",
            client_id: "abc",
            scope: None,
            redirect_uri: "https://example.com/cb?x=1&y=2",
        })
        .unwrap();
    send_json::<Value>(&client, request).await.unwrap();
    let body = String::from_utf8(received(&server).await[0].body.clone()).unwrap();
    assert_eq!(
        body,
        "grant_type=authorization_code&client_id=abc&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3D2"
    );
}

#[tokio::test]
async fn custom_headers_and_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/export"))
        .and(header("accept", "text/csv"))
        .and(header("x-extra", "yes"))
        .and(query_param("organization_id", "org"))
        .respond_with(ResponseTemplate::new(200).set_body_string("email\na@example.com\n"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let request = Request::new(Method::GET, "customers:export", "/v1/customers/export")
        .accept("text/csv")
        .header("X-Extra", "yes".to_owned())
        .query("organization_id", "org");
    let raw = client.__core().send(request).await.unwrap();
    let csv = polar_api::__private::text("customers:export", raw, common::error_body).unwrap();
    assert_eq!(csv.value, "email\na@example.com\n");
}
