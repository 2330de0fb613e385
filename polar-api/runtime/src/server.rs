//! Which Polar deployment a client talks to.

use crate::Error;

/// The Polar deployment requests go to.
///
/// Operation paths already begin with `/v1/`, so a base URL is a scheme and
/// host, optionally followed by a path prefix (for a proxy), never ending in
/// `/v1`.
///
/// Its `Debug` masks a user name or password in a custom URL (`build()`
/// refuses them, but a builder may be logged before it is built).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub enum Server {
    /// The live API, `https://api.polar.sh`.
    #[default]
    Production,
    /// The sandbox for testing with fake payments, `https://sandbox-api.polar.sh`.
    /// It has its own accounts and tokens: a production token is rejected here.
    Sandbox,
    /// Any other base URL, such as a local mock server or a proxy
    /// (`http://127.0.0.1:8080`, `https://proxy.example.com/polar`).
    Custom(String),
}

impl Server {
    /// The base URL as written: one of the two official hosts, or the custom
    /// string unchanged.
    pub fn url(&self) -> &str {
        match self {
            Server::Production => "https://api.polar.sh",
            Server::Sandbox => "https://sandbox-api.polar.sh",
            Server::Custom(url) => url,
        }
    }

    /// Checks the base URL and returns it without a trailing `/`, ready to
    /// have an operation path appended.
    #[doc(hidden)]
    pub fn normalized_base(&self) -> Result<String, Error> {
        let raw = self.url().trim();
        // What messages may quote: the URL with anything that could be
        // credentials masked, even when it does not parse.
        let shown = without_userinfo(raw);
        let url = reqwest::Url::parse(raw)
            .map_err(|e| Error::config(format!("invalid base URL `{shown}`: {e}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config(format!(
                "invalid base URL `{shown}`: credentials in the URL are not supported; \
                 authenticate with .token(..)"
            )));
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::config(format!(
                "invalid base URL `{shown}`: the scheme must be http or https"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "invalid base URL `{shown}`: it must not have a query or a fragment"
            )));
        }
        let base = url.as_str().trim_end_matches('/');
        if base.ends_with("/v1") {
            return Err(Error::config(format!(
                "invalid base URL `{base}`: leave out `/v1`, operation paths already start with it"
            )));
        }
        Ok(base.to_owned())
    }
}

/// `raw` with everything between the scheme's `://` (or the start, when
/// there is none) and the last `@` replaced by `***`, so that a user name
/// or password is never quoted, whether or not the URL parses. Masks too
/// much when a path holds an `@`, which only shortens an error message.
fn without_userinfo(raw: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = raw.rfind('@') else {
        return raw.into();
    };
    let start = raw.find("://").map_or(0, |i| i + 3).min(at);
    format!("{}***{}", &raw[..start], &raw[at..]).into()
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Server::Production => f.write_str("Production"),
            Server::Sandbox => f.write_str("Sandbox"),
            Server::Custom(url) => f
                .debug_tuple("Custom")
                .field(&without_userinfo(url))
                .finish(),
        }
    }
}

impl From<String> for Server {
    fn from(url: String) -> Self {
        Server::Custom(url)
    }
}

impl From<&str> for Server {
    fn from(url: &str) -> Self {
        Server::Custom(url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_hosts() {
        assert_eq!(
            Server::Production.normalized_base().unwrap(),
            "https://api.polar.sh"
        );
        assert_eq!(
            Server::Sandbox.normalized_base().unwrap(),
            "https://sandbox-api.polar.sh"
        );
        assert_eq!(Server::default(), Server::Production);
    }

    #[test]
    fn custom_urls_are_checked_and_trimmed() {
        let base = |s: &str| Server::from(s).normalized_base();
        assert_eq!(
            base("http://127.0.0.1:9000/").unwrap(),
            "http://127.0.0.1:9000"
        );
        assert_eq!(
            base("https://proxy.example.com/polar/").unwrap(),
            "https://proxy.example.com/polar"
        );
        assert!(base("not a url").is_err());
        assert!(base("ftp://example.com").is_err());
        assert!(base("https://api.polar.sh/v1").is_err());
        assert!(base("https://example.com/?a=b").is_err());
        let err = base("https://user:hunter2@example.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        assert_eq!(without_userinfo("https://u:p@h/x"), "https://***@h/x");
        assert_eq!(without_userinfo("u:p@h"), "***@h");
        assert_eq!(without_userinfo("https://h/x"), "https://h/x");
    }
}
