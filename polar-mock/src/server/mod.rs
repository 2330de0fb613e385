//! The stateless mock server: every operation of every API version this
//! build includes, answered with its fixture after the request is checked
//! the way Polar checks it. See the crate docs for what is validated.

mod body;
mod control;
pub(crate) mod decode;
mod handle;
mod helpers;
mod received;
mod routes;
mod rules;
mod sign_in;
mod state;
pub(crate) mod table;
mod validate;

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use polar_api::{ApiVersion, Client, ClientBuilder};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

pub use received::ReceivedRequest;
pub use rules::{Answer, Fault, When};

use body::MockBody;
use handle::{Outcome, Routed};
use rules::Rules;
use sign_in::SignIn;

use crate::store::Store;
use crate::webhooks::{Webhooks, DEFAULT_RETRY_SCHEDULE, DEFAULT_WEBHOOK_TIMEOUT};

/// The largest request body the mock reads: 16 MiB (it answers `413` to a
/// larger one).
pub const MAX_BODY_SIZE: usize = 16 * 1024 * 1024;

/// How many received requests a mock keeps by default (the newest; see
/// [`MockPolarBuilder::received_limit`]).
pub const DEFAULT_RECEIVED_LIMIT: usize = 10_000;

/// A local Polar on `127.0.0.1`, on a free port, for one test: every
/// operation of every API version this build includes answers with its
/// fixture. Dropping it stops the server and closes its connections.
///
/// Start it inside a tokio runtime (`#[tokio::test]`): it runs as tasks of
/// that runtime.
pub struct MockPolar {
    shared: Arc<Shared>,
    address: SocketAddr,
    server: JoinHandle<()>,
}

/// What the server's tasks and the handle share.
pub(crate) struct Shared {
    /// The version of requests that name none.
    pub(crate) default_version: &'static str,
    pub(crate) org_tokens: Vec<String>,
    pub(crate) rules: Rules,
    pub(crate) received: Mutex<VecDeque<ReceivedRequest>>,
    pub(crate) received_limit: usize,
    pub(crate) sign_in: Mutex<SignIn>,
    /// Whether the store answers the operations it keeps.
    pub(crate) stateful: bool,
    /// `http://127.0.0.1:<port>`.
    pub(crate) base_url: String,
    pub(crate) store: Mutex<Store>,
    pub(crate) webhooks: Webhooks,
}

impl Shared {
    /// Run `change` on the store, then queue the deliveries of the events
    /// it emitted.
    pub(crate) fn with_store<T>(&self, change: impl FnOnce(&mut Store) -> T) -> T {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let result = change(&mut store);
        let emitted = std::mem::take(&mut store.outbox);
        for event in emitted {
            for endpoint in store
                .endpoints
                .iter()
                .filter(|e| e.wants(&event.event_type))
            {
                if let Some(body) =
                    helpers::payload(endpoint.api_version, &event.event_type, &event.data)
                {
                    self.webhooks.queue(&event.event_type, endpoint, body);
                }
            }
        }
        result
    }
}

/// Configures a [`MockPolar`] before it starts.
#[derive(Debug, Clone)]
pub struct MockPolarBuilder {
    org_tokens: Vec<String>,
    default_version: Option<String>,
    sign_in_code: Option<String>,
    port: u16,
    received_limit: usize,
    stateful: bool,
    retry_schedule: Vec<Duration>,
    webhook_timeout: Duration,
}

impl Default for MockPolarBuilder {
    fn default() -> Self {
        MockPolarBuilder {
            org_tokens: Vec::new(),
            default_version: None,
            sign_in_code: None,
            port: 0,
            received_limit: DEFAULT_RECEIVED_LIMIT,
            stateful: false,
            retry_schedule: DEFAULT_RETRY_SCHEDULE.to_vec(),
            webhook_timeout: DEFAULT_WEBHOOK_TIMEOUT,
        }
    }
}

/// Why a mock did not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The port could not be bound.
    Bind(io::Error),
    /// The build includes no API version (every `v…` feature is off).
    NoVersion,
    /// The default version asked for is not one this build includes.
    UnknownVersion(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind(err) => write!(f, "the mock could not bind 127.0.0.1: {err}"),
            StartError::NoVersion => {
                write!(f, "polar-mock was built without any API version feature")
            }
            StartError::UnknownVersion(version) => write!(
                f,
                "API version {version} is not in this build of polar-mock (it has {:?})",
                crate::api_versions()
            ),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Bind(err) => Some(err),
            _ => None,
        }
    }
}

impl MockPolarBuilder {
    /// Accept this organization access token too (the mock always accepts
    /// [`MockPolar::ORG_TOKEN`]).
    #[must_use]
    pub fn org_token(mut self, token: impl Into<String>) -> Self {
        self.org_tokens.push(token.into());
        self
    }

    /// Answer requests without a `Polar-Version` header as this version
    /// (default: Polar's Current version when this crate was generated, if
    /// the build includes it, else the newest one it includes).
    #[must_use]
    pub fn default_api_version(mut self, version: impl Into<String>) -> Self {
        self.default_version = Some(version.into());
        self
    }

    /// A customer-portal sign-in code that is always good (besides those
    /// the mock hands out when a code is requested): for a test that types
    /// a code it knows in advance.
    #[must_use]
    pub fn sign_in_code(mut self, code: impl Into<String>) -> Self {
        self.sign_in_code = Some(code.into());
        self
    }

    /// Keep the newest `limit` received requests (default
    /// [`DEFAULT_RECEIVED_LIMIT`]), so that a long run does not grow
    /// without bound; `0` keeps none.
    #[must_use]
    pub fn received_limit(mut self, limit: usize) -> Self {
        self.received_limit = limit;
        self
    }

    /// Keep state: the operations on products, customers, checkouts,
    /// orders, subscriptions, benefits and their grants, license keys,
    /// customer sessions (and the portal they open), usage events, meters,
    /// refunds and webhook endpoints read and change the mock's objects
    /// instead of answering fixtures, and changes send webhooks. See the
    /// crate docs, "The stateful mock".
    #[must_use]
    pub fn stateful(mut self) -> Self {
        self.stateful = true;
        self
    }

    /// The delays between the attempts of a webhook delivery that was not
    /// answered with a 2xx in time (default
    /// [`DEFAULT_RETRY_SCHEDULE`](crate::webhooks::DEFAULT_RETRY_SCHEDULE));
    /// empty: no retries.
    #[must_use]
    pub fn webhook_retry_schedule(mut self, delays: impl IntoIterator<Item = Duration>) -> Self {
        self.retry_schedule = delays.into_iter().collect();
        self
    }

    /// How long a webhook endpoint has to answer before the attempt counts
    /// as failed (default
    /// [`DEFAULT_WEBHOOK_TIMEOUT`](crate::webhooks::DEFAULT_WEBHOOK_TIMEOUT)).
    #[must_use]
    pub fn webhook_timeout(mut self, timeout: Duration) -> Self {
        self.webhook_timeout = timeout;
        self
    }

    /// Listen on this port of 127.0.0.1 instead of a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Start the mock.
    pub async fn start(self) -> Result<MockPolar, StartError> {
        let compiled: Vec<&'static str> = state::tables().map(|table| table.version).collect();
        let default_version = match self.default_version {
            Some(name) => compiled
                .iter()
                .copied()
                .find(|v| *v == name)
                .ok_or(StartError::UnknownVersion(name))?,
            None => compiled
                .iter()
                .copied()
                .find(|v| *v == polar_api::CURRENT_API_VERSION)
                .or_else(|| compiled.last().copied())
                .ok_or(StartError::NoVersion)?,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))
            .await
            .map_err(StartError::Bind)?;
        let address = listener.local_addr().map_err(StartError::Bind)?;
        let mut org_tokens = vec![MockPolar::ORG_TOKEN.to_owned()];
        org_tokens.extend(self.org_tokens);
        let shared = Arc::new(Shared {
            default_version,
            org_tokens,
            rules: Rules::default(),
            received: Mutex::new(VecDeque::new()),
            received_limit: self.received_limit,
            sign_in: Mutex::new(SignIn::new(self.sign_in_code)),
            stateful: self.stateful,
            base_url: format!("http://{address}"),
            store: Mutex::new(Store::new(default_version)),
            webhooks: Webhooks::new(self.retry_schedule, self.webhook_timeout),
        });
        let server = tokio::spawn(serve(listener, shared.clone()));
        Ok(MockPolar {
            shared,
            address,
            server,
        })
    }
}

impl MockPolar {
    /// The organization access token the mock accepts (and its clients
    /// send).
    pub const ORG_TOKEN: &'static str = "polar_oat_mock_organization_token";

    /// A customer session token the mock accepts for customer-portal
    /// operations. Any token starting with `polar_cst_` (a customer
    /// session) or `polar_mst_` (a member session) is accepted.
    pub const CUSTOMER_SESSION_TOKEN: &'static str = "polar_cst_mock_customer_session";

    /// A member session token the mock accepts, also for the operations
    /// that take a member session only.
    pub const MEMBER_SESSION_TOKEN: &'static str = "polar_mst_mock_member_session";

    /// Start a mock with the defaults: a free port of 127.0.0.1, the
    /// Current API version for requests that name none.
    ///
    /// # Panics
    ///
    /// If it cannot start ([`MockPolarBuilder::start`] says why): no free
    /// port, or a build without any API version.
    pub async fn start() -> MockPolar {
        MockPolar::builder()
            .start()
            .await
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// A builder, to change the defaults.
    pub fn builder() -> MockPolarBuilder {
        MockPolarBuilder::default()
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the mock listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A client builder of API version `V` for this mock: its base URL and
    /// [`ORG_TOKEN`](Self::ORG_TOKEN); change the retries or timeouts
    /// before building.
    pub fn client_builder<V: ApiVersion>(&self) -> ClientBuilder<V> {
        Client::<V>::builder()
            .token(Self::ORG_TOKEN)
            .base_url(self.url())
    }

    /// A client of API version `V` for this mock
    /// (`mock.client_for::<polar_api::v2026_04::Version>()`), with the
    /// default retries.
    pub fn client_for<V: ApiVersion>(&self) -> Client<V> {
        self.client_builder::<V>()
            .build()
            .expect("a client with a token and a loopback base URL builds")
    }

    /// Start a rule for operation `operation_id` (`"orders:get"`): replace
    /// its answer or inject a fault, for all requests or the next few.
    ///
    /// ```
    /// # #[cfg(feature = "v2026-10")]
    /// # async fn doc() {
    /// use std::time::Duration;
    /// use polar_mock::{Answer, Fault, MockPolar};
    ///
    /// let mock = MockPolar::start().await;
    /// mock.when("orders:get").times(2).fail(Fault::TooManyRequests { retry_after: Duration::from_secs(1) });
    /// mock.when("products:get").respond(Answer::error(404, "ResourceNotFound", "Product not found"));
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If no version of this build has an operation `operation_id` (a
    /// typo would otherwise make a rule that never applies).
    pub fn when(&self, operation_id: &str) -> When<'_> {
        let known =
            state::tables().any(|table| table.operations.iter().any(|op| op.id == operation_id));
        assert!(
            known,
            "no operation `{operation_id}` in any API version of this build"
        );
        When::new(&self.shared.rules, Some(operation_id.to_owned()))
    }

    /// Start a rule for every operation.
    pub fn when_any(&self) -> When<'_> {
        When::new(&self.shared.rules, None)
    }

    /// Remove every rule.
    pub fn reset_rules(&self) {
        self.shared.rules.clear();
    }

    /// Every request received so far (the newest
    /// [`received_limit`](MockPolarBuilder::received_limit) of them), oldest
    /// first.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// The requests received for one operation, oldest first.
    pub fn received_for(&self, operation_id: &str) -> Vec<ReceivedRequest> {
        self.received()
            .into_iter()
            .filter(|r| r.operation_id == Some(operation_id))
            .collect()
    }

    /// Forget the requests received so far.
    pub fn clear_received(&self) {
        self.shared
            .received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The newest customer-portal sign-in code requested for `email`: the
    /// code Polar would have emailed.
    pub fn last_sign_in_code(&self, email: &str) -> Option<String> {
        self.shared
            .sign_in
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last_code(email)
    }

    /// Stop the server and close its connections (dropping the mock does
    /// the same without waiting).
    pub async fn shutdown(mut self) {
        self.server.abort();
        let _ = (&mut self.server).await;
    }
}

impl Drop for MockPolar {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for MockPolar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockPolar")
            .field("url", &self.url())
            .field("default_api_version", &self.shared.default_version)
            .field("stateful", &self.shared.stateful)
            .finish_non_exhaustive()
    }
}

/// Accepts connections until aborted; the connections are tasks of a set
/// this future owns, so aborting it closes them all.
async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: wait for connections to close
            // rather than spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        while connections.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        connections.spawn(async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                async move { handle(&shared, request).await }
            });
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The connection is closed without an answer (an injected fault).
#[derive(Debug)]
struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the mock closes the connection (an injected fault)")
    }
}

impl std::error::Error for Closed {}

async fn handle(
    shared: &Shared,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<MockBody>, Closed> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_SIZE).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => {
            let response = handle::json_response(
                413,
                None,
                &serde_json::json!({"detail": "Request body too large"}),
            );
            record(shared, &parts, Bytes::new(), Routed::default(), Some(413));
            return Ok(response);
        }
        Err(_) => return Err(Closed),
    };
    // The test helpers: not Polar's API, so neither checked nor recorded.
    if parts.uri.path().starts_with(control::PREFIX) || parts.uri.path() == "/__mock" {
        return Ok(control::answer(shared, &parts, &body));
    }
    let mut routed = Routed::default();
    let outcome = handle::answer(shared, &parts, &body, &mut routed).await;
    match outcome {
        Outcome::Respond(response) => {
            record(
                shared,
                &parts,
                body,
                routed,
                Some(response.status().as_u16()),
            );
            Ok(response)
        }
        Outcome::Close => {
            record(shared, &parts, body, routed, None);
            Err(Closed)
        }
    }
}

fn record(
    shared: &Shared,
    parts: &http::request::Parts,
    body: Bytes,
    routed: Routed,
    status: Option<u16>,
) {
    let received = ReceivedRequest {
        operation_id: routed.operation_id,
        api_version: routed.api_version,
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body,
        status,
    };
    let mut kept = shared.received.lock().unwrap_or_else(|e| e.into_inner());
    kept.push_back(received);
    while kept.len() > shared.received_limit {
        kept.pop_front();
    }
}
