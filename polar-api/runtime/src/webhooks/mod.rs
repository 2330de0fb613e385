//! What verifying a webhook delivery needs that is the same for every API
//! version: secrets, signatures, headers, errors, and the decoder of a
//! body. Use it through `polar_api::webhooks`, which adds the verifier and
//! the router over the compiled-in versions' payload types.
//!
//! It lives here, not in `polar-api`, so that it compiles in parallel with
//! the generated models instead of after them (BENCHMARKS.md, "Subset").

pub mod decode;
mod error;
mod headers;
mod secret;
pub mod signature;

pub use error::WebhookError;
pub use headers::{
    WebhookHeaders, WEBHOOK_API_VERSION, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};
pub use secret::{KeyDerivation, SecretError, WebhookSecret};
