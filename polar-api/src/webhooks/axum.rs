//! axum extractors for verified webhook deliveries (feature `axum`):
//! [`VerifiedEvent`] for an endpoint of one API version, [`VerifiedWebhook`]
//! for deliveries of several.
//!
//! # One API version: `VerifiedEvent`
//!
//! `VerifiedEvent<P>` verifies a delivery and decodes it as `P`, the
//! payload enum of the version your endpoint sends
//! (`v2026_10::WebhookPayload`). A delivery that does not verify never
//! reaches the handler: the answer is [`WebhookRejection`]'s (403 for a
//! bad signature or a stale timestamp, 400 for a malformed header, 413 for
//! a body over [`Webhook::max_body_size`]). Every delivery that verified
//! does, with its `event` an `Err` when `P` cannot type it: acknowledge it
//! (2xx) too, or Polar sends it again and again.
//!
//! ```no_run
//! use axum::{http::StatusCode, routing::post, Router};
//! use polar_api::v2026_10::WebhookPayload;
//! use polar_api::webhooks::{VerifiedEvent, Webhook, WebhookSecret};
//!
//! async fn receive(hook: VerifiedEvent<WebhookPayload>) -> StatusCode {
//!     let id = &hook.delivery.id; // the `webhook-id`: process each delivery once
//!     match hook.event {
//!         Ok(WebhookPayload::OrderPaid(paid)) => println!("{id}: order {} paid", paid.data.id),
//!         Ok(other) => println!("{id}: {} (not handled)", other.event_type()),
//!         // Verified, but not typed by this build (schema drift, another
//!         // version): keep the raw body if you need it, and acknowledge.
//!         Err(error) => eprintln!("{id}: {error}; {} bytes kept", hook.delivery.body.len()),
//!     }
//!     StatusCode::NO_CONTENT
//! }
//!
//! # fn app(secret: &str) -> Result<Router, polar_api::webhooks::SecretError> {
//! let app = Router::new()
//!     .route("/webhooks/polar", post(receive))
//!     .with_state(Webhook::new(WebhookSecret::new(secret)?));
//! # Ok(app)
//! # }
//! ```
//!
//! # The verifier in the router's state
//!
//! Both extractors take the [`Webhook`] from the router's state through
//! axum's [`FromRef`]: a router whose state *is* a `Webhook` needs nothing
//! more. When the state is your own type holding one, say how to get it
//! (axum's `#[derive(FromRef)]`, with its `macros` feature, writes the
//! same):
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use axum::extract::{FromRef, State};
//! use axum::{http::StatusCode, routing::post, Router};
//! use polar_api::v2026_10::WebhookPayload;
//! use polar_api::webhooks::{VerifiedEvent, Webhook, WebhookSecret};
//!
//! #[derive(Clone)]
//! struct AppState {
//!     webhook: Webhook, // cheap to clone: the secret is shared
//!     entitlements: Arc<std::sync::Mutex<Vec<String>>>,
//! }
//!
//! impl FromRef<AppState> for Webhook {
//!     fn from_ref(state: &AppState) -> Webhook {
//!         state.webhook.clone()
//!     }
//! }
//!
//! async fn receive(
//!     State(state): State<AppState>,
//!     hook: VerifiedEvent<WebhookPayload>, // last: it reads the body
//! ) -> StatusCode {
//!     if let Ok(WebhookPayload::OrderPaid(paid)) = hook.event {
//!         state.entitlements.lock().unwrap().push(paid.data.id.to_string());
//!     }
//!     StatusCode::NO_CONTENT
//! }
//!
//! # fn app(secret: &str) -> Result<Router, polar_api::webhooks::SecretError> {
//! let state = AppState {
//!     webhook: Webhook::new(WebhookSecret::new(secret)?),
//!     entitlements: Default::default(),
//! };
//! let app = Router::new()
//!     .route("/webhooks/polar", post(receive))
//!     .with_state(state);
//! # Ok(app)
//! # }
//! ```
//!
//! A state behind an `Arc` (`Router<Arc<AppState>>`) takes the same
//! `impl FromRef<Arc<AppState>> for Webhook`; an `Arc<Webhook>` state works
//! as it is (this crate implements `FromRef<Arc<Webhook>>`).

use std::fmt;

use std::sync::Arc;

use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::header::CONTENT_LENGTH;
use ::axum::http::HeaderMap;
use ::axum::http::StatusCode;
use ::axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;

use super::verify::unix_now;
use super::{VerifiedEvent, VersionedPayload, Webhook, WebhookError, WebhookOutcome};

/// A router whose state is an `Arc<Webhook>` gives the extractors its
/// verifier.
impl FromRef<Arc<Webhook>> for Webhook {
    fn from_ref(state: &Arc<Webhook>) -> Webhook {
        Webhook::clone(state)
    }
}

/// A webhook delivery whose signature and timestamp verified, routed to the
/// payload type of the API version it was sent as ([`WebhookOutcome`]). An
/// axum extractor; needs the `axum` feature. For an endpoint of one API
/// version (every endpoint Polar creates sends one), [`VerifiedEvent`] is
/// shorter: one `match` on that version's events.
///
/// The verifier comes from the router's state: the state is a [`Webhook`],
/// or a type a `Webhook` can be taken from ([`FromRef`]; see the
/// [module](self) docs). The extractor reads the body, so it must be the
/// last argument of the handler.
///
/// It reads as little as it can: the headers and the timestamp are checked
/// first, so a request without them, or signed long ago, is refused before
/// any of its body is read; then a `Content-Length` over
/// [`Webhook::max_body_size`] (default 2 MiB) is refused unread, and the
/// body is read up to that limit and verified.
///
/// A delivery that verified always reaches the handler, also when this
/// build cannot type it (a version it does not include, a body that does
/// not decode): the handler decides, and acknowledging with a 2xx stops
/// Polar's retries. When a delivery does not verify the handler does not
/// run, and the answer is [`WebhookRejection`]'s: **403 Forbidden** for a
/// signature that does not match or a timestamp out of tolerance, **400 Bad
/// Request** for a missing or malformed header, **413 Payload Too Large**
/// for a body over the limit, and 400 when the body cannot be read. The
/// response text says what was wrong and never contains the secret.
///
/// ```no_run
/// use axum::{http::StatusCode, routing::post, Router};
/// use polar_api::v2026_10::WebhookPayload;
/// use polar_api::webhooks::{
///     VerifiedWebhook, VersionedWebhookPayload, Webhook, WebhookOutcome, WebhookSecret,
/// };
///
/// async fn receive(VerifiedWebhook(outcome): VerifiedWebhook) -> StatusCode {
///     let id = &outcome.delivery().id; // the `webhook-id`: process each delivery once
///     match &outcome {
///         WebhookOutcome::Event {
///             event: VersionedWebhookPayload::V2026_10(WebhookPayload::OrderPaid(paid)),
///             ..
///         } => println!("{id}: order {} paid", paid.data.id),
///         WebhookOutcome::Event { event, .. } => println!("{id}: {}", event.event_type()),
///         // Verified, but not typed by this build: keep it, and acknowledge.
///         other => println!("{id}: stored {:?}", other.event_type()),
///     }
///     StatusCode::NO_CONTENT
/// }
///
/// # fn app(secret: &str) -> Result<Router, polar_api::webhooks::SecretError> {
/// let webhook = Webhook::new(WebhookSecret::new(secret)?);
/// let app = Router::new()
///     .route("/webhooks/polar", post(receive))
///     .with_state(webhook);
/// # Ok(app)
/// # }
/// ```
#[derive(Debug)]
pub struct VerifiedWebhook(pub WebhookOutcome);

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    Webhook: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let read = read_delivery(request, state).await?;
        read.webhook
            .verify_and_route_at(&read.headers, &read.body, read.now)
            .map(VerifiedWebhook)
            .map_err(refused)
    }
}

/// [`VerifiedEvent`] as an extractor: see the [module](self) docs.
impl<S, P> FromRequest<S> for VerifiedEvent<P>
where
    S: Send + Sync,
    Webhook: FromRef<S>,
    P: VersionedPayload,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let read = read_delivery(request, state).await?;
        read.webhook
            .verify_event_at(&read.headers, &read.body, read.now)
            .map_err(refused)
    }
}

/// A request's headers and body, read as far as the checks before the
/// signature allow.
struct ReadDelivery {
    webhook: Webhook,
    headers: HeaderMap,
    body: Vec<u8>,
    now: i64,
}

fn refused(err: WebhookError) -> WebhookRejection {
    tracing::warn!(error = %err, "refused a webhook delivery");
    WebhookRejection::Invalid(err)
}

async fn read_delivery<S>(request: Request, state: &S) -> Result<ReadDelivery, WebhookRejection>
where
    S: Send + Sync,
    Webhook: FromRef<S>,
{
    let webhook = Webhook::from_ref(state);
    let now = unix_now();
    let (parts, body) = request.into_parts();
    // Nothing of the body is read before the headers pass.
    webhook
        .verify_headers_at(&parts.headers, now)
        .map_err(refused)?;
    let limit = webhook.body_size_limit();
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(WebhookRejection::TooLarge { limit });
    }
    let mut read = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(WebhookRejection::Body)?;
        if read.len() + chunk.len() > limit {
            return Err(WebhookRejection::TooLarge { limit });
        }
        read.extend_from_slice(&chunk);
    }
    Ok(ReadDelivery {
        webhook,
        headers: parts.headers,
        body: read,
        now,
    })
}

/// Why [`VerifiedWebhook`] refused a request; answers with the status
/// [`WebhookError::status_code`] gives (403 or 400).
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body could not be read (the connection failed): 400.
    Body(::axum::Error),
    /// The body is larger than [`Webhook::max_body_size`] (by its
    /// `Content-Length`, or while it was read): 413.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The delivery did not verify or decode.
    Invalid(WebhookError),
}

impl WebhookRejection {
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Body(_) => StatusCode::BAD_REQUEST,
            WebhookRejection::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::Invalid(err) => status_of(err),
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            WebhookRejection::Invalid(err) => (status_of(&err), err.to_string()).into_response(),
            other => (other.status(), other.to_string()).into_response(),
        }
    }
}

fn status_of(err: &WebhookError) -> StatusCode {
    StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::BAD_REQUEST)
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Body(err) => write!(f, "webhook: the body could not be read: {err}"),
            WebhookRejection::TooLarge { limit } => {
                write!(f, "webhook: the body is larger than the {limit}-byte limit")
            }
            WebhookRejection::Invalid(err) => fmt::Display::fmt(err, f),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookRejection::Body(err) => Some(err),
            WebhookRejection::TooLarge { .. } => None,
            WebhookRejection::Invalid(err) => Some(err),
        }
    }
}
