//! An axum extractor for verified webhook deliveries (feature `axum`).

use std::fmt;

use ::axum::body::Bytes;
use ::axum::extract::rejection::BytesRejection;
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::StatusCode;
use ::axum::response::{IntoResponse, Response};

use super::{Webhook, WebhookError, WebhookOutcome};

/// A webhook delivery whose signature and timestamp verified, routed to the
/// payload type of the API version it was sent as ([`WebhookOutcome`]). An
/// axum extractor; needs the `axum` feature.
///
/// The verifier comes from the router's state: the state is a [`Webhook`],
/// or a type a `Webhook` can be taken from ([`FromRef`]). The extractor
/// reads the whole body (within axum's body limit), so it must be the last
/// argument of the handler; take the `HeaderMap` too if you want the
/// `webhook-id` to skip duplicate deliveries.
///
/// A delivery that verified always reaches the handler, also when this
/// build cannot type it (a version it does not include, a body that does
/// not decode): the handler decides, and acknowledging with a 2xx stops
/// Polar's retries. When a delivery does not verify the handler does not
/// run, and the answer is [`WebhookRejection`]'s: **403 Forbidden** for a
/// signature that does not match or a timestamp out of tolerance, **400 Bad
/// Request** for a missing or malformed header, and axum's own answer when
/// the body cannot be read. The response text says what was wrong and never
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
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(WebhookRejection::Body)?;
        match webhook.verify_and_route(&headers, &body) {
            Ok(outcome) => Ok(VerifiedWebhook(outcome)),
            Err(err) => {
                tracing::warn!(error = %err, "refused a webhook delivery");
                Err(WebhookRejection::Invalid(err))
            }
        }
    }
}

/// Why [`VerifiedWebhook`] refused a request; answers with the status
/// [`WebhookError::status_code`] gives (403 or 400).
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body could not be read (too large, or the connection failed).
    Body(BytesRejection),
    /// The delivery did not verify or decode.
    Invalid(WebhookError),
}

impl WebhookRejection {
    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Body(rejection) => rejection.status(),
            WebhookRejection::Invalid(err) => status_of(err),
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            WebhookRejection::Body(rejection) => rejection.into_response(),
            WebhookRejection::Invalid(err) => (status_of(&err), err.to_string()).into_response(),
        }
    }
}

fn status_of(err: &WebhookError) -> StatusCode {
    StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::BAD_REQUEST)
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Body(rejection) => write!(f, "webhook: {rejection}"),
            WebhookRejection::Invalid(err) => fmt::Display::fmt(err, f),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookRejection::Body(rejection) => Some(rejection),
            WebhookRejection::Invalid(err) => Some(err),
        }
    }
}
