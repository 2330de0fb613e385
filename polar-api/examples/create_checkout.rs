//! Creates a checkout session for one product (`checkouts:create`) and
//! prints the URL to send the customer to.
//!
//! ```sh
//! POLAR_ACCESS_TOKEN=polar_oat_... cargo run -p polar-api --example create_checkout -- <product-id>
//! # or with the product id in the environment, and where to land after paying:
//! POLAR_ACCESS_TOKEN=polar_oat_... POLAR_PRODUCT_ID=<uuid> \
//!     POLAR_SUCCESS_URL='https://example.com/thanks?checkout_id={CHECKOUT_ID}' \
//!     cargo run -p polar-api --example create_checkout
//! ```
//!
//! It talks to the Polar sandbox (`https://sandbox-api.polar.sh`), where
//! checkouts take test cards (`4242 4242 4242 4242`). Without the token and
//! a product id it only says what to set.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock
//! (`polar-mock serve` prints the variables to set).

use std::process::ExitCode;

use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::CheckoutCreate;
use polar_api::v2026_10::Client;

mod common;
use common::{env, money};

const TOKEN: &str = "POLAR_ACCESS_TOKEN";
const PRODUCT: &str = "POLAR_PRODUCT_ID";
const SUCCESS_URL: &str = "POLAR_SUCCESS_URL";

#[tokio::main]
async fn main() -> ExitCode {
    let token = env(TOKEN);
    // The first command-line argument wins over the environment variable.
    let product = std::env::args()
        .nth(1)
        .map(|arg| arg.trim().to_owned())
        .filter(|arg| !arg.is_empty())
        .or_else(|| env(PRODUCT));

    let (token, product) = match (token, product) {
        (Some(token), Some(product)) => (token, product),
        (token, product) => {
            print_help(token.is_none(), product.is_none());
            return ExitCode::SUCCESS;
        }
    };

    match run(token, product).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(token: String, product: String) -> Result<(), Box<dyn std::error::Error>> {
    let product_id: Uuid = product
        .parse()
        .map_err(|e| format!("the product id is not a valid UUID ({product:?}): {e}"))?;

    let client = common::server(Client::builder().token(token)).build()?;

    // `new` takes the required fields, setters the optional ones.
    // Without `success_url`, Polar uses its default page.
    let mut body = CheckoutCreate::new(vec![product_id]);
    if let Some(url) = env(SUCCESS_URL) {
        body = body.success_url(url);
    }

    let checkout = client.checkouts().create(body).send().await?;

    println!("checkout {} ({})", checkout.id, checkout.status);
    println!(
        "  total:   {}",
        money(checkout.total_amount, &checkout.currency)
    );
    println!("  expires: {}", checkout.expires_at);
    println!("pay at {}", checkout.url);
    Ok(())
}

fn print_help(no_token: bool, no_product: bool) {
    println!("This example creates a checkout on the Polar sandbox. Set:");
    if no_token {
        println!("  {TOKEN}  a sandbox organization access token (polar_oat_...) with");
        println!("                      the checkouts:write scope, from Settings > Developers");
    }
    if no_product {
        println!("  {PRODUCT}    the id (UUID) of the product to sell, or pass it as the");
        println!("                      first argument (`-- <product-id>`)");
    }
    println!("and optionally:");
    println!("  {SUCCESS_URL}   where the customer lands after paying");
    println!(
        "then run: {TOKEN}=polar_oat_... cargo run -p polar-api --example create_checkout -- <product-id>"
    );
}
