//! The methods a union gets beside its variants, decided here and emitted
//! as written (`emit::accessors`):
//!
//! - an **accessor** for each field every typed member has with the same
//!   Rust type (`grant.benefit_id()`), looking through members that are
//!   unions themselves; it lends the value (`Option<&T>`), and `None` says
//!   the value is `Unknown` (a member this SDK does not know, whose JSON it
//!   does not read) or, where some member may lack the field or hold
//!   `null`, that this one does;
//! - for a union of request bodies, a **constructor** per member built
//!   with `new(..)` (or `Default`), named by the one argument that sets
//!   it apart from the others (`CustomerSessionsCreateBody::
//!   external_customer_id(id)`), or else by its variant (`SubscriptionUpdate
//!   ::cancel(true)`).

use std::collections::BTreeMap;

use super::names::{field_name, unraw, Namespace};
use super::*;

/// What `union_methods` decided for one union.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnionMethods {
    pub accessors: Vec<Accessor>,
    pub constructors: Vec<UnionConstructor>,
}

/// `fn name(&self) -> Option<&T>` on a union.
#[derive(Debug, Clone, PartialEq)]
pub struct Accessor {
    /// The method's name: the members' field name (raw where a keyword).
    pub name: String,
    /// The JSON property it reads.
    pub wire_name: String,
    /// The field's type inside its presence wrapper.
    pub ty: TypeRef,
    /// How the value is lent.
    pub view: View,
    /// `Some` for every typed member: the field is required and not
    /// nullable in every member, and no member is a union (whose own
    /// `Unknown` would answer `None`).
    pub always: bool,
    /// How each variant reaches the field, in the union's variant order.
    pub members: Vec<MemberAccess>,
    pub doc: String,
}

/// The reference an [`Accessor`] returns, inside its `Option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `&T`.
    Ref,
    /// `&str`, for a `String`.
    Str,
    /// `&[T]`, for a `Vec<T>`.
    Slice,
    /// `&Nullable<T>`: the field is tri-state in every member (a type sent
    /// to the API), and the three states are the answer.
    Nullable,
}

/// How one variant's payload yields an accessor's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAccess {
    /// A field of the member struct: `optional` when it is an `Option`,
    /// `boxed` when it is a `Box`.
    Field { optional: bool, boxed: bool },
    /// The member is a union with an accessor of the same name.
    Union,
}

/// A constructor on a union of request bodies: `Self::Variant(Member::new(args))`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionConstructor {
    pub name: String,
    /// Index of the variant in the union.
    pub variant: usize,
    /// The member struct (aliases resolved).
    pub member: TypeId,
    /// `true`: the member has `new(..)`, whose arguments the constructor
    /// takes; `false`: it derives `Default` and takes nothing.
    pub with_new: bool,
    pub doc: String,
}

/// Method names an accessor or constructor never takes: they would hide a
/// trait method users call on the union (`clone`, `eq`, `from`, ...) or
/// one of the union's other inherent methods.
pub const RESERVED_METHODS: &[&str] = &[
    "as_str",
    "borrow",
    "clone",
    "clone_from",
    "cmp",
    "default",
    "deserialize",
    "eq",
    "event_type",
    "fmt",
    "from",
    "hash",
    "into",
    "ne",
    "new",
    "partial_cmp",
    "serialize",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
];

/// The accessors and constructors of every union that has any, by id.
pub(super) fn union_methods(models: &Models) -> BTreeMap<TypeId, UnionMethods> {
    let mut accessors = BTreeMap::new();
    for (index, ty) in models.types.iter().enumerate() {
        if matches!(ty.kind, TypeKind::Union(_)) {
            accessors_of(models, TypeId(index), &mut accessors, &mut Vec::new());
        }
    }
    let mut out = BTreeMap::new();
    for (id, accessors) in accessors {
        let TypeKind::Union(union) = &models.get(id).kind else {
            continue;
        };
        let constructors = constructors(models, union, &accessors);
        if !accessors.is_empty() || !constructors.is_empty() {
            out.insert(
                id,
                UnionMethods {
                    accessors,
                    constructors,
                },
            );
        }
    }
    out
}

/// One field a member offers to an accessor.
struct Offer<'m> {
    name: &'m str,
    wire_name: &'m str,
    ty: &'m TypeRef,
    tristate: bool,
    /// A value whenever this member is a known one: a required field, or
    /// an accessor that is `always` in a member union.
    always: bool,
    access: MemberAccess,
    doc: &'m str,
}

/// The accessors of union `id` (memoized; a union reached again while its
/// own are being decided, through a cycle of member unions, has none).
fn accessors_of(
    models: &Models,
    id: TypeId,
    memo: &mut BTreeMap<TypeId, Vec<Accessor>>,
    visiting: &mut Vec<TypeId>,
) -> Vec<Accessor> {
    if let Some(done) = memo.get(&id) {
        return done.clone();
    }
    if visiting.contains(&id) {
        return Vec::new();
    }
    let TypeKind::Union(union) = &models.get(id).kind else {
        return Vec::new();
    };
    visiting.push(id);
    let mut member_unions: BTreeMap<TypeId, Vec<Accessor>> = BTreeMap::new();
    let mut typed = true;
    for variant in &union.variants {
        match member_kind(models, &variant.ty) {
            Some(Member::Union(inner)) => {
                let found = accessors_of(models, inner, memo, visiting);
                member_unions.insert(inner, found);
            }
            Some(Member::Struct(_)) => {}
            None => typed = false,
        }
    }
    visiting.pop();
    let accessors = if typed && !union.variants.is_empty() {
        let offers: Vec<Vec<Offer<'_>>> = union
            .variants
            .iter()
            .map(|variant| match member_kind(models, &variant.ty) {
                Some(Member::Struct(structure)) => struct_offers(structure),
                Some(Member::Union(inner)) => union_offers(&member_unions[&inner]),
                None => Vec::new(),
            })
            .collect();
        shared_accessors(models, &offers)
    } else {
        Vec::new()
    };
    memo.insert(id, accessors.clone());
    accessors
}

enum Member<'m> {
    Struct(&'m Struct),
    Union(TypeId),
}

/// What a member is, aliases resolved; `None` for anything without fields.
fn member_kind<'m>(models: &'m Models, ty: &TypeRef) -> Option<Member<'m>> {
    let mut ty = ty;
    loop {
        let TypeRef::Named(id) = ty else {
            return None;
        };
        match &models.get(*id).kind {
            TypeKind::Alias(target) => ty = target,
            TypeKind::Struct(structure) => return Some(Member::Struct(structure)),
            TypeKind::Union(_) => return Some(Member::Union(*id)),
            TypeKind::Enum(_) => return None,
        }
    }
}

/// A struct's fields that can be accessors: not fixed by the spec (a
/// constant says nothing its variant does not), not a reserved name.
fn struct_offers(structure: &Struct) -> Vec<Offer<'_>> {
    structure
        .fields
        .iter()
        .filter(|field| {
            let constant = matches!(
                field.ty,
                TypeRef::Const(_) | TypeRef::ConstBool(_) | TypeRef::Unit
            ) || field.int_const.is_some();
            !constant && !RESERVED_METHODS.contains(&unraw(&field.rust_name))
        })
        .filter(|field| !(field.presence == Presence::Tristate && field.boxed))
        .map(|field| Offer {
            name: &field.rust_name,
            wire_name: &field.wire_name,
            ty: &field.ty,
            tristate: field.presence == Presence::Tristate,
            always: field.presence == Presence::Required,
            access: MemberAccess::Field {
                optional: matches!(
                    field.presence,
                    Presence::Optional | Presence::RequiredNullable
                ),
                boxed: field.boxed,
            },
            doc: &field.doc,
        })
        .collect()
}

fn union_offers(accessors: &[Accessor]) -> Vec<Offer<'_>> {
    accessors
        .iter()
        .map(|accessor| Offer {
            name: &accessor.name,
            wire_name: &accessor.wire_name,
            ty: &accessor.ty,
            tristate: accessor.view == View::Nullable,
            // Every member of the member union has it (its own `Unknown`
            // still answers `None`).
            always: accessor.always,
            access: MemberAccess::Union,
            doc: &accessor.doc,
        })
        .collect()
}

/// The first member's offers that every other member makes alike (same
/// name, same Rust type), in the first member's order.
fn shared_accessors(models: &Models, offers: &[Vec<Offer<'_>>]) -> Vec<Accessor> {
    let Some((first, others)) = offers.split_first() else {
        return Vec::new();
    };
    let mut accessors = Vec::new();
    for offer in first {
        let mut members = vec![offer];
        for other in others {
            match other.iter().find(|o| {
                o.name == offer.name
                    && o.tristate == offer.tristate
                    && same_type(models, o.ty, offer.ty)
            }) {
                Some(found) => members.push(found),
                None => break,
            }
        }
        if members.len() < offers.len() {
            continue;
        }
        let everywhere = members.iter().all(|m| m.always);
        let through_union = members.iter().any(|m| m.access == MemberAccess::Union);
        let view = if offer.tristate {
            View::Nullable
        } else {
            match offer.ty {
                TypeRef::String => View::Str,
                TypeRef::Vec(_) => View::Slice,
                _ => View::Ref,
            }
        };
        accessors.push(Accessor {
            name: offer.name.to_owned(),
            wire_name: offer.wire_name.to_owned(),
            ty: offer.ty.clone(),
            view,
            always: everywhere && !through_union,
            members: members.iter().map(|m| m.access).collect(),
            doc: accessor_doc(offer, everywhere, through_union),
        });
    }
    accessors
}

/// The accessor's doc: the field's first paragraph (as a member union's
/// accessor already wrote it, without its note), then what `None` means;
/// `everywhere`: every member, and every member of a member union, has
/// a value.
fn accessor_doc(offer: &Offer<'_>, everywhere: bool, through_union: bool) -> String {
    let summary = offer.doc.split("\n\n").next().unwrap_or_default();
    // A paragraph cut from a fenced block would leave the fence open.
    let summary = if summary.trim().is_empty() || summary.contains("```") {
        format!("The `{}` property.", offer.wire_name)
    } else {
        summary.to_owned()
    };
    let unknown = if through_union {
        "[`Unknown`](Self::Unknown), here or in a member union (its JSON is not read)"
    } else {
        "[`Unknown`](Self::Unknown) (its JSON is not read)"
    };
    let note = if offer.tristate {
        format!("Every member's own `Nullable`; `None` only for {unknown}.")
    } else if everywhere {
        format!("Every member has it: `None` only for {unknown}.")
    } else {
        format!("`None` when the member has no value, and for {unknown}.")
    };
    format!("{summary}\n\n{note}")
}

/// Whether two references name the same Rust type, aliases resolved (a
/// `metadata` map written with `MetadataValue` is one written with the
/// union it names).
fn same_type(models: &Models, a: &TypeRef, b: &TypeRef) -> bool {
    let resolve = |ty: &TypeRef| -> TypeRef {
        let mut ty = ty.clone();
        while let TypeRef::Named(id) = &ty {
            match &models.get(*id).kind {
                TypeKind::Alias(target) => ty = target.clone(),
                _ => break,
            }
        }
        ty
    };
    let (a, b) = (resolve(a), resolve(b));
    match (&a, &b) {
        (TypeRef::Vec(x), TypeRef::Vec(y)) | (TypeRef::Nullable(x), TypeRef::Nullable(y)) => {
            same_type(models, x, y)
        }
        (TypeRef::Map { key: k1, value: v1 }, TypeRef::Map { key: k2, value: v2 }) => {
            k1 == k2 && same_type(models, v1, v2)
        }
        (TypeRef::Tuple(x), TypeRef::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_type(models, x, y))
        }
        (
            TypeRef::Page {
                item: i1,
                pagination: p1,
            },
            TypeRef::Page {
                item: i2,
                pagination: p2,
            },
        ) => p1 == p2 && same_type(models, i1, i2),
        _ => a == b,
    }
}

/// The constructors of a union of request bodies: one per member that is
/// a struct sent to the API. Each is named by the one argument of its
/// member's `new` that no other member's `new` takes, when every member
/// has exactly one such argument (`customer_id(id)`,
/// `external_customer_id(id)`); otherwise every constructor is named by
/// its variant (`cancel(..)`, `resume()`), so the names of one union
/// follow one rule. A name taken by an accessor or [`RESERVED_METHODS`]
/// gets `new_` in front.
fn constructors(models: &Models, union: &Union, accessors: &[Accessor]) -> Vec<UnionConstructor> {
    let members: Vec<(usize, TypeId, &Struct)> = union
        .variants
        .iter()
        .enumerate()
        .filter_map(|(index, variant)| {
            let id = resolve_named(models, &variant.ty)?;
            match &models.get(id).kind {
                TypeKind::Struct(structure) if structure.input => Some((index, id, structure)),
                _ => None,
            }
        })
        .collect();
    if members.is_empty() {
        return Vec::new();
    }
    let arguments: Vec<Vec<&str>> = members
        .iter()
        .map(|(_, _, s)| {
            s.constructor_arguments()
                .map(|f| f.rust_name.as_str())
                .collect()
        })
        .collect();
    let distinguishing: Vec<Vec<&str>> = arguments
        .iter()
        .map(|args| {
            args.iter()
                .copied()
                .filter(|arg| !arguments.iter().all(|other| other.contains(arg)))
                .collect()
        })
        .collect();
    let mut taken = Namespace::new();
    for name in RESERVED_METHODS {
        taken.reserve(name);
    }
    for accessor in accessors {
        taken.reserve(&accessor.name);
    }
    let by_argument = members.len() >= 2
        && distinguishing.iter().all(|d| d.len() == 1)
        && distinguishing
            .iter()
            .enumerate()
            .all(|(i, d)| distinguishing[..i].iter().all(|e| e[0] != d[0]));
    let mut out = Vec::new();
    for ((index, id, structure), distinguishing) in members.iter().zip(&distinguishing) {
        let variant = &union.variants[*index];
        let wanted = if by_argument {
            distinguishing[0].to_owned()
        } else {
            field_name(&variant.rust_name)
        };
        let name = if taken.is_taken(&wanted) {
            taken.claim(&format!("new_{}", unraw(&wanted)))
        } else {
            taken.claim(&wanted)
        };
        let with_new = structure.has_constructor();
        let member_name = &models.get(*id).name;
        let how = if with_new {
            let args: Vec<String> = structure
                .constructor_arguments()
                .map(|f| format!("`{}`", unraw(&f.rust_name)))
                .collect();
            if args.is_empty() {
                format!("[`{member_name}::new`](super::{member_name}::new)()")
            } else {
                format!(
                    "[`{member_name}::new`](super::{member_name}::new) ({})",
                    args.join(", ")
                )
            }
        } else {
            format!("`{member_name}::default()`")
        };
        let doc = format!(
            "A [`{variant}`](Self::{variant}) built with {how}: every optional \
             property left out (build the member itself to set some).",
            variant = variant.rust_name,
        );
        out.push(UnionConstructor {
            name,
            variant: *index,
            member: *id,
            with_new,
            doc,
        });
    }
    out
}

/// Whether an operation argument (a body, a parameter) of this type takes
/// `impl Into<T>`: a union, so that any member converts
/// (`.create(CustomerSessionCustomerExternalIdCreate::new(id))`) without
/// `.into()`.
pub fn argument_takes_into(models: &Models, ty: &TypeRef) -> bool {
    resolve_named(models, ty).is_some_and(|id| matches!(models.get(id).kind, TypeKind::Union(_)))
}

/// The named type a reference stands for, aliases resolved.
fn resolve_named(models: &Models, ty: &TypeRef) -> Option<TypeId> {
    let mut ty = ty;
    loop {
        let TypeRef::Named(id) = ty else {
            return None;
        };
        match &models.get(*id).kind {
            TypeKind::Alias(target) => ty = target,
            _ => return Some(*id),
        }
    }
}
