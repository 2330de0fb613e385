// The README's example uses the Current version (the default feature).
#![cfg_attr(feature = "v2026-10", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "v2026-10"),
    doc = "A local Polar for your tests: fixtures, signed webhook deliveries and a mock \
           server, generated from Polar's OpenAPI documents. See README.md."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

pub mod deliveries;
pub mod fixtures;
// Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod generated;
mod server;
mod store;
pub mod webhooks;

pub use deliveries::{Delivery, SignedDelivery};
pub use server::{
    Answer, Fault, MockPolar, MockPolarBuilder, ReceivedRequest, StartError, When,
    DEFAULT_RECEIVED_LIMIT, MAX_BODY_SIZE,
};
pub use store::{CompletedCheckout, StateError};
pub use webhooks::{DeliveryAttempt, DeliveryStatus, WebhookDelivery};

/// The API versions this build includes (its `v…` features), oldest first.
pub fn api_versions() -> Vec<&'static str> {
    generated::versions()
        .into_iter()
        .map(|tables| tables.version)
        .collect()
}
