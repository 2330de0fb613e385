//! [`ApiVersion`]: which of Polar's dated API versions a client speaks.

use std::fmt::Debug;
use std::hash::Hash;

/// One of Polar's dated API versions, as a type: the `Version` of a version
/// module (`polar_api::v2026_10::Version`). It fixes the `Polar-Version`
/// header a client sends and which operations and types it has.
///
/// Sealed: the generated version modules are its only implementations.
pub trait ApiVersion:
    crate::__private::Sealed + Copy + Debug + Default + Eq + Hash + Send + Sync + 'static
{
    /// The header value, e.g. `2026-10`.
    const NAME: &'static str;
}

/// The request header that selects the API version.
pub const API_VERSION_HEADER: &str = "polar-version";
