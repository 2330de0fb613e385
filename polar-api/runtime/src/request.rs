//! A described API call: method, path, query, headers and body, before it is
//! sent. Built by generated operation code through [`crate::__private`].

use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;

use crate::query;
use crate::{AccessToken, Error, IdempotencyKey};

/// Bytes kept as-is in a path segment: RFC 3986's unreserved characters.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One API call, ready for [`Core::send`](crate::__private::Core::send).
///
/// The builder methods never fail; a value that cannot be encoded (for
/// instance a map with non-string keys, or an empty path parameter) is
/// remembered, and `send` returns it as [`Error::Encode`] before anything
/// goes over the network. Only the body methods, whose failure is more
/// likely, return a `Result` right away.
#[derive(Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) operation: &'static str,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) accept: &'static str,
    pub(crate) body: Option<Body>,
    pub(crate) error: Option<Error>,
    pub(crate) options: RequestOptions,
    /// The operation needs no credentials: the client's token is not sent.
    pub(crate) public: bool,
}

/// What one request may change of its client's configuration: the
/// timeout of an attempt, the deadline, the number of retries, the token,
/// and the `Idempotency-Key`. Every generated operation builder holds one
/// and has a method for each; unset values fall back to the client's.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    /// Printed as `AccessToken(***)`.
    pub(crate) token: Option<AccessToken>,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
}

impl RequestOptions {
    /// The time allowed for each attempt.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// The time allowed for the whole request, retries and waits included.
    pub fn set_deadline(&mut self, deadline: Duration) {
        self.deadline = Some(deadline);
    }

    /// Retries after the first attempt.
    pub fn set_max_retries(&mut self, max_retries: u32) {
        self.max_retries = Some(max_retries);
    }

    /// The bearer token to send instead of the client's.
    pub fn set_token(&mut self, token: AccessToken) {
        self.token = Some(token);
    }

    /// The `Idempotency-Key` header to send.
    pub fn set_idempotency_key(&mut self, key: IdempotencyKey) {
        self.idempotency_key = Some(key);
    }
}

/// An encoded request body and its media type.
#[derive(Clone, Debug)]
pub(crate) struct Body {
    pub(crate) content_type: &'static str,
    pub(crate) bytes: Bytes,
}

impl Request {
    /// Starts a request for `operation` (the spec's `operationId`) at
    /// `path_template`, a spec path such as `/v1/products/{id}`.
    pub fn new(method: Method, operation: &'static str, path_template: &'static str) -> Self {
        Request {
            method,
            operation,
            path_template,
            path: path_template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            accept: "application/json",
            body: None,
            error: None,
            options: RequestOptions::default(),
            public: false,
        }
    }

    /// Marks an operation the API leaves public (its `security` names no
    /// credentials): the client's token is not sent, so no `Authorization`
    /// header goes to it. A token set on the request itself
    /// ([`RequestOptions::set_token`]) is still sent: the caller asked for it.
    pub fn public(mut self) -> Self {
        self.public = true;
        self
    }

    /// Applies a builder's [`RequestOptions`]; its `Idempotency-Key`
    /// becomes a header (one that is not valid in a header is held as an
    /// [`Error::Encode`]).
    pub fn options(mut self, options: RequestOptions) -> Self {
        if let Some(key) = &options.idempotency_key {
            self = self.header("Idempotency-Key", key.as_str().to_owned());
        }
        self.options = options;
        self
    }

    /// Replaces `{name}` in the path with `value`, percent-encoded as one path
    /// segment. Strings are used as they are, numbers and booleans in their
    /// JSON spelling, other types through their `Serialize` form (a UUID
    /// becomes its hyphenated text).
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let text = match query::to_value(value) {
            Ok(value) => query::scalar_text(&value),
            Err(e) => return self.fail(format!("path parameter `{name}`: {e}")),
        };
        // `.`, `..` and empty segments would be resolved away by URL parsing
        // and silently address a different resource.
        if text.is_empty() || text == "." || text == ".." {
            return self.fail(format!(
                "path parameter `{name}` is {}",
                if text.is_empty() {
                    "empty".to_owned()
                } else {
                    format!("`{text}`, which is not a valid path segment")
                }
            ));
        }
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            let message = format!("path `{}` has no parameter `{name}`", self.path_template);
            return self.fail(message);
        }
        let encoded = utf8_percent_encode(&text, PATH_SEGMENT).to_string();
        self.path = self.path.replace(&placeholder, &encoded);
        self
    }

    /// Adds a query parameter in OpenAPI's default `form` style: a scalar is
    /// `name=value`, a list repeats `name` once per item, `None`/`null` adds
    /// nothing, booleans are `true`/`false`, date-times their RFC 3339 text.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match query::to_value(value) {
            Ok(value) => query::form_pairs(name, &value, &mut self.query),
            Err(e) => return self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Adds a `deepObject` query parameter: every entry of the object becomes
    /// `name[key]=value`, and a list value repeats `name[key]`. A key holding
    /// `[` or `]` makes `send` fail with [`Error::Encode`]: once the server
    /// has decoded the query, it could not be told from the brackets around
    /// it. Anything else in a key or value is percent-encoded.
    pub fn query_deep_object<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match query::to_value(value) {
            Ok(value) => {
                if let Err(e) = query::deep_object_pairs(name, &value, &mut self.query) {
                    return self.fail(format!("query parameter `{name}`: {e}"));
                }
            }
            Err(e) => return self.fail(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    pub fn json_body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::encode(self.operation, format!("JSON body: {e}")))?;
        self.body = Some(Body {
            content_type: "application/json",
            bytes: bytes.into(),
        });
        Ok(self)
    }

    /// Sets a JSON body already encoded (`Content-Type: application/json`),
    /// for polar-api's ingestor.
    #[doc(hidden)]
    pub fn json_bytes(mut self, bytes: Bytes) -> Self {
        self.body = Some(Body {
            content_type: "application/json",
            bytes,
        });
        self
    }

    /// Sets a form body (`Content-Type: application/x-www-form-urlencoded`).
    /// The body must serialize as a flat map or struct of scalars; `None`
    /// fields are left out.
    pub fn form_body<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let text = serde_urlencoded::to_string(body)
            .map_err(|e| Error::encode(self.operation, format!("form body: {e}")))?;
        self.body = Some(Body {
            content_type: "application/x-www-form-urlencoded",
            bytes: text.into(),
        });
        Ok(self)
    }

    /// Adds a request header, such as `Idempotency-Key`.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        let name = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => name,
            Err(_) => return self.fail(format!("`{name}` is not a valid header name")),
        };
        match HeaderValue::try_from(value) {
            Ok(value) => self.headers.push((name, value)),
            Err(_) => {
                return self.fail(format!(
                    "the value of header `{name}` contains characters not allowed in a header"
                ))
            }
        }
        self
    }

    /// Sets the `Accept` header (default `application/json`), e.g. `text/csv`.
    pub fn accept(mut self, mime: &'static str) -> Self {
        self.accept = mime;
        self
    }

    /// The operation this request calls.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The path with its parameters filled in and encoded.
    pub fn rendered_path(&self) -> &str {
        &self.path
    }

    /// The query pairs added so far, unencoded, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// Where the request goes on `base_url`: the rendered path and the
    /// encoded query, or the error a builder method remembered. What
    /// `Core::send` sends to; public (hidden) for the fuzz target that
    /// checks that what is sent decodes back to the values given.
    #[doc(hidden)]
    pub fn url_on(&self, base_url: &str) -> Result<reqwest::Url, Error> {
        if let Some(error) = &self.error {
            return Err(Error::encode(self.operation, error.to_string()));
        }
        let mut url = format!("{base_url}{}", self.path);
        if let Some(query) = self.encoded_query() {
            url.push('?');
            url.push_str(&query);
        }
        reqwest::Url::parse(&url)
            .map_err(|e| Error::encode(self.operation, format!("invalid request URL: {e}")))
    }

    /// Whether the request carries an `Idempotency-Key` header, which makes
    /// `POST` and `PATCH` safe to retry.
    pub(crate) fn has_idempotency_key(&self) -> bool {
        self.headers
            .iter()
            .any(|(name, _)| name.as_str().eq_ignore_ascii_case("idempotency-key"))
    }

    /// The query string, `application/x-www-form-urlencoded`.
    pub(crate) fn encoded_query(&self) -> Option<String> {
        if self.query.is_empty() {
            return None;
        }
        let mut out = String::new();
        for (name, value) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(form_encode(name));
            out.push('=');
            out.extend(form_encode(value));
        }
        Some(out)
    }

    fn fail(mut self, message: String) -> Self {
        if self.error.is_none() {
            self.error = Some(Error::encode(self.operation, message));
        }
        self
    }
}

fn form_encode(text: &str) -> impl Iterator<Item = &str> {
    // Keep `[` and `]` readable (`metadata[key]`): servers accept them as-is.
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'[')
        .remove(b']');
    utf8_percent_encode(text, QUERY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get() -> Request {
        Request::new(Method::GET, "things:get", "/v1/things/{id}/parts/{part}")
    }

    #[test]
    fn path_params_are_encoded_segments() {
        let req = get().path_param("id", "a b/c?d#e").path_param("part", &42);
        assert_eq!(req.rendered_path(), "/v1/things/a%20b%2Fc%3Fd%23e/parts/42");
        assert!(req.error.is_none());
    }

    #[test]
    fn bad_path_params_are_remembered() {
        for bad in ["", ".", ".."] {
            let req = get().path_param("id", bad);
            assert!(matches!(req.error, Some(Error::Encode { .. })), "{bad:?}");
        }
        let req = get().path_param("nope", "x");
        assert!(req
            .error
            .unwrap()
            .to_string()
            .contains("no parameter `nope`"));
    }

    #[test]
    fn query_is_form_encoded_in_order() {
        let req = get()
            .query("id", &["a", "b"])
            .query("skip", &None::<u8>)
            .query("q", "x&y=z é+")
            .query_deep_object("metadata", &json!({"k": "v"}));
        assert_eq!(
            req.encoded_query().unwrap(),
            "id=a&id=b&q=x%26y%3Dz%20%C3%A9%2B&metadata[k]=v"
        );
        assert_eq!(get().encoded_query(), None);
    }

    #[test]
    fn headers_are_validated() {
        let req = get().header("Idempotency-Key", "abc".into());
        assert!(req.has_idempotency_key());
        assert!(get().header("X-Bad", "a\nb".into()).error.is_some());
        assert!(get().header("bad name", "v".into()).error.is_some());
    }

    #[test]
    fn options_carry_the_idempotency_key_and_redact_the_token() {
        let mut options = RequestOptions::default();
        options.set_token(AccessToken::new("polar_oat_hidden"));
        options.set_idempotency_key(IdempotencyKey::new("k-1"));
        let req = get().options(options);
        assert!(req.has_idempotency_key());
        assert!(!format!("{req:?}").contains("polar_oat_hidden"));
        let mut bad = RequestOptions::default();
        bad.set_idempotency_key(IdempotencyKey::new("a\nb"));
        assert!(matches!(
            get().options(bad).error,
            Some(Error::Encode { .. })
        ));
    }

    #[test]
    fn form_body_flat_struct() {
        #[derive(Serialize)]
        struct Form {
            grant_type: &'static str,
            scope: Option<&'static str>,
            n: u8,
        }
        let req = get()
            .form_body(&Form {
                grant_type: "client_credentials",
                scope: None,
                n: 1,
            })
            .unwrap();
        let body = req.body.unwrap();
        assert_eq!(body.content_type, "application/x-www-form-urlencoded");
        assert_eq!(&body.bytes[..], b"grant_type=client_credentials&n=1");
    }
}
