//! `polar-mock`: the mock server and signed webhook deliveries from the
//! command line, for teams whose tests are not written in Rust (and for
//! running our own examples against a local Polar).
//!
//! ```text
//! polar-mock serve [--port N] [--api-version YYYY-MM] [--token T] [--sign-in-code CODE]
//! polar-mock trigger EVENT --url URL --secret SECRET [--api-version YYYY-MM]
//! polar-mock versions
//! ```
//!
//! Arguments are read by hand: a dependency on an argument parser would be
//! compiled by every user of the library too (a package's binaries cannot
//! have dependencies of their own).

use std::process::ExitCode;

use polar_api::webhooks::WebhookSecret;
use polar_mock::{Delivery, MockPolar};

/// The webhook secret of `serve --webhook-url` without `--webhook-secret`:
/// public, like everything about a mock.
const MOCK_WEBHOOK_SECRET: &str = "whsec_cG9sYXItbW9jayB3ZWJob29rIHNlY3JldCAzMmI=";

const USAGE: &str = "\
polar-mock: a local Polar (polar.sh) for tests

USAGE:
    polar-mock serve [OPTIONS]
        Serve every operation of every API version of this build on
        127.0.0.1, checking requests as Polar does. Prints the base URL,
        the token and the API version as NAME=value lines, then serves
        until it is stopped (Ctrl-C or a signal).
        --port N               listen on port N (default: a free port)
        --api-version V        the version of requests that name none
                               (default: the Current version)
        --token T              accept this organization token too
        --sign-in-code CODE    a customer-portal sign-in code that is
                               always good (besides the ones it hands out)
        --stateful             keep products, customers, checkouts, orders,
                               subscriptions, ... in memory (see the
                               crate's README), instead of answering
                               every operation with its fixture
        --webhook-url URL      send every event of the stateful mock to
                               URL, signed (implies --stateful; prints
                               POLAR_WEBHOOK_SECRET)
        --webhook-secret S     the secret to sign them with (default: a
                               fixed mock secret)

    polar-mock trigger EVENT --url URL --secret SECRET [--api-version V]
        POST a signed delivery of EVENT (e.g. order.paid), with its
        fixture as the payload, to URL, and print the answer's status.
        SECRET is the endpoint's secret (whsec_... or polar_whs_...).

    polar-mock versions
        The API versions this build includes.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => Options::parse(&args[1..]).and_then(serve),
        Some("trigger") => Options::parse(&args[1..]).and_then(trigger),
        Some("versions") => {
            for version in polar_mock::api_versions() {
                println!("{version}");
            }
            Ok(())
        }
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!("unknown command `{other}`"))),
        None => Err(Failure::Usage("a command is needed".to_owned())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("polar-mock: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            eprintln!("polar-mock: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Why a command failed: how it was called (the usage is shown), or what
/// happened when it ran.
#[derive(Debug)]
enum Failure {
    Usage(String),
    Run(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Usage(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::Usage(message.to_owned())
    }
}

/// The options of `serve` and `trigger` (each takes the ones it needs).
#[derive(Debug, Default)]
struct Options {
    port: Option<u16>,
    api_version: Option<String>,
    token: Option<String>,
    sign_in_code: Option<String>,
    stateful: bool,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
    url: Option<String>,
    secret: Option<String>,
    positional: Vec<String>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, Failure> {
        let mut options = Options::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            if !name.starts_with("--") {
                options.positional.push(arg.clone());
                continue;
            }
            if name == "--stateful" {
                options.stateful = true;
                continue;
            }
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match name {
                "--port" => {
                    let port = value()?;
                    options.port = Some(
                        port.parse()
                            .map_err(|_| format!("--port {port}: not a port number"))?,
                    );
                }
                "--api-version" => options.api_version = Some(value()?),
                "--token" => options.token = Some(value()?),
                "--sign-in-code" => options.sign_in_code = Some(value()?),
                "--url" => options.url = Some(value()?),
                "--webhook-url" => options.webhook_url = Some(value()?),
                // Never echoed either.
                "--webhook-secret" => options.webhook_secret = Some(value()?),
                // Never echoed: it is a secret.
                "--secret" => options.secret = Some(value()?),
                other => return Err(format!("unknown option `{other}`").into()),
            }
        }
        Ok(options)
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::Run(format!("could not start the async runtime: {err}")))
}

fn serve(options: Options) -> Result<(), Failure> {
    if let Some(extra) = options.positional.first() {
        return Err(format!("serve takes no argument `{extra}`").into());
    }
    runtime()?.block_on(async {
        let mut builder = MockPolar::builder();
        if let Some(port) = options.port {
            builder = builder.port(port);
        }
        if let Some(version) = &options.api_version {
            builder = builder.default_api_version(version);
        }
        if let Some(token) = &options.token {
            builder = builder.org_token(token);
        }
        if let Some(code) = &options.sign_in_code {
            builder = builder.sign_in_code(code);
        }
        if options.stateful || options.webhook_url.is_some() {
            builder = builder.stateful();
        }
        let mock = builder
            .start()
            .await
            .map_err(|err| Failure::Run(err.to_string()))?;
        let version = options
            .api_version
            .clone()
            .unwrap_or_else(|| default_version().to_owned());
        let webhook_secret = match &options.webhook_url {
            Some(url) => {
                let secret = options
                    .webhook_secret
                    .clone()
                    .unwrap_or_else(|| MOCK_WEBHOOK_SECRET.to_owned());
                // Every event, as the default version's payloads.
                mock.register_webhook(url, &secret, &[], &version)
                    .map_err(|err| Failure::Usage(format!("--webhook-url: {err}")))?;
                Some(secret)
            }
            None => None,
        };
        // NAME=value lines a shell can source; stdout is flushed by
        // `println!` at each newline only when it is a terminal.
        println!("POLAR_API_BASE_URL={}", mock.url());
        println!(
            "POLAR_ACCESS_TOKEN={}",
            options.token.as_deref().unwrap_or(MockPolar::ORG_TOKEN)
        );
        println!("POLAR_API_VERSION={version}");
        println!(
            "POLAR_CUSTOMER_SESSION_TOKEN={}",
            MockPolar::CUSTOMER_SESSION_TOKEN
        );
        // The receiver needs it to verify; it is the mock's, not a real one.
        if let Some(secret) = webhook_secret {
            println!("POLAR_WEBHOOK_SECRET={secret}");
        }
        use std::io::Write;
        std::io::stdout()
            .flush()
            .map_err(|err| Failure::Run(format!("could not write to standard output: {err}")))?;
        eprintln!(
            "polar-mock: serving API versions {} on {} (Ctrl-C stops it)",
            polar_mock::api_versions().join(", "),
            mock.url()
        );
        std::future::pending::<()>().await;
        Ok(())
    })
}

/// The version `MockPolar` answers requests without a header as: the
/// Current one if this build has it, else the newest it has.
fn default_version() -> &'static str {
    let versions = polar_mock::api_versions();
    versions
        .iter()
        .copied()
        .find(|v| *v == polar_api::CURRENT_API_VERSION)
        .or_else(|| versions.last().copied())
        .unwrap_or(polar_api::CURRENT_API_VERSION)
}

/// `msg_` and the time in nanoseconds: unique per run on one machine.
fn delivery_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("msg_{nanos:x}")
}

fn trigger(options: Options) -> Result<(), Failure> {
    let [event] = options.positional.as_slice() else {
        return Err("trigger takes one EVENT, e.g. `order.paid`".into());
    };
    let url = options.url.as_deref().ok_or("trigger needs --url")?;
    let secret = options.secret.as_deref().ok_or("trigger needs --secret")?;
    let secret = WebhookSecret::new(secret).map_err(|err| format!("--secret: {err}"))?;
    let known = polar_mock::api_versions();
    if let Some(version) = &options.api_version {
        if !known.contains(&version.as_str()) {
            return Err(
                format!("API version {version} is not in this build (it has {known:?})").into(),
            );
        }
    }
    let version = options.api_version.as_deref().unwrap_or(default_version());
    let delivery = Delivery::fixture(version, event).ok_or_else(|| {
        Failure::Usage(format!(
            "API version {version} has no webhook event `{event}`"
        ))
    })?;
    // A new `webhook-id` per delivery, as Polar gives (a receiver that
    // de-duplicates by it would skip the second of two runs otherwise).
    let signed = delivery.id(delivery_id()).sign(&secret);
    runtime()?.block_on(async {
        let client = reqwest::Client::new();
        let response = signed
            .send(&client, url)
            .await
            .map_err(|err| Failure::Run(format!("could not deliver to {url}: {err}")))?;
        let status = response.status();
        println!("{event} ({version}, webhook-id {}): {status}", signed.id());
        if status.is_success() {
            Ok(())
        } else {
            Err(Failure::Run(format!("{url} answered {status}")))
        }
    })
}
