//! One policy for a key written twice in one JSON object: a decode error
//! naming the key, wherever the object sits. Typed structs always refused
//! it; a union's `Unknown` (a free-form `serde_json::Value`) used to keep
//! the last value silently, so a payload with a duplicate key that no typed
//! member accepted decoded, and re-encoded to a different payload (found by
//! fuzzing, issue 31).

use polar_models::v2026_10::{Checkout, WebhookPayload};

#[test]
fn a_duplicate_key_in_an_unknown_event_is_an_error_naming_it() {
    for (json, key) in [
        (r#"{"type": "future.event", "data": {"x": 1, "x": 2}}"#, "x"),
        (r#"{"type": "future.event", "type": "other.event"}"#, "type"),
        (
            r#"{"type": "future.event", "data": [{"deep": {"k": 1, "k": 1}}]}"#,
            "k",
        ),
    ] {
        let error = serde_json::from_str::<WebhookPayload>(json)
            .expect_err(json)
            .to_string();
        assert!(
            error.contains(&format!("duplicate key `{key}`")),
            "{json}: {error}"
        );
    }
}

#[test]
fn the_same_payload_without_the_duplicate_is_kept_whole_as_unknown() {
    let json = r#"{"type": "future.event", "data": {"x": 1, "y": 2}}"#;
    let payload: WebhookPayload = serde_json::from_str(json).unwrap();
    assert_eq!(
        serde_json::to_value(&payload).unwrap(),
        serde_json::from_str::<serde_json::Value>(json).unwrap()
    );
}

#[test]
fn a_duplicate_key_in_a_typed_object_is_an_error_naming_it() {
    // A key twice at the top of a typed struct: refused by the struct.
    let error = serde_json::from_str::<Checkout>(r#"{"id": "5a0e8a3c-7b1f-4c2d-9e6f-1a2b3c4d5e6f", "id": "5a0e8a3c-7b1f-4c2d-9e6f-1a2b3c4d5e6f"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("duplicate field `id`"), "{error}");
}
