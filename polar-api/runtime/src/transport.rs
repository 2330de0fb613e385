//! [`Core`]: the shared state of every client, and the one place requests go
//! over the wire (authentication, user agent, timeouts, the deadline,
//! retries, hooks, tracing).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::Url;
use tracing::field::Empty;
use tracing::Instrument;

pub use crate::auth::Credential;
use crate::error::status_may_have_been_applied;
use crate::hook::{Hook, RequestParts, ResponseInfo};
use crate::request::Request;
use crate::response::RawResponse;
use crate::retry::{self, RetryConfig};
use crate::{AccessToken, Error, RateLimiter, TimeoutLimit};

/// What every client, group and request builder holds: a handle on one
/// shared configuration (the HTTP client, where to send requests, the
/// credential, the timeouts, the retry policy, the hooks). Cloning it is a
/// reference-count increment.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

/// The configuration behind a [`Core`].
#[derive(Clone)]
#[doc(hidden)]
pub struct Inner {
    pub http: reqwest::Client,
    pub base_url: String,
    /// Where the `Authorization` header comes from.
    pub credential: Credential,
    pub user_agent: HeaderValue,
    pub timeout: Option<Duration>,
    pub deadline: Option<Duration>,
    pub retry: RetryConfig,
    pub hooks: Vec<Arc<dyn Hook>>,
    /// Slots every attempt takes, shared with whatever else was given the
    /// same limiter (`None`: no client-side limit).
    pub rate_limiter: Option<RateLimiter>,
    /// The `Polar-Version` every request sends (the client's version module).
    pub api_version: &'static str,
    /// The most bytes a response body may have ([`DEFAULT_MAX_RESPONSE_BODY`]);
    /// a success body over it fails with [`Error::ResponseTooLarge`].
    pub max_response_body: u64,
    /// The most bytes of an error body (any status but 2xx) kept in
    /// [`ApiError::raw`](crate::ApiError::raw) ([`DEFAULT_MAX_ERROR_BODY`]);
    /// the rest is not read.
    pub max_error_body: usize,
}

/// The default largest response body read: 32 MiB (a page of 100 items is a
/// few hundred KiB; CSV exports are the largest answers).
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 32 * 1024 * 1024;

/// The default largest part of an error body kept: 64 KiB (a `422` echoes
/// the invalid input, which for a batch of usage events runs to tens of
/// KiB; Polar's other error bodies are a few hundred bytes).
pub const DEFAULT_MAX_ERROR_BODY: usize = 64 * 1024;

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Core")
            .field("api_version", &inner.api_version)
            .field("base_url", &inner.base_url)
            .field("credential", &inner.credential)
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("retry", &inner.retry)
            .field("hooks", &inner.hooks.len())
            .field("rate_limiter", &inner.rate_limiter)
            .field("max_response_body", &inner.max_response_body)
            .field("max_error_body", &inner.max_error_body)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether this attempt may have reached the
/// server.
struct Failed {
    error: Error,
    sent: bool,
    /// Whether sending it again could turn out differently (not for a body
    /// over the size limit).
    retryable: bool,
}

/// What one request runs under: its options merged over the client's.
struct Plan {
    started: Instant,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_retries: u32,
    authorization: Option<HeaderValue>,
}

impl Plan {
    /// The time the next attempt may take, and the limit that sets it.
    fn attempt_limit(&self) -> (Option<Duration>, TimeoutLimit) {
        let attempt = self.timeout.map(|t| (t, TimeoutLimit::Attempt(t)));
        let Some(deadline) = self.deadline else {
            return match attempt {
                Some((t, limit)) => (Some(t), limit),
                None => (None, TimeoutLimit::HttpClient),
            };
        };
        let remaining = self.remaining(deadline);
        match attempt {
            Some((t, limit)) if t <= remaining => (Some(t), limit),
            _ => (Some(remaining), TimeoutLimit::Deadline(deadline)),
        }
    }

    fn remaining(&self, deadline: Duration) -> Duration {
        deadline.saturating_sub(self.started.elapsed())
    }

    /// What is left of the deadline, if there is one.
    fn left(&self) -> Option<Duration> {
        self.deadline.map(|deadline| self.remaining(deadline))
    }

    /// Whether waiting `wait` leaves time for another attempt.
    fn can_wait(&self, wait: Duration) -> bool {
        self.deadline
            .is_none_or(|deadline| wait < self.remaining(deadline))
    }
}

impl Core {
    #[doc(hidden)]
    pub fn new(inner: Inner) -> Core {
        Core {
            inner: Arc::new(inner),
        }
    }

    #[doc(hidden)]
    pub fn inner(&self) -> &Inner {
        &self.inner
    }

    /// The same configuration with another credential (`None`: anonymous).
    /// Never fails: a token that cannot be sent (empty, or with characters
    /// a header cannot hold) fails each request that would send it, with
    /// [`Error::Config`], as a request's own `.token(..)` does.
    #[doc(hidden)]
    pub fn with_token(&self, token: Option<&AccessToken>) -> Core {
        Core::new(Inner {
            credential: Credential::from_token(token),
            ..(*self.inner).clone()
        })
    }

    /// The base URL requests go to (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Whether `self` and `other` are handles on the same configuration
    /// (one is a clone of the other), for tests.
    #[doc(hidden)]
    pub fn __shares_state_with(&self, other: &Core) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Sends a request and returns the final response, whatever its status.
    ///
    /// Adds the bearer token (the request's own, else the client's unless
    /// the request is [public](Request::public); a token provider is asked
    /// once per request),
    /// `User-Agent` and `Accept`, applies the per-attempt timeout and the
    /// deadline of the whole request, calls the hooks around each attempt,
    /// and retries according to the [`RetryConfig`]. Runs inside a
    /// `polar.request` tracing span with the fields `operation`, `method`,
    /// `path` (the path *template*: neither parameter values nor the query
    /// are recorded), `status` and `attempt`.
    ///
    /// Fails with [`Error::Encode`] when the request could not be built,
    /// [`Error::Config`] when its token cannot be sent,
    /// [`Error::TokenProvider`] when the token provider fails, [`Error::Timeout`] or
    /// [`Error::Transport`] when no response arrived.
    pub async fn send(&self, mut request: Request) -> Result<RawResponse, Error> {
        if let Some(error) = request.error.take() {
            return Err(error);
        }
        let started = Instant::now();
        let url = self.url(&request)?;
        let span = tracing::info_span!(
            "polar.request",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = Empty,
            attempt = Empty,
        );
        let send = async {
            let options = &request.options;
            let authorization = match &options.token {
                Some(token) => Some(token.bearer_header()?),
                None if request.public => None,
                None => self.inner.credential.header(request.operation).await?,
            };
            let plan = Plan {
                started,
                timeout: options.timeout.or(self.inner.timeout),
                deadline: options.deadline.or(self.inner.deadline),
                max_retries: options.max_retries.unwrap_or(self.inner.retry.max_retries),
                authorization,
            };
            self.send_with_retries(&request, &plan, url, span.clone())
                .await
        };
        send.instrument(span.clone()).await
    }

    fn url(&self, request: &Request) -> Result<Url, Error> {
        request.url_on(&self.inner.base_url)
    }

    async fn send_with_retries(
        &self,
        request: &Request,
        plan: &Plan,
        url: Url,
        span: tracing::Span,
    ) -> Result<RawResponse, Error> {
        let idempotent = retry::idempotent(&request.method, request.has_idempotency_key());
        let retry = &self.inner.retry;
        let mut retries = 0u32;
        // Whether an earlier attempt may have reached the server and run.
        let mut earlier_sent = false;
        if !self.take_slot(plan).await {
            // Only a deadline stops the wait for a slot.
            return Err(Error::Timeout {
                operation: request.operation,
                limit: TimeoutLimit::Deadline(plan.deadline.unwrap_or_default()),
                sent: false,
                source: None,
            });
        }
        loop {
            span.record("attempt", retries + 1);
            let outcome = self
                .attempt(request, plan, &url, retries + 1, earlier_sent)
                .await;
            let may_retry = retries < plan.max_retries;
            let wait = match &outcome {
                Ok(response) => {
                    span.record("status", response.status);
                    let retry_after = if retry::honors_retry_after(response.status) {
                        response.rate_limit().retry_after
                    } else {
                        None
                    };
                    if let (429, Some(wait), Some(limiter)) =
                        (response.status, retry_after, &self.inner.rate_limiter)
                    {
                        // The limit is the organization's: hold every
                        // request that shares the limiter (for as long as
                        // a page walk would wait, not a proxy's day).
                        limiter.pause_for(wait.min(crate::PAGE_WALK_MAX_RETRY_AFTER));
                    }
                    // A 429 was refused before it ran: safe to resend for
                    // every method.
                    let resendable = idempotent || retry::refused_before_running(response.status);
                    if may_retry && resendable && retry::retryable_status(response.status) {
                        // `None` when the server asks for a longer wait than
                        // `max_delay`: the response is the answer.
                        retry.delay(retries, retry_after)
                    } else {
                        None
                    }
                }
                Err(failed) if may_retry && failed.retryable && (!failed.sent || idempotent) => {
                    retry.delay(retries, None)
                }
                Err(_) => None,
            };
            // No retry when the deadline would pass during the wait: the
            // last outcome is the answer.
            let Some(wait) = wait.filter(|wait| plan.can_wait(*wait)) else {
                return outcome.map_err(|failed| failed.error);
            };
            earlier_sent |= match &outcome {
                Ok(response) => status_may_have_been_applied(response.status),
                Err(failed) => failed.sent,
            };
            match &outcome {
                Ok(response) => tracing::debug!(
                    status = response.status,
                    wait_ms = wait.as_millis() as u64,
                    "retrying after a retryable status"
                ),
                Err(failed) => tracing::debug!(
                    // As an error, so that subscribers can show its causes.
                    error = &failed.error as &(dyn std::error::Error + 'static),
                    wait_ms = wait.as_millis() as u64,
                    "retrying after a failed attempt"
                ),
            }
            tokio::time::sleep(wait).await;
            // No slot before the deadline: the last outcome is the answer.
            if !self.take_slot(plan).await {
                return outcome.map_err(|failed| failed.error);
            }
            retries += 1;
        }
    }

    /// Takes a slot of the rate limiter (when the client has one) for the
    /// next attempt, waiting for one within the deadline; `false` when the
    /// deadline passed first.
    async fn take_slot(&self, plan: &Plan) -> bool {
        let Some(limiter) = &self.inner.rate_limiter else {
            return true;
        };
        match plan.left() {
            None => {
                limiter.acquire().await;
                true
            }
            Some(left) => tokio::time::timeout(left, limiter.acquire()).await.is_ok(),
        }
    }

    /// The headers of one attempt: the hooks' first, then the request's
    /// own, then those the runtime owns (which replace any of the same
    /// name a hook set).
    fn headers(&self, request: &Request, plan: &Plan, attempt: u32) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for hook in &self.inner.hooks {
            hook.on_request(&mut RequestParts {
                operation: request.operation,
                method: &request.method,
                path_template: request.path_template,
                attempt,
                headers: &mut headers,
            });
        }
        for (name, _) in &request.headers {
            headers.remove(name);
        }
        for (name, value) in &request.headers {
            headers.append(name.clone(), value.clone());
        }
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static(request.accept));
        headers.insert(
            HeaderName::from_static(crate::version::API_VERSION_HEADER),
            HeaderValue::from_static(self.inner.api_version),
        );
        match &plan.authorization {
            Some(authorization) => {
                headers.insert(AUTHORIZATION, authorization.clone());
            }
            None => {
                headers.remove(AUTHORIZATION);
            }
        }
        match &request.body {
            Some(body) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(body.content_type));
            }
            None => {
                headers.remove(CONTENT_TYPE);
            }
        }
        headers
    }

    async fn attempt(
        &self,
        request: &Request,
        plan: &Plan,
        url: &Url,
        attempt: u32,
        earlier_sent: bool,
    ) -> Result<RawResponse, Failed> {
        let started = Instant::now();
        let outcome = self
            .exchange(request, plan, url, attempt, earlier_sent)
            .await;
        if !self.inner.hooks.is_empty() {
            let info = ResponseInfo {
                operation: request.operation,
                method: &request.method,
                path_template: request.path_template,
                attempt,
                status: outcome.as_ref().ok().map(|response| response.status),
                headers: outcome.as_ref().ok().map(|response| &response.headers),
                elapsed: started.elapsed(),
                error: outcome.as_ref().err().map(|failed| &failed.error),
            };
            for hook in &self.inner.hooks {
                hook.on_response(&info);
            }
        }
        outcome
    }

    async fn exchange(
        &self,
        request: &Request,
        plan: &Plan,
        url: &Url,
        attempt: u32,
        earlier_sent: bool,
    ) -> Result<RawResponse, Failed> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url.clone())
            .headers(self.headers(request, plan, attempt));
        if let Some(body) = &request.body {
            builder = builder.body(body.bytes.clone());
        }
        let (timeout, limit) = plan.attempt_limit();
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        let failed = |error: reqwest::Error| {
            let error = Error::from_reqwest(request.operation, error, limit, earlier_sent);
            Failed {
                sent: this_attempt_sent(&error),
                error,
                retryable: true,
            }
        };
        let mut response = builder.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        // A `reqwest::Client` given to `ClientBuilder::http_client` may
        // follow redirects (this crate's own never does): the answer is then
        // another URL's. Its body is not read.
        let redirected_to = (response.url() != url).then(|| response.url().clone());
        let headers = std::mem::take(response.headers_mut());
        let success = (200..300).contains(&status) && redirected_to.is_none();
        let limit = self.inner.max_response_body;
        let length = response.content_length();
        let too_large = || Failed {
            error: Error::ResponseTooLarge {
                operation: request.operation,
                status,
                limit,
                length,
            },
            sent: true,
            retryable: false,
        };
        let (body, body_len, truncated) = if redirected_to.is_some() {
            (Bytes::new(), Some(0), false)
        } else if success {
            if length.is_some_and(|length| length > limit) {
                return Err(too_large());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            let len = body.len() as u64;
            (body.freeze(), Some(len), false)
        } else {
            // An error body: its first `max_error_body` bytes are kept, the
            // rest is not read (the connection is dropped instead).
            let keep = self.inner.max_error_body;
            let mut body = BytesMut::new();
            let mut truncated = false;
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                let room = keep - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            let len = if truncated {
                length
            } else {
                Some(body.len() as u64)
            };
            (body.freeze(), len, truncated)
        };
        Ok(RawResponse {
            status,
            headers,
            body,
            requested_version: self.inner.api_version,
            earlier_attempt_sent: earlier_sent,
            url: url.clone(),
            redirected_to,
            body_len,
            truncated,
        })
    }
}

/// Whether the attempt that failed with `error` may have reached the
/// server (its connection was open).
fn this_attempt_sent(error: &Error) -> bool {
    match error {
        Error::Transport { source, .. } => !source.is_connect(),
        Error::Timeout { source, .. } => source.as_ref().is_none_or(|s| !s.is_connect()),
        _ => true,
    }
}
