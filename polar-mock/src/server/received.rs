//! What the mock received: every request, as it came, with what it was
//! answered.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};

/// One request the mock received.
#[derive(Clone)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The operation it was routed to (`"orders:get"`), if any.
    pub operation_id: Option<&'static str>,
    /// The API version it was answered as; `None` when it asked for one the
    /// mock does not serve.
    pub api_version: Option<&'static str>,
    /// The method.
    pub method: Method,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query string, as sent, without the `?`.
    pub query: Option<String>,
    /// Every header, as sent. `Debug` does not show the `authorization`
    /// header's value.
    pub headers: HeaderMap,
    /// The body, as sent.
    pub body: Bytes,
    /// The status it was answered with; `None` when the connection was
    /// closed instead (an injected fault).
    pub status: Option<u16>,
}

impl ReceivedRequest {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The query parameters, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    /// The value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for ReceivedRequest {
    // Tokens are secrets and bodies customer data: neither is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name == http::header::AUTHORIZATION {
                    "<redacted>"
                } else {
                    value.to_str().unwrap_or("<binary>")
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("ReceivedRequest")
            .field("operation_id", &self.operation_id)
            .field("api_version", &self.api_version)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("status", &self.status)
            .finish()
    }
}
