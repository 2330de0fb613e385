//! [`Client`]: the entry point for operations authenticated with an
//! organization or personal access token.

use std::fmt;
use std::marker::PhantomData;

use crate::portal::CustomerPortalClient;
use crate::transport::Core;
use crate::{AccessToken, ApiVersion, ClientBuilder, Error};
use crate::{CustomerSessionToken, MemberSessionToken, NoSession};

/// The environment variable [`Client::from_env`] reads the token from.
pub const ACCESS_TOKEN_ENV: &str = "POLAR_ACCESS_TOKEN";

/// A client for the Polar API at API version `V`, authenticated with an
/// organization access token (or a personal one).
///
/// Name it through a version module, which fixes `V` and adds that
/// version's operations: `polar_api::v2026_10::Client`. Every request it
/// sends carries `Polar-Version: V`.
///
/// Cloning is cheap: clones share one configuration and connection pool, so
/// make one client and clone it where needed.
///
/// ```no_run
/// # #[cfg(not(feature = "v2026-10"))] fn main() {}
/// # #[cfg(feature = "v2026-10")] fn main() -> Result<(), polar_api::Error> {
/// use polar_api::v2026_10::Client;
///
/// let client = Client::new("polar_oat_...")?;
/// let sandbox = Client::builder().token("polar_oat_...").sandbox().build()?;
/// # Ok(()) }
/// ```
pub struct Client<V: ApiVersion> {
    core: Core,
    version: PhantomData<fn() -> V>,
}

impl<V: ApiVersion> Clone for Client<V> {
    fn clone(&self) -> Self {
        Client {
            core: self.core.clone(),
            version: PhantomData,
        }
    }
}

impl<V: ApiVersion> Client<V> {
    /// A production client with the default options, authenticated with
    /// `token`.
    pub fn new(token: impl Into<AccessToken>) -> Result<Self, Error> {
        ClientBuilder::new().token(token).build()
    }

    /// A production client with the default options, authenticated with the
    /// token in the `POLAR_ACCESS_TOKEN` environment variable.
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var(ACCESS_TOKEN_ENV) {
            Ok(token) if !token.trim().is_empty() => Self::new(token),
            Ok(_) => Err(Error::config(format!(
                "the environment variable {ACCESS_TOKEN_ENV} is empty"
            ))),
            Err(std::env::VarError::NotPresent) => Err(Error::config(format!(
                "the environment variable {ACCESS_TOKEN_ENV} is not set; \
                 set it to an organization access token"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
                "the environment variable {ACCESS_TOKEN_ENV} is not valid Unicode"
            ))),
        }
    }

    /// A production client without a token, for the operations the API
    /// leaves public. Authenticated operations called through it fail with
    /// a 401 [`Error::Api`]. Use [`ClientBuilder::build_anonymous`] for other
    /// options.
    pub fn anonymous() -> Result<Self, Error> {
        ClientBuilder::new().build_anonymous()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder<V> {
        ClientBuilder::new()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The `Polar-Version` every request of this client sends.
    pub fn api_version(&self) -> &'static str {
        V::NAME
    }

    /// A customer-portal client for a customer session token, with this
    /// client's server, timeouts, retries and connection pool.
    ///
    /// Nothing is sent and nothing can fail here: a token that cannot be
    /// sent (empty, or with characters an HTTP header cannot hold) makes
    /// each request of the portal client fail with [`Error::Config`].
    pub fn customer_portal_with(
        &self,
        session_token: impl Into<AccessToken>,
    ) -> CustomerPortalClient<V, CustomerSessionToken> {
        CustomerPortalClient::from_core(self.core.with_token(Some(&session_token.into())))
    }

    /// A customer-portal client for a member session token, with this
    /// client's server, timeouts, retries and connection pool; like
    /// [`customer_portal_with`](Self::customer_portal_with), it cannot fail.
    pub fn member_portal_with(
        &self,
        session_token: impl Into<AccessToken>,
    ) -> CustomerPortalClient<V, MemberSessionToken> {
        CustomerPortalClient::from_core(self.core.with_token(Some(&session_token.into())))
    }

    /// A customer-portal client without a token, with this client's server,
    /// timeouts, retries and connection pool, for the portal operations the
    /// API leaves public, and only those (license key validation and
    /// activation, a customer's email-update check and verification, an
    /// organization's portal page; see [`NoSession`](crate::NoSession)).
    pub fn public_portal(&self) -> CustomerPortalClient<V, NoSession> {
        CustomerPortalClient::from_core(self.core.with_token(None))
    }

    pub(crate) fn from_core(core: Core) -> Self {
        Client {
            core,
            version: PhantomData,
        }
    }

    /// The shared request machinery, for the generated operations.
    #[allow(dead_code)] // used by the generated operations
    pub(crate) fn core(&self) -> &Core {
        &self.core
    }

    #[doc(hidden)]
    pub fn __core(&self) -> &Core {
        &self.core
    }
}

impl<V: ApiVersion> fmt::Debug for Client<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_version", &V::NAME)
            .field("base_url", &self.core.inner().base_url)
            .field(
                "authenticated",
                &self.core.inner().credential.is_authenticated(),
            )
            .finish_non_exhaustive()
    }
}
