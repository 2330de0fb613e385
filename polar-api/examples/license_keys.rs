//! Validates a license key, activates it for one device, and validates it
//! again bound to that activation.
//!
//! ```sh
//! # the public customer-portal operations (what a desktop or mobile app
//! # calls; no token at all):
//! POLAR_LICENSE_KEY=XXXX-... POLAR_ORGANIZATION_ID=<uuid> \
//!     cargo run -p polar-api --example license_keys
//! # the server-side operations, with an organization token:
//! POLAR_ACCESS_TOKEN=polar_oat_... POLAR_LICENSE_KEY=XXXX-... \
//!     POLAR_ORGANIZATION_ID=<uuid> cargo run -p polar-api --example license_keys
//! ```
//!
//! Polar offers the same three calls twice:
//!
//! * `customer_portal:license_keys:validate` / `:activate` — Polar answers
//!   them without authentication, so they are safe in an app shipped to
//!   customers. In this SDK they are methods of a `CustomerPortalClient`
//!   without a token (`CustomerPortalClient<NoSession>`, from
//!   `build_public_portal()`); used when `POLAR_ACCESS_TOKEN` is not set.
//! * `license_keys:validate` / `:activate` — on `Client`, with an
//!   organization token that has the `license_keys:write` scope; used when
//!   `POLAR_ACCESS_TOKEN` is set.
//!
//! Both take the same bodies (`LicenseKeyValidate`, `LicenseKeyActivate`) and
//! return the same types. Activating only works for keys whose benefit sets
//! an activation limit. It talks to the Polar sandbox
//! (`https://sandbox-api.polar.sh`) once the key and organization are set;
//! without them it only says what to set.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock
//! (`polar-mock serve` prints the variables to set).

use std::collections::BTreeMap;
use std::process::ExitCode;

use polar_api::v2026_10::models::uuid::Uuid;
use polar_api::v2026_10::models::{
    LicenseKeyActivate, LicenseKeyActivationRead, LicenseKeyValidate, ValidatedLicenseKey,
};
use polar_api::v2026_10::{Client, CustomerPortalClient};
use polar_api::NoSession;

mod common;
use common::env;

const TOKEN: &str = "POLAR_ACCESS_TOKEN";
const KEY: &str = "POLAR_LICENSE_KEY";
const ORGANIZATION: &str = "POLAR_ORGANIZATION_ID";
const LABEL: &str = "POLAR_ACTIVATION_LABEL";

#[tokio::main]
async fn main() -> ExitCode {
    // The server-side operations when an organization token is set, else
    // the public customer-portal ones.
    let token = env(TOKEN);
    let (key, organization) = match (env(KEY), env(ORGANIZATION)) {
        (Some(key), Some(organization)) => (key, organization),
        (key, organization) => {
            print_help(key.is_none(), organization.is_none());
            return ExitCode::SUCCESS;
        }
    };

    match run(token, key, organization).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The two ways to reach the license key operations.
enum LicenseApi {
    /// `customer_portal:license_keys:*`, without a token.
    Portal(CustomerPortalClient<NoSession>),
    /// `license_keys:*`, with an organization access token.
    Server(Client),
}

impl LicenseApi {
    async fn validate(
        &self,
        body: LicenseKeyValidate,
    ) -> Result<ValidatedLicenseKey, polar_api::Error> {
        match self {
            LicenseApi::Portal(portal) => portal.license_keys().validate(body).send().await,
            LicenseApi::Server(client) => client.license_keys().validate(body).send().await,
        }
    }

    async fn activate(
        &self,
        body: LicenseKeyActivate,
    ) -> Result<LicenseKeyActivationRead, polar_api::Error> {
        match self {
            LicenseApi::Portal(portal) => portal.license_keys().activate(body).send().await,
            LicenseApi::Server(client) => client.license_keys().activate(body).send().await,
        }
    }
}

async fn run(
    token: Option<String>,
    key: String,
    organization: String,
) -> Result<(), Box<dyn std::error::Error>> {
    let organization_id: Uuid = organization
        .parse()
        .map_err(|e| format!("{ORGANIZATION} is not a valid UUID ({organization:?}): {e}"))?;

    let builder = common::server(Client::builder());
    let api = match token {
        None => {
            println!("using the public customer-portal operations (no token)");
            LicenseApi::Portal(builder.build_public_portal()?)
        }
        Some(token) => {
            println!("using the server-side operations ({TOKEN})");
            LicenseApi::Server(builder.token(token).build()?)
        }
    };

    // 1. Is the key valid at all?
    let validated = api
        .validate(LicenseKeyValidate::new(key.clone(), organization_id))
        .await?;
    print_key("validated", &validated);

    // 2. Activate it for this "device". Conditions set here must match on
    //    later validations; meta is stored with the activation.
    let label = env(LABEL).unwrap_or_else(|| "polar-rs example".to_owned());
    let activate = LicenseKeyActivate::new(key.clone(), organization_id, label).meta(
        BTreeMap::from([("client".to_owned(), "polar-api license_keys example".into())]),
    );
    let activation = match api.activate(activate).await {
        Ok(activation) => activation,
        // 403: the key needs no activation (its benefit has no activation
        // limit) or the limit is reached. The validation above still holds.
        Err(error) if error.is_forbidden() => {
            println!("not activated: {error}");
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    println!(
        "activated: activation {} ({:?}) on key {}",
        activation.id, activation.label, activation.license_key.display_key
    );

    // 3. Validate again, bound to the activation: what an app does on start.
    let validate = LicenseKeyValidate::new(key, organization_id).activation_id(activation.id);
    let validated = api.validate(validate).await?;
    print_key("validated with the activation", &validated);
    Ok(())
}

fn print_key(what: &str, key: &ValidatedLicenseKey) {
    println!("{what}: {} is {}", key.display_key, key.status);
    let customer = key.customer.email.as_deref().unwrap_or("(no email)");
    println!("  customer:    {customer} ({})", key.customer_id);
    let limit = |limit: Option<i64>| limit.map_or("unlimited".to_owned(), |n| n.to_string());
    println!("  usage:       {} of {}", key.usage, limit(key.limit_usage));
    println!("  activations: limit {}", limit(key.limit_activations));
    println!("  validations: {}", key.validations);
    match key.expires_at {
        Some(expires_at) => println!("  expires:     {expires_at}"),
        None => println!("  expires:     never"),
    }
    if let Some(activation) = &key.activation {
        println!("  activation:  {} ({:?})", activation.id, activation.label);
    }
}

fn print_help(no_key: bool, no_organization: bool) {
    println!("This example validates and activates a license key on the Polar sandbox. Set:");
    if no_key {
        println!("  {KEY}             the license key a customer received");
    }
    if no_organization {
        println!("  {ORGANIZATION}         the id (UUID) of the organization that issued it");
    }
    println!("and optionally:");
    println!("  {LABEL}        a name for the activation (the device)");
    println!("  {TOKEN}            an organization access token (polar_oat_...) with");
    println!("                                the license_keys:write scope, to use the");
    println!("                                server-side operations instead of the public ones");
    println!(
        "then run: {KEY}=... {ORGANIZATION}=... cargo run -p polar-api --example license_keys"
    );
}
