//! Responses: the raw one `send` returns, the typed [`Response`] handed to
//! callers, and the decoding from one to the other.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::{ApiError, ApiErrorBody, Error, RateLimit};

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
    /// The whole body.
    pub body: Bytes,
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
        error_body: fn(u16, &[u8]) -> Option<ApiErrorBody>,
    ) -> Result<RawResponse, Error> {
        if self.is_success() {
            return Ok(self);
        }
        let body = error_body(self.status, &self.body);
        Err(Error::Api(Box::new(ApiError {
            operation,
            status: self.status,
            body,
            rate_limit: self.rate_limit(),
            raw: self.body,
            headers: self.headers,
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
    error_body: fn(u16, &[u8]) -> Option<ApiErrorBody>,
) -> Result<Response<T>, Error> {
    let response = response.check(operation, error_body)?;
    match serde_json::from_slice(&response.body) {
        Ok(value) => Ok(response.into_response(value)),
        Err(source) => Err(Error::Decode {
            operation,
            status: response.status,
            body: response.body,
            source,
        }),
    }
}

/// Accepts any 2xx response and ignores its body (for 202/204 and other
/// body-less successes), or turns any other status into [`Error::Api`].
pub fn empty(
    operation: &'static str,
    response: RawResponse,
    error_body: fn(u16, &[u8]) -> Option<ApiErrorBody>,
) -> Result<Response<()>, Error> {
    let response = response.check(operation, error_body)?;
    Ok(response.into_response(()))
}

/// Returns a 2xx body as text (`text/csv` exports), or turns any other
/// status into [`Error::Api`]. A body that is not UTF-8 is [`Error::Decode`].
pub fn text(
    operation: &'static str,
    response: RawResponse,
    error_body: fn(u16, &[u8]) -> Option<ApiErrorBody>,
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

/// An `error_body` decoder that decodes nothing: for operations whose spec
/// documents no error schema. [`ApiError::raw`] still has the body.
pub fn no_error_body(_status: u16, _raw: &[u8]) -> Option<ApiErrorBody> {
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
        }
    }

    fn unknown(_: u16, raw: &[u8]) -> Option<ApiErrorBody> {
        serde_json::from_slice(raw).ok().map(ApiErrorBody::Unknown)
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
        assert!(matches!(api.body, Some(ApiErrorBody::Unknown(_))));
        assert_eq!(err.rate_limit().unwrap().remaining, Some(9));
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
