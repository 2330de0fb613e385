//! A complete webhook receiver: verifies Polar's deliveries and reacts to a
//! few event types.
//!
//! ```sh
//! POLAR_WEBHOOK_SECRET=whsec_... cargo run -p polar-api --example webhook_receiver --features axum
//! ```
//!
//! Then point a Polar webhook endpoint (through a tunnel, for local testing)
//! at `http://127.0.0.1:3000/webhooks/polar`.

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{
    VerifiedWebhook, VersionedWebhookPayload, Webhook, WebhookOutcome, WebhookSecret, WEBHOOK_ID,
    WEBHOOK_SECRET_ENV,
};

const ADDRESS: &str = "127.0.0.1:3000";
const PATH: &str = "/webhooks/polar";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(secret) = std::env::var(WEBHOOK_SECRET_ENV) else {
        println!(
            "Set {WEBHOOK_SECRET_ENV} to your webhook endpoint's secret (`polar_whs_…` or \
             `whsec_…`, from the endpoint's settings in Polar) and run this again."
        );
        return Ok(());
    };
    // Either kind of secret: both key derivations are tried.
    let webhook = Webhook::new(WebhookSecret::new(&secret)?);

    let app = Router::new().route(PATH, post(receive)).with_state(webhook);
    let listener = tokio::net::TcpListener::bind(ADDRESS).await?;
    println!("listening for Polar webhooks on http://{ADDRESS}{PATH}");
    axum::serve(listener, app).await?;
    Ok(())
}

/// Runs only for deliveries that verified; the extractor has already
/// answered 403 (bad signature, stale timestamp) or 400 (malformed) to the
/// others. Polar retries any non-2xx answer, so answer 2xx once handled.
async fn receive(headers: HeaderMap, VerifiedWebhook(outcome): VerifiedWebhook) -> StatusCode {
    // The same on every retry of a delivery: a real receiver records it and
    // skips deliveries it has already handled.
    let delivery = headers
        .get(WEBHOOK_ID)
        .and_then(|id| id.to_str().ok())
        .unwrap_or("?");

    match outcome {
        // Decoded as the API version the endpoint sends (its `api_version`).
        WebhookOutcome::Event(VersionedWebhookPayload::V2026_10(event)) => {
            handle(delivery, event);
        }
        // Another version this build includes (enable its cargo feature).
        WebhookOutcome::Event(other) => {
            println!(
                "[{delivery}] an event sent as API version {}: not handled here",
                other.api_version()
            );
        }
        // Verified, but this build cannot type it: a version it does not
        // include, or a body that does not match the schema. A real receiver
        // stores `delivery.body` (the verified JSON) to process it later.
        WebhookOutcome::VersionNotCompiled { version, delivery } => {
            println!(
                "[{}] sent as API version {version}, not compiled in; {} bytes kept",
                delivery.id,
                delivery.body.len()
            );
        }
        WebhookOutcome::Undecodable {
            version,
            delivery,
            error,
        } => {
            println!(
                "[{}] could not decode as API version {version}: {error}",
                delivery.id
            );
        }
        // The enum is non-exhaustive.
        _ => {}
    }
    StatusCode::ACCEPTED
}

/// Reacts to a few event types of API version 2026-10.
fn handle(delivery: &str, event: WebhookPayload) {
    match event {
        WebhookPayload::OrderPaid(paid) => {
            let order = paid.data;
            println!(
                "[{delivery}] order {} paid: {} {} (customer {})",
                order.id,
                order.total_amount,
                order.currency.to_uppercase(),
                order.customer_id
            );
        }
        WebhookPayload::SubscriptionUpdated(updated) => {
            let subscription = updated.data;
            println!(
                "[{delivery}] subscription {} is now {:?}",
                subscription.id, subscription.status
            );
        }
        WebhookPayload::Unknown(raw) => {
            println!(
                "[{delivery}] an event type this SDK does not know yet: {}",
                raw["type"]
            );
        }
        // The enum is non-exhaustive: new variants come with new SDK versions.
        other => {
            let kind = serde_json::to_value(&other)
                .ok()
                .and_then(|json| json["type"].as_str().map(str::to_owned))
                .unwrap_or_default();
            println!("[{delivery}] {kind}: not handled here");
        }
    }
}
