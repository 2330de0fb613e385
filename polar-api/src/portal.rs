//! [`CustomerPortalClient`]: operations a customer (or one of a customer's
//! members) performs with a session token.

use std::fmt;
use std::marker::PhantomData;

use crate::transport::Core;
use crate::{
    AccessToken, ApiVersion, ClientBuilder, CustomerSessionToken, Error, MemberSessionToken,
    NoSession, SessionKind,
};

/// A client for the customer portal (`/v1/customer-portal/...`),
/// authenticated with a session token instead of an organization token.
///
/// The type parameter records which kind of session token it holds.
/// Operations open to either kind of session are available on every
/// `CustomerPortalClient<S>` with `S:` [`AuthenticatedSession`]; the ones
/// only a member may call exist only on `CustomerPortalClient<MemberSessionToken>`;
/// a client without a token (`CustomerPortalClient<NoSession>`) has only the
/// operations the API leaves public. Portal operations are not methods
/// of [`Client`](crate::Client), so an organization token can't be sent to
/// them by mistake.
///
/// Cloning is cheap.
///
/// ```no_run
/// # #[cfg(feature = "v2026-10")]
/// # fn demo(org: polar_api::v2026_10::Client, token_from_session: String) -> Result<(), polar_api::Error> {
/// use polar_api::v2026_10::{Client, CustomerPortalClient};
/// use polar_api::MemberSessionToken;
///
/// // Standalone, production, default options:
/// let portal = CustomerPortalClient::from_customer_session("polar_cst_...")?;
/// // Same server, timeouts and retries as an existing client:
/// let portal = org.customer_portal_with(token_from_session);
/// // A member's session on the sandbox:
/// let member: CustomerPortalClient<MemberSessionToken> =
///     Client::builder().sandbox().build_member_portal("polar_mst_...")?;
/// # Ok(()) }
/// ```
pub struct CustomerPortalClient<V: ApiVersion, S: SessionKind = CustomerSessionToken> {
    core: Core,
    kind: PhantomData<fn() -> (V, S)>,
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::CustomerSessionToken {}
    impl Sealed for crate::MemberSessionToken {}
}

/// The session kinds that hold a token, [`CustomerSessionToken`] and
/// [`MemberSessionToken`]: a `CustomerPortalClient<S>` with such an `S` has every
/// portal operation open to both. Sealed: [`NoSession`] is not one, so a
/// client without a token has only the public operations.
///
/// ```compile_fail
/// # fn demo(portal: polar_api::v2026_10::CustomerPortalClient<polar_api::NoSession>) {
/// // Listing orders needs a session token: not offered without one.
/// let _ = portal.orders();
/// # }
/// ```
///
/// ```compile_fail
/// # fn demo(portal: polar_api::v2026_10::CustomerPortalClient<polar_api::NoSession>) {
/// // `license_keys()` holds only the public operations there.
/// let _ = portal.license_keys().list();
/// # }
/// ```
///
/// ```
/// # #[cfg(all(feature = "v2026-10", feature = "customer_portal"))]
/// # fn demo(portal: polar_api::v2026_10::CustomerPortalClient<polar_api::NoSession>) {
/// let _ = portal.license_keys();
/// let _ = portal.organizations();
/// # }
/// ```
pub trait AuthenticatedSession: SessionKind + sealed::Sealed {}

impl AuthenticatedSession for CustomerSessionToken {}
impl AuthenticatedSession for MemberSessionToken {}

impl<V: ApiVersion> CustomerPortalClient<V, CustomerSessionToken> {
    /// A production portal client with the default options for a customer
    /// session token.
    pub fn from_customer_session(token: impl Into<AccessToken>) -> Result<Self, Error> {
        ClientBuilder::new().build_customer_portal(token)
    }
}

impl<V: ApiVersion> CustomerPortalClient<V, NoSession> {
    /// A production portal client without a token, with the default
    /// options, for the public portal operations (see [`NoSession`]).
    ///
    /// ```no_run
    /// # #[cfg(all(feature = "v2026-10", feature = "customer_portal"))]
    /// # async fn demo() -> Result<(), polar_api::Error> {
    /// use polar_api::v2026_10::models::LicenseKeyValidate;
    /// use polar_api::v2026_10::CustomerPortalClient;
    /// use polar_api::NoSession;
    ///
    /// let portal = CustomerPortalClient::<NoSession>::public()?;
    /// let organization_id = "1d5c2e4f-8a3b-4c6d-9e7f-0a1b2c3d4e5f".parse().expect("a uuid");
    /// let key = portal
    ///     .license_keys()
    ///     .validate(LicenseKeyValidate::new("POLAR-KEY-FROM-THE-USER".into(), organization_id))
    ///     .send()
    ///     .await?;
    /// println!("{:?}", key.status);
    /// # Ok(()) }
    /// ```
    pub fn public() -> Result<Self, Error> {
        ClientBuilder::new().build_public_portal()
    }
}

impl<V: ApiVersion> CustomerPortalClient<V, MemberSessionToken> {
    /// A production portal client with the default options for a member
    /// session token.
    pub fn from_member_session(token: impl Into<AccessToken>) -> Result<Self, Error> {
        ClientBuilder::new().build_member_portal(token)
    }
}

impl<V: ApiVersion, S: SessionKind> CustomerPortalClient<V, S> {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The same configuration with another session token of the same kind.
    /// Cannot fail: a token that cannot be sent makes each request fail
    /// with [`Error::Config`].
    pub fn with_token(&self, token: impl Into<AccessToken>) -> Self {
        Self::from_core(self.core.with_token(Some(&token.into())))
    }

    pub(crate) fn from_core(core: Core) -> Self {
        CustomerPortalClient {
            core,
            kind: PhantomData,
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

impl<V: ApiVersion, S: SessionKind> Clone for CustomerPortalClient<V, S> {
    fn clone(&self) -> Self {
        CustomerPortalClient {
            core: self.core.clone(),
            kind: PhantomData,
        }
    }
}

impl<V: ApiVersion, S: SessionKind> fmt::Debug for CustomerPortalClient<V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerPortalClient")
            .field("api_version", &V::NAME)
            .field("session", &S::NAME)
            .field("base_url", &self.core.inner().base_url)
            .finish_non_exhaustive()
    }
}
