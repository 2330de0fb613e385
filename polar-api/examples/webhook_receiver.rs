//! A complete webhook receiver: verifies Polar's deliveries and reacts to a
//! few event types.
//!
//! ```sh
//! POLAR_WEBHOOK_SECRET=whsec_... cargo run -p polar-api --example webhook_receiver --features axum
//! ```
//!
//! Then point a Polar webhook endpoint (through a tunnel, for local testing)
//! at `http://127.0.0.1:3000/webhooks/polar`. The endpoint sends its
//! deliveries as one API version (2026-10 here); an endpoint of another
//! version, or a receiver for several, uses `VerifiedWebhook` (see the
//! `polar_api::webhooks::axum` docs).

use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use polar_api::v2026_10::WebhookPayload;
use polar_api::webhooks::{VerifiedEvent, Webhook, WebhookSecret, WEBHOOK_SECRET_ENV};

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
    println!("listening for Polar webhooks on http://{ADDRESS}{PATH}; Ctrl-C stops");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Runs only for deliveries that verified; the extractor has already
/// answered 403 (bad signature, stale timestamp), 400 (malformed) or 413
/// (too large) to the others. Polar retries any non-2xx answer, so every
/// verified delivery is acknowledged, also one this build cannot type.
async fn receive(hook: VerifiedEvent<WebhookPayload>) -> StatusCode {
    // The same on every retry of a delivery: a real receiver records it and
    // skips deliveries it has already handled.
    let id = &hook.delivery.id;
    match hook.event {
        Ok(WebhookPayload::OrderPaid(paid)) => {
            let order = paid.data;
            println!(
                "[{id}] order {} paid: {} {} (customer {})",
                order.id,
                order.total_amount,
                order.currency.to_uppercase(),
                order.customer_id
            );
        }
        Ok(WebhookPayload::SubscriptionUpdated(updated)) => {
            let subscription = updated.data;
            println!(
                "[{id}] subscription {} is now {:?}",
                subscription.id, subscription.status
            );
        }
        // Every other event, including types newer than this SDK
        // (`Unknown`), says its name.
        Ok(other) => println!("[{id}] {}: not handled here", other.event_type()),
        // Verified, but not typed by this build (a body that does not match
        // the schema, or another API version): a real receiver stores
        // `hook.delivery.body`, the verified JSON, to process it later.
        Err(error) => println!(
            "[{id}] kept {} bytes of {:?}: {error}",
            hook.delivery.body.len(),
            hook.delivery.event_type
        ),
    }
    StatusCode::ACCEPTED
}
