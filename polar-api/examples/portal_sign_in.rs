//! Signing a customer in to your own customer portal, without a password:
//! Polar emails the customer a one-time code, your portal exchanges it for
//! a customer session token, and the portal operations run with that token.
//!
//! ```sh
//! POLAR_ORGANIZATION_ID=... POLAR_CUSTOMER_EMAIL=jane@example.com \
//!     cargo run -p polar-api --example portal_sign_in
//! ```
//!
//! It asks the Polar sandbox to email the code, then reads the code (and,
//! when several customers share the email, which one) from standard input.
//! `POLAR_API_BASE_URL` points it at another server, such as a local mock.
//! The two sign-in operations are not in Polar's published OpenAPI
//! documents; the SDK generates them from its overlay (`spec/overlay.json`),
//! after Polar's documentation.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use polar_api::v2026_10::models::{
    CustomerSelectionOption, CustomerSessionCodeAuthenticateRequest, CustomerSessionCodeRequest,
    PortalAuthenticatedUser,
};
use polar_api::v2026_10::{ApiErrorBody, Client, CustomerPortalClient};
use polar_api::{Error, NoSession};
use uuid::Uuid;

/// Step 1: ask Polar to email a code to `email`. When several of the
/// organization's customers share that email, Polar answers 409 with them;
/// `choose` picks one and the request is sent again with its id.
///
/// Polar answers 202 whether or not the customer exists, so "no error" does
/// not mean an email was sent.
pub async fn request_code(
    portal: &CustomerPortalClient<NoSession>,
    email: &str,
    organization_id: Uuid,
    choose: impl FnOnce(&[CustomerSelectionOption]) -> Option<Uuid>,
) -> Result<(), Error> {
    let request = CustomerSessionCodeRequest::new(email.to_owned(), organization_id);
    let error = match portal
        .customer_session()
        .request(request.clone())
        .send()
        .await
    {
        Ok(()) => return Ok(()),
        Err(error) => error,
    };
    let body = error.api_error().and_then(|api| api.body::<ApiErrorBody>());
    let Some(ApiErrorBody::CustomerSelectionRequiredResponse(choice)) = body else {
        return Err(error);
    };
    let Some(customer_id) = choose(&choice.customers) else {
        return Err(error);
    };
    let mut request = request;
    request.customer_id = customer_id.into();
    portal.customer_session().request(request).send().await
}

/// Steps 2 and 3: exchange the code for a session token, and return a
/// portal client signed in with it, with who it is signed in as. A wrong or
/// expired code is `Err` with status 401 (`error.is_unauthorized()`).
pub async fn sign_in(
    portal: &CustomerPortalClient<NoSession>,
    code: &str,
) -> Result<(CustomerPortalClient, PortalAuthenticatedUser), Error> {
    let session = portal
        .customer_session()
        .authenticate(CustomerSessionCodeAuthenticateRequest::new(code.into()))
        .send()
        .await?;
    // `session.token` is a `Secret`: its Debug and Display print `***`.
    let signed_in = portal.with_customer_session(&session.token);
    let user = signed_in
        .customer_session()
        .get_authenticated_user()
        .send()
        .await?;
    Ok((signed_in, user))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (Some(organization), Some(email)) =
        (env("POLAR_ORGANIZATION_ID"), env("POLAR_CUSTOMER_EMAIL"))
    else {
        println!("This example signs a customer in to the customer portal API by emailed");
        println!("code. Set POLAR_ORGANIZATION_ID (your organization's id) and");
        println!("POLAR_CUSTOMER_EMAIL (a customer's email), then run:");
        println!("  cargo run -p polar-api --example portal_sign_in");
        return ExitCode::SUCCESS;
    };
    match run(&organization, &email).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(organization: &str, email: &str) -> Result<(), Box<dyn std::error::Error>> {
    let builder = Client::builder();
    let builder = match env("POLAR_API_BASE_URL") {
        Some(url) => builder.base_url(url),
        None => builder.sandbox(),
    };
    // No token: the sign-in operations are public.
    let portal = builder.build_public_portal()?;

    request_code(&portal, email, organization.parse()?, |customers| {
        println!("Several customers use {email}:");
        for (index, customer) in customers.iter().enumerate() {
            let name = customer.name.as_deref().unwrap_or("(no name)");
            println!("  {}. {name} ({})", index + 1, customer.id);
        }
        let index: usize = prompt("Which one? ").ok()?.parse().ok()?;
        customers
            .get(index.checked_sub(1)?)
            .map(|customer| customer.id)
    })
    .await?;

    let code = prompt(&format!("The code emailed to {email}: "))?;
    let (portal, user) = sign_in(&portal, &code).await?;
    let session = portal.customer_session().introspect().send().await?;
    println!(
        "Signed in as {} ({}, customer {}) until {}",
        user.email, user.r#type, user.customer_id, session.expires_at
    );
    Ok(())
}

/// The value of an environment variable, or `None` when it is unset or blank.
fn env(name: &str) -> Option<String> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// One line from standard input, trimmed.
fn prompt(question: &str) -> std::io::Result<String> {
    print!("{question}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_owned())
}
