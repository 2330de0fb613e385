//! Webhook verification and routing (`Webhook::verify_and_route_at`) with
//! arbitrary headers and bodies: as sent (nothing may panic), and signed
//! correctly (every correctly signed body must verify, whatever the other
//! headers and the `webhook-api-version` say).
#![no_main]
use libfuzzer_sys::fuzz_target;
use polar_api::webhooks::{Webhook, WebhookSecret};

const NOW: i64 = 1_767_225_600;

fuzz_target!(|data: &[u8]| {
    let (mut headers, body) = polar_fuzz::webhook_input(data);
    let webhook = Webhook::new(WebhookSecret::new("whsec_fuzzing_secret_0123456789").unwrap());
    if let Ok(outcome) = webhook.verify_and_route_at(headers.as_slice(), body, NOW) {
        let _ = outcome.event_type();
        let _ = outcome.event();
    }

    // Signed: the given id when it is one, the signing time, Polar's header.
    let id = headers
        .iter()
        .find(|(name, _)| name == "webhook-id")
        .and_then(|(_, value)| std::str::from_utf8(value).ok())
        .filter(|id| !id.is_empty())
        .unwrap_or("msg_fuzz")
        .to_owned();
    let signature = webhook.sign(&id, NOW, body);
    headers.retain(|(name, _)| {
        !matches!(
            name.as_str(),
            "webhook-id" | "webhook-timestamp" | "webhook-signature"
        )
    });
    headers.push(("webhook-id".to_owned(), id.into_bytes()));
    headers.push(("webhook-timestamp".to_owned(), NOW.to_string().into_bytes()));
    headers.push(("webhook-signature".to_owned(), signature.into_bytes()));
    match webhook.verify_and_route_at(headers.as_slice(), body, NOW) {
        Ok(outcome) => {
            let _ = format!("{:?}", outcome.delivery());
            let _ = outcome.event();
        }
        Err(error) => panic!("a correctly signed delivery did not verify: {error}"),
    }
});
