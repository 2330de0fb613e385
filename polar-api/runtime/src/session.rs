//! The kinds of session token a customer-portal client holds (the client
//! itself is polar-api's `CustomerPortalClient`).

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::CustomerSession {}
    impl Sealed for super::MemberSession {}
    impl Sealed for super::NoSession {}
}

/// The kind of session token a `CustomerPortalClient` holds:
/// [`CustomerSession`], [`MemberSession`], or [`NoSession`] for the portal
/// operations the API leaves public. Sealed: no other kinds exist.
pub trait SessionKind: sealed::Sealed + Send + Sync + 'static {
    /// A human name for the token kind, used in messages.
    const NAME: &'static str;
}

/// Marker for a customer session token (from *Create Customer Session*).
#[derive(Debug)]
pub enum CustomerSession {}

/// Marker for a member session token (from *Create Member Session*).
#[derive(Debug)]
pub enum MemberSession {}

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

impl SessionKind for CustomerSession {
    const NAME: &'static str = "customer session";
}

impl SessionKind for MemberSession {
    const NAME: &'static str = "member session";
}
