//! Client construction, authentication headers and secret hygiene.

mod common;

use common::{builder, client, send_json, TOKEN};
use polar_api::__private::{Method, Request};
use polar_api::v2026_10::models::{LicenseKeyValidate, Page, Pagination};
use polar_api::v2026_10::{Client, CustomerPortalClient};
use polar_api::{AccessToken, Error, MemberSessionToken, NoSession, Server};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn sends_bearer_token_user_agent_and_accept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .user_agent_suffix("my-app/2.0")
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "organizations:list", "/v1/organizations/");
    let response = send_json::<Value>(&client, request).await.unwrap();
    assert_eq!(response.value, json!({"ok": true}));
    assert_eq!(response.status, 200);

    let requests = common::received(&server).await;
    let ua = requests[0].headers["user-agent"].to_str().unwrap();
    assert_eq!(
        ua,
        format!("polar-api-rust/{} my-app/2.0", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn default_user_agent_and_default_http_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(1)))
        .expect(1)
        .mount(&server)
        .await;
    // Built without a custom reqwest client: the builder makes its own.
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("{}/", server.uri()))
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "x", "/v1/x");
    send_json::<Value>(&client, request).await.unwrap();
    let requests = common::received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1/x");
    assert_eq!(
        requests[0].headers["user-agent"],
        concat!("polar-api-rust/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn anonymous_client_sends_no_authorization() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build_anonymous()
        .unwrap();
    let request = Request::new(
        Method::GET,
        "checkouts:client_get",
        "/v1/checkouts/client/{s}",
    )
    .path_param("s", "secret");
    send_json::<Value>(&client, request).await.unwrap();
    let requests = common::received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn public_portal_validates_a_license_key_without_a_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-portal/license-keys/validate"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": "ResourceNotFound",
            "detail": "Not found"
        })))
        .expect(2)
        .mount(&server)
        .await;
    let organization_id = uuid::Uuid::from_u128(7);
    let body = || LicenseKeyValidate::new("POLAR-KEY".to_owned(), organization_id);

    // From an organization client: its token must not travel along.
    let public = client(&server).public_portal();
    let standalone: CustomerPortalClient<NoSession> = Client::builder()
        .base_url(server.uri())
        .build_public_portal()
        .unwrap();
    for portal in [public, standalone] {
        let err = portal
            .license_keys()
            .validate(body())
            .send()
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
    }
    for request in common::received(&server).await {
        assert!(request.headers.get("authorization").is_none());
        let sent: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(sent["key"], "POLAR-KEY");
    }
    assert!(Client::builder().token("t").build_public_portal().is_err());
}

#[tokio::test]
async fn portal_clients_send_their_session_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer polar_cst_customer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("customer")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer polar_mst_member"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("member")))
        .expect(2)
        .mount(&server)
        .await;

    let org = client(&server);
    let customer = org.customer_portal_with("polar_cst_customer");
    let member = org.member_portal_with("polar_mst_member");
    assert_eq!(customer.base_url(), server.uri());

    let standalone: CustomerPortalClient<MemberSessionToken> = Client::builder()
        .base_url(server.uri())
        .build_member_portal("polar_mst_member")
        .unwrap();

    for (core, expected) in [
        (customer.__core(), "customer"),
        (member.__core(), "member"),
        (standalone.__core(), "member"),
    ] {
        let request = Request::new(Method::GET, "customer_portal:get", "/v1/customer-portal/x");
        let raw = core.send(request).await.unwrap();
        let value: Value = polar_api::__private::json("op", raw, common::error_body)
            .unwrap()
            .into_value();
        assert_eq!(value, json!(expected));
    }
}

/// Deriving a portal client cannot fail; a session token that cannot be
/// sent fails each request that needs it (before anything is sent), and
/// the public operations of the same server still work.
#[tokio::test]
async fn portal_clients_from_unusable_tokens_fail_at_send() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-portal/license-keys/validate"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": "ResourceNotFound",
            "detail": "Not found"
        })))
        .mount(&server)
        .await;
    let org = client(&server);
    for token in ["", "   ", "polar_cst_line\nbreak"] {
        let portal = org.customer_portal_with(token);
        let err = portal.orders().list().send().await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("token cannot be sent"), "{message}");
        assert!(!message.contains("polar_cst_line"), "{message}");
        let member = org.member_portal_with(token).with_token(token);
        let err = member.orders().list().send().await.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        // A public operation sends no token, so an unusable one does not matter.
        let err = portal
            .license_keys()
            .validate(LicenseKeyValidate::new(
                "POLAR-KEY".to_owned(),
                uuid::Uuid::from_u128(7),
            ))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_not_found(), "{err}");
    }
    let sent = common::received(&server).await;
    assert_eq!(
        sent.len(),
        3,
        "only the public operations reached the server"
    );
    assert!(sent.iter().all(|r| r.url.path().ends_with("/validate")));
}

#[test]
fn debug_and_errors_never_show_the_token() {
    let token = AccessToken::new(TOKEN);
    let client = Client::builder().token(TOKEN).sandbox().build().unwrap();
    let portal = client.customer_portal_with(TOKEN);
    let builder = Client::builder().token(TOKEN);
    let outputs = [
        format!("{token:?}"),
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{portal:?}"),
        format!("{builder:?}"),
        format!("{:?}", client.__core()),
    ];
    for out in &outputs {
        assert!(!out.contains(TOKEN), "token leaked in {out}");
        assert!(!out.contains("SeCrEt"), "token leaked in {out}");
    }
    assert_eq!(outputs[0], "AccessToken(***)");
    assert!(outputs[1].contains("https://sandbox-api.polar.sh"));

    // A token that can't be a header value: the error must not echo it.
    let err = Client::new(format!("{TOKEN}\n{TOKEN}")).unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert!(!err.to_string().contains("SeCrEt"));
    assert!(!format!("{err:?}").contains("SeCrEt"));
}

#[tokio::test]
async fn transport_errors_never_show_the_token_or_query() {
    // Bind and drop a listener to get a port that refuses connections.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .no_retries()
        .build()
        .unwrap();
    let request = Request::new(Method::GET, "customers:list", "/v1/customers/")
        .query("email", "private@example.com");
    let err = client.__core().send(request).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.operation(), Some("customers:list"));
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SeCrEt"), "{shown}");
    assert!(!shown.contains("private@example.com"), "{shown}");
    assert!(shown.contains("customers:list"));
}

#[test]
fn from_env_reads_polar_access_token() {
    // The only test in this binary touching this variable.
    std::env::remove_var("POLAR_ACCESS_TOKEN");
    let err = Client::from_env().unwrap_err();
    assert!(err.to_string().contains("POLAR_ACCESS_TOKEN"), "{err}");

    std::env::set_var("POLAR_ACCESS_TOKEN", "  ");
    assert!(Client::from_env()
        .unwrap_err()
        .to_string()
        .contains("POLAR_ACCESS_TOKEN"));

    std::env::set_var("POLAR_ACCESS_TOKEN", TOKEN);
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "https://api.polar.sh");
    std::env::remove_var("POLAR_ACCESS_TOKEN");
}

#[test]
fn builder_configuration_errors() {
    let no_token = Client::builder().build().unwrap_err();
    assert!(no_token.to_string().contains(".token("), "{no_token}");
    assert!(Client::builder()
        .base_url("not a url")
        .token("t")
        .build()
        .is_err());
    assert!(Client::builder()
        .server(Server::Custom("https://api.polar.sh/v1".into()))
        .token("t")
        .build()
        .is_err());
    assert!(Client::builder().token("t").build_anonymous().is_err());
    assert!(Client::builder()
        .token("t")
        .build_customer_portal("s")
        .is_err());
    assert!(Client::builder()
        .token("t")
        .user_agent_suffix("bad\nsuffix")
        .build()
        .is_err());
    assert!(CustomerPortalClient::from_customer_session("").is_err());
    assert!(CustomerPortalClient::from_member_session("polar_mst_x").is_ok());
    assert!(Client::anonymous().is_ok());
}

#[test]
fn clients_and_futures_are_send() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync::<Client>();
    assert_send_sync::<CustomerPortalClient>();
    assert_send_sync::<CustomerPortalClient<MemberSessionToken>>();

    let client = Client::new(TOKEN).unwrap();
    let future = client
        .__core()
        .send(Request::new(Method::GET, "x", "/v1/x"));
    assert_send(&future);
    let stream = polar_api::paginate(1, |page| {
        let client = client.clone();
        async move {
            let request = Request::new(Method::GET, "x", "/v1/x").query("page", &page);
            let raw = client.__core().send(request).await?;
            polar_api::__private::json::<Page<Value, Pagination>>(
                "x",
                raw,
                polar_api::__private::no_error_body,
            )
            .map(polar_api::Response::into_value)
        }
    });
    assert_send(&stream);
}
