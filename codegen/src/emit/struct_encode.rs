//! A struct's `Serialize`: one call per field over the runtime's
//! `__private::EncodeStruct` (`polar-models/core/src/struct_encode.rs`,
//! which says why it is not serde's derive).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::ident;
use crate::ir::{Presence, Struct};

/// `impl Serialize` for a struct without `additional_properties` (those keep
/// serde's derive, whose `flatten` writes the extra entries inline).
pub(crate) fn emit_struct_encode(name: &Ident, structure: &Struct) -> TokenStream {
    let type_name = name.to_string();
    let mut required = 0usize;
    let mut present = Vec::new();
    let mut calls = Vec::new();
    for field in &structure.fields {
        let rust = ident(&field.rust_name);
        let wire = field.wire_name.as_str();
        calls.push(match field.presence {
            Presence::Optional => {
                present.push(quote!(self.#rust.is_some()));
                quote!(out.optional(#wire, &self.#rust);)
            }
            Presence::Tristate => {
                present.push(quote!(!self.#rust.is_absent()));
                quote!(out.nullable(#wire, &self.#rust);)
            }
            Presence::Required | Presence::RequiredNullable => {
                required += 1;
                quote!(out.field(#wire, &self.#rust);)
            }
        });
    }
    let required = Literal::usize_unsuffixed(required);
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let len = crate::__private::sent(#required, &[#(#present),*]);
                let mut out = crate::__private::EncodeStruct::begin(serializer, #type_name, len);
                #(#calls)*
                out.end()
            }
        }
    }
}
