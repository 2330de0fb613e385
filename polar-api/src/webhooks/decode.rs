//! Decoding a verified body into the typed event enum.

use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor,
};

use super::WebhookError;
use crate::__private::decode_json;

/// Decode a webhook body: a JSON object with a string `type`, into the
/// variant its `type` names, or into the payload's `Unknown` variant when
/// the type is not one its version knows.
///
/// The `type` is checked first because the generated decoder, given an
/// object without one, would pick a variant by shape.
pub(crate) fn decode<P: DeserializeOwned>(body: &[u8]) -> Result<P, WebhookError> {
    let envelope = envelope(body)?;
    decode_known(body, envelope.event_type)
}

/// Decode a body whose envelope was already read.
pub(crate) fn decode_known<P: DeserializeOwned>(
    body: &[u8],
    event_type: String,
) -> Result<P, WebhookError> {
    decode_json(body).map_err(|source| WebhookError::Payload {
        event_type: Some(event_type),
        source,
    })
}

/// The envelope of a body, or why it is not a webhook payload.
pub(crate) fn envelope(body: &[u8]) -> Result<Envelope, WebhookError> {
    serde_json::from_slice(body).map_err(|source| WebhookError::Payload {
        event_type: None,
        source,
    })
}

/// The `type` of a webhook payload and the `api_version` it says it was
/// sent as (payloads of Polar's versioned webhooks carry one); every other
/// member is skipped.
pub(crate) struct Envelope {
    pub(crate) event_type: String,
    pub(crate) api_version: Option<String>,
}

impl<'de> Deserialize<'de> for Envelope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook payload: a JSON object with a string `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
        let mut event_type: Option<String> = None;
        let mut api_version: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    if event_type.is_some() {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    event_type = Some(map.next_value()?);
                }
                // Read leniently: a payload with a strange `api_version` is
                // still routed by the header or the default.
                "api_version" => {
                    api_version = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(version) => Some(version),
                        _ => None,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event_type = event_type.ok_or_else(|| de::Error::missing_field("type"))?;
        Ok(Envelope {
            event_type,
            api_version,
        })
    }
}

#[cfg(all(test, feature = "v2026-10"))]
mod tests {
    use super::*;

    fn payload_error(body: &str) -> (Option<String>, String) {
        match decode::<crate::v2026_10::WebhookPayload>(body.as_bytes()) {
            Err(WebhookError::Payload { event_type, source }) => (event_type, source.to_string()),
            other => panic!("{body}: expected a payload error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_event_types_decode_into_unknown() {
        let body = r#"{"type":"widget.created","timestamp":"2026-01-01T00:00:00Z","data":{"x":1}}"#;
        match decode::<crate::v2026_10::WebhookPayload>(body.as_bytes()).unwrap() {
            crate::v2026_10::WebhookPayload::Unknown(raw) => assert_eq!(raw["data"]["x"], 1),
            other => panic!("expected Unknown, got {other:?}"),
        }
    }

    #[test]
    fn bodies_that_are_not_events_are_errors() {
        assert_eq!(payload_error("not json").0, None);
        assert_eq!(payload_error("[\"order.paid\"]").0, None);
        assert_eq!(payload_error("\"order.paid\"").0, None);
        assert!(
            payload_error(r#"{"timestamp":"2026-01-01T00:00:00Z","data":{}}"#)
                .1
                .contains("missing field `type`")
        );
        assert!(payload_error(r#"{"type":7}"#).1.contains("invalid type"));
        assert!(payload_error(r#"{"type":"a","type":"b"}"#)
            .1
            .contains("duplicate field"));
        assert_eq!(payload_error(r#"{"type":"a"} x"#).0, None);
    }

    #[test]
    fn known_event_types_must_match_their_schema() {
        let (event_type, message) =
            payload_error(r#"{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{}}"#);
        assert_eq!(event_type.as_deref(), Some("order.paid"));
        assert!(message.contains("missing field"), "{message}");
    }
}
