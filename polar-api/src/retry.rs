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
/// `Idempotency-Key` header. (A connection that could not be opened at all
/// never reached the server, so that case is retried for every method.)
///
/// Waits grow exponentially, `base_delay * 2^retry` capped at `max_delay`,
/// with full jitter (a random wait between zero and that bound). When a 429
/// or 503 carries `Retry-After`, the wait is at least that long, still capped
/// at `max_delay`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Retries after the first attempt; `2` means up to three attempts.
    pub max_retries: u32,
    /// The bound of the first wait.
    pub base_delay: Duration,
    /// The longest single wait.
    pub max_delay: Duration,
}

impl Default for RetryConfig {
    /// Two retries, starting from 500 ms, never waiting more than 30 s.
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryConfig {
    /// No retries: every request is attempted once.
    pub fn disabled() -> Self {
        RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        }
    }

    /// The default policy with a different number of retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryConfig {
            max_retries,
            ..RetryConfig::default()
        }
    }

    /// How long to wait before retry number `retry` (0 for the first retry),
    /// given the server's `Retry-After`, if it sent one that applies.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let bound = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(31)))
            .min(self.max_delay);
        let jittered = bound.mul_f64(fastrand::f64());
        match retry_after {
            Some(wait) => jittered.max(wait).min(self.max_delay),
            None => jittered,
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
        let cfg = RetryConfig {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        for _ in 0..100 {
            assert!(cfg.delay(0, None) <= Duration::from_millis(100));
            assert!(cfg.delay(2, None) <= Duration::from_millis(400));
            assert!(cfg.delay(30, None) <= Duration::from_secs(1));
            assert!(cfg.delay(u32::MAX, None) <= Duration::from_secs(1));
        }
    }

    #[test]
    fn retry_after_is_a_floor_capped_by_max_delay() {
        let cfg = RetryConfig::default();
        for _ in 0..100 {
            assert!(cfg.delay(0, Some(Duration::from_secs(2))) >= Duration::from_secs(2));
        }
        assert_eq!(
            cfg.delay(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn method_policy() {
        assert!(idempotent(&Method::GET, false));
        assert!(idempotent(&Method::DELETE, false));
        assert!(!idempotent(&Method::POST, false));
        assert!(idempotent(&Method::POST, true));
        assert!(!idempotent(&Method::PATCH, false));
        assert!(idempotent(&Method::PATCH, true));
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
