//! Helpers the examples share (not an example itself: cargo only runs
//! `examples/*.rs` and `examples/*/main.rs`).

// Each example uses some of these.
#![allow(dead_code)]

/// The value of an environment variable, or `None` when it is unset or blank.
pub fn env(name: &str) -> Option<String> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Where the examples send their requests: the Polar sandbox, or the server
/// named by `POLAR_API_BASE_URL` (e.g. a local mock started with
/// `polar-mock serve`, which prints that variable).
pub fn server<V: polar_api::ApiVersion>(
    builder: polar_api::ClientBuilder<V>,
) -> polar_api::ClientBuilder<V> {
    match env("POLAR_API_BASE_URL") {
        Some(url) => builder.base_url(url),
        None => builder.sandbox(),
    }
}

/// Polar's amounts are in the currency's minor unit (cents for USD/EUR).
pub fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    format!(
        "{sign}{}.{:02} {}",
        minor / 100,
        minor % 100,
        currency.to_uppercase()
    )
}
