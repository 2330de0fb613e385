//! Decoding a verified body into the typed event enum.

use std::fmt;

use polar_models::WebhookPayload;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::WebhookError;

/// Decode a webhook body: a JSON object with a string `type`, into the
/// variant its `type` names, or into `WebhookPayload::Unknown` when the type
/// is not one this version knows.
///
/// The `type` is checked first because the generated decoder, given an
/// object without one, would pick a variant by shape.
pub(crate) fn decode(body: &[u8]) -> Result<WebhookPayload, WebhookError> {
    let Envelope(event_type) =
        serde_json::from_slice(body).map_err(|source| WebhookError::Payload {
            event_type: None,
            source,
        })?;
    serde_json::from_slice(body).map_err(|source| WebhookError::Payload {
        event_type: Some(event_type),
        source,
    })
}

/// The `type` of a webhook payload; every other member is skipped.
struct Envelope(String);

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
        while let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                if event_type.is_some() {
                    return Err(de::Error::duplicate_field("type"));
                }
                event_type = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        event_type
            .map(Envelope)
            .ok_or_else(|| de::Error::missing_field("type"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload_error(body: &str) -> (Option<String>, String) {
        match decode(body.as_bytes()) {
            Err(WebhookError::Payload { event_type, source }) => (event_type, source.to_string()),
            other => panic!("{body}: expected a payload error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_event_types_decode_into_unknown() {
        let body = r#"{"type":"widget.created","timestamp":"2026-01-01T00:00:00Z","data":{"x":1}}"#;
        match decode(body.as_bytes()).unwrap() {
            WebhookPayload::Unknown(raw) => assert_eq!(raw["data"]["x"], 1),
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
