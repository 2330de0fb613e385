//! Lists every product that is not archived, walking all pages with the
//! `.stream()` of `products:list`.
//!
//! ```sh
//! POLAR_ACCESS_TOKEN=polar_oat_... cargo run -p polar-api --example list_products
//! # only one organization's products (needed with a personal access token):
//! POLAR_ACCESS_TOKEN=polar_pat_... POLAR_ORGANIZATION_ID=<uuid> \
//!     cargo run -p polar-api --example list_products
//! ```
//!
//! It talks to the Polar sandbox (`https://sandbox-api.polar.sh`), so the
//! token must be a sandbox token. Without `POLAR_ACCESS_TOKEN` it only says
//! what to set.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock
//! (`polar-mock serve` prints the variables to set).

use std::process::ExitCode;

use polar_api::prelude::*; // `try_next` on the page stream
use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::Client;

mod common;
use common::env;

const TOKEN: &str = "POLAR_ACCESS_TOKEN";
const ORGANIZATION: &str = "POLAR_ORGANIZATION_ID";

#[tokio::main]
async fn main() -> ExitCode {
    let Some(token) = env(TOKEN) else {
        println!("This example lists your products on the Polar sandbox. Set:");
        println!("  {TOKEN}     a sandbox organization access token (polar_oat_...),");
        println!("                         from Settings > Developers on sandbox.polar.sh");
        println!("and optionally:");
        println!("  {ORGANIZATION}  only list this organization's products (a UUID;");
        println!("                         needed when the token is a personal access token)");
        println!("then run: {TOKEN}=polar_oat_... cargo run -p polar-api --example list_products");
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
    let organization_id = match env(ORGANIZATION) {
        Some(id) => Some(
            id.parse::<Uuid>()
                .map_err(|e| format!("{ORGANIZATION} is not a valid UUID ({id:?}): {e}"))?,
        ),
        None => None,
    };

    let client = common::server(Client::builder().token(token)).build()?;

    // Optional query parameters are builder methods; `limit` is the page size
    // the stream asks for (at most 100).
    let mut request = client.products().list().is_archived(false).limit(100);
    if let Some(id) = organization_id {
        request = request.organization_id(id);
    }

    // The stream fetches the next page only once the current one is used up;
    // `stream_unique` drops a product a change to the list during the walk
    // would show twice.
    let mut products = request.stream_unique();
    let mut count = 0usize;
    while let Some(product) = products.try_next().await? {
        count += 1;
        let billing = match (&product.recurring_interval, product.is_recurring) {
            (Some(interval), _) => match product.recurring_interval_count {
                Some(n) if n > 1 => format!("every {n} {interval}s"),
                _ => format!("every {interval}"),
            },
            (None, true) => "recurring".to_owned(),
            (None, false) => "one-time".to_owned(),
        };
        println!(
            "{}  {}  [{billing}, {} price(s), {} benefit(s), {}]",
            product.id,
            product.name,
            product.prices.len(),
            product.benefits.len(),
            product.visibility,
        );
    }
    println!("{count} product(s) that are not archived");
    Ok(())
}
