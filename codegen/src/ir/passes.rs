//! Passes over the whole lowered models, once every type is known: which
//! structs are the `pagination` of a page and how each says that another
//! page follows, and what decoding does with a required property the
//! server left out (the drift policy).

use std::collections::BTreeSet;

use super::{Models, OnMissing, Origin, PagePosition, Presence, TypeId, TypeKind, TypeRef};
use crate::Error;

/// Every struct used as the `pagination` of a `Page`, with the field that
/// says whether a page follows. A pagination object with neither a required
/// integer `max_page` nor a required boolean `has_next_page` cannot be walked,
/// so generation fails naming it.
pub(super) fn page_positions(models: &Models) -> Result<Vec<(TypeId, PagePosition)>, Error> {
    let mut used = BTreeSet::new();
    let mut note = |ty: &TypeRef| {
        let mut stack = vec![ty];
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Page { item, pagination } => {
                    used.insert(*pagination);
                    stack.push(item);
                }
                TypeRef::Vec(inner) | TypeRef::Nullable(inner) => stack.push(inner),
                TypeRef::Map { value, .. } => stack.push(value),
                TypeRef::Tuple(items) => stack.extend(items),
                _ => {}
            }
        }
    };
    for ty in &models.types {
        match &ty.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| note(&f.ty));
                s.additional.iter().for_each(&mut note);
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| note(&v.ty)),
            TypeKind::Alias(target) => note(target),
            TypeKind::Enum(_) => {}
        }
    }
    used.into_iter()
        .map(|id| {
            let ty = models.get(id);
            let TypeKind::Struct(s) = &ty.kind else {
                return Err(Error::unsupported(
                    format!("schema `{}`", ty.name),
                    "used as the `pagination` of a list but is not an object",
                ));
            };
            let required = |name: &str, want: &TypeRef| {
                s.fields
                    .iter()
                    .find(|f| f.wire_name == name && f.presence == Presence::Required && &f.ty == want)
                    .map(|f| f.rust_name.clone())
            };
            if let Some(field) = required("max_page", &TypeRef::Integer) {
                Ok((id, PagePosition::MaxPage { field }))
            } else if let Some(field) = required("has_next_page", &TypeRef::Boolean) {
                Ok((id, PagePosition::HasNextPage { field }))
            } else {
                Err(Error::unsupported(
                    format!("schema `{}`", ty.name),
                    "used as the `pagination` of a list, but has neither a required integer \
                     `max_page` nor a required boolean `has_next_page` to tell whether a page follows",
                ))
            }
        })
        .collect()
}

/// The drift policy for required properties: one the server left out decodes
/// to the type's empty value when the type has a true one (`[]`, `{}`,
/// `false`, the expected constant), a string enum to `Unknown("")`; anything
/// else fails to decode, naming the field.
pub(super) fn apply_drift_policy(models: &mut Models) {
    let policies: Vec<Vec<OnMissing>> = models
        .types
        .iter()
        .map(|ty| match &ty.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| {
                    if f.is_fixed() {
                        // The constant (`()` for `type: null`).
                        OnMissing::Default
                    } else {
                        required_on_missing(models, &f.ty)
                    }
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (ty, policies) in models.types.iter_mut().zip(policies) {
        if let TypeKind::Struct(s) = &mut ty.kind {
            for (field, policy) in s.fields.iter_mut().zip(policies) {
                if field.presence == Presence::Required {
                    field.on_missing = policy;
                }
            }
        }
    }
}

fn required_on_missing(models: &Models, ty: &TypeRef) -> OnMissing {
    if has_true_empty_value(models, ty) {
        return OnMissing::Default;
    }
    let mut target = ty;
    while let TypeRef::Named(id) = target {
        match &models.get(*id).kind {
            TypeKind::Alias(inner) => target = inner,
            TypeKind::Enum(_) => return OnMissing::UnknownEnum,
            _ => break,
        }
    }
    OnMissing::Error
}

fn has_true_empty_value(models: &Models, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Vec(_)
        | TypeRef::Map { .. }
        | TypeRef::Boolean
        | TypeRef::Const(_)
        | TypeRef::ConstBool(_) => true,
        TypeRef::Named(id) => match &models.get(*id).kind {
            TypeKind::Alias(target) => has_true_empty_value(models, target),
            _ => false,
        },
        _ => false,
    }
}

/// Refuse a type that is an alias of itself through aliases and
/// containers alone (`Item = {$ref: Item}`, `S = anyOf[S, null]`,
/// `A = array of B`, `B = A`): it names no type Rust can write (a type
/// alias cannot refer to itself), and every pass that sees through aliases
/// would go round it forever.
pub(super) fn refuse_alias_cycles(models: &Models) -> Result<(), Error> {
    for (index, start) in models.types.iter().enumerate() {
        let TypeKind::Alias(target) = &start.kind else {
            continue;
        };
        let mut seen = BTreeSet::new();
        let mut pending = vec![target];
        while let Some(ty) = pending.pop() {
            match ty {
                TypeRef::Named(id) if id.0 == index => {
                    let location = match &start.origin {
                        Origin::Component(name) => format!("#/components/schemas/{name}"),
                        Origin::Inline { pointer, .. } => pointer.clone(),
                        other => format!("{other:?}"),
                    };
                    return Err(Error::unsupported(
                        location,
                        format!(
                            "`{}` refers to itself through `$ref`s, `null` and lists or maps \
                             alone, so it names no type",
                            start.name
                        ),
                    ));
                }
                TypeRef::Named(id) => {
                    if let TypeKind::Alias(target) = &models.get(*id).kind {
                        if seen.insert(id.0) {
                            pending.push(target);
                        }
                    }
                }
                TypeRef::Vec(inner) | TypeRef::Nullable(inner) => pending.push(inner),
                TypeRef::Map { value, .. } => pending.push(value),
                TypeRef::Tuple(items) => pending.extend(items),
                _ => {}
            }
        }
    }
    Ok(())
}
