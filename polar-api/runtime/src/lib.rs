//! The hand-written runtime of [`polar-api`](https://docs.rs/polar-api):
//! the transport (one place that sends, retries and applies timeouts),
//! tokens, errors, request encoding, response decoding and pagination.
//!
//! Use it through `polar-api`, which re-exports everything here a user
//! needs; this crate exists so that each API version's generated
//! operations can be a crate of its own, compiled side by side with the
//! other versions', all written against this one runtime. Its hidden
//! modules are the interface of those generated crates and of `polar-api`
//! itself, and may change in any release.

#![deny(missing_docs)]
// docs.rs (`rustdoc-args = ["--cfg", "docsrs"]`) marks each item with the
// features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
#[doc(hidden)]
pub mod error;
pub mod hook;
mod idempotency;
#[doc(hidden)]
pub mod limiter;
mod pagination;
mod query;
mod rate_limit;
#[doc(hidden)]
pub mod request;
#[doc(hidden)]
pub mod response;
#[doc(hidden)]
pub mod retry;
mod server;
mod session;
#[doc(hidden)]
pub mod transport;
mod version;
#[cfg(feature = "webhooks")]
#[doc(hidden)]
pub mod webhooks;

#[doc(hidden)]
pub mod __private;

pub use auth::{AccessToken, TokenFuture, TokenProvider, TokenResult};
pub use error::{ApiError, Error, TimeoutLimit};
pub use hook::{Hook, RequestParts, ResponseInfo};
pub use idempotency::IdempotencyKey;
pub use limiter::{RateLimiter, POLAR_REQUESTS_PER_MINUTE};
pub use pagination::{
    collect_all, dedup_by_key, paginate, PAGE_WALK_MAX_RATE_LIMITED, PAGE_WALK_MAX_RETRY_AFTER,
};
pub use query::OneOrMany;
pub use rate_limit::RateLimit;
pub use response::Response;
pub use retry::RetryConfig;
pub use server::Server;
#[allow(deprecated)]
pub use session::{
    CustomerSession, CustomerSessionToken, MemberSession, MemberSessionToken, NoSession,
    SessionKind,
};
pub use version::{ApiVersion, API_VERSION_HEADER};

/// The HTTP client this crate is built on.
pub use reqwest;
