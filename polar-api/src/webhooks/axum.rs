//! An axum extractor for verified webhook deliveries (feature `axum`).

use std::fmt;

use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::header::CONTENT_LENGTH;
use ::axum::http::StatusCode;
use ::axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;

use super::verify::unix_now;
use super::{Webhook, WebhookError, WebhookOutcome};

/// A webhook delivery whose signature and timestamp verified, routed to the
/// payload type of the API version it was sent as ([`WebhookOutcome`]). An
/// axum extractor; needs the `axum` feature.
///
/// The verifier comes from the router's state: the state is a [`Webhook`],
/// or a type a `Webhook` can be taken from ([`FromRef`]). The extractor
/// reads the body, so it must be the last argument of the handler; take
/// the `HeaderMap` too if you want the `webhook-id` to skip duplicate
/// deliveries.
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
/// for a body over the limit, and 400 when the body cannot be read. The response text says what was wrong and never
/// contains the secret.
///
/// ```no_run
/// use axum::{http::StatusCode, routing::post, Router};
/// use polar_api::v2026_10::WebhookPayload;
/// use polar_api::webhooks::{
///     VerifiedWebhook, VersionedWebhookPayload, Webhook, WebhookOutcome, WebhookSecret,
/// };
///
/// async fn receive(VerifiedWebhook(outcome): VerifiedWebhook) -> StatusCode {
///     match outcome {
///         WebhookOutcome::Event(VersionedWebhookPayload::V2026_10(WebhookPayload::OrderPaid(paid))) => {
///             println!("order {} paid", paid.data.id);
///         }
///         WebhookOutcome::Event(_) => {} // other events, other versions
///         other => {
///             // Verified, but not typed by this build: keep it, and acknowledge.
///             println!("stored delivery {:?}", other.delivery().map(|d| &d.id));
///         }
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
        let webhook = Webhook::from_ref(state);
        let refused = |err: WebhookError| {
            tracing::warn!(error = %err, "refused a webhook delivery");
            WebhookRejection::Invalid(err)
        };
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
        webhook
            .verify_and_route_at(&parts.headers, &read, now)
            .map(VerifiedWebhook)
            .map_err(refused)
    }
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
