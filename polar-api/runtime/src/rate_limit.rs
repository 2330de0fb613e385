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
    /// zero). A longer wait than [`RateLimit::MAX_RETRY_AFTER`] (a day) reads as a day.
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// The longest `Retry-After` read: a longer wait (`1e20` seconds, a
    /// date in the year 9999) is read as this, a day. Nothing waits that
    /// long anyway (the client returns the error at once when the server
    /// asks for more than [`RetryConfig`](crate::RetryConfig)'s maximum
    /// delay), and a bounded value is safe to add to an `Instant` or a
    /// `SystemTime`.
    pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

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
    parse_number(headers.get(name)?.to_str().ok()?)
}

/// A non-negative count; a fraction is rounded up, a number beyond `u64`
/// saturates to `u64::MAX`.
fn parse_number(text: &str) -> Option<u64> {
    let text = text.trim();
    text.parse::<u64>().ok().or_else(|| {
        // Some servers send a fractional number of seconds.
        let float = text.parse::<f64>().ok()?;
        // `as` saturates: no overflow, whatever the size.
        (float.is_finite() && float >= 0.0).then(|| float.ceil() as u64)
    })
}

fn parse_retry_after(value: &str) -> Option<Duration> {
    retry_after_at(value, SystemTime::now())
}

/// `Retry-After` read at `now`: a number of seconds (fractions accepted),
/// or an HTTP date in any of the three forms of RFC 9110 §5.6.7 (a date in
/// the past gives zero). Capped at [`RateLimit::MAX_RETRY_AFTER`].
fn retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds.min(RateLimit::MAX_RETRY_AFTER.as_secs()))
    } else if let Ok(seconds) = value.parse::<f64>() {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return None;
        }
        Duration::from_secs_f64(seconds.min(RateLimit::MAX_RETRY_AFTER.as_secs_f64()))
    } else {
        let when = http_date(value, now)?;
        let when = UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(when).unwrap_or(0)))?;
        when.duration_since(now).unwrap_or(Duration::ZERO)
    };
    Some(wait.min(RateLimit::MAX_RETRY_AFTER))
}

/// An HTTP date as Unix seconds: the IMF-fixdate `Sun, 06 Nov 1994
/// 08:49:37 GMT` (any RFC 2822 date), the obsolete RFC 850 `Sunday,
/// 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`. The
/// weekday of the obsolete forms is not checked. A two-digit year is the
/// one within 50 years of `now`, as RFC 9110 asks (one that would be more
/// than 50 years ahead is last century's).
fn http_date(value: &str, now: SystemTime) -> Option<i64> {
    use chrono::{Datelike, NaiveDateTime};
    if let Ok(when) = chrono::DateTime::parse_from_rfc2822(value) {
        return Some(when.timestamp());
    }
    if let Some((_weekday, rest)) = value.split_once(", ") {
        let parsed = NaiveDateTime::parse_from_str(rest, "%d-%b-%y %H:%M:%S GMT").ok()?;
        let this_year = chrono::DateTime::<chrono::Utc>::from(now).year();
        // The year with those last two digits within 50 years of now.
        let mut year = this_year - this_year.rem_euclid(100) + parsed.year().rem_euclid(100);
        if year > this_year + 50 {
            year -= 100;
        } else if year <= this_year - 50 {
            year += 100;
        }
        return Some(parsed.with_year(year)?.and_utc().timestamp());
    }
    let (_weekday, rest) = value.split_once(' ')?;
    let parsed = NaiveDateTime::parse_from_str(rest, "%b %e %H:%M:%S %Y").ok()?;
    Some(parsed.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;
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

    #[test]
    fn retry_after_overflowing_numbers_do_not_panic() {
        for value in [
            "1e20",
            "18446744073709551616",
            "1e308",
            "99999999999999999999.5",
        ] {
            assert!(parse_retry_after(value).is_some(), "{value}");
        }
    }

    #[test]
    fn retry_after_obsolete_date_forms() {
        // RFC 9110 §5.6.7: recipients must accept RFC 850 and asctime dates.
        for date in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(parse_retry_after(date), Some(Duration::ZERO), "{date}");
        }
    }

    /// 1994-11-06T08:48:37Z: a minute before the RFC's example date.
    fn before_example() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(784_111_717)
    }

    #[test]
    fn all_three_http_date_forms_give_the_same_wait() {
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                retry_after_at(date, before_example()),
                Some(Duration::from_secs(60)),
                "{date}"
            );
        }
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:49:37 GMT", SystemTime::now()),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after_at("Sun Nov 6 08:49", before_example()), None);
    }

    #[test]
    fn two_digit_years_more_than_50_years_ahead_are_last_century() {
        // At 2026-04-16: `76` is 2076 (50 years ahead), `77` 1977.
        let now = UNIX_EPOCH + Duration::from_secs(1_776_297_600);
        assert_eq!(
            retry_after_at("Thursday, 16-Apr-26 00:01:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after_at("Thursday, 16-Apr-76 00:00:00 GMT", now),
            Some(RateLimit::MAX_RETRY_AFTER)
        );
        assert_eq!(
            retry_after_at("Saturday, 16-Apr-77 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        // Late in 2099, `00` is next year, not 2000.
        let now = UNIX_EPOCH + Duration::from_secs(4_102_444_740); // 2099-12-31T23:59:00Z
        assert_eq!(
            retry_after_at("Friday, 01-Jan-00 00:00:00 GMT", now),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn absurd_waits_are_capped_at_a_day() {
        let now = before_example();
        for value in [
            "1e20",
            "18446744073709551615",
            "18446744073709551616",
            "1e308",
            "86401",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Fri Dec 31 23:59:59 9999",
        ] {
            assert_eq!(
                retry_after_at(value, now),
                Some(RateLimit::MAX_RETRY_AFTER),
                "{value}"
            );
        }
        assert_eq!(
            retry_after_at("86400", now),
            Some(RateLimit::MAX_RETRY_AFTER)
        );
        assert_eq!(
            retry_after_at("86399.5", now),
            Some(Duration::from_millis(86_399_500))
        );
        for value in ["-1", "-1e20", "NaN", "inf", "-inf", ""] {
            assert_eq!(retry_after_at(value, now), None, "{value}");
        }
        assert_eq!(parse_number("1e20"), Some(u64::MAX));
        assert_eq!(parse_number("2.1"), Some(3));
        assert_eq!(parse_number("-2"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..Default::default()
        })]

        /// Every rate-limit header, read from any value a header can hold,
        /// never panics.
        #[test]
        fn any_header_value_is_read_without_panicking(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..48),
            number in "[+-]?[0-9]{0,24}(\\.[0-9]{0,24})?([eE][+-]?[0-9]{1,4})?",
        ) {
            for text in [&bytes[..], number.as_bytes()] {
                let Ok(value) = HeaderValue::from_bytes(text) else { continue };
                let mut map = HeaderMap::new();
                for name in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"] {
                    map.insert(name, value.clone());
                }
                let rate_limit = RateLimit::from_headers(&map);
                if let Some(wait) = rate_limit.retry_after {
                    proptest::prop_assert!(wait <= RateLimit::MAX_RETRY_AFTER);
                }
            }
        }

        /// The parsers themselves, on any string and on date-like ones,
        /// read at any time: never a panic, never more than the cap.
        #[test]
        fn any_text_is_read_without_panicking(
            text in proptest::prelude::any::<String>(),
            date in "(Sun|Sunday|Xyz)?,? ?[0-9]{1,3}[- ](Nov|Feb|Foo)[- ][0-9]{1,6} [0-9]{1,3}:[0-9]{1,2}:[0-9]{1,2} ?(GMT|UTC|[+-][0-9]{4})?",
            asctime in "(Sun|Mon) (Nov|Feb) [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{1,6}",
            now in 0u64..=u64::from(u32::MAX) * 4,
        ) {
            let now = UNIX_EPOCH + Duration::from_secs(now);
            for value in [&text, &date, &asctime] {
                if let Some(wait) = retry_after_at(value, now) {
                    proptest::prop_assert!(wait <= RateLimit::MAX_RETRY_AFTER);
                }
                let _ = parse_number(value);
            }
        }

        /// A date written in any of the three forms reads as the same wait.
        #[test]
        fn the_three_date_forms_agree(
            when in proptest::prop_oneof![
                0i64..=253_402_300_799, // up to 9999-12-31T23:59:59Z
                // Around the turn of a century, where two-digit years wrap.
                (20i32..=99, -300_000i64..=300_000).prop_map(|(century, offset)| {
                    let first = chrono::NaiveDate::from_ymd_opt(century * 100, 1, 1).unwrap();
                    first.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() + offset
                }),
            ],
            ahead in -200_000i64..=200_000,
        ) {
            let now = UNIX_EPOCH + Duration::from_secs((when - ahead).max(0) as u64);
            let date = chrono::DateTime::from_timestamp(when, 0).unwrap();
            let expected = retry_after_at(&date.format("%a, %d %b %Y %H:%M:%S GMT").to_string(), now);
            proptest::prop_assert!(expected.is_some());
            proptest::prop_assert_eq!(
                retry_after_at(&date.format("%a %b %e %H:%M:%S %Y").to_string(), now),
                expected
            );
            proptest::prop_assert_eq!(
                retry_after_at(&date.format("%A, %d-%b-%y %H:%M:%S GMT").to_string(), now),
                expected
            );
        }
    }
}
