//! Every event of every pinned version's `webhooks` section decodes, from a
//! payload built from that version's spec, into its own variant of the
//! version's `WebhookPayload`.

use codegen::instance::InstanceBuilder;
use polar_tests::generated::tables;
use polar_tests::{first_difference, spec};

#[test]
fn every_webhook_event_of_every_version_decodes_into_its_variant() {
    let mut failures = Vec::new();
    for table in tables() {
        let version = table.version;
        let spec = spec(version);
        assert!(!spec.webhooks.is_empty(), "{version} has webhook events");
        let builder = InstanceBuilder::new(&spec);
        for (event, item) in &spec.webhooks {
            let schema = item.webhook_body().expect("a webhook has a JSON body");
            let payload = builder.schema(schema);
            assert_eq!(
                payload["type"],
                event.as_str(),
                "the payload of {event} carries its type"
            );
            // Strict decoding: landing in `Unknown` is an error.
            let outcome = (table.webhook_roundtrip)(&payload.to_string())
                .unwrap_or_else(|| panic!("{version} has a webhook payload type"));
            match outcome {
                Ok(encoded) => {
                    if let Some(diff) = first_difference(&payload, &encoded) {
                        failures.push(format!("{version} {event}: {diff}"));
                    }
                }
                Err(err) => failures.push(format!("{version} {event}: {err}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "webhook payloads failed:\n{}",
        failures.join("\n")
    );
}
