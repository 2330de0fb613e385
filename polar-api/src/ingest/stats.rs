//! [`Stats`]: the ingestor's counters.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// A snapshot of an ingestor's counters
/// ([`Ingestor::stats`](super::Ingestor::stats)).
///
/// Every recorded event ends up counted once in `acknowledged`, `refused`
/// or `failed`, or is still `queued` or in flight:
/// `recorded == acknowledged + refused + failed + queued + in_flight_events`
/// whenever the ingestor is idle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Events taken by `record` / `try_record`.
    pub recorded: u64,
    /// Events in batches the server answered with a 2xx.
    pub acknowledged: u64,
    /// Events the server said it inserted (its `inserted`).
    pub inserted: u64,
    /// Events the server said it had already (its `duplicates`): a batch
    /// resent after a lost answer, or an `external_id` sent twice.
    pub duplicates: u64,
    /// Events the server refused (`422`), handed back with their issues.
    pub refused: u64,
    /// Events that failed for good otherwise (a status retrying does not
    /// change, the retry window or the shutdown deadline passed).
    pub failed: u64,
    /// Batches cut from the queue (a batch split by a `422` counts once).
    pub batches: u64,
    /// Requests sent (attempts, retries and split batches included).
    pub requests: u64,
    /// Requests that needed at least one retry.
    pub retried_batches: u64,
    /// Retries (attempts after the first of a request).
    pub retries: u64,
    /// Failures that found the kept list full (no
    /// [`on_failure`](super::IngestorBuilder::on_failure) callback, and
    /// [`take_failures`](super::Ingestor::take_failures) not called while
    /// [`queue_capacity`](super::IngestorBuilder::queue_capacity) failures
    /// were kept): each was logged as an `error` event instead of kept.
    pub failures_overflowed: u64,
    /// Events waiting in the queue or in a batch not yet sent.
    pub queued: u64,
    /// Requests in flight (waiting for an answer or between retries).
    pub in_flight: u64,
    /// Events in those requests.
    pub in_flight_events: u64,
}

/// The live counters behind [`Stats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) recorded: AtomicU64,
    pub(crate) acknowledged: AtomicU64,
    pub(crate) inserted: AtomicU64,
    pub(crate) duplicates: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) batches: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) retried_batches: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) failures_overflowed: AtomicU64,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) in_flight_events: AtomicUsize,
}

impl Counters {
    /// A snapshot; `held` is the number of events the ingestor holds
    /// (queued, batched or in flight).
    pub(crate) fn snapshot(&self, held: usize) -> Stats {
        let in_flight_events = self.in_flight_events.load(Relaxed);
        Stats {
            recorded: self.recorded.load(Relaxed),
            acknowledged: self.acknowledged.load(Relaxed),
            inserted: self.inserted.load(Relaxed),
            duplicates: self.duplicates.load(Relaxed),
            refused: self.refused.load(Relaxed),
            failed: self.failed.load(Relaxed),
            batches: self.batches.load(Relaxed),
            requests: self.requests.load(Relaxed),
            retried_batches: self.retried_batches.load(Relaxed),
            retries: self.retries.load(Relaxed),
            failures_overflowed: self.failures_overflowed.load(Relaxed),
            queued: held.saturating_sub(in_flight_events) as u64,
            in_flight: self.in_flight.load(Relaxed) as u64,
            in_flight_events: in_flight_events as u64,
        }
    }

    /// A request of `events` events starts (`true`) or ends.
    pub(crate) fn flight(&self, events: usize, starts: bool) {
        if starts {
            self.in_flight.fetch_add(1, Relaxed);
            self.in_flight_events.fetch_add(events, Relaxed);
        } else {
            self.in_flight.fetch_sub(1, Relaxed);
            self.in_flight_events.fetch_sub(events, Relaxed);
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Relaxed);
    }
}
