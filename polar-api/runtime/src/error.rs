//! The crate's single error type.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::RateLimit;

mod api_error;
pub use api_error::{ApiError, ErrorBody, TypedErrorBody};

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
    /// A `404 {"detail":"Not Found"}` whose response does not echo the
    /// requested `Polar-Version`: the route is unknown. Either the server
    /// does not serve the API version the client asked for (Polar removes
    /// a version a quarter after it is deprecated; move to a newer version
    /// module), or the base URL is wrong (a typo, a proxy prefix): both
    /// answer the same way, so the error names the URL to check. This is
    /// never a missing resource: nothing was looked up.
    UnsupportedApiVersion {
        /// The operation being called.
        operation: &'static str,
        /// The `Polar-Version` the client sent.
        requested: &'static str,
        /// The version the response says it was served as, if it says.
        served: Option<String>,
        /// The URL the request went to, without credentials, query or
        /// fragment (a `?…` marks a query left out).
        url: String,
    },
    /// The server answered with a redirect (3xx), which this client does not
    /// follow: an API's answers come from the API, and following would send
    /// the request (and its body) to another URL. Usually a wrong base URL
    /// (`http://` for `https://`, a missing or extra path prefix).
    ///
    /// A `reqwest::Client` given to `ClientBuilder::http_client` keeps its
    /// own redirect policy (reqwest's default follows up to 10): when it
    /// followed one, the request already went there, and this error says so
    /// (`followed: true`) instead of handing back the other URL's answer.
    Redirect {
        /// The operation being called.
        operation: &'static str,
        /// The 3xx status; when the HTTP client followed the redirect, the
        /// status of the response it ended at.
        status: u16,
        /// Where the redirect points: the `Location` header as sent (`None`
        /// without one), or the URL the HTTP client ended at.
        location: Option<String>,
        /// Whether the HTTP client followed the redirect (only a
        /// `reqwest::Client` given to `ClientBuilder::http_client` does).
        followed: bool,
    },
    /// A success response's body is larger than
    /// `ClientBuilder::max_response_body`: it was not read (past the limit,
    /// or at all when its `Content-Length` said so). Not retried. (An error
    /// body is cut instead: see [`ApiError::is_truncated`].)
    ResponseTooLarge {
        /// The operation being called.
        operation: &'static str,
        /// The HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
        /// The body's `Content-Length`, when it had one.
        length: Option<u64>,
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
    /// The token provider given to `ClientBuilder::token_provider` failed:
    /// the request was not sent. Not retried.
    TokenProvider {
        /// The operation being called.
        operation: &'static str,
        /// What the provider returned.
        source: Box<dyn std::error::Error + Send + Sync>,
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // What went wrong in our words ("the connection was refused"),
            // read from the causes; the causes themselves (reqwest's "error
            // sending request", the OS error) follow through `source()`,
            // which error reporters print after this.
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
                    "{operation}: could not reach the Polar API{not_sent}: {}",
                    transport_reason(source)
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
                url,
            } => {
                write!(
                    f,
                    "{operation}: {url} answered 404 for an unknown route: \
                     either the server does not serve API version {requested} \
                     or the base URL is wrong (both answer this way; not a missing resource)"
                )?;
                match served {
                    Some(served) => write!(f, "; the response was served as {served}"),
                    None => Ok(()),
                }
            }
            Error::Redirect {
                operation,
                status,
                location,
                followed,
            } => {
                let location = location.as_deref().map(shown_location);
                let to = location.as_deref().unwrap_or("no Location");
                if *followed {
                    write!(
                        f,
                        "{operation}: the HTTP client followed a redirect to {to} \
                         (the request was sent there, which answered {status}); \
                         a redirected answer is not the Polar API's: set \
                         `redirect::Policy::none()` on the reqwest::Client given to the builder"
                    )
                } else {
                    write!(
                        f,
                        "{operation}: the Polar API answered {status} with a redirect to {to}, \
                         which is not followed (check the base URL)"
                    )
                }
            }
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
                length,
            } => {
                write!(
                    f,
                    "{operation}: the {status} response's body is larger than "
                )?;
                write!(
                    f,
                    "the {limit}-byte limit (ClientBuilder::max_response_body)"
                )?;
                match length {
                    Some(length) => write!(f, ": {length} bytes"),
                    None => Ok(()),
                }
            }
            Error::Encode { operation, message } => {
                write!(f, "{operation}: could not encode the request: {message}")
            }
            Error::Config { message } => write!(f, "Polar client configuration: {message}"),
            Error::TokenProvider { operation, source } => write!(
                f,
                "{operation}: the token provider failed, so the request was not sent: {source}"
            ),
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
            Error::TokenProvider { source, .. } => Some(&**source),
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
    ///   ([`Error::Config`]), the token provider failed
    ///   ([`Error::TokenProvider`]), or no connection could be opened (a refused
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
            Error::Decode { .. } | Error::ResponseTooLarge { .. } | Error::Redirect { .. } => true,
            Error::UnsupportedApiVersion { .. }
            | Error::Encode { .. }
            | Error::Config { .. }
            | Error::TokenProvider { .. } => false,
        }
    }

    /// The operation the error happened in, when it happened in one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Encode { operation, .. }
            | Error::UnsupportedApiVersion { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::ResponseTooLarge { operation, .. }
            | Error::TokenProvider { operation, .. } => Some(operation),
            Error::Api(api) => Some(api.operation),
            Error::Config { .. } => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. }
            | Error::Redirect { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
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

    /// Whether the server answered with a redirect ([`Error::Redirect`]).
    pub fn is_redirect(&self) -> bool {
        matches!(self, Error::Redirect { .. })
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
                url,
            } => f
                .debug_struct("UnsupportedApiVersion")
                .field("operation", operation)
                .field("requested", requested)
                .field("served", served)
                .field("url", url)
                .finish(),
            Error::Redirect {
                operation,
                status,
                location,
                followed,
            } => f
                .debug_struct("Redirect")
                .field("operation", operation)
                .field("status", status)
                .field("location", &location.as_deref().map(shown_location))
                .field("followed", followed)
                .finish(),
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
                length,
            } => f
                .debug_struct("ResponseTooLarge")
                .field("operation", operation)
                .field("status", status)
                .field("limit", limit)
                .field("length", length)
                .finish(),
            Error::Encode { operation, message } => f
                .debug_struct("Encode")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Error::Config { message } => {
                f.debug_struct("Config").field("message", message).finish()
            }
            Error::TokenProvider { operation, source } => f
                .debug_struct("TokenProvider")
                .field("operation", operation)
                .field("source", source)
                .finish(),
        }
    }
}

/// A redirect's target as errors show it: without user, password, query
/// or fragment when it is an absolute URL; as sent otherwise (a relative
/// `Location`), with any query left out.
fn shown_location(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(url) => crate::response::shown_url(&url),
        Err(_) => match location.split_once(['?', '#']) {
            Some((path, _)) => format!("{path}?…"),
            None => location.to_owned(),
        },
    }
}

/// What a transport error means, in a few words, from the first cause that
/// says: an I/O error's kind, else the kind of error reqwest reports.
fn transport_reason(error: &reqwest::Error) -> &'static str {
    use std::io::ErrorKind;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::ConnectionRefused => return "the connection was refused",
                ErrorKind::ConnectionReset => return "the connection was reset",
                ErrorKind::ConnectionAborted => return "the connection was aborted",
                ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof | ErrorKind::NotConnected => {
                    return "the connection was closed before the response was complete"
                }
                ErrorKind::TimedOut => return "the connection timed out",
                ErrorKind::AddrNotAvailable | ErrorKind::AddrInUse => {
                    return "no local address to connect from"
                }
                ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
                    return "the network or host is unreachable"
                }
                _ => {}
            }
        }
        let text = current.to_string();
        if text.contains("dns error") {
            return "the host name could not be resolved";
        }
        if text.contains("certificate") || text.to_ascii_lowercase().contains("tls") {
            return "the TLS handshake failed";
        }
        cause = current.source();
    }
    if error.is_connect() {
        "no connection could be opened"
    } else if error.is_body() || error.is_decode() {
        "the response could not be read"
    } else if error.is_builder() {
        "the request could not be built"
    } else {
        "the connection failed"
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
    use reqwest::header::HeaderMap;

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
            body_len: Some(raw.len() as u64),
            truncated: false,
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
    fn a_body_with_a_key_twice_is_not_read_for_its_detail() {
        // The decoders' one rule (a key twice is refused), not serde_json's
        // "the last one wins": neither message is shown as Polar's.
        let raw = r#"{"detail":"first","detail":"second"}"#;
        let err = api(400, raw);
        assert!(
            err.to_string().ends_with("400 Bad Request (36-byte body)"),
            "{err}"
        );
        assert_eq!(err.api_error().unwrap().detail().as_deref(), Some(raw));
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
