//! Recursive types: a field or variant that leads back to its own type
//! without passing through a `Vec` or map would make an infinitely sized
//! type, so it is boxed.

use super::{Models, TypeId, TypeKind, TypeRef};

pub fn box_cycles(models: &mut Models) {
    let edges: Vec<Vec<TypeId>> = models
        .types
        .iter()
        .map(|ty| direct_targets(&ty.kind))
        .collect();
    for owner in 0..models.types.len() {
        let owner_id = TypeId(owner);
        match &mut models.types[owner].kind {
            TypeKind::Struct(structure) => {
                for field in &mut structure.fields {
                    field.boxed = leads_back(&field.ty, owner_id, &edges);
                }
            }
            TypeKind::Union(union) => {
                for variant in &mut union.variants {
                    variant.boxed = leads_back(&variant.ty, owner_id, &edges);
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) => {}
        }
    }
}

fn leads_back(ty: &TypeRef, owner: TypeId, edges: &[Vec<TypeId>]) -> bool {
    let mut start = Vec::new();
    direct(ty, &mut start);
    let mut seen = vec![false; edges.len()];
    let mut stack = start;
    while let Some(id) = stack.pop() {
        if id == owner {
            return true;
        }
        if !std::mem::replace(&mut seen[id.0], true) {
            stack.extend(edges[id.0].iter().copied());
        }
    }
    false
}

fn direct_targets(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct(structure) => {
            for field in &structure.fields {
                direct(&field.ty, &mut out);
            }
        }
        TypeKind::Union(union) => {
            for variant in &union.variants {
                direct(&variant.ty, &mut out);
            }
        }
        TypeKind::Alias(target) => direct(target, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// Named types held by value (not behind a heap-allocated container).
fn direct(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Nullable(inner) => direct(inner, out),
        TypeRef::Tuple(items) => items.iter().for_each(|item| direct(item, out)),
        TypeRef::Page { pagination, .. } => out.push(*pagination),
        _ => {}
    }
}
