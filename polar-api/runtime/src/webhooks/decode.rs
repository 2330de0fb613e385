//! Decoding a verified body into the typed event enum.

use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor,
};

use super::WebhookError;
use crate::__private::{decode_json, UniqueKeys};

/// Decode a webhook body: a JSON object with a string `type`, into the
/// variant its `type` names, or into the payload's `Unknown` variant when
/// the type is not one its version knows.
///
/// The `type` is checked first because the generated decoder, given an
/// object without one, would pick a variant by shape.
pub fn decode<P: DeserializeOwned>(body: &[u8]) -> Result<P, WebhookError> {
    let envelope = envelope(body)?;
    decode_known(body, envelope.event_type)
}

/// Decode a body whose envelope was already read.
pub fn decode_known<P: DeserializeOwned>(
    body: &[u8],
    event_type: String,
) -> Result<P, WebhookError> {
    decode_json(body).map_err(|source| WebhookError::Payload {
        event_type: Some(event_type),
        source,
    })
}

/// The envelope of a body, or why it is not a webhook payload.
pub fn envelope(body: &[u8]) -> Result<Envelope, WebhookError> {
    decode_json(body).map_err(|source| WebhookError::Payload {
        event_type: None,
        source,
    })
}

/// The `type` of a webhook payload and the `api_version` it says it was
/// sent as (payloads of Polar's versioned webhooks carry one); every other
/// member is skipped.
pub struct Envelope {
    pub event_type: String,
    pub api_version: Option<String>,
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
                    // `UniqueKeys`: the core's value reader, already
                    // compiled, instead of another instance of serde_json's.
                    api_version = match map.next_value_seed(UniqueKeys)? {
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
