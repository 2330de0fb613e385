//! Sending one request's worth of events until the server answers for
//! good: the ingestor's retry policy (any number of attempts within a time
//! window, the client's backoff, its own rate limit).

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;
use tokio::sync::watch;
use tokio::time::Instant;

use super::encode::Body;
use super::event::Event;
use super::failure::{read_refusal, FailureReason, Refusal};
use super::handle::Shared;
use super::stats::Counters;
use crate::request::{Request, RequestOptions};
use crate::response::{json, no_error_body};
use crate::retry::RetryConfig;
use crate::transport::Core;
use crate::{Error, RateLimiter};

/// The operation the ingestor calls.
pub(crate) const OPERATION: &str = "events:ingest";
const PATH: &str = "/v1/events/ingest";

/// One request's worth of events of batch `batch`.
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) batch: u64,
    pub(crate) events: Vec<Event>,
    pub(crate) body: Body,
}

/// How a part ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A 2xx; the server's counts when its body said them.
    Acked {
        inserted: Option<u64>,
        duplicates: Option<u64>,
        attempts: u32,
    },
    /// A 422.
    Refused { refusal: Refusal, error: Arc<Error> },
    /// A 413: the body is too large for the server.
    TooLarge { error: Arc<Error> },
    /// Failed for good.
    Failed(FailureReason),
    /// The shutdown deadline passed first.
    Interrupted { last_error: Option<Arc<Error>> },
}

/// `EventsIngestResponse`, as every version defines it.
#[derive(Deserialize)]
struct Answer {
    inserted: u64,
    #[serde(default)]
    duplicates: u64,
}

/// What an error means for the part.
enum Verdict {
    Acked,
    Refused,
    TooLarge,
    Fatal,
    Retry {
        retry_after: Option<Duration>,
        rate_limited: bool,
    },
}

fn classify(error: &Error) -> Verdict {
    match error {
        // The server took it; only its answer did not decode.
        Error::Decode { status, .. } if (200..300).contains(status) => Verdict::Acked,
        Error::Api(api) => match api.status {
            422 => Verdict::Refused,
            413 => Verdict::TooLarge,
            408 | 429 | 500..=599 => Verdict::Retry {
                retry_after: matches!(api.status, 429 | 503)
                    .then_some(api.rate_limit.retry_after)
                    .flatten(),
                rate_limited: api.status == 429,
            },
            _ => Verdict::Fatal,
        },
        // A token provider that failed (a vault out of reach) may answer
        // the next time.
        Error::Timeout { .. } | Error::Transport { .. } | Error::TokenProvider { .. } => {
            Verdict::Retry {
                retry_after: None,
                rate_limited: false,
            }
        }
        _ => Verdict::Fatal,
    }
}

/// What every part of one ingestor is sent with.
pub(crate) struct Sender {
    pub(crate) core: Core,
    pub(crate) options: RequestOptions,
    pub(crate) retry: RetryConfig,
    pub(crate) retry_for: Duration,
    /// The ingestor's own limit (and its `429` pauses). A limiter the
    /// client has is taken by the client's transport for every attempt.
    pub(crate) limiter: RateLimiter,
    /// Becomes `true` when the shutdown deadline passes.
    pub(crate) expired: watch::Receiver<bool>,
}

impl Sender {
    pub(crate) fn new(
        core: Core,
        attempt_timeout: Option<Duration>,
        retry_for: Duration,
        rate_limit: Option<(u32, Duration)>,
        expired: watch::Receiver<bool>,
    ) -> Self {
        let mut options = RequestOptions::default();
        // Retries are driven here, through the rate limit.
        options.set_max_retries(0);
        if let Some(timeout) = attempt_timeout {
            options.set_timeout(timeout);
        }
        Sender {
            retry: core.inner().retry.clone(),
            core,
            options,
            retry_for,
            limiter: RateLimiter::with_limit(rate_limit),
            expired,
        }
    }

    /// Sends `body` until it is acknowledged, refused or failed for good,
    /// or the shutdown deadline passes; hands it back with the outcome.
    ///
    /// The request holds only its body: the events stay with the batcher
    /// under `flight`, so that they are still there to report if this
    /// future is dropped (its runtime ended) before it finishes.
    pub(crate) async fn deliver(
        self: Arc<Self>,
        shared: Arc<Shared>,
        flight: u64,
        body: Body,
    ) -> (u64, Body, Outcome) {
        let mut last_error = None;
        let mut expired = self.expired.clone();
        let outcome = tokio::select! {
            outcome = self.attempts(&shared.counters, &body, &mut last_error) => Some(outcome),
            () = wait_true(&mut expired) => None,
        };
        let outcome = outcome.unwrap_or(Outcome::Interrupted { last_error });
        (flight, body, outcome)
    }

    async fn attempts(
        &self,
        counters: &Counters,
        body: &Body,
        last_error: &mut Option<Arc<Error>>,
    ) -> Outcome {
        let started = Instant::now();
        let mut attempts = 0u32;
        loop {
            self.limiter.acquire().await;
            Counters::add(&counters.requests, 1);
            attempts += 1;
            let error = match self.send_once(body).await {
                Ok(answer) => {
                    return Outcome::Acked {
                        inserted: Some(answer.inserted),
                        duplicates: Some(answer.duplicates),
                        attempts,
                    }
                }
                Err(error) => error,
            };
            let (retry_after, rate_limited) = match classify(&error) {
                Verdict::Acked => {
                    tracing::warn!(
                        target: "polar_api::ingest",
                        error = &error as &(dyn std::error::Error + 'static),
                        "events:ingest answered 2xx with a body that does not decode; counted as acknowledged"
                    );
                    return Outcome::Acked {
                        inserted: None,
                        duplicates: None,
                        attempts,
                    };
                }
                Verdict::Refused => {
                    let refusal = match error.api_error() {
                        Some(api) => read_refusal(&api.raw, body.len()),
                        None => Refusal::Unlocated(Vec::new()),
                    };
                    return Outcome::Refused {
                        refusal,
                        error: Arc::new(error),
                    };
                }
                Verdict::TooLarge => {
                    return Outcome::TooLarge {
                        error: Arc::new(error),
                    }
                }
                Verdict::Fatal => return Outcome::Failed(FailureReason::Rejected(Arc::new(error))),
                Verdict::Retry {
                    retry_after,
                    rate_limited,
                } => (retry_after, rate_limited),
            };
            // Beyond `max_delay`, the server's `Retry-After` is still
            // honoured: the retry window bounds it.
            let wait = self
                .retry
                .delay(attempts - 1, retry_after)
                .or(retry_after)
                .unwrap_or_default();
            let error = Arc::new(error);
            if started.elapsed().saturating_add(wait) >= self.retry_for {
                return Outcome::Failed(FailureReason::RetriesExhausted { error, attempts });
            }
            if rate_limited {
                // The limit is the organization's: hold every request.
                self.limiter.pause_for(wait);
            }
            if attempts == 1 {
                Counters::add(&counters.retried_batches, 1);
            }
            Counters::add(&counters.retries, 1);
            tracing::debug!(
                target: "polar_api::ingest",
                events = body.len(),
                attempt = attempts,
                wait_ms = wait.as_millis() as u64,
                error = &*error as &(dyn std::error::Error + 'static),
                "retrying a batch of usage events"
            );
            *last_error = Some(error);
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(&self, body: &Body) -> Result<Answer, Error> {
        let request = Request::new(Method::POST, OPERATION, PATH)
            .json_bytes(body.bytes.clone())
            .options(self.options.clone());
        let raw = self.core.send(request).await?;
        json::<Answer>(OPERATION, raw, no_error_body).map(crate::Response::into_value)
    }
}

/// Returns once the value is `true`; never if the sender is gone first.
pub(crate) async fn wait_true(rx: &mut watch::Receiver<bool>) {
    if rx.wait_for(|&value| value).await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_retried() {
        let timeout = Error::Timeout {
            operation: OPERATION,
            limit: crate::TimeoutLimit::Connect,
            sent: false,
            source: None,
        };
        assert!(matches!(classify(&timeout), Verdict::Retry { .. }));
        assert!(matches!(classify(&Error::config("x")), Verdict::Fatal));
        assert!(matches!(
            classify(&Error::encode(OPERATION, "x")),
            Verdict::Fatal
        ));
    }
}
