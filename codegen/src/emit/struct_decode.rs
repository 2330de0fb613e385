//! A struct's `Deserialize`: a `match` from key to slot and the drift policy
//! for each missing property, over the runtime's `__private::DecodeStruct`
//! (`polar-models/core/src/struct_decode.rs`, which says why it is not serde's
//! derive).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use crate::ir::{Field, Models, OnMissing, Presence, Struct, TypeKind, TypeRef};

/// `impl Deserialize` and `impl DecodeStruct` for one struct.
pub(crate) fn emit_struct_decode(models: &Models, name: &Ident, structure: &Struct) -> TokenStream {
    let expecting = format!("struct {name}");
    let slots: Vec<Ident> = (0..structure.fields.len())
        .map(|i| format_ident!("field_{}", i))
        .collect();
    let indexes: Vec<Literal> = (0..structure.fields.len())
        .map(Literal::usize_unsuffixed)
        .collect();
    let wires: Vec<&str> = structure
        .fields
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect();
    let additional = structure
        .additional
        .as_ref()
        .map(|_| ident(crate::ir::ADDITIONAL_PROPERTIES_FIELD));
    let (additional_slot, additional_init) = match &additional {
        Some(field) => (
            quote!(let mut #field = ::std::collections::BTreeMap::new();),
            quote!(#field,),
        ),
        None => (TokenStream::new(), TokenStream::new()),
    };
    // Required properties without a faithful empty value: the one `match`
    // that builds the struct takes them out of their slots, or names the
    // first one missing. One exit for all of them keeps the function's
    // control flow (what the compiler checks per function) linear.
    let required: Vec<(&Ident, &str)> = structure
        .fields
        .iter()
        .zip(&slots)
        .filter(|(field, _)| {
            field.presence == Presence::Required && field.on_missing == OnMissing::Error
        })
        .map(|(field, slot)| (slot, field.wire_name.as_str()))
        .collect();
    let inits = structure.fields.iter().zip(&slots).map(|(field, slot)| {
        let rust = ident(&field.rust_name);
        let value = match (field.presence, field.on_missing) {
            (_, OnMissing::UnknownEnum) => {
                quote!(#slot.unwrap_or_else(crate::__private::absent_enum))
            }
            (Presence::Required, OnMissing::Error) => quote!(#slot),
            // `None`, absent, `[]`, `{}`, `false`, the constant.
            _ => quote!(#slot.unwrap_or_default()),
        };
        quote!(#rust: #value)
    });
    let build = quote! {
        Self {
            #(#inits,)*
            #additional_init
        }
    };
    let finish = if required.is_empty() {
        quote!(Ok(#build))
    } else {
        let required_slots: Vec<&Ident> = required.iter().map(|(slot, _)| *slot).collect();
        let required_names: Vec<&str> = required.iter().map(|(_, name)| *name).collect();
        quote! {
            match (#(#required_slots,)*) {
                (#(Some(#required_slots),)*) => Ok(#build),
                (#(#required_slots,)*) => Err(crate::__private::missing(&[
                    #((#required_slots.is_none(), #required_names),)*
                ])),
            }
        }
    };
    let reads = structure.fields.iter().zip(&slots).map(|(field, slot)| {
        let wire = &field.wire_name;
        match timestamp_seed(field) {
            Some(seed) => quote! {
                map.read_with(&mut #slot, #wire, crate::__private::#seed)
            },
            None if holds_free_form_object(models, &field.ty) => quote! {
                map.read_with(&mut #slot, #wire, crate::__private::unique_keys())
            },
            None => quote!(map.read(&mut #slot, #wire)),
        }
    });
    // Keys the struct does not list are skipped by `next_listed`, which
    // refuses one given twice (the policy of every object); a struct that
    // keeps them reads every key instead. With one property or none there
    // is nothing to `match` (the index can only be 0).
    let reads: Vec<TokenStream> = reads.collect();
    let entries = match (&additional, reads.as_slice()) {
        (None, []) => quote! {
            while map.next_listed().is_some() {}
        },
        (None, [read]) => quote! {
            while map.next_listed().is_some() {
                #read
            }
        },
        (None, _) => quote! {
            while let Some(index) = map.next_listed() {
                match index {
                    #(#indexes => #reads,)*
                    _ => {}
                }
            }
        },
        (Some(field), []) => quote! {
            while let Some(key) = map.next_key() {
                if let crate::__private::Key::Other(key) = key {
                    map.keep(&mut #field, key)
                }
            }
        },
        (Some(field), _) => quote! {
            while let Some(key) = map.next_key() {
                match key {
                    #(crate::__private::Key::Field(#indexes) => #reads,)*
                    crate::__private::Key::Other(key) => map.keep(&mut #field, key),
                    _ => {}
                }
            }
        },
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::__private::decode_struct(deserializer)
            }
        }
        impl crate::__private::DecodeStruct for #name {
            const EXPECTING: &'static str = #expecting;
            const KEYS: &'static [&'static str] = &[#(#wires),*];
            fn visit<'de, A: ::serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                let mut map = crate::__private::Entries::new(map, Self::KEYS);
                #(let mut #slots = None;)*
                #additional_slot
                #entries
                map.end()?;
                #finish
            }
        }
    }
}

/// Whether a property's value can hold a JSON object that no typed struct
/// reads (a map, a free-form value, a list of them, an alias of one):
/// those are read through `__private::unique_keys`, so that a key twice in
/// one object is a decode error naming it, as it is in a typed struct and
/// in a union's `Unknown` (serde's maps and `serde_json::Value` keep the
/// last value silently).
pub(crate) fn holds_free_form_object(models: &Models, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map { .. } | TypeRef::Any => true,
        TypeRef::Vec(inner) | TypeRef::Nullable(inner) => holds_free_form_object(models, inner),
        TypeRef::Tuple(items) => items
            .iter()
            .any(|item| holds_free_form_object(models, item)),
        TypeRef::Named(id) => match &models.get(*id).kind {
            TypeKind::Alias(target) => holds_free_form_object(models, target),
            _ => false,
        },
        _ => false,
    }
}

/// The runtime's faster reader for a timestamp field (same results as
/// chrono's `Deserialize`), where the field is a plain or optional one.
fn timestamp_seed(field: &Field) -> Option<Ident> {
    if field.ty != TypeRef::DateTime || field.boxed {
        return None;
    }
    match field.presence {
        Presence::Required => Some(format_ident!("Timestamp")),
        Presence::RequiredNullable | Presence::Optional => Some(format_ident!("OptionalTimestamp")),
        Presence::Tristate => None,
    }
}
