//! Shared helpers: a client pointed at a local wiremock server, and a
//! one-call "send and decode JSON" as generated code would do it.
#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use polar_api::__private::{self, Request};
use polar_api::v2026_10::{ApiErrorBody, Client, ClientBuilder};
use polar_api::{Error, Response, RetryConfig};
use serde::de::DeserializeOwned;
use wiremock::MockServer;

/// A token distinctive enough to search for in any output.
pub const TOKEN: &str = "polar_oat_SeCrEt_9f8e7d6c5b4a";

/// A builder for the mock server: fast retries, no proxy.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .http_client(reqwest::Client::builder().no_proxy().build().unwrap())
        .timeout(Duration::from_secs(10))
        .retry(
            RetryConfig::default()
                .max_retries(2)
                .initial_delay(Duration::from_millis(10))
                .max_delay(Duration::from_secs(5)),
        )
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().unwrap()
}

/// An error decoder like the generated ones: a 404 body as
/// `ResourceNotFound`, a 422 as `HttpValidationError`, anything else `None`.
pub fn error_body(
    _operation: &'static str,
    status: u16,
    raw: &[u8],
) -> Option<__private::TypedErrorBody> {
    let body = match status {
        404 => {
            __private::decode_error_body(raw, ApiErrorBody::ResourceNotFound, ApiErrorBody::Unknown)
        }
        422 => __private::decode_error_body(
            raw,
            ApiErrorBody::HttpValidationError,
            ApiErrorBody::Unknown,
        ),
        _ => None,
    };
    body.map(__private::erase_error_body)
}

pub async fn send_json<T: DeserializeOwned>(
    client: &Client,
    request: Request,
) -> Result<Response<T>, Error> {
    let operation = request.operation();
    let raw = client.__core().send(request).await?;
    __private::json(operation, raw, error_body)
}

pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

/// The query pairs of a received request, decoded.
pub fn query_pairs(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
