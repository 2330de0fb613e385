//! The crate's single error type.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use crate::RateLimit;

/// Everything that can go wrong when calling the Polar API.
///
/// The `Display` text names the operation (its OpenAPI `operationId`) and
/// what happened; neither it nor `Debug` ever contains the access token,
/// and neither prints a response body (which may echo what was sent):
/// bodies are shown by their length, and stay readable through
/// [`ApiError::raw`] and [`ApiError::raw_text`].
///
/// [`may_have_been_applied`](Error::may_have_been_applied) says whether the
/// server may have carried the request out despite the error, which decides
/// whether a `POST` can simply be sent again.
#[non_exhaustive]
pub enum Error {
    /// The request could not be sent or the response not read: DNS, TCP, TLS,
    /// a refused or dropped connection.
    Transport {
        /// The operation being called.
        operation: &'static str,
        /// What the HTTP stack reported (the URL is left out of it, since the
        /// query may carry customer data).
        source: reqwest::Error,
        /// Whether the request may have reached the server, on the last
        /// attempt or an earlier one. `false` only when no attempt got a
        /// connection open (the connection was refused, the host not
        /// found, the TLS handshake failed): then the server never saw it.
        sent: bool,
    },
    /// Time ran out before the response arrived: the connect timeout, the
    /// timeout of one attempt, or the deadline of the whole request
    /// (see [`limit`](Error::Timeout::limit)).
    Timeout {
        /// The operation being called.
        operation: &'static str,
        /// Which limit ran out.
        limit: TimeoutLimit,
        /// Whether the request may have reached the server, on the last
        /// attempt or an earlier one. `false` only when no attempt got a
        /// connection open in time: then the server never saw it.
        sent: bool,
        /// What the HTTP stack reported, when an attempt was cut short
        /// (without the URL).
        source: Option<reqwest::Error>,
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

/// Which time limit an [`Error::Timeout`] ran into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutLimit {
    /// No connection could be opened in time
    /// (`ClientBuilder::connect_timeout`):
    /// the request was not sent.
    Connect,
    /// One attempt took longer than this
    /// (`ClientBuilder::timeout`, or the
    /// operation builder's `.timeout(..)`).
    Attempt(Duration),
    /// The whole request, retries and waits included, took longer than
    /// this (`ClientBuilder::deadline`, or
    /// the operation builder's `.deadline(..)`).
    Deadline(Duration),
    /// A timeout of the `reqwest::Client` given to
    /// `ClientBuilder::http_client`,
    /// when this client sets none of its own.
    HttpClient,
}

/// A response with a non-2xx status.
///
/// Its `Debug` shows the body's length and the kind of its typed body, not
/// the body itself: a `422` echoes the submitted input, which may hold
/// secrets. Read the body with [`raw`](Self::raw) or
/// [`raw_text`](Self::raw_text).
#[derive(Clone)]
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
    /// Whether an earlier attempt of the same request may have reached the
    /// server (it timed out after sending, or got a 5xx), before this
    /// response came back to a retry.
    pub(crate) earlier_attempt_sent: bool,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body", &format_args!("{}", self.body_kind()))
            .field("raw", &format_args!("<{} bytes>", self.raw.len()))
            .field("rate_limit", &self.rate_limit)
            .field("headers", &HeaderNames(&self.headers))
            .finish()
    }
}

/// Header names only: values (cookies, for one) are left out of `Debug`.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
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

    /// The body exactly as received. It may echo what the request sent
    /// (a 422 repeats the invalid input): take care where you print it.
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// Whether the server may have carried the request out: see
    /// [`Error::may_have_been_applied`].
    pub fn may_have_been_applied(&self) -> bool {
        self.earlier_attempt_sent || status_may_have_been_applied(self.status)
    }

    /// The name of the typed body's variant (`HttpValidationError`,
    /// `Unknown`), or `untyped`: what `Debug` shows instead of the body.
    fn body_kind(&self) -> String {
        let Some(body) = &self.body else {
            return "untyped".to_owned();
        };
        // The `Debug` of an `ApiErrorBody` starts with its variant's name;
        // the rest (which may echo the input) is dropped here.
        let debug = format!("{body:?}");
        let name: String = debug
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            "typed".to_owned()
        } else {
            name
        }
    }

    /// What `Display` shows of the body: Polar's `detail` message or the
    /// first validation message, never the body itself.
    fn summary(&self) -> Option<String> {
        let json = serde_json::from_slice::<serde_json::Value>(&self.raw).ok()?;
        match json.get("detail")? {
            serde_json::Value::String(_) | serde_json::Value::Array(_) => self.detail(),
            _ => None,
        }
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
                                    .map(location_part)
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
        match self.summary() {
            Some(detail) => write!(f, ": {detail}"),
            None if self.raw.is_empty() => Ok(()),
            // The body may echo the request: shown by its length only.
            None => write!(f, " ({}-byte body)", self.raw.len()),
        }
    }
}

impl std::error::Error for ApiError {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Only reqwest's own text ("error sending request"): its causes
            // (connection refused, TLS, ...) follow through `source()`, which
            // error reporters print after this.
            Error::Transport {
                operation,
                source,
                sent,
            } => {
                let not_sent = if *sent {
                    ""
                } else {
                    " (the request was not sent)"
                };
                write!(
                    f,
                    "{operation}: could not reach the Polar API{not_sent}: {source}"
                )
            }
            Error::Timeout {
                operation,
                limit,
                sent,
                ..
            } => {
                match limit {
                    TimeoutLimit::Connect => {
                        write!(f, "{operation}: timed out connecting to the Polar API")?
                    }
                    TimeoutLimit::Attempt(timeout) => write!(
                        f,
                        "{operation}: timed out waiting for the Polar API \
                         (the {timeout:?} timeout of an attempt ran out)"
                    )?,
                    TimeoutLimit::Deadline(deadline) => write!(
                        f,
                        "{operation}: timed out waiting for the Polar API \
                         (the {deadline:?} deadline of the request passed)"
                    )?,
                    TimeoutLimit::HttpClient => write!(
                        f,
                        "{operation}: timed out waiting for the Polar API \
                         (a timeout of the HTTP client ran out)"
                    )?,
                }
                if *sent {
                    write!(f, "; the request was sent and may have been applied")
                } else {
                    write!(f, "; the request was not sent")
                }
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
            Error::Timeout { source, .. } => source
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    #[doc(hidden)]
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    #[doc(hidden)]
    pub fn encode(operation: &'static str, message: impl Into<String>) -> Self {
        Error::Encode {
            operation,
            message: message.into(),
        }
    }

    /// Classifies an error from the HTTP stack, dropping the URL from it.
    /// `limit` is the time limit the attempt ran under; `earlier_sent`
    /// whether an earlier attempt may have reached the server.
    pub(crate) fn from_reqwest(
        operation: &'static str,
        error: reqwest::Error,
        limit: TimeoutLimit,
        earlier_sent: bool,
    ) -> Self {
        // A connect error (refused, DNS, TLS, connect timeout) means this
        // attempt never reached the server; anything later may have.
        let sent = earlier_sent || !error.is_connect();
        if error.is_timeout() {
            Error::Timeout {
                operation,
                limit: if error.is_connect() {
                    TimeoutLimit::Connect
                } else {
                    limit
                },
                sent,
                source: Some(error.without_url()),
            }
        } else {
            Error::Transport {
                operation,
                source: error.without_url(),
                sent,
            }
        }
    }

    /// Whether the server may have carried the request out (in full or in
    /// part) despite this error, so that sending it again as it is could
    /// apply it twice. Retries count: when an earlier attempt may have
    /// been applied, so may the request.
    ///
    /// * `false` when nothing reached the server: the request could not
    ///   be built ([`Error::Encode`]), the client is misconfigured
    ///   ([`Error::Config`]), or no connection could be opened (a refused
    ///   connection, an unknown host, a failed TLS handshake, the connect
    ///   timeout; `sent: false`).
    /// * `false` for an answer that refuses the request: a 429 (refused
    ///   before running), any other 4xx but 408 (the server rejected it:
    ///   validation, authentication, a missing resource, a conflict), and
    ///   [`Error::UnsupportedApiVersion`].
    /// * `true` once the request was sent and no answer came: a timeout
    ///   after the connection was open, a connection dropped mid-way
    ///   (`sent: true`); the server may have finished the work and lost
    ///   only the reply.
    /// * `true` for a 5xx (the server may have failed after doing part or
    ///   all of the work), for a 408 (it says the server stopped waiting;
    ///   whether something in front of the API had already passed the
    ///   request on cannot be told from the status alone), for statuses
    ///   outside 4xx and 5xx, and for [`Error::Decode`] (the server
    ///   answered with success: it ran).
    ///
    /// This is about effects: a `GET` changes nothing however often it
    /// runs. For a `POST` or `PATCH` that may have been applied, resend it
    /// only with the same `Idempotency-Key` it was sent with, or check
    /// what the server holds first.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Transport { sent, .. } | Error::Timeout { sent, .. } => *sent,
            Error::Api(api) => api.may_have_been_applied(),
            Error::Decode { .. } => true,
            Error::UnsupportedApiVersion { .. } | Error::Encode { .. } | Error::Config { .. } => {
                false
            }
        }
    }

    /// The operation the error happened in, when it happened in one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
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

/// Whether a response with this status leaves open that the server
/// carried the request out: every status but 429 and the 4xx other than
/// 408 (see [`Error::may_have_been_applied`]).
pub(crate) fn status_may_have_been_applied(status: u16) -> bool {
    match status {
        408 => true,
        400..=499 => false,
        _ => true,
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport {
                operation,
                source,
                sent,
            } => f
                .debug_struct("Transport")
                .field("operation", operation)
                .field("sent", sent)
                .field("source", source)
                .finish(),
            Error::Timeout {
                operation,
                limit,
                sent,
                source,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("limit", limit)
                .field("sent", sent)
                .field("source", source)
                .finish(),
            Error::Decode {
                operation,
                status,
                body,
                source,
            } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("status", status)
                // A success body can hold secrets (a created token).
                .field("body", &format_args!("<{} bytes>", body.len()))
                .field("source", source)
                .finish(),
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::UnsupportedApiVersion {
                operation,
                requested,
                served,
            } => f
                .debug_struct("UnsupportedApiVersion")
                .field("operation", operation)
                .field("requested", requested)
                .field("served", served)
                .finish(),
            Error::Encode { operation, message } => f
                .debug_struct("Encode")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::Config { message } => {
                f.debug_struct("Config").field("message", message).finish()
            }
        }
    }
}

/// One part of a FastAPI validation error's `loc` as text: a property name
/// as is, an array index as its number.
#[doc(hidden)]
pub fn location_part(part: &serde_json::Value) -> String {
    match part {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
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
            earlier_attempt_sent: false,
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
    fn text_bodies_are_cut_in_detail_and_left_out_of_display() {
        let long: &'static str = Box::leak("x".repeat(500).into_boxed_str());
        let err = api(502, long);
        let detail = err.api_error().unwrap().detail().unwrap();
        assert!(detail.chars().count() < 300);
        assert!(detail.ends_with('…'));
        assert!(err.to_string().ends_with("502 Bad Gateway (500-byte body)"));
        assert!(api(500, "")
            .to_string()
            .ends_with("500 Internal Server Error"));
        let other_json = api(400, r#"{"input":"s3cr3t"}"#).to_string();
        assert!(!other_json.contains("s3cr3t"), "{other_json}");
    }

    #[test]
    fn what_may_have_been_applied() {
        for (status, applied) in [
            (400, false),
            (401, false),
            (404, false),
            (408, true),
            (409, false),
            (422, false),
            (429, false),
            (500, true),
            (502, true),
            (503, true),
            (504, true),
        ] {
            assert_eq!(api(status, "").may_have_been_applied(), applied, "{status}");
        }
        let Error::Api(mut retried) = api(404, "") else {
            unreachable!()
        };
        retried.earlier_attempt_sent = true;
        assert!(Error::Api(retried).may_have_been_applied());
        assert!(!Error::config("x").may_have_been_applied());
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<Error>();
    }
}
