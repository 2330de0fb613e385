//! Why a webhook delivery was refused.

use std::fmt;
use std::time::Duration;

/// Why a webhook delivery did not verify or decode.
///
/// Neither `Display` nor `Debug` ever contains the secret.
/// [`WebhookError::status_code`] suggests the HTTP status to answer with.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent.
    MissingHeader {
        /// The header's name: [`WEBHOOK_ID`](super::WEBHOOK_ID),
        /// [`WEBHOOK_TIMESTAMP`](super::WEBHOOK_TIMESTAMP) or
        /// [`WEBHOOK_SIGNATURE`](super::WEBHOOK_SIGNATURE).
        header: &'static str,
    },
    /// A header is present but cannot be read.
    MalformedHeader {
        /// The header's name.
        header: &'static str,
        /// What is wrong with its value.
        reason: &'static str,
    },
    /// The timestamp is further from now than the tolerance allows: a replay
    /// of an old delivery, or a clock far off.
    TimestampOutOfTolerance {
        /// Now minus the delivery's timestamp, in seconds: positive when the
        /// delivery is older than now, negative when it is from the future.
        skew_secs: i64,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// No `v1` signature of the header matches the content under the secret
    /// (under any key derivation it allows): the wrong secret, or a forged or
    /// altered delivery.
    NoMatchingSignature,
    /// The signature is valid but the body is not a webhook payload: not
    /// JSON, not an object with a string `type`, or a known event type whose
    /// content does not match its schema. Unknown event types are not an
    /// error; they decode into `WebhookPayload::Unknown`.
    Payload {
        /// The payload's `type`, when it could be read.
        event_type: Option<String>,
        /// What the JSON decoder reported.
        source: serde_json::Error,
    },
    /// The signature is valid but the delivery was sent as another API
    /// version than the payload type asked for (`Webhook::verify_and_decode`);
    /// `Webhook::verify_and_route` decodes every compiled-in version.
    OtherApiVersion {
        /// The version the delivery declares.
        sent_as: String,
        /// The version of the payload type.
        expected: &'static str,
    },
}

impl WebhookError {
    /// Whether the delivery failed authentication (signature or timestamp),
    /// as opposed to being malformed.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(
            self,
            WebhookError::NoMatchingSignature | WebhookError::TimestampOutOfTolerance { .. }
        )
    }

    /// The HTTP status to answer the delivery with: 403 Forbidden when it
    /// failed authentication (see [`is_unauthenticated`](Self::is_unauthenticated)),
    /// 400 Bad Request otherwise. Polar retries any non-2xx answer.
    pub fn status_code(&self) -> u16 {
        if self.is_unauthenticated() {
            403
        } else {
            400
        }
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader { header } => {
                write!(f, "webhook: the `{header}` header is missing")
            }
            WebhookError::MalformedHeader { header, reason } => {
                write!(f, "webhook: the `{header}` header is malformed: {reason}")
            }
            WebhookError::TimestampOutOfTolerance {
                skew_secs,
                tolerance,
            } => {
                let direction = if *skew_secs >= 0 {
                    "in the past"
                } else {
                    "in the future"
                };
                write!(
                    f,
                    "webhook: the timestamp is {}s {direction}, beyond the tolerance of {}s",
                    skew_secs.unsigned_abs(),
                    tolerance.as_secs()
                )
            }
            WebhookError::NoMatchingSignature => {
                f.write_str("webhook: no signature matches the secret")
            }
            WebhookError::Payload {
                event_type: Some(event_type),
                source,
            } => write!(
                f,
                "webhook: the `{event_type}` payload does not decode: {source}"
            ),
            WebhookError::Payload {
                event_type: None,
                source,
            } => write!(f, "webhook: the body is not a webhook payload: {source}"),
            WebhookError::OtherApiVersion { sent_as, expected } => write!(
                f,
                "webhook: the delivery was sent as API version {sent_as}, not {expected}"
            ),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::Payload { source, .. } => Some(source),
            _ => None,
        }
    }
}
