//! Usage-based billing: sends a few usage events (`events:ingest`), then
//! reads a meter's quantities per day over the last week
//! (`meters:quantities`).
//!
//! ```sh
//! POLAR_ACCESS_TOKEN=polar_oat_... POLAR_METER_ID=<uuid> \
//!     cargo run -p polar-api --example usage_events
//! # the event name your meter's filter matches, and whose usage it is:
//! POLAR_ACCESS_TOKEN=polar_oat_... POLAR_METER_ID=<uuid> POLAR_EVENT_NAME=api_call \
//!     POLAR_EXTERNAL_CUSTOMER_ID=user_123 cargo run -p polar-api --example usage_events
//! ```
//!
//! A meter counts the events its filter matches (usually by name) and
//! aggregates them (a count, or e.g. the sum of a metadata property); the
//! events here carry a `units` metadata property to sum. Polar processes
//! ingested events in the background, so new events can take a few seconds
//! to show in the quantities.
//!
//! It talks to the Polar sandbox (`https://sandbox-api.polar.sh`). Without
//! the token and the meter id it only says what to set.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock
//! (`polar-mock serve` prints the variables to set).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use polar_api::v2026_10::models::chrono::{DateTime, TimeDelta, Utc};
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    EventCreateExternalCustomer, EventMetadataInput, EventsIngest,
    StringOrIntegerOrNumberOrBoolean, TimeInterval,
};
use polar_api::v2026_10::Client;

mod common;
use common::env;

const TOKEN: &str = "POLAR_ACCESS_TOKEN";
const METER: &str = "POLAR_METER_ID";
const EVENT_NAME: &str = "POLAR_EVENT_NAME";
const CUSTOMER: &str = "POLAR_EXTERNAL_CUSTOMER_ID";

const DEFAULT_EVENT_NAME: &str = "api_call";
const DEFAULT_CUSTOMER: &str = "polar-rs-example-customer";

#[tokio::main]
async fn main() -> ExitCode {
    let (token, meter) = match (env(TOKEN), env(METER)) {
        (Some(token), Some(meter)) => (token, meter),
        (token, meter) => {
            print_help(token.is_none(), meter.is_none());
            return ExitCode::SUCCESS;
        }
    };
    match run(token, meter).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(token: String, meter: String) -> Result<(), Box<dyn std::error::Error>> {
    let meter_id: Uuid = meter
        .parse()
        .map_err(|e| format!("{METER} is not a valid UUID ({meter:?}): {e}"))?;
    let event_name = env(EVENT_NAME).unwrap_or_else(|| DEFAULT_EVENT_NAME.to_owned());
    let customer = env(CUSTOMER).unwrap_or_else(|| DEFAULT_CUSTOMER.to_owned());

    let client = common::server(Client::builder().token(token)).build()?;

    let meter = client.meters().get(meter_id).send().await?;
    println!("meter {:?} ({}), unit {}", meter.name, meter.id, meter.unit);

    // Three events for one customer, identified by your own id for them.
    // `external_id` makes a retried ingest skip events already stored.
    let now = SystemTime::now();
    let run_id = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let events = [3_i64, 5, 8]
        .into_iter()
        .enumerate()
        .map(|(i, units)| {
            EventCreateExternalCustomer::new(event_name.clone(), customer.clone())
                .external_id(format!("polar-rs-example-{run_id}-{i}"))
                .metadata(EventMetadataInput {
                    additional_properties: BTreeMap::from([(
                        "units".to_owned(),
                        StringOrIntegerOrNumberOrBoolean::from(units),
                    )]),
                    ..Default::default()
                })
                .into()
        })
        .collect();
    let ingested = client
        .events()
        .ingest(EventsIngest::new(events))
        .send()
        .await?;
    println!(
        "ingested {} {event_name:?} event(s) for customer {customer:?} ({} duplicate(s) skipped)",
        ingested.inserted,
        ingested.duplicates.unwrap_or(0)
    );

    // Path parameter and required query parameters are arguments; the
    // optional filters (`customer_id`, `external_customer_id`, ...) are
    // builder methods.
    let end: DateTime<Utc> = now.into();
    let start = end - TimeDelta::days(7);
    let quantities = client
        .meters()
        .quantities(meter_id, start, end, TimeInterval::Day)
        .send()
        .await?;
    println!(
        "quantities per day, {} to {}:",
        start.date_naive(),
        end.date_naive()
    );
    for period in &quantities.quantities {
        println!("  {}  {}", period.timestamp.date_naive(), period.quantity);
    }
    println!("  total       {}", quantities.total);
    println!("(events just ingested may take a few seconds to be counted)");
    Ok(())
}

fn print_help(no_token: bool, no_meter: bool) {
    println!("This example ingests usage events and reads a meter on the Polar sandbox. Set:");
    if no_token {
        println!("  {TOKEN}          a sandbox organization access token (polar_oat_...)");
        println!("                              with the events:write and meters:read scopes");
    }
    if no_meter {
        println!("  {METER}              the id (UUID) of the meter to read (Products > Meters)");
    }
    println!("and optionally:");
    println!("  {EVENT_NAME}            the event name the meter's filter matches");
    println!("                              (default {DEFAULT_EVENT_NAME})");
    println!("  {CUSTOMER}  your id of the customer the usage belongs to");
    println!("                              (default {DEFAULT_CUSTOMER})");
    println!(
        "then run: {TOKEN}=polar_oat_... {METER}=... cargo run -p polar-api --example usage_events"
    );
}
