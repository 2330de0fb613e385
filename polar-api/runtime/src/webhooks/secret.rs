//! The webhook secret and the HMAC keys it stands for.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// The prefix of Standard Webhooks secrets.
const WHSEC_PREFIX: &str = "whsec_";

/// Standard base64 that takes padded and unpadded input alike and does not
/// insist on zero bits after the last full byte.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// How an HMAC key is derived from the secret string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyDerivation {
    /// The key is the UTF-8 bytes of the whole secret string, prefix
    /// included. This is how Polar keys `polar_whs_…` secrets and the
    /// `whsec_…` secrets created before 2026-09-08.
    Legacy,
    /// The key is the base64 decoding of what follows `whsec_`, as the
    /// Standard Webhooks specification intends. This is how Polar keys
    /// secrets created since 2026-09-08.
    Standard,
}

/// A webhook endpoint's signing secret, as shown in Polar's dashboard.
///
/// Polar has signed with two kinds of secret, and a secret's text does not
/// tell which kind it is:
///
/// * **legacy** secrets — `polar_whs_…`, and `whsec_` followed by 43
///   characters for secrets shown in the newer format — are used as HMAC
///   keys as they are: the key is the UTF-8 bytes of the whole string;
/// * **standard** secrets, created since 2026-09-08, are `whsec_` followed by
///   the base64 of 32 random bytes, and the key is those decoded bytes.
///
/// Since a standard secret is also `whsec_` and 43–44 characters of base64,
/// [`WebhookSecret::new`] keeps both keys whenever the text allows both
/// readings, and verification accepts a signature made under either.
/// [`WebhookSecret::legacy`] and [`WebhookSecret::standard`] pin one
/// derivation, for users who know which kind of secret they hold.
///
/// The secret never appears in `Debug` output or in any error.
#[derive(Clone)]
pub struct WebhookSecret {
    keys: Arc<Keys>,
}

struct Keys {
    legacy: Option<Box<[u8]>>,
    standard: Option<Box<[u8]>>,
}

impl WebhookSecret {
    /// A secret of either kind: verification tries the legacy key (the
    /// string's bytes) and, when the secret is `whsec_` followed by valid
    /// base64, the standard key (the decoded bytes) too. A signature made
    /// with either key passes.
    ///
    /// Surrounding whitespace is ignored (Polar's secrets contain none, but a
    /// value read from a file often ends in a newline). Fails only when the
    /// secret is empty.
    pub fn new(secret: &str) -> Result<Self, SecretError> {
        let secret = non_empty(secret)?;
        Ok(Self::from_keys(
            Some(secret.as_bytes().into()),
            decode_standard(secret, true).ok(),
        ))
    }

    /// A legacy secret (`polar_whs_…`, or a `whsec_…` secret created before
    /// 2026-09-08): the HMAC key is the UTF-8 bytes of the whole string,
    /// prefix included, and nothing else is tried.
    ///
    /// Surrounding whitespace is ignored. Fails only when the secret is
    /// empty.
    pub fn legacy(secret: &str) -> Result<Self, SecretError> {
        let secret = non_empty(secret)?;
        Ok(Self::from_keys(Some(secret.as_bytes().into()), None))
    }

    /// A standard secret (created since 2026-09-08): `whsec_` followed by
    /// base64, padded or not; the HMAC key is the decoded bytes, and nothing
    /// else is tried. The `whsec_` prefix may be left out.
    ///
    /// Surrounding whitespace is ignored. Fails when the secret is empty or
    /// is not base64 (standard alphabet) after the prefix.
    pub fn standard(secret: &str) -> Result<Self, SecretError> {
        let secret = non_empty(secret)?;
        let key = decode_standard(secret, false)?;
        Ok(Self::from_keys(None, Some(key)))
    }

    /// The derivations verification tries with this secret, legacy first.
    pub fn derivations(&self) -> Vec<KeyDerivation> {
        self.keys().map(|(derivation, _)| derivation).collect()
    }

    /// The HMAC keys to try, with their derivation.
    pub fn keys(&self) -> impl Iterator<Item = (KeyDerivation, &[u8])> {
        let legacy = self.keys.legacy.as_deref();
        let standard = self.keys.standard.as_deref();
        legacy
            .map(|key| (KeyDerivation::Legacy, key))
            .into_iter()
            .chain(standard.map(|key| (KeyDerivation::Standard, key)))
    }

    fn from_keys(legacy: Option<Box<[u8]>>, standard: Option<Box<[u8]>>) -> Self {
        WebhookSecret {
            keys: Arc::new(Keys { legacy, standard }),
        }
    }
}

fn non_empty(secret: &str) -> Result<&str, SecretError> {
    let secret = secret.trim();
    if secret.is_empty() {
        Err(SecretError::Empty)
    } else {
        Ok(secret)
    }
}

/// The standard key: the base64 after `whsec_`. With `require_prefix`, a
/// secret without the prefix has no standard reading.
fn decode_standard(secret: &str, require_prefix: bool) -> Result<Box<[u8]>, SecretError> {
    let encoded = match secret.strip_prefix(WHSEC_PREFIX) {
        Some(rest) => rest,
        None if require_prefix => return Err(SecretError::NotBase64),
        None => secret,
    };
    match LENIENT_BASE64.decode(encoded) {
        Ok(key) if !key.is_empty() => Ok(key.into_boxed_slice()),
        Ok(_) => Err(SecretError::Empty),
        Err(_) => Err(SecretError::NotBase64),
    }
}

impl FromStr for WebhookSecret {
    type Err = SecretError;

    /// Same as [`WebhookSecret::new`]: either kind of secret.
    fn from_str(secret: &str) -> Result<Self, Self::Err> {
        Self::new(secret)
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSecret")
            .field("secret", &"<redacted>")
            .field("derivations", &self.derivations())
            .finish()
    }
}

/// Why a string is not usable as a webhook secret. Never contains the
/// secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty (or only whitespace), or decodes to no bytes.
    Empty,
    /// A secret given to [`WebhookSecret::standard`] is not base64 after its
    /// `whsec_` prefix.
    NotBase64,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::Empty => f.write_str("the webhook secret is empty"),
            SecretError::NotBase64 => f.write_str(
                "the webhook secret is not a standard secret: expected `whsec_` followed by base64",
            ),
        }
    }
}

impl std::error::Error for SecretError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_both_readings_of_a_base64_whsec_secret() {
        let secret =
            WebhookSecret::new("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        assert_eq!(
            secret.derivations(),
            [KeyDerivation::Legacy, KeyDerivation::Standard]
        );
        let keys: Vec<_> = secret.keys().map(|(_, key)| key.to_vec()).collect();
        assert_eq!(
            keys[0],
            b"whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_vec()
        );
        assert_eq!(keys[1], (0u8..32).collect::<Vec<_>>());
    }

    #[test]
    fn new_has_only_the_legacy_reading_otherwise() {
        for text in ["polar_whs_abc", "whsec_not-base64_", "whsec_", "AAAA"] {
            let secret = WebhookSecret::new(text).unwrap();
            assert_eq!(secret.derivations(), [KeyDerivation::Legacy], "{text}");
        }
    }

    #[test]
    fn standard_accepts_unpadded_and_unprefixed_input() {
        let padded = WebhookSecret::standard("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        let unpadded = WebhookSecret::standard("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
        let bare = WebhookSecret::standard("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        for secret in [padded, unpadded, bare] {
            let secret = secret.unwrap();
            let keys: Vec<_> = secret.keys().collect();
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].0, KeyDerivation::Standard);
            assert_eq!(keys[0].1, (0u8..32).collect::<Vec<_>>().as_slice());
        }
    }

    #[test]
    fn bad_secrets_are_refused_without_echoing_them() {
        assert_eq!(WebhookSecret::new("  \n").unwrap_err(), SecretError::Empty);
        assert_eq!(WebhookSecret::legacy("").unwrap_err(), SecretError::Empty);
        assert_eq!(
            WebhookSecret::standard("whsec_").unwrap_err(),
            SecretError::Empty
        );
        let err = WebhookSecret::standard("whsec_sup3r-s3cret!").unwrap_err();
        assert_eq!(err, SecretError::NotBase64);
        assert!(!err.to_string().contains("sup3r"));
    }

    #[test]
    fn debug_is_redacted() {
        let secret = WebhookSecret::new("polar_whs_hunter2hunter2").unwrap();
        let shown = format!("{secret:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        let secret = WebhookSecret::legacy(" polar_whs_abc\n").unwrap();
        let keys: Vec<_> = secret.keys().collect();
        assert_eq!(keys[0].1, b"polar_whs_abc");
    }
}
