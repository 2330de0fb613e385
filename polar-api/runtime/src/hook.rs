//! [`Hook`]: code of yours that runs around every attempt of every request.
//!
//! # Why a hook of our own, and not `reqwest-middleware`
//!
//! `reqwest-middleware` wraps a `reqwest::Client` in a chain of middleware
//! that sees each request whole. It would fit here badly:
//!
//! * retries belong to this crate ([`RetryConfig`](crate::RetryConfig), the
//!   deadline, `Idempotency-Key`), in one place; a retry middleware would
//!   repeat attempts underneath them, out of their sight;
//! * a middleware sees the `Authorization` header, so one that logs
//!   requests prints the access token; a [`Hook`] never gets it;
//! * it would be one more dependency, whose versions must follow
//!   `reqwest`'s, for every user, also those who add nothing.
//!
//! A hook is one trait with two methods, both with empty defaults, that
//! knows what a middleware does not: the operation (`products:list`), the
//! path template, the attempt number. What it cannot do (change the body,
//! answer instead of the server) stays possible underneath, through a
//! `reqwest::Client` of your own given to
//! `ClientBuilder::http_client`.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;

use crate::Error;

/// Runs around every attempt of every request of a client: to add headers,
/// log, or measure. Set with `ClientBuilder::hook`.
///
/// A request that is retried calls the hook once per attempt, with the
/// attempt number. Hooks run in the order they were added, on the task that
/// sends the request, so they should be quick and must not block.
///
/// ```
/// use std::time::Duration;
/// use polar_api::{Hook, RequestParts, ResponseInfo};
///
/// struct Tag;
///
/// impl Hook for Tag {
///     fn on_request(&self, request: &mut RequestParts<'_>) {
///         request.headers().insert("x-request-source", "billing-worker".parse().unwrap());
///     }
///     fn on_response(&self, response: &ResponseInfo<'_>) {
///         if response.elapsed() > Duration::from_secs(1) {
///             eprintln!(
///                 "slow {}: {:?} (request id {:?})",
///                 response.operation(),
///                 response.status(),
///                 response.header("x-request-id"),
///             );
///         }
///     }
/// }
///
/// let client = polar_api::v2026_10::Client::builder()
///     .token("polar_oat_...")
///     .hook(Tag)
///     .build()?;
/// # Ok::<(), polar_api::Error>(())
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent; may add headers.
    fn on_request(&self, request: &mut RequestParts<'_>) {
        let _ = request;
    }

    /// Called after each attempt, with its status, headers and latency, or
    /// its error.
    fn on_response(&self, response: &ResponseInfo<'_>) {
        let _ = response;
    }
}

/// An attempt about to be sent, as a [`Hook`] sees it.
///
/// The headers start empty: what a hook adds is sent, except that the
/// headers the client sets itself (`Authorization`, `User-Agent`,
/// `Accept`, `Content-Type`, `Polar-Version`, and the operation's own, such
/// as `Idempotency-Key`) replace any a hook set under the same name. The
/// token is never shown to a hook.
#[derive(Debug)]
pub struct RequestParts<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: &'a Method,
    pub(crate) path_template: &'static str,
    pub(crate) attempt: u32,
    pub(crate) headers: &'a mut HeaderMap,
}

impl RequestParts<'_> {
    /// The operation (its OpenAPI `operationId`, `products:list`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path template (`/v1/products/{id}`): no parameter values.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The headers to add to this attempt.
    pub fn headers(&mut self) -> &mut HeaderMap {
        self.headers
    }
}

/// How an attempt ended, as a [`Hook`] sees it: the status, headers and
/// latency of the response, or the error when none arrived.
///
/// Built only when a hook is set, from what the attempt already holds (the
/// headers are borrowed, not copied). Its `Debug` lists header names, not
/// values.
pub struct ResponseInfo<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: &'a Method,
    pub(crate) path_template: &'static str,
    pub(crate) attempt: u32,
    pub(crate) status: Option<u16>,
    pub(crate) headers: Option<&'a HeaderMap>,
    pub(crate) elapsed: Duration,
    pub(crate) error: Option<&'a Error>,
}

impl fmt::Debug for ResponseInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseInfo")
            .field("operation", &self.operation)
            .field("method", self.method)
            .field("path_template", &self.path_template)
            .field("attempt", &self.attempt)
            .field("status", &self.status)
            .field(
                "headers",
                &self
                    .headers
                    .map(|headers| headers.keys().collect::<Vec<_>>()),
            )
            .field("elapsed", &self.elapsed)
            .field("error", &self.error)
            .finish()
    }
}

impl ResponseInfo<'_> {
    /// The operation (its OpenAPI `operationId`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path template (`/v1/products/{id}`).
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The status the server answered with, any status; `None` when no
    /// response arrived (see [`error`](Self::error)).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The response's headers (a request id, the rate-limit headers);
    /// `None` when no response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.headers
    }

    /// One response header as text (`response.header("x-request-id")`):
    /// `None` when there was no response, no such header, or a value that
    /// is not visible ASCII. The first one, when it came several times.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers?.get(name)?.to_str().ok()
    }

    /// How long the attempt took, from sending to the last byte of the
    /// response (or to the failure).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Why the attempt failed without a usable response: an
    /// [`Error::Transport`] or [`Error::Timeout`] (no response), or an
    /// [`Error::ResponseTooLarge`] (a body over the limit). An answer with
    /// an error status is not an error here: see [`status`](Self::status);
    /// the call's [`Error::Api`] is made from it afterwards.
    pub fn error(&self) -> Option<&Error> {
        self.error
    }
}
