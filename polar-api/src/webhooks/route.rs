//! Routing a verified delivery to the payload type of the API version it
//! was sent as.
//!
//! Webhooks are versioned apart from requests: each webhook endpoint has
//! its own `api_version` (Polar's Current one when it was created), every
//! delivery says which version it was sent as (the `webhook-api-version`
//! header, and the payload's `api_version`), and a redelivery keeps the
//! version of the original. Upgrading this crate moves no endpoint, so one
//! receiver may get deliveries of several versions.

use std::fmt;

use serde::de::DeserializeOwned;

use super::decode::{self, Envelope};
use super::WebhookError;

/// The payload enum of one API version (`v2026_10::WebhookPayload`):
/// implemented by the generated version modules.
pub trait VersionedPayload: DeserializeOwned + fmt::Debug + Send + 'static {
    /// The version whose payloads this type decodes, e.g. `2026-10`.
    const API_VERSION: &'static str;
}

/// A delivery whose signature and timestamp verified, as raw JSON: what
/// Polar sent, before any typing. Nothing in it is lost, so a handler can
/// store it, acknowledge it, or decode it later.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedDelivery {
    /// The `webhook-id` header: the same on every retry of this delivery.
    pub id: String,
    /// The `webhook-timestamp` header, unix seconds.
    pub timestamp: i64,
    /// The version the delivery says it was sent as: the
    /// `webhook-api-version` header, else the payload's `api_version`;
    /// `None` when it says neither (deliveries from before Polar versioned
    /// webhooks).
    pub declared_version: Option<String>,
    /// The payload's `type`, when the body is a JSON object that has one.
    pub event_type: Option<String>,
    /// The body exactly as received (verified).
    pub body: Vec<u8>,
}

impl VerifiedDelivery {
    /// The body as a JSON value; like every decoder of this crate, it
    /// refuses an object that has a key twice.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        crate::__private::decode_value(&self.body)
    }

    /// Decode the body into `P`, whatever version it declares.
    pub fn decode<P: DeserializeOwned>(&self) -> Result<P, WebhookError> {
        decode::decode(&self.body)
    }
}

impl fmt::Debug for VerifiedDelivery {
    // The body is customer data: its size is shown, not its content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedDelivery")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("declared_version", &self.declared_version)
            .field("event_type", &self.event_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What became of a verified delivery in
/// [`Webhook::verify_and_route`](super::Webhook::verify_and_route). Every outcome is a delivery
/// Polar really sent, and carries it ([`delivery`](Self::delivery): its
/// `webhook-id`, timestamp, version and raw body): acknowledge it with a
/// 2xx unless you want Polar to send it again.
#[derive(Debug)]
#[non_exhaustive]
// Not boxed, so that handlers match through it in one pattern; an outcome
// lives for one delivery.
#[allow(clippy::large_enum_variant)]
pub enum WebhookOutcome {
    /// Decoded into the payload type of the version it was sent as.
    Event {
        /// The event.
        event: crate::VersionedWebhookPayload,
        /// The delivery it was decoded from.
        delivery: VerifiedDelivery,
    },
    /// Sent as an API version this build does not include (its feature is
    /// off, or the version is newer or older than this crate): the
    /// verified JSON, untouched.
    VersionNotCompiled {
        /// The version it was decoded as: declared, or the default.
        version: String,
        /// The delivery.
        delivery: VerifiedDelivery,
    },
    /// Sent as a version this build includes, but the body does not decode
    /// into that version's payload (not an object with a `type`, or a known
    /// event whose content does not match its schema).
    Undecodable {
        /// The version it was decoded as.
        version: String,
        /// The delivery.
        delivery: VerifiedDelivery,
        /// Why it did not decode.
        error: WebhookError,
    },
}

impl WebhookOutcome {
    /// The verified delivery, whatever became of it: its `id` (the
    /// `webhook-id`, the same on every retry: the key to process a delivery
    /// once), timestamp, declared version and raw body.
    pub fn delivery(&self) -> &VerifiedDelivery {
        match self {
            WebhookOutcome::Event { delivery, .. }
            | WebhookOutcome::VersionNotCompiled { delivery, .. }
            | WebhookOutcome::Undecodable { delivery, .. } => delivery,
        }
    }

    /// The verified delivery, taken out of the outcome.
    pub fn into_delivery(self) -> VerifiedDelivery {
        match self {
            WebhookOutcome::Event { delivery, .. }
            | WebhookOutcome::VersionNotCompiled { delivery, .. }
            | WebhookOutcome::Undecodable { delivery, .. } => delivery,
        }
    }

    /// The payload's `type` (`"order.paid"`), when the body is a JSON
    /// object that has one: also for an outcome this build could not type.
    pub fn event_type(&self) -> Option<&str> {
        self.delivery().event_type.as_deref()
    }

    /// The decoded event, if there is one.
    pub fn event(self) -> Option<crate::VersionedWebhookPayload> {
        match self {
            WebhookOutcome::Event { event, .. } => Some(event),
            _ => None,
        }
    }
}

/// A verified delivery and its event decoded as `P`, the payload enum of
/// one API version (`v2026_10::WebhookPayload`): what
/// [`Webhook::verify_event`](super::Webhook::verify_event) returns, and,
/// with the `axum` feature, an extractor.
///
/// Only verification can fail before it exists: a delivery that verified
/// but that `P` cannot type is here too, with `event` an `Err`, so a
/// receiver acknowledges it (2xx) instead of answering an error that Polar
/// would retry. Such a delivery declares another API version
/// ([`WebhookError::OtherApiVersion`]) or does not match `P`'s schema
/// ([`WebhookError::Payload`]); an event type newer than `P` is not an
/// error, it decodes into `P`'s `Unknown` variant.
#[derive(Debug)]
#[non_exhaustive]
pub struct VerifiedEvent<P> {
    /// The event, or why this build could not type the delivery.
    pub event: Result<P, WebhookError>,
    /// The delivery: its `id` (the `webhook-id`, the same on every retry:
    /// the key to process a delivery once), timestamp, declared version
    /// and raw body.
    pub delivery: VerifiedDelivery,
}

impl<P: VersionedPayload> VerifiedEvent<P> {
    /// Decode a verified delivery as `P`.
    pub(crate) fn decode(
        delivery: VerifiedDelivery,
        envelope: Result<Envelope, WebhookError>,
    ) -> Self {
        let event = envelope.and_then(|envelope| match &delivery.declared_version {
            Some(sent_as) if sent_as != P::API_VERSION => Err(WebhookError::OtherApiVersion {
                sent_as: sent_as.clone(),
                expected: P::API_VERSION,
            }),
            _ => decode::decode_known(&delivery.body, envelope.event_type),
        });
        VerifiedEvent { event, delivery }
    }
}

/// The delivery of a verified body, with what its envelope says.
pub(crate) fn delivery(
    id: &str,
    timestamp: i64,
    header_version: Option<String>,
    body: &[u8],
) -> (VerifiedDelivery, Result<Envelope, WebhookError>) {
    let envelope = decode::envelope(body);
    let (event_type, payload_version) = match &envelope {
        Ok(envelope) => (
            Some(envelope.event_type.clone()),
            envelope.api_version.clone(),
        ),
        Err(_) => (None, None),
    };
    let delivery = VerifiedDelivery {
        id: id.to_owned(),
        timestamp,
        declared_version: header_version.or(payload_version),
        event_type,
        body: body.to_vec(),
    };
    (delivery, envelope)
}

/// Route a verified delivery: decode it as its declared version (else
/// `default_version`) when that version is compiled in.
// Inline, so the payload decoders are compiled in the program that routes
// deliveries rather than in polar-api itself (most of the model graph;
// BENCHMARKS.md, "Compiled where used").
#[inline]
pub(crate) fn route(
    delivery: VerifiedDelivery,
    envelope: Result<Envelope, WebhookError>,
    default_version: &str,
) -> WebhookOutcome {
    let version = delivery
        .declared_version
        .clone()
        .unwrap_or_else(|| default_version.to_owned());
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(error) => {
            return if crate::VersionedWebhookPayload::is_compiled(&version) {
                WebhookOutcome::Undecodable {
                    version,
                    delivery,
                    error,
                }
            } else {
                WebhookOutcome::VersionNotCompiled { version, delivery }
            }
        }
    };
    match crate::VersionedWebhookPayload::__decode(&version, &delivery.body) {
        None => WebhookOutcome::VersionNotCompiled { version, delivery },
        Some(Ok(event)) => WebhookOutcome::Event { event, delivery },
        Some(Err(source)) => WebhookOutcome::Undecodable {
            version,
            delivery,
            error: WebhookError::Payload {
                event_type: Some(envelope.event_type),
                source,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::VerifiedDelivery;

    fn delivery(body: &str) -> VerifiedDelivery {
        VerifiedDelivery {
            id: "msg_1".to_owned(),
            timestamp: 0,
            declared_version: None,
            event_type: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn json_reads_the_body_and_refuses_a_key_twice() {
        let json = delivery(r#"{"type":"order.paid","data":{"amount":1.5e3}}"#)
            .json()
            .unwrap();
        assert_eq!(json["data"]["amount"], 1500.0);
        let error = delivery(r#"{"type":"order.paid","data":{"id":"a","id":"b"}}"#)
            .json()
            .unwrap_err();
        assert!(error.to_string().contains("duplicate key `id`"), "{error}");
    }
}
