//! Types shared between API versions.
//!
//! Adjacent versions differ in a handful of types. A user who enables two
//! versions while migrating should compile the rest once: a type whose
//! definition, and the definition of every type and constant it reaches, is
//! the same in several versions is generated once, in the shared module, and
//! each of those versions re-exports it under its usual path.
//!
//! "The same" is decided on the IR, with references compared by the name they
//! resolve to: two definitions are the same when they would emit the same
//! code. Sharing is a partition refinement: start from "same definition",
//! then split a class wherever a type it reaches is not shared by the same
//! versions, until nothing changes. The shared module holds one type per
//! name, so when one name is shared in two distinct ways (possible only with
//! four or more versions), the class with the most versions keeps the shared
//! slot and the others become per-version again. Each version's webhook
//! event union stays its own, since it names the version it decodes.

use std::collections::{BTreeMap, BTreeSet};

use super::{ConstId, Models, TypeDef, TypeId, TypeKind, TypeRef};

/// Which types and constants of which versions are generated once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The shared types, sorted by name.
    pub types: Vec<SharedType>,
    /// The shared string-constant markers, sorted by name.
    pub consts: Vec<SharedConst>,
    /// Per version (index into the models given to [`Sharing::of`]), per
    /// type: its index in [`Sharing::types`] when it is shared.
    type_homes: Vec<Vec<Option<usize>>>,
    /// Per version, per constant: its index in [`Sharing::consts`].
    const_homes: Vec<Vec<Option<usize>>>,
}

/// One type generated once for several versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedType {
    pub name: String,
    /// The versions that re-export it and its id in each: (version index,
    /// id), ascending by version; at least two.
    pub members: Vec<(usize, TypeId)>,
    /// Its module (file stem) in the newest of those versions, whose
    /// definition is the one generated (see [`SharedType::source`]).
    pub module: String,
}

impl SharedType {
    /// The newest version sharing the type and its id there: the
    /// definition that is generated.
    pub fn source(&self) -> (usize, TypeId) {
        *self.members.last().expect("a shared type has members")
    }
}

/// One string-constant marker generated once for several versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedConst {
    pub rust_name: String,
    pub value: String,
    /// The versions that re-export it (ascending; at least two).
    pub versions: Vec<usize>,
}

impl Sharing {
    /// No sharing: every version generates every type itself.
    pub fn none(versions: &[&Models]) -> Sharing {
        Sharing {
            types: Vec::new(),
            consts: Vec::new(),
            type_homes: versions.iter().map(|m| vec![None; m.types.len()]).collect(),
            const_homes: versions
                .iter()
                .map(|m| vec![None; m.consts.len()])
                .collect(),
        }
    }

    /// Decide what the versions (oldest first) share.
    pub fn of(versions: &[&Models]) -> Sharing {
        let mut sharing = Sharing::none(versions);
        if versions.len() < 2 {
            return sharing;
        }
        let consts = share_consts(versions);
        let definitions: Vec<Vec<String>> = versions
            .iter()
            .map(|models| {
                (0..models.types.len())
                    .map(|index| definition_key(models, TypeId(index)))
                    .collect()
            })
            .collect();
        // Classes: (name, definition) → versions, refined below. A type whose
        // constants are not shared cannot be either.
        let mut class_of: Vec<Vec<usize>> = Vec::new();
        let mut classes: Vec<Vec<(usize, TypeId)>> = Vec::new();
        let mut by_key: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (v, models) in versions.iter().enumerate() {
            let mut row = Vec::with_capacity(models.types.len());
            for (index, ty) in models.types.iter().enumerate() {
                let key = (ty.name.as_str(), definitions[v][index].as_str());
                let class = *by_key.entry(key).or_insert_with(|| {
                    classes.push(Vec::new());
                    classes.len() - 1
                });
                classes[class].push((v, TypeId(index)));
                row.push(class);
            }
            class_of.push(row);
        }
        let reaches: Vec<Vec<Vec<TypeId>>> = versions
            .iter()
            .map(|models| {
                (0..models.types.len())
                    .map(|index| direct_references(models.get(TypeId(index))))
                    .collect()
            })
            .collect();
        let consts_shared = |v: usize, ty: &TypeDef| {
            const_references(ty)
                .iter()
                .all(|c| consts.homes[v][c.0].is_some())
        };
        // Members whose constants are not shared leave their class, and so
        // does each version's webhook event union: it is that version's
        // `WebhookPayload`, which says which version it decodes (polar-api's
        // `VersionedPayload::API_VERSION`), so it must be a type of its own.
        for (v, models) in versions.iter().enumerate() {
            for (index, ty) in models.types.iter().enumerate() {
                if !consts_shared(v, ty) || models.webhook_event == Some(TypeId(index)) {
                    classes.push(Vec::new());
                    let class = classes.len() - 1;
                    move_member(&mut classes, &mut class_of, v, TypeId(index), class);
                }
            }
        }
        loop {
            let mut changed = refine(&mut classes, &mut class_of, &reaches);
            changed |= one_class_per_name(versions, &mut classes, &mut class_of);
            if !changed {
                break;
            }
        }
        let mut shared: Vec<(String, Vec<(usize, TypeId)>)> = classes
            .into_iter()
            .filter(|members| members.len() >= 2)
            .map(|mut members| {
                members.sort();
                let (v, id) = members[0];
                (versions[v].get(id).name.clone(), members)
            })
            .collect();
        shared.sort_by(|a, b| a.0.cmp(&b.0));
        for (index, (name, members)) in shared.into_iter().enumerate() {
            for &(v, id) in &members {
                sharing.type_homes[v][id.0] = Some(index);
            }
            let &(source, id) = members.last().expect("two members");
            sharing.types.push(SharedType {
                name,
                module: versions[source].get(id).module.clone(),
                members,
            });
        }
        sharing.consts = consts.shared;
        sharing.const_homes = consts.homes;
        sharing
    }

    /// Where the type `id` of version `version` is generated: its index in
    /// [`Sharing::types`], or `None` when the version generates it itself.
    pub fn type_home(&self, version: usize, id: TypeId) -> Option<usize> {
        self.type_homes
            .get(version)
            .and_then(|row| row.get(id.0).copied().flatten())
    }

    /// Where the constant `id` of version `version` is generated.
    pub fn const_home(&self, version: usize, id: ConstId) -> Option<usize> {
        self.const_homes
            .get(version)
            .and_then(|row| row.get(id.0).copied().flatten())
    }

    /// How many of `version`'s types are shared.
    pub fn shared_count(&self, version: usize) -> usize {
        self.type_homes
            .get(version)
            .map_or(0, |row| row.iter().flatten().count())
    }
}

struct SharedConsts {
    shared: Vec<SharedConst>,
    homes: Vec<Vec<Option<usize>>>,
}

/// A marker is shared when every version that has its name gives it the
/// same value (then the versions having it share one type), and at least
/// two versions have it.
fn share_consts(versions: &[&Models]) -> SharedConsts {
    let mut by_name: BTreeMap<&str, (BTreeSet<&str>, Vec<usize>)> = BTreeMap::new();
    for (v, models) in versions.iter().enumerate() {
        for marker in &models.consts {
            let entry = by_name.entry(&marker.rust_name).or_default();
            entry.0.insert(&marker.value);
            entry.1.push(v);
        }
    }
    let mut shared = Vec::new();
    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, (values, users)) in &by_name {
        if values.len() == 1 && users.len() >= 2 {
            index_of.insert(name, shared.len());
            shared.push(SharedConst {
                rust_name: (*name).to_owned(),
                value: (*values.iter().next().expect("one value")).to_owned(),
                versions: users.clone(),
            });
        }
    }
    let homes = versions
        .iter()
        .map(|models| {
            models
                .consts
                .iter()
                .map(|marker| index_of.get(marker.rust_name.as_str()).copied())
                .collect()
        })
        .collect();
    SharedConsts { shared, homes }
}

fn move_member(
    classes: &mut [Vec<(usize, TypeId)>],
    class_of: &mut [Vec<usize>],
    v: usize,
    id: TypeId,
    to: usize,
) {
    let from = class_of[v][id.0];
    classes[from].retain(|member| *member != (v, id));
    classes[to].push((v, id));
    class_of[v][id.0] = to;
}

/// Split every class whose members reach types of different classes.
/// Returns whether anything moved.
fn refine(
    classes: &mut Vec<Vec<(usize, TypeId)>>,
    class_of: &mut [Vec<usize>],
    reaches: &[Vec<Vec<TypeId>>],
) -> bool {
    let mut changed = false;
    for class in 0..classes.len() {
        if classes[class].len() < 2 {
            continue;
        }
        // Members grouped by the classes of what they reach (in order).
        let mut groups: BTreeMap<Vec<usize>, Vec<(usize, TypeId)>> = BTreeMap::new();
        for &(v, id) in &classes[class] {
            let signature = reaches[v][id.0]
                .iter()
                .map(|target| class_of[v][target.0])
                .collect();
            groups.entry(signature).or_default().push((v, id));
        }
        if groups.len() < 2 {
            continue;
        }
        changed = true;
        // The first group stays; the others get new classes.
        for members in groups.into_values().skip(1) {
            classes.push(Vec::new());
            let to = classes.len() - 1;
            for (v, id) in members {
                move_member(classes, class_of, v, id, to);
            }
        }
    }
    changed
}

/// One shared definition per name: when several classes of two or more
/// members have the same name, the largest (then the one with the newest
/// version) keeps it and the others split into single members.
fn one_class_per_name(
    versions: &[&Models],
    classes: &mut Vec<Vec<(usize, TypeId)>>,
    class_of: &mut [Vec<usize>],
) -> bool {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, members) in classes.iter().enumerate() {
        if let Some(&(v, id)) = members.first() {
            if members.len() >= 2 {
                by_name
                    .entry(versions[v].get(id).name.as_str())
                    .or_default()
                    .push(index);
            }
        }
    }
    let mut losers = Vec::new();
    for (_, mut candidates) in by_name {
        if candidates.len() < 2 {
            continue;
        }
        candidates.sort_by_key(|&c| {
            let newest = classes[c].iter().map(|(v, _)| *v).max();
            std::cmp::Reverse((classes[c].len(), newest))
        });
        losers.extend(candidates.into_iter().skip(1));
    }
    let changed = !losers.is_empty();
    for class in losers {
        let members = classes[class].clone();
        for (v, id) in members.into_iter().skip(1) {
            classes.push(Vec::new());
            let to = classes.len() - 1;
            move_member(classes, class_of, v, id, to);
        }
    }
    changed
}

/// The named types a definition mentions (each once, in order).
fn direct_references(ty: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    for reference in type_refs(ty) {
        reference.named(&mut out);
    }
    let mut seen = BTreeSet::new();
    out.retain(|id| seen.insert(*id));
    out
}

fn const_references(ty: &TypeDef) -> Vec<ConstId> {
    fn walk(reference: &TypeRef, out: &mut Vec<ConstId>) {
        match reference {
            TypeRef::Const(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Nullable(inner) => walk(inner, out),
            TypeRef::Map { value, .. } => walk(value, out),
            TypeRef::Tuple(items) => items.iter().for_each(|item| walk(item, out)),
            TypeRef::Page { item, .. } => walk(item, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for reference in type_refs(ty) {
        walk(reference, &mut out);
    }
    out
}

/// Every [`TypeRef`] written in a definition.
fn type_refs(ty: &TypeDef) -> Vec<&TypeRef> {
    match &ty.kind {
        TypeKind::Struct(structure) => structure
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(&structure.additional)
            .collect(),
        TypeKind::Union(union) => union.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(target) => vec![target],
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// The definition as text, with references written as the names they
/// resolve to, and the facts stored beside the type that its generated
/// code depends on (its page position, a union's accessors and
/// constructors). The module it lives in is left
/// out: it only decides the file.
fn definition_key(models: &Models, id: TypeId) -> String {
    let mut ty = models.get(id).clone();
    ty.module.clear();
    // Ids are per version: each reference is replaced by `()` in the
    // definition and written out by name beside it.
    let mut references = Vec::new();
    let mut take = |reference: &mut TypeRef| {
        references.push(reference_text(models, reference));
        *reference = TypeRef::Unit;
    };
    match &mut ty.kind {
        TypeKind::Struct(structure) => {
            structure.fields.iter_mut().for_each(|f| take(&mut f.ty));
            if let Some(additional) = &mut structure.additional {
                take(additional);
            }
        }
        TypeKind::Union(union) => union.variants.iter_mut().for_each(|v| {
            take(&mut v.ty);
            // Where a member is written is not what it is.
            v.source.clear();
        }),
        TypeKind::Alias(target) => take(target),
        TypeKind::Enum(_) => {}
    }
    let position = models
        .page_positions
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, position)| position);
    let methods = models.union_methods.get(&id).map(|methods| {
        let accessors: Vec<String> = methods
            .accessors
            .iter()
            .map(|a| {
                let mut a = a.clone();
                let ty = reference_text(models, &a.ty);
                a.ty = TypeRef::Unit;
                format!("{a:?} {ty}")
            })
            .collect();
        let constructors: Vec<String> = methods
            .constructors
            .iter()
            .map(|c| {
                let mut c = c.clone();
                let member = models.get(c.member).name.clone();
                c.member = TypeId(0);
                format!("{c:?} {member}")
            })
            .collect();
        (accessors, constructors)
    });
    format!("{ty:?} {references:?} {position:?} {methods:?}")
}

/// A reference as text naming what it points to: a type by its name, a
/// constant by its name and value.
fn reference_text(models: &Models, reference: &TypeRef) -> String {
    match reference {
        TypeRef::Named(id) => format!("type {}", models.get(*id).name),
        TypeRef::Const(id) => {
            let marker = &models.consts[id.0];
            format!("const {} = {:?}", marker.rust_name, marker.value)
        }
        TypeRef::Vec(inner) => format!("Vec<{}>", reference_text(models, inner)),
        TypeRef::Nullable(inner) => format!("Nullable<{}>", reference_text(models, inner)),
        TypeRef::Map { key, value } => {
            let key = match key {
                super::MapKey::Enum(id) => format!("type {}", models.get(*id).name),
                other => format!("{other:?}"),
            };
            format!("Map<{key}, {}>", reference_text(models, value))
        }
        TypeRef::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|i| reference_text(models, i)).collect();
            format!("({})", items.join(", "))
        }
        TypeRef::Page { item, pagination } => format!(
            "Page<{}, type {}>",
            reference_text(models, item),
            models.get(*pagination).name
        ),
        other => format!("{other:?}"),
    }
}
