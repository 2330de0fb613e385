//! The crate's single error type.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use crate::RateLimit;

/// Everything that can go wrong when calling the Polar API.
///
/// The `Display` text names the operation (its OpenAPI `operationId`) and
/// what happened; neither it nor `Debug` ever contains the access token.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response not read: DNS, TCP, TLS,
    /// a dropped connection.
    Transport {
        /// The operation being called.
        operation: &'static str,
        /// What the HTTP stack reported (the URL is left out of it, since the
        /// query may carry customer data).
        source: reqwest::Error,
    },
    /// The server did not answer within the configured timeout.
    Timeout {
        /// The operation being called.
        operation: &'static str,
    },
    /// The server answered with a success status, but its body did not decode
    /// into the expected type. The body is kept for inspection.
    Decode {
        /// The operation being called.
        operation: &'static str,
        /// The HTTP status of the response.
        status: u16,
        /// The body exactly as received.
        body: Bytes,
        /// Why decoding failed.
        source: serde_json::Error,
    },
    /// The server answered with a status other than 2xx.
    Api(Box<ApiError>),
    /// The server does not serve the API version the client asked for: a
    /// `404 {"detail":"Not Found"}` whose response does not echo the
    /// requested `Polar-Version`. Polar removes a version a quarter after it
    /// is deprecated; move to a newer version module. This is never a
    /// missing resource: nothing was looked up.
    UnsupportedApiVersion {
        /// The operation being called.
        operation: &'static str,
        /// The `Polar-Version` the client sent.
        requested: &'static str,
        /// The version the response says it was served as, if it says.
        served: Option<String>,
    },
    /// The request could not be built: a path or query parameter or a body
    /// that does not serialize.
    Encode {
        /// The operation being called.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The client is misconfigured: a missing or malformed token, a bad base
    /// URL, a missing environment variable.
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// A response with a non-2xx status.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that was called (its OpenAPI `operationId`).
    pub operation: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// The body decoded into one of the error schemas the spec documents for
    /// this operation and status (the `ApiErrorBody` of the client's version
    /// module), or `None` when the status is undocumented or the body is not
    /// JSON. Read it with [`ApiError::body`].
    pub(crate) body: Option<TypedErrorBody>,
    /// The body exactly as received.
    pub raw: Bytes,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// All response headers.
    pub headers: HeaderMap,
}

/// A typed error body of any API version, behind one type so that
/// [`Error`] is the same for every version.
pub type TypedErrorBody = Arc<dyn ErrorBody>;

/// What a typed error body is: the `ApiErrorBody` of a version module
/// (any `Debug + Send + Sync` type; implemented for all of them).
pub trait ErrorBody: Any + fmt::Debug + Send + Sync {
    /// The body as `Any`, to downcast to its version's type.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> ErrorBody for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ApiError {
    /// The body decoded into the error schema the spec documents for this
    /// operation and status, as `B`: the `ApiErrorBody` of the version
    /// module that made the call (`err.body::<v2026_10::ApiErrorBody>()`).
    /// `None` when the status is undocumented, the body is not JSON, or `B`
    /// is another version's type.
    pub fn body<B: Any>(&self) -> Option<&B> {
        self.body
            .as_deref()
            .and_then(|body| body.as_any().downcast_ref())
    }

    /// The `Polar-Version` the response says it was served as.
    pub fn api_version(&self) -> Option<&str> {
        crate::response::served_version(&self.headers)
    }

    /// The raw body as text (invalid UTF-8 replaced).
    pub fn raw_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.raw)
    }

    /// A short human explanation from the body: Polar's `detail` field when
    /// it is a string, the first validation message for a 422, otherwise
    /// the start of the raw body.
    pub fn detail(&self) -> Option<String> {
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(&self.raw) {
            match json.get("detail") {
                Some(serde_json::Value::String(detail)) => return Some(detail.clone()),
                Some(serde_json::Value::Array(items)) => {
                    if let Some(first) = items.first() {
                        let msg = first.get("msg").and_then(|m| m.as_str()).unwrap_or("");
                        let loc = first
                            .get("loc")
                            .and_then(|l| l.as_array())
                            .map(|parts| {
                                parts
                                    .iter()
                                    .map(|p| match p {
                                        serde_json::Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })
                                    .collect::<Vec<_>>()
                                    .join(".")
                            })
                            .unwrap_or_default();
                        let more = if items.len() > 1 {
                            format!(" (and {} more)", items.len() - 1)
                        } else {
                            String::new()
                        };
                        return Some(format!("{loc}: {msg}{more}"));
                    }
                }
                _ => {}
            }
        }
        let text = self.raw_text();
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        const MAX: usize = 200;
        Some(match text.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        write!(
            f,
            "{}: the Polar API answered {} {}",
            self.operation, self.status, reason
        )?;
        if let Some(detail) = self.detail() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Only reqwest's own text ("error sending request"): its causes
            // (connection refused, TLS, ...) follow through `source()`, which
            // error reporters print after this.
            Error::Transport { operation, source } => {
                write!(f, "{operation}: could not reach the Polar API: {source}")
            }
            Error::Timeout { operation } => {
                write!(f, "{operation}: timed out waiting for the Polar API")
            }
            Error::Decode {
                operation,
                status,
                body,
                source,
            } => write!(
                f,
                "{operation}: could not decode the {status} response ({} bytes): {source}",
                body.len()
            ),
            Error::Api(api) => fmt::Display::fmt(api, f),
            Error::UnsupportedApiVersion {
                operation,
                requested,
                served,
            } => {
                write!(
                    f,
                    "{operation}: the Polar API does not serve API version {requested} \
                     (404 for the version, not for a resource)"
                )?;
                match served {
                    Some(served) => write!(f, "; the response was served as {served}"),
                    None => Ok(()),
                }
            }
            Error::Encode { operation, message } => {
                write!(f, "{operation}: could not encode the request: {message}")
            }
            Error::Config { message } => write!(f, "Polar client configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn encode(operation: &'static str, message: impl Into<String>) -> Self {
        Error::Encode {
            operation,
            message: message.into(),
        }
    }

    /// Classifies an error from the HTTP stack, dropping the URL from it.
    pub(crate) fn from_reqwest(operation: &'static str, error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Error::Timeout { operation }
        } else {
            Error::Transport {
                operation,
                source: error.without_url(),
            }
        }
    }

    /// The operation the error happened in, when it happened in one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation }
            | Error::Decode { operation, .. }
            | Error::Encode { operation, .. }
            | Error::UnsupportedApiVersion { operation, .. } => Some(operation),
            Error::Api(api) => Some(api.operation),
            Error::Config { .. } => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error response, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The rate-limit headers of the error response, for [`Error::Api`].
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.api_error().map(|api| &api.rate_limit)
    }

    /// Whether the server did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the server could not be reached or the connection broke.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. })
    }

    /// Whether the server answered 401: the token is missing, wrong or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(401)
    }

    /// Whether the server answered 403: the token may not do this.
    pub fn is_forbidden(&self) -> bool {
        self.api_status() == Some(403)
    }

    /// Whether the server does not serve the requested API version
    /// ([`Error::UnsupportedApiVersion`]).
    pub fn is_unsupported_api_version(&self) -> bool {
        matches!(self, Error::UnsupportedApiVersion { .. })
    }

    /// Whether the server answered 404 for a resource. An API version the
    /// server no longer serves is [`Error::UnsupportedApiVersion`] instead,
    /// so this never mistakes it for a missing resource.
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(404)
    }

    /// Whether the server answered 422: the request failed validation.
    pub fn is_validation_error(&self) -> bool {
        self.api_status() == Some(422)
    }

    /// Whether the server answered 429: too many requests.
    pub fn is_rate_limited(&self) -> bool {
        self.api_status() == Some(429)
    }

    /// Whether the server answered with a 5xx status.
    pub fn is_server_error(&self) -> bool {
        matches!(self.api_status(), Some(500..=599))
    }

    fn api_status(&self) -> Option<u16> {
        self.api_error().map(|api| api.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, raw: &'static str) -> Error {
        Error::Api(Box::new(ApiError {
            operation: "products:get",
            status,
            body: None,
            raw: Bytes::from_static(raw.as_bytes()),
            rate_limit: RateLimit::default(),
            headers: HeaderMap::new(),
        }))
    }

    #[test]
    fn api_error_display_uses_detail() {
        let err = api(404, r#"{"error":"ResourceNotFound","detail":"Not found"}"#);
        assert_eq!(
            err.to_string(),
            "products:get: the Polar API answered 404 Not Found: Not found"
        );
        assert!(err.is_not_found());
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.operation(), Some("products:get"));
    }

    #[test]
    fn validation_detail_names_the_field() {
        let err = api(
            422,
            r#"{"detail":[{"loc":["body","price"],"msg":"Field required","type":"missing"},{"loc":["body","x"],"msg":"m","type":"t"}]}"#,
        );
        assert!(err
            .to_string()
            .ends_with("body.price: Field required (and 1 more)"));
        assert!(err.is_validation_error());
    }

    #[test]
    fn long_text_bodies_are_cut() {
        let long: &'static str = Box::leak("x".repeat(500).into_boxed_str());
        let text = api(502, long).to_string();
        assert!(text.len() < 300);
        assert!(text.ends_with('…'));
        assert!(api(500, "")
            .to_string()
            .ends_with("500 Internal Server Error"));
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<Error>();
    }
}
