//! Conformance: every operation of every pinned API version, called through
//! that version's generated client against a mock server on 127.0.0.1,
//! sends the request the spec defines (with `Polar-Version` set to the
//! version) and decodes the response the spec describes.
//!
//! The cases (`generated/conformance_<version>.rs`) are generated from each
//! version's spec by `cargo xtask regen`: each sets every parameter and body
//! from values built from the spec, and states the expected method, path,
//! query, auth, content type and body. This file runs them and compares.

use std::future::Future;
use std::pin::Pin;

use polar_api::{
    ApiVersion, Client, CustomerPortalClient, CustomerSessionToken, MemberSessionToken, NoSession,
};
use polar_tests::first_difference;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "generated/conformance_cases.rs"]
pub mod cases;

/// The tokens the clients authenticate with; each appears only here.
pub const ORG_TOKEN: &str = "polar_oat_conformance_token";
pub const CUSTOMER_SESSION_TOKEN: &str = "polar_cst_conformance_token";
pub const MEMBER_SESSION_TOKEN: &str = "polar_mst_conformance_token";

/// What a case's call resolves to: the decoded response, encoded back to
/// JSON (`null` for no body, a string for CSV).
pub type CaseFuture = Pin<Box<dyn Future<Output = Result<Value, String>> + Send>>;

/// What the success response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    Json,
    Empty,
    Csv,
}

/// One client per kind of credentials, all pointed at the mock server.
pub struct Clients<V: ApiVersion> {
    pub org: Client<V>,
    pub public: Client<V>,
    pub portal: CustomerPortalClient<V, CustomerSessionToken>,
    pub member: CustomerPortalClient<V, MemberSessionToken>,
    /// For the portal operations the API leaves public.
    pub public_portal: CustomerPortalClient<V, NoSession>,
}

/// One operation: how to call it and what the spec says about the exchange.
pub struct Case<V: ApiVersion> {
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub token: Option<&'static str>,
    pub content_type: Option<&'static str>,
    pub body: Option<&'static str>,
    pub status: u16,
    pub kind: ResponseKind,
    pub response: Option<&'static str>,
    pub call: fn(&Clients<V>) -> CaseFuture,
}

#[tokio::test]
async fn every_operation_of_every_version_sends_what_the_spec_defines() {
    let checked = cases::every_version().await;
    let pinned: Vec<String> = polar_tests::pins().into_iter().map(|p| p.version).collect();
    assert_eq!(checked, pinned, "every pinned version is checked");
}

/// Every case of version `V` against a fresh mock server; panics listing
/// every problem.
pub async fn check_version<V: ApiVersion>(cases: Vec<Case<V>>) {
    let server = MockServer::start().await;
    let clients = clients::<V>(&server.uri());
    let spec = polar_tests::spec(V::NAME);
    let operations = spec
        .paths
        .values()
        .map(|item| item.operations().count())
        .sum::<usize>();
    assert_eq!(
        cases.len(),
        operations,
        "{}: one case per operation: run `cargo xtask regen`",
        V::NAME
    );

    let mut failures = Vec::new();
    for case in &cases {
        server.reset().await;
        Mock::given(any())
            .respond_with(response(case))
            .mount(&server)
            .await;
        // Strict: a spec-built response must not land in an `Unknown` variant.
        let outcome = {
            let _strict = polar_models::__private::strict_guard();
            (case.call)(&clients).await
        };
        let requests = server.received_requests().await.expect("recording is on");
        let problems = check(case, &requests, outcome);
        failures.extend(
            problems
                .into_iter()
                .map(|p| format!("{}: {p}", case.operation_id)),
        );
    }
    assert!(
        failures.is_empty(),
        "{}: {} problems in {} operations:\n{}",
        V::NAME,
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

pub fn clients<V: ApiVersion>(base_url: &str) -> Clients<V> {
    let org = Client::<V>::builder()
        .token(ORG_TOKEN)
        .base_url(base_url)
        .no_retries()
        .build()
        .expect("a client for the mock server");
    let public = Client::<V>::builder()
        .base_url(base_url)
        .no_retries()
        .build_anonymous()
        .expect("an anonymous client");
    let portal = org.customer_portal_with(CUSTOMER_SESSION_TOKEN);
    let member = org.member_portal_with(MEMBER_SESSION_TOKEN);
    let public_portal = org.public_portal();
    Clients {
        org,
        public,
        portal,
        member,
        public_portal,
    }
}

fn response<V: ApiVersion>(case: &Case<V>) -> ResponseTemplate {
    let template = ResponseTemplate::new(case.status);
    match (case.kind, case.response) {
        (ResponseKind::Json, Some(body)) => template.set_body_raw(body, "application/json"),
        (ResponseKind::Csv, Some(body)) => template.set_body_raw(body, "text/csv"),
        _ => template,
    }
}

fn check<V: ApiVersion>(
    case: &Case<V>,
    requests: &[wiremock::Request],
    outcome: Result<Value, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let [request] = requests else {
        problems.push(format!(
            "expected exactly 1 request, the server saw {}",
            requests.len()
        ));
        return problems;
    };
    if request.method.as_str() != case.method {
        problems.push(format!(
            "method {} instead of {}",
            request.method, case.method
        ));
    }
    if request.url.path() != case.path {
        problems.push(format!(
            "path {} instead of {}",
            request.url.path(),
            case.path
        ));
    }
    let mut sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let mut expected: Vec<(String, String)> = case
        .query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    sent.sort();
    expected.sort();
    if sent != expected {
        problems.push(format!("query {sent:?} instead of {expected:?}"));
    }
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if header("polar-version").as_deref() != Some(V::NAME) {
        problems.push(format!(
            "polar-version {:?} instead of {:?}",
            header("polar-version"),
            V::NAME
        ));
    }
    match case.token {
        Some(token) => {
            let expected = format!("Bearer {token}");
            if header("authorization").as_deref() != Some(expected.as_str()) {
                problems.push(format!(
                    "authorization {:?} instead of the operation's token",
                    header("authorization")
                ));
            }
        }
        // A public operation must not leak any credentials.
        None => {
            if let Some(sent) = header("authorization") {
                problems.push(format!(
                    "authorization {sent:?} sent to an operation that takes none"
                ));
            }
        }
    }
    match (case.content_type, case.body) {
        (Some(content_type), Some(body)) => {
            let sent_type = header("content-type").unwrap_or_default();
            if !sent_type.starts_with(content_type) {
                problems.push(format!(
                    "content-type {sent_type:?} instead of {content_type:?}"
                ));
            }
            if let Some(problem) = compare_body(content_type, body, &request.body) {
                problems.push(problem);
            }
        }
        _ if !request.body.is_empty() => {
            problems.push(format!(
                "a body was sent: {}",
                String::from_utf8_lossy(&request.body)
            ));
        }
        _ => {}
    }
    match outcome {
        Err(err) => problems.push(format!("the call failed: {err}")),
        Ok(value) => {
            let expected = match (case.kind, case.response) {
                (ResponseKind::Json, Some(body)) => serde_json::from_str(body).expect("case JSON"),
                (ResponseKind::Csv, Some(body)) => Value::String(body.to_owned()),
                _ => Value::Null,
            };
            if let Some(diff) = first_difference(&expected, &value) {
                problems.push(format!("response decoded differently: {diff}"));
            }
        }
    }
    problems
}

fn compare_body(content_type: &str, expected: &str, sent: &[u8]) -> Option<String> {
    if content_type == "application/x-www-form-urlencoded" {
        let mut expected: Vec<(String, String)> = url::form_urlencoded::parse(expected.as_bytes())
            .into_owned()
            .collect();
        let mut sent: Vec<(String, String)> =
            url::form_urlencoded::parse(sent).into_owned().collect();
        expected.sort();
        sent.sort();
        return (expected != sent).then(|| format!("form body {sent:?} instead of {expected:?}"));
    }
    let expected: Value = serde_json::from_str(expected).expect("case JSON");
    match serde_json::from_slice::<Value>(sent) {
        Ok(sent) => {
            first_difference(&expected, &sent).map(|diff| format!("JSON body differs: {diff}"))
        }
        Err(err) => Some(format!("the body is not JSON ({err})")),
    }
}
