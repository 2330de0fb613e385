//! Webhooks from the stateful mock: the deliveries of the events its state
//! changes emit (and of events [triggered](crate::MockPolar::trigger) by
//! hand) to the registered endpoints, signed with each endpoint's secret
//! the Standard Webhooks way, retried on a non-2xx answer or a timeout.
//!
//! One task per mock delivers in the order the events were emitted; a
//! failed attempt is retried after the next delay of the schedule
//! ([`MockPolarBuilder::webhook_retry_schedule`](crate::MockPolarBuilder::webhook_retry_schedule),
//! a compressed version of a real schedule) without holding back the
//! deliveries after it. Each attempt is signed with its own timestamp and
//! keeps the delivery's `webhook-id`, so a handler can de-duplicate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use polar_api::webhooks::WebhookSecret;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::Delivery;

/// The default retry delays: after the first attempt, five more, 10 ms
/// apart and doubling.
pub const DEFAULT_RETRY_SCHEDULE: [Duration; 5] = [
    Duration::from_millis(10),
    Duration::from_millis(20),
    Duration::from_millis(40),
    Duration::from_millis(80),
    Duration::from_millis(160),
];

/// How long the mock waits for an endpoint's answer by default.
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(2);

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Not answered with a 2xx yet, with retries left.
    Pending,
    /// An attempt was answered with a 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// The endpoint's status, or `None` when it did not answer in time
    /// (or could not be reached).
    pub status: Option<u16>,
    /// Why there is no status.
    pub error: Option<String>,
    /// When it was made.
    pub at: SystemTime,
}

/// A webhook delivery the mock made: one event to one endpoint.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The `webhook-id` header (the same on every attempt).
    pub id: String,
    /// `order.paid`, ...
    pub event_type: String,
    /// The endpoint's id.
    pub endpoint_id: String,
    /// The endpoint's URL.
    pub url: String,
    /// The API version of the payload (`webhook-api-version`).
    pub api_version: String,
    /// The body, as signed.
    pub body: Bytes,
    /// Every attempt so far, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
    /// Where it stands.
    pub status: DeliveryStatus,
}

impl WebhookDelivery {
    /// The body as JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A delivery to make, or to try again.
struct Job {
    index: usize,
    attempt: usize,
    secret: WebhookSecret,
}

/// The mock's deliveries, and the task that makes them (started with the
/// first delivery, so that a mock that sends none costs nothing).
pub(crate) struct Webhooks {
    runtime: tokio::runtime::Handle,
    schedule: Vec<Duration>,
    timeout: Duration,
    worker: OnceLock<(mpsc::UnboundedSender<Job>, JoinHandle<()>)>,
    log: Arc<Mutex<Vec<WebhookDelivery>>>,
    pending: Arc<AtomicUsize>,
}

impl Webhooks {
    /// Deliveries made on the current runtime.
    pub(crate) fn new(schedule: Vec<Duration>, timeout: Duration) -> Webhooks {
        Webhooks {
            runtime: tokio::runtime::Handle::current(),
            schedule,
            timeout,
            worker: OnceLock::new(),
            log: Arc::new(Mutex::new(Vec::new())),
            pending: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn sender(&self) -> &mpsc::UnboundedSender<Job> {
        let (sender, _) = self.worker.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            let worker = self.runtime.spawn(deliver(
                receiver,
                sender.clone(),
                self.log.clone(),
                self.pending.clone(),
                self.schedule.clone(),
                self.timeout,
            ));
            (sender, worker)
        });
        sender
    }

    /// Queue `body` for an endpoint.
    pub(crate) fn queue(&self, event_type: &str, endpoint: &crate::store::Endpoint, body: Bytes) {
        let Ok(secret) = WebhookSecret::new(endpoint.secret()) else {
            return;
        };
        let delivery = Delivery::json(endpoint.api_version, Bytes::new());
        let record = WebhookDelivery {
            id: delivery.webhook_id().to_owned(),
            event_type: event_type.to_owned(),
            endpoint_id: endpoint.id().to_owned(),
            url: endpoint.url().to_owned(),
            api_version: endpoint.api_version.to_owned(),
            body,
            attempts: Vec::new(),
            status: DeliveryStatus::Pending,
        };
        let index = {
            let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            log.push(record);
            log.len() - 1
        };
        self.pending.fetch_add(1, Ordering::SeqCst);
        let _ = self.sender().send(Job {
            index,
            attempt: 0,
            secret,
        });
    }

    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Wait until no delivery is pending, for at most `timeout`; whether
    /// none is.
    pub(crate) async fn settle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.pending.load(Ordering::SeqCst) == 0 {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

impl WebhookDelivery {
    /// Polar's `WebhookDelivery` objects of this delivery, one per attempt
    /// (`webhooks:list_webhook_deliveries`), with `endpoint_id` and
    /// `event_type` for the list's filters; `number` makes the ids.
    pub(crate) fn records(&self, number: usize) -> Vec<Value> {
        let uuid = |attempt: usize| {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&(number as u64).to_be_bytes());
            bytes[8..].copy_from_slice(&(attempt as u64).to_be_bytes());
            uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .to_string()
        };
        let time = |at: SystemTime| {
            let elapsed = at
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            chrono::DateTime::from_timestamp(
                elapsed.as_secs() as i64,
                elapsed.subsec_micros() * 1000,
            )
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        };
        let first = self
            .attempts
            .first()
            .map_or_else(String::new, |a| time(a.at));
        let last_code = self.attempts.last().and_then(|a| a.status);
        let event = serde_json::json!({
            "id": uuid(0), "created_at": first, "modified_at": first,
            "last_http_code": last_code, "succeeded": self.status == DeliveryStatus::Delivered,
            "skipped": false, "payload": String::from_utf8_lossy(&self.body),
            "type": self.event_type, "is_archived": false,
        });
        self.attempts
            .iter()
            .enumerate()
            .map(|(i, attempt)| {
                let at = time(attempt.at);
                serde_json::json!({
                    "id": uuid(i + 1), "created_at": at, "modified_at": at,
                    "succeeded": attempt.status.is_some_and(|s| (200..300).contains(&s)),
                    "http_code": attempt.status, "response": attempt.error,
                    "webhook_event": event, "endpoint_id": self.endpoint_id,
                    "event_type": self.event_type,
                })
            })
            .collect()
    }
}

impl Drop for Webhooks {
    fn drop(&mut self) {
        if let Some((_, worker)) = self.worker.get() {
            worker.abort();
        }
    }
}

async fn deliver(
    mut receiver: mpsc::UnboundedReceiver<Job>,
    sender: mpsc::UnboundedSender<Job>,
    log: Arc<Mutex<Vec<WebhookDelivery>>>,
    pending: Arc<AtomicUsize>,
    schedule: Vec<Duration>,
    timeout: Duration,
) {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .unwrap_or_default();
    let mut retries = tokio::task::JoinSet::new();
    while let Some(job) = receiver.recv().await {
        while retries.try_join_next().is_some() {}
        let Some(record) = log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(job.index)
            .cloned()
        else {
            continue;
        };
        let signed = Delivery::json(record.api_version.clone(), record.body.clone())
            .id(record.id.clone())
            .sign(&job.secret);
        let attempt = match signed.send(&client, &record.url).await {
            Ok(response) => DeliveryAttempt {
                status: Some(response.status().as_u16()),
                error: None,
                at: SystemTime::now(),
            },
            Err(err) => DeliveryAttempt {
                status: None,
                at: SystemTime::now(),
                error: Some(if err.is_timeout() {
                    "timed out".to_owned()
                } else {
                    "could not connect".to_owned()
                }),
            },
        };
        let delivered = attempt.status.is_some_and(|s| (200..300).contains(&s));
        let retry = !delivered && job.attempt < schedule.len();
        {
            let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(record) = log.get_mut(job.index) {
                record.attempts.push(attempt);
                record.status = if delivered {
                    DeliveryStatus::Delivered
                } else if retry {
                    DeliveryStatus::Pending
                } else {
                    DeliveryStatus::Failed
                };
            }
        }
        if retry {
            let delay = schedule[job.attempt];
            let sender = sender.clone();
            retries.spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = sender.send(Job {
                    attempt: job.attempt + 1,
                    ..job
                });
            });
        } else {
            pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
