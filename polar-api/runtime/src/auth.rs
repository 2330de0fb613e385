//! The secret credential a client sends as its `Authorization` header.

use std::fmt;

use reqwest::header::HeaderValue;
use zeroize::{Zeroize, Zeroizing};

use crate::Error;

/// A Polar bearer token: an organization access token, a personal access
/// token, or a customer or member session token.
///
/// The value is a secret. `AccessToken` has no `Display`, its `Debug` prints
/// `AccessToken(***)`, and the crate never puts it into an [`Error`], a log
/// line or a tracing span. Reading it back takes the deliberately named
/// [`expose_secret`](Self::expose_secret).
///
/// The token is overwritten with zeros when an `AccessToken` is dropped
/// ([`zeroize`]); so is the untrimmed string [`new`](Self::new) was given.
/// The `Authorization` header value a client builds from it is an
/// `http::HeaderValue`, which cannot be wiped: it lives as long as the
/// client (and is marked sensitive, so the HTTP stack does not print it).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token string.
    ///
    /// Surrounding whitespace (a trailing newline from a file or an
    /// environment variable) is trimmed. The token is checked when a client is
    /// built from it.
    pub fn new(token: impl Into<String>) -> Self {
        let mut token = token.into();
        let trimmed = token.trim();
        if trimmed.len() == token.len() {
            AccessToken(token)
        } else {
            let trimmed = trimmed.to_owned();
            token.zeroize();
            AccessToken(trimmed)
        }
    }

    /// The token itself. Take care not to log or print what this returns.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The `Authorization: Bearer …` header value, marked sensitive so that
    /// the HTTP stack never prints it either.
    #[doc(hidden)]
    pub fn bearer_header(&self) -> Result<HeaderValue, Error> {
        self.authorization().map_err(Error::config)
    }

    /// [`bearer_header`](Self::bearer_header), with the reason it cannot be
    /// built as a static message (kept by a client whose token is only
    /// checked when a request needs it).
    #[doc(hidden)]
    pub fn authorization(&self) -> Result<HeaderValue, &'static str> {
        if self.0.is_empty() {
            return Err("the access token is empty");
        }
        let header = Zeroizing::new(format!("Bearer {}", self.0));
        let mut value = HeaderValue::from_str(&header)
            .map_err(|_| "the access token contains characters not allowed in an HTTP header")?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl Drop for AccessToken {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        AccessToken::new(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        AccessToken::new(token)
    }
}

impl From<&String> for AccessToken {
    fn from(token: &String) -> Self {
        AccessToken::new(token.as_str())
    }
}

/// A session token from a model (`CustomerSession::token`, ...), which the
/// models keep as a [`polar_models_core::Secret`]: the value moves from one
/// redacted wrapper to the other without being exposed on the way.
impl From<polar_models_core::Secret> for AccessToken {
    fn from(token: polar_models_core::Secret) -> Self {
        AccessToken::new(token.into_inner())
    }
}

impl From<&polar_models_core::Secret> for AccessToken {
    fn from(token: &polar_models_core::Secret) -> Self {
        AccessToken::new(token.expose_secret())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let token = AccessToken::new("polar_oat_supersecret");
        assert_eq!(format!("{token:?}"), "AccessToken(***)");
        assert_eq!(format!("{token:#?}"), "AccessToken(***)");
    }

    #[test]
    fn trims_whitespace() {
        assert_eq!(AccessToken::new(" abc\n").expose_secret(), "abc");
    }

    #[test]
    fn rejects_empty_and_header_breaking_tokens() {
        assert!(AccessToken::new("  ").bearer_header().is_err());
        assert!(AccessToken::new("a\nb").bearer_header().is_err());
        assert!(AccessToken::new("abc")
            .bearer_header()
            .unwrap()
            .is_sensitive());
    }
}
