//! Responses: the raw one `send` returns, the typed [`Response`] handed to
//! callers, and the decoding from one to the other.

use bytes::Bytes;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::Url;
use serde::de::DeserializeOwned;

use std::sync::Arc;

use crate::__private::decode_value;
use crate::error::{ErrorBody, TypedErrorBody};
use crate::version::API_VERSION_HEADER;
use crate::{ApiError, Error, RateLimit};

/// A decoded response together with its HTTP metadata, for callers who want
/// the status, the headers or the rate-limit state along with the value.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status code (always 2xx).
    pub status: u16,
    /// All response headers.
    pub headers: HeaderMap,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
}

impl<T> Response<T> {
    /// The decoded body, dropping the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The `Polar-Version` the server says it answered as (its echo of the
    /// request's header).
    pub fn api_version(&self) -> Option<&str> {
        served_version(&self.headers)
    }

    /// Transforms the value, keeping the metadata.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            rate_limit: self.rate_limit,
        }
    }
}

/// A response as received, whatever its status: what
/// [`Core::send`](crate::__private::Core::send) returns.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The HTTP status code.
    pub status: u16,
    /// All response headers.
    pub headers: HeaderMap,
    /// The body: whole for a 2xx (within
    /// `ClientBuilder::max_response_body`), its first
    /// `ClientBuilder::max_error_body` bytes for any other status.
    pub body: Bytes,
    /// The `Polar-Version` the request asked for.
    pub requested_version: &'static str,
    /// Whether an attempt before the one that got this response may have
    /// reached the server (for [`Error::may_have_been_applied`]).
    pub(crate) earlier_attempt_sent: bool,
    /// The URL the request was sent to.
    pub(crate) url: Url,
    /// Where a `reqwest::Client` given to `ClientBuilder::http_client`
    /// redirected the request to, when it followed a redirect.
    pub(crate) redirected_to: Option<Url>,
    /// The whole body's length, when known (`body` may be its start).
    pub(crate) body_len: Option<u64>,
    /// Whether `body` is only the start of the body.
    pub(crate) truncated: bool,
}

/// A URL as errors show it: no user or password, no query, no fragment
/// (the query may hold customer data).
pub(crate) fn shown_url(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let had_query = url.query().is_some();
    url.set_query(None);
    url.set_fragment(None);
    let mut text = url.to_string();
    if had_query {
        text.push_str("?…");
    }
    text
}

/// The `Polar-Version` header of a response, when it has a readable one.
pub(crate) fn served_version(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(API_VERSION_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
}

/// Whether a 404 says the API version is not served, not that a resource
/// is missing: the bare `{"detail": "Not Found"}` of an unknown route, on a
/// response that does not echo the requested version. Polar's resource 404s
/// carry `"error": "ResourceNotFound"` (and a served version).
fn is_unsupported_version(response: &RawResponse) -> bool {
    if response.status != 404
        || served_version(&response.headers) == Some(response.requested_version)
    {
        return false;
    }
    let Ok(serde_json::Value::Object(body)) = decode_value(&response.body) else {
        return false;
    };
    body.len() == 1 && body.get("detail").and_then(|d| d.as_str()) == Some("Not Found")
}

impl RawResponse {
    /// Reads the rate-limit headers.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Turns a non-2xx response into [`Error::Api`], decoding the body with
    /// `error_body`; hands back a 2xx one.
    fn check(
        self,
        operation: &'static str,
        error_body: ErrorDecoder,
    ) -> Result<RawResponse, Error> {
        if let Some(to) = &self.redirected_to {
            return Err(Error::Redirect {
                operation,
                status: self.status,
                location: Some(to.to_string()),
                followed: true,
            });
        }
        if (300..400).contains(&self.status) {
            return Err(Error::Redirect {
                operation,
                status: self.status,
                location: self
                    .headers
                    .get(LOCATION)
                    .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
                followed: false,
            });
        }
        if self.is_success() {
            return Ok(self);
        }
        if is_unsupported_version(&self) {
            return Err(Error::UnsupportedApiVersion {
                operation,
                requested: self.requested_version,
                served: served_version(&self.headers).map(str::to_owned),
                url: shown_url(&self.url),
            });
        }
        let body = error_body(operation, self.status, &self.body);
        Err(Error::Api(Box::new(ApiError {
            operation,
            status: self.status,
            body,
            rate_limit: self.rate_limit(),
            raw: self.body,
            headers: self.headers,
            earlier_attempt_sent: self.earlier_attempt_sent,
            body_len: self.body_len,
            truncated: self.truncated,
        })))
    }

    fn into_response<T>(self, value: T) -> Response<T> {
        Response {
            rate_limit: self.rate_limit(),
            value,
            status: self.status,
            headers: self.headers,
        }
    }
}

/// Decodes a 2xx JSON body into `T`, or turns any other status into
/// [`Error::Api`]. A body that does not decode is [`Error::Decode`].
pub fn json<T: DeserializeOwned>(
    operation: &'static str,
    response: RawResponse,
    error_body: ErrorDecoder,
) -> Result<Response<T>, Error> {
    let response = response.check(operation, error_body)?;
    match crate::__private::decode_json(&response.body) {
        Ok(value) => Ok(response.into_response(value)),
        Err(source) => Err(Error::Decode {
            operation,
            status: response.status,
            body: response.body,
            source,
        }),
    }
}

/// For operations that answer `202 Accepted` without a body while the
/// result is not ready (an order receipt still being generated): `None` for
/// a 202, whatever its body; any other 2xx decodes as [`json`] does, into
/// `Some`. Any other status is [`Error::Api`].
pub fn json_or_pending<T: DeserializeOwned>(
    operation: &'static str,
    response: RawResponse,
    error_body: ErrorDecoder,
) -> Result<Response<Option<T>>, Error> {
    if response.status == 202 {
        return Ok(response.into_response(None));
    }
    json(operation, response, error_body).map(|response| response.map(Some))
}

/// Accepts any 2xx response and ignores its body (for 202/204 and other
/// body-less successes), or turns any other status into [`Error::Api`].
pub fn empty(
    operation: &'static str,
    response: RawResponse,
    error_body: ErrorDecoder,
) -> Result<Response<()>, Error> {
    let response = response.check(operation, error_body)?;
    Ok(response.into_response(()))
}

/// Returns a 2xx body as text (`text/csv` exports), or turns any other
/// status into [`Error::Api`]. A body that is not UTF-8 is [`Error::Decode`].
pub fn text(
    operation: &'static str,
    response: RawResponse,
    error_body: ErrorDecoder,
) -> Result<Response<String>, Error> {
    let response = response.check(operation, error_body)?;
    match std::str::from_utf8(&response.body) {
        Ok(text) => {
            let text = text.to_owned();
            Ok(response.into_response(text))
        }
        Err(e) => Err(Error::Decode {
            operation,
            status: response.status,
            source: <serde_json::Error as serde::de::Error>::custom(format!(
                "the body is not valid UTF-8: {e}"
            )),
            body: response.body,
        }),
    }
}

/// How a version decodes an error body: the operation (`operationId`), the
/// status and the raw body in, the version's `ApiErrorBody` (erased with
/// [`erase_error_body`]) out, or `None` for an undocumented status or a body
/// that is not JSON. Each version module generates one; request builders
/// carry their version's, so builders shared by several versions need not
/// name any version's `ApiErrorBody`.
pub type ErrorDecoder = fn(&'static str, u16, &[u8]) -> Option<TypedErrorBody>;

/// A version's error body behind the one type [`ErrorDecoder`] returns.
pub fn erase_error_body<B: ErrorBody>(body: B) -> TypedErrorBody {
    Arc::new(body)
}

/// An [`ErrorDecoder`] that decodes nothing: for operations whose spec
/// documents no error schema. [`ApiError::raw`] still has the body.
pub fn no_error_body(
    _operation: &'static str,
    _status: u16,
    _raw: &[u8],
) -> Option<TypedErrorBody> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn raw(status: u16, body: &'static str) -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("9"));
        RawResponse {
            status,
            headers,
            body: Bytes::from_static(body.as_bytes()),
            requested_version: "2026-10",
            earlier_attempt_sent: false,
            url: Url::parse("https://api.polar.sh/v1/licenses/k?email=a%40b.c").unwrap(),
            redirected_to: None,
            body_len: Some(body.len() as u64),
            truncated: false,
        }
    }

    fn with_served(mut response: RawResponse, version: &'static str) -> RawResponse {
        response
            .headers
            .insert(API_VERSION_HEADER, HeaderValue::from_static(version));
        response
    }

    #[test]
    fn a_bare_404_without_the_requested_version_is_an_unsupported_version() {
        let bare = r#"{"detail":"Not Found"}"#;
        for response in [raw(404, bare), with_served(raw(404, bare), "2026-07")] {
            let served = served_version(&response.headers).map(str::to_owned);
            let err = json::<()>("licenses:get", response, unknown).unwrap_err();
            match &err {
                Error::UnsupportedApiVersion {
                    requested,
                    served: got,
                    ..
                } => {
                    assert_eq!(*requested, "2026-10");
                    assert_eq!(*got, served);
                }
                other => panic!("{other:?}"),
            }
            assert!(err.is_unsupported_api_version());
            assert!(!err.is_not_found(), "never a missing resource");
            let text = err.to_string();
            assert!(
                text.contains("https://api.polar.sh/v1/licenses/k?…"),
                "{text}"
            );
            assert!(text.contains("base URL is wrong"), "{text}");
            assert!(!text.contains("a%40b"), "{text}");
        }
    }

    #[test]
    fn a_resource_404_stays_a_resource_404() {
        let resource = r#"{"error":"ResourceNotFound","detail":"Not found"}"#;
        let bare = r#"{"detail":"Not Found"}"#;
        for response in [
            raw(404, resource),
            with_served(raw(404, resource), "2026-10"),
            // The route is missing in a version the server does serve.
            with_served(raw(404, bare), "2026-10"),
        ] {
            let err = json::<()>("licenses:get", response, unknown).unwrap_err();
            assert!(err.is_not_found(), "{err:?}");
            assert!(!err.is_unsupported_api_version());
        }
    }

    #[test]
    fn the_served_version_is_readable() {
        let ok =
            json::<Vec<u8>>("op", with_served(raw(200, "[]"), "2026-10"), no_error_body).unwrap();
        assert_eq!(ok.api_version(), Some("2026-10"));
        let err = json::<()>("op", with_served(raw(409, "{}"), "2026-10"), unknown).unwrap_err();
        assert_eq!(err.api_error().unwrap().api_version(), Some("2026-10"));
    }

    fn unknown(_: &'static str, _: u16, raw: &[u8]) -> Option<TypedErrorBody> {
        serde_json::from_slice::<serde_json::Value>(raw)
            .ok()
            .map(erase_error_body)
    }

    #[test]
    fn json_success_and_metadata() {
        let res = json::<Vec<u8>>("op", raw(200, "[1,2]"), no_error_body).unwrap();
        assert_eq!(res.status, 200);
        assert_eq!(res.rate_limit.remaining, Some(9));
        assert_eq!(res.into_value(), vec![1, 2]);
    }

    #[test]
    fn json_decode_error_keeps_body() {
        let err = json::<Vec<u8>>("op", raw(201, "nope"), no_error_body).unwrap_err();
        match err {
            Error::Decode { status, body, .. } => {
                assert_eq!(status, 201);
                assert_eq!(&body[..], b"nope");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_success_is_api_error() {
        let err = json::<()>("op", raw(409, r#"{"detail":"x"}"#), unknown).unwrap_err();
        let api = err.api_error().unwrap();
        assert_eq!(api.status, 409);
        assert_eq!(
            api.body::<serde_json::Value>(),
            Some(&serde_json::json!({"detail": "x"}))
        );
        assert_eq!(api.body::<String>(), None, "another type is not the body");
        assert_eq!(err.rate_limit().unwrap().remaining, Some(9));
    }

    #[test]
    fn json_or_pending_is_none_for_202_and_decodes_otherwise() {
        let pending = json_or_pending::<Vec<u8>>("op", raw(202, ""), no_error_body).unwrap();
        assert_eq!(pending.status, 202);
        assert_eq!(pending.rate_limit.remaining, Some(9));
        assert_eq!(pending.into_value(), None);
        let ready = json_or_pending::<Vec<u8>>("op", raw(200, "[1]"), no_error_body).unwrap();
        assert_eq!(ready.into_value(), Some(vec![1]));
        assert!(matches!(
            json_or_pending::<Vec<u8>>("op", raw(200, ""), no_error_body),
            Err(Error::Decode { status: 200, .. })
        ));
        let err =
            json_or_pending::<Vec<u8>>("op", raw(404, r#"{"detail":"x"}"#), unknown).unwrap_err();
        assert_eq!(err.api_error().unwrap().status, 404);
    }

    #[test]
    fn empty_and_text() {
        assert!(empty("op", raw(204, ""), no_error_body).is_ok());
        assert!(empty("op", raw(404, ""), no_error_body).is_err());
        assert_eq!(
            text("op", raw(200, "a,b\n1,2\n"), no_error_body)
                .unwrap()
                .value,
            "a,b\n1,2\n"
        );
        let bad = RawResponse {
            body: Bytes::from_static(&[0xff, 0xfe]),
            ..raw(200, "")
        };
        assert!(matches!(
            text("op", bad, no_error_body),
            Err(Error::Decode { .. })
        ));
    }
}
