//! A local Polar for your tests, generated from the same OpenAPI documents
//! as `polar-models` and `polar-api`.
//!
//! * [`fixtures`]: a realistic, spec-valid value of every schema of every
//!   API version (`fixtures::v2026_10::order()`), cheap to tweak.
//! * [`deliveries`]: a signed webhook delivery of any event of any
//!   version, as an `http::Request` for your router or sent to a URL.

#![deny(missing_docs)]

pub mod deliveries;
pub mod fixtures;
// Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod generated;
mod server;

pub use deliveries::{Delivery, SignedDelivery};
pub use server::{
    Answer, Fault, MockPolar, MockPolarBuilder, ReceivedRequest, StartError, When, MAX_BODY_SIZE,
};

/// The API versions this build includes (its `v…` features), oldest first.
pub fn api_versions() -> Vec<&'static str> {
    generated::versions()
        .into_iter()
        .map(|tables| tables.version)
        .collect()
}
