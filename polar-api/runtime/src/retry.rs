//! When and how long to wait before trying a request again.

use std::time::Duration;

use reqwest::Method;

/// How failed requests are retried.
///
/// A request is tried again when
/// * the server answered **429** (Too Many Requests), **500**, **502**, **503**
///   or **504**, or
/// * the connection failed or the attempt timed out,
///
/// and the request is safe to repeat: `GET`, `HEAD`, `PUT`, `DELETE` and
/// `OPTIONS` always are; `POST` and `PATCH` only when they carry an
/// `Idempotency-Key` header. Two cases are safe for every method: a **429**,
/// which the server refuses before running the request, and a connection
/// that could not be opened at all, which never reached the server.
///
/// Waits grow exponentially, `initial_delay * 2^retry` capped at
/// `max_delay`, with full jitter (a random wait between zero and that
/// bound). When a 429 or 503 carries `Retry-After`, the wait is at least
/// that long; when `Retry-After` is longer than `max_delay`, the request is
/// not retried (it would only be refused again) and the response is
/// returned at once as [`Error::Api`](crate::Error::Api), its `Retry-After`
/// in [`Error::rate_limit`](crate::Error::rate_limit).
///
/// The number of retries can be changed for one request with the operation
/// builder's `.max_retries(n)`. However many retries are allowed, a
/// deadline (`ClientBuilder::deadline`) cuts them short: no retry is
/// made whose wait would not end before it.
///
/// Build one from the default and change what you need; the type is
/// `#[non_exhaustive]`, so new settings can be added without breaking
/// callers:
///
/// ```
/// use std::time::Duration;
/// use polar_api::RetryConfig;
///
/// let retry = RetryConfig::default()
///     .max_retries(4)
///     .initial_delay(Duration::from_millis(200))
///     .max_delay(Duration::from_secs(10));
/// assert_eq!(retry.get_max_retries(), 4);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after the first attempt; `2` means up to three attempts.
    pub(crate) max_retries: u32,
    /// The bound of the first wait.
    pub(crate) initial_delay: Duration,
    /// The longest single wait.
    pub(crate) max_delay: Duration,
}

impl Default for RetryConfig {
    /// Two retries, starting from 500 ms, never waiting more than 30 s.
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryConfig {
    /// No retries: every request is attempted once.
    pub fn disabled() -> Self {
        RetryConfig::default().max_retries(0)
    }

    /// The default policy with a different number of retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryConfig::default().max_retries(max_retries)
    }

    /// Retries after the first attempt (default 2; `0` disables retries).
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The bound of the first wait, doubled for each further retry
    /// (default 500 ms).
    #[must_use]
    pub fn initial_delay(mut self, initial_delay: Duration) -> Self {
        self.initial_delay = initial_delay;
        self
    }

    /// The longest single wait (default 30 s). A server asking, with
    /// `Retry-After`, for a longer one gets its response returned instead.
    #[must_use]
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Retries after the first attempt.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The bound of the first wait.
    pub fn get_initial_delay(&self) -> Duration {
        self.initial_delay
    }

    /// The longest single wait.
    pub fn get_max_delay(&self) -> Duration {
        self.max_delay
    }

    /// How long to wait before retry number `retry` (0 for the first retry),
    /// given the server's `Retry-After`, if it sent one that applies; `None`
    /// when that is longer than `max_delay`, so retrying would be too early.
    #[doc(hidden)]
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let bound = self
            .initial_delay
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max_delay);
        let jittered = bound.mul_f64(fastrand::f64());
        match retry_after {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(jittered.max(wait)),
            None => Some(jittered),
        }
    }
}

/// Whether a response status is worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Whether the server's `Retry-After` should shape the wait for this status.
pub(crate) fn honors_retry_after(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// Whether a status says the server refused the request without running
/// it, so that resending it is safe whatever the method: 429.
pub(crate) fn refused_before_running(status: u16) -> bool {
    status == 429
}

/// Whether repeating a request of this method can't apply it twice.
pub(crate) fn idempotent(method: &Method, has_idempotency_key: bool) -> bool {
    match *method {
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS => true,
        Method::POST | Method::PATCH => has_idempotency_key,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_grows() {
        let cfg = RetryConfig::default()
            .max_retries(10)
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1));
        for _ in 0..100 {
            assert!(cfg.delay(0, None).unwrap() <= Duration::from_millis(100));
            assert!(cfg.delay(2, None).unwrap() <= Duration::from_millis(400));
            assert!(cfg.delay(30, None).unwrap() <= Duration::from_secs(1));
            assert!(cfg.delay(u32::MAX, None).unwrap() <= Duration::from_secs(1));
        }
    }

    #[test]
    fn retry_after_is_a_floor_up_to_max_delay() {
        let cfg = RetryConfig::default();
        for _ in 0..100 {
            let wait = cfg.delay(0, Some(Duration::from_secs(2))).unwrap();
            assert!(wait >= Duration::from_secs(2) && wait <= Duration::from_secs(30));
        }
        assert_eq!(
            cfg.delay(0, Some(Duration::from_secs(30))),
            Some(Duration::from_secs(30))
        );
    }

    #[test]
    fn retry_after_beyond_max_delay_means_no_retry() {
        let cfg = RetryConfig::default();
        assert_eq!(cfg.delay(0, Some(Duration::from_secs(3600))), None);
        assert_eq!(cfg.delay(0, Some(Duration::from_millis(30_001))), None);
    }

    #[test]
    fn method_policy() {
        assert!(idempotent(&Method::GET, false));
        assert!(idempotent(&Method::DELETE, false));
        assert!(!idempotent(&Method::POST, false));
        assert!(idempotent(&Method::POST, true));
        assert!(!idempotent(&Method::PATCH, false));
        assert!(idempotent(&Method::PATCH, true));
        assert!(refused_before_running(429));
        for s in [500, 502, 503, 504] {
            assert!(!refused_before_running(s));
        }
    }

    #[test]
    fn status_policy() {
        for s in [429, 500, 502, 503, 504] {
            assert!(retryable_status(s));
        }
        for s in [200, 400, 401, 404, 409, 422, 501] {
            assert!(!retryable_status(s));
        }
    }
}
