//! The chainable setters [`crate::ir::setters`] decided for a struct:
//! small `#[inline]` generic methods, compiled only where a program calls
//! them.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use super::models::field_rust_type;
use crate::ir::setters::setters;
use crate::ir::{Models, Presence, Struct};

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
