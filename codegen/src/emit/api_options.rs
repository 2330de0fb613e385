//! The methods every request builder has beside its parameters: the
//! per-request options over `RequestOptions` (timeout, deadline, retries,
//! token), the `Idempotency-Key` setter of the mutating ones, the
//! add-one-entry methods of map parameters, and the check that no
//! parameter's setter or field collides with them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::api::optional_query;
use super::ident;
use super::models::rust_type_in;
use crate::ir::{MapKey, Models, Operation, Param, TypeRef};

/// The builder methods every operation has, over its `RequestOptions`.
pub(super) fn emit_request_options() -> TokenStream {
    quote! {
        #[doc = " The time allowed for each attempt of this request, instead of the client's"]
        #[doc = " (`ClientBuilder::timeout`)."]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.set_timeout(timeout);
            self
        }
        #[doc = " The time allowed for this request as a whole, retries and waits included,"]
        #[doc = " instead of the client's (`ClientBuilder::deadline`)."]
        pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
            self.options.set_deadline(deadline);
            self
        }
        #[doc = " Retries after the first attempt of this request, instead of the client's"]
        #[doc = " [`RetryConfig`](crate::RetryConfig) count (`0`: one attempt)."]
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.options.set_max_retries(max_retries);
            self
        }
        #[doc = " Authenticates this request with `token` instead of the client's."]
        pub fn token(mut self, token: impl Into<crate::AccessToken>) -> Self {
            self.options.set_token(token.into());
            self
        }
    }
}

/// Whether an operation's builder takes `.idempotency_key(..)`: the
/// methods that change something, for which Polar's documentation says
/// mutating requests accept the header. Never `GET` (or `HEAD`,
/// `OPTIONS`): a read is safe to repeat, and a key would mean nothing.
pub(super) fn takes_idempotency_key(op: &Operation) -> bool {
    matches!(op.http_method, "POST" | "PATCH" | "PUT" | "DELETE")
}

pub(super) fn emit_idempotency_key() -> TokenStream {
    quote! {
        #[doc = " Sends an `Idempotency-Key` header (the same on every attempt), so that a"]
        #[doc = " retry is recognized as the same request; a `POST` or `PATCH` with a key is"]
        #[doc = " retried after a 5xx or a timeout too. Use a fresh key per logical request,"]
        #[doc = " such as [`IdempotencyKey::random()`](crate::IdempotencyKey::random); what"]
        #[doc = " the server does and does not promise is in [`IdempotencyKey`](crate::IdempotencyKey)."]
        pub fn idempotency_key(mut self, key: impl Into<crate::IdempotencyKey>) -> Self {
            self.options.set_idempotency_key(key.into());
            self
        }
    }
}

/// The builder methods generated for every operation (or for some), which
/// a query parameter of the same name would collide with.
const BUILDER_METHODS: &[&str] = &[
    "timeout",
    "deadline",
    "max_retries",
    "token",
    "idempotency_key",
    "body",
    "send",
    "send_with_response",
    "stream",
    "collect_all",
    "request",
];

/// Refuses a parameter whose setter or field would collide with a method
/// or field every builder has.
pub(super) fn check_builder_names(op: &Operation) -> Result<(), crate::Error> {
    let clash = |param: &Param, what: &str| {
        crate::Error::unsupported(
            format!("parameter `{}` of operation `{}`", param.wire_name, op.operation_id),
            format!("its {what} would collide with one every builder has; rename it in codegen/src/ir/operations.rs"),
        )
    };
    if let Some(param) =
        optional_query(op).find(|p| BUILDER_METHODS.contains(&p.rust_name.as_str()))
    {
        return Err(clash(param, "setter"));
    }
    let entry_method = |p: &Param| format!("{}_entry", crate::ir::names::unraw(&p.rust_name));
    if let Some(param) = optional_query(op)
        .filter(|p| p.map_entry().is_some())
        .find(|p| {
            let method = entry_method(p);
            BUILDER_METHODS.contains(&method.as_str())
                || optional_query(op).any(|other| other.rust_name == method)
        })
    {
        return Err(clash(param, "add-one-entry method"));
    }
    let fields = ["core", "errors", "options", "body"];
    if let Some(param) = op
        .arguments()
        .chain(optional_query(op))
        .find(|p| fields.contains(&p.rust_name.as_str()))
    {
        return Err(clash(param, "field"));
    }
    Ok(())
}

/// `.{name}_entry(key, value)` for an optional `deepObject` map parameter
/// (see [`Param::map_entry`]): adds one entry to the map, creating it when
/// absent, beside the setter that replaces the whole map.
pub(super) fn emit_entry_method(models: &Models, param: &Param) -> Option<TokenStream> {
    let model_type = |ty: &TypeRef| rust_type_in(models, ty, &quote!(super::models));
    param.map_entry().map(|(key, value)| {
        let name = ident(&param.rust_name);
        let method = format_ident!("{}_entry", crate::ir::names::unraw(&param.rust_name));
        let key = match key {
            MapKey::String => quote!(String),
            MapKey::Uuid => model_type(&TypeRef::Uuid),
            MapKey::Enum(id) => model_type(&TypeRef::Named(id)),
        };
        let value = model_type(value);
        let doc = format!(
            " Adds one entry to [`{}`](Self::{}): `key` maps to `value`, beside the \
             entries already set (a key set twice keeps the last value).",
            crate::ir::names::unraw(&param.rust_name),
            crate::ir::names::unraw(&param.rust_name),
        );
        quote! {
            #[doc = #doc]
            pub fn #method(mut self, key: impl Into<#key>, value: impl Into<#value>) -> Self {
                self.#name
                    .get_or_insert_with(Default::default)
                    .insert(key.into(), value.into());
                self
            }
        }
    })
}
