//! The webhook body decoder (`polar_api_runtime::webhooks::decode`) with
//! a version's generated payload type.

use super::decode::decode;
use super::WebhookError;

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
