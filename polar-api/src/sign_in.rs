//! From a public portal client to a signed-in one: the last step of the
//! customer portal's sign-in by emailed code.
//!
//! The two operations of that flow (`customer_session().request(..)` and
//! `.authenticate(..)`) are generated, from our overlay (`spec/overlay.json`:
//! Polar documents them but leaves them out of its published documents);
//! what they return is a session token, which these methods turn into a
//! client for the portal operations.

use crate::{AccessToken, ApiVersion, CustomerPortalClient};
use crate::{CustomerSessionToken, MemberSessionToken, NoSession};

impl<V: ApiVersion> CustomerPortalClient<V, NoSession> {
    /// The same configuration (server, timeouts, retries, hooks), signed in
    /// with a customer session token: what `customer_session().authenticate(..)`
    /// returns, or what your server created with `customer_sessions().create(..)`.
    ///
    /// Never fails, like every derived client: a token that cannot be sent
    /// in an HTTP header fails each request with `Error::Config`, which does
    /// not show the token.
    pub fn with_customer_session(
        &self,
        token: impl Into<AccessToken>,
    ) -> CustomerPortalClient<V, CustomerSessionToken> {
        CustomerPortalClient::from_core(self.core().with_token(Some(&token.into())))
    }

    /// [`with_customer_session`](Self::with_customer_session) for a member
    /// session token, which the member-only operations need too.
    pub fn with_member_session(
        &self,
        token: impl Into<AccessToken>,
    ) -> CustomerPortalClient<V, MemberSessionToken> {
        CustomerPortalClient::from_core(self.core().with_token(Some(&token.into())))
    }
}
