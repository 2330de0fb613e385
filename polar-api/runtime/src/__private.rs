//! The runtime interface the generated operation code is written against.
//! Not part of the public API: it may change in any release.
//!
//! # Contract for the generator
//!
//! An operation method builds a [`Request`], sends it through the client's
//! [`Core`], and decodes the [`RawResponse`] with one of [`json`],
//! [`json_or_pending`], [`empty`] or [`text`]:
//!
//! ```text
//! pub async fn send_with_response(self) -> Result<Response<Product>, Error> {
//!     let request = Request::new(Method::GET, "products:get", "/v1/products/{id}")
//!         .path_param("id", &self.id)
//!         .query("include", &self.include)              // Option<T> / OneOrMany<T>: None adds nothing
//!         .query_deep_object("metadata", &self.metadata)
//!         .accept("text/csv")                            // only for non-JSON responses
//!         .json_body(&self.body)?                        // or .form_body(&self.body)?
//!         .options(self.options.clone());                // timeout, deadline, retries, token, Idempotency-Key
//!     let raw = self.core.send(request).await?;
//!     __private::json("products:get", raw, self.errors)  // the version's ErrorDecoder
//! }
//! ```
//!
//! Every builder holds `core: Core` (cloned from its group, a reference
//! count) and `options: RequestOptions`, and has the methods
//!
//! ```text
//! pub fn timeout(mut self, timeout: std::time::Duration) -> Self;   // self.options.set_timeout(timeout)
//! pub fn deadline(mut self, deadline: std::time::Duration) -> Self; // self.options.set_deadline(deadline)
//! pub fn max_retries(mut self, max_retries: u32) -> Self;           // self.options.set_max_retries(max_retries)
//! pub fn token(mut self, token: impl Into<crate::AccessToken>) -> Self; // self.options.set_token(token.into())
//! // POST, PATCH, PUT and DELETE only:
//! pub fn idempotency_key(mut self, key: impl Into<crate::IdempotencyKey>) -> Self; // self.options.set_idempotency_key(key.into())
//! ```
//!
//! so a query parameter may not be named like one of them (the generator
//! refuses it). `Core::send` is the one place that retries; it applies the
//! options over the client's configuration.
//!
//! Signatures (exact):
//!
//! ```text
//! impl Request {
//!     pub fn new(method: Method, operation: &'static str, path_template: &'static str) -> Self;
//!     pub fn path_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self;
//!     pub fn query<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self;
//!     pub fn query_deep_object<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self;
//!     pub fn json_body<T: Serialize + ?Sized>(self, body: &T) -> Result<Self, Error>;
//!     pub fn form_body<T: Serialize + ?Sized>(self, body: &T) -> Result<Self, Error>;
//!     pub fn header(self, name: &'static str, value: String) -> Self;
//!     pub fn accept(self, mime: &'static str) -> Self;
//!     pub fn options(self, options: RequestOptions) -> Self;
//!     pub fn public(self) -> Self;   // operations whose `security` names no credentials
//! }
//! impl RequestOptions {   // Clone + Debug (the token prints as `AccessToken(***)`) + Default
//!     pub fn set_timeout(&mut self, timeout: Duration);
//!     pub fn set_deadline(&mut self, deadline: Duration);
//!     pub fn set_max_retries(&mut self, max_retries: u32);
//!     pub fn set_token(&mut self, token: AccessToken);
//!     pub fn set_idempotency_key(&mut self, key: IdempotencyKey);
//! }
//! impl Core {
//!     pub async fn send(&self, request: Request) -> Result<RawResponse, Error>;
//! }
//! pub struct RawResponse { pub status: u16, pub headers: HeaderMap, pub body: Bytes }
//! impl RawResponse { pub fn rate_limit(&self) -> RateLimit; }
//! // error bodies: each version module generates one `ErrorDecoder`, which
//! // decodes into its `ApiErrorBody` and erases it:
//! pub type ErrorDecoder = fn(&'static str, u16, &[u8]) -> Option<TypedErrorBody>;
//! pub fn erase_error_body<B: ErrorBody>(body: B) -> TypedErrorBody;
//! pub fn json<T: DeserializeOwned>(operation: &'static str, response: RawResponse, error_body: ErrorDecoder) -> Result<Response<T>, Error>;
//! pub fn json_or_pending<T: DeserializeOwned>(operation: &'static str, response: RawResponse, error_body: ErrorDecoder) -> Result<Response<Option<T>>, Error>;
//! pub fn empty(operation: &'static str, response: RawResponse, error_body: ErrorDecoder) -> Result<Response<()>, Error>;
//! pub fn text(operation: &'static str, response: RawResponse, error_body: ErrorDecoder) -> Result<Response<String>, Error>;
//! pub fn no_error_body(operation: &'static str, status: u16, raw: &[u8]) -> Option<TypedErrorBody>;
//! pub fn decode_error_body<T: DeserializeOwned, B>(raw: &[u8], wrap: fn(T) -> B, unknown: fn(Value) -> B) -> Option<B>;
//! // clients: `Client::core(&self) -> &Core` and `CustomerPortalClient::<S>::core(&self) -> &Core`
//! // (pub(crate)); `__core()` is the same, public and hidden.
//! // pagination: crate::{paginate, collect_all, dedup_by_key} and
//! // dedup_by_optional_key (`.stream_unique()` of a list of unions).
//! ```
//!
//! # Semantics
//!
//! * Path parameters: strings as-is, numbers/booleans in JSON spelling, other
//!   types via `Serialize` (UUIDs, enums); percent-encoded as one segment.
//!   An empty, `.` or `..` value is refused.
//! * Query (`form`, explode): scalars once, lists repeated, `null`/`None`
//!   omitted, booleans `true`/`false`, date-times as their RFC 3339 serde
//!   text. `deepObject`: `name[key]=value`, list values repeated.
//! * A value that fails to encode in a non-`Result` builder method is held
//!   and returned by `send` as `Error::Encode`, before any I/O.
//! * `send` returns the final response for *any* status, after retries
//!   (bounded by the deadline: no retry whose wait would outlast it);
//!   `json`/`json_or_pending`/`empty`/`text` treat 2xx as success and turn
//!   everything else into `Error::Api` with `body: error_body(operation, status, &raw)`
//!   and the raw bytes.
//! * `json_or_pending` is for an operation that documents a JSON 2xx beside
//!   a body-less `202 Accepted` (the result is not ready yet): `None` for a
//!   202, `Some(decoded)` for any other 2xx.
//! * The `error_body` decoder should decode the body into the variant of
//!   `ApiErrorBody` of the version module documented for the operation and `status`, fall back to
//!   `ApiErrorBody::Unknown(value)` for other JSON, and return `None` for an
//!   undocumented status or a body that is not JSON.

pub use bytes::Bytes;
pub use reqwest::header::HeaderMap;
pub use reqwest::Method;

pub use crate::error::{ErrorBody, TypedErrorBody};
pub use crate::pagination::dedup_by_optional_key;
pub use crate::request::{Request, RequestOptions};
pub use crate::response::{
    empty, erase_error_body, json, json_or_pending, no_error_body, text, ErrorDecoder, RawResponse,
};
pub use crate::transport::Core;

use serde::de::DeserializeOwned;

pub use polar_models_core::__private::{decode_json, decode_value, UniqueKeys};

/// Seals [`crate::ApiVersion`]: only the generated version modules
/// implement it.
pub trait Sealed {}

/// Decodes `raw` as `T` and wraps it into a variant of the version's
/// `ApiErrorBody` (`wrap`); when it is not a `T`, falls back to `unknown`
/// for any JSON, and `None` for a body that is not JSON.
pub fn decode_error_body<T: DeserializeOwned, B>(
    raw: &[u8],
    wrap: fn(T) -> B,
    unknown: fn(serde_json::Value) -> B,
) -> Option<B> {
    match decode_json::<T>(raw) {
        Ok(body) => Some(wrap(body)),
        Err(_) => decode_value(raw).ok().map(unknown),
    }
}

/// The error for a list response that decoded into neither known page shape
/// (its union's `Unknown` variant), so pagination cannot go on.
pub fn unexpected_page<T: serde::Serialize>(operation: &'static str, page: &T) -> crate::Error {
    let body = serde_json::to_vec(page).unwrap_or_default();
    crate::Error::Decode {
        operation,
        status: 200,
        body: Bytes::from(body),
        source: <serde_json::Error as serde::de::Error>::custom(
            "the page matches neither pagination shape the spec documents",
        ),
    }
}
