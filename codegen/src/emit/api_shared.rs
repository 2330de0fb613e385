//! Which operation groups several API versions generate alike, so that
//! `polar-api` compiles them once (the crate `polar-api-shared`), as
//! `polar-models` does with types ([`crate::ir::sharing`]).
//!
//! A group file names its version only through `super::models::*` (the
//! types) and sibling groups; the error bodies and the client accessors,
//! which differ per version, live in each version's own module. So a group
//! is shared by the versions whose generated group file is the same text
//! and for which every model type and sibling group it names is shared by
//! (at least) those versions. Comparing the generated text, rather than the
//! IR of the operations, keeps that rule exact: what is compiled once is
//! exactly what each version would have compiled.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::api::GroupFile;
use crate::ir::sharing::Sharing;
use crate::ir::Models;

/// One group generated once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedGroup {
    /// The file stem.
    pub module: String,
    pub feature: String,
    /// The versions sharing it (indices, ascending; at least two). The
    /// newest one's file is the one written.
    pub versions: Vec<usize>,
    /// Whether another shared group names its types (`super::Child`), so
    /// the shared root re-exports them.
    pub named_by_siblings: bool,
}

/// Decide which groups are shared, given every version's group files
/// (oldest first) and what the versions' types share.
pub fn share_groups(versions: &[(&Models, &[GroupFile])], sharing: &Sharing) -> Vec<SharedGroup> {
    // (module, text) → versions with that file.
    let mut classes: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut references: BTreeMap<(usize, String), (BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    let mut features: BTreeMap<String, String> = BTreeMap::new();
    for (v, (_, files)) in versions.iter().enumerate() {
        for file in *files {
            classes
                .entry((file.module.clone(), file.tokens.to_string()))
                .or_default()
                .push(v);
            references.insert((v, file.module.clone()), group_references(&file.tokens));
            features.insert(file.module.clone(), file.feature.clone());
        }
    }
    // Each module has at most one class of two or more versions per text;
    // keep the largest per module (ties: the one with the newest version).
    let mut candidates: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for ((module, _), members) in classes {
        if members.len() < 2 {
            continue;
        }
        let better = match candidates.get(&module) {
            Some(current) => (members.len(), members.last()) > (current.len(), current.last()),
            None => true,
        };
        if better {
            candidates.insert(module, members);
        }
    }
    // Sibling groups by type name → module, per version.
    let module_of_type = |v: usize, type_name: &str| {
        versions[v]
            .1
            .iter()
            .find(|file| crate::ir::names::module_name(type_name) == file.module)
            .map(|file| file.module.clone())
    };
    loop {
        let mut changed = false;
        let snapshot = candidates.clone();
        for (module, members) in candidates.iter_mut() {
            let ok = members.iter().all(|&v| {
                let (types, siblings) = &references[&(v, module.clone())];
                types
                    .iter()
                    .all(|name| type_shared_by(versions[v].0, sharing, v, name, members))
                    && siblings.iter().all(|sibling| {
                        module_of_type(v, sibling)
                            .and_then(|m| snapshot.get(&m))
                            .is_some_and(|shared| members.iter().all(|m| shared.contains(m)))
                    })
            });
            if !ok && !members.is_empty() {
                members.clear();
                changed = true;
            }
        }
        candidates.retain(|_, members| !members.is_empty());
        if !changed {
            break;
        }
    }
    let named: BTreeSet<String> = candidates
        .iter()
        .flat_map(|(module, members)| {
            references[&(members[0], module.clone())]
                .1
                .iter()
                .map(|sibling| crate::ir::names::module_name(sibling))
        })
        .collect();
    candidates
        .into_iter()
        .map(|(module, versions)| SharedGroup {
            feature: features[&module].clone(),
            named_by_siblings: named.contains(&module),
            module,
            versions,
        })
        .collect()
}

/// Whether the model name a group file uses in version `v` resolves, in
/// the shared models module, to a type shared by every version of
/// `members` (the runtime re-exports always do).
fn type_shared_by(
    models: &Models,
    sharing: &Sharing,
    v: usize,
    name: &str,
    members: &[usize],
) -> bool {
    if super::models::RUNTIME_REEXPORTS.contains(&name) {
        return true;
    }
    let Some(index) = models.types.iter().position(|ty| ty.name == name) else {
        return false;
    };
    let Some(home) = sharing.type_home(v, crate::ir::TypeId(index)) else {
        return false;
    };
    let sharers: Vec<usize> = sharing.types[home].members.iter().map(|m| m.0).collect();
    members.iter().all(|m| sharers.contains(m))
}

/// The operations root of `polar-api-shared`
/// (`polar-api/generated/shared/src/operations/mod.rs`): the shared groups, each compiled when its feature and any of its
/// versions' features are on (`versions`: every version, oldest first, as
/// [`share_groups`] was given). The version crates re-export the modules.
pub fn emit_shared_root(groups: &[SharedGroup], versions: &[&crate::ApiVersion]) -> TokenStream {
    let conditions: Vec<TokenStream> = groups
        .iter()
        .map(|group| {
            let feature = &group.feature;
            let versions = super::shared::features_condition(
                group.versions.iter().map(|&v| versions[v].feature()),
            );
            quote!(all(#versions, feature = #feature))
        })
        .collect();
    let items = groups.iter().zip(&conditions).map(|(group, condition)| {
        let module = format_ident!("{}", group.module);
        let reexport = group.named_by_siblings.then(|| {
            quote! {
                #[cfg(#condition)]
                pub use self::#module::*;
            }
        });
        quote! {
            #[cfg(#condition)]
            #[doc(hidden)]
            pub mod #module;
            #reexport
        }
    });
    let models_crate = format_ident!("{}", crate::layout::ModelCrate::Shared.rust_name());
    quote! {
        // The shared groups name their types through `crate::models`: the
        // types the same versions share. Only when a shared group is compiled.
        #[cfg(any(#(#conditions),*))]
        use ::#models_crate as models;
        #(#items)*
    }
}

/// The names a group file refers to outside itself: model types
/// (`super::models::Name`) and sibling groups (`super::Name`).
pub fn group_references(tokens: &TokenStream) -> (BTreeSet<String>, BTreeSet<String>) {
    use proc_macro2::TokenTree;
    fn walk(tokens: TokenStream, models: &mut BTreeSet<String>, siblings: &mut BTreeSet<String>) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let is_path_sep = |i: usize| {
            matches!((trees.get(i), trees.get(i + 1)),
                (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':')
        };
        let ident_at = |i: usize| match trees.get(i) {
            Some(TokenTree::Ident(ident)) => Some(ident.to_string()),
            _ => None,
        };
        for (i, tree) in trees.iter().enumerate() {
            if let TokenTree::Group(group) = tree {
                walk(group.stream(), models, siblings);
                continue;
            }
            if ident_at(i).as_deref() != Some("super") || !is_path_sep(i + 1) {
                continue;
            }
            match ident_at(i + 3) {
                Some(first) if first == "models" && is_path_sep(i + 4) => {
                    if let Some(name) = ident_at(i + 6) {
                        models.insert(name);
                    }
                }
                Some(first) => {
                    siblings.insert(first);
                }
                None => {}
            }
        }
    }
    let (mut models, mut siblings) = (BTreeSet::new(), BTreeSet::new());
    walk(tokens.clone(), &mut models, &mut siblings);
    (models, siblings)
}
