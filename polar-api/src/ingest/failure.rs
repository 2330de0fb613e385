//! What the ingestor hands back: events it could not take
//! ([`RecordError`]), events it could not deliver ([`Failure`]), and the
//! [`ShutdownReport`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::event::Event;
use super::stats::Stats;
use crate::Error;

/// Why [`Ingestor::try_record`](super::Ingestor::try_record) or
/// [`Ingestor::record`](super::Ingestor::record) did not take an event; the
/// event comes back with it.
#[derive(Debug)]
pub enum RecordError {
    /// The queue holds as many events as it may
    /// ([`IngestorBuilder::queue_capacity`](super::IngestorBuilder::queue_capacity));
    /// only `try_record` returns this (`record` waits for room).
    Full(Event),
    /// The ingestor was shut down.
    Closed(Event),
}

impl RecordError {
    /// The event that was not recorded.
    pub fn into_event(self) -> Event {
        match self {
            RecordError::Full(event) | RecordError::Closed(event) => event,
        }
    }

    /// Whether the queue was full (and the ingestor still running).
    pub fn is_full(&self) -> bool {
        matches!(self, RecordError::Full(_))
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Full(_) => write!(f, "the usage-event queue is full"),
            RecordError::Closed(_) => write!(f, "the usage-event ingestor is shut down"),
        }
    }
}

impl std::error::Error for RecordError {}

/// One problem the server found in an event: an item of the `detail` list
/// of its `422` answer (FastAPI's `ValidationError`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationIssue {
    /// Where, inside the event (`["metadata", "_llm", "model"]`), when the
    /// server named the event; otherwise the whole location it gave.
    /// Integers are written as decimal text.
    pub location: Vec<String>,
    /// The server's message (`"Field required"`).
    pub message: String,
    /// The kind of error (`"missing"`, `"string_too_long"`).
    pub kind: String,
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.location.join("."), self.message)
        }
    }
}

/// An event the ingestor could not deliver, and why. Each one is reported
/// once: to [`IngestorBuilder::on_failure`](super::IngestorBuilder::on_failure)
/// when it is set, otherwise kept for
/// [`Ingestor::take_failures`](super::Ingestor::take_failures) and the
/// [`ShutdownReport`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure {
    /// The event, with the `external_id` and timestamp it was sent with:
    /// persist it and record it again later, and the server will not count
    /// it twice.
    pub event: Event,
    /// Why it was not delivered.
    pub reason: FailureReason,
}

/// Why an event was not delivered.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum FailureReason {
    /// The server refused this event (`422`): what it said about it.
    /// Sending it again as it is will fail again.
    Refused(Vec<ValidationIssue>),
    /// The server answered its batch with a status that retrying does not
    /// change (`400`, `401`, `403`, `404`, a `413` for a single event, ...),
    /// or the request could not be built.
    Rejected(Arc<Error>),
    /// Its batch was retried for the whole
    /// [`retry_for`](super::IngestorBuilder::retry_for) window without
    /// success; the last error. When an attempt timed out or lost its
    /// connection, the server may have stored the event all the same (its
    /// answer was lost): resending it is safe, since the server skips an
    /// `external_id` it has seen.
    RetriesExhausted {
        /// The error of the last attempt.
        error: Arc<Error>,
        /// Attempts made.
        attempts: u32,
    },
    /// The shutdown deadline passed first. `last_error` is the error of the
    /// batch's last attempt, if it had one. A request still running at the
    /// deadline may have been stored by the server: resending the event is
    /// safe, since the server skips an `external_id` it has seen.
    ShutdownDeadline {
        /// The error of the last attempt, if one failed.
        last_error: Option<Arc<Error>>,
    },
    /// The event was never queued: a byte or time strategy finished after
    /// the ingestor was shut down (or outside a tokio runtime with the
    /// queue full), and nobody was there to hand it back to.
    NotRecorded,
    /// The event was recorded detached ([`Ingestor::record_detached`], as
    /// the byte and time strategies do) while the queue was full and as
    /// many events as the queue holds were already waiting for room. It
    /// was never queued; record it again later, or persist it.
    ///
    /// [`Ingestor::record_detached`]: super::Ingestor::record_detached
    QueueFull,
    /// The ingestor's background task was dropped before it could deliver
    /// the event: its tokio runtime ended (a `#[tokio::main]` function
    /// returned, a `#[tokio::test]` finished, a runtime was dropped)
    /// before [`Ingestor::shutdown`](super::Ingestor::shutdown) was
    /// awaited, or the task panicked. The event may have reached the server
    /// if its request was in flight: resending it is safe, since the server
    /// skips an `external_id` it has seen. Also the reason of an event
    /// recorded detached ([`Ingestor::record_detached`]) whose task was
    /// still waiting for room in the queue when the runtime ended.
    ///
    /// [`Ingestor::record_detached`]: super::Ingestor::record_detached
    RuntimeShutdown,
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Refused(issues) => {
                write!(f, "refused by the server")?;
                for (i, issue) in issues.iter().enumerate() {
                    write!(f, "{}{issue}", if i == 0 { ": " } else { "; " })?;
                }
                Ok(())
            }
            FailureReason::Rejected(error) => write!(f, "rejected: {error}"),
            FailureReason::RetriesExhausted { error, attempts } => {
                write!(f, "gave up after {attempts} attempts: {error}")
            }
            FailureReason::ShutdownDeadline { last_error: None } => {
                write!(f, "not sent before the shutdown deadline")
            }
            FailureReason::ShutdownDeadline {
                last_error: Some(error),
            } => write!(
                f,
                "not delivered before the shutdown deadline (last attempt: {error})"
            ),
            FailureReason::NotRecorded => write!(f, "not recorded: the ingestor was shut down"),
            FailureReason::QueueFull => write!(
                f,
                "not recorded: the queue was full and too many events were already waiting"
            ),
            FailureReason::RuntimeShutdown => write!(
                f,
                "not delivered: the ingestor's task was dropped (its runtime ended) before shutdown"
            ),
        }
    }
}

/// What [`Ingestor::shutdown`](super::Ingestor::shutdown) returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// The counters when the ingestor stopped.
    pub stats: Stats,
    /// Every event not delivered and not already handed to `on_failure`
    /// or `take_failures`: refused and failed ones, and those the deadline
    /// cut short. Empty for a second `shutdown` call.
    pub undelivered: Vec<Failure>,
    /// Whether the deadline passed before the queue was drained.
    pub deadline_passed: bool,
    /// How long draining took.
    pub elapsed: Duration,
}

impl ShutdownReport {
    /// Whether every event recorded was delivered: the server acknowledged
    /// every one (`recorded == acknowledged`), none was refused, failed
    /// or handed back, and none is still held (a report from a handle
    /// whose task was dropped counts what that task held as failed).
    pub fn is_complete(&self) -> bool {
        let stats = &self.stats;
        self.undelivered.is_empty()
            && stats.refused == 0
            && stats.failed == 0
            && stats.recorded == stats.acknowledged
            && stats.queued == 0
            && stats.in_flight_events == 0
    }
}

/// What a `422` says about a batch of `len` events.
#[derive(Debug, PartialEq)]
pub(crate) enum Refusal {
    /// Every issue names an event by its index in the batch.
    Located(BTreeMap<usize, Vec<ValidationIssue>>),
    /// At least one issue names no event of the batch (or the body is not
    /// a validation error): the batch has to be split to find them.
    Unlocated(Vec<ValidationIssue>),
}

/// Reads a FastAPI validation error (`{"detail": [{"loc": ["body",
/// "events", 3, ...], "msg": ..., "type": ...}]}`) for a batch of `len`
/// events.
pub(crate) fn read_refusal(raw: &[u8], len: usize) -> Refusal {
    let Ok(body) = crate::__private::decode_value(raw) else {
        return Refusal::Unlocated(Vec::new());
    };
    let Some(items) = body.get("detail").and_then(|d| d.as_array()) else {
        let message = body
            .get("detail")
            .and_then(|d| d.as_str())
            .unwrap_or("unprocessable batch")
            .to_owned();
        return Refusal::Unlocated(vec![ValidationIssue {
            location: Vec::new(),
            message,
            kind: String::new(),
        }]);
    };
    let mut located: BTreeMap<usize, Vec<ValidationIssue>> = BTreeMap::new();
    let mut unlocated = Vec::new();
    for item in items {
        let loc = item
            .get("loc")
            .and_then(|l| l.as_array())
            .cloned()
            .unwrap_or_default();
        let text = |key: &str| {
            item.get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let index = match (loc.first(), loc.get(1), loc.get(2)) {
            (Some(body), Some(events), Some(index)) if body == "body" && events == "events" => {
                index.as_u64().and_then(|i| usize::try_from(i).ok())
            }
            _ => None,
        }
        .filter(|&i| i < len);
        let issue = |skip: usize| ValidationIssue {
            location: loc
                .iter()
                .skip(skip)
                .map(crate::error::location_part)
                .collect(),
            message: text("msg"),
            kind: text("type"),
        };
        match index {
            Some(index) => located.entry(index).or_default().push(issue(3)),
            None => unlocated.push(issue(0)),
        }
    }
    if unlocated.is_empty() && !located.is_empty() {
        Refusal::Located(located)
    } else {
        unlocated.extend(located.into_values().flatten());
        Refusal::Unlocated(unlocated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_naming_events_are_located() {
        let raw = br#"{"detail":[
            {"loc":["body","events",3,"EventCreateExternalCustomer","name"],"msg":"String should have at most 128 characters","type":"string_too_long"},
            {"loc":["body","events",3,"metadata","x"],"msg":"bad","type":"t"},
            {"loc":["body","events",0,"name"],"msg":"Field required","type":"missing"}]}"#;
        let Refusal::Located(map) = read_refusal(raw, 5) else {
            panic!("located")
        };
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(map[&3].len(), 2);
        assert_eq!(map[&3][0].location, ["EventCreateExternalCustomer", "name"]);
        assert_eq!(map[&0][0].to_string(), "name: Field required");
    }

    #[test]
    fn anything_else_is_unlocated() {
        // An index beyond the batch, a location outside `events`, no JSON.
        let beyond = br#"{"detail":[{"loc":["body","events",9],"msg":"m","type":"t"}]}"#;
        assert!(matches!(read_refusal(beyond, 5), Refusal::Unlocated(v) if v.len() == 1));
        let mixed = br#"{"detail":[{"loc":["body","events",1],"msg":"m","type":"t"},{"loc":["body"],"msg":"n","type":"t"}]}"#;
        assert!(matches!(read_refusal(mixed, 5), Refusal::Unlocated(v) if v.len() == 2));
        assert_eq!(read_refusal(b"oops", 5), Refusal::Unlocated(Vec::new()));
        let text = br#"{"detail":"Too many events"}"#;
        let Refusal::Unlocated(issues) = read_refusal(text, 5) else {
            panic!("unlocated")
        };
        assert_eq!(issues[0].message, "Too many events");
    }
}
