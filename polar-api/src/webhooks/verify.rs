//! The verifier: headers and raw body in, a verified (and decoded) event out.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::route::{self, VerifiedDelivery, VerifiedEvent, VersionedPayload, WebhookOutcome};
use super::signature::{self, SignatureHeaderError};
use super::{decode, WebhookError, WebhookSecret};
use super::{
    WebhookHeaders, WEBHOOK_API_VERSION, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};

/// How far a delivery's timestamp may be from now, either way, by default:
/// five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The largest body the axum extractor reads by default: 2 MiB (axum's own
/// default body limit). See [`Webhook::max_body_size`].
pub const DEFAULT_MAX_BODY_SIZE: usize = 2 * 1024 * 1024;

/// Verifies Polar's webhook deliveries with one endpoint's secret.
///
/// Cheap to clone (the secret is shared). `Debug` does not show the secret.
///
/// Verification works on the raw body bytes exactly as received; parse
/// nothing before it. It checks, in order: that the three `webhook-*`
/// headers are present and well-formed, that the timestamp is within the
/// [tolerance](Webhook::tolerance) of now, and that one of the `v1`
/// signatures is the HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`
/// under the secret — under either key derivation when the secret allows
/// both (see [`WebhookSecret`]).
#[derive(Clone, Debug)]
pub struct Webhook {
    secret: WebhookSecret,
    tolerance: Duration,
    default_version: String,
    max_body_size: usize,
}

impl Webhook {
    /// A verifier for `secret`, with the [default tolerance](DEFAULT_TOLERANCE).
    pub fn new(secret: WebhookSecret) -> Self {
        Webhook {
            secret,
            tolerance: DEFAULT_TOLERANCE,
            default_version: crate::CURRENT_API_VERSION.to_owned(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// The largest body the axum extractor (`VerifiedWebhook`, feature
    /// `axum`) reads, in bytes; default [`DEFAULT_MAX_BODY_SIZE`] (2 MiB).
    /// A request whose `Content-Length` is larger is refused before its
    /// body is read, one that turns out larger while it is read as soon as
    /// it passes the limit: **413 Payload Too Large** either way. The
    /// extractor applies this limit itself (axum's `DefaultBodyLimit` does
    /// not change it). Verifying a body you read yourself is not limited.
    #[must_use]
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The body limit of the axum extractor (see
    /// [`max_body_size`](Self::max_body_size)).
    pub fn body_size_limit(&self) -> usize {
        self.max_body_size
    }

    /// How far a delivery's timestamp may be from now, in the past or the
    /// future, before it is refused as a replay. Whole seconds count; the
    /// default is five minutes.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The API version to decode a delivery as when it declares none (no
    /// `webhook-api-version` header, no `api_version` in the payload): the
    /// version your endpoint was created with. Default: the version Polar
    /// served as Current when this crate was generated
    /// ([`CURRENT_API_VERSION`](crate::CURRENT_API_VERSION)), which is what
    /// a new endpoint gets.
    #[must_use]
    pub fn default_api_version(mut self, version: impl Into<String>) -> Self {
        self.default_version = version.into();
        self
    }

    /// The secret this verifier uses.
    pub fn secret(&self) -> &WebhookSecret {
        &self.secret
    }

    /// Verify a delivery: its headers and its raw body.
    pub fn verify<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        self.verify_at(headers, body, unix_now())
    }

    /// [`verify`](Self::verify) as if the time were `now` (unix seconds), for
    /// tests.
    pub fn verify_at<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        let signatures = self.verify_headers_at(headers, now)?;
        let id = required(headers, WEBHOOK_ID)?;
        let timestamp_text = required(headers, WEBHOOK_TIMESTAMP)?;
        if signature::matches(&self.secret, id, timestamp_text, body, &signatures) {
            Ok(())
        } else {
            Err(WebhookError::NoMatchingSignature)
        }
    }

    /// What can be checked before the body is read: that the three
    /// `webhook-*` headers are present and well-formed and that the
    /// timestamp is within the [tolerance](Webhook::tolerance) of now. A
    /// server reading the body itself can refuse a request on this before
    /// reading it (the axum extractor does); [`verify`](Self::verify)
    /// checks it again, with the signature.
    pub fn verify_headers<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
    ) -> Result<(), WebhookError> {
        self.verify_headers_at(headers, unix_now()).map(drop)
    }

    /// The header checks, as if the time were `now`; the signatures, parsed.
    pub(crate) fn verify_headers_at<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        now: i64,
    ) -> Result<Vec<Vec<u8>>, WebhookError> {
        let id = required(headers, WEBHOOK_ID)?;
        let timestamp_text = required(headers, WEBHOOK_TIMESTAMP)?;
        let signature_header = required(headers, WEBHOOK_SIGNATURE)?;

        check_id(id)?;
        let timestamp = parse_timestamp(timestamp_text)?;
        let signatures = signature::parse_header(signature_header).map_err(|err| {
            WebhookError::MalformedHeader {
                header: WEBHOOK_SIGNATURE,
                reason: match err {
                    SignatureHeaderError::NotAscii => {
                        "not printable ASCII entries separated by spaces"
                    }
                    SignatureHeaderError::Empty => "no signatures",
                    SignatureHeaderError::EntryWithoutVersion => {
                        "an entry is not of the form `version,signature`"
                    }
                },
            }
        })?;

        let skew_secs = now.saturating_sub(timestamp);
        if skew_secs.unsigned_abs() > self.tolerance.as_secs() {
            return Err(WebhookError::TimestampOutOfTolerance {
                skew_secs,
                tolerance: self.tolerance,
            });
        }
        Ok(signatures)
    }

    /// Verify a delivery and keep it as raw JSON, with what it says about
    /// itself (id, timestamp, declared version, event type).
    pub fn verify_delivery<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<VerifiedDelivery, WebhookError> {
        self.verify_delivery_at(headers, body, unix_now())
    }

    /// [`verify_delivery`](Self::verify_delivery) as if the time were `now`.
    pub fn verify_delivery_at<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<VerifiedDelivery, WebhookError> {
        Ok(self.verified(headers, body, now)?.0)
    }

    /// Verify a delivery, then decode it into the payload type of the API
    /// version it was sent as (the `webhook-api-version` header, else the
    /// payload's `api_version`, else the [default](Self::default_api_version)).
    ///
    /// Only a delivery that fails verification is an `Err`; every verified
    /// one is a [`WebhookOutcome`], including a version this build does not
    /// include and a body that does not decode, so a handler can acknowledge
    /// what it cannot type instead of having Polar retry it forever.
    pub fn verify_and_route<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<WebhookOutcome, WebhookError> {
        self.verify_and_route_at(headers, body, unix_now())
    }

    /// [`verify_and_route`](Self::verify_and_route) as if the time were `now`.
    pub fn verify_and_route_at<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<WebhookOutcome, WebhookError> {
        let (delivery, envelope) = self.verified(headers, body, now)?;
        Ok(route::route(delivery, envelope, &self.default_version))
    }

    /// Verify a delivery, then decode it into `P`, the payload enum of one
    /// API version (`v2026_10::WebhookPayload`), keeping the delivery
    /// beside the event: the receiver's usual call (the axum extractor
    /// `VerifiedEvent` makes it).
    ///
    /// Only a delivery that fails verification is an `Err` (answer it with
    /// [`WebhookError::status_code`]). One that verified but that `P`
    /// cannot type, because it declares another version or does not match
    /// `P`'s schema, comes back with its `event` an `Err`: acknowledge it
    /// (2xx) and keep [`VerifiedEvent::delivery`] if you need it, or Polar
    /// sends it again and again. An event type newer than `P` decodes into
    /// `P`'s `Unknown` variant, not an error.
    pub fn verify_event<P: VersionedPayload, H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<VerifiedEvent<P>, WebhookError> {
        self.verify_event_at(headers, body, unix_now())
    }

    /// [`verify_event`](Self::verify_event) as if the time were `now` (unix
    /// seconds), for tests.
    pub fn verify_event_at<P: VersionedPayload, H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<VerifiedEvent<P>, WebhookError> {
        let (delivery, envelope) = self.verified(headers, body, now)?;
        Ok(VerifiedEvent::decode(delivery, envelope))
    }

    /// Verify a delivery, then decode its body into `P`, the payload enum
    /// of one API version (`v2026_10::WebhookPayload`). An event type that
    /// version does not know decodes into its `Unknown` variant with the raw
    /// JSON; it is not an error. A delivery that declares another version
    /// is [`WebhookError::OtherApiVersion`]: use
    /// [`verify_and_route`](Self::verify_and_route) for endpoints of several
    /// versions.
    ///
    /// A delivery that verified but does not decode is an `Err` here too,
    /// which a receiver must not answer with an error status (Polar would
    /// retry it for good): receivers use
    /// [`verify_event`](Self::verify_event), which keeps the two apart.
    pub fn verify_and_decode<P: VersionedPayload, H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<P, WebhookError> {
        self.verify_and_decode_at(headers, body, unix_now())
    }

    /// [`verify_and_decode`](Self::verify_and_decode) as if the time were
    /// `now` (unix seconds), for tests.
    pub fn verify_and_decode_at<P: VersionedPayload, H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<P, WebhookError> {
        self.verify_event_at(headers, body, now)?.event
    }

    /// Verification, then the delivery and its envelope.
    fn verified<H: WebhookHeaders + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<(VerifiedDelivery, Result<decode::Envelope, WebhookError>), WebhookError> {
        self.verify_at(headers, body, now)?;
        let id = String::from_utf8_lossy(required(headers, WEBHOOK_ID)?).into_owned();
        let timestamp = parse_timestamp(required(headers, WEBHOOK_TIMESTAMP)?)?;
        let header_version = headers
            .header(WEBHOOK_API_VERSION)
            .and_then(|value| std::str::from_utf8(value).ok())
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty());
        Ok(route::delivery(&id, timestamp, header_version, body))
    }

    /// The `webhook-signature` header value Polar would send for this
    /// delivery: a `v1,<base64>` entry per key derivation the secret allows,
    /// separated by a space (two entries for a [`WebhookSecret::new`] secret
    /// that reads both ways). For tests of your own webhook handlers.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        signature::sign(&self.secret, id, timestamp, body)
    }
}

fn required<'h, H: WebhookHeaders + ?Sized>(
    headers: &'h H,
    header: &'static str,
) -> Result<&'h [u8], WebhookError> {
    headers
        .header(header)
        .ok_or(WebhookError::MissingHeader { header })
}

fn check_id(id: &[u8]) -> Result<(), WebhookError> {
    let malformed = |reason| WebhookError::MalformedHeader {
        header: WEBHOOK_ID,
        reason,
    };
    if id.is_empty() {
        return Err(malformed("empty"));
    }
    if std::str::from_utf8(id).is_err() {
        return Err(malformed("not UTF-8"));
    }
    Ok(())
}

/// Unix seconds: ASCII digits only (no sign, no spaces, no fraction).
fn parse_timestamp(text: &[u8]) -> Result<i64, WebhookError> {
    let malformed = WebhookError::MalformedHeader {
        header: WEBHOOK_TIMESTAMP,
        reason: "not a unix timestamp in whole seconds",
    };
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return Err(malformed);
    }
    std::str::from_utf8(text)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or(malformed)
}

pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_timestamp(b"1700000000").unwrap(), 1_700_000_000);
        assert_eq!(parse_timestamp(b"0001700000000").unwrap(), 1_700_000_000);
        for bad in [
            &b""[..],
            b"+1700000000",
            b"-1",
            b" 1700000000",
            b"1700000000.5",
            b"1e9",
            b"99999999999999999999",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn leading_zeros_are_signed_as_sent() {
        // The signed content holds the header's text, not a re-formatted number.
        let webhook = Webhook::new(WebhookSecret::legacy("polar_whs_leading_zeros_test").unwrap());
        let body = b"{}";
        let header = webhook.sign("msg", 1_700_000_000, body);
        let headers = [
            ("webhook-id", "msg"),
            ("webhook-timestamp", "01700000000"),
            ("webhook-signature", header.as_str()),
        ];
        assert!(matches!(
            webhook.verify_at(&headers, body, 1_700_000_000),
            Err(WebhookError::NoMatchingSignature)
        ));
    }

    #[test]
    fn extreme_clocks_do_not_overflow() {
        let webhook = Webhook::new(WebhookSecret::legacy("extreme_clocks_test_key").unwrap());
        let header = webhook.sign("m", i64::MAX, b"");
        let headers = [
            ("webhook-id", "m".to_string()),
            ("webhook-timestamp", i64::MAX.to_string()),
            ("webhook-signature", header),
        ];
        assert!(matches!(
            webhook.verify_at(&headers, b"", i64::MIN),
            Err(WebhookError::TimestampOutOfTolerance { .. })
        ));
        assert!(webhook.verify_at(&headers, b"", i64::MAX).is_ok());
        let lax = webhook.clone().tolerance(Duration::MAX);
        assert!(lax.verify_at(&headers, b"", i64::MIN).is_ok());
    }
}
