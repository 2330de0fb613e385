//! Signed webhook deliveries, as Polar sends them: for testing your webhook
//! handler without Polar.
//!
//! A [`Delivery`] is a body (a typed payload, a fixture, or your own JSON)
//! with the API version it is sent as, a `webhook-id` and a timestamp;
//! [`Delivery::sign`] signs it with your endpoint's secret the Standard
//! Webhooks way (with `polar_api`'s own signer, [`Webhook::sign`]), and the
//! [`SignedDelivery`] goes to your handler as an `http::Request` (an
//! in-process axum or tower router) or over HTTP to a URL.
//!
//! The headers are those Polar sends: `webhook-id`, `webhook-timestamp`
//! (unix seconds, now unless you set it), `webhook-signature` (`v1,<base64>`
//! per key the secret stands for: a [`WebhookSecret::new`] secret that reads
//! both ways signs under both derivations, so either reading verifies),
//! `webhook-api-version`, and `content-type: application/json`.
//!
//! ```
//! # #[cfg(feature = "v2026-10")] {
//! use polar_api::v2026_10::WebhookPayload;
//! use polar_api::webhooks::{Webhook, WebhookSecret};
//! use polar_mock::Delivery;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = WebhookSecret::new("whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=")?;
//!
//! // The fixture of `order.paid` in API version 2026-10, signed.
//! let delivery = Delivery::fixture("2026-10", "order.paid").expect("a known event").sign(&secret);
//!
//! // What your handler does with it: verify, then decode.
//! let request = delivery.to_request("http://localhost/webhooks/polar")?;
//! let webhook = Webhook::new(secret);
//! match webhook.verify_and_decode(request.headers(), request.body())? {
//!     WebhookPayload::OrderPaid(event) => assert_eq!(event.data.currency, "usd"),
//!     other => panic!("not an order.paid: {other:?}"),
//! }
//! # Ok(())
//! # }
//! # main().unwrap();
//! # }
//! ```
//!
//! For an axum router, `request.map(axum::body::Body::from)` and
//! `tower::ServiceExt::oneshot`; for a server, [`SignedDelivery::send`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use polar_api::webhooks::{VersionedPayload, Webhook, WebhookSecret};
use serde::Serialize;

/// Webhook-id numbers of this process, so that no two deliveries share an
/// id (handlers de-duplicate by it).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A webhook delivery before it is signed: its body, the API version it is
/// sent as, its `webhook-id` and its timestamp.
#[derive(Clone)]
pub struct Delivery {
    id: String,
    timestamp: i64,
    api_version: Option<String>,
    body: Bytes,
}

impl Delivery {
    /// A delivery of a typed payload: a version's `WebhookPayload`
    /// (`polar_api::v2026_10::WebhookPayload::OrderPaid(event)`), sent as
    /// that version.
    ///
    /// # Panics
    ///
    /// If the payload does not serialize to JSON, which the generated
    /// payload types always do.
    pub fn of<P: VersionedPayload + Serialize>(payload: &P) -> Delivery {
        let body = serde_json::to_vec(payload).expect("a webhook payload serializes to JSON");
        Delivery::json(P::API_VERSION, body)
    }

    /// A delivery of this JSON body, sent as API version `api_version`
    /// (`"2026-10"`). The body is sent byte for byte, as given.
    pub fn json(api_version: impl Into<String>, body: impl Into<Bytes>) -> Delivery {
        Delivery {
            id: format!("msg_mock_{:06}", NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            timestamp: unix_now(),
            api_version: Some(api_version.into()),
            body: body.into(),
        }
    }

    /// The fixture of event `event_type` (`"order.paid"`) of API version
    /// `api_version`; `None` when this build does not include the version
    /// (its feature is off) or the version has no such event.
    pub fn fixture(api_version: &str, event_type: &str) -> Option<Delivery> {
        let events = crate::fixtures::webhook_events(api_version)?;
        let (_, json) = events.iter().find(|(event, _)| *event == event_type)?;
        Some(Delivery::json(
            api_version,
            Bytes::from_static(json.as_bytes()),
        ))
    }

    /// Set the `webhook-id` (default: `msg_mock_` and a number unique in
    /// this process). A redelivery keeps its id: reuse one to test that your
    /// handler processes a delivery once.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Set the `webhook-timestamp`, in unix seconds (default: when the
    /// delivery was made). Verifiers refuse one more than five minutes from
    /// their clock: set an old one to test that yours does.
    #[must_use]
    pub fn timestamp(mut self, unix_seconds: i64) -> Self {
        self.timestamp = unix_seconds;
        self
    }

    /// Send no `webhook-api-version` header, as deliveries from before
    /// Polar versioned webhooks did.
    #[must_use]
    pub fn without_api_version(mut self) -> Self {
        self.api_version = None;
        self
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The `webhook-id`.
    pub(crate) fn webhook_id(&self) -> &str {
        &self.id
    }

    /// The delivery signed with an endpoint's secret.
    pub fn sign(&self, secret: &WebhookSecret) -> SignedDelivery {
        let signature = Webhook::new(secret.clone()).sign(&self.id, self.timestamp, &self.body);
        SignedDelivery {
            delivery: self.clone(),
            signature,
        }
    }
}

impl fmt::Debug for Delivery {
    // The body is customer data: its size is shown, not its content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("api_version", &self.api_version)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A signed delivery: headers and body, ready for a handler.
#[derive(Clone)]
pub struct SignedDelivery {
    delivery: Delivery,
    signature: String,
}

impl SignedDelivery {
    /// The headers Polar sends with a delivery.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| {
            // Ids and versions are the caller's text: a value that is not a
            // valid header is left out, and verification then says so.
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        put("webhook-id", &self.delivery.id);
        put("webhook-timestamp", &self.delivery.timestamp.to_string());
        put("webhook-signature", &self.signature);
        if let Some(version) = &self.delivery.api_version {
            put("webhook-api-version", version);
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers
    }

    /// The body, exactly as signed.
    pub fn body(&self) -> &Bytes {
        &self.delivery.body
    }

    /// The `webhook-id`.
    pub fn id(&self) -> &str {
        &self.delivery.id
    }

    /// A `POST` of the delivery to `uri`, for an in-process router
    /// (`router.oneshot(request.map(axum::body::Body::from))`).
    pub fn to_request(&self, uri: &str) -> Result<http::Request<Bytes>, http::Error> {
        let mut request = http::Request::post(uri).body(self.delivery.body.clone())?;
        *request.headers_mut() = self.headers();
        Ok(request)
    }

    /// `POST` the delivery to `url` with `client`, as Polar would; the
    /// response is your endpoint's (a non-2xx is not an error here: Polar
    /// would retry it).
    pub async fn send(
        &self,
        client: &reqwest::Client,
        url: &str,
    ) -> Result<reqwest::Response, reqwest::Error> {
        client
            .post(url)
            .headers(self.headers())
            .body(self.delivery.body.clone())
            .send()
            .await
    }
}

impl fmt::Debug for SignedDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedDelivery")
            .field("delivery", &self.delivery)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
