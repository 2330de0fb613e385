//! Every event of the spec's `webhooks` section decodes, from a payload built
//! from the spec, into its own variant of `WebhookPayload`.

use codegen::instance::InstanceBuilder;
use polar_models::WebhookPayload;
use polar_tests::{first_difference, pinned_spec, roundtrip};

#[test]
fn every_webhook_event_decodes_into_its_variant() {
    let spec = pinned_spec();
    let builder = InstanceBuilder::new(&spec);
    let mut failures = Vec::new();
    for (event, item) in &spec.webhooks {
        let schema = item.webhook_body().expect("a webhook has a JSON body");
        let payload = builder.schema(schema);
        assert_eq!(
            payload["type"],
            event.as_str(),
            "the payload of {event} carries its type"
        );
        // Strict decoding: landing in `Unknown` is an error.
        match roundtrip::<WebhookPayload>(&payload.to_string()) {
            Ok(encoded) => {
                if let Some(diff) = first_difference(&payload, &encoded) {
                    failures.push(format!("{event}: {diff}"));
                }
            }
            Err(err) => failures.push(format!("{event}: {err}")),
        }
    }
    assert_eq!(
        spec.webhooks.len(),
        35,
        "the pinned spec has 35 webhook events"
    );
    assert!(
        failures.is_empty(),
        "webhook payloads failed:\n{}",
        failures.join("\n")
    );
}
