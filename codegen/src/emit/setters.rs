//! The chainable setters [`crate::ir::setters`] decided for a struct:
//! small `#[inline]` generic methods, compiled only where a program calls
//! them.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use super::models::field_rust_type;
use crate::ir::setters::setters;
use crate::ir::{Models, Presence, Struct};

/// Method names clippy's `should_implement_trait` reserves for the standard
/// traits' methods.
const STD_TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// `impl Name { setters.. }`, or nothing.
pub(super) fn emit_setters(models: &Models, name: &Ident, structure: &Struct) -> TokenStream {
    let methods = setters(structure).into_iter().map(|setter| {
        let field = &structure.fields[setter.field];
        let method = ident(&setter.name);
        let ty = field_rust_type(models, field);
        let value = if field.boxed {
            quote!(Box::new(value.into()))
        } else {
            quote!(value.into())
        };
        let shown = crate::ir::names::unraw(&field.rust_name);
        // A field named like an operator trait's method (`sub`, the JWT
        // subject) gets a setter of that name: what the field is, not the
        // operator.
        let allow = STD_TRAIT_METHODS
            .contains(&setter.name.as_str())
            .then(|| quote!(#[allow(clippy::should_implement_trait)]));
        match field.presence {
            Presence::Tristate => {
                let set_doc =
                    format!(" Sets `{shown}` to `Nullable::Value(value)`: sent with this value.");
                let clear = setter.clear.map(|clear| {
                    let clear = format_ident!("{}", clear);
                    let doc =
                        format!(" Clears `{shown}`: sets it to `Nullable::Null`, sent as `null`.");
                    quote! {
                        #[doc = #doc]
                        #[inline]
                        pub fn #clear(mut self) -> Self {
                            self.#method = crate::Nullable::Null;
                            self
                        }
                    }
                });
                quote! {
                    #[doc = #set_doc]
                    #[inline]
                    #allow
                    pub fn #method(mut self, value: impl Into<#ty>) -> Self {
                        self.#method = crate::Nullable::Value(#value);
                        self
                    }
                    #clear
                }
            }
            _ => {
                let doc = format!(" Sets `{shown}` to `Some(value)`.");
                quote! {
                    #[doc = #doc]
                    #[inline]
                    #allow
                    pub fn #method(mut self, value: impl Into<#ty>) -> Self {
                        self.#method = Some(#value);
                        self
                    }
                }
            }
        }
    });
    let methods: Vec<TokenStream> = methods.collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}
