//! Union decoding through the runtime decoder (`__private::Union`): under any
//! serde deserializer, not only directly under serde_json, and with the real
//! error when the payload is recognisably one variant that fails to decode.

use std::collections::BTreeMap;

use polar_models::v2026_10::{
    CheckoutForbiddenError, Event, EventMetadataOutput, StringOrIntegerOrNumberOrBoolean, UserEvent,
};
use serde::Deserialize;
use serde_json::{json, Value};

fn user_event(metadata: Value) -> Value {
    json!({
        "id": "5a0e8a3c-7b1f-4c2d-9e6f-1a2b3c4d5e6f",
        "timestamp": "2026-04-16T10:00:00Z",
        "organization_id": "0b6c9c7e-2f4a-4e8b-8d1c-6a5b4c3d2e1f",
        "customer_id": null,
        "customer": null,
        "external_customer_id": "user_42",
        "label": "LLM call",
        "name": "llm.call",
        "source": "user",
        "metadata": metadata,
    })
}

fn expected_metadata() -> BTreeMap<String, StringOrIntegerOrNumberOrBoolean> {
    BTreeMap::from([
        (
            "tokens".to_owned(),
            StringOrIntegerOrNumberOrBoolean::Integer(42),
        ),
        (
            "model".to_owned(),
            StringOrIntegerOrNumberOrBoolean::String("gpt-4o".to_owned()),
        ),
    ])
}

/// `EventMetadataOutput` keeps its free-form properties in a
/// `#[serde(flatten)]` map of unions: serde buffers them before the union
/// decoder sees them, so the decoder must not require serde_json's own
/// deserializer.
#[test]
fn union_values_under_a_flattened_map_decode() {
    let text = user_event(json!({"tokens": 42, "model": "gpt-4o"})).to_string();

    let event: UserEvent = serde_json::from_str(&text).unwrap();
    assert_eq!(event.metadata.additional_properties, expected_metadata());

    // The same through serde_json::Value, and one level up, through the
    // `Event` union that selects `UserEvent` by its `source`.
    let event: UserEvent = serde_json::from_value(serde_json::from_str(&text).unwrap()).unwrap();
    assert_eq!(event.metadata.additional_properties, expected_metadata());
    match serde_json::from_str::<Event>(&text).unwrap() {
        Event::User(user) => assert_eq!(user.metadata.additional_properties, expected_metadata()),
        other => panic!("expected a user event, got {other:?}"),
    }

    // Encoding gives the same metadata back.
    let metadata: EventMetadataOutput =
        serde_json::from_value(json!({"tokens": 42, "model": "gpt-4o", "ratio": 0.5, "ok": true}))
            .unwrap();
    assert_eq!(
        serde_json::to_value(&metadata).unwrap(),
        json!({"model": "gpt-4o", "ok": true, "ratio": 0.5, "tokens": 42})
    );
}

/// Other places serde buffers a value before handing it on: untagged and
/// internally tagged enums of the caller's own.
#[test]
fn union_values_decode_under_buffering_serde_attributes() {
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    enum Untagged {
        Metadata(EventMetadataOutput),
    }
    #[derive(Debug, Deserialize)]
    #[serde(tag = "kind")]
    enum Tagged {
        Value {
            value: StringOrIntegerOrNumberOrBoolean,
        },
    }

    let Untagged::Metadata(metadata) =
        serde_json::from_str(r#"{"tokens": 42, "model": "gpt-4o"}"#).unwrap();
    assert_eq!(metadata.additional_properties, expected_metadata());

    let Tagged::Value { value } =
        serde_json::from_str(r#"{"kind": "Value", "value": 1.5}"#).unwrap();
    assert_eq!(value, StringOrIntegerOrNumberOrBoolean::Number(1.5));
    let Tagged::Value { value } =
        serde_json::from_str(r#"{"kind": "Value", "value": {"nested": [1, "a"]}}"#).unwrap();
    assert_eq!(
        value,
        StringOrIntegerOrNumberOrBoolean::Unknown(json!({"nested": [1, "a"]}))
    );
}

/// A payload that is recognisably one variant (every required property
/// present, its constant matched) but does not decode as it is an error that
/// says what is wrong, not an `Unknown` that hides it.
#[test]
fn a_recognised_variant_that_fails_reports_its_error() {
    let payload = json!({"error": "NotOpenCheckout", "detail": 42});
    let err = serde_json::from_value::<CheckoutForbiddenError>(payload.clone()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("CheckoutForbiddenError"), "{message}");
    assert!(message.contains("detail"), "{message}");
    assert!(message.contains("expected a string"), "{message}");
    // The same from text.
    let err = serde_json::from_str::<CheckoutForbiddenError>(&payload.to_string()).unwrap_err();
    assert!(err.to_string().contains("detail"), "{err}");
}

/// The rest of the policy is unchanged: a payload no variant is recognised
/// in stays `Unknown`.
#[test]
fn unrecognised_payloads_stay_unknown() {
    for payload in [
        // A constant no variant has: a new error kind.
        json!({"error": "CheckoutExpired", "detail": "too late"}),
        // No constant, and not every required property.
        json!({"detail": 42}),
        json!({"something": "else"}),
        json!([1, 2]),
    ] {
        let decoded: CheckoutForbiddenError = serde_json::from_value(payload.clone()).unwrap();
        assert_eq!(decoded, CheckoutForbiddenError::Unknown(payload));
    }
    let decoded: CheckoutForbiddenError =
        serde_json::from_value(json!({"error": "NotOpenCheckout", "detail": "closed"})).unwrap();
    assert!(
        matches!(decoded, CheckoutForbiddenError::NotOpen(_)),
        "{decoded:?}"
    );
}
