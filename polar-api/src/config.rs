//! [`ClientBuilder`]: every option a client can be configured with.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::portal::CustomerPortalClient;
use crate::transport::{Core, Credential, Inner};
use crate::{
    AccessToken, ApiVersion, Client, Error, Hook, RateLimiter, RetryConfig, Server, TokenProvider,
};
use crate::{CustomerSessionToken, MemberSessionToken, NoSession, SessionKind};

/// The `User-Agent` every request carries, before any suffix.
pub(crate) const USER_AGENT: &str = concat!("polar-api-rust/", env!("CARGO_PKG_VERSION"));

/// The default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for one attempt, from connecting to the last
/// byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default largest response body read, in bytes: 32 MiB
/// ([`ClientBuilder::max_response_body`]).
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = crate::transport::DEFAULT_MAX_RESPONSE_BODY;
/// The default largest part of an error body kept, in bytes: 64 KiB
/// ([`ClientBuilder::max_error_body`]).
pub const DEFAULT_MAX_ERROR_BODY: usize = crate::transport::DEFAULT_MAX_ERROR_BODY;

/// Configures and builds a [`Client`] or a [`CustomerPortalClient`].
///
/// ```no_run
/// # #[cfg(not(feature = "v2026-10"))] fn main() {}
/// # #[cfg(feature = "v2026-10")] fn main() -> Result<(), polar_api::Error> {
/// use std::time::Duration;
///
/// let client = polar_api::v2026_10::Client::builder()
///     .token("polar_oat_...")
///     .sandbox()
///     .timeout(Duration::from_secs(20))
///     .deadline(Duration::from_secs(45))
///     .max_retries(4)
///     .user_agent_suffix("my-shop/1.2")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder<V: ApiVersion> {
    token: Option<AccessToken>,
    token_provider: Option<Arc<dyn TokenProvider>>,
    server: Server,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryConfig,
    user_agent_suffix: Option<String>,
    http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    rate_limiter: Option<RateLimiter>,
    max_response_body: u64,
    max_error_body: usize,
    version: PhantomData<fn() -> V>,
}

impl<V: ApiVersion> fmt::Debug for ClientBuilder<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("version", &V::NAME)
            .field("token", &self.token)
            .field("token_provider", &self.token_provider.is_some())
            .field("server", &self.server)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("http_client", &self.http_client)
            .field("hooks", &self.hooks.len())
            .field("rate_limiter", &self.rate_limiter)
            .field("max_response_body", &self.max_response_body)
            .field("max_error_body", &self.max_error_body)
            .finish()
    }
}

impl<V: ApiVersion> Default for ClientBuilder<V> {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            token_provider: None,
            server: Server::Production,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: Some(DEFAULT_TIMEOUT),
            deadline: None,
            retry: RetryConfig::default(),
            user_agent_suffix: None,
            http_client: None,
            hooks: Vec::new(),
            rate_limiter: None,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            max_error_body: DEFAULT_MAX_ERROR_BODY,
            version: PhantomData,
        }
    }
}

impl<V: ApiVersion> ClientBuilder<V> {
    /// A builder with the defaults: production, 10 s to connect, 60 s per
    /// attempt, no deadline, [`RetryConfig::default`], no token, no hooks.
    pub fn new() -> Self {
        Self::default()
    }

    /// The organization or personal access token to authenticate with.
    pub fn token(mut self, token: impl Into<AccessToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Where to get the access token, once per request: for tokens that
    /// expire or rotate (OAuth access tokens). Instead of
    /// [`token`](Self::token); see [`TokenProvider`] (an async closure is
    /// one). Its failure fails the call with
    /// [`Error::TokenProvider`], without sending it.
    ///
    /// ```no_run
    /// # #[cfg(not(feature = "v2026-10"))] fn main() {}
    /// # #[cfg(feature = "v2026-10")] fn main() -> Result<(), polar_api::Error> {
    /// use std::sync::{Arc, RwLock};
    ///
    /// // Refreshed elsewhere (a task that renews the OAuth token).
    /// let current = Arc::new(RwLock::new(String::from("polar_at_u_...")));
    /// let token = Arc::clone(&current);
    /// let client = polar_api::v2026_10::Client::builder()
    ///     .token_provider(move || {
    ///         // Read now: the lock's guard must not live in the future.
    ///         let token = token.read().map(|t| t.clone()).map_err(|_| "the token lock is poisoned");
    ///         async move { token }
    ///     })
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.token_provider = Some(Arc::new(provider));
        self
    }

    /// The deployment to talk to (default [`Server::Production`]).
    pub fn server(mut self, server: Server) -> Self {
        self.server = server;
        self
    }

    /// Talks to the sandbox, `https://sandbox-api.polar.sh`.
    pub fn sandbox(self) -> Self {
        self.server(Server::Sandbox)
    }

    /// Talks to another base URL (a mock server or a proxy), without `/v1`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.server(Server::Custom(url.into()))
    }

    /// The time allowed to open a connection (default 10 s). Has no effect
    /// with [`http_client`](Self::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for each attempt, from connecting to the last byte of
    /// the response (default 60 s). A retried request gets this much per
    /// attempt; bound the whole request with [`deadline`](Self::deadline).
    /// An operation builder's `.timeout(..)` changes it for one request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time allowed for each request as a whole: every attempt and
    /// every wait between them (default: none, so a request may take
    /// `max_retries + 1` timeouts plus the waits).
    ///
    /// An attempt gets the per-attempt timeout or what is left of the
    /// deadline, whichever is shorter; a retry whose wait would not end
    /// before the deadline is not made, and the last response or error is
    /// returned. When the deadline passes during an attempt, the error is an
    /// [`Error::Timeout`] whose `limit` is
    /// [`TimeoutLimit::Deadline`](crate::TimeoutLimit::Deadline). Each page
    /// of a page walk is a request of its own, with its own deadline. An
    /// operation builder's `.deadline(..)` changes it for one request.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Removes the per-attempt timeout: a request may wait forever.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The retry policy (default [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Keeps the retry policy but changes how many retries follow the first
    /// attempt.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry = self.retry.max_retries(max_retries);
        self
    }

    /// Attempts every request exactly once.
    pub fn no_retries(self) -> Self {
        self.max_retries(0)
    }

    /// Text appended to the `User-Agent` (`polar-api-rust/<version>`), such as
    /// your application's name and version.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Adds a [`Hook`], called around every attempt of every request (to
    /// add headers, log, or measure). Hooks run in the order they were
    /// added; clients derived from this one (portal clients) keep them.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Limits how many requests start per window, on this client, the
    /// clients derived from it (portal clients), the ingestor built from
    /// it, and anything else given a clone of `limiter` (default: none;
    /// each request meets the server's `429` instead). Every attempt takes
    /// a slot, waiting for one within the [`deadline`](Self::deadline); a
    /// `429`'s `Retry-After` holds every request sharing the limiter (up
    /// to [`PAGE_WALK_MAX_RETRY_AFTER`](crate::PAGE_WALK_MAX_RETRY_AFTER),
    /// two minutes).
    ///
    /// Polar allows 300 requests a minute per organization
    /// ([`RateLimiter::polar`]). An ingestor limits itself to that by
    /// default; built from a client with a limiter, it uses the client's
    /// instead, so that the two together stay within it.
    ///
    /// ```no_run
    /// # #[cfg(not(feature = "v2026-10"))] fn main() {}
    /// # #[cfg(feature = "v2026-10")] fn main() -> Result<(), polar_api::Error> {
    /// use polar_api::RateLimiter;
    ///
    /// let client = polar_api::v2026_10::Client::builder()
    ///     .token("polar_oat_...")
    ///     .rate_limiter(RateLimiter::polar())
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.rate_limiter = Some(limiter);
        self
    }

    /// The most bytes a success response's body may have (default
    /// [`DEFAULT_MAX_RESPONSE_BODY`], 32 MiB). A body over it is not read
    /// past the limit (not at all when its `Content-Length` says so) and
    /// the call fails with [`Error::ResponseTooLarge`], without a retry.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// The most bytes of an error response's body (any status but 2xx) kept
    /// in [`ApiError::raw`](crate::ApiError::raw) (default
    /// [`DEFAULT_MAX_ERROR_BODY`], 64 KiB). The rest is not read;
    /// [`ApiError::is_truncated`](crate::ApiError::is_truncated) and
    /// [`ApiError::body_len`](crate::ApiError::body_len) say what was cut.
    pub fn max_error_body(mut self, bytes: usize) -> Self {
        self.max_error_body = bytes;
        self
    }

    /// Sends requests through this `reqwest` client (to share a connection
    /// pool, or set a proxy or TLS options). The builder's timeout still
    /// applies per request; its connect timeout does not. Compression and
    /// HTTP/2 are that client's too: the crate's `gzip`, `brotli` and
    /// `http2` features compile them into reqwest, and its builder turns
    /// them on or off (`.gzip(..)`, `.http1_only()`).
    ///
    /// **Redirects.** The client this builder makes follows none; a
    /// `reqwest::Client` keeps its own policy, and reqwest's default follows
    /// up to 10 (resending a `POST` body to another host, without the
    /// `Authorization` header). Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`. When it follows one
    /// anyway, the call fails with [`Error::Redirect`] (`followed: true`):
    /// the request went to the other URL, and its answer is not returned.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds a client authenticated with the [`token`](Self::token) or
    /// the [`token_provider`](Self::token_provider).
    ///
    /// Fails with [`Error::Config`] when neither or both were given, the
    /// token or the user-agent suffix cannot be sent as a header, or the
    /// base URL is invalid.
    pub fn build(mut self) -> Result<Client<V>, Error> {
        let credential = match (self.token.take(), self.token_provider.take()) {
            (Some(token), None) => Credential::Static(token.bearer_header()?),
            (None, Some(provider)) => Credential::Provider(provider),
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "both .token(..) and .token_provider(..) were called; keep one",
                ))
            }
            (None, None) => {
                return Err(Error::config(
                    "no access token: call .token(..) or .token_provider(..), use \
                     Client::from_env(), or build_anonymous() for the public endpoints",
                ))
            }
        };
        Ok(Client::from_core(self.core(credential)?))
    }

    /// Whether a token or a token provider was set.
    fn has_credential(&self) -> bool {
        self.token.is_some() || self.token_provider.is_some()
    }

    /// Builds a client that sends no `Authorization` header, for the few
    /// operations the API leaves public (such as those of a checkout session
    /// addressed by its client secret). A token set with
    /// [`token`](Self::token) is an error here.
    pub fn build_anonymous(self) -> Result<Client<V>, Error> {
        if self.has_credential() {
            return Err(Error::config(
                "build_anonymous() was called on a builder that has a token; use build()",
            ));
        }
        Ok(Client::from_core(self.core(Credential::Anonymous)?))
    }

    /// Builds a customer-portal client authenticated with a customer session
    /// token.
    pub fn build_customer_portal(
        self,
        session_token: impl Into<AccessToken>,
    ) -> Result<CustomerPortalClient<V, CustomerSessionToken>, Error> {
        self.build_portal(session_token.into())
    }

    /// Builds a customer-portal client authenticated with a member session
    /// token.
    pub fn build_member_portal(
        self,
        session_token: impl Into<AccessToken>,
    ) -> Result<CustomerPortalClient<V, MemberSessionToken>, Error> {
        self.build_portal(session_token.into())
    }

    /// Builds a customer-portal client that sends no `Authorization`
    /// header, for the portal operations the API leaves public (see
    /// [`NoSession`]). A token set with [`token`](Self::token) is an error
    /// here.
    pub fn build_public_portal(self) -> Result<CustomerPortalClient<V, NoSession>, Error> {
        if self.has_credential() {
            return Err(Error::config(
                "build_public_portal() was called on a builder that has a token; \
                 use build_customer_portal(token)",
            ));
        }
        Ok(CustomerPortalClient::from_core(
            self.core(Credential::Anonymous)?,
        ))
    }

    fn build_portal<S: SessionKind>(
        self,
        session_token: AccessToken,
    ) -> Result<CustomerPortalClient<V, S>, Error> {
        if self.has_credential() {
            return Err(Error::config(format!(
                "a portal client authenticates with its {} token only; \
                 do not also set .token(..)",
                S::NAME
            )));
        }
        let credential = Credential::Static(session_token.bearer_header()?);
        Ok(CustomerPortalClient::from_core(self.core(credential)?))
    }

    fn core(self, credential: Credential) -> Result<Core, Error> {
        let base_url = self.server.normalized_base()?;
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) if !suffix.trim().is_empty() => {
                format!("{USER_AGENT} {}", suffix.trim())
            }
            _ => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            Error::config("the user-agent suffix contains characters not allowed in a header")
        })?;
        let http = match self.http_client {
            Some(client) => client,
            // No redirects: an API client's answers come from the API, and
            // following one would resend the request (and a POST's body)
            // elsewhere. A 3xx is `Error::Redirect`.
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::config(format!("could not create the HTTP client: {e}")))?,
        };
        Ok(Core::new(Inner {
            http,
            base_url,
            credential,
            user_agent,
            timeout: self.timeout,
            deadline: self.deadline,
            retry: self.retry,
            hooks: self.hooks,
            rate_limiter: self.rate_limiter,
            api_version: V::NAME,
            max_response_body: self.max_response_body,
            max_error_body: self.max_error_body,
        }))
    }
}
