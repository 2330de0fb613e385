//! Usage-based billing from a web service: an axum handler records one
//! usage event per request through a `polar_api::ingest::Ingestor`, and a
//! graceful shutdown (Ctrl-C) sends what is still queued before exiting.
//!
//! ```sh
//! POLAR_ACCESS_TOKEN=polar_oat_... cargo run -p polar-api --features ingest --example usage_ingestor
//! curl -H 'x-customer-id: user_123' http://127.0.0.1:3000/search
//! ```
//!
//! Each request to `/search` records a `search` event for the customer named
//! by the `x-customer-id` header (your id for the customer, which Polar
//! matches to the customer created with that `external_id`), with the
//! path and the answer's size as metadata; a meter counting `search` events
//! (or summing their `bytes`) bills them. The handler never waits for Polar: the event is queued and
//! sent in batches (at most a second later) by the ingestor's background
//! task, which retries through errors and rate limits.
//!
//! It talks to the Polar sandbox. Without a token it only says what to set.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock
//! (`polar-mock serve` prints the variables to set).

use std::process::ExitCode;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use polar_api::ingest::{Event, EventCustomer, Ingestor, RecordError};
use polar_api::v2026_10::Client;

mod common;
use common::env;

const TOKEN: &str = "POLAR_ACCESS_TOKEN";
const ADDRESS: &str = "127.0.0.1:3000";

#[tokio::main]
async fn main() -> ExitCode {
    let Some(token) = env(TOKEN) else {
        println!(
            "Set {TOKEN} to a sandbox organization access token (polar_oat_..., with the \
             events:write scope) and run this again:\n  \
             {TOKEN}=polar_oat_... cargo run -p polar-api --features ingest --example usage_ingestor"
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
    let client = common::server(Client::builder().token(token)).build()?;
    // One ingestor for the whole service; handlers get cheap clones.
    let ingestor = client
        .ingestor()
        // Events the server refuses (422) come back here, one by one.
        .on_failure(|failure| {
            eprintln!(
                "usage event {} not delivered: {}",
                failure.event.get_external_id().unwrap_or("?"),
                failure.reason
            )
        })
        .start()?;

    let app = Router::new()
        .route("/search", get(search))
        .with_state(ingestor.clone());
    let listener = tokio::net::TcpListener::bind(ADDRESS).await?;
    println!("listening on http://{ADDRESS}/search (send x-customer-id); Ctrl-C stops");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;

    // No more requests: send what is queued, within the shutdown timeout
    // (10 s by default), and keep what could not be sent.
    let report = ingestor.shutdown().await;
    println!(
        "recorded {} usage events, {} acknowledged by Polar ({} were duplicates of resent batches)",
        report.stats.recorded, report.stats.acknowledged, report.stats.duplicates
    );
    for failure in &report.undelivered {
        // A real service writes these somewhere durable and records them
        // again on the next start: their `external_id` keeps Polar from
        // counting any of them twice.
        eprintln!(
            "not delivered: {} for {:?} ({})",
            failure.event.name(),
            failure.event.customer(),
            failure.reason
        );
    }
    Ok(())
}

async fn search(
    State(ingestor): State<Ingestor>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<String, StatusCode> {
    let customer = headers
        .get("x-customer-id")
        .and_then(|value| value.to_str().ok())
        .ok_or(StatusCode::UNAUTHORIZED)?;

    let results = format!("results for {customer}\n");

    let event = Event::new("search", EventCustomer::external(customer))
        .metadata("endpoint", uri.path())
        .metadata("bytes", results.len());
    match ingestor.try_record(event) {
        Ok(()) => Ok(results),
        // The queue is full (Polar unreachable for a long while): wait for
        // room rather than serve unbilled requests.
        Err(RecordError::Full(event)) => match ingestor.record(event).await {
            Ok(()) => Ok(results),
            Err(_) => Err(StatusCode::SERVICE_UNAVAILABLE),
        },
        // Shutting down.
        Err(RecordError::Closed(_)) => Err(StatusCode::SERVICE_UNAVAILABLE),
    }
}
