//! The hardened runtime: deadlines and per-request options, what a timeout
//! says about the request, idempotency keys, credentials in base URLs, error
//! bodies kept out of `Debug`, a shared client core, and request hooks.

mod common;

use polar_api::v2026_10::Client;
use polar_api::{Error, Server};

// ---------------------------------------------------------------------------
// Credentials in a base URL are never echoed
// ---------------------------------------------------------------------------

#[test]
fn base_url_credentials_are_never_echoed() {
    const USER: &str = "alice_the_user";
    const PASS: &str = "hunter2_SeCrEt";
    let urls = [
        format!("https://{USER}:{PASS}@example.com"),
        format!("https://{USER}:{PASS}@example.com/?a=b"),
        format!("https://{USER}:{PASS}@example.com/#frag"),
        format!("ftp://{USER}:{PASS}@example.com"),
        format!("https://{USER}:{PASS}@example.com/v1"),
        format!("https://{USER}:{PASS}@example.com:99999999"),
        format!("https://{USER}:{PASS}@exa mple.com"),
        format!("https://{USER}@example.com/?q"),
        format!("  https://{USER}:{PASS}@example.com/v1/  "),
    ];
    for url in urls {
        let err = Client::builder()
            .token("polar_oat_x")
            .server(Server::Custom(url.clone()))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(USER), "{url}: the user is echoed: {text}");
            assert!(
                !text.contains(PASS),
                "{url}: the password is echoed: {text}"
            );
        }
    }
}

/// Every configuration type's `Debug`, holding a base URL with credentials
/// and a token: neither shows. (A builder holds the URL as given: `build()`
/// refuses it, but the builder may be logged before.)
#[test]
fn no_config_type_debug_shows_base_url_credentials_or_tokens() {
    use polar_api::__private::RequestOptions;
    use polar_api::RetryConfig;

    const USER: &str = "alice_the_user";
    const PASS: &str = "hunter2_SeCrEt";
    const TOKEN: &str = "polar_oat_TOKEN_SeCrEt_42";
    let with_credentials = Server::Custom(format!("https://{USER}:{PASS}@proxy.example.com/polar"));
    let plain = Server::Custom("http://127.0.0.1:9".to_owned());
    let texts = [
        ("Server", format!("{with_credentials:?}")),
        (
            "ClientBuilder",
            format!(
                "{:?}",
                Client::builder()
                    .token(TOKEN)
                    .server(with_credentials.clone())
            ),
        ),
        (
            "Client",
            format!(
                "{:?}",
                Client::builder()
                    .token(TOKEN)
                    .server(plain.clone())
                    .build()
                    .unwrap()
            ),
        ),
        ("RequestOptions", {
            let mut options = RequestOptions::default();
            options.set_token(TOKEN.into());
            format!("{options:?}")
        }),
        ("RetryConfig", format!("{:?}", RetryConfig::default())),
    ];
    for (what, text) in texts {
        for secret in [USER, PASS, TOKEN] {
            assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
        }
    }
    // What is not a secret still shows.
    let shown = format!("{with_credentials:?}");
    assert!(shown.contains("proxy.example.com/polar"), "{shown}");
}

// ---------------------------------------------------------------------------
// Error bodies stay out of Debug and Display
// ---------------------------------------------------------------------------

mod bodies {
    use super::common::{client, send_json};
    use polar_api::__private::{Method, Request};
    use serde_json::{json, Value};
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const SECRET: &str = "sk_live_SeCrEt_input_4242";

    fn post() -> Request {
        Request::new(Method::POST, "customers:create", "/v1/customers/")
    }

    #[tokio::test]
    async fn a_422_echoing_the_input_is_not_printed() {
        let server = MockServer::start().await;
        let body = json!({"detail": [{
            "type": "string_too_long", "loc": ["body", "metadata", "note"],
            "msg": "String should have at most 10 characters", "input": SECRET,
        }]});
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(422).set_body_json(&body))
            .mount(&server)
            .await;
        let err = send_json::<Value>(&client(&server), post())
            .await
            .unwrap_err();
        let api = err.api_error().expect("an API error");
        // Still there for whoever asks for it.
        assert!(api.raw_text().contains(SECRET));
        for text in [
            format!("{err:?}"),
            format!("{api:?}"),
            err.to_string(),
            format!("{err:#?}"),
        ] {
            assert!(!text.contains(SECRET), "the raw body is printed: {text}");
        }
        let debug = format!("{api:?}");
        assert!(debug.contains("422"), "{debug}");
        assert!(debug.contains("bytes"), "{debug}");
        assert!(debug.contains("HttpValidationError"), "{debug}");
    }

    #[tokio::test]
    async fn a_text_error_body_is_not_printed() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_string(format!("bad input {SECRET}")))
            .mount(&server)
            .await;
        let err = send_json::<Value>(&client(&server), post())
            .await
            .unwrap_err();
        assert!(err.api_error().unwrap().raw_text().contains(SECRET));
        for text in [format!("{err:?}"), err.to_string()] {
            assert!(!text.contains(SECRET), "the raw body is printed: {text}");
        }
    }

    #[tokio::test]
    async fn an_undecodable_success_body_is_not_printed() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Expected {
            id: u64,
        }
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"token": SECRET})))
            .mount(&server)
            .await;
        let err = send_json::<Expected>(&client(&server), post())
            .await
            .unwrap_err();
        assert!(matches!(&err, polar_api::Error::Decode { body, .. } if body.len() > 10));
        for text in [format!("{err:?}"), err.to_string()] {
            assert!(!text.contains(SECRET), "the body is printed: {text}");
        }
    }
}

// ---------------------------------------------------------------------------
// Credentials passed as path or query parameters never print
// ---------------------------------------------------------------------------

mod parameters {
    use super::common::{client, received};
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const CLIENT_SECRET: &str = "polar_c_PaRaM_SeCrEt_9d1e";

    #[tokio::test]
    async fn a_client_secret_in_the_path_is_sent_but_never_printed() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/checkouts/client/{CLIENT_SECRET}")))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "error": "ResourceNotFound", "detail": "Not found"
            })))
            .mount(&server)
            .await;
        let client = client(&server);
        let request = client.checkouts().client_get(CLIENT_SECRET);
        for text in [format!("{request:?}"), format!("{request:#?}")] {
            assert!(
                !text.contains(CLIENT_SECRET),
                "the builder prints it: {text}"
            );
        }
        // Sent as given: the mock only answers on the real path.
        let err = request.send().await.unwrap_err();
        assert_eq!(err.status(), Some(404), "{err}");
        assert_eq!(received(&server).await.len(), 1);
        assert!(!format!("{err:?}").contains(CLIENT_SECRET));
    }
}
