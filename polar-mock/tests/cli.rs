//! The `polar-mock` binary as a test of another language's would use it:
//! `serve` prints where it listens and the token, then answers; `trigger`
//! signs and sends a delivery; mistakes in the arguments exit 2 and say
//! why, never echoing a secret.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use polar_api::v2026_10::models::{
    CheckoutProductsCreate, CustomerIndividualCreate, ProductCreateRecurring,
    ProductPriceFixedCreate, RecurringInterval,
};
use polar_api::v2026_10::Client;
use polar_api::webhooks::{Webhook, WebhookSecret};

const BIN: &str = env!("CARGO_BIN_EXE_polar-mock");

/// A `polar-mock serve` process, killed on drop.
struct Served {
    child: Child,
    variables: Vec<(String, String)>,
}

impl Served {
    /// `polar-mock serve ARGS`, once it has printed `lines` variables.
    fn start(args: &[&str], lines: usize) -> Served {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("polar-mock runs");
        let stdout = child.stdout.take().unwrap();
        let variables = BufReader::new(stdout)
            .lines()
            .take(lines)
            .map(|line| {
                let line = line.unwrap();
                let (name, value) = line.split_once('=').expect("NAME=value");
                (name.to_owned(), value.to_owned())
            })
            .collect();
        Served { child, variables }
    }

    fn get(&self, name: &str) -> &str {
        let (_, value) = self
            .variables
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", self.variables));
        value
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn serve_prints_what_a_client_needs_and_answers_it() {
    let served = Served::start(&["--token", "polar_oat_from_the_cli"], 4);
    assert_eq!(served.get("POLAR_ACCESS_TOKEN"), "polar_oat_from_the_cli");
    assert_eq!(served.get("POLAR_API_VERSION"), "2026-10");
    let base_url = served.get("POLAR_API_BASE_URL");
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let client: Client = Client::builder()
        .token(served.get("POLAR_ACCESS_TOKEN"))
        .base_url(base_url)
        .build()
        .unwrap();
    let page = client.products().list().send().await.unwrap();
    assert_eq!(
        page.items,
        polar_mock::fixtures::v2026_10::list_resource_product().items
    );

    // The token given replaces nothing: a wrong one is refused.
    let stranger: Client = Client::builder()
        .token("polar_oat_stranger")
        .base_url(base_url)
        .no_retries()
        .build()
        .unwrap();
    let err = stranger.products().list().send().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
}

#[tokio::test]
async fn trigger_sends_a_delivery_the_sdk_verifies() {
    let secret = "whsec_Y2xpLXRyaWdnZXItdGVzdC1zZWNyZXQtMzItYnl0ZXM=";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let trigger = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["trigger", "order.paid", "--url", &url, "--secret", secret])
            .output()
            .unwrap()
    });

    let (headers, body) = receive_one(&listener).await;
    let webhook = Webhook::new(WebhookSecret::new(secret).unwrap());
    let event = webhook
        .verify_event::<polar_api::v2026_10::WebhookPayload, _>(&headers, &body)
        .unwrap();
    assert_eq!(event.event.unwrap().event_type(), "order.paid");

    let output = trigger.await.unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("204"), "{printed}");
}

#[tokio::test]
async fn serve_with_a_webhook_url_keeps_state_and_sends_its_events() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let served = Served::start(&["--webhook-url", &url], 5);
    let client: Client = Client::builder()
        .token(served.get("POLAR_ACCESS_TOKEN"))
        .base_url(served.get("POLAR_API_BASE_URL"))
        .build()
        .unwrap();

    // Stateful: what is created is there to read back.
    let created = client
        .customers()
        .create(CustomerIndividualCreate::new("ada@example.com".into()).external_id("user_42"))
        .send()
        .await
        .unwrap();
    let read = client
        .customers()
        .get_external("user_42")
        .send()
        .await
        .unwrap();
    assert_eq!(read.id(), created.id());

    // And the change reached the app, signed with the secret printed.
    let (headers, body) = receive_one(&listener).await;
    let secret = WebhookSecret::new(served.get("POLAR_WEBHOOK_SECRET")).unwrap();
    let event = Webhook::new(secret)
        .verify_event::<polar_api::v2026_10::WebhookPayload, _>(&headers, &body)
        .unwrap();
    assert_eq!(event.event.unwrap().event_type(), "customer.created");
}

#[tokio::test]
async fn the_test_helpers_over_http_drive_a_flow() {
    // Nobody listens at the webhook URL: deliveries are made and kept.
    let served = Served::start(&["--webhook-url", "http://127.0.0.1:9/hooks"], 5);
    let base_url = served.get("POLAR_API_BASE_URL");
    let client: Client = Client::builder()
        .token(served.get("POLAR_ACCESS_TOKEN"))
        .base_url(base_url)
        .build()
        .unwrap();
    let product = client
        .products()
        .create(ProductCreateRecurring::new(
            "Pro".into(),
            vec![ProductPriceFixedCreate::new(2500).into()],
            RecurringInterval::Month,
        ))
        .send()
        .await
        .unwrap();
    let checkout = client
        .checkouts()
        .create(CheckoutProductsCreate::new(vec![product.id]).customer_email("ada@example.com"))
        .send()
        .await
        .unwrap();

    let http = reqwest::Client::new();
    let post = |path: String| http.post(format!("{base_url}/__mock/{path}")).send();
    let paid: serde_json::Value = post(format!("checkouts/{}/complete", checkout.id))
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let subscription = paid["subscription_id"].as_str().expect("a recurring price");
    let read = client
        .subscriptions()
        .get(subscription.parse().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        read.customer_id.to_string(),
        paid["customer_id"].as_str().unwrap()
    );

    // A second completion is refused as the method refuses it.
    let again = post(format!("checkouts/{}/complete", checkout.id))
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let missing = post("subscriptions/00000000-0000-0000-0000-000000000000/revoke".into())
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let revoked = post(format!("subscriptions/{subscription}/revoke"))
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let object: serde_json::Value = http
        .get(format!("{base_url}/__mock/objects/{subscription}"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert_eq!(object["status"], "canceled");

    let deliveries: Vec<serde_json::Value> = http
        .get(format!("{base_url}/__mock/deliveries"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    let events: Vec<&str> = deliveries
        .iter()
        .filter_map(|d| d["event_type"].as_str())
        .collect();
    for expected in ["order.paid", "subscription.created", "subscription.revoked"] {
        assert!(events.contains(&expected), "{expected} in {events:?}");
    }
    // The helpers are not Polar's API: not among the requests received.
    let received: Vec<serde_json::Value> = http
        .get(format!("{base_url}/__mock/received"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert!(received
        .iter()
        .all(|r| !r["path"].as_str().unwrap().starts_with("/__mock")));
    assert!(received
        .iter()
        .any(|r| r["operation_id"] == "checkouts:create"));
}

#[tokio::test]
async fn a_stateless_mock_refuses_the_state_helpers() {
    let served = Served::start(&[], 4);
    let base_url = served.get("POLAR_API_BASE_URL");
    let http = reqwest::Client::new();
    let url = format!("{base_url}/__mock/checkouts/00000000-0000-0000-0000-000000000000/complete");
    let answer = http.post(url).send().await.unwrap();
    assert_eq!(answer.status(), 409);
    let said: serde_json::Value = answer
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert!(
        said["detail"].as_str().unwrap().contains("--stateful"),
        "{said}"
    );
    let about: serde_json::Value = http
        .get(format!("{base_url}/__mock/"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap();
    assert_eq!(about["stateful"], false);
}

/// One HTTP/1.1 request accepted on `listener`, read whole (headers, then
/// `Content-Length` bytes), answered `204`: its headers (names lowercase)
/// and body.
async fn receive_one(
    listener: &tokio::net::TcpListener,
) -> (std::collections::HashMap<String, String>, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (mut socket, _) = listener.accept().await.unwrap();
    let mut raw = Vec::new();
    let (head, body) = loop {
        let mut chunk = [0u8; 8192];
        let n = socket.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed before a whole request");
        raw.extend_from_slice(&chunk[..n]);
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8(raw[..end].to_vec()).unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(str::to_owned)
            })
            .unwrap()
            .parse()
            .unwrap();
        if raw.len() >= end + 4 + length {
            break (head, raw[end + 4..end + 4 + length].to_vec());
        }
    };
    socket
        .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    drop(socket);

    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    let headers: std::collections::HashMap<String, String> = headers.into_iter().collect();
    (headers, body)
}

#[test]
fn mistakes_exit_2_and_say_why_without_the_secret() {
    let run = |args: &[&str]| {
        let output = Command::new(BIN).args(args).output().unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, said) = run(&[
        "trigger",
        "order.paid",
        "--url",
        "http://127.0.0.1:9/",
        "--secret",
        "whsec_c2hvcnQ=",
    ]);
    assert_eq!(code, Some(2));
    assert!(said.contains("--secret"), "{said}");
    assert!(!said.contains("c2hvcnQ"), "{said}");

    let (code, said) = run(&[
        "trigger",
        "no.such_event",
        "--url",
        "http://127.0.0.1:9/",
        "--secret",
        "whsec_Y2xpLXRyaWdnZXItdGVzdC1zZWNyZXQtMzItYnl0ZXM=",
    ]);
    assert_eq!(code, Some(2));
    assert!(said.contains("no.such_event"), "{said}");
    assert!(
        !said.contains("Y2xpLXRyaWdnZXItdGVzdC1zZWNyZXQtMzItYnl0ZXM"),
        "{said}"
    );

    let (code, said) = run(&["serve", "--port", "seventy"]);
    assert_eq!(code, Some(2));
    assert!(said.contains("--port seventy"), "{said}");

    let (code, _) = run(&["frobnicate"]);
    assert_eq!(code, Some(2));
    let (code, said) = run(&["versions"]);
    assert_eq!(code, Some(0));
    assert_eq!(said, "");
}
