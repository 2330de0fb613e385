//! [`Secret`]: a credential that never prints.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

/// A credential the API sends or takes: an access or refresh token, a
/// session token, a client secret, a webhook signing secret.
///
/// `Debug` and `Display` print a fixed redaction (`Secret("***")` and
/// `***`), never the value, so a model logged with `{:?}` (or an error
/// that carries one) does not leak the credential. On the wire it is the
/// plain JSON string: serializing writes the value, deserializing reads any
/// string.
///
/// Reading the value takes a call by name, [`Secret::expose_secret`] (or
/// [`Secret::into_inner`]), so every place that handles the credential
/// itself is visible in the code and easy to find in a review.
///
/// ```
/// use polar_models::Secret;
///
/// let token = Secret::from("polar_cst_abc123");
/// assert_eq!(format!("{token:?}"), r#"Secret("***")"#);
/// assert_eq!(token.to_string(), "***");
/// assert_eq!(token.expose_secret(), "polar_cst_abc123");
/// assert_eq!(serde_json::to_string(&token).unwrap(), r#""polar_cst_abc123""#);
/// ```
///
/// The value is overwritten with zeros when the `Secret` is dropped
/// ([`zeroize`]), as are clones on theirs; what [`into_inner`](Secret::into_inner)
/// hands out is the caller's to wipe.
///
/// Which generated fields are a `Secret` is decided by the generator from
/// each property's name and description (see the repository README).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// What `Debug` and `Display` print instead of the value.
    pub const REDACTED: &'static str = "***";

    /// A secret holding `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself. Named, not a `Deref` or `AsRef`, so that
    /// reading it is a deliberate step that shows in the code: pass the
    /// result to what needs the credential (a header, a client builder),
    /// never to a log.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The credential itself, taking the secret (see [`Secret::expose_secret`]).
    pub fn into_inner(mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secret").field(&Self::REDACTED).finish()
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "polar_oat_sentinel_6f1c";

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::from(VALUE);
        let debug = format!("{secret:?}");
        let pretty = format!("{secret:#?}");
        let display = secret.to_string();
        assert_eq!(debug, r#"Secret("***")"#);
        assert_eq!(display, "***");
        for text in [debug, pretty, display] {
            assert!(!text.contains(VALUE), "{text}");
        }
        // Inside a derived `Debug` too.
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            token: Option<Secret>,
        }
        let holder = format!(
            "{:?}",
            Holder {
                token: Some(secret)
            }
        );
        assert_eq!(holder, r#"Holder { token: Some(Secret("***")) }"#);
    }

    #[test]
    fn serde_is_the_plain_string() {
        let secret = Secret::from(VALUE.to_owned());
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, format!("\"{VALUE}\""));
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back, secret);
        assert!(serde_json::from_str::<Secret>("42").is_err());
        let missing: Option<Secret> = serde_json::from_str("null").unwrap();
        assert_eq!(missing, None);
    }

    #[test]
    fn the_value_is_read_by_name() {
        let secret = Secret::new(VALUE);
        assert_eq!(secret.expose_secret(), VALUE);
        assert_eq!(secret.clone().into_inner(), VALUE);
        assert_eq!(Secret::from(VALUE), Secret::from(VALUE.to_owned()));
        assert_ne!(Secret::from(VALUE), Secret::from("other"));
        use std::collections::HashSet;
        let set: HashSet<Secret> = [Secret::from("a"), Secret::from("a")].into();
        assert_eq!(set.len(), 1);
    }
}
