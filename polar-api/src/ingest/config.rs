//! [`IngestorBuilder`]: the ingestor's settings and their defaults.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::failure::Failure;
use super::handle::Ingestor;
use crate::transport::Core;
use crate::{ApiVersion, Client, Error};

/// Events per request by default. The API declares no limit on the
/// `events` list; at Polar's 300 requests a minute, batches of 1,000 let
/// one organization ingest 5,000 events a second (batches of 100 would
/// cap it at 500), and 1,000 ordinary events are a few hundred kilobytes
/// of JSON, well under [`DEFAULT_MAX_BATCH_BYTES`].
pub const DEFAULT_MAX_BATCH_SIZE: usize = 1_000;
/// The largest request body by default: 1 MiB, the request-size limit
/// many proxies apply by default. A batch that would be larger is sent as
/// several requests.
pub const DEFAULT_MAX_BATCH_BYTES: usize = 1 << 20;
/// How long the first event of a batch waits for more by default.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(1);
/// Events the ingestor holds at most by default (queued, batched or in
/// flight): 100,000, some 20 to 30 MB for ordinary events, and 20 seconds
/// of Polar's rate limit at full batches, enough to ride out a short
/// outage before `record` waits.
pub const DEFAULT_QUEUE_CAPACITY: usize = 100_000;
/// Requests in flight at once by default: one, so that a single process
/// does not compete with itself for the organization's rate limit.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 1;
/// Requests per minute by default: Polar's limit per organization.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 300;
/// How long one batch is retried by default before its events are
/// reported as failed: 10 minutes, longer than a deploy or a short outage
/// of the API.
pub const DEFAULT_RETRY_FOR: Duration = Duration::from_secs(10 * 60);
/// How long [`Ingestor::shutdown`] (and dropping the last handle) drains
/// by default: 10 seconds, a third of a common termination grace period.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// The callback of [`IngestorBuilder::on_failure`].
pub(crate) type FailureCallback = Arc<dyn Fn(Failure) + Send + Sync>;

/// The settings of one ingestor.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) max_batch_size: usize,
    pub(crate) max_batch_bytes: usize,
    pub(crate) max_delay: Duration,
    pub(crate) queue_capacity: usize,
    pub(crate) max_in_flight: usize,
    pub(crate) rate_limit: RateSetting,
    pub(crate) retry_for: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) shutdown_timeout: Duration,
}

/// The ingestor's own rate limit.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RateSetting {
    /// 300 a minute, unless the client has a limiter: then only that one.
    Default,
    /// `rate_limit(requests, per)`.
    Own(u32, Duration),
    /// `no_rate_limit()`.
    Off,
}

impl RateSetting {
    /// The window of the ingestor's own limiter, for a client with or
    /// without a limiter of its own.
    pub(crate) fn own_limit(self, client_has_limiter: bool) -> Option<(u32, Duration)> {
        match self {
            RateSetting::Default if client_has_limiter => None,
            RateSetting::Default => Some((DEFAULT_REQUESTS_PER_MINUTE, Duration::from_secs(60))),
            RateSetting::Own(requests, per) => Some((requests, per)),
            RateSetting::Off => None,
        }
    }
}

/// Configures an [`Ingestor`]: [`Ingestor::builder`] or
/// [`Client::ingestor`], then [`start`](Self::start).
///
/// ```no_run
/// use std::time::Duration;
///
/// # async fn f(client: polar_api::v2026_10::Client) -> Result<(), polar_api::Error> {
/// let ingestor = client
///     .ingestor()
///     .max_batch_size(500)
///     .max_delay(Duration::from_millis(250))
///     .queue_capacity(20_000)
///     .on_failure(|failure| eprintln!("not delivered: {}", failure.reason))
///     .start()?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct IngestorBuilder {
    core: Core,
    settings: Settings,
    on_failure: Option<FailureCallback>,
}

impl fmt::Debug for IngestorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngestorBuilder")
            .field("client", &self.core)
            .field("settings", &self.settings)
            .field("on_failure", &self.on_failure.is_some())
            .finish()
    }
}

impl IngestorBuilder {
    /// An ingestor sending through `client` (its server, token, API
    /// version, timeouts, backoff, hooks and connection pool), with the
    /// defaults.
    pub fn new<V: ApiVersion>(client: &Client<V>) -> Self {
        IngestorBuilder {
            core: client.core().clone(),
            settings: Settings {
                max_batch_size: DEFAULT_MAX_BATCH_SIZE,
                max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
                max_delay: DEFAULT_MAX_DELAY,
                queue_capacity: DEFAULT_QUEUE_CAPACITY,
                max_in_flight: DEFAULT_MAX_IN_FLIGHT,
                rate_limit: RateSetting::Default,
                retry_for: DEFAULT_RETRY_FOR,
                attempt_timeout: None,
                shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            },
            on_failure: None,
        }
    }

    /// Events per request (default [`DEFAULT_MAX_BATCH_SIZE`]; at least 1).
    pub fn max_batch_size(mut self, events: usize) -> Self {
        self.settings.max_batch_size = events.max(1);
        self
    }

    /// The largest request body in bytes (default
    /// [`DEFAULT_MAX_BATCH_BYTES`]); an event larger than this is sent alone.
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_batch_bytes = bytes;
        self
    }

    /// How long the first event of a batch waits for the batch to fill
    /// before it is sent anyway (default [`DEFAULT_MAX_DELAY`];
    /// `Duration::MAX`: only when full, flushed or shut down).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.settings.max_delay = delay;
        self
    }

    /// The most events the ingestor holds at once, queued, batched or in
    /// flight (default [`DEFAULT_QUEUE_CAPACITY`]; at least 1). When it
    /// holds that many, `try_record` hands the event back and `record`
    /// waits.
    pub fn queue_capacity(mut self, events: usize) -> Self {
        self.settings.queue_capacity = events.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// Requests in flight at once (default [`DEFAULT_MAX_IN_FLIGHT`]; at
    /// least 1).
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.settings.max_in_flight = requests.max(1);
        self
    }

    /// At most `requests` requests (attempts and retries included) in any
    /// `per`, of the ingestor alone. By default 300 a minute, Polar's limit
    /// per organization (lower it when several processes ingest for one
    /// organization), unless the client it is built from has a
    /// [`rate_limiter`](crate::ClientBuilder::rate_limiter): then the
    /// ingestor has no limit of its own and takes its slots from the
    /// client's, which it shares with the client's other calls. A limit
    /// set here applies on top of the client's.
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Self {
        self.settings.rate_limit = RateSetting::Own(requests, per);
        self
    }

    /// No rate limit of the ingestor's own; only a `429`'s `Retry-After`
    /// (and the client's [`rate_limiter`](crate::ClientBuilder::rate_limiter),
    /// if it has one) holds requests back. For tests and benchmarks
    /// against a mock.
    pub fn no_rate_limit(mut self) -> Self {
        self.settings.rate_limit = RateSetting::Off;
        self
    }

    /// How long a batch is retried (429, 5xx, timeouts, connection errors;
    /// with the client's backoff, any number of attempts) before its events
    /// are reported as failed (default [`DEFAULT_RETRY_FOR`]).
    pub fn retry_for(mut self, window: Duration) -> Self {
        self.settings.retry_for = window;
        self
    }

    /// The time allowed for one attempt (default: the client's
    /// [`timeout`](crate::ClientBuilder::timeout)).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.attempt_timeout = Some(timeout);
        self
    }

    /// How long dropping the last handle, and [`Ingestor::shutdown`], give
    /// the queue to drain (default [`DEFAULT_SHUTDOWN_TIMEOUT`]). An
    /// explicit [`Ingestor::shutdown_within`] deadline replaces it.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.settings.shutdown_timeout = timeout;
        self
    }

    /// Hands every event that cannot be delivered (refused by the server,
    /// failed for good) to `callback`, as it happens, instead of keeping it
    /// for [`Ingestor::take_failures`] and the shutdown report. It runs on
    /// the ingestor's task: keep it short (send the failure to a channel,
    /// write it to a log or a table). If it panics, the ingestor goes on,
    /// and logs the failure it was handed as an `error` event.
    pub fn on_failure(mut self, callback: impl Fn(Failure) + Send + Sync + 'static) -> Self {
        self.on_failure = Some(Arc::new(callback));
        self
    }

    /// Starts the ingestor's background task on the current tokio runtime
    /// and returns the first handle. Fails with [`Error::Config`] outside
    /// a tokio runtime.
    pub fn start(self) -> Result<Ingestor, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::config("an ingestor must be started inside a tokio runtime, where its task runs")
        })?;
        Ok(Ingestor::start(
            &runtime,
            self.core,
            self.settings,
            self.on_failure,
        ))
    }
}
