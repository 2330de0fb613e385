//! A union's accessors and constructors, as [`crate::ir::accessors`]
//! decided them: one small `#[inline]` method each, so a program compiles
//! only those it calls.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{constructor_parameters, rust_type};
use super::{doc_attrs, ident};
use crate::ir::accessors::{Accessor, MemberAccess, UnionConstructor, View};
use crate::ir::{Models, TypeId, TypeKind, TypeRef, Union};

/// `impl Union { accessors.. constructors.. }`, or nothing.
pub(super) fn emit_union_methods(models: &Models, id: TypeId) -> TokenStream {
    let Some(methods) = models.union_methods.get(&id) else {
        return TokenStream::new();
    };
    let ty = models.get(id);
    let TypeKind::Union(union) = &ty.kind else {
        return TokenStream::new();
    };
    let name = ident(&ty.name);
    let accessors = methods
        .accessors
        .iter()
        .map(|accessor| emit_accessor(models, union, accessor));
    let constructors = methods
        .constructors
        .iter()
        .map(|constructor| emit_constructor(models, union, constructor));
    quote! {
        impl #name {
            #(#accessors)*
            #(#constructors)*
        }
    }
}

fn emit_accessor(models: &Models, union: &Union, accessor: &Accessor) -> TokenStream {
    let method = ident(&accessor.name);
    let doc = doc_attrs(&accessor.doc);
    let returned = match (accessor.view, &accessor.ty) {
        (View::Str, _) => quote!(str),
        (View::Slice, TypeRef::Vec(item)) => {
            let item = rust_type(models, item);
            quote!([#item])
        }
        (View::Nullable, ty) => {
            let ty = rust_type(models, ty);
            quote!(crate::Nullable<#ty>)
        }
        (_, ty) => rust_type(models, ty),
    };
    // When every member has the property as a plain field, the `match`
    // yields the reference and one `Some` wraps it: an arm is then only a
    // pattern and a field, which is what the compiler checks per arm.
    // Not with feature-gated members: with every one of them compiled out
    // only `Unknown`'s `return` would be left, and the `Some` unreachable.
    let every_member_plain = union.variants.iter().all(|v| v.feature.is_none())
        && accessor.members.iter().all(|access| {
            matches!(
                access,
                MemberAccess::Field {
                    optional: false,
                    ..
                }
            )
        });
    let arms = union
        .variants
        .iter()
        .zip(&accessor.members)
        .map(|(variant, access)| {
            let variant_name = ident(&variant.rust_name);
            let cfg = variant
                .feature
                .as_ref()
                .map(|feature| quote!(#[cfg(feature = #feature)]));
            let value = match *access {
                MemberAccess::Union => quote!(value.#method()),
                MemberAccess::Field {
                    optional: true,
                    boxed,
                } => {
                    if boxed || matches!(accessor.view, View::Str | View::Slice) {
                        quote!(value.#method.as_deref())
                    } else {
                        quote!(value.#method.as_ref())
                    }
                }
                MemberAccess::Field {
                    optional: false,
                    boxed,
                } => {
                    let reference = match accessor.view {
                        View::Str => quote!(value.#method.as_str()),
                        View::Slice => quote!(value.#method.as_slice()),
                        View::Ref if boxed => quote!(&*value.#method),
                        View::Ref | View::Nullable => quote!(&value.#method),
                    };
                    if every_member_plain {
                        reference
                    } else {
                        quote!(Some(#reference))
                    }
                }
            };
            quote!(#cfg Self::#variant_name(value) => #value,)
        });
    let body = if every_member_plain {
        quote! {
            Some(match self {
                #(#arms)*
                Self::Unknown(_) => return None,
            })
        }
    } else {
        quote! {
            match self {
                #(#arms)*
                Self::Unknown(_) => None,
            }
        }
    };
    quote! {
        #doc
        #[inline]
        pub fn #method(&self) -> Option<&#returned> {
            #body
        }
    }
}

fn emit_constructor(models: &Models, union: &Union, constructor: &UnionConstructor) -> TokenStream {
    let method = ident(&constructor.name);
    let doc = doc_attrs(&constructor.doc);
    let variant = &union.variants[constructor.variant];
    let variant_name = ident(&variant.rust_name);
    let member = ident(&models.get(constructor.member).name);
    let TypeKind::Struct(structure) = &models.get(constructor.member).kind else {
        return TokenStream::new();
    };
    let (params, args) = if constructor.with_new {
        constructor_parameters(models, structure)
    } else {
        (Vec::new(), Vec::new())
    };
    let built = if constructor.with_new {
        quote!(super::#member::new(#(#args),*))
    } else {
        quote!(<super::#member as Default>::default())
    };
    let built = if variant.boxed {
        quote!(Box::new(#built))
    } else {
        built
    };
    let allow = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #[inline]
        #allow
        pub fn #method(#(#params),*) -> Self {
            Self::#variant_name(#built)
        }
    }
}
