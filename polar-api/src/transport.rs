//! [`Core`]: the shared state of every client, and the one place requests go
//! over the wire (authentication, user agent, timeouts, retries, tracing).

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::Url;
use tracing::field::Empty;
use tracing::Instrument;

use crate::request::Request;
use crate::response::RawResponse;
use crate::retry::{self, RetryConfig};
use crate::{AccessToken, Error};

/// What every client holds (behind an `Arc`): the HTTP client, where to send
/// requests, the credential, and the timeout and retry policy.
#[derive(Clone)]
pub struct Core {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryConfig,
    /// The `Polar-Version` every request sends (the client's version module).
    pub(crate) api_version: &'static str,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("api_version", &self.api_version)
            .field("base_url", &self.base_url)
            .field("authenticated", &self.authorization.is_some())
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether the request surely never left.
struct Failed {
    error: Error,
    never_sent: bool,
}

impl Core {
    /// The same configuration with another credential (`None`: anonymous).
    pub(crate) fn with_token(&self, token: Option<&AccessToken>) -> Result<Core, Error> {
        Ok(Core {
            authorization: token.map(AccessToken::bearer_header).transpose()?,
            ..self.clone()
        })
    }

    /// The base URL requests go to (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request and returns the final response, whatever its status.
    ///
    /// Adds the bearer token (when the client has one), `User-Agent` and
    /// `Accept`, applies the per-attempt timeout, and retries according to
    /// the [`RetryConfig`]. Runs inside a `polar.request` tracing span with
    /// the fields `operation`, `method`, `path` (the path *template*: neither
    /// parameter values nor the query are recorded), `status` and `attempt`.
    ///
    /// Fails with [`Error::Encode`] when the request could not be built,
    /// [`Error::Timeout`] or [`Error::Transport`] when no response arrived.
    pub async fn send(&self, mut request: Request) -> Result<RawResponse, Error> {
        if let Some(error) = request.error.take() {
            return Err(error);
        }
        let url = self.url(&request)?;
        let span = tracing::info_span!(
            "polar.request",
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = Empty,
            attempt = Empty,
        );
        self.send_with_retries(&request, url, span.clone())
            .instrument(span)
            .await
    }

    fn url(&self, request: &Request) -> Result<Url, Error> {
        let mut url = format!("{}{}", self.base_url, request.path);
        if let Some(query) = request.encoded_query() {
            url.push('?');
            url.push_str(&query);
        }
        Url::parse(&url)
            .map_err(|e| Error::encode(request.operation, format!("invalid request URL: {e}")))
    }

    async fn send_with_retries(
        &self,
        request: &Request,
        url: Url,
        span: tracing::Span,
    ) -> Result<RawResponse, Error> {
        let idempotent = retry::idempotent(&request.method, request.has_idempotency_key());
        let mut retries = 0u32;
        loop {
            span.record("attempt", retries + 1);
            let outcome = self.attempt(request, &url).await;
            let may_retry = retries < self.retry.max_retries;
            let wait = match &outcome {
                Ok(response) => {
                    span.record("status", response.status);
                    let retry_after = if retry::honors_retry_after(response.status) {
                        response.rate_limit().retry_after
                    } else {
                        None
                    };
                    // A 429 was refused before it ran: safe to resend for
                    // every method.
                    let resendable = idempotent || retry::refused_before_running(response.status);
                    if may_retry && resendable && retry::retryable_status(response.status) {
                        // `None` when the server asks for a longer wait than
                        // `max_delay`: the response is the answer.
                        self.retry.delay(retries, retry_after)
                    } else {
                        None
                    }
                }
                Err(failed) if may_retry && (failed.never_sent || idempotent) => {
                    self.retry.delay(retries, None)
                }
                Err(_) => None,
            };
            let Some(wait) = wait else {
                return outcome.map_err(|failed| failed.error);
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
            retries += 1;
        }
    }

    async fn attempt(&self, request: &Request, url: &Url) -> Result<RawResponse, Failed> {
        let mut builder = self
            .http
            .request(request.method.clone(), url.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static(request.accept))
            .header(
                HeaderName::from_static(crate::version::API_VERSION_HEADER),
                HeaderValue::from_static(self.api_version),
            );
        if let Some(authorization) = &self.authorization {
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.clone(), value.clone());
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static(body.content_type))
                .body(body.bytes.clone());
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        let failed = |error: reqwest::Error, sent: bool| Failed {
            never_sent: !sent && error.is_connect(),
            error: Error::from_reqwest(request.operation, error),
        };
        let mut response = builder.send().await.map_err(|e| failed(e, false))?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(|e| failed(e, true))?;
        Ok(RawResponse {
            status,
            headers,
            body,
            requested_version: self.api_version,
        })
    }
}
