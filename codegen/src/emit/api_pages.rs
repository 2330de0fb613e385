//! What a list operation's page walk says about repeats, and
//! `.stream_unique()` for lists whose items have an `id`.
//!
//! Pages are asked for by number, so a list that changes during a walk can
//! make it repeat an item or skip one (`polar_api::paginate`). A repeat is
//! the same `id` twice: where every item has a required `id` (a `Uuid` or
//! a string), the walk gets a second form that drops them.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Models, Operation, Pagination, Presence, TypeKind, TypeRef};

/// The docs every `.stream()` and `.collect_all()` carry about a list that
/// changes during the walk; `unique` says whether `.stream_unique()` exists.
pub(super) fn changing_list_doc(unique: bool) -> TokenStream {
    let remedy = if unique {
        " [`stream_unique`](Self::stream_unique) drops the repeats by `id`;"
    } else {
        " `polar_api::dedup_by_key` drops the repeats by a key of your choice;"
    };
    quote! {
        #[doc = ""]
        #[doc = " Pages are read by number as the walk goes: an item created or deleted"]
        #[doc = " meanwhile shifts the items after it, so the walk can **repeat** an item"]
        #[doc = " or **skip** one."]
        #[doc = #remedy]
        #[doc = " a skipped item is only found by walking again (or by filtering on"]
        #[doc = " creation time)."]
    }
}

/// How a walk over a list (of items of type `item`) keys its items by
/// `id`, when every item has one: a struct with a required `id` (a `Uuid`
/// or a string), or a union each of whose members is one (through nested
/// unions), the `id`s of one type. `None` for items without.
pub(super) struct IdKey {
    /// `|item| ...`: the closure giving an item's key, an `Option` for a
    /// union (`None` for its `Unknown` member, which is never dropped).
    pub closure: TokenStream,
    /// Whether the closure gives an `Option`.
    pub optional: bool,
}

/// Whether a list of `item`s has `.stream_unique()`.
pub(crate) fn has_unique_stream(models: &Models, item: &TypeRef) -> bool {
    id_key(models, item).is_some()
}

/// The [`IdKey`] of `item`'s type.
pub(super) fn id_key(models: &Models, item: &TypeRef) -> Option<IdKey> {
    let (expression, _) = id_of(models, item, &quote!(item), 0)?;
    Some(IdKey {
        closure: quote!(|item| #expression),
        optional: !matches!(models_kind(models, item), Some(TypeKind::Struct(_))),
    })
}

fn models_kind<'m>(models: &'m Models, ty: &'m TypeRef) -> Option<&'m TypeKind> {
    match super::models::resolve_alias(models, ty) {
        TypeRef::Named(id) => Some(&models.get(*id).kind),
        _ => None,
    }
}

/// The key's type, to check a union's members agree on it.
#[derive(Clone, Copy, PartialEq)]
enum KeyType {
    Uuid,
    String,
}

/// The expression giving the `id` of `value` (a reference to a `ty`): the
/// key itself for a struct; an `Option` of it for a union.
fn id_of(
    models: &Models,
    ty: &TypeRef,
    value: &TokenStream,
    depth: usize,
) -> Option<(TokenStream, KeyType)> {
    let TypeRef::Named(id) = super::models::resolve_alias(models, ty) else {
        return None;
    };
    let def = models.get(*id);
    match &def.kind {
        TypeKind::Struct(structure) => {
            let field = structure
                .fields
                .iter()
                .find(|field| field.wire_name == "id" && field.presence == Presence::Required)?;
            let name = ident(&field.rust_name);
            match field.ty {
                TypeRef::Uuid => Some((quote!(#value.#name), KeyType::Uuid)),
                TypeRef::String => Some((quote!(#value.#name.clone()), KeyType::String)),
                _ => None,
            }
        }
        // Unions nest a few levels at most; the bound keeps a cycle from
        // recursing for ever.
        TypeKind::Union(union) if depth < 4 && !union.variants.is_empty() => {
            let union_name = ident(&def.name);
            let binding = quote::format_ident!("member_{depth}");
            let mut key_type = None;
            let mut arms = Vec::new();
            for variant in &union.variants {
                let (inner, found) = id_of(models, &variant.ty, &quote!(#binding), depth + 1)?;
                if key_type.is_some_and(|known| known != found) {
                    return None;
                }
                key_type = Some(found);
                let inner = match models_kind(models, &variant.ty) {
                    Some(TypeKind::Struct(_)) => quote!(Some(#inner)),
                    _ => inner,
                };
                let variant_name = ident(&variant.rust_name);
                let cfg = variant
                    .feature
                    .as_ref()
                    .map(|feature| quote!(#[cfg(feature = #feature)]));
                arms.push(
                    quote!(#cfg super::models::#union_name::#variant_name(#binding) => #inner,),
                );
            }
            Some((
                quote! {
                    match #value {
                        #(#arms)*
                        _ => None,
                    }
                },
                key_type?,
            ))
        }
        _ => None,
    }
}

/// `.stream_unique()`, over the walk's `.stream()`.
pub(super) fn stream_unique(item: &TokenStream, key: &IdKey) -> TokenStream {
    let closure = &key.closure;
    let dedup = if key.optional {
        quote!(crate::__private::dedup_by_optional_key(self.stream(), #closure))
    } else {
        quote!(crate::dedup_by_key(self.stream(), #closure))
    };
    quote! {
        #[doc = " Every item of every page, as [`stream`](Self::stream) yields them, but an"]
        #[doc = " item whose `id` was already yielded is dropped: the repeats a list that"]
        #[doc = " changes during the walk causes. It keeps every `id` it has seen, so its"]
        #[doc = " memory grows with the walk; it cannot bring back a skipped item."]
        #[inline]
        pub fn stream_unique(self) -> impl ::futures_core::Stream<Item = Result<#item, crate::Error>> + Send + Unpin + 'static {
            #dedup
        }
    }
}

/// A list operation's `.stream()`, `.collect_all()` and, where its items
/// have an `id`, `.stream_unique()`, on its request builder.
pub(super) fn walkers(models: &Models, op: &Operation, pagination: &Pagination) -> TokenStream {
    let page_field = query_field(op, "page").expect("paginated operations take `page`");
    let (item, walker, fetch) = match pagination {
        Pagination::Pages { item } | Pagination::Cursor { item } => (
            super::api::model_type(models, item),
            quote!(crate::paginate),
            quote!(request.send()),
        ),
        Pagination::Mixed { item, response } => {
            let TypeKind::Union(union) = &models.get(*response).kind else {
                unreachable!("mixed pagination is over a union")
            };
            let response_ty = ident(&models.get(*response).name);
            let arms = union.variants.iter().map(|variant| {
                let name = ident(&variant.rust_name);
                let cursor = matches!(
                    super::models::resolve_alias(models, &variant.ty),
                    TypeRef::Page { pagination, .. } if models.get(*pagination).name == "CursorPagination"
                );
                if cursor {
                    quote!(super::models::#response_ty::#name(page) => page,)
                } else {
                    quote! {
                        super::models::#response_ty::#name(page) => super::models::Page {
                            pagination: super::models::CursorPagination {
                                has_next_page: number < page.pagination.max_page,
                            },
                            items: page.items,
                        },
                    }
                }
            });
            (
                super::api::model_type(models, item),
                quote!(crate::paginate),
                quote! {
                    async move {
                        Ok(match request.send().await? {
                            #(#arms)*
                            other => return Err(crate::__private::unexpected_page(Self::OPERATION, &other)),
                        })
                    }
                },
            )
        }
    };
    // Walking every page, ask for the largest pages the spec allows unless
    // the caller chose a size.
    let (largest_pages, size_doc) = match op.max_page_size {
        Some(max) => {
            let limit_field =
                query_field(op, "limit").expect("a stated maximum page size comes from `limit`");
            let doc = format!(
                " Unless `limit` is set, pages of {max} items are asked for, the most \
                 the API serves."
            );
            let max = proc_macro2::Literal::i64_unsuffixed(max);
            (
                quote!(self.#limit_field.get_or_insert(#max);),
                quote!(#[doc = ""] #[doc = #doc]),
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let receiver = match op.max_page_size {
        Some(_) => quote!(mut self),
        None => quote!(self),
    };
    let id_key = id_key(models, pagination.item());
    let changing = changing_list_doc(id_key.is_some());
    let unique = id_key.map(|key| stream_unique(&item, &key));
    // The walkers are `#[inline]`: each one's stream (boxed, so `Unpin`) is
    // a distinct instance of `paginate` and its futures, compiled where the
    // walk is called rather than here for every list operation (BENCHMARKS.md,
    // "Issue 27: the cost of the shorter common path").
    quote! {
        #[doc = " Every item of every page, fetched page by page as the stream is polled."]
        #size_doc
        #changing
        #[inline]
        pub fn stream(#receiver) -> impl ::futures_core::Stream<Item = Result<#item, crate::Error>> + Send + Unpin + 'static {
            #largest_pages
            let first = self.#page_field.unwrap_or(1);
            #walker(first, move |number| {
                let mut request = self.clone();
                request.#page_field = Some(number);
                #fetch
            })
        }
        #[doc = " Every item of every page, collected."]
        #size_doc
        #changing
        #[inline]
        pub async fn collect_all(self) -> Result<Vec<#item>, crate::Error> {
            crate::collect_all(self.stream()).await
        }
        #unique
    }
}

/// The builder field of the query parameter sent as `wire_name`.
fn query_field(op: &Operation, wire_name: &str) -> Option<proc_macro2::Ident> {
    op.query_params
        .iter()
        .find(|p| p.wire_name == wire_name)
        .map(|p| ident(&p.rust_name))
}
