//! polar-mock against our own client: every operation of every pinned API
//! version, called through that version's generated client (with every
//! parameter and body set, as the conformance cases call them) against
//! polar-mock's stateless server, is routed to its operation, accepted
//! (validated against the spec and decoded into the client's own input
//! types by the mock: the client's encoding and the mock's decoding agree),
//! answered with the operation's success status, and its answer — the
//! fixture of its response schema — decodes strictly (no `Unknown`).
//!
//! The cases are the conformance test's (`generated/conformance_*.rs`); the
//! types they are written against (`Case`, `Clients`, the tokens) are
//! declared here with the same shape as in `conformance.rs`, and
//! `check_version` runs them against the mock instead of wiremock.

use std::future::Future;
use std::pin::Pin;

use polar_api::{
    ApiVersion, Client, CustomerPortalClient, CustomerSessionToken, MemberSessionToken, NoSession,
};
use polar_mock::MockPolar;
use serde_json::Value;

#[path = "generated/conformance_cases.rs"]
pub mod cases;

pub const ORG_TOKEN: &str = "polar_oat_conformance_token";
pub const CUSTOMER_SESSION_TOKEN: &str = "polar_cst_conformance_token";
pub const MEMBER_SESSION_TOKEN: &str = "polar_mst_conformance_token";

/// The sign-in operation that needs a code the mock accepts.
const AUTHENTICATE: &str = "customer_portal:customer-session:authenticate";

pub type CaseFuture = Pin<Box<dyn Future<Output = Result<Value, String>> + Send>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    Json,
    Empty,
    Csv,
}

pub struct Clients<V: ApiVersion> {
    pub org: Client<V>,
    pub public: Client<V>,
    pub portal: CustomerPortalClient<V, CustomerSessionToken>,
    pub member: CustomerPortalClient<V, MemberSessionToken>,
    pub public_portal: CustomerPortalClient<V, NoSession>,
}

#[allow(dead_code)] // the expected request is the wiremock test's business
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
async fn every_operation_of_every_version_is_accepted_by_the_mock_and_its_answer_decodes() {
    let checked = cases::every_version().await;
    let pinned: Vec<String> = polar_tests::pins().into_iter().map(|p| p.version).collect();
    assert_eq!(checked, pinned, "every pinned version is checked");
}

/// Every case of version `V` against one mock; panics listing every
/// problem.
pub async fn check_version<V: ApiVersion>(cases: Vec<Case<V>>) {
    let mut builder = MockPolar::builder()
        .org_token(ORG_TOKEN)
        .default_api_version(V::NAME);
    // The case sends the code its spec-built body holds: that code is the
    // one the test "received by email".
    for case in cases.iter().filter(|c| c.operation_id == AUTHENTICATE) {
        let body: Value = serde_json::from_str(case.body.expect("a body")).expect("JSON");
        builder = builder.sign_in_code(body["code"].as_str().expect("a code"));
    }
    let mock = builder.start().await.expect("the mock starts");
    let clients = clients::<V>(&mock.url());
    let mut failures = Vec::new();
    for case in &cases {
        mock.clear_received();
        let outcome = {
            let _strict = polar_models::__private::strict_guard();
            (case.call)(&clients).await
        };
        let received = mock.received();
        let mut problems = Vec::new();
        match received.as_slice() {
            [request] => {
                if request.operation_id != Some(case.operation_id) {
                    problems.push(format!("routed to {:?}", request.operation_id));
                }
                if request.api_version != Some(V::NAME) {
                    problems.push(format!("answered as {:?}", request.api_version));
                }
                if request.status != Some(case.status) {
                    problems.push(format!(
                        "answered {:?} instead of {}",
                        request.status, case.status
                    ));
                }
            }
            other => problems.push(format!("the mock received {} requests", other.len())),
        }
        if let Err(err) = outcome {
            problems.push(format!("the call failed: {err}"));
        }
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

fn clients<V: ApiVersion>(base_url: &str) -> Clients<V> {
    let org = Client::<V>::builder()
        .token(ORG_TOKEN)
        .base_url(base_url)
        .no_retries()
        .build()
        .expect("a client for the mock");
    let public = Client::<V>::builder()
        .base_url(base_url)
        .no_retries()
        .build_anonymous()
        .expect("an anonymous client");
    Clients {
        portal: org.customer_portal_with(CUSTOMER_SESSION_TOKEN),
        member: org.member_portal_with(MEMBER_SESSION_TOKEN),
        public_portal: org.public_portal(),
        org,
        public,
    }
}
