//! The `polar.request` span: its fields, and that it records no secrets.

mod common;

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use common::{client, send_json, TOKEN};
use polar_api::__private::{Method, Request};
use serde_json::{json, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records every span name and field our spans and events carry.
#[derive(Default)]
struct Recorder {
    next_id: AtomicU64,
    lines: Arc<Mutex<Vec<String>>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}:", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record:");
        values.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}:", event.metadata().target());
        event.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn request_span_has_template_status_and_attempt_but_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client(&server);

    let recorder = Recorder::default();
    let lines = Arc::clone(&recorder.lines);
    let dispatch = tracing::Dispatch::new(recorder);
    let _guard = tracing::dispatcher::set_default(&dispatch);

    let request = Request::new(Method::GET, "customers:get", "/v1/customers/{id}")
        .path_param("id", "cus_private_id")
        .query("email", "someone@example.com");
    send_json::<Value>(&client, request).await.unwrap();

    let lines = lines.lock().unwrap().join("\n");
    let span = lines
        .lines()
        .find(|l| l.starts_with("span polar.request:"))
        .unwrap_or_else(|| panic!("no polar.request span in:\n{lines}"));
    assert!(span.contains(r#"operation="customers:get""#), "{span}");
    assert!(span.contains("method=GET"), "{span}");
    assert!(span.contains(r#"path="/v1/customers/{id}""#), "{span}");
    assert!(lines.contains("record: attempt=2"), "{lines}");
    assert!(lines.contains("record: status=503"), "{lines}");
    assert!(lines.contains("record: status=200"), "{lines}");
    for secret in [TOKEN, "cus_private_id", "someone@example.com"] {
        assert!(!lines.contains(secret), "`{secret}` recorded in:\n{lines}");
    }
}
