//! The secret credential a client sends as its `Authorization` header.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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

/// What a [`TokenProvider`] returns: the token, or why there is none.
pub type TokenResult = Result<AccessToken, Box<dyn std::error::Error + Send + Sync>>;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = TokenResult> + Send + 'a>>;

/// Where a client gets its access token, asked once per request: for
/// tokens that expire (OAuth access tokens), or that live in a vault.
/// Set with `ClientBuilder::token_provider`.
///
/// The client does not cache what it returns: each request (each call of
/// an operation, each page of a walk, each request of an ingestor; not
/// each retry of one) asks again, so a rotated token is used from the
/// next request on. Cache in the provider as you wish: it is on the path
/// of every request.
///
/// An async closure (a closure returning a future) is a provider:
///
/// ```no_run
/// # #[cfg(not(feature = "v2026-10"))] fn main() {}
/// # #[cfg(feature = "v2026-10")] fn main() -> Result<(), polar_api::Error> {
/// use std::sync::Arc;
/// use polar_api::AccessToken;
///
/// # struct Vault;
/// # impl Vault { async fn current_token(&self) -> std::io::Result<String> { Ok(String::new()) } }
/// let vault = Arc::new(Vault);
/// let client = polar_api::v2026_10::Client::builder()
///     .token_provider(move || {
///         let vault = Arc::clone(&vault);
///         async move { Ok::<_, std::io::Error>(AccessToken::new(vault.current_token().await?)) }
///     })
///     .build()?;
/// # Ok(()) }
/// ```
///
/// When it fails, the request is not sent, and the call fails with
/// [`Error::TokenProvider`] carrying the provider's error. A token it
/// returns that cannot be sent (empty, or with a line break) fails the
/// call with [`Error::Config`]; neither error contains the token.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send with the next request.
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut, T, E> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Into<AccessToken>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn token(&self) -> TokenFuture<'_> {
        let future = self();
        Box::pin(async move { future.await.map(Into::into).map_err(Into::into) })
    }
}

/// How a client authenticates its requests.
#[derive(Clone, Default)]
#[doc(hidden)]
pub enum Credential {
    /// No `Authorization` header.
    #[default]
    Anonymous,
    /// The same header on every request.
    Static(HeaderValue),
    /// A header made per request from what the provider returns.
    Provider(Arc<dyn TokenProvider>),
    /// A fixed token that cannot be sent (why): each request that would
    /// send it fails with [`Error::Config`].
    Unsendable(&'static str),
}

impl Credential {
    /// A fixed token's credential (`None`: anonymous). Never fails: a
    /// token that cannot be sent fails each request that would send it.
    pub fn from_token(token: Option<&AccessToken>) -> Credential {
        match token.map(AccessToken::authorization) {
            Some(Ok(header)) => Credential::Static(header),
            Some(Err(why)) => Credential::Unsendable(why),
            None => Credential::Anonymous,
        }
    }

    /// Whether requests carry a token.
    pub fn is_authenticated(&self) -> bool {
        !matches!(self, Credential::Anonymous)
    }

    /// The `Authorization` header of one request of `operation`.
    pub(crate) async fn header(
        &self,
        operation: &'static str,
    ) -> Result<Option<HeaderValue>, Error> {
        match self {
            Credential::Anonymous => Ok(None),
            Credential::Static(header) => Ok(Some(header.clone())),
            Credential::Unsendable(why) => Err(Error::config(format!(
                "the client's token cannot be sent: {why}"
            ))),
            Credential::Provider(provider) => match provider.token().await {
                Ok(token) => token.bearer_header().map(Some),
                Err(source) => Err(Error::TokenProvider { operation, source }),
            },
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::Anonymous => "Anonymous",
            Credential::Static(_) => "Static(***)",
            Credential::Provider(_) => "Provider",
            Credential::Unsendable(_) => "Unsendable(***)",
        })
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
