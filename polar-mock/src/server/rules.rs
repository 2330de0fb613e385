//! What a test changes about the mock's answers: an operation's answer
//! replaced ([`Answer`]), or a fault injected before it ([`Fault`]), for
//! every request or the next few, registered with [`MockPolar::when`].
//!
//! [`MockPolar::when`]: crate::MockPolar::when

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use serde::Serialize;

/// An answer that replaces an operation's fixture: a status, headers and
/// a body. Requests are still routed, authenticated and validated first
/// (a 401 or a 422 comes before it); the `Polar-Version` header is added.
#[derive(Clone)]
pub struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
}

impl Answer {
    /// `status` with `body` as JSON: a model (`fixtures::v2026_10::order()`
    /// with a change), or a `serde_json::json!` value.
    ///
    /// # Panics
    ///
    /// If `body` cannot be written as JSON (a map with keys that are not
    /// strings).
    pub fn json(status: u16, body: &impl Serialize) -> Answer {
        let body = serde_json::to_vec(body).expect("an answer's body serializes to JSON");
        Answer::status(status)
            .header("content-type", "application/json")
            .with_body(body)
    }

    /// Polar's error shape, `{"error": error, "detail": detail}`, with
    /// `status` (`Answer::error(404, "ResourceNotFound", "Not found")`).
    pub fn error(status: u16, error: &str, detail: &str) -> Answer {
        Answer::json(
            status,
            &serde_json::json!({"error": error, "detail": detail}),
        )
    }

    /// `status` without a body.
    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// The answer with `body` (bytes as given; set its `content-type`).
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The answer with a header (replacing one of the same name).
    ///
    /// # Panics
    ///
    /// If `name` or `value` is not a valid header name or value.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(value).expect("a valid header value");
        self.headers.retain(|(existing, _)| *existing != name);
        self.headers.push((name, value));
        self
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A fault injected in place of (or on the way to) an operation's answer,
/// to test a client's retries and error paths. A fault comes after the
/// request is routed and before it is authenticated: what a rate limiter,
/// a proxy or the network does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `429 Too Many Requests` with `Retry-After` (whole seconds, rounded
    /// up) and the body `{"detail": "Too Many Requests"}` (the mock's own;
    /// Polar documents no body for it).
    TooManyRequests {
        /// How long the client is asked to wait.
        retry_after: Duration,
    },
    /// This status (a 500, 502, 503 or 504, say) with its reason phrase as
    /// a `text/plain` body, as a server or proxy in front of the API
    /// answers.
    Status(u16),
    /// Wait this long, then answer as usual.
    Delay(Duration),
    /// Answer as usual, but close the connection after the headers and
    /// half of the body (the `Content-Length` announces all of it).
    CloseMidResponse,
    /// Close the connection without answering.
    CloseWithoutResponse,
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Answer(Answer),
    Fault(Fault),
}

#[derive(Debug)]
struct Rule {
    operation: Option<String>,
    version: Option<String>,
    remaining: Option<usize>,
    action: Action,
}

/// The registered rules; the newest matching one applies.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    rules: Mutex<Vec<Rule>>,
}

impl Rules {
    fn add(&self, rule: Rule) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rule);
    }

    pub(crate) fn clear(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The newest fault for this operation and version, used once.
    pub(crate) fn take_fault(&self, operation: &str, version: &str) -> Option<Fault> {
        self.take(operation, version, |action| match action {
            Action::Fault(fault) => Some(fault.clone()),
            Action::Answer(_) => None,
        })
    }

    /// The newest answer for this operation and version, used once.
    pub(crate) fn take_answer(&self, operation: &str, version: &str) -> Option<Answer> {
        self.take(operation, version, |action| match action {
            Action::Answer(answer) => Some(answer.clone()),
            Action::Fault(_) => None,
        })
    }

    fn take<T>(
        &self,
        operation: &str,
        version: &str,
        pick: impl Fn(&Action) -> Option<T>,
    ) -> Option<T> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        for rule in rules.iter_mut().rev() {
            let applies = rule.operation.as_deref().is_none_or(|o| o == operation)
                && rule.version.as_deref().is_none_or(|v| v == version)
                && rule.remaining != Some(0);
            if !applies {
                continue;
            }
            if let Some(found) = pick(&rule.action) {
                if let Some(remaining) = rule.remaining.as_mut() {
                    *remaining -= 1;
                }
                return Some(found);
            }
        }
        None
    }
}

/// A rule being written: which requests it applies to, and how often.
/// Finish it with [`respond`](When::respond) or [`fail`](When::fail).
#[must_use = "a rule applies once `respond` or `fail` registers it"]
pub struct When<'a> {
    rules: &'a Rules,
    operation: Option<String>,
    version: Option<String>,
    times: Option<usize>,
}

impl<'a> When<'a> {
    pub(crate) fn new(rules: &'a Rules, operation: Option<String>) -> Self {
        When {
            rules,
            operation,
            version: None,
            times: None,
        }
    }

    /// Only for requests of this API version (`"2026-10"`).
    pub fn version(mut self, version: &str) -> Self {
        self.version = Some(version.to_owned());
        self
    }

    /// Only for the next `n` matching requests (default: all of them).
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Answer with `answer` instead of the operation's fixture.
    pub fn respond(self, answer: Answer) {
        self.register(Action::Answer(answer));
    }

    /// Inject `fault`.
    pub fn fail(self, fault: Fault) {
        self.register(Action::Fault(fault));
    }

    fn register(self, action: Action) {
        self.rules.add(Rule {
            operation: self.operation,
            version: self.version,
            remaining: self.times,
            action,
        });
    }
}
