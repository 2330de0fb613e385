//! The hardened runtime: deadlines and per-request options, what a timeout
//! says about the request, idempotency keys, credentials in base URLs, error
//! bodies kept out of `Debug`, a shared client core, and request hooks.

mod common;

use polar_api::v2026_10::Client;
use polar_api::{Error, Server};

// ---------------------------------------------------------------------------
// Credentials in a base URL are never echoed
// ---------------------------------------------------------------------------

#[test]
fn base_url_credentials_are_never_echoed() {
    const USER: &str = "alice_the_user";
    const PASS: &str = "hunter2_SeCrEt";
    let urls = [
        format!("https://{USER}:{PASS}@example.com"),
        format!("https://{USER}:{PASS}@example.com/?a=b"),
        format!("https://{USER}:{PASS}@example.com/#frag"),
        format!("ftp://{USER}:{PASS}@example.com"),
        format!("https://{USER}:{PASS}@example.com/v1"),
        format!("https://{USER}:{PASS}@example.com:99999999"),
        format!("https://{USER}:{PASS}@exa mple.com"),
        format!("https://{USER}@example.com/?q"),
        format!("  https://{USER}:{PASS}@example.com/v1/  "),
    ];
    for url in urls {
        let err = Client::builder()
            .token("polar_oat_x")
            .server(Server::Custom(url.clone()))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(USER), "{url}: the user is echoed: {text}");
            assert!(!text.contains(PASS), "{url}: the password is echoed: {text}");
        }
    }
}
