//! [`ApiError`]: a response with a non-2xx status, its typed and raw
//! bodies, and what it says about retrying.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::{location_part, status_may_have_been_applied};
use crate::__private::decode_value;
use crate::RateLimit;

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
    /// The body as received, or its first `ClientBuilder::max_error_body`
    /// bytes (64 KiB by default) when it is longer: see
    /// [`is_truncated`](Self::is_truncated).
    pub raw: Bytes,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// All response headers.
    pub headers: HeaderMap,
    /// Whether an earlier attempt of the same request may have reached the
    /// server (it timed out after sending, or got a 5xx), before this
    /// response came back to a retry.
    pub(crate) earlier_attempt_sent: bool,
    /// The whole body's length, when known.
    pub(crate) body_len: Option<u64>,
    /// Whether `raw` is only the start of the body.
    pub(crate) truncated: bool,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body", &format_args!("{}", self.body_kind()))
            .field("raw", &format_args!("<{} bytes>", self.raw.len()))
            .field("truncated", &self.truncated)
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
/// [`Error`](super::Error) is the same for every version.
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

    /// Whether [`raw`](Self::raw) is only the start of the body: the body
    /// was longer than `ClientBuilder::max_error_body`, and the rest was not
    /// read. The typed [`body`](Self::body) is then usually `None`.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// The whole body's length in bytes: `raw`'s when it is whole, the
    /// `Content-Length` when it was cut, `None` when it was cut and the
    /// response did not say.
    pub fn body_len(&self) -> Option<u64> {
        self.body_len
    }

    /// Whether the server may have carried the request out: see
    /// [`Error::may_have_been_applied`](super::Error::may_have_been_applied).
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
    /// first validation message, a problem-details `title` (before a
    /// non-empty `detail`, instead of an empty one), never the body itself.
    fn summary(&self) -> Option<String> {
        let json = decode_value(&self.raw).ok()?;
        let title = json
            .get("title")
            .and_then(|t| t.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let detail = match json.get("detail") {
            Some(serde_json::Value::String(_) | serde_json::Value::Array(_)) => self
                .detail()
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
            _ => None,
        };
        match (title, detail) {
            (Some(title), Some(detail)) => Some(format!("{title}: {detail}")),
            (Some(title), None) => Some(title.to_owned()),
            (None, detail) => detail,
        }
    }

    /// A short human explanation from the body: Polar's `detail` field when
    /// it is a string, the first validation message for a 422, otherwise
    /// the start of the raw body.
    pub fn detail(&self) -> Option<String> {
        if let Ok(json) = decode_value(&self.raw) {
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
        match (self.summary(), self.truncated) {
            (Some(detail), _) => write!(f, ": {detail}"),
            (None, false) if self.raw.is_empty() => Ok(()),
            // The body may echo the request: shown by its length only.
            (None, false) => write!(f, " ({}-byte body)", self.raw.len()),
            (None, true) => match self.body_len {
                Some(len) => write!(f, " ({len}-byte body, the first {} kept)", self.raw.len()),
                None => write!(
                    f,
                    " (a body of unknown length, the first {} bytes kept)",
                    self.raw.len()
                ),
            },
        }
    }
}

impl std::error::Error for ApiError {}
