//! The response and webhook header parsers over arbitrary bytes:
//! `Retry-After` and the `X-RateLimit-*` headers (`RateLimit::from_headers`)
//! and the `webhook-signature` header (`signature::parse_header`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use polar_api::__private::HeaderMap;
use polar_api::reqwest::header::HeaderValue;
use polar_api::RateLimit;
use polar_api_runtime::webhooks::signature;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = signature::parse_header(data) {
        // Every entry came from a `v1,` part of the header.
        let v1_parts = std::str::from_utf8(data)
            .map(|text| {
                text.split_ascii_whitespace()
                    .filter(|part| part.starts_with("v1,"))
                    .count()
            })
            .unwrap_or(0);
        assert!(entries.len() <= v1_parts, "{entries:?} from {data:?}");
    }

    let Ok(value) = HeaderValue::from_bytes(data) else {
        return;
    };
    let mut headers = HeaderMap::new();
    for name in [
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        headers.insert(name, value.clone());
    }
    let read = RateLimit::from_headers(&headers);
    if let Some(wait) = read.retry_after {
        assert!(wait <= RateLimit::MAX_RETRY_AFTER, "{wait:?} from {data:?}");
    }
    // A plain count reads as itself, in every count header. (Only visible
    // ASCII is header text; a header with other bytes reads as missing.)
    if let Some(count) = std::str::from_utf8(data)
        .ok()
        .filter(|text| text.is_ascii())
        .and_then(|text| text.trim().parse::<u64>().ok())
    {
        assert_eq!(read.limit, Some(count));
        assert_eq!(read.remaining, Some(count));
        assert_eq!(read.reset, Some(count));
    }
});
