//! Which string properties carry a credential, and so are generated as
//! `Secret` (whose `Debug` and `Display` print `***`) instead of `String`.
//!
//! The rule looks at a property's name and its description, and only at
//! properties whose type is a plain string (`String`, possibly nullable or
//! optional: the field keeps its `Option`/`Nullable` wrapper around
//! `Secret`). An enum, a UUID, a timestamp, a number or a reference to
//! another schema is never a secret, whatever its name.
//!
//! A property is a credential when:
//!
//! 1. its name is one of [`CREDENTIAL_NAMES`] (`token`, `secret`,
//!    `password`, `api_key`, `provisioning_uri`), or ends in one of
//!    [`CREDENTIAL_SUFFIXES`] (`_token`, `_secret`, `_password`, `_api_key`:
//!    `access_token`, `refresh_token`, `id_token`, `session_token`,
//!    `customer_session_token`, `invitation_token`, `client_secret`,
//!    `signing_secret`, `registration_access_token`, ...), or its name is a
//!    generic one ([`GENERIC_NAMES`]: `key`, `code`, `value`) and its
//!    description calls the value a secret ([`CREDENTIAL_PHRASES`]); and
//! 2. its description does not say the value is something else: a masked
//!    or display-only form, or the identifier of a credential
//!    ([`NOT_CREDENTIAL_PHRASES`]).
//!
//! Names that merely mention a credential are not one: they end in another
//! word, so the suffix rule leaves them out. In Polar's documents (the
//! pinned ones and the unversioned history) these are `token_type`,
//! `token_type_hint` and `token_endpoint_auth_method` (the kind of token,
//! or how a client authenticates, not the token), `confirmation_token_id`
//! (a Stripe object id), `client_secret_expires_at` and
//! `invitation_token_expires_at` (timestamps), `client_secret_last_4` and
//! `signing_secret_last_4` (four characters shown for recognition), the
//! integer counts `input_tokens`, `output_tokens`, `cached_input_tokens`,
//! `total_tokens`, and `display_key`/`user_provided_key`/`current_step_key`.
//!
//! Left out on purpose, with their reasons:
//!
//! * `key` — a license key (`LicenseKeyRead.key`, `LicenseKeyValidate.key`)
//!   is shown to the customer who owns it and is what an integration
//!   prints to them, and the same name is a column key (`DataTableColumn`)
//!   or a step id (`PanTransferStep`); the descriptions (`"Key"`) do not
//!   tell them apart. A description that calls a `key` secret would.
//! * `code` — discount codes (public by design), error codes and one-time
//!   login codes share the name, with the description `"Code"`; one-time
//!   codes are short-lived and consumed on use.
//!
//! The same rule applies to path and query parameters (`client_secret` in
//! the checkout-client paths, the email-update check's `token`): the
//! request builder holds them as `Secret`, so its `Debug` hides them too.
//!
//! This module is the one place the decision is made: lowering calls
//! [`secret_type`] for every property, and the emitters write whatever
//! [`TypeRef::Secret`] the IR holds. [`secret_fields`] lists the result,
//! for review (a snapshot per pinned version) and for the workspace test
//! that decodes every one of them.

use super::{Field, Models, Origin, TypeKind, TypeRef};

/// Property names that are a credential by themselves.
pub const CREDENTIAL_NAMES: &[&str] = &[
    "token",
    "secret",
    "password",
    "api_key",
    // An `otpauth://` URI: it carries the TOTP shared secret
    // (`TOTPEnrollment.provisioning_uri`).
    "provisioning_uri",
];

/// Name endings that make a property a credential.
pub const CREDENTIAL_SUFFIXES: &[&str] = &["_token", "_secret", "_password", "_api_key"];

/// Names too generic to decide alone: a credential only when the
/// description says so.
pub const GENERIC_NAMES: &[&str] = &["key", "code", "value"];

/// Description phrases (lowercase) that call a generic-named value a
/// credential.
pub const CREDENTIAL_PHRASES: &[&str] = &[
    "secret",
    "password",
    "api key",
    "access token",
    "private key",
    "credential",
];

/// Description phrases (lowercase) that say a credential-named value is
/// not the credential itself.
pub const NOT_CREDENTIAL_PHRASES: &[&str] = &[
    "display only",
    "last four",
    "last 4",
    "masked",
    "redacted",
    "non-secret",
    "not a secret",
    "id of",
    "identifier of",
];

/// Whether a property named `name`, described by `description` (the
/// property's `description`, else its `title`), carries a credential.
pub fn is_credential(name: &str, description: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let description = description.to_lowercase();
    let says = |phrases: &[&str]| phrases.iter().any(|p| description.contains(p));
    let by_name = CREDENTIAL_NAMES.contains(&name.as_str())
        || CREDENTIAL_SUFFIXES.iter().any(|s| name.ends_with(s));
    let generic = GENERIC_NAMES.contains(&name.as_str()) && says(CREDENTIAL_PHRASES);
    (by_name || generic) && !says(NOT_CREDENTIAL_PHRASES)
}

/// The type lowering gives the property `name`: `ty` itself, or
/// [`TypeRef::Secret`] when `ty` is a plain string (nullability already
/// peeled off into the field's presence) that [`is_credential`].
pub fn secret_type(name: &str, description: &str, ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::String if is_credential(name, description) => TypeRef::Secret,
        other => other,
    }
}

/// One field the rule made a `Secret`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretField {
    /// The spec name of the component schema the field is in, or for an
    /// inline object `Parent (inline Rust name)`.
    pub schema: String,
    /// The Rust type holding the field.
    pub rust_type: String,
    /// The JSON property name.
    pub wire_name: String,
    /// Whether the struct is a component schema (so that a test can build
    /// an instance of it by spec name).
    pub component: bool,
}

/// Every field of `models` whose type is [`TypeRef::Secret`], sorted by
/// schema and property.
pub fn secret_fields(models: &Models) -> Vec<SecretField> {
    fields_where(models, |field| field.ty == TypeRef::Secret)
}

/// Every string field (`String` or `Secret`) that [`is_credential`] by its
/// name and docs: the rule read back from the lowered models, independent
/// of whether lowering applied it. Once it has, this is [`secret_fields`];
/// the workspace test decodes each of these and checks that none prints.
pub fn credential_fields(models: &Models) -> Vec<SecretField> {
    fields_where(models, |field| {
        matches!(field.ty, TypeRef::String | TypeRef::Secret)
            && is_credential(&field.wire_name, &field.doc)
    })
}

fn fields_where(models: &Models, keep: impl Fn(&Field) -> bool) -> Vec<SecretField> {
    let mut out = Vec::new();
    for ty in &models.types {
        let TypeKind::Struct(structure) = &ty.kind else {
            continue;
        };
        let (schema, component) = match &ty.origin {
            Origin::Component(name) => (name.clone(), true),
            Origin::Inline { parent, .. } => (format!("{parent} (inline {})", ty.name), false),
            _ => (ty.name.clone(), false),
        };
        for field in structure.fields.iter().filter(|f| keep(f)) {
            out.push(SecretField {
                schema: schema.clone(),
                rust_type: ty.name.clone(),
                wire_name: field.wire_name.clone(),
                component,
            });
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_credentials() {
        for name in [
            "token",
            "secret",
            "access_token",
            "refresh_token",
            "id_token",
            "client_secret",
            "signing_secret",
            "registration_access_token",
            "customer_session_token",
            "api_key",
            "password",
            "provisioning_uri",
        ] {
            assert!(is_credential(name, ""), "{name}");
        }
    }

    #[test]
    fn names_that_only_mention_a_credential() {
        for name in [
            "token_type",
            "token_type_hint",
            "token_endpoint_auth_method",
            "confirmation_token_id",
            "client_secret_expires_at",
            "client_secret_last_4",
            "input_tokens",
            "display_key",
            "key",
            "code",
            "name",
        ] {
            assert!(!is_credential(name, ""), "{name}");
        }
    }

    #[test]
    fn descriptions_decide_generic_names_and_veto_masked_values() {
        assert!(is_credential("key", "The secret key of the integration."));
        assert!(!is_credential("key", "Key"));
        assert!(!is_credential(
            "code",
            "Code customers can use to apply the discount."
        ));
        assert!(!is_credential(
            "client_secret",
            "Last four characters of the client secret (display only)."
        ));
        assert!(!is_credential("webhook_secret", "The ID of the secret."));
        assert!(is_credential("client_secret", "Client Secret"));
    }

    #[test]
    fn only_plain_strings_become_secrets() {
        assert_eq!(secret_type("token", "", TypeRef::String), TypeRef::Secret);
        assert_eq!(secret_type("token", "", TypeRef::Uuid), TypeRef::Uuid);
        assert_eq!(secret_type("token", "", TypeRef::Integer), TypeRef::Integer);
        assert_eq!(secret_type("name", "", TypeRef::String), TypeRef::String);
    }
}
