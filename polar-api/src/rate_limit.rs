//! Rate-limit information read from response headers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The rate-limit headers of one response. Each field is `None` when the
/// header was missing or unreadable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the current window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the current window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: the value the server sent for when the window
    /// resets, as a number.
    pub reset: Option<u64>,
    /// `Retry-After`: how long the server asked the client to wait, from
    /// either a number of seconds or an HTTP date (a date in the past gives
    /// zero).
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// Reads the rate-limit headers out of a header map.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        RateLimit {
            limit: number(headers, "x-ratelimit-limit"),
            remaining: number(headers, "x-ratelimit-remaining"),
            reset: number(headers, "x-ratelimit-reset"),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
        }
    }
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    let text = headers.get(name)?.to_str().ok()?.trim();
    text.parse::<u64>().ok().or_else(|| {
        // Some servers send a fractional number of seconds.
        let float = text.parse::<f64>().ok()?;
        (float.is_finite() && float >= 0.0).then(|| float.ceil() as u64)
    })
}

fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    // An HTTP date, e.g. `Wed, 21 Oct 2015 07:28:00 GMT` (RFC 2822 form).
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let when = UNIX_EPOCH + Duration::from_secs(u64::try_from(when.timestamp()).unwrap_or(0));
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn reads_all_headers() {
        let rl = RateLimit::from_headers(&headers(&[
            ("X-RateLimit-Limit", "100"),
            ("X-RateLimit-Remaining", "7"),
            ("X-RateLimit-Reset", "1712345678"),
            ("Retry-After", "3"),
        ]));
        assert_eq!(rl.limit, Some(100));
        assert_eq!(rl.remaining, Some(7));
        assert_eq!(rl.reset, Some(1712345678));
        assert_eq!(rl.retry_after, Some(Duration::from_secs(3)));
    }

    #[test]
    fn missing_or_bad_headers_are_none() {
        assert_eq!(
            RateLimit::from_headers(&HeaderMap::new()),
            RateLimit::default()
        );
        let rl = RateLimit::from_headers(&headers(&[
            ("X-RateLimit-Limit", "lots"),
            ("Retry-After", "soon"),
        ]));
        assert_eq!(rl.limit, None);
        assert_eq!(rl.retry_after, None);
    }

    #[test]
    fn retry_after_as_http_date() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let future = chrono::DateTime::from_timestamp(now + 120, 0).unwrap();
        let date = future.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let wait = parse_retry_after(&date).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
    }
}
