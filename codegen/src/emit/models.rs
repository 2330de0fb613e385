//! A version's model crate (`polar-models/generated/v2026_10/src/types/`,
//! see [`crate::layout`]): one module per component schema (inline types
//! live beside their parent), and the root that declares them.
//!
//! Generated code refers to the hand-written runtime (`polar-models-core`)
//! only through fixed paths, which each crate's types root re-exports:
//! `crate::Nullable`, `crate::Const`, `crate::ConstValue`, `crate::Page`,
//! `crate::PageProgress`, `crate::Secret` and `crate::__private::*`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ident};
use crate::ir::enum_names;
use crate::ir::features::Features;
use crate::ir::names::unraw;
use crate::ir::{
    ConstLit, Field, Models, PagePosition, Presence, Shape, StringEnum, Struct, TypeDef, TypeId,
    TypeKind, TypeRef, Union,
};
use crate::ApiVersion;

/// The runtime names every version's models module (and the shared one)
/// re-exports, so generated code can write them as `super::Name`.
pub const RUNTIME_REEXPORTS: &[&str] = &[
    "chrono",
    "uuid",
    "Const",
    "ConstBool",
    "ConstInt",
    "ConstValue",
    "Nullable",
    "Page",
    "PageProgress",
    "Secret",
];

/// `pub use ::polar_models_core::{chrono, uuid, ..};`: the runtime names
/// of [`RUNTIME_REEXPORTS`] and the hidden `__private`, for the types root
/// of a model crate.
pub(crate) fn runtime_reexports() -> TokenStream {
    let core = format_ident!("{}", crate::layout::CORE_PACKAGE.replace('-', "_"));
    let names = RUNTIME_REEXPORTS
        .iter()
        .map(|name| format_ident!("{}", name));
    quote! {
        pub use ::#core::{#(#names),*};
        #[doc(hidden)]
        pub use ::#core::__private;
    }
}

/// `::polar_models_shared`, where a version's crate finds a shared type.
fn shared_crate() -> TokenStream {
    let krate = format_ident!("{}", crate::layout::SHARED_PACKAGE.replace('-', "_"));
    quote!(::#krate)
}

/// The generated modules (file stems) and the types each holds, in order.
pub fn modules(models: &Models) -> BTreeMap<String, Vec<TypeId>> {
    let mut modules: BTreeMap<String, Vec<TypeId>> = BTreeMap::new();
    for (index, ty) in models.types.iter().enumerate() {
        modules
            .entry(ty.module.clone())
            .or_default()
            .push(TypeId(index));
    }
    modules
}

/// One module of [`modules`]: its types and their impls; a type `shared`
/// says is generated once for several versions is re-exported from the
/// shared module instead (see [`crate::ir::sharing`]).
pub fn emit_module(
    models: &Models,
    ids: &[TypeId],
    shared: impl Fn(TypeId) -> bool,
) -> TokenStream {
    let items = ids.iter().map(|&id| {
        if shared(id) {
            let (name, shared) = (ident(&models.get(id).name), shared_crate());
            return quote!(pub use #shared::#name;);
        }
        emit_type_and_impls(models, id)
    });
    quote!(#(#items)*)
}

/// A type's definition and the impls generated beside it.
pub(crate) fn emit_type_and_impls(models: &Models, id: TypeId) -> TokenStream {
    let item = emit_type(models, models.get(id));
    let progress = emit_page_progress(models, id);
    let event_type = super::webhook_event::emit_event_type(models, id);
    let methods = super::accessors::emit_union_methods(models, id);
    quote!(#item #progress #event_type #methods)
}

/// The types root (`types/mod.rs`): the spec's pin and every module, each behind
/// the features that need it.
pub fn emit_root<'a>(
    models: &Models,
    modules: impl Iterator<Item = &'a String>,
    sha: &str,
    date: &str,
    version: &ApiVersion,
) -> TokenStream {
    let features = Features::of(models);
    emit_root_gated(modules, &features, sha, date, version)
}

fn emit_root_gated<'a>(
    modules: impl Iterator<Item = &'a String>,
    features: &Features,
    sha: &str,
    date: &str,
    version: &ApiVersion,
) -> TokenStream {
    let (modules, gates): (Vec<_>, Vec<_>) = modules
        .map(|m| {
            let gate = features.modules.get(m).map(super::features::cfg);
            (format_ident!("{}", m), gate.unwrap_or_default())
        })
        .unzip();
    let sha_doc = " SHA-256 of the OpenAPI document these types were generated from.";
    let date_doc = " Date of the OpenAPI document these types were generated from.";
    let name = &version.name;
    let version_doc = " The API version these types belong to (the `Polar-Version` header).";
    let runtime = runtime_reexports();
    quote! {
        #[doc = #version_doc]
        pub const API_VERSION: &str = #name;
        #[doc = #sha_doc]
        pub const SPEC_SHA256: &str = #sha;
        #[doc = #date_doc]
        pub const SPEC_DATE: &str = #date;

        // The runtime types every version's types are written with; the
        // generated modules name them through `super::`.
        #runtime

        pub mod consts;
        #(
            #gates
            mod #modules;
            #gates
            pub use self::#modules::*;
        )*
    }
}

/// The marker types of the spec's string constants (`consts.rs`); a marker
/// `shared` says is generated once is re-exported from the shared module.
pub fn emit_consts(models: &Models, shared: impl Fn(crate::ir::ConstId) -> bool) -> TokenStream {
    let markers = models.consts.iter().enumerate().map(|(index, marker)| {
        if shared(crate::ir::ConstId(index)) {
            let (name, shared) = (ident(&marker.rust_name), shared_crate());
            return quote!(pub use #shared::consts::#name;);
        }
        const_marker(&marker.rust_name, &marker.value)
    });
    quote!(#(#markers)*)
}

/// The marker type standing for the string constant `value`: a name for
/// `Const<M>` only, which implements every trait itself; so the marker
/// derives none (seven derives on each of ~130 markers were a tenth of the
/// shared models crate's type checking in a `checkouts,webhooks` build).
pub(crate) fn const_marker(rust_name: &str, value: &str) -> TokenStream {
    let name = ident(rust_name);
    let doc =
        format!(" The constant `{value:?}`, as the type parameter of [`Const`](crate::Const).");
    quote! {
        #[doc = #doc]
        pub struct #name;
        impl crate::ConstValue for #name {
            const VALUE: &'static str = #value;
        }
    }
}

/// `impl PageProgress` for a struct used as the `pagination` of a page, so
/// the client's page walker needs no generated type by name.
fn emit_page_progress(models: &Models, id: TypeId) -> Option<TokenStream> {
    let (_, position) = models.page_positions.iter().find(|(p, _)| *p == id)?;
    let name = ident(&models.get(id).name);
    let more = match position {
        PagePosition::MaxPage { field } => {
            let field = ident(field);
            quote!(page < self.#field)
        }
        PagePosition::HasNextPage { field } => {
            let field = ident(field);
            quote! {
                let _ = page;
                self.#field
            }
        }
    };
    Some(quote! {
        impl crate::PageProgress for #name {
            fn has_page_after(&self, page: i64) -> bool {
                #more
            }
        }
    })
}

fn emit_type(models: &Models, ty: &TypeDef) -> TokenStream {
    let doc = doc_attrs(&ty.doc);
    let name = ident(&ty.name);
    match &ty.kind {
        TypeKind::Struct(structure) => emit_struct(models, &name, doc, structure),
        TypeKind::Enum(string_enum) => emit_enum(&name, doc, string_enum),
        TypeKind::Union(union) => emit_union(models, &ty.name, doc, union),
        TypeKind::Alias(target) => {
            let target = rust_type(models, target);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
    }
}

fn emit_struct(
    models: &Models,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    structure: &Struct,
) -> TokenStream {
    // serde's derive only where `additional_properties` needs its
    // `flatten`; every other struct writes itself through the runtime.
    let derived = structure.additional.is_some();
    let fields = structure
        .fields
        .iter()
        .map(|field| emit_field(models, field, derived));
    let additional = structure.additional.as_ref().map(|values| {
        let values = rust_type(models, values);
        let additional_name = ident(crate::ir::ADDITIONAL_PROPERTIES_FIELD);
        quote! {
            #[doc = " Properties not listed above."]
            #[serde(flatten)]
            pub #additional_name: ::std::collections::BTreeMap<String, #values>,
        }
    });
    let default = structure.derives_default().then(|| quote!(Default,));
    let constructor = structure
        .has_constructor()
        .then(|| emit_constructor(models, name, structure));
    let setters = super::setters::emit_setters(models, name, structure);
    let deserialize = super::struct_decode::emit_struct_decode(models, name, structure);
    let (derive_serialize, serialize) = if derived {
        (quote!(, ::serde::Serialize), TokenStream::new())
    } else {
        (
            TokenStream::new(),
            super::struct_encode::emit_struct_encode(name, structure),
        )
    };
    quote! {
        #doc
        #[derive(Clone, Debug, #default PartialEq #derive_serialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #serialize
        #deserialize
        #constructor
        #setters
    }
}

/// `new(required fields)` for a type users build: every optional property
/// left out, every constant at its value.
fn emit_constructor(
    models: &Models,
    type_name: &proc_macro2::Ident,
    structure: &Struct,
) -> TokenStream {
    let (params, _) = constructor_parameters(models, structure);
    let mut inits = Vec::new();
    for field in &structure.fields {
        let name = ident(&field.rust_name);
        if takes_argument(field) {
            inits.push(quote!(#name));
        } else {
            inits.push(quote!(#name: Default::default()));
        }
    }
    if structure.additional.is_some() {
        let name = ident(crate::ir::ADDITIONAL_PROPERTIES_FIELD);
        inits.push(quote!(#name: Default::default()));
    }
    let allow = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #type_name {
            #[doc = " A value with the required properties given and every optional"]
            #[doc = " one left out."]
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

/// Whether `new(..)` takes the field as an argument.
fn takes_argument(field: &Field) -> bool {
    matches!(
        field.presence,
        Presence::Required | Presence::RequiredNullable
    ) && !field.is_fixed()
}

/// The parameters of a struct's `new(..)` (`name: Type`) and their names,
/// in order.
pub(crate) fn constructor_parameters(
    models: &Models,
    structure: &Struct,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut params = Vec::new();
    let mut names = Vec::new();
    for field in structure.fields.iter().filter(|f| takes_argument(f)) {
        let name = ident(&field.rust_name);
        let mut ty = field_rust_type(models, field);
        if field.boxed {
            ty = quote!(Box<#ty>);
        }
        if field.presence == Presence::RequiredNullable {
            ty = quote!(Option<#ty>);
        }
        params.push(quote!(#name: #ty));
        names.push(quote!(#name));
    }
    (params, names)
}

/// A struct's field; `derived`: the struct derives `Serialize`, which reads
/// the field's `#[serde]` attributes.
fn emit_field(models: &Models, field: &Field, derived: bool) -> TokenStream {
    let doc = doc_attrs(&field.doc);
    let name = ident(&field.rust_name);
    let mut inner = field_rust_type(models, field);
    if field.boxed {
        inner = quote!(Box<#inner>);
    }
    let ty = match field.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::Tristate => quote!(crate::Nullable<#inner>),
    };
    let mut serde = Vec::new();
    if unraw(&field.rust_name) != field.wire_name {
        let wire = &field.wire_name;
        serde.push(quote!(rename = #wire));
    }
    // What a missing property decodes to is `emit_struct_decode`'s job.
    match field.presence {
        Presence::Optional => serde.push(quote!(skip_serializing_if = "Option::is_none")),
        Presence::Tristate => {
            serde.push(quote!(skip_serializing_if = "crate::Nullable::is_absent"))
        }
        Presence::Required | Presence::RequiredNullable => {}
    }
    let serde = (derived && !serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

/// Above this many values, a string enum finds a value by halves in a
/// sorted table rather than by a scan.
const SCANNED_ENUM_VALUES: usize = 16;

fn emit_enum(name: &proc_macro2::Ident, doc: TokenStream, string_enum: &StringEnum) -> TokenStream {
    let variants: Vec<_> = string_enum
        .variants
        .iter()
        .map(|v| ident(&v.rust_name))
        .collect();
    let values: Vec<_> = string_enum
        .variants
        .iter()
        .map(|v| v.wire_value.as_str())
        .collect();
    // Tables, in the order of the variants: `VALUES` (wire values), `KNOWN`
    // (the variants), `NAMES` (their Rust names). `From<&str>` finds a
    // value's index by one function of the core; `listed_index` is the one
    // `match` with an arm per variant, which `as_str` and `Debug` share.
    // A `match` on strings per enum, and one per trait, cost more to build
    // than the rest of the enum together; generic table helpers
    // instantiated per enum cost more still (BENCHMARKS.md, "Eighth look").
    let indexes = (0..values.len()).map(proc_macro2::Literal::usize_unsuffixed);
    let names = string_enum.variants.iter().map(|v| v.rust_name.as_str());
    let listed_index = if variants.is_empty() {
        quote!(match self {
            Self::Unknown(value) => Err(value),
        })
    } else {
        quote! {
            Ok(match self {
                #(Self::#variants => #indexes,)*
                Self::Unknown(value) => return Err(value),
            })
        }
    };
    // Many values are found by halves in a table sorted by value (the
    // core's `sorted_index`), few by a scan of `VALUES`.
    let (sorted_table, lookup) = if values.len() > SCANNED_ENUM_VALUES {
        let mut sorted: Vec<(&str, usize)> = values.iter().copied().zip(0..).collect();
        sorted.sort_unstable();
        let (sorted_values, sorted_indexes): (Vec<&str>, Vec<proc_macro2::Literal>) = sorted
            .into_iter()
            .map(|(value, index)| (value, proc_macro2::Literal::usize_unsuffixed(index)))
            .unzip();
        (
            quote! {
                /// `VALUES` with their indexes, in byte order, for `From<&str>`.
                const SORTED: &'static [(&'static str, usize)] =
                    &[#((#sorted_values, #sorted_indexes)),*];
            },
            quote!(crate::__private::sorted_index(Self::SORTED, value)),
        )
    } else {
        (
            TokenStream::new(),
            quote!(crate::__private::listed_index(Self::VALUES, value)),
        )
    };
    let variant_docs = string_enum.variants.iter().map(|v| match &v.collision {
        None => format!(" `{:?}`", v.wire_value),
        Some(wanted) => format!(
            " `{:?}` (not `{wanted}`, the name of another variant)",
            v.wire_value
        ),
    });
    let desc_doc = string_enum
        .variants
        .iter()
        .any(|v| enum_names::wanted_variant_name(&v.wire_value).1)
        .then(|| {
            let text = format!(
                " A value with a leading `-` sorts in descending order; its variant \
                 is named after the rest plus `{}` (`-created_at` is `CreatedAt{0}`).",
                enum_names::DESC_SUFFIX
            );
            quote! {
                #[doc = ""]
                #[doc = #text]
            }
        });
    quote! {
        #doc
        #desc_doc
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            #[doc = " A value this version of the SDK does not know, as sent."]
            Unknown(String),
        }
        impl #name {
            #[doc = " Every value the spec lists, in its order."]
            pub const VALUES: &'static [&'static str] = &[#(#values),*];
            /// Every variant but `Unknown`, in the order of `VALUES`.
            const KNOWN: &'static [Self] = &[#(Self::#variants),*];
            /// The names of `KNOWN`, for `Debug`.
            const NAMES: &'static [&'static str] = &[#(#names),*];
            #sorted_table
            /// The variant's index in the tables, or the text of `Unknown`.
            fn listed_index(&self) -> Result<usize, &str> {
                #listed_index
            }
            #[doc = " The value as it appears on the wire."]
            pub fn as_str(&self) -> &str {
                match self.listed_index() {
                    Ok(index) => Self::VALUES[index],
                    Err(value) => value,
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match #lookup {
                    Some(index) => Self::KNOWN[index].clone(),
                    None => Self::Unknown(value.to_owned()),
                }
            }
        }
        crate::__private::string_enum_impls!(#name);
    }
}

fn emit_union(models: &Models, type_name: &str, doc: TokenStream, union: &Union) -> TokenStream {
    let name = ident(type_name);
    let mut variant_defs = Vec::new();
    let mut serialize_arms = Vec::new();
    let mut decode_arms = Vec::new();
    let mut tags = Vec::new();
    let mut shapes = Vec::new();
    let mut from_impls = Vec::new();
    for (index, variant) in union.variants.iter().enumerate() {
        let variant_name = ident(&variant.rust_name);
        let doc = doc_attrs(&variant.doc);
        let cfg = variant
            .feature
            .as_ref()
            .map(|feature| quote!(#[cfg(feature = #feature)]));
        let inner = rust_type(models, &variant.ty);
        // `from_str`, as polar-api decodes every body (`decode_json`): one
        // deserializer type, so each type's decoder is compiled once, not
        // once per reader.
        // A member that is a map or a free-form value (an alias of one) is
        // read refusing a key twice, as every typed member does.
        let read = if super::struct_decode::holds_free_form_object(models, &variant.ty) {
            quote!(crate::__private::from_str_unique_keys(json)?)
        } else {
            quote!(::serde_json::from_str(json)?)
        };
        let (payload, decoded) = if variant.boxed {
            (quote!(Box<#inner>), quote!(Box::new(#read)))
        } else {
            (inner.clone(), read)
        };
        variant_defs.push(quote! {
            #cfg
            #doc
            #variant_name(#payload),
        });
        serialize_arms
            .push(quote!(#cfg Self::#variant_name(value) => value.serialize(serializer),));
        let index_lit = proc_macro2::Literal::usize_unsuffixed(index);
        decode_arms.push(quote!(#cfg #index_lit => Self::#variant_name(#decoded),));
        for tag in &variant.tags {
            let index_lit = proc_macro2::Literal::usize_unsuffixed(index);
            tags.push(quote!((#tag, #index_lit)));
        }
        shapes.push(shape_tokens(&variant.shape));
        // `From` only where the payload type (aliases resolved) is unique.
        let resolved = resolve_alias(models, &variant.ty);
        let unique = union
            .variants
            .iter()
            .filter(|other| resolve_alias(models, &other.ty) == resolved)
            .count()
            == 1;
        if unique && !variant.boxed {
            from_impls.push(quote! {
                #cfg
                impl From<#inner> for #name {
                    fn from(value: #inner) -> Self {
                        Self::#variant_name(value)
                    }
                }
            });
            from_impls.extend(literal_from_impl(&name, &variant_name, resolved));
        }
    }
    let uses_lit = union.variants.iter().any(|v| shape_uses_lit(&v.shape));
    let imports = if uses_lit {
        quote!(
            use crate::__private::{Lit, Shape};
        )
    } else {
        quote!(
            use crate::__private::Shape;
        )
    };
    let discriminator = match &union.discriminator {
        Some(property) => quote!(Some(#property)),
        None => quote!(None),
    };
    // Every index the table yields has its arm, unless the variant is left
    // out with its feature: its payload is then kept whole, as an event
    // this version does not know would be.
    let other_index = if union.variants.iter().any(|v| v.feature.is_some()) {
        quote!(_ => Self::Unknown(::serde_json::from_str(json)?),)
    } else {
        quote!(_ => unreachable!("variant indexes come from UNION"),)
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            #[doc = " A variant this version of the SDK does not know: the raw JSON."]
            Unknown(::serde_json::Value),
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #imports
                const UNION: crate::__private::Union = crate::__private::Union {
                    name: #type_name,
                    discriminator: #discriminator,
                    tags: &[#(#tags),*],
                    shapes: &[#(#shapes),*],
                };
                UNION.decode(deserializer, |index, json| {
                    Ok(match index {
                        #(#decode_arms)*
                        #other_index
                    })
                }, Self::Unknown)
            }
        }
        #(#from_impls)*
    }
}

/// The `From` that lets a literal convert with `.into()` beside the
/// variant's own: `From<&str>` for the (only) `String` variant, and
/// `From<i32>` for the (only) integer variant, since an integer literal
/// with no other constraint is an `i32` (`42.into()`). No union has an
/// `&str` or `i32` variant of its own, so neither can conflict.
fn literal_from_impl(
    name: &proc_macro2::Ident,
    variant: &proc_macro2::Ident,
    resolved: &TypeRef,
) -> Option<TokenStream> {
    match resolved {
        TypeRef::String => Some(quote! {
            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    Self::#variant(value.to_owned())
                }
            }
        }),
        TypeRef::Integer => Some(quote! {
            impl From<i32> for #name {
                fn from(value: i32) -> Self {
                    Self::#variant(i64::from(value))
                }
            }
        }),
        _ => None,
    }
}

fn shape_uses_lit(shape: &Shape) -> bool {
    match shape {
        Shape::Object { consts, .. } => !consts.is_empty(),
        Shape::OneOf(shapes) => shapes.iter().any(shape_uses_lit),
        _ => false,
    }
}

/// Follow `pub type` aliases to the type they stand for.
pub(crate) fn resolve_alias<'m>(models: &'m Models, ty: &'m TypeRef) -> &'m TypeRef {
    match ty {
        TypeRef::Named(id) => match &models.get(*id).kind {
            TypeKind::Alias(target) => resolve_alias(models, target),
            _ => ty,
        },
        _ => ty,
    }
}

fn shape_tokens(shape: &Shape) -> TokenStream {
    match shape {
        Shape::Object {
            required,
            known,
            consts,
            closed,
        } => {
            let consts = consts.iter().map(|(path, value)| match value {
                ConstLit::Str(text) => quote!((&[#(#path),*], Lit::Str(#text))),
                ConstLit::Bool(flag) => quote!((&[#(#path),*], Lit::Bool(#flag))),
            });
            quote!(Shape::Object {
                required: &[#(#required),*],
                known: &[#(#known),*],
                consts: &[#(#consts),*],
                closed: #closed,
            })
        }
        Shape::OneOf(shapes) => {
            let shapes = shapes.iter().map(shape_tokens);
            quote!(Shape::OneOf(&[#(#shapes),*]))
        }
        Shape::String => quote!(Shape::String),
        Shape::Formatted => quote!(Shape::Formatted),
        Shape::StringConst(text) => quote!(Shape::StringConst(#text)),
        Shape::Integer => quote!(Shape::Integer),
        Shape::Number => quote!(Shape::Number),
        Shape::Boolean => quote!(Shape::Boolean),
        Shape::Array => quote!(Shape::Array),
        Shape::Null => quote!(Shape::Null),
        Shape::Any => quote!(Shape::Any),
    }
}

/// The Rust type written for a [`TypeRef`] inside `polar-models`.
/// A field's type inside its presence wrapper: its [`TypeRef`], or
/// `ConstInt<value>` for an integer `const`.
pub(crate) fn field_rust_type(models: &Models, field: &Field) -> TokenStream {
    match field.int_const {
        Some(value) => {
            let value = proc_macro2::Literal::i64_unsuffixed(value);
            quote!(super::ConstInt<#value>)
        }
        None => rust_type(models, &field.ty),
    }
}

pub fn rust_type(models: &Models, ty: &TypeRef) -> TokenStream {
    rust_type_in(models, ty, &quote!(super))
}

/// The Rust type written for a [`TypeRef`], with `root` the path of the
/// `polar-models` crate where it is written (`crate` or `::polar_models`).
pub fn rust_type_in(models: &Models, ty: &TypeRef, root: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = ident(&models.get(*id).name);
            quote!(#root::#name)
        }
        TypeRef::String => quote!(String),
        TypeRef::Secret => quote!(#root::Secret),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::ConstBool(value) => quote!(#root::ConstBool<#value>),
        TypeRef::DateTime => quote!(#root::chrono::DateTime<#root::chrono::Utc>),
        TypeRef::Date => quote!(#root::chrono::NaiveDate),
        TypeRef::Uuid => quote!(#root::uuid::Uuid),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::Unit => quote!(()),
        TypeRef::Const(id) => {
            let marker = ident(&models.consts[id.0].rust_name);
            quote!(#root::Const<#root::consts::#marker>)
        }
        TypeRef::Vec(inner) => {
            let inner = rust_type_in(models, inner, root);
            quote!(Vec<#inner>)
        }
        TypeRef::Map { key, value } => {
            let key = match key {
                crate::ir::MapKey::String => quote!(String),
                crate::ir::MapKey::Uuid => quote!(#root::uuid::Uuid),
                crate::ir::MapKey::Enum(id) => rust_type_in(models, &TypeRef::Named(*id), root),
            };
            let value = rust_type_in(models, value, root);
            quote!(::std::collections::BTreeMap<#key, #value>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| rust_type_in(models, item, root));
            quote!((#(#items,)*))
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type_in(models, inner, root);
            quote!(Option<#inner>)
        }
        TypeRef::Page { item, pagination } => {
            let item = rust_type_in(models, item, root);
            let pagination = ident(&models.get(*pagination).name);
            quote!(#root::Page<#item, #root::#pagination>)
        }
    }
}
