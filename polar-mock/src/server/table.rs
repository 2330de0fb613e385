//! The shape of the generated server tables (`src/generated/server/`): one
//! [`VersionTable`] per API version, an [`Operation`] per operation.

use super::decode::{Inputs, Issues};

/// Every operation of one API version.
pub(crate) struct VersionTable {
    /// The `Polar-Version` value.
    pub version: &'static str,
    /// In document order.
    pub operations: &'static [Operation],
    /// JSON: `{"components": {name: schema}, "operations": [{"path": [..],
    /// "query": [..], "body": {..} | null}, ..]}`, the operations in the
    /// order of `operations`; parsed once per process.
    pub inputs: &'static str,
}

/// One operation, as the client calls it.
pub(crate) struct Operation {
    /// The document's `operationId`, e.g. `orders:get`.
    pub id: &'static str,
    /// Upper case: `GET`.
    pub method: &'static str,
    /// The path template, e.g. `/v1/orders/{id}`.
    pub path: &'static str,
    pub auth: Auth,
    /// The success status.
    pub status: u16,
    pub response: Response,
    /// Decodes the validated inputs into the client's types.
    pub decode: fn(&Inputs, &mut Issues),
}

/// Which credentials an operation takes. (A document may use only some of
/// these, and of the answers below.)
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// An organization access token.
    Organization,
    /// None.
    Public,
    /// A customer or member session token.
    Portal,
    /// A member session token.
    PortalMember,
    /// None (a customer-portal operation).
    PortalPublic,
}

/// The success answer of an operation.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Response {
    /// This JSON (the fixture of the response schema).
    Json(&'static str),
    /// No body.
    Empty,
    /// A `text/csv` export.
    Csv(&'static str),
}
