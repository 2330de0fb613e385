//! Where verification reads the three `webhook-*` headers from.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// The `webhook-id` header: the delivery's id, the same on every retry of
/// one delivery (use it to skip duplicates).
pub const WEBHOOK_ID: &str = "webhook-id";
/// The `webhook-timestamp` header: when the delivery was signed, in unix
/// seconds.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// The `webhook-signature` header: space-separated `v1,<base64>` entries.
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";
/// The API version a delivery was sent as (Polar's versioned webhooks: each
/// endpoint has its own version). Optional: older deliveries lack it.
pub const WEBHOOK_API_VERSION: &str = "webhook-api-version";

/// A request's headers, as far as webhook verification needs them.
///
/// Implemented for [`http::HeaderMap`](reqwest::header::HeaderMap) (what
/// axum, hyper, reqwest and most Rust servers use), and for slices, arrays
/// and `Vec`s of `(name, value)` pairs and for `HashMap` / `BTreeMap`,
/// with names matched case-insensitively:
///
/// ```
/// # use polar_api::webhooks::WebhookHeaders;
/// let headers = [("Webhook-Id", "msg_1"), ("webhook-timestamp", "1700000000")];
/// assert_eq!(headers.header("webhook-id"), Some(&b"msg_1"[..]));
/// ```
///
/// Implement it for your framework's header type if none of these fits.
pub trait WebhookHeaders {
    /// The value of the header called `name` (always lowercase), if present.
    /// When a header appears more than once, return the first.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl<T: WebhookHeaders + ?Sized> WebhookHeaders for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

impl WebhookHeaders for reqwest::header::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.get(name).map(|value| value.as_bytes())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> WebhookHeaders for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find(self.iter().map(|(k, v)| (k, v)), name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> WebhookHeaders for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> WebhookHeaders for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, S: BuildHasher> WebhookHeaders for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find(self.iter(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> WebhookHeaders for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find(self.iter(), name)
    }
}

fn find<'a, K, V>(mut pairs: impl Iterator<Item = (&'a K, &'a V)>, name: &str) -> Option<&'a [u8]>
where
    K: AsRef<str> + 'a,
    V: AsRef<[u8]> + 'a,
{
    pairs
        .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_finds_headers_case_insensitively() {
        let pairs = vec![("WEBHOOK-ID".to_string(), b"a".to_vec())];
        assert_eq!(pairs.header(WEBHOOK_ID), Some(&b"a"[..]));
        let map: HashMap<&str, &str> = [("Webhook-Id", "b")].into_iter().collect();
        assert_eq!(map.header(WEBHOOK_ID), Some(&b"b"[..]));
        let tree: BTreeMap<String, String> = [("webhook-id".into(), "c".into())].into();
        assert_eq!(tree.header(WEBHOOK_ID), Some(&b"c"[..]));
        let mut http = reqwest::header::HeaderMap::new();
        http.insert("Webhook-Id", "d".parse().unwrap());
        http.append("webhook-id", "e".parse().unwrap());
        assert_eq!(http.header(WEBHOOK_ID), Some(&b"d"[..]));
        let by_reference: &dyn WebhookHeaders = &&http;
        assert_eq!(by_reference.header(WEBHOOK_ID), Some(&b"d"[..]));
        assert_eq!(http.header(WEBHOOK_TIMESTAMP), None);
    }
}
