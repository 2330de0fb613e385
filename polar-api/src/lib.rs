//! Async client for the [Polar](https://polar.sh) API.
//!
//! Every operation of Polar's OpenAPI document is a typed method; the models
//! are the [`polar_models`] crate, re-exported as [`models`].
//!
//! # Clients and tokens
//!
//! * [`Client`] — authenticated with an organization access token (or a
//!   personal one): [`Client::new`], [`Client::from_env`] (reads
//!   `POLAR_ACCESS_TOKEN`), or [`Client::builder`] for the sandbox, a custom
//!   base URL, timeouts and retries. [`Client::anonymous`] sends no token,
//!   for the few public operations.
//! * [`CustomerPortalClient`] — authenticated with a customer session token
//!   ([`CustomerSessionToken`]) or a member session token
//!   ([`MemberSessionToken`]); the customer-portal operations live only
//!   there. Derive one from an existing client with
//!   [`Client::customer_portal_with`] to keep its configuration.
//!
//! Tokens are held as [`AccessToken`], which never prints its value.
//!
//! # Operation groups
//!
//! Operations are grouped by the first part of their `operationId`
//! (`products:list` is `client.products().list()`); each group is also a
//! cargo feature (see the README's *Feature flags*).
//!
//! | area | on [`Client`] | on [`CustomerPortalClient`] |
//! |---|---|---|
//! | catalog | `products()`, `benefits()`, `custom_fields()`, `discounts()`, `files()` | `downloadables()` |
//! | selling | `checkouts()`, `checkout_links()` | |
//! | customers | `customers()`, `customer_sessions()`, `members()`, `customer_seats()` | `customers()`, `customer_session()`, `members()`, `seats()`, `wallets()` |
//! | billing | `subscriptions()`, `orders()`, `refunds()`, `payments()`, `disputes()` | `subscriptions()`, `orders()` |
//! | entitlements | `benefit_grants()`, `license_keys()` | `benefit_grants()`, `license_keys()` |
//! | usage billing | `events()`, `event_types()`, `meters()`, `customer_meters()` | `customer_meters()` |
//! | insight | `metrics()` | |
//! | organization | `organizations()`, `organization_access_tokens()`, `webhooks()` (endpoints), `oauth2()` | `organizations()` |
//!
//! Each group method returns a group value whose methods start requests:
//! path parameters and required bodies are arguments, optional parameters
//! are builder methods, and `.send().await` returns the typed response.
//!
//! # Errors, retries and rate limits
//!
//! Every call returns [`Error`]: transport failures, timeouts, bodies that
//! do not decode, and non-2xx responses as [`Error::Api`] with the decoded
//! error body, the raw body and the [`RateLimit`] headers;
//! [`Error::may_have_been_applied`] says whether the server may have
//! carried a failed request out. Every request is retried on 429 (refused
//! before it ran) and when no connection could be opened; idempotent ones
//! (`GET`, `PUT`, `DELETE`, and a `POST` or `PATCH` with an
//! [`IdempotencyKey`]) also on 500, 502, 503 and 504, timeouts and dropped
//! connections, honoring `Retry-After`; see [`RetryConfig`]. The timeout
//! is per attempt; [`ClientBuilder::deadline`] bounds a whole request.
//!
//! Every operation builder can change, for that one request, the timeout
//! (`.timeout(d)`), the deadline (`.deadline(d)`), the retries
//! (`.max_retries(n)`) and the token (`.token(t)`); the builders of `POST`,
//! `PATCH`, `PUT` and `DELETE` operations also take `.idempotency_key(k)`.
//!
//! # Hooks
//!
//! A [`Hook`] set with [`ClientBuilder::hook`] runs around every attempt, to
//! add headers, log or measure; the [`hook`] module says why it is a trait
//! of this crate and not `reqwest-middleware`.
//!
//! # Usage events
//!
//! With the `ingest` feature, the `ingest` module batches usage events for
//! `POST /v1/events/ingest` in a background task (`client.ingestor()`):
//! bounded memory, retries that never count an event twice, refused events
//! handed back, a drain on shutdown; and strategies that measure LLM
//! tokens, bytes and durations.
//!
//! # Lists
//!
//! List operations return one [`models::Page`]; their `.stream()` and
//! `.collect_all()` walk all pages ([`paginate`] and [`collect_all`] do the
//! same for a fetch function of your own). A stream is `Unpin`, and
//! [`prelude`] brings the traits its methods come from:
//!
//! ```no_run
//! # #[cfg(all(feature = "v2026-10", feature = "full"))]
//! # async fn demo(client: polar_api::v2026_10::Client) -> Result<(), polar_api::Error> {
//! use polar_api::prelude::*;
//!
//! let mut subscriptions = client.subscriptions().list().active(true).stream();
//! while let Some(subscription) = subscriptions.try_next().await? {
//!     println!("{} {}", subscription.id, subscription.status);
//! }
//! # Ok(()) }
//! ```
//!
//! A walk reads pages by number while the list may change: an item
//! created or deleted meanwhile can make it repeat an item or skip one.
//! `.stream_unique()` (on lists whose items have an `id`) drops the
//! repeats; see [`paginate`].
//!
//! # TLS
//!
//! The `rustls` feature (default) uses rustls; `native-tls` uses the
//! platform's TLS library, and wins when both are enabled.

#![deny(missing_docs)]
// docs.rs (`rustdoc-args = ["--cfg", "docsrs"]`) marks each item with the
// features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod config;
mod portal;
mod sign_in;

// The runtime every version's operations are written against (its own
// crate, so that the versions' generated crates can use it; see the README's
// "A crate per version, one path for users"): re-exported below, and its internals
// imported for the clients, the webhooks and the ingestor.
#[allow(unused_imports)]
use polar_api_runtime::{error, request, response, retry, transport};

pub use polar_api_runtime::hook;

#[cfg(feature = "webhooks")]
pub mod webhooks;

#[cfg(feature = "ingest")]
pub mod ingest;

/// The stream traits a page walk needs (`client.products().list().stream()`
/// is a `Stream`): `use polar_api::prelude::*;` brings `try_next`, `next`,
/// `try_collect` and the rest into scope, without a dependency on
/// `futures-util` of your own.
pub mod prelude {
    pub use futures_core::Stream;
    pub use futures_util::{StreamExt, TryStreamExt};
}

#[doc(hidden)]
pub use polar_api_runtime::__private;

// The endpoint layer, emitted by `cargo xtask regen` into `src/generated/`:
// one group type per operationId prefix, one request builder per operation,
// and `ApiErrorBody`. Formatted by the generator (prettyplease), not rustfmt.
#[rustfmt::skip]
mod generated;
pub use generated::*;

pub use client::{Client, ACCESS_TOKEN_ENV};
pub use config::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ERROR_BODY, DEFAULT_MAX_RESPONSE_BODY,
    DEFAULT_TIMEOUT,
};
pub use polar_api_runtime::{
    collect_all, dedup_by_key, paginate, AccessToken, ApiError, ApiVersion, CustomerSessionToken,
    Error, Hook, IdempotencyKey, MemberSessionToken, NoSession, OneOrMany, RateLimit, RateLimiter,
    RequestParts, Response, ResponseInfo, RetryConfig, Server, SessionKind, TimeoutLimit,
    TokenFuture, TokenProvider, TokenResult, API_VERSION_HEADER, PAGE_WALK_MAX_RATE_LIMITED,
    PAGE_WALK_MAX_RETRY_AFTER, POLAR_REQUESTS_PER_MINUTE,
};
#[allow(deprecated)]
pub use polar_api_runtime::{CustomerSession, MemberSession};
pub use portal::{AuthenticatedSession, CustomerPortalClient};

/// The HTTP client this crate is built on, for [`ClientBuilder::http_client`].
pub use polar_api_runtime::reqwest;
pub use polar_models as models;

/// The README's examples, compiled as doctests when the features they use
/// (the default ones: the current version and every operation group) are
/// on; a block that needs more says so itself (`#[cfg(feature = ..)]` in
/// its hidden lines).
#[cfg(doctest)]
#[cfg_attr(
    all(feature = "v2026-10", feature = "full"),
    doc = include_str!("../../README.md")
)]
pub struct ReadmeDoctests;
