//! [`IdempotencyKey`]: the `Idempotency-Key` header of a mutating request.

use std::fmt;

/// The value of an `Idempotency-Key` header, which the operation builders
/// of `POST`, `PATCH`, `PUT` and `DELETE` operations take through
/// `.idempotency_key(..)`.
///
/// # What is known, and what is not
///
/// Polar's documentation says that mutating requests accept an
/// `Idempotency-Key` header, so that they can be retried safely. The
/// OpenAPI documents this crate is generated from do not declare the
/// header, and nothing more is published about it. In particular it is
/// **not known**:
///
/// * how long the server remembers a key, so how late a retry with the
///   same key is still recognized;
/// * what the server does with a key it has seen before but a different
///   body or operation (replay the first response, refuse it, or run it);
/// * what a second request with the same key gets while the first is still
///   running;
/// * whether a replayed response can be told apart from a first one;
/// * whether keys are scoped per token, per organization, or globally.
///
/// So use a key for one logical operation, send it again only with the
/// same request, and do not count on more than "a retry with the same key
/// should not apply the request twice".
///
/// # What this client does with it
///
/// A `POST` or `PATCH` carrying a key is retried like an idempotent
/// request: after a 500, 502, 503 or 504, a timeout, or a dropped
/// connection (without a key, only after a 429 or a connection that could
/// not be opened, which the server never ran). Every attempt carries the
/// same key. `PUT` and `DELETE` are retried with or without one; a key
/// still tells the server that two attempts are one request (a `DELETE`
/// retried after a lost answer could otherwise get a 404).
///
/// A key is kept in the builder, so build a fresh one for each logical
/// operation: [`IdempotencyKey::random`] makes one.
///
/// ```no_run
/// use polar_api::IdempotencyKey;
/// use polar_api::v2026_10::models::CheckoutCreate;
///
/// # async fn f(client: polar_api::v2026_10::Client, product: polar_api::models::uuid::Uuid) -> Result<(), polar_api::Error> {
/// let checkout = client
///     .checkouts()
///     .create(CheckoutCreate::new(vec![product]))
///     .idempotency_key(IdempotencyKey::random())
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A key of your own, such as the id of the order or job it stands
    /// for. It must be valid in an HTTP header (visible ASCII); otherwise
    /// sending the request fails with [`Error::Encode`](crate::Error::Encode).
    pub fn new(key: impl Into<String>) -> Self {
        IdempotencyKey(key.into())
    }

    /// A fresh random key: a version 4 UUID.
    pub fn random() -> Self {
        IdempotencyKey(uuid::Uuid::new_v4().to_string())
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey").field(&self.0).finish()
    }
}

impl From<String> for IdempotencyKey {
    fn from(key: String) -> Self {
        IdempotencyKey(key)
    }
}

impl From<&str> for IdempotencyKey {
    fn from(key: &str) -> Self {
        IdempotencyKey(key.to_owned())
    }
}

impl From<uuid::Uuid> for IdempotencyKey {
    fn from(key: uuid::Uuid) -> Self {
        IdempotencyKey(key.to_string())
    }
}
