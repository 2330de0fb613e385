//! With the `gzip` feature: requests ask for gzip (`Accept-Encoding`),
//! compressed answers are decoded, and the body limits apply to the
//! decoded bytes, so a small compressed body that inflates past
//! `max_response_body` fails instead of filling memory.

mod common;

use std::io::Write;

use common::{builder, received, send_json};
use polar_api::__private::Request;
use polar_api::reqwest::Method;
use polar_api::Error;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

async fn serving_gzip(body: &[u8]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .insert_header("content-encoding", "gzip")
                .set_body_raw(gzip(body), "application/json"),
        )
        .mount(&server)
        .await;
    server
}

fn get() -> Request {
    Request::new(Method::GET, "products:list", "/v1/products/")
}

#[tokio::test]
async fn requests_ask_for_gzip_and_a_gzip_answer_is_decoded() {
    let page = json!({"items": [{"name": "a".repeat(10_000)}], "pagination": {"total_count": 1, "max_page": 1}});
    let server = serving_gzip(&serde_json::to_vec(&page).unwrap()).await;
    let client = builder(&server).build().unwrap();
    let got = send_json::<Value>(&client, get())
        .await
        .unwrap()
        .into_value();
    assert_eq!(got, page);
    let requests = received(&server).await;
    let accepts = requests[0].headers["accept-encoding"].to_str().unwrap();
    assert!(accepts.contains("gzip"), "{accepts}");
}

#[tokio::test]
async fn the_body_limit_applies_to_the_decoded_body() {
    // 4 MiB of spaces inside a JSON string: some 4 KiB compressed.
    let mut inflated = b"{\"items\":\"".to_vec();
    inflated.resize(4 << 20, b' ');
    inflated.extend_from_slice(b"\"}");
    let compressed = gzip(&inflated);
    assert!(compressed.len() < 64 << 10, "{}", compressed.len());
    let server = serving_gzip(&inflated).await;
    let client = builder(&server).max_response_body(1 << 20).build().unwrap();
    let err = send_json::<Value>(&client, get()).await.unwrap_err();
    match err {
        Error::ResponseTooLarge { status, limit, .. } => {
            assert_eq!((status, limit), (200, 1 << 20));
        }
        other => panic!("a body over the limit: {other:?}"),
    }
}
