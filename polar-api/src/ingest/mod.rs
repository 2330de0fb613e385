//! Usage events at scale: a batching, lossless ingestor for
//! `POST /v1/events/ingest` (cargo feature `ingest`).
//!
//! ```no_run
//! use polar_api::ingest::{EventCustomer, Event};
//! use polar_api::v2026_10::Client;
//!
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let ingestor = client.ingestor().start()?; // one background task on this runtime
//!
//! // In a request handler: queued at once, never waiting for the network.
//! ingestor
//!     .record(Event::new("api.request", EventCustomer::external("user_42")).metadata("endpoint", "/v1/search"))
//!     .await?;
//!
//! // When the process stops: send what is queued, get back what could not be.
//! let report = ingestor.shutdown().await;
//! for failure in &report.undelivered {
//!     eprintln!("keep for later: {} ({})", failure.event.name(), failure.reason);
//! }
//! # Ok(()) }
//! ```
//!
//! # What it guarantees
//!
//! * **Nothing is lost without being reported.** An event is either
//!   acknowledged by the server, or handed back: by `try_record`
//!   ([`RecordError::Full`]) when the queue is full, by `record` after
//!   shutdown, to [`IngestorBuilder::on_failure`] (or
//!   [`Ingestor::take_failures`]) when the server refuses it or its batch
//!   fails for good, and in the [`ShutdownReport`] when the deadline cuts
//!   the drain short.
//! * **Nothing is dropped silently with the runtime.** The background task
//!   runs on the runtime [`start`](IngestorBuilder::start) was called on.
//!   If that runtime ends before [`Ingestor::shutdown`] is awaited (a
//!   `#[tokio::main]` function returns, a `#[tokio::test]` ends), the task
//!   is dropped and every event it still holds (queued, batched, in
//!   flight) is handed to `on_failure` with
//!   [`FailureReason::RuntimeShutdown`], or, without a callback, named
//!   (how many, and their `external_id`s) in one `error` log: reported,
//!   but not sent. So is an event of
//!   [`record_detached`](Ingestor::record_detached) whose task still
//!   waited for room in the queue. A handle that outlives its task then fails at once
//!   ([`RecordError::Closed`]; [`Ingestor::is_closed`] is `true`), and its
//!   [`ShutdownReport::is_complete`] is `false`. Await `shutdown` before
//!   the runtime ends:
//!
//! ```no_run
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = polar_api::v2026_10::Client::from_env()?;
//!     let ingestor = client.ingestor().start()?;
//!     // ... record events ...
//!     let report = ingestor.shutdown().await; // before `main` returns
//!     if !report.is_complete() {
//!         eprintln!("{} events not delivered", report.undelivered.len());
//!     }
//!     Ok(())
//! }
//! ```
//!
//! * **Reported undelivered means "not known to be stored".** A request
//!   whose answer is lost (a timeout, a connection closed mid-answer, the
//!   shutdown deadline or the runtime's end while it runs) may have been
//!   stored by the server: its events are reported
//!   ([`FailureReason::ShutdownDeadline`],
//!   [`FailureReason::RuntimeShutdown`], or
//!   [`FailureReason::RetriesExhausted`] after such an error) although the
//!   server may have counted them. Delivery is at least once; recording
//!   them again is safe (next point). An acknowledged event is never
//!   reported, and a refused one is never stored. The chaos test
//!   (`polar-api/tests/ingest_chaos.rs`) checks every recorded event is
//!   exactly one of inserted, refused or reported, over seeded runs with
//!   random faults and each way of ending.
//! * **Retries are safe.** Every event has an `external_id` (a fresh UUID
//!   v7 at `record` when it has none), and the server skips one it has
//!   already stored, so a batch resent after a lost answer is counted once
//!   ([`Stats::duplicates`] says how often that happened).
//! * **Bounded memory.** The ingestor holds at most
//!   [`queue_capacity`](IngestorBuilder::queue_capacity) events, queued,
//!   batched or in flight: then `try_record` hands the event back and
//!   `record` waits (for room, never for I/O). Without `on_failure`, it
//!   keeps at most `queue_capacity` failures for
//!   [`take_failures`](Ingestor::take_failures) and the shutdown report;
//!   past that, each is logged as an `error` event (with its `external_id`)
//!   and counted in [`Stats::failures_overflowed`].
//!
//! # How it sends
//!
//! Events are batched, and a batch is sent when it has
//! [`max_batch_size`](IngestorBuilder::max_batch_size) events (default
//! 1,000), when its first event has waited
//! [`max_delay`](IngestorBuilder::max_delay) (default 1 s), or on
//! [`Ingestor::flush`]. A batch larger than
//! [`max_batch_bytes`](IngestorBuilder::max_batch_bytes) goes as several
//! requests. At most [`max_in_flight`](IngestorBuilder::max_in_flight)
//! requests (default 1) run at once, and at most
//! [`rate_limit`](IngestorBuilder::rate_limit) start per window (default
//! 300 a minute, Polar's limit per organization). Built from a client
//! with a [`rate_limiter`](crate::ClientBuilder::rate_limiter), the
//! ingestor takes its slots from the client's limiter instead, so that
//! the client's calls and the ingestor's requests together stay within it.
//!
//! A request is retried after a `429` (waiting its `Retry-After`, and
//! holding every other request back as long), a `408`, a `5xx`, a timeout
//! or a connection error, with the client's backoff
//! ([`RetryConfig`](crate::RetryConfig)'s initial and maximum delay), any
//! number of times within [`retry_for`](IngestorBuilder::retry_for)
//! (default 10 minutes). A `422` names the events it refuses
//! (`loc: ["body", "events", i, ...]`): those are handed back with the
//! server's [`ValidationIssue`]s and the rest is sent again at once; when
//! the answer names no event, the batch is split in halves until the
//! refused ones are alone. A `413` splits the batch too. Any other status
//! fails the batch for good ([`FailureReason::Rejected`]).
//!
//! The ingestor speaks any API version: it is built from a
//! [`Client`](crate::Client) of any version module and sends that
//! version's `Polar-Version`, through the client's server, token,
//! timeouts, hooks and connection pool (each attempt is a
//! `polar.request` tracing span). Each batch logs a `debug` event (target
//! `polar_api::ingest`), refusals a `warn`, failures an `error`.
//!
//! # Strategies
//!
//! [`strategy`] measures usage for you: LLM tokens (and their cost), the
//! bytes of a reader or a stream, the duration of a future.

mod batcher;
mod config;
mod deliver;
mod encode;
mod event;
mod failure;
mod handle;
mod metadata;
mod stats;
pub mod strategy;

pub use config::{
    IngestorBuilder, DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_DELAY,
    DEFAULT_MAX_IN_FLIGHT, DEFAULT_QUEUE_CAPACITY, DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_RETRY_FOR,
    DEFAULT_SHUTDOWN_TIMEOUT,
};
pub use event::{Event, EventCustomer, EventMetadataValue};

/// The old name of [`EventCustomer`], renamed so that it and the model
/// `Customer` of a version module import side by side.
#[deprecated(note = "renamed to `EventCustomer`")]
pub type Customer = EventCustomer;

/// The old name of [`EventMetadataValue`], renamed so that it and the
/// model `MetadataValue` of a version module import side by side.
#[deprecated(note = "renamed to `EventMetadataValue`")]
pub type MetadataValue = EventMetadataValue;
pub use failure::{Failure, FailureReason, RecordError, ShutdownReport, ValidationIssue};
pub use handle::Ingestor;
pub use metadata::{CostMetadata, LlmMetadata, LlmPrice};
pub use stats::Stats;

impl<V: crate::ApiVersion> crate::Client<V> {
    /// Configures a usage-event [`Ingestor`] sending through this client
    /// (feature `ingest`); same as [`Ingestor::builder`].
    pub fn ingestor(&self) -> IngestorBuilder {
        IngestorBuilder::new(self)
    }
}
