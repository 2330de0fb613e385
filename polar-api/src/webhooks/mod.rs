//! Verifying Polar's webhook deliveries and decoding them into one typed
//! enum. Needs the `webhooks` feature (on by default).
//!
//! Polar signs each delivery the [Standard Webhooks] way. Three headers
//! come with the body:
//!
//! * `webhook-id` — the delivery's id, the same on every retry (use it to
//!   process a delivery once);
//! * `webhook-timestamp` — when it was signed, in unix seconds;
//! * `webhook-signature` — space-separated `v1,<base64>` entries, each the
//!   base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`.
//!
//! A [`Webhook`] checks these against the **raw body bytes**, before any
//! JSON parsing (a body parsed and re-serialized no longer verifies),
//! refuses timestamps more than five minutes from now (configurable with
//! [`Webhook::tolerance`]) so that old deliveries cannot be replayed,
//! compares signatures in constant time, and then decodes the body into the
//! `WebhookPayload` of an API version (`polar_api::v2026_10::WebhookPayload`):
//! one variant per event type of that version, plus `Unknown` with the raw
//! JSON for event types newer than this crate (never an error, so a new event
//! type cannot break your endpoint). An event's variant is compiled with the
//! operation group of its family (`order.paid` with the `orders` feature,
//! `checkout.created` with `checkouts`; all of them by default): in a build
//! without that group its deliveries verify and arrive as `Unknown` too.
//!
//! Each webhook endpoint sends its deliveries as one API version, declared by
//! the `webhook-api-version` header (and the payload's `api_version`).
//! [`Webhook::verify_event`] decodes into the payload type of one version
//! ([`VerifiedEvent`]: the delivery, and the event or why it could not be
//! typed); [`Webhook::verify_and_route`] decodes each delivery as the
//! version it declares, into [`VersionedWebhookPayload`] ([`WebhookOutcome`]).
//! Both fail only for a delivery that does not verify: one that verified
//! but that this build cannot type (a version it does not include, a body
//! that does not decode) comes back with the verified raw JSON, so that
//! the receiver acknowledges it (a 2xx) instead of answering an error that
//! Polar retries. Every result keeps the [`VerifiedDelivery`]: its `id`
//! (the `webhook-id`, the key to process a delivery once), timestamp,
//! version and raw body; every payload enum says its `event_type()`.
//!
//! # Secrets: two kinds, both tried
//!
//! Polar has issued two kinds of webhook secret, and you may hold either:
//!
//! * **Legacy** secrets, shown as `polar_whs_…` or (in the newer display) as
//!   `whsec_` followed by 43 characters. Polar uses the whole string,
//!   prefix included, as the HMAC key: the key is its UTF-8 bytes.
//! * **Standard** secrets, created since 2026-09-08: `whsec_` followed by the
//!   base64 of 32 random bytes. The HMAC key is those decoded bytes, as the
//!   Standard Webhooks specification intends.
//!
//! The text does not tell them apart: a standard secret is also `whsec_`
//! and 43–44 characters of base64. So [`WebhookSecret::new`] (and
//! `str::parse`) keeps **both** keys whenever the secret reads both ways, and
//! verification **accepts a signature made under either** derivation: the
//! string's bytes, or — when the secret is `whsec_` followed by valid base64
//! — the decoded bytes. If you know which kind you hold, pin it with
//! [`WebhookSecret::legacy`] or [`WebhookSecret::standard`]; a pinned secret
//! accepts signatures made under its own derivation only.
//!
//! Every constructor refuses a secret that is only a prefix (`whsec_`,
//! `polar_whs_`: what `"whsec_${UNSET}"` leaves) or has fewer than 16
//! bytes of key after its prefix ([`SecretError::BarePrefix`],
//! [`SecretError::TooShort`]): anyone could sign with such a key.
//!
//! Secrets never appear in `Debug` output or in errors.
//!
//! # Example
//!
//! Verify and decode a delivery; here the delivery is signed on the spot
//! with [`Webhook::sign`], which is also how you can test your own handler.
//!
//! ```
//! use polar_api::v2026_10::WebhookPayload;
//! use polar_api::webhooks::{
//!     VersionedWebhookPayload, Webhook, WebhookError, WebhookOutcome, WebhookSecret,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // In a real receiver: std::env::var("POLAR_WEBHOOK_SECRET")?
//! let secret = "whsec_DaXAQnhTKQ1ydtANSe+PCxpLKpvTaP4VlXG6a1faHnM=";
//! let webhook = Webhook::new(WebhookSecret::new(secret)?);
//!
//! // What arrives: three headers and the raw body.
//! let body = br#"{"type":"widget.created","timestamp":"2026-10-01T12:00:00Z","data":{}}"#;
//! let now = std::time::SystemTime::now()
//!     .duration_since(std::time::UNIX_EPOCH)?
//!     .as_secs() as i64;
//! let signature = webhook.sign("msg_2z8Yd1", now, body);
//! let timestamp = now.to_string();
//! let headers = [
//!     ("webhook-id", "msg_2z8Yd1"),
//!     ("webhook-timestamp", timestamp.as_str()),
//!     ("webhook-signature", signature.as_str()),
//! ];
//!
//! // One API version: verification can fail, decoding is kept apart.
//! let hook = webhook.verify_event::<WebhookPayload, _>(&headers, body)?; // 403/400 on `Err`
//! assert_eq!(hook.delivery.id, "msg_2z8Yd1"); // the key to process a delivery once
//! match hook.event {
//!     Ok(WebhookPayload::OrderPaid(event)) => println!("order {} paid", event.data.id),
//!     // A type newer than this crate is `Unknown`, and still has its name.
//!     Ok(other) => assert_eq!(other.event_type(), "widget.created"),
//!     // Verified but not typed (schema drift, another version): acknowledge.
//!     Err(error) => println!("kept {} bytes: {error}", hook.delivery.body.len()),
//! }
//!
//! // Endpoints of several API versions: decode each delivery as the version
//! // it declares; what this build cannot type still arrives, as raw JSON.
//! let outcome = webhook.verify_and_route(&headers, body)?;
//! println!("delivery {} ({:?})", outcome.delivery().id, outcome.event_type());
//! match outcome {
//!     WebhookOutcome::Event { event: VersionedWebhookPayload::V2026_10(event), .. } => {
//!         println!("{}", event.event_type())
//!     }
//!     WebhookOutcome::Event { event, .. } => println!("sent as {}", event.api_version()),
//!     other => println!("verified, not typed: {:?}", other.delivery()),
//! }
//!
//! // Altered in transit: refused before any parsing.
//! let tampered = br#"{"type":"widget.created","timestamp":"2026-10-01T12:00:00Z","data":{"x":1}}"#;
//! assert!(matches!(
//!     webhook.verify_and_decode::<WebhookPayload, _>(&headers, tampered),
//!     Err(WebhookError::NoMatchingSignature)
//! ));
//! # Ok(())
//! # }
//! ```
//!
//! Headers can be an `http::HeaderMap` (axum, hyper, reqwest, …), `(name,
//! value)` pairs, or a map: see [`WebhookHeaders`].
//!
//! # axum
//!
//! With the `axum` feature, [`VerifiedEvent`] and `VerifiedWebhook` are
//! extractors (module `axum`, which also shows how to keep the [`Webhook`]
//! in your own router state): they answer 400, 403 or 413 by themselves to
//! deliveries that do not verify, and every verified one reaches the
//! handler. The crate's `webhook_receiver` example is a complete receiver.
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

mod route;
mod verify;

// The parts every version shares are in the runtime crate (compiled in
// parallel with the models); the verifier and the router are here, with
// the generated payload types.
use polar_api_runtime::webhooks::{decode, signature};

#[cfg(all(test, feature = "v2026-10"))]
mod decode_tests;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "axum")]
pub use self::axum::{VerifiedWebhook, WebhookRejection};
pub use polar_api_runtime::webhooks::{
    KeyDerivation, SecretError, WebhookError, WebhookHeaders, WebhookSecret, WEBHOOK_API_VERSION,
    WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};
pub use route::{VerifiedDelivery, VerifiedEvent, VersionedPayload, WebhookOutcome};
pub use verify::{Webhook, DEFAULT_MAX_BODY_SIZE, DEFAULT_TOLERANCE};

/// A delivery decoded into the payload type of the API version it was sent
/// as: one variant per compiled-in version (generated).
pub use crate::VersionedWebhookPayload;

/// The environment variable the examples read the webhook secret from.
pub const WEBHOOK_SECRET_ENV: &str = "POLAR_WEBHOOK_SECRET";
