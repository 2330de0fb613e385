//! [`Ingestor`]: the handle producers record through, and the state it
//! shares with the background task.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, oneshot, watch, Semaphore, TryAcquireError};

use super::batcher::Batcher;
use super::config::{FailureCallback, IngestorBuilder, Settings};
use super::event::Event;
use super::failure::{Failure, FailureReason, RecordError, ShutdownReport};
use super::stats::{Counters, Stats};
use crate::transport::Core;
use crate::{ApiVersion, Client};

/// What a handle sends the background task.
pub(crate) enum Msg {
    Event(Event),
    /// Answered once every batch cut before it has finished.
    Flush(oneshot::Sender<()>),
    Shutdown {
        within: Duration,
        reply: oneshot::Sender<ShutdownReport>,
    },
}

/// What the handles and the background task share.
pub(crate) struct Shared {
    /// One permit per event the ingestor may still take.
    pub(crate) permits: Semaphore,
    pub(crate) capacity: usize,
    pub(crate) closed: AtomicBool,
    pub(crate) counters: Counters,
    pub(crate) on_failure: Option<FailureCallback>,
    /// Failures kept when there is no callback: at most `capacity`; past
    /// that, each is logged and counted in `failures_overflowed`.
    pub(crate) kept: Mutex<Vec<Failure>>,
    /// Set when the background task has ended.
    pub(crate) finished: AtomicBool,
    /// How the background task ended, once it has: for `shutdown` calls
    /// that found the queue already closed by another.
    pub(crate) stopped: watch::Sender<Option<Stopped>>,
    pub(crate) shutdown_timeout: Duration,
    /// Events recorded detached into a full queue, waiting for room in
    /// their own tasks: at most `capacity` of them, so memory stays bounded.
    pub(crate) detached_waiting: AtomicUsize,
}

/// What a shutdown report says besides the undelivered events.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stopped {
    pub(crate) stats: Stats,
    pub(crate) deadline_passed: bool,
    pub(crate) elapsed: Duration,
}

impl Shared {
    /// Events held: queued, batched or in flight.
    pub(crate) fn held(&self) -> usize {
        self.capacity
            .saturating_sub(self.permits.available_permits())
    }

    pub(crate) fn stats(&self) -> Stats {
        self.counters.snapshot(self.held())
    }

    /// Frees the room of `n` events that left the ingestor.
    pub(crate) fn release(&self, n: usize) {
        if n > 0 {
            self.permits.add_permits(n);
        }
    }

    /// Reports failures that happened while running: to the callback, or
    /// kept.
    pub(crate) fn report(&self, failures: impl IntoIterator<Item = Failure>) {
        match &self.on_failure {
            Some(callback) => failures.into_iter().for_each(|f| hand_to(callback, f)),
            None => {
                let overflow = {
                    let mut kept = self.kept();
                    let mut failures = failures.into_iter();
                    let room = self.capacity.saturating_sub(kept.len());
                    kept.extend(failures.by_ref().take(room));
                    failures.collect::<Vec<_>>()
                };
                self.overflow(&overflow);
            }
        }
    }

    /// Failures that found the kept list full: logged, and counted.
    fn overflow(&self, failures: &[Failure]) {
        if failures.is_empty() {
            return;
        }
        Counters::add(&self.counters.failures_overflowed, failures.len());
        failures.iter().for_each(log_undelivered);
    }

    pub(crate) fn kept(&self) -> std::sync::MutexGuard<'_, Vec<Failure>> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An event that never made it into the queue, with nobody to hand it
    /// back to: the callback, else kept, else (after shutdown) logged.
    fn report_not_recorded(&self, event: Event, reason: FailureReason) {
        let failure = Failure { event, reason };
        if let Some(callback) = &self.on_failure {
            hand_to(callback, failure);
            return;
        }
        // Decided under the lock with which the stopping task sets
        // `finished` and takes the kept failures into its report: one kept
        // after that would never be reported.
        let mut kept = self.kept();
        if self.finished.load(Ordering::Acquire) {
            drop(kept);
            log_undelivered(&failure);
        } else if kept.len() >= self.capacity {
            drop(kept);
            self.overflow(&[failure]);
        } else {
            kept.push(failure);
        }
    }
}

/// Hands `failure` to the `on_failure` callback. The callback is the
/// caller's code, run on the ingestor's task: a panic in it must not end
/// the task (and lose every event the task holds), so it is caught, and
/// the failure it was given is logged instead.
pub(crate) fn hand_to(callback: &FailureCallback, failure: Failure) {
    let name = failure.event.name().to_owned();
    let external_id = failure.event.get_external_id().map(str::to_owned);
    let reason = failure.reason.to_string();
    let call = std::panic::AssertUnwindSafe(|| callback(failure));
    if std::panic::catch_unwind(call).is_err() {
        tracing::error!(
            target: "polar_api::ingest",
            name = %name,
            external_id = external_id.as_deref().unwrap_or(""),
            reason = %reason,
            "the on_failure callback panicked: usage event not delivered"
        );
    }
}

/// The last resort for an undelivered event nobody can be handed: an
/// `error` tracing event with its name, customer kind, `external_id` and
/// reason (never its metadata).
pub(crate) fn log_undelivered(failure: &Failure) {
    let event = &failure.event;
    tracing::error!(
        target: "polar_api::ingest",
        name = %event.name(),
        external_id = event.get_external_id().unwrap_or(""),
        reason = %failure.reason,
        "usage event not delivered"
    );
}

/// An event of [`Ingestor::record_detached`] held by the task that waits
/// for room in the queue. Dropped with the task: when that happens before
/// the event was queued (the runtime ended), the event is reported with
/// [`FailureReason::RuntimeShutdown`], not lost.
struct Waiting {
    ingestor: Ingestor,
    event: Option<Event>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.ingestor
            .shared
            .detached_waiting
            .fetch_sub(1, Ordering::AcqRel);
        if let Some(event) = self.event.take() {
            self.ingestor
                .shared
                .report_not_recorded(event, FailureReason::RuntimeShutdown);
        }
    }
}

/// A handle on a running usage-event ingestor: cheap to clone (a reference
/// count), `Send + Sync`, one per request handler if you like.
///
/// [`record`](Self::record) queues an event; one background task batches
/// the queue into `POST /v1/events/ingest` requests, retries them, and
/// reports what it could not deliver. See the [module docs](super) for the
/// guarantees.
///
/// The background task drains the queue and stops when
/// [`shutdown`](Self::shutdown) is called or when the last handle is
/// dropped (then what it could not deliver goes to
/// [`on_failure`](IngestorBuilder::on_failure), or, without one, to the
/// log as `error` events: call `shutdown` to get it back instead).
#[derive(Clone)]
pub struct Ingestor {
    tx: mpsc::UnboundedSender<Msg>,
    shared: Arc<Shared>,
}

impl fmt::Debug for Ingestor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ingestor")
            .field("stats", &self.stats())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl Ingestor {
    /// Configures an ingestor sending through `client`; same as
    /// [`Client::ingestor`].
    pub fn builder<V: ApiVersion>(client: &Client<V>) -> IngestorBuilder {
        IngestorBuilder::new(client)
    }

    pub(crate) fn start(
        runtime: &tokio::runtime::Handle,
        core: Core,
        settings: Settings,
        on_failure: Option<FailureCallback>,
    ) -> Ingestor {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            permits: Semaphore::new(settings.queue_capacity),
            capacity: settings.queue_capacity,
            closed: AtomicBool::new(false),
            counters: Counters::default(),
            on_failure,
            kept: Mutex::new(Vec::new()),
            finished: AtomicBool::new(false),
            detached_waiting: AtomicUsize::new(0),
            stopped: watch::Sender::new(None),
            shutdown_timeout: settings.shutdown_timeout,
        });
        let batcher = Batcher::new(core, settings, Arc::clone(&shared), rx);
        runtime.spawn(batcher.run());
        Ingestor { tx, shared }
    }

    /// Queues `event` if there is room, without waiting; hands it back as
    /// [`RecordError::Full`] if the queue is full, or
    /// [`RecordError::Closed`] after shutdown.
    ///
    /// An event without an `external_id` gets a fresh UUID (version 7:
    /// time-ordered, 74 random bits) and one without a timestamp gets the
    /// current time, so that every retry of it is recognised by the server.
    pub fn try_record(&self, event: Event) -> Result<(), RecordError> {
        if self.is_closed() {
            return Err(RecordError::Closed(event));
        }
        match self.shared.permits.try_acquire() {
            Ok(permit) => permit.forget(),
            Err(TryAcquireError::NoPermits) => return Err(RecordError::Full(event)),
            Err(TryAcquireError::Closed) => return Err(RecordError::Closed(event)),
        }
        self.enqueue(event)
    }

    /// Queues `event`, waiting for room if the queue is full (it never
    /// waits for the network). Fails only after shutdown, handing the event
    /// back as [`RecordError::Closed`].
    pub async fn record(&self, event: Event) -> Result<(), RecordError> {
        match self.shared.permits.try_acquire() {
            Ok(permit) => permit.forget(),
            Err(TryAcquireError::Closed) => return Err(RecordError::Closed(event)),
            Err(TryAcquireError::NoPermits) => match self.shared.permits.acquire().await {
                Ok(permit) => permit.forget(),
                Err(_) => return Err(RecordError::Closed(event)),
            },
        }
        self.enqueue(event)
    }

    /// Records `event` from code that cannot wait or handle an error (a
    /// `Drop`, a synchronous callback): queued now if there is room,
    /// otherwise by a task that waits for room. At most as many events as
    /// the queue holds wait that way; one more is reported at once as a
    /// [`Failure`] with [`FailureReason::QueueFull`], so an outage cannot
    /// grow memory past twice the queue. An event that cannot be queued
    /// (after shutdown) is reported with [`FailureReason::NotRecorded`],
    /// and one still waiting when the runtime ends (its task is dropped)
    /// with [`FailureReason::RuntimeShutdown`]. Events reported this way
    /// were never queued: [`Stats::recorded`] does not count them.
    pub fn record_detached(&self, event: Event) {
        let event = match self.try_record(event) {
            Ok(()) => return,
            Err(RecordError::Full(event)) => event,
            Err(RecordError::Closed(event)) => {
                return self
                    .shared
                    .report_not_recorded(event, FailureReason::NotRecorded)
            }
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return self
                .shared
                .report_not_recorded(event, FailureReason::NotRecorded);
        };
        // Waiting tasks hold their events outside the queue: no more of
        // them than the queue holds.
        let waiting = &self.shared.detached_waiting;
        let capacity = self.shared.capacity;
        if waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < capacity).then_some(n + 1)
            })
            .is_err()
        {
            return self
                .shared
                .report_not_recorded(event, FailureReason::QueueFull);
        }
        let mut waiting = Waiting {
            ingestor: self.clone(),
            event: Some(event),
        };
        // If the runtime ends while the task waits (or before it ever
        // runs), the task is dropped with `waiting`, which reports the event.
        runtime.spawn(async move {
            let room = waiting.ingestor.shared.permits.acquire().await;
            let Some(event) = waiting.event.take() else {
                return;
            };
            let result = match room {
                Ok(permit) => {
                    permit.forget();
                    waiting.ingestor.enqueue(event)
                }
                Err(_) => Err(RecordError::Closed(event)),
            };
            if let Err(error) = result {
                waiting
                    .ingestor
                    .shared
                    .report_not_recorded(error.into_event(), FailureReason::NotRecorded);
            }
        });
    }

    fn enqueue(&self, mut event: Event) -> Result<(), RecordError> {
        event.prepare(SystemTime::now());
        let counters = &self.shared.counters;
        counters.recorded.fetch_add(1, Ordering::Relaxed);
        match self.tx.send(Msg::Event(event)) {
            Ok(()) => Ok(()),
            Err(mpsc::error::SendError(msg)) => {
                counters.recorded.fetch_sub(1, Ordering::Relaxed);
                self.shared.release(1);
                match msg {
                    Msg::Event(event) => Err(RecordError::Closed(event)),
                    // Only events are sent here.
                    Msg::Flush(_) | Msg::Shutdown { .. } => unreachable!("an event was sent"),
                }
            }
        }
    }

    /// Sends what is queued now and returns once every event recorded
    /// before this call has been acknowledged by the server or has failed
    /// for good (see [`Stats::refused`] and [`Stats::failed`]). Returns at
    /// once after shutdown.
    pub async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.tx.send(Msg::Flush(reply)).is_ok() {
            let _ = done.await;
        }
    }

    /// Stops taking events and drains the queue within the
    /// [`shutdown_timeout`](IngestorBuilder::shutdown_timeout); see
    /// [`shutdown_within`](Self::shutdown_within).
    pub async fn shutdown(&self) -> ShutdownReport {
        self.shutdown_within(self.shutdown_timeout()).await
    }

    /// Stops taking events (every handle's `record` now fails with
    /// [`RecordError::Closed`], and a `record` waiting for room gets its
    /// event back), sends everything queued, and returns once it is all
    /// delivered or `deadline` has passed. The report has the final counters
    /// and every event that was not delivered, with its reason: persist
    /// those and record them again later (they keep their `external_id`).
    ///
    /// A second call (from any handle) waits for the same drain and gets a
    /// report without events.
    pub async fn shutdown_within(&self, deadline: Duration) -> ShutdownReport {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.permits.close();
        let (reply, report) = oneshot::channel();
        let sent = self.tx.send(Msg::Shutdown {
            within: deadline,
            reply,
        });
        // Once another shutdown (or the last handle's drop) has closed the
        // queue, the message (and the reply sender in it) comes back: wait
        // for that drain to end instead.
        let answer = match sent {
            Ok(()) => report.await.ok(),
            Err(_) => None,
        };
        if let Some(report) = answer {
            return report;
        }
        let mut stopped = self.shared.stopped.subscribe();
        // The task sets it when it ends, however it ends; the sender lives
        // in `shared`, so this cannot fail.
        let stopped = match stopped.wait_for(Option::is_some).await {
            Ok(stopped) => *stopped,
            Err(_) => None,
        };
        match stopped {
            Some(stopped) => ShutdownReport {
                stats: stopped.stats,
                undelivered: Vec::new(),
                deadline_passed: stopped.deadline_passed,
                elapsed: stopped.elapsed,
            },
            None => ShutdownReport {
                stats: self.stats(),
                undelivered: Vec::new(),
                deadline_passed: false,
                elapsed: Duration::ZERO,
            },
        }
    }

    fn shutdown_timeout(&self) -> Duration {
        self.shared.shutdown_timeout
    }

    /// The counters now.
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Takes the failures kept so far (when no
    /// [`on_failure`](IngestorBuilder::on_failure) callback is set). At
    /// most [`queue_capacity`](IngestorBuilder::queue_capacity) are kept;
    /// later ones are logged as `error` events instead and counted in
    /// [`Stats::failures_overflowed`].
    pub fn take_failures(&self) -> Vec<Failure> {
        std::mem::take(&mut *self.shared.kept())
    }

    /// Whether the ingestor was shut down, or its background task is gone
    /// (its runtime ended): then `record` and `try_record` fail at once
    /// with [`RecordError::Closed`].
    pub fn is_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }
}
