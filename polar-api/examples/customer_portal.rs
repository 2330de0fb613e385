//! What a customer sees in the customer portal: their own orders
//! (`customer_portal:orders:list`) and subscriptions
//! (`customer_portal:subscriptions:list`), read with a customer session
//! token instead of an organization token.
//!
//! ```sh
//! POLAR_CUSTOMER_SESSION_TOKEN=polar_cst_... cargo run -p polar-api --example customer_portal
//! ```
//!
//! Your server creates the session token for a customer with an
//! organization token (`client.customer_sessions().create(..)`, or *Create
//! Customer Session* in the API docs) and hands it to that customer. The
//! portal operations live on `CustomerPortalClient`, never on `Client`, so an
//! organization token cannot be sent to them by mistake.
//!
//! It talks to the Polar sandbox (`https://sandbox-api.polar.sh`). Without
//! the token it only says what to set.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock
//! (`polar-mock serve` prints the variables to set).

use std::process::ExitCode;

use polar_api::prelude::*; // `try_next` on the page streams
use polar_api::v2026_10::{Client, CustomerPortalClient};

mod common;
use common::{env, money};

const SESSION_TOKEN: &str = "POLAR_CUSTOMER_SESSION_TOKEN";

#[tokio::main]
async fn main() -> ExitCode {
    let Some(token) = env(SESSION_TOKEN) else {
        println!("This example lists a customer's orders and subscriptions through the");
        println!("customer portal API of the Polar sandbox. Set:");
        println!("  {SESSION_TOKEN}  a sandbox customer session token (polar_cst_...),");
        println!("                                created for the customer with an organization");
        println!("                                token (POST /v1/customer-sessions/)");
        println!(
            "then run: {SESSION_TOKEN}=polar_cst_... cargo run -p polar-api --example customer_portal"
        );
        return ExitCode::SUCCESS;
    };
    match run(token).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(token: String) -> Result<(), Box<dyn std::error::Error>> {
    // A standalone portal client. A server that already has a `Client` would
    // call `client.customer_portal_with(token)` to share its configuration.
    let portal: CustomerPortalClient =
        common::server(Client::builder()).build_customer_portal(token)?;

    println!("Orders:");
    let mut orders = portal.orders().list().limit(100).stream();
    let mut count = 0usize;
    while let Some(order) = orders.try_next().await? {
        count += 1;
        let product = order
            .product
            .as_ref()
            .map_or("(no product)", |product| product.name.as_str());
        println!(
            "  {}  {}  {}  {}  {}{}",
            order.created_at.format("%Y-%m-%d"),
            // `null` while the order is a draft.
            order.invoice_number.as_deref().unwrap_or("(draft)"),
            product,
            money(order.total_amount, &order.currency),
            order.status,
            if order.paid { "" } else { " (unpaid)" },
        );
    }
    if count == 0 {
        println!("  none");
    }

    println!("Subscriptions:");
    let mut subscriptions = portal.subscriptions().list().limit(100).stream();
    let mut count = 0usize;
    while let Some(subscription) = subscriptions.try_next().await? {
        count += 1;
        let renewal = if subscription.cancel_at_period_end {
            "ends"
        } else {
            "renews"
        };
        println!(
            "  {}  {}  {} every {} {}  {}, {renewal} {}",
            subscription.id,
            subscription.product.name,
            money(subscription.amount, &subscription.currency),
            subscription.recurring_interval_count,
            subscription.recurring_interval,
            subscription.status,
            subscription.current_period_end.format("%Y-%m-%d"),
        );
    }
    if count == 0 {
        println!("  none");
    }
    Ok(())
}
