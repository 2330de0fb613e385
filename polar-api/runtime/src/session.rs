//! The kinds of session token a customer-portal client holds (the client
//! itself is polar-api's `CustomerPortalClient`).

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::CustomerSessionToken {}
    impl Sealed for super::MemberSessionToken {}
    impl Sealed for super::NoSession {}
}

/// The kind of session token a `CustomerPortalClient` holds:
/// [`CustomerSessionToken`], [`MemberSessionToken`], or [`NoSession`] for
/// the portal operations the API leaves public. Sealed: no other kinds
/// exist.
pub trait SessionKind: sealed::Sealed + Send + Sync + 'static {
    /// A human name for the token kind, used in messages.
    const NAME: &'static str;
}

/// Marker for a customer session token (the `token` of the
/// `CustomerSession` that *Create Customer Session* returns).
#[derive(Debug)]
pub enum CustomerSessionToken {}

/// Marker for a member session token (a session of one of a customer's
/// members).
#[derive(Debug)]
pub enum MemberSessionToken {}

/// The old name of [`CustomerSessionToken`], renamed so that it and the
/// model `CustomerSession` import side by side.
#[deprecated(note = "renamed to `CustomerSessionToken`")]
pub type CustomerSession = CustomerSessionToken;

/// The old name of [`MemberSessionToken`], renamed for symmetry with
/// [`CustomerSessionToken`].
#[deprecated(note = "renamed to `MemberSessionToken`")]
pub type MemberSession = MemberSessionToken;

/// Marker for a portal client without a token, for the customer-portal
/// operations the API leaves public (their `security` names no
/// credentials): in both pinned documents, validating, activating and
/// deactivating a license key from a desktop or mobile app
/// (`portal.license_keys().validate(..)`, `.activate(..)`,
/// `.deactivate(..)`), checking and verifying a customer's email update
/// (`portal.customers().check_email_update(..)`, `.verify_email_update(..)`)
/// and reading an organization's public page (`portal.organizations().get(..)`).
/// A client of this kind offers only those.
#[derive(Debug)]
pub enum NoSession {}

impl SessionKind for NoSession {
    const NAME: &'static str = "no session";
}

impl SessionKind for CustomerSessionToken {
    const NAME: &'static str = "customer session";
}

impl SessionKind for MemberSessionToken {
    const NAME: &'static str = "member session";
}
