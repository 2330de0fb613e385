//! The webhook secret and the HMAC keys it stands for.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use zeroize::{Zeroize, Zeroizing};

/// The prefix of Standard Webhooks secrets.
const WHSEC_PREFIX: &str = "whsec_";
/// The prefix of Polar's legacy secrets.
const POLAR_PREFIX: &str = "polar_whs_";
/// The fewest bytes of key a secret may have after its prefix (the text
/// of a legacy secret, the decoded bytes of a standard one). Polar's
/// secrets have 32 or more; a prefix alone, or a prefix and a few
/// characters, is a key anyone can sign with.
const MIN_KEY_BYTES: usize = 16;

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
/// The secret never appears in `Debug` output or in any error, and its keys
/// are overwritten with zeros when the last clone is dropped ([`zeroize`]).
/// The string it was read from is the caller's.
#[derive(Clone)]
pub struct WebhookSecret {
    keys: Arc<Keys>,
}

struct Keys {
    legacy: Option<Box<[u8]>>,
    standard: Option<Box<[u8]>>,
}

/// The keys are overwritten with zeros when the last clone of the secret
/// is dropped.
impl Drop for Keys {
    fn drop(&mut self) {
        self.legacy.zeroize();
        self.standard.zeroize();
    }
}

impl WebhookSecret {
    /// A secret of either kind: verification tries the legacy key (the
    /// string's bytes) and, when the secret is `whsec_` followed by valid
    /// base64, the standard key (the decoded bytes) too. A signature made
    /// with either key passes.
    ///
    /// Surrounding whitespace is ignored (Polar's secrets contain none, but a
    /// value read from a file often ends in a newline). Fails when the
    /// secret is empty ([`SecretError::Empty`]), is only a prefix
    /// (`whsec_`, `polar_whs_`: [`SecretError::BarePrefix`], as
    /// `"whsec_${UNSET}"` gives), or has fewer than 16 bytes
    /// after its prefix ([`SecretError::TooShort`]). A standard reading
    /// whose decoded key is that short is not tried.
    pub fn new(secret: &str) -> Result<Self, SecretError> {
        let secret = usable_legacy(secret)?;
        Ok(Self::from_keys(
            Some(secret.as_bytes().into()),
            decode_standard(secret, true).ok(),
        ))
    }

    /// A legacy secret (`polar_whs_…`, or a `whsec_…` secret created before
    /// 2026-09-08): the HMAC key is the UTF-8 bytes of the whole string,
    /// prefix included, and nothing else is tried.
    ///
    /// Surrounding whitespace is ignored. Fails as [`new`](Self::new) does:
    /// when the secret is empty, only a prefix, or has fewer than
    /// 16 bytes after its prefix.
    pub fn legacy(secret: &str) -> Result<Self, SecretError> {
        let secret = usable_legacy(secret)?;
        Ok(Self::from_keys(Some(secret.as_bytes().into()), None))
    }

    /// A standard secret (created since 2026-09-08): `whsec_` followed by
    /// base64, padded or not; the HMAC key is the decoded bytes, and nothing
    /// else is tried. The `whsec_` prefix may be left out.
    ///
    /// Surrounding whitespace is ignored. Fails when the secret is empty,
    /// is only a prefix, is not base64 (standard alphabet) after the
    /// prefix, or decodes to fewer than 16 bytes.
    pub fn standard(secret: &str) -> Result<Self, SecretError> {
        let secret = non_empty(secret)?;
        if is_bare_prefix(secret) {
            return Err(SecretError::BarePrefix);
        }
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

/// Whether `secret` (trimmed) is a known prefix and nothing else.
fn is_bare_prefix(secret: &str) -> bool {
    secret == WHSEC_PREFIX || secret == POLAR_PREFIX
}

/// A secret usable as a legacy key: not empty, not a bare prefix, and at
/// least 16 bytes after its prefix.
fn usable_legacy(secret: &str) -> Result<&str, SecretError> {
    let secret = non_empty(secret)?;
    if is_bare_prefix(secret) {
        return Err(SecretError::BarePrefix);
    }
    let key = secret
        .strip_prefix(WHSEC_PREFIX)
        .or_else(|| secret.strip_prefix(POLAR_PREFIX))
        .unwrap_or(secret);
    if key.len() < MIN_KEY_BYTES {
        return Err(SecretError::TooShort);
    }
    Ok(secret)
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
    // Wiped when dropped, spare capacity included; the key is copied out.
    match LENIENT_BASE64.decode(encoded).map(Zeroizing::new) {
        Ok(key) if key.is_empty() => Err(SecretError::Empty),
        Ok(key) if key.len() < MIN_KEY_BYTES => Err(SecretError::TooShort),
        Ok(key) => Ok(Box::from(key.as_slice())),
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
    /// The secret is only a known prefix (`whsec_`, `polar_whs_`): its key
    /// is missing (an unset variable in `"whsec_${SECRET}"`), and signing
    /// with the prefix alone is open to anyone.
    BarePrefix,
    /// The key after the prefix (the text of a legacy secret, the decoded
    /// bytes of a standard one) is shorter than 16 bytes: too
    /// short to be a secret Polar issued, and too easy to guess.
    TooShort,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::Empty => f.write_str("the webhook secret is empty"),
            SecretError::NotBase64 => f.write_str(
                "the webhook secret is not a standard secret: expected `whsec_` followed by base64",
            ),
            SecretError::BarePrefix => f.write_str(
                "the webhook secret is only a prefix (`whsec_` or `polar_whs_`) with no key after it: \
                 is the variable it is built from unset?",
            ),
            SecretError::TooShort => f.write_str(
                "the webhook secret's key (after its `whsec_` or `polar_whs_` prefix) is shorter \
                 than 16 bytes: not a secret Polar issued",
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
        for text in [
            "polar_whs_abcdefghijklmnop",
            "whsec_not-base64_not-base64_",
            // Base64, but only 12 bytes of key.
            "whsec_AAECAwQFBgcICQoL",
            "AAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
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
            SecretError::BarePrefix
        );
        let err = WebhookSecret::standard("whsec_sup3r-s3cret!").unwrap_err();
        assert_eq!(err, SecretError::NotBase64);
        assert!(!err.to_string().contains("sup3r"));
    }

    type Constructor = fn(&str) -> Result<WebhookSecret, SecretError>;

    #[test]
    fn a_bare_prefix_or_a_short_key_is_refused_by_every_constructor() {
        // `POLAR_WEBHOOK_SECRET="whsec_${UNSET}"`: the key would be public.
        for text in [
            "whsec_",
            "polar_whs_",
            " whsec_\n",
            "x",
            "polar_whs_sup3rs3cret",
            "whsec_c3VwM3JzM2Ny",
        ] {
            let constructors: [(&str, Constructor); 4] = [
                ("new", WebhookSecret::new),
                ("legacy", WebhookSecret::legacy),
                ("standard", WebhookSecret::standard),
                ("from_str", |s| s.parse()),
            ];
            for (name, constructor) in constructors {
                let Err(err) = constructor(text) else {
                    panic!("{name} accepted {text:?}")
                };
                assert!(
                    matches!(
                        err,
                        SecretError::BarePrefix | SecretError::TooShort | SecretError::NotBase64
                    ),
                    "{name}({text:?}): {err:?}"
                );
                let shown = format!("{err} {err:?}");
                assert!(!shown.contains("sup3r"), "{shown}");
                assert!(!shown.contains("c3Vw"), "{shown}");
            }
        }
        let bare = WebhookSecret::new(" whsec_\n").unwrap_err();
        assert_eq!(bare, SecretError::BarePrefix);
        assert!(bare.to_string().contains("prefix"), "{bare}");
        let short = WebhookSecret::legacy("polar_whs_sup3rs3cret").unwrap_err();
        assert_eq!(short, SecretError::TooShort);
        assert!(short.to_string().contains("16 bytes"), "{short}");
        // 16 bytes of key after the prefix are enough.
        assert!(WebhookSecret::new("polar_whs_0123456789abcdef").is_ok());
        assert!(WebhookSecret::standard("whsec_AAECAwQFBgcICQoLDA0ODw==").is_ok());
    }

    #[test]
    fn debug_is_redacted() {
        let secret = WebhookSecret::new("polar_whs_hunter2hunter2hunter2").unwrap();
        let shown = format!("{secret:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        let secret = WebhookSecret::legacy(" polar_whs_abcdefghijklmnop\n").unwrap();
        let keys: Vec<_> = secret.keys().collect();
        assert_eq!(keys[0].1, b"polar_whs_abcdefghijklmnop");
    }
}
