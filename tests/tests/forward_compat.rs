//! Values the server adds after this SDK was generated decode into explicit
//! `Unknown` variants carrying the raw value; unknown fields are ignored.

use codegen::instance::InstanceBuilder;
use polar_models::v2026_10::{Benefit, SubscriptionStatus, WebhookPayload};
use polar_tests::pinned_spec;
use serde_json::{json, Value};

fn instance(schema: &str) -> Value {
    InstanceBuilder::new(&pinned_spec())
        .component(schema)
        .expect("schema exists")
}

#[test]
fn unknown_enum_value_is_kept() {
    let status: SubscriptionStatus = serde_json::from_value(json!("paused_for_ever")).unwrap();
    assert_eq!(
        status,
        SubscriptionStatus::Unknown("paused_for_ever".to_owned())
    );
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        json!("paused_for_ever")
    );
    let known: SubscriptionStatus = serde_json::from_value(json!("active")).unwrap();
    assert_eq!(known, SubscriptionStatus::Active);
}

#[test]
fn unknown_fields_are_ignored() {
    let mut benefit = instance("BenefitCustom");
    benefit["field_added_next_year"] = json!({"nested": [1, 2, 3]});
    let decoded: polar_models::v2026_10::BenefitCustom = serde_json::from_value(benefit).unwrap();
    assert_eq!(decoded.r#type.as_str(), "custom");
}

#[test]
fn unknown_union_tag_is_kept_raw() {
    let mut benefit = instance("BenefitCustom");
    benefit["type"] = json!("telepathy");
    let decoded: Benefit = serde_json::from_value(benefit.clone()).unwrap();
    assert_eq!(decoded, Benefit::Unknown(benefit.clone()));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), benefit);
}

#[test]
fn unknown_webhook_type_is_kept_raw() {
    let event = json!({
        "type": "invoice.finalized",
        "timestamp": "2026-11-01T10:00:00Z",
        "data": {"id": "inv_1", "total": 1200}
    });
    let decoded: WebhookPayload = serde_json::from_value(event.clone()).unwrap();
    assert_eq!(decoded, WebhookPayload::Unknown(event));
}

#[test]
fn known_union_tag_still_selects_its_variant() {
    let decoded: Benefit = serde_json::from_value(instance("BenefitDiscord")).unwrap();
    assert!(matches!(decoded, Benefit::Discord(_)), "got {decoded:?}");
}
