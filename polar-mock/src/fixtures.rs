//! A fixture for every schema of every API version this build includes:
//! `fixtures::v2026_10::order()` is a realistic, spec-valid
//! [`Order`](polar_models::v2026_10::Order).
//!
//! Each version is a module (behind the crate's feature of the same name,
//! like `polar-api`'s) with a function per component schema of that
//! version's document, named after its Rust type in `snake_case`
//! (`CheckoutCreate` → `checkout_create()`), returning the model type. The
//! values are built from the document at regeneration time, so they are
//! valid by construction (every one is decoded strictly, no `Unknown`, in
//! the workspace's tests), and made to read like real data: names, emails
//! at `example.com`, `usd`, amounts such as 2500 cents, timestamps in
//! March 2026, an active subscription rather than a canceled one, and ids
//! that agree: `order.customer_id == order.customer.id`, and one entity has
//! the same UUID in every fixture of a version (`order().customer_id ==
//! subscription().customer_id`). Deterministic: the same document gives the
//! same values.
//!
//! Fields are public: change what your test is about.
//!
//! ```
//! # #[cfg(feature = "v2026-10")] {
//! use polar_mock::fixtures::{v2026_10, With};
//!
//! let mut order = v2026_10::order();
//! order.net_amount = 0;
//! // or, in one expression:
//! let free = v2026_10::order().with(|o| o.net_amount = 0);
//! assert_eq!(order.net_amount, free.net_amount);
//! assert_eq!(order.customer_id, order.customer.id);
//! # }
//! ```
//!
//! **Why functions per version rather than a `Fixture` trait**
//! (`Order::fixture()`): several versions may share one Rust type (what
//! two versions define alike is compiled once), and a type alias names the
//! same type twice; a trait could be implemented for such a type only once,
//! so it could not give each version its own fixture. A function per
//! version and schema has no such clash, and reads the same
//! (`v2026_10::order()`).
//!
//! **Cost.** A fixture is stored as its compact JSON and decoded when
//! called; the functions are `#[inline]`, so a fixture's decoding code is
//! compiled in the crate that calls it and only if it does.
//!
//! The webhook events have fixtures too: `v2026_10::webhook_event("order.paid")`
//! as the version's payload enum, and [`Delivery::fixture`](crate::Delivery::fixture)
//! signed and ready to send.

use serde::de::DeserializeOwned;

#[doc(inline)]
pub use crate::generated::fixtures::*;

/// `value.with(|v| v.field = ...)`: change a value in an expression.
/// Implemented for every type.
pub trait With: Sized {
    /// `self` after `change` ran on it.
    #[must_use]
    fn with(mut self, change: impl FnOnce(&mut Self)) -> Self {
        change(&mut self);
        self
    }
}

impl<T> With for T {}

/// `(spec name, JSON)` of every component schema's fixture of API version
/// `api_version` (`"2026-10"`), in document order; `None` when this build
/// does not include that version.
pub fn schemas(api_version: &str) -> Option<&'static [(&'static str, &'static str)]> {
    crate::generated::versions()
        .into_iter()
        .find(|tables| tables.version == api_version)
        .map(|tables| tables.schemas)
}

/// `(event type, JSON)` of every webhook event's fixture of API version
/// `api_version`, in document order; `None` when this build does not
/// include that version.
pub fn webhook_events(api_version: &str) -> Option<&'static [(&'static str, &'static str)]> {
    crate::generated::versions()
        .into_iter()
        .find(|tables| tables.version == api_version)
        .map(|tables| tables.webhook_events)
}

/// Decodes a fixture's JSON; called by the generated functions.
///
/// # Panics
///
/// If the fixture does not decode into its type: the JSON is generated
/// with the type from one document and the workspace's tests decode every
/// fixture, so this is a bug of this crate, never of its caller.
#[doc(hidden)]
pub fn __decode<T: DeserializeOwned>(what: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|err| {
        panic!("the fixture of `{what}` does not decode ({err}): a polar-mock bug")
    })
}
