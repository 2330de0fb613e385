//! Real payloads drift from the spec. Each test rebuilds one drift seen in
//! recorded deliveries and checks the documented policy (README, "Decoding
//! policy") keeps the payload decodable.

use codegen::instance::InstanceBuilder;
use polar_models::v2026_10::{
    Benefit, Customer, CustomerState, Subscription, SubscriptionStatus, WebhookPayload,
};
use polar_tests::pinned_spec;
use serde_json::{json, Value};

fn instance(schema: &str) -> Value {
    InstanceBuilder::new(&pinned_spec())
        .component(schema)
        .expect("schema exists")
}

fn remove(value: &mut Value, key: &str) {
    value
        .as_object_mut()
        .expect("an object")
        .remove(key)
        .expect("the key was there");
}

/// Sandbox deliveries of March 2026 lack `is_deleted`, which the April 2026
/// spec requires: a missing required boolean reads as `false`.
#[test]
fn benefit_without_required_boolean_decodes_as_false() {
    let mut benefit = instance("BenefitLicenseKeys");
    benefit["is_deleted"] = json!(true);
    remove(&mut benefit, "is_deleted");
    let decoded: Benefit = serde_json::from_value(benefit).unwrap();
    let Benefit::LicenseKeys(benefit) = decoded else {
        panic!("wrong variant: {decoded:?}")
    };
    assert!(!benefit.is_deleted);
}

/// Deliveries from late 2025 lack the `type` that splits customers into
/// individual and team: the payload's shape picks the variant, and the tag
/// reads as the variant's constant.
#[test]
fn customer_without_type_decodes_by_shape() {
    let mut customer = instance("CustomerIndividual");
    remove(&mut customer, "type");
    let decoded: Customer = serde_json::from_value(customer).unwrap();
    let Customer::Individual(individual) = decoded else {
        panic!("wrong variant: {decoded:?}")
    };
    assert_eq!(individual.r#type.as_str(), "individual");

    let mut team = instance("CustomerTeam");
    remove(&mut team, "type");
    team.as_object_mut().unwrap().remove("email");
    let decoded: Customer = serde_json::from_value(team).unwrap();
    assert!(
        matches!(decoded, Customer::Team(_)),
        "a customer without email is a team: {decoded:?}"
    );
}

#[test]
fn customer_state_without_type_decodes_by_shape() {
    let mut state = instance("CustomerStateIndividual");
    remove(&mut state, "type");
    let decoded: CustomerState = serde_json::from_value(state).unwrap();
    assert!(
        matches!(decoded, CustomerState::Individual(_)),
        "got {decoded:?}"
    );
}

/// Statuses the server adds before a spec lists them (2026-07 added
/// `paused`), and currencies outside an enum, land in `Unknown`, and the
/// subscription around them still decodes.
#[test]
fn subscription_with_unlisted_status_and_currency_decodes() {
    let mut subscription = instance("Subscription");
    subscription["status"] = json!("hibernating");
    subscription["currency"] = json!("sek");
    let decoded: Subscription = serde_json::from_value(subscription).unwrap();
    assert_eq!(
        decoded.status,
        SubscriptionStatus::Unknown("hibernating".to_owned())
    );
    assert_eq!(decoded.currency, "sek");
}

/// A property the spec fixes to one value (`const`) keeps what the server
/// actually sent.
#[test]
fn const_property_keeps_an_unexpected_value() {
    let mut error = instance("AlreadyActiveSubscriptionError");
    error["error"] = json!("SomethingElse");
    let decoded: polar_models::v2026_10::AlreadyActiveSubscriptionError =
        serde_json::from_value(error).unwrap();
    assert_eq!(decoded.error.as_str(), "SomethingElse");
    assert!(!decoded.error.is_expected());
}

/// All of it at once, inside a webhook: the event still decodes.
#[test]
fn webhook_with_drifted_subscription_decodes() {
    let mut event = instance("WebhookSubscriptionUpdatedPayload");
    event["data"]["status"] = json!("hibernating");
    remove(&mut event["data"]["customer"], "type");
    let decoded: WebhookPayload = serde_json::from_value(event).unwrap();
    let WebhookPayload::SubscriptionUpdated(payload) = decoded else {
        panic!("wrong variant: {decoded:?}")
    };
    assert_eq!(
        payload.data.status,
        SubscriptionStatus::Unknown("hibernating".to_owned())
    );
    // A required enum the server left out lands in the unknown bucket, empty.
    assert_eq!(
        payload.data.customer.r#type,
        polar_models::v2026_10::CustomerType::Unknown(String::new())
    );
}

/// A missing required value with no true empty value is still an error,
/// naming the field.
#[test]
fn missing_required_string_is_an_error_naming_it() {
    let mut benefit = instance("BenefitCustom");
    remove(&mut benefit, "description");
    let err = serde_json::from_value::<polar_models::v2026_10::BenefitCustom>(benefit).unwrap_err();
    assert!(err.to_string().contains("description"), "{err}");
}
