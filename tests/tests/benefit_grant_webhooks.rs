//! Benefit grants end to end: a signed `benefit_grant.*` delivery for each
//! benefit type, of every pinned API version, verified and routed by
//! `Webhook::verify_and_route` as users decode (not strictly), arrives as
//! its own variant of `BenefitGrantWebhook` with its `properties` intact.
//!
//! The grant types share every top-level property and differ only in
//! `benefit.type` and the shape of `properties`: before the decoder looked
//! below the top level, six of the eight arrived as another type with
//! their properties dropped.

use codegen::instance::InstanceBuilder;
use codegen::ir::TypeKind;
use codegen::spec::Schema;
use polar_api::webhooks::{Webhook, WebhookOutcome, WebhookSecret};
use polar_tests::{first_difference, pins, spec, spec_text};
use serde_json::Value;

const SECRET: &str = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";
const NOW: i64 = 1_795_000_000;

#[test]
fn every_benefit_type_arrives_as_its_own_grant_variant_in_every_version() {
    let webhook = Webhook::new(WebhookSecret::new(SECRET).unwrap());
    let mut failures = Vec::new();
    let mut deliveries = 0;
    for pin in pins() {
        let version = pin.version;
        let spec = spec(&version);
        let document: Value = serde_json::from_str(&spec_text(&version)).unwrap();
        let models = codegen::ir::lower(&spec).unwrap();
        let grant = models
            .component("BenefitGrantWebhook")
            .expect("the spec has BenefitGrantWebhook");
        let TypeKind::Union(union) = &models.get(grant).kind else {
            panic!("BenefitGrantWebhook is a union");
        };
        assert_eq!(union.variants.len(), 8, "{version}: eight benefit types");
        let builder = InstanceBuilder::new(&spec);
        let events: Vec<_> = spec
            .webhooks
            .iter()
            .filter(|(event, _)| event.starts_with("benefit_grant."))
            .collect();
        assert!(events.len() >= 3, "{version}: the benefit_grant events");
        for (event, item) in events {
            let mut payload = builder.schema(item.webhook_body().unwrap());
            for variant in &union.variants {
                let member = member_schema(&document, &variant.source);
                let data = builder.schema(&member);
                let benefit_type = data["benefit"]["type"].clone();
                payload["data"] = data;
                let body = serde_json::to_vec(&payload).unwrap();
                let id = format!("msg_{deliveries}");
                let headers = [
                    ("webhook-id", id.clone()),
                    ("webhook-timestamp", NOW.to_string()),
                    ("webhook-signature", webhook.sign(&id, NOW, &body)),
                    ("webhook-api-version", version.clone()),
                ];
                deliveries += 1;
                let what = format!("{version} {event} {benefit_type}");
                let routed = match webhook.verify_and_route_at(&headers, &body, NOW) {
                    Ok(WebhookOutcome::Event { event, .. }) => event,
                    other => {
                        failures.push(format!("{what}: {other:?}"));
                        continue;
                    }
                };
                // The grant's variant, as `Debug` names it inside the event.
                let debug = format!("{routed:?}");
                let expected = format!("data: {}(", variant.rust_name);
                if !debug.contains(&expected) {
                    let found = debug
                        .split("data: ")
                        .nth(1)
                        .and_then(|rest| rest.split('(').next())
                        .unwrap_or("?");
                    failures.push(format!(
                        "{what}: arrived as `{found}`, not `{}`",
                        variant.rust_name
                    ));
                }
                let encoded = serde_json::to_value(&routed).unwrap();
                if let Some(diff) = first_difference(&payload, &encoded) {
                    failures.push(format!("{what}: {diff}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {deliveries} deliveries:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{deliveries} benefit grant deliveries, each its own variant");
}

/// What a user's handler reads off a license-key grant of the current
/// version: the variant and its typed properties.
#[test]
fn a_license_key_grant_keeps_its_properties() {
    use polar_api::v2026_10::models::BenefitGrantWebhook;
    use polar_api::v2026_10::WebhookPayload;
    use polar_api::webhooks::VersionedWebhookPayload;

    let spec = spec("2026-10");
    let builder = InstanceBuilder::new(&spec);
    let mut payload = builder.schema(
        spec.webhooks["benefit_grant.created"]
            .webhook_body()
            .unwrap(),
    );
    let mut data = builder.component("BenefitGrantLicenseKeysWebhook").unwrap();
    data["properties"] = serde_json::json!({
        "user_provided_key": "KEY-1",
        "license_key_id": "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
        "display_key": "****-1234"
    });
    payload["data"] = data;
    let body = serde_json::to_vec(&payload).unwrap();
    let webhook = Webhook::new(WebhookSecret::new(SECRET).unwrap());
    let headers = [
        ("webhook-id", "msg_license".to_owned()),
        ("webhook-timestamp", NOW.to_string()),
        ("webhook-signature", webhook.sign("msg_license", NOW, &body)),
        ("webhook-api-version", "2026-10".to_owned()),
    ];
    let outcome = webhook.verify_and_route_at(&headers, &body, NOW).unwrap();
    let Some(VersionedWebhookPayload::V2026_10(WebhookPayload::BenefitGrantCreated(event))) =
        outcome.event()
    else {
        panic!("a benefit_grant.created event of 2026-10");
    };
    match event.data {
        BenefitGrantWebhook::LicenseKeys(grant) => {
            assert_eq!(grant.properties.display_key.as_deref(), Some("****-1234"));
            assert_eq!(
                grant.properties.license_key_id.as_deref(),
                Some("0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
            );
            assert_eq!(grant.properties.user_provided_key.as_deref(), Some("KEY-1"));
        }
        other => panic!("arrived as another grant type: {other:?}"),
    }
}

/// The member schema at `source`: component members are `$ref`s, written
/// at `.../anyOf/<index>` of the component.
fn member_schema(document: &Value, source: &str) -> Schema {
    let pointer = source.trim_start_matches('#');
    let value = document
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no schema at {source}"));
    serde_json::from_value(value.clone()).unwrap()
}
