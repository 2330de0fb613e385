//! The background task: takes events off the queue, cuts batches (full,
//! old enough, flushed), keeps at most N requests in flight, splits
//! refused batches, and drains on shutdown.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use super::config::Settings;
use super::deliver::{Outcome, Part, Sender};
use super::encode::{encode, Body};
use super::event::Event;
use super::failure::{Failure, FailureReason, Refusal, ShutdownReport};
use super::handle::{hand_to, log_undelivered, Msg, Shared, Stopped};
use super::stats::Counters;
use crate::transport::Core;
use polar_api_runtime::limiter::later;

type InFlight = Pin<Box<dyn Future<Output = (u64, Body, Outcome)> + Send>>;

/// Messages taken off the queue at once.
const RECEIVE_AT_ONCE: usize = 1024;

/// Where the drain stands after shutdown (or the last handle's drop).
struct Drain {
    started: Instant,
    deadline: Instant,
    expired: bool,
    replies: Vec<oneshot::Sender<ShutdownReport>>,
}

pub(crate) struct Batcher {
    settings: Settings,
    shared: Arc<Shared>,
    rx: mpsc::UnboundedReceiver<Msg>,
    received_all: bool,
    sender: Arc<Sender>,
    expire: watch::Sender<bool>,
    /// The batch being filled, and when its first event came.
    open: Vec<Event>,
    open_since: Option<Instant>,
    next_batch: u64,
    /// Parts waiting for a request slot.
    ready: VecDeque<Part>,
    in_flight: FuturesUnordered<InFlight>,
    /// The events of the requests in flight, by flight number, with their
    /// batch: a request holds only its body, the batcher the events, so
    /// that they can be reported if the task is dropped.
    flying: HashMap<u64, (u64, Vec<Event>)>,
    next_flight: u64,
    /// Parts not finished yet, per batch.
    unfinished: BTreeMap<u64, usize>,
    /// Flushes waiting for every batch below their bound.
    flushes: Vec<(u64, oneshot::Sender<()>)>,
    drain: Option<Drain>,
    /// Events the shutdown deadline cut short.
    cut_short: Vec<Failure>,
}

impl Batcher {
    pub(crate) fn new(
        core: Core,
        settings: Settings,
        shared: Arc<Shared>,
        rx: mpsc::UnboundedReceiver<Msg>,
    ) -> Self {
        let (expire, expired) = watch::channel(false);
        let own_limit = settings
            .rate_limit
            .own_limit(core.inner().rate_limiter.is_some());
        let sender = Arc::new(Sender::new(
            core,
            settings.attempt_timeout,
            settings.retry_for,
            own_limit,
            expired,
        ));
        Batcher {
            open: Vec::with_capacity(settings.max_batch_size.min(4096)),
            settings,
            shared,
            rx,
            received_all: false,
            sender,
            expire,
            open_since: None,
            next_batch: 0,
            ready: VecDeque::new(),
            in_flight: FuturesUnordered::new(),
            flying: HashMap::new(),
            next_flight: 0,
            unfinished: BTreeMap::new(),
            flushes: Vec::new(),
            drain: None,
            cut_short: Vec::new(),
        }
    }

    pub(crate) async fn run(mut self) {
        let mut messages = Vec::with_capacity(RECEIVE_AT_ONCE);
        loop {
            self.launch();
            if self.drained() {
                break;
            }
            let cut_at = self
                .open_since
                .map(|since| later(since, self.settings.max_delay));
            let deadline = self
                .drain
                .as_ref()
                .filter(|drain| !drain.expired)
                .map(|drain| drain.deadline);
            tokio::select! {
                biased;
                Some((flight, body, outcome)) = self.in_flight.next(), if !self.in_flight.is_empty() => {
                    if let Some((batch, events)) = self.flying.remove(&flight) {
                        self.finish(Part { batch, events, body }, outcome);
                    }
                }
                received = self.rx.recv_many(&mut messages, RECEIVE_AT_ONCE), if !self.received_all => {
                    if received == 0 {
                        self.received_all = true;
                        // Every handle is gone, or a shutdown closed the
                        // queue: then its deadline stands.
                        if self.drain.is_none() {
                            self.begin_drain(self.settings.shutdown_timeout, None);
                        }
                    }
                    for message in messages.drain(..) {
                        self.handle(message);
                    }
                    if self.drain.is_some() {
                        self.cut();
                    }
                }
                () = sleep_until(cut_at), if cut_at.is_some() => self.cut(),
                () = sleep_until(deadline), if deadline.is_some() => self.expire(),
            }
        }
        self.stop();
    }

    fn handle(&mut self, message: Msg) {
        match message {
            Msg::Event(event) => {
                if self.drain.as_ref().is_some_and(|drain| drain.expired) {
                    self.cut_short(vec![event], None);
                    return;
                }
                if self.open.is_empty() {
                    self.open_since = Some(Instant::now());
                }
                self.open.push(event);
                if self.open.len() >= self.settings.max_batch_size {
                    self.cut();
                }
            }
            Msg::Flush(reply) => {
                self.cut();
                self.flushes.push((self.next_batch, reply));
                self.answer_flushes();
            }
            Msg::Shutdown { within, reply } => self.begin_drain(within, Some(reply)),
        }
    }

    /// Turns the open batch into parts ready to send.
    fn cut(&mut self) {
        self.open_since = None;
        if self.open.is_empty() {
            return;
        }
        let events = std::mem::replace(
            &mut self.open,
            Vec::with_capacity(self.settings.max_batch_size.min(4096)),
        );
        let batch = self.next_batch;
        self.next_batch += 1;
        Counters::add(&self.shared.counters.batches, 1);
        let bodies = encode(&events, self.settings.max_batch_bytes);
        self.unfinished.insert(batch, bodies.len());
        let mut events = events.into_iter();
        for (count, body) in bodies {
            self.ready.push_back(Part {
                batch,
                events: events.by_ref().take(count).collect(),
                body,
            });
        }
    }

    /// Starts requests for ready parts while there is a free slot.
    fn launch(&mut self) {
        if self.drain.as_ref().is_some_and(|drain| drain.expired) {
            while let Some(part) = self.ready.pop_front() {
                self.part_done(part.batch);
                self.cut_short(part.events, None);
            }
            return;
        }
        while self.in_flight.len() < self.settings.max_in_flight {
            let Some(part) = self.ready.pop_front() else {
                break;
            };
            self.shared.counters.flight(part.events.len(), true);
            let flight = self.next_flight;
            self.next_flight += 1;
            self.flying.insert(flight, (part.batch, part.events));
            let sender = Arc::clone(&self.sender);
            self.in_flight.push(Box::pin(sender.deliver(
                Arc::clone(&self.shared),
                flight,
                part.body,
            )));
        }
    }

    fn finish(&mut self, part: Part, outcome: Outcome) {
        self.shared.counters.flight(part.events.len(), false);
        let Part {
            batch,
            events,
            body,
        } = part;
        let n = events.len();
        match outcome {
            Outcome::Acked {
                inserted,
                duplicates,
                attempts,
            } => {
                Counters::add(&self.shared.counters.acknowledged, n);
                Counters::add(
                    &self.shared.counters.inserted,
                    inserted.unwrap_or(0) as usize,
                );
                Counters::add(
                    &self.shared.counters.duplicates,
                    duplicates.unwrap_or(0) as usize,
                );
                tracing::debug!(
                    target: "polar_api::ingest",
                    batch,
                    events = n,
                    inserted,
                    duplicates,
                    attempts,
                    "usage events delivered"
                );
                self.shared.release(n);
            }
            Outcome::Refused { refusal, error } => {
                let mut refused = Vec::new();
                let mut resend = Vec::new();
                match refusal {
                    Refusal::Located(mut issues) => {
                        for (i, event) in events.into_iter().enumerate() {
                            match issues.remove(&i) {
                                Some(issues) => refused.push(Failure {
                                    event,
                                    reason: FailureReason::Refused(issues),
                                }),
                                None => resend.push((i, event)),
                            }
                        }
                        self.requeue(batch, &body, vec![resend]);
                    }
                    Refusal::Unlocated(issues) if n == 1 => {
                        refused.extend(events.into_iter().map(|event| Failure {
                            event,
                            reason: FailureReason::Refused(issues.clone()),
                        }));
                    }
                    Refusal::Unlocated(_) => {
                        tracing::debug!(
                            target: "polar_api::ingest",
                            batch,
                            events = n,
                            error = &*error as &(dyn std::error::Error + 'static),
                            "a 422 names no event: bisecting the batch"
                        );
                        self.requeue(batch, &body, halves(events));
                    }
                }
                if !refused.is_empty() {
                    tracing::warn!(
                        target: "polar_api::ingest",
                        batch,
                        refused = refused.len(),
                        "usage events refused by the server"
                    );
                    Counters::add(&self.shared.counters.refused, refused.len());
                    self.shared.release(refused.len());
                    self.shared.report(refused);
                }
            }
            Outcome::TooLarge { error } if n == 1 => {
                self.fail(batch, events, FailureReason::Rejected(error));
            }
            Outcome::TooLarge { .. } => self.requeue(batch, &body, halves(events)),
            Outcome::Failed(reason) => self.fail(batch, events, reason),
            Outcome::Interrupted { last_error } => self.cut_short(events, last_error),
        }
        self.part_done(batch);
    }

    /// Sends `groups` (events with their index in `body`) again, as parts
    /// of `batch`, ahead of the other ready parts.
    fn requeue(&mut self, batch: u64, body: &Body, groups: Vec<Vec<(usize, Event)>>) {
        for group in groups.into_iter().rev() {
            if group.is_empty() {
                continue;
            }
            let (indices, events): (Vec<usize>, Vec<Event>) = group.into_iter().unzip();
            *self.unfinished.entry(batch).or_insert(0) += 1;
            self.ready.push_front(Part {
                batch,
                events,
                body: body.subset(&indices),
            });
        }
    }

    fn fail(&mut self, batch: u64, events: Vec<Event>, reason: FailureReason) {
        tracing::error!(
            target: "polar_api::ingest",
            batch,
            events = events.len(),
            reason = %reason,
            "usage events failed for good"
        );
        Counters::add(&self.shared.counters.failed, events.len());
        self.shared.release(events.len());
        self.shared.report(events.into_iter().map(|event| Failure {
            event,
            reason: reason.clone(),
        }));
    }

    fn cut_short(&mut self, events: Vec<Event>, last_error: Option<Arc<crate::Error>>) {
        Counters::add(&self.shared.counters.failed, events.len());
        self.shared.release(events.len());
        self.cut_short
            .extend(events.into_iter().map(|event| Failure {
                event,
                reason: FailureReason::ShutdownDeadline {
                    last_error: last_error.clone(),
                },
            }));
    }

    fn part_done(&mut self, batch: u64) {
        if let Some(parts) = self.unfinished.get_mut(&batch) {
            *parts -= 1;
            if *parts == 0 {
                self.unfinished.remove(&batch);
            }
        }
        self.answer_flushes();
    }

    /// Answers the flushes whose batches have all finished.
    fn answer_flushes(&mut self) {
        let lowest = self
            .unfinished
            .keys()
            .next()
            .copied()
            .unwrap_or(self.next_batch);
        let mut i = 0;
        while i < self.flushes.len() {
            if self.flushes[i].0 <= lowest {
                let (_, reply) = self.flushes.swap_remove(i);
                let _ = reply.send(());
            } else {
                i += 1;
            }
        }
    }

    fn begin_drain(&mut self, within: Duration, reply: Option<oneshot::Sender<ShutdownReport>>) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.permits.close();
        // Events sent before this stay receivable; later sends fail.
        self.rx.close();
        let now = Instant::now();
        let deadline = later(now, within);
        let drain = self.drain.get_or_insert_with(|| Drain {
            started: now,
            deadline,
            expired: false,
            replies: Vec::new(),
        });
        if !drain.expired {
            drain.deadline = drain.deadline.min(deadline);
        }
        drain.replies.extend(reply);
        self.cut();
    }

    fn expire(&mut self) {
        if let Some(drain) = &mut self.drain {
            drain.expired = true;
        }
        let _ = self.expire.send(true);
        // The open batch and the ready parts will not be sent.
        let open = std::mem::take(&mut self.open);
        self.open_since = None;
        self.cut_short(open, None);
    }

    fn drained(&self) -> bool {
        self.drain.is_some()
            && self.received_all
            && self.open.is_empty()
            && self.ready.is_empty()
            && self.in_flight.is_empty()
    }

    /// Hands the report to the first shutdown caller (the others get the
    /// counters only), or, after the last handle was dropped, reports what
    /// was not delivered to the callback or the log.
    fn stop(mut self) {
        self.unfinished.clear();
        self.answer_flushes();
        let drain = self.drain.take();
        let (started, expired, replies) = match drain {
            Some(drain) => (drain.started, drain.expired, drain.replies),
            None => (Instant::now(), false, Vec::new()),
        };
        let mut undelivered = {
            // Under the lock `report_not_recorded` decides with.
            let mut kept = self.shared.kept();
            self.shared.finished.store(true, Ordering::Release);
            std::mem::take(&mut *kept)
        };
        undelivered.append(&mut self.cut_short);
        let stats = self.stats();
        // Later `shutdown` calls, which found the queue closed, get these.
        self.shared.stopped.send_replace(Some(Stopped {
            stats,
            deadline_passed: expired,
            elapsed: started.elapsed(),
        }));
        tracing::info!(
            target: "polar_api::ingest",
            recorded = stats.recorded,
            acknowledged = stats.acknowledged,
            undelivered = undelivered.len(),
            deadline_passed = expired,
            "usage-event ingestor stopped"
        );
        let mut replies = replies.into_iter();
        match replies.next() {
            Some(first) => {
                let report = ShutdownReport {
                    stats,
                    undelivered,
                    deadline_passed: expired,
                    elapsed: started.elapsed(),
                };
                if let Err(report) = first.send(report) {
                    // The caller stopped waiting: nobody will read it.
                    hand_over(&self.shared, report.undelivered);
                }
            }
            None => hand_over(&self.shared, undelivered),
        }
        for reply in replies {
            let _ = reply.send(ShutdownReport {
                stats,
                undelivered: Vec::new(),
                deadline_passed: expired,
                elapsed: started.elapsed(),
            });
        }
    }

    fn stats(&self) -> super::stats::Stats {
        // The batcher's counters are the live ones; the handles read them
        // through `Shared`.
        self.shared.stats()
    }
}

impl Drop for Batcher {
    /// Runs however the task ends: after [`Batcher::stop`] (then it holds
    /// nothing), or when the task is dropped before it stopped (its
    /// runtime ended before `shutdown().await`, or a bug panicked it).
    /// Then every event it still holds (the open batch, the ready parts,
    /// the requests in flight, the queue) is reported with
    /// [`FailureReason::RuntimeShutdown`], the handles are closed (a
    /// `record` waiting for room gets its event back), and a `shutdown`
    /// waiting for the drain gets the report.
    fn drop(&mut self) {
        // Handles now fail at once, and nothing more enters the queue.
        self.shared.closed.store(true, Ordering::Release);
        self.shared.permits.close();
        self.rx.close();
        let mut replies = self
            .drain
            .take()
            .map(|drain| drain.replies)
            .unwrap_or_default();
        let mut held = std::mem::take(&mut self.open);
        self.open_since = None;
        for part in self.ready.drain(..) {
            held.extend(part.events);
        }
        // The requests go first: they hold only bodies.
        self.in_flight = FuturesUnordered::new();
        for (_, (_, events)) in self.flying.drain() {
            self.shared.counters.flight(events.len(), false);
            held.extend(events);
        }
        while let Ok(message) = self.rx.try_recv() {
            match message {
                Msg::Event(event) => held.push(event),
                Msg::Flush(_) => {}
                Msg::Shutdown { reply, .. } => replies.push(reply),
            }
        }
        self.flushes.clear();
        let lost = held.len();
        Counters::add(&self.shared.counters.failed, lost);
        self.shared.release(lost);
        let mut undelivered = {
            let mut kept = self.shared.kept();
            let already = self.shared.finished.swap(true, Ordering::AcqRel);
            // After `stop`, what is kept is the caller's (none is, then).
            if already {
                Vec::new()
            } else {
                std::mem::take(&mut *kept)
            }
        };
        undelivered.append(&mut self.cut_short);
        undelivered.extend(held.into_iter().map(|event| Failure {
            event,
            reason: FailureReason::RuntimeShutdown,
        }));
        let stats = self.shared.stats();
        let shared = &self.shared;
        shared.stopped.send_if_modified(|stopped| {
            if stopped.is_some() {
                return false;
            }
            *stopped = Some(Stopped {
                stats,
                deadline_passed: false,
                elapsed: Duration::ZERO,
            });
            true
        });
        if lost > 0 {
            tracing::error!(
                target: "polar_api::ingest",
                events = lost,
                recorded = stats.recorded,
                acknowledged = stats.acknowledged,
                "the usage-event ingestor's task was dropped (its runtime ended) before \
                 `shutdown().await`: the events it held are reported as not delivered"
            );
        }
        let mut replies = replies.into_iter();
        match replies.next() {
            Some(first) => {
                let report = ShutdownReport {
                    stats,
                    undelivered,
                    deadline_passed: false,
                    elapsed: Duration::ZERO,
                };
                if let Err(report) = first.send(report) {
                    hand_over(&self.shared, report.undelivered);
                }
            }
            None => hand_over(&self.shared, undelivered),
        }
        for reply in replies {
            let _ = reply.send(ShutdownReport {
                stats,
                undelivered: Vec::new(),
                deadline_passed: false,
                elapsed: Duration::ZERO,
            });
        }
    }
}

/// Undelivered events nobody asked for: the callback, else the log (one
/// `error` event each, but one for all those a dropped task held, naming
/// their `external_id`s).
fn hand_over(shared: &Shared, failures: Vec<Failure>) {
    if let Some(callback) = &shared.on_failure {
        failures.into_iter().for_each(|f| hand_to(callback, f));
        return;
    }
    let (dropped, others): (Vec<Failure>, Vec<Failure>) = failures
        .into_iter()
        .partition(|f| matches!(f.reason, FailureReason::RuntimeShutdown));
    others.iter().for_each(log_undelivered);
    if !dropped.is_empty() {
        let external_ids = dropped
            .iter()
            .map(|f| f.event.get_external_id().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(",");
        tracing::error!(
            target: "polar_api::ingest",
            events = dropped.len(),
            external_ids = %external_ids,
            reason = %FailureReason::RuntimeShutdown,
            "usage events not delivered"
        );
    }
}

/// Splits events (numbered by their place in the part) into two halves.
fn halves(events: Vec<Event>) -> Vec<Vec<(usize, Event)>> {
    let mid = events.len() / 2;
    let mut numbered: Vec<(usize, Event)> = events.into_iter().enumerate().collect();
    let second = numbered.split_off(mid);
    vec![numbered, second]
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
