//! Short public names for the value types of `metadata` maps.
//!
//! Polar's metadata values are inline unions of primitives, which lowering
//! names by their members (`StringOrIntegerOrNumberOrBoolean`, and for the
//! list filter `StringOrIntegerOrBooleanOrStringArrayOrIntegerArrayOrBooleanArray`).
//! Those names stay (they are shared by structure, and other properties use
//! the same unions), and each version's models module also gets an alias a
//! user can write:
//!
//! * [`METADATA_VALUE`] (`MetadataValue`): the value type of the `metadata`
//!   property of the types sent to the API (`CheckoutCreate`,
//!   `ProductCreate`, ..., and the event ingest's `EventMetadataInput`,
//!   whose unlisted properties are the metadata);
//! * [`METADATA_FILTER_VALUE`] (`MetadataFilterValue`): the value type of
//!   the `metadata` query parameter of the list operations
//!   (`?metadata[key]=value`), which also takes lists.
//!
//! What counts: a `metadata` property (or parameter) whose type, through
//! aliases and an outer `null`, is a map with `String` keys, or a struct
//! whose unlisted properties hold the values, and whose value type is a
//! union of primitives. A `metadata` that is a free-form object
//! (`additionalProperties: true`, values of any JSON: `SeatAssign`) or a
//! struct with listed properties only (the system events' metadata) has no
//! value type to name and is not counted. When the counted ones disagree,
//! generation fails naming the schemas of each value type, rather than
//! guessing which one the alias should mean. A document with none gets no
//! alias.

use std::collections::BTreeMap;

use super::names::Namespace;
use super::{Models, Origin, Struct, TypeDef, TypeId, TypeKind, TypeRef};
use crate::Error;

/// The alias of the value type of input models' `metadata`.
pub const METADATA_VALUE: &str = "MetadataValue";
/// The alias of the value type of the list operations' `metadata` filter.
pub const METADATA_FILTER_VALUE: &str = "MetadataFilterValue";

/// One alias to add: its name, docs and target.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortName {
    pub name: &'static str,
    pub doc: String,
    pub target: TypeId,
}

/// The aliases `models` gets (none, one or both), or an error naming the
/// schemas when the `metadata` fields of one kind disagree on the value
/// type.
pub fn short_names(models: &Models) -> Result<Vec<ShortName>, Error> {
    let mut inputs: Vec<(String, TypeId)> = Vec::new();
    for ty in &models.types {
        let TypeKind::Struct(structure) = &ty.kind else {
            continue;
        };
        if !structure.input {
            continue;
        }
        for field in structure
            .fields
            .iter()
            .filter(|f| f.wire_name == "metadata")
        {
            if let Some(value) = value_type(models, &field.ty) {
                inputs.push((owner_name(&ty.origin, &ty.name), value));
            }
        }
    }
    let mut filters: Vec<(String, TypeId)> = Vec::new();
    for op in &models.operations {
        for param in op.query_params.iter().filter(|p| p.wire_name == "metadata") {
            if let Some(value) = value_type(models, &param.ty) {
                filters.push((format!("operation {}", op.operation_id), value));
            }
        }
    }
    let mut out = Vec::new();
    if let Some(target) = agreed(
        models,
        "the `metadata` property of the types sent to the API",
        &inputs,
    )? {
        out.push(ShortName {
            name: METADATA_VALUE,
            doc: format!(
                "A value of the `metadata` map of the types sent to the API \
                 (`{}`): a string, an integer, a number or a boolean, as the \
                 union allows; build one with `.into()` (`\"gpt-4o\".into()`, \
                 `42.into()`, `true.into()`).",
                models.get(target).name
            ),
            target,
        });
    }
    if let Some(target) = agreed(
        models,
        "the `metadata` query parameter of the list operations",
        &filters,
    )? {
        out.push(ShortName {
            name: METADATA_FILTER_VALUE,
            doc: format!(
                "A value of the `metadata` filter of the list operations \
                 (`?metadata[key]=value`, `{}`): one value, or a list of them \
                 matched as any of; build one with `.into()` (`\"pro\".into()`, \
                 `42.into()`, `vec![\"a\".to_owned(), \"b\".to_owned()].into()`).",
                models.get(target).name
            ),
            target,
        });
    }
    Ok(out)
}

/// Add the aliases [`short_names`] asks for, in the module of the unions they
/// name. A schema that already has the name makes generation fail: an
/// alias that silently took another name would not be the documented one.
pub(super) fn add_short_names(
    models: &mut Models,
    type_names: &mut Namespace,
) -> Result<(), Error> {
    for alias in short_names(models)? {
        if type_names.is_taken(alias.name) {
            return Err(Error::unsupported(
                format!("type name `{}`", alias.name),
                "a schema already has the name the metadata value alias takes",
            ));
        }
        type_names.reserve(alias.name);
        let module = models.get(alias.target).module.clone();
        models.types.push(TypeDef {
            name: alias.name.to_owned(),
            origin: Origin::ShortName,
            doc: alias.doc,
            module,
            kind: TypeKind::Alias(TypeRef::Named(alias.target)),
        });
        // Signatures name the short name: struct fields (`metadata`, and
        // every other map of the same values), parameters and their
        // add-one-entry methods, bodies. The union keeps its structural
        // name for its own definition, union members and other aliases.
        let short = TypeId(models.types.len() - 1);
        for ty in &mut models.types {
            if let TypeKind::Struct(structure) = &mut ty.kind {
                for field in &mut structure.fields {
                    rename(&mut field.ty, alias.target, short);
                }
                if let Some(additional) = &mut structure.additional {
                    rename(additional, alias.target, short);
                }
            }
        }
        for op in &mut models.operations {
            for param in op.path_params.iter_mut().chain(op.query_params.iter_mut()) {
                rename(&mut param.ty, alias.target, short);
                if let Some(entry) = &mut param.entry_value {
                    rename(entry, alias.target, short);
                }
            }
            if let Some(body) = &mut op.body {
                rename(&mut body.ty, alias.target, short);
            }
        }
    }
    Ok(())
}

/// Every mention of `from` in `ty` becomes `to`.
fn rename(ty: &mut TypeRef, from: TypeId, to: TypeId) {
    match ty {
        TypeRef::Named(id) if *id == from => *id = to,
        TypeRef::Vec(inner) | TypeRef::Nullable(inner) => rename(inner, from, to),
        TypeRef::Map { value, .. } => rename(value, from, to),
        TypeRef::Tuple(items) => items.iter_mut().for_each(|item| rename(item, from, to)),
        TypeRef::Page { item, .. } => rename(item, from, to),
        _ => {}
    }
}

/// The one value type all `found` agree on, `None` when there are none.
fn agreed(
    models: &Models,
    what: &str,
    found: &[(String, TypeId)],
) -> Result<Option<TypeId>, Error> {
    let mut by_type: BTreeMap<TypeId, Vec<&str>> = BTreeMap::new();
    for (owner, value) in found {
        by_type.entry(*value).or_default().push(owner);
    }
    match by_type.len() {
        0 => Ok(None),
        1 => Ok(by_type.into_keys().next()),
        _ => {
            let list: Vec<String> = by_type
                .iter()
                .map(|(id, owners)| format!("`{}` in {}", models.get(*id).name, owners.join(", ")))
                .collect();
            Err(Error::unsupported(
                what,
                format!(
                    "the metadata value types disagree, so no one short name fits: {}",
                    list.join("; ")
                ),
            ))
        }
    }
}

/// The value type of a metadata map: the primitive union its values are.
fn value_type(models: &Models, ty: &TypeRef) -> Option<TypeId> {
    let values = match resolve(models, ty) {
        TypeRef::Map { value, .. } => value.as_ref(),
        TypeRef::Named(id) => match &models.get(*id).kind {
            TypeKind::Struct(Struct {
                additional: Some(values),
                ..
            }) => values,
            _ => return None,
        },
        _ => return None,
    };
    match resolve(models, values) {
        TypeRef::Named(id) if models.get(*id).origin == Origin::PrimitiveUnion => Some(*id),
        _ => None,
    }
}

/// `ty` through aliases and an outer `null`.
fn resolve<'m>(models: &'m Models, ty: &'m TypeRef) -> &'m TypeRef {
    match ty {
        TypeRef::Nullable(inner) => resolve(models, inner),
        TypeRef::Named(id) => match &models.get(*id).kind {
            TypeKind::Alias(target) => resolve(models, target),
            _ => ty,
        },
        _ => ty,
    }
}

fn owner_name(origin: &Origin, rust_name: &str) -> String {
    match origin {
        Origin::Component(name) => format!("`{name}`"),
        Origin::Inline { parent, .. } => format!("`{rust_name}` (inline in `{parent}`)"),
        _ => format!("`{rust_name}`"),
    }
}
