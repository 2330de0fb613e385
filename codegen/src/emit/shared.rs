//! `polar-models-shared` (`polar-models/generated/shared/`, see
//! [`crate::layout`]): the types and constants several API versions share
//! ([`crate::ir::sharing`]), generated once. Each item is
//! compiled when any version sharing it is, under the feature gate its
//! module has in that version; the versions re-export it.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::models::{const_marker, emit_type_and_impls, runtime_reexports};
use crate::ir::features::{Features, Gate, FULL_FEATURE};
use crate::ir::sharing::{SharedType, Sharing};
use crate::ir::Models;
use crate::{ApiVersion, Error};

/// What the shared emitter reads of one version.
#[derive(Clone, Copy)]
pub struct VersionView<'a> {
    pub version: &'a ApiVersion,
    pub models: &'a Models,
    pub features: &'a Features,
}

/// The shared modules (file stems) and the shared types each holds
/// (indices into [`Sharing::types`]).
pub fn modules(sharing: &Sharing) -> BTreeMap<String, Vec<usize>> {
    let mut modules: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, ty) in sharing.types.iter().enumerate() {
        modules.entry(ty.module.clone()).or_default().push(index);
    }
    modules
}

/// One shared module: each type as its newest version defines it, every
/// item behind the type's condition.
pub fn emit_module(
    views: &[VersionView<'_>],
    sharing: &Sharing,
    types: &[usize],
    file: &str,
) -> Result<TokenStream, Error> {
    let conditions: Vec<TokenStream> = types
        .iter()
        .map(|&index| type_condition(views, &sharing.types[index]))
        .collect();
    // The module is declared behind the union of its types' conditions
    // (`emit_root`): when that is each type's own, an impl needs no `cfg`
    // of its own.
    let gates = if conditions
        .iter()
        .all(|condition| condition.to_string() == conditions[0].to_string())
    {
        Gates::ItemsButImpls
    } else {
        Gates::EveryItem
    };
    let mut out = TokenStream::new();
    for (&index, condition) in types.iter().zip(&conditions) {
        let (source, id) = sharing.types[index].source();
        let tokens = emit_type_and_impls(views[source].models, id);
        out.extend(with_cfg(tokens, condition, gates, file)?);
    }
    Ok(out)
}

/// The shared crate's `types/mod.rs`: the runtime names the shared types are written with,
/// the constants, and every module behind the union of its types'
/// conditions.
pub fn emit_root(views: &[VersionView<'_>], sharing: &Sharing) -> TokenStream {
    let modules = modules(sharing).into_iter().map(|(module, types)| {
        // Distinct conditions, in a fixed order.
        let conditions: BTreeMap<String, TokenStream> = types
            .iter()
            .map(|&index| {
                let condition = type_condition(views, &sharing.types[index]);
                (condition.to_string(), condition)
            })
            .collect();
        let condition = any_of(conditions.into_values().collect());
        let module = format_ident!("{}", module);
        quote! {
            #[cfg(#condition)]
            mod #module;
            #[cfg(#condition)]
            pub use self::#module::*;
        }
    });
    let runtime = runtime_reexports();
    quote! {
        // The runtime types every version's types are written with; the
        // generated modules name them through `super::`.
        #runtime

        pub mod consts;
        #(#modules)*
    }
}

/// The shared crate's `types/consts.rs`: each shared marker behind the features of the
/// versions that have it.
pub fn emit_consts(views: &[VersionView<'_>], sharing: &Sharing) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    for marker in &sharing.consts {
        let condition =
            features_condition(marker.versions.iter().map(|&v| views[v].version.feature()));
        let tokens = const_marker(&marker.rust_name, &marker.value);
        out.extend(with_cfg(
            tokens,
            &condition,
            Gates::EveryItem,
            &crate::layout::ModelCrate::Shared.types_file("consts"),
        )?);
    }
    Ok(out)
}

/// When a shared type is compiled: when any version sharing it is and, in
/// that version, the gate of the type's module holds.
fn type_condition(views: &[VersionView<'_>], ty: &SharedType) -> TokenStream {
    // Versions grouped by the gate the type has in each.
    let mut by_gate: BTreeMap<String, (Option<TokenStream>, Vec<String>)> = BTreeMap::new();
    for &(v, id) in &ty.members {
        let view = &views[v];
        let module = &view.models.get(id).module;
        let gate = gate_condition(view.features.modules.get(module).unwrap_or(&Gate::Always));
        let key = gate.as_ref().map(ToString::to_string).unwrap_or_default();
        let entry = by_gate.entry(key).or_insert_with(|| (gate, Vec::new()));
        entry.1.push(view.version.feature());
    }
    let alternatives: Vec<TokenStream> = by_gate
        .into_values()
        .map(|(gate, features)| {
            let versions = features_condition(features);
            match gate {
                Some(gate) => quote!(all(#versions, #gate)),
                None => versions,
            }
        })
        .collect();
    any_of(alternatives)
}

/// A module gate as a `cfg` predicate; `None` when always compiled.
pub(crate) fn gate_condition(gate: &Gate) -> Option<TokenStream> {
    match gate {
        Gate::Always => None,
        Gate::FullOnly => Some(quote!(feature = #FULL_FEATURE)),
        Gate::AnyOf(features) => Some(features_condition(features.iter())),
    }
}

/// "Any of these features", written as simply as clippy asks.
pub(super) fn features_condition<S: AsRef<str>>(
    features: impl IntoIterator<Item = S>,
) -> TokenStream {
    any_of(
        features
            .into_iter()
            .map(|feature| {
                let feature = feature.as_ref();
                quote!(feature = #feature)
            })
            .collect(),
    )
}

/// `any(..)` of the predicates, or the predicate itself when there is one.
fn any_of(mut predicates: Vec<TokenStream>) -> TokenStream {
    if predicates.len() == 1 {
        return predicates.pop().expect("one predicate");
    }
    quote!(any(#(#predicates),*))
}

/// Which items of a file [`with_cfg`] puts behind the condition.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Gates {
    /// Every item: the file's module is not behind exactly this condition.
    EveryItem,
    /// Every item but `impl` blocks, for a file whose module is declared
    /// behind exactly this condition: an impl is compiled only with its
    /// module anyway, and rustdoc shows the condition on the type an impl
    /// belongs to. The `cfg`s the impls carried were a tenth of what the
    /// shared crate of types took to lex and expand.
    ItemsButImpls,
}

/// `#[cfg(condition)]` on the items of `tokens` that `gates` names. Also
/// used for the items of a gated module of a version's crate: `rustdoc`
/// shows an item's own `cfg` where another crate re-exports it (its
/// module's `cfg` is lost), so the docs of `polar-api` name the feature
/// each type needs.
pub(crate) fn with_cfg(
    tokens: TokenStream,
    condition: &TokenStream,
    gates: Gates,
    file: &str,
) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
    for item in with_cfg_parsed(tokens, condition, gates, file)?.items {
        out.extend(quote!(#item));
    }
    Ok(out)
}

/// [`with_cfg`], returning the items parsed (a file's, for stage 4 to
/// print without parsing them again); inner attributes are dropped.
pub(crate) fn with_cfg_parsed(
    tokens: TokenStream,
    condition: &TokenStream,
    gates: Gates,
    file: &str,
) -> Result<syn::File, Error> {
    let mut parsed: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
        file: file.to_owned(),
        reason: e.to_string(),
    })?;
    parsed.shebang = None;
    parsed.attrs.clear();
    let attribute: syn::Attribute = syn::parse_quote!(#[cfg(#condition)]);
    for item in &mut parsed.items {
        let attrs = match item {
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Impl(_) if gates == Gates::ItemsButImpls => continue,
            syn::Item::Impl(item) => &mut item.attrs,
            syn::Item::Type(item) => &mut item.attrs,
            syn::Item::Macro(item) => &mut item.attrs,
            syn::Item::Const(item) => &mut item.attrs,
            syn::Item::Fn(item) => &mut item.attrs,
            syn::Item::Use(item) => &mut item.attrs,
            other => {
                return Err(Error::Emit {
                    file: file.to_owned(),
                    reason: format!(
                        "a shared item of an unexpected kind cannot be put behind its \
                         features: {}",
                        quote!(#other)
                    ),
                })
            }
        };
        attrs.insert(0, attribute.clone());
    }
    Ok(parsed)
}
