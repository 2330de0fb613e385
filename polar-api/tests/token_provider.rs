//! A token provider instead of a fixed token: asked once per request (not
//! per retry), its newest token used from the next request on, and its
//! failure a typed error that sends nothing and shows no token.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{received, send_json};
use polar_api::__private::Request;
use polar_api::reqwest::Method;
use polar_api::v2026_10::{Client, ClientBuilder};
use polar_api::{AccessToken, Error, RetryConfig};
use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get() -> Request {
    Request::new(Method::GET, "products:list", "/v1/products/")
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .timeout(Duration::from_secs(10))
        .retry(
            RetryConfig::default()
                .max_retries(2)
                .initial_delay(Duration::from_millis(10))
                .max_delay(Duration::from_millis(50)),
        )
}

async fn answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

fn authorizations(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect()
}

/// A provider that hands out `polar_at_rotated_<n>` on its n-th call.
fn rotating() -> (Arc<AtomicUsize>, impl polar_api::TokenProvider) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Ok::<_, std::io::Error>(format!("polar_at_rotated_{n}")) }
    };
    (calls, provider)
}

#[tokio::test]
async fn the_provider_is_asked_per_request_and_a_rotated_token_is_used_next() {
    let server = answering(200).await;
    let (calls, provider) = rotating();
    let client = builder(&server).token_provider(provider).build().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 0, "not asked when built");
    for _ in 0..3 {
        send_json::<Value>(&client, get()).await.unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(
        authorizations(&received(&server).await),
        [
            "Bearer polar_at_rotated_1",
            "Bearer polar_at_rotated_2",
            "Bearer polar_at_rotated_3"
        ]
    );
    // A clone shares the provider.
    send_json::<Value>(&client.clone(), get()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_retried_request_asks_once_and_resends_the_same_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let (calls, provider) = rotating();
    let client = builder(&server).token_provider(provider).build().unwrap();
    send_json::<Value>(&client, get()).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        authorizations(&received(&server).await),
        ["Bearer polar_at_rotated_1", "Bearer polar_at_rotated_1"]
    );
}

#[tokio::test]
async fn a_failing_provider_is_a_typed_error_and_nothing_is_sent() {
    let server = answering(200).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    // A good token first, then the vault is out of reach.
    let client = builder(&server)
        .token_provider(move || {
            let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                if first {
                    Ok(AccessToken::new("polar_at_SeCrEt_first"))
                } else {
                    Err(std::io::Error::other("the vault is out of reach"))
                }
            }
        })
        .build()
        .unwrap();
    send_json::<Value>(&client, get()).await.unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    match &err {
        Error::TokenProvider { operation, source } => {
            assert_eq!(*operation, "products:list");
            assert_eq!(source.to_string(), "the vault is out of reach");
        }
        other => panic!("a token-provider error: {other:?}"),
    }
    assert!(!err.may_have_been_applied());
    assert_eq!(err.operation(), Some("products:list"));
    let source = std::error::Error::source(&err).expect("the provider's error");
    assert_eq!(source.to_string(), "the vault is out of reach");
    let shown = format!("{err} {err:?} {err:#?}");
    assert!(shown.contains("token provider failed"), "{shown}");
    assert!(!shown.contains("SeCrEt"), "{shown}");
    assert_eq!(
        received(&server).await.len(),
        1,
        "the failed call sent nothing"
    );
    // Every call asks again: no retry of a provider's failure.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_token_that_cannot_be_sent_is_refused_without_showing_it() {
    let server = answering(200).await;
    let client = builder(&server)
        .token_provider(|| async { Ok::<_, std::io::Error>("polar_at_SeCrEt\nx-injected: 1") })
        .build()
        .unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SeCrEt"), "{shown}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_provider_is_not_shown_and_excludes_a_fixed_token() {
    let server = answering(200).await;
    let secret = String::from("polar_at_SeCrEt_captured");
    let with_provider = move || {
        let token = secret.clone();
        async move { Ok::<_, std::io::Error>(token) }
    };
    let builder_debug = format!(
        "{:?}",
        builder(&server).token_provider(with_provider.clone())
    );
    assert!(
        builder_debug.contains("token_provider: true"),
        "{builder_debug}"
    );
    let client = builder(&server)
        .token_provider(with_provider.clone())
        .build()
        .unwrap();
    let client_debug = format!("{client:?} {:?}", client.__core());
    assert!(
        client_debug.contains("authenticated: true"),
        "{client_debug}"
    );
    assert!(!client_debug.contains("SeCrEt"), "{client_debug}");

    let both = builder(&server)
        .token("polar_oat_x")
        .token_provider(with_provider.clone())
        .build()
        .unwrap_err();
    assert!(both.to_string().contains("keep one"), "{both}");
    assert!(builder(&server)
        .token_provider(with_provider)
        .build_anonymous()
        .is_err());
}
