//! Walking two lowered specs side by side and listing what differs.
//!
//! Types are shown as [`short_type`] renders them, so "the type changed"
//! means "the Rust type a user writes changed": a field pointing at a
//! renamed type is retyped; a type whose contents changed but whose name did
//! not is reported on the type itself, not on every field that uses it.

use std::collections::{BTreeMap, BTreeSet};

use super::classify::{classify, Facts};
use super::{Entry, Kind};
use crate::ir::{
    Auth, Field, Models, Operation, Origin, Param, Presence, ResponseKind, Struct, TypeDef, TypeId,
    TypeKind,
};
use crate::surface::{receiver, short_type, union_method_lines};

/// Every difference, unsorted.
pub(super) fn compare(old: &Models, new: &Models) -> Vec<Entry> {
    let mut walk = Walk {
        old,
        new,
        entries: Vec::new(),
    };
    walk.types();
    walk.operations();
    walk.webhooks();
    walk.entries
}

struct Walk<'m> {
    old: &'m Models,
    new: &'m Models,
    entries: Vec<Entry>,
}

/// What a change is about, before classification.
struct Change {
    kind: Kind,
    item: String,
    old: Option<String>,
    new: Option<String>,
    note: Option<String>,
    facts: Facts,
}

impl Change {
    fn new(kind: Kind, item: impl Into<String>) -> Self {
        Change {
            kind,
            item: item.into(),
            old: None,
            new: None,
            note: None,
            facts: Facts::default(),
        }
    }

    fn old(mut self, value: impl Into<String>) -> Self {
        self.old = Some(value.into());
        self
    }

    fn new_value(mut self, value: impl Into<String>) -> Self {
        self.new = Some(value.into());
        self
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    fn facts(mut self, facts: Facts) -> Self {
        self.facts = facts;
        self
    }
}

impl<'m> Walk<'m> {
    fn push(&mut self, change: Change) {
        self.entries.push(Entry {
            class: classify(change.kind, &change.facts),
            kind: change.kind,
            item: change.item,
            old: change.old,
            new: change.new,
            note: change.note,
        });
    }

    // ----- types -------------------------------------------------------

    /// Pair the types of both versions: components by spec name, then
    /// everything left (inline types, shared enums, primitive unions, and
    /// components that appeared or disappeared) by Rust name, so that an
    /// inline type that became a component of the same name is not reported
    /// as removed and added. The webhook union is compared in
    /// [`Walk::webhooks`].
    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let components = |models: &'m Models| -> BTreeMap<&'m str, TypeId> {
            models
                .types
                .iter()
                .enumerate()
                .filter_map(|(index, ty)| match &ty.origin {
                    Origin::Component(name) => Some((name.as_str(), TypeId(index))),
                    _ => None,
                })
                .collect()
        };
        let old_components = components(old);
        let new_components = components(new);

        let mut pairs: Vec<(TypeId, TypeId)> = Vec::new();
        let mut matched_old = BTreeSet::new();
        let mut matched_new = BTreeSet::new();
        for (name, old_id) in &old_components {
            if let Some(new_id) = new_components.get(name) {
                pairs.push((*old_id, *new_id));
                matched_old.insert(*old_id);
                matched_new.insert(*new_id);
            }
        }
        let by_rust_name = |models: &'m Models, matched: &BTreeSet<TypeId>| {
            models
                .types
                .iter()
                .enumerate()
                .map(|(index, ty)| (TypeId(index), ty))
                .filter(|(id, ty)| ty.origin != Origin::WebhookEvents && !matched.contains(id))
                .map(|(id, ty)| (ty.name.as_str(), id))
                .collect::<BTreeMap<&'m str, TypeId>>()
        };
        let old_rest = by_rust_name(old, &matched_old);
        let mut new_rest = by_rust_name(new, &matched_new);
        for (name, old_id) in old_rest {
            match new_rest.remove(name) {
                Some(new_id) => pairs.push((old_id, new_id)),
                None => {
                    let ty = old.get(old_id);
                    let change = Change::new(Kind::SchemaRemoved, &ty.name)
                        .old(kind_summary(old, ty))
                        .note_opt(origin_note(ty));
                    self.push(change);
                }
            }
        }
        for new_id in new_rest.into_values() {
            let ty = new.get(new_id);
            let change = Change::new(Kind::SchemaAdded, &ty.name)
                .new_value(kind_summary(new, ty))
                .note_opt(origin_note(ty));
            self.push(change);
        }
        for (old_id, new_id) in pairs {
            self.type_pair(old_id, new_id);
        }
    }

    fn type_pair(&mut self, old_id: TypeId, new_id: TypeId) {
        let (old_ty, new_ty) = (self.old.get(old_id), self.new.get(new_id));
        if old_ty.name != new_ty.name {
            let change = Change::new(Kind::SchemaRenamed, &old_ty.name)
                .old(&old_ty.name)
                .new_value(&new_ty.name)
                .note_opt(origin_note(new_ty));
            self.push(change);
        }
        let item = new_ty.name.as_str();
        match (&old_ty.kind, &new_ty.kind) {
            (TypeKind::Struct(old_struct), TypeKind::Struct(new_struct)) => {
                self.structs(item, old_struct, new_struct)
            }
            (TypeKind::Enum(old_enum), TypeKind::Enum(new_enum)) => {
                let old_values: BTreeSet<&str> = old_enum
                    .variants
                    .iter()
                    .map(|v| v.wire_value.as_str())
                    .collect();
                let new_values: BTreeSet<&str> = new_enum
                    .variants
                    .iter()
                    .map(|v| v.wire_value.as_str())
                    .collect();
                for value in old_values.difference(&new_values) {
                    self.push(Change::new(Kind::EnumValueRemoved, item).old(format!("{value:?}")));
                }
                for value in new_values.difference(&old_values) {
                    self.push(
                        Change::new(Kind::EnumValueAdded, item).new_value(format!("{value:?}")),
                    );
                }
            }
            (TypeKind::Union(old_union), TypeKind::Union(new_union)) => {
                let variants = |models: &Models, union: &crate::ir::Union| {
                    union
                        .variants
                        .iter()
                        .map(|v| (v.rust_name.clone(), short_type(models, &v.ty, v.boxed)))
                        .collect::<BTreeMap<String, String>>()
                };
                let old_variants = variants(self.old, old_union);
                let new_variants = variants(self.new, new_union);
                self.keyed(
                    &old_variants,
                    &new_variants,
                    |name, ty| {
                        Change::new(Kind::UnionVariantRemoved, item).old(format!("{name}({ty})"))
                    },
                    |name, ty| {
                        Change::new(Kind::UnionVariantAdded, item)
                            .new_value(format!("{name}({ty})"))
                    },
                    |name, old_ty, new_ty| {
                        (old_ty != new_ty).then(|| {
                            Change::new(Kind::UnionVariantRetyped, item)
                                .old(format!("{name}({old_ty})"))
                                .new_value(format!("{name}({new_ty})"))
                        })
                    },
                );
                let methods = |models: &Models, id: TypeId, union: &crate::ir::Union| {
                    union_method_lines(models, id, union)
                        .into_iter()
                        .collect::<BTreeMap<String, String>>()
                };
                let old_methods = methods(self.old, old_id, old_union);
                let new_methods = methods(self.new, new_id, new_union);
                self.keyed(
                    &old_methods,
                    &new_methods,
                    |_, line| Change::new(Kind::UnionMethodRemoved, item).old(line),
                    |_, line| Change::new(Kind::UnionMethodAdded, item).new_value(line),
                    |_, old_line, new_line| {
                        (old_line != new_line).then(|| {
                            Change::new(Kind::UnionMethodRetyped, item)
                                .old(old_line)
                                .new_value(new_line)
                        })
                    },
                );
            }
            (TypeKind::Alias(old_target), TypeKind::Alias(new_target)) => {
                let old_target = short_type(self.old, old_target, false);
                let new_target = short_type(self.new, new_target, false);
                if old_target != new_target {
                    let change = Change::new(Kind::AliasRetyped, item)
                        .old(old_target)
                        .new_value(new_target);
                    self.push(change);
                }
            }
            _ => {
                let change = Change::new(Kind::SchemaKindChanged, item)
                    .old(kind_summary(self.old, old_ty))
                    .new_value(kind_summary(self.new, new_ty));
                self.push(change);
            }
        }
    }

    /// Push the changes for every key only one side has, and those `both`
    /// finds for keys both sides have.
    fn keyed<V: PartialEq>(
        &mut self,
        old: &BTreeMap<String, V>,
        new: &BTreeMap<String, V>,
        removed: impl Fn(&str, &V) -> Change,
        added: impl Fn(&str, &V) -> Change,
        both: impl Fn(&str, &V, &V) -> Option<Change>,
    ) {
        for (key, old_value) in old {
            match new.get(key) {
                None => self.push(removed(key, old_value)),
                Some(new_value) => {
                    if let Some(change) = both(key, old_value, new_value) {
                        self.push(change);
                    }
                }
            }
        }
        for (key, new_value) in new {
            if !old.contains_key(key) {
                self.push(added(key, new_value));
            }
        }
    }

    fn structs(&mut self, item: &str, old: &Struct, new: &Struct) {
        if old.input != new.input {
            let lost_constructor = old.has_constructor() && !new.has_constructor();
            let change = if new.input {
                Change::new(Kind::SchemaBecameInput, item)
                    .note("now sent to the API (a request body reaches it)")
            } else {
                Change::new(Kind::SchemaNoLongerInput, item).note(if lost_constructor {
                    "no longer sent to the API; `new()` is gone"
                } else {
                    "no longer sent to the API"
                })
            };
            self.push(change.facts(Facts {
                lost_constructor,
                ..Facts::default()
            }));
        }
        if old.derives_default() && !new.derives_default() {
            let required: Vec<String> = new
                .fields
                .iter()
                .filter(|f| {
                    matches!(f.presence, Presence::Required | Presence::RequiredNullable)
                        && !f.is_fixed()
                })
                .map(|f| display_field(f).to_owned())
                .collect();
            let change = Change::new(Kind::SchemaLostDefault, item).note(format!(
                "no longer derives Default: required {}",
                required.join(", ")
            ));
            self.push(change);
        }

        let old_args: BTreeSet<&str> = old
            .constructor_arguments()
            .map(|f| f.wire_name.as_str())
            .collect();
        let new_args: BTreeSet<&str> = new
            .constructor_arguments()
            .map(|f| f.wire_name.as_str())
            .collect();
        let old_fields: BTreeMap<&str, &Field> = old
            .fields
            .iter()
            .map(|f| (f.wire_name.as_str(), f))
            .collect();
        let new_fields: BTreeMap<&str, &Field> = new
            .fields
            .iter()
            .map(|f| (f.wire_name.as_str(), f))
            .collect();
        for (wire, field) in &old_fields {
            if !new_fields.contains_key(wire) {
                let change = Change::new(Kind::FieldRemoved, field_item(item, field))
                    .old(field_type(self.old, field));
                self.push(change);
            }
        }
        for (wire, field) in &new_fields {
            let Some(old_field) = old_fields.get(wire) else {
                let argument = new_args.contains(wire);
                let mut change = Change::new(Kind::FieldAdded, field_item(item, field))
                    .new_value(field_type(self.new, field));
                if argument {
                    change = change.note("required in a type sent to the API: `new()` takes it");
                }
                self.push(change.facts(Facts {
                    argument,
                    ..Facts::default()
                }));
                continue;
            };
            let arguments_changed = old_args.contains(wire) != new_args.contains(wire);
            self.field_pair(item, old_field, field, arguments_changed);
        }

        let additional = |models: &Models, s: &Struct| {
            s.additional
                .as_ref()
                .map(|values| format!("Map<{}>", short_type(models, values, false)))
        };
        let field = format!("{item}.{}", crate::ir::ADDITIONAL_PROPERTIES_FIELD);
        match (additional(self.old, old), additional(self.new, new)) {
            (Some(old_map), None) => self.push(Change::new(Kind::FieldRemoved, field).old(old_map)),
            (None, Some(new_map)) => {
                self.push(Change::new(Kind::FieldAdded, field).new_value(new_map))
            }
            (Some(old_map), Some(new_map)) if old_map != new_map => self.push(
                Change::new(Kind::FieldRetyped, field)
                    .old(old_map)
                    .new_value(new_map),
            ),
            _ => {}
        }
    }

    fn field_pair(&mut self, item: &str, old: &Field, new: &Field, arguments_changed: bool) {
        let item = field_item(item, new);
        let old_inner = short_type(self.old, &old.ty, old.boxed);
        let new_inner = short_type(self.new, &new.ty, new.boxed);
        let old_full = field_type(self.old, old);
        let new_full = field_type(self.new, new);
        let facts = Facts {
            signature_changed: old_full != new_full || arguments_changed,
            ..Facts::default()
        };
        let mut explained = false;
        let required =
            |f: &Field| matches!(f.presence, Presence::Required | Presence::RequiredNullable);
        if required(old) != required(new) {
            let kind = if required(new) {
                Kind::FieldBecameRequired
            } else {
                Kind::FieldBecameOptional
            };
            let change = Change::new(kind, &item)
                .old(&old_full)
                .new_value(&new_full)
                .note_opt(presence_note(&facts, arguments_changed, required(new)));
            self.push(change.facts(facts));
            explained = true;
        }
        if old.nullable != new.nullable {
            let kind = if new.nullable {
                Kind::FieldBecameNullable
            } else {
                Kind::FieldBecameNonNullable
            };
            let change = Change::new(kind, &item)
                .old(&old_full)
                .new_value(&new_full)
                .note_opt(presence_note(&facts, false, false));
            self.push(change.facts(facts));
            explained = true;
        }
        if old_inner != new_inner || (old_full != new_full && !explained) {
            let change = Change::new(Kind::FieldRetyped, &item)
                .old(old_full)
                .new_value(new_full);
            self.push(change);
        }
    }

    // ----- operations --------------------------------------------------

    fn operations(&mut self) {
        let by_id = |models: &'m Models| -> BTreeMap<&'m str, &'m Operation> {
            models
                .operations
                .iter()
                .map(|op| (op.operation_id.as_str(), op))
                .collect()
        };
        let old_ops = by_id(self.old);
        let new_ops = by_id(self.new);
        for (id, op) in &old_ops {
            if !new_ops.contains_key(id) {
                let change = Change::new(Kind::OperationRemoved, *id)
                    .old(call(self.old, op))
                    .note(format!("{} {}", op.http_method, op.path));
                self.push(change);
            }
        }
        for (id, op) in &new_ops {
            match old_ops.get(id) {
                None => {
                    let change = Change::new(Kind::OperationAdded, *id)
                        .new_value(call(self.new, op))
                        .note(format!("{} {}", op.http_method, op.path));
                    self.push(change);
                }
                Some(old_op) => self.operation_pair(old_op, op),
            }
        }
    }

    fn operation_pair(&mut self, old: &Operation, new: &Operation) {
        let item = new.operation_id.as_str();
        if old.http_method != new.http_method {
            let change = Change::new(Kind::OperationMethodChanged, item)
                .old(old.http_method)
                .new_value(new.http_method);
            self.push(change);
        }
        if old.path != new.path {
            let change = Change::new(Kind::OperationPathChanged, item)
                .old(&old.path)
                .new_value(&new.path);
            self.push(change);
        }
        if client_of(old.auth) != client_of(new.auth) {
            let change = Change::new(Kind::OperationClientChanged, item)
                .old(receiver(old))
                .new_value(receiver(new));
            self.push(change);
        }
        if !old.deprecated && new.deprecated {
            self.push(Change::new(Kind::OperationDeprecated, item));
        }
        self.parameters(item, old, new);
        self.body(item, old, new);

        let old_response = response(self.old, &old.success.kind);
        let new_response = response(self.new, &new.success.kind);
        if old_response != new_response {
            let change = Change::new(Kind::ResponseRetyped, item)
                .old(old_response)
                .new_value(new_response);
            self.push(change);
        }
        match (&old.pagination, &new.pagination) {
            (None, Some(_)) => self.push(Change::new(Kind::PaginationAdded, item)),
            (Some(_), None) => self.push(Change::new(Kind::PaginationRemoved, item)),
            _ => {}
        }

        let errors = |models: &Models, op: &Operation| {
            op.errors
                .iter()
                .map(|e| (e.status.to_string(), short_type(models, &e.ty, false)))
                .collect::<BTreeMap<String, String>>()
        };
        let old_errors = errors(self.old, old);
        let new_errors = errors(self.new, new);
        self.keyed(
            &old_errors,
            &new_errors,
            |status, ty| Change::new(Kind::ErrorStatusRemoved, item).old(format!("{status} {ty}")),
            |status, ty| {
                Change::new(Kind::ErrorStatusAdded, item).new_value(format!("{status} {ty}"))
            },
            |status, old_ty, new_ty| {
                (old_ty != new_ty).then(|| {
                    Change::new(Kind::ErrorRetyped, item)
                        .old(format!("{status} {old_ty}"))
                        .new_value(format!("{status} {new_ty}"))
                })
            },
        );
    }

    fn parameters(&mut self, item: &str, old: &Operation, new: &Operation) {
        let old_params = params_of(old);
        let new_params = params_of(new);
        for (key, (location, param)) in &old_params {
            if !new_params.contains_key(key) {
                let change = Change::new(Kind::ParameterRemoved, item)
                    .old(param_signature(self.old, param))
                    .note(format!("{location} parameter"));
                self.push(change);
            }
        }
        for (key, (location, param)) in &new_params {
            let Some((_, old_param)) = old_params.get(key) else {
                let argument = *location == "path" || param.required;
                let where_ = if argument {
                    format!("{location} parameter, a method argument")
                } else {
                    format!("{location} parameter, a builder method")
                };
                let change = Change::new(Kind::ParameterAdded, item)
                    .new_value(param_signature(self.new, param))
                    .note(where_);
                self.push(change.facts(Facts {
                    argument,
                    ..Facts::default()
                }));
                continue;
            };
            let old_item = short_type(self.old, &old_param.ty, false);
            let new_item = short_type(self.new, &param.ty, false);
            if old_item != new_item || old_param.many != param.many {
                let widened_to_many = old_item == new_item && !old_param.many && param.many;
                let change = Change::new(Kind::ParameterRetyped, item)
                    .old(param_signature(self.old, old_param))
                    .new_value(param_signature(self.new, param))
                    .note(format!("{location} parameter"));
                self.push(change.facts(Facts {
                    widened_to_many,
                    ..Facts::default()
                }));
            }
            if old_param.required != param.required {
                let kind = if param.required {
                    Kind::ParameterBecameRequired
                } else {
                    Kind::ParameterBecameOptional
                };
                let note = if param.required {
                    "now a method argument instead of a builder method"
                } else {
                    "now a builder method instead of a method argument"
                };
                let change = Change::new(kind, item)
                    .new_value(param_signature(self.new, param))
                    .note(note);
                self.push(change);
            }
        }
    }

    fn body(&mut self, item: &str, old: &Operation, new: &Operation) {
        let body_note = |required: bool| {
            if required {
                "required: a method argument"
            } else {
                "optional: `.body(..)`"
            }
        };
        match (&old.body, &new.body) {
            (None, None) => {}
            (Some(body), None) => {
                let change =
                    Change::new(Kind::BodyRemoved, item).old(short_type(self.old, &body.ty, false));
                self.push(change);
            }
            (None, Some(body)) => {
                let change = Change::new(Kind::BodyAdded, item)
                    .new_value(short_type(self.new, &body.ty, false))
                    .note(body_note(body.required));
                self.push(change.facts(Facts {
                    argument: body.required,
                    ..Facts::default()
                }));
            }
            (Some(old_body), Some(new_body)) => {
                let old_ty = short_type(self.old, &old_body.ty, false);
                let new_ty = short_type(self.new, &new_body.ty, false);
                if old_ty != new_ty {
                    let change = Change::new(Kind::BodyRetyped, item)
                        .old(old_ty)
                        .new_value(new_ty.clone());
                    self.push(change);
                }
                if old_body.required != new_body.required {
                    let kind = if new_body.required {
                        Kind::BodyBecameRequired
                    } else {
                        Kind::BodyBecameOptional
                    };
                    let change = Change::new(kind, item)
                        .new_value(new_ty)
                        .note(body_note(new_body.required));
                    self.push(change);
                }
            }
        }
    }

    // ----- webhooks ----------------------------------------------------

    fn webhooks(&mut self) {
        let events = |models: &Models| -> BTreeMap<String, String> {
            let Some(id) = models.webhook_event else {
                return BTreeMap::new();
            };
            let TypeKind::Union(union) = &models.get(id).kind else {
                return BTreeMap::new();
            };
            union
                .variants
                .iter()
                .flat_map(|v| {
                    let ty = short_type(models, &v.ty, v.boxed);
                    v.tags.iter().map(move |tag| (tag.clone(), ty.clone()))
                })
                .collect()
        };
        let old_events = events(self.old);
        let new_events = events(self.new);
        self.keyed(
            &old_events,
            &new_events,
            |event, ty| Change::new(Kind::WebhookEventRemoved, event).old(ty),
            |event, ty| Change::new(Kind::WebhookEventAdded, event).new_value(ty),
            |event, old_ty, new_ty| {
                (old_ty != new_ty).then(|| {
                    Change::new(Kind::WebhookEventRetyped, event)
                        .old(old_ty)
                        .new_value(new_ty)
                })
            },
        );
    }
}

impl Change {
    fn note_opt(self, note: Option<String>) -> Self {
        match note {
            Some(note) => self.note(note),
            None => self,
        }
    }
}

/// An operation's parameters by `"{location} {wire name}"`.
fn params_of(op: &Operation) -> BTreeMap<String, (&'static str, &Param)> {
    let path = op.path_params.iter().map(|p| ("path", p));
    let query = op.query_params.iter().map(|p| ("query", p));
    path.chain(query)
        .map(|(location, p)| (format!("{location} {}", p.wire_name), (location, p)))
        .collect()
}

/// `Customer.email`: the Rust type and field names (without `r#`).
fn field_item(type_name: &str, field: &Field) -> String {
    format!("{type_name}.{}", display_field(field))
}

fn display_field(field: &Field) -> &str {
    field
        .rust_name
        .strip_prefix("r#")
        .unwrap_or(&field.rust_name)
}

/// The field's Rust type as declared: `String`, `Option<String>`,
/// `Nullable<String>`.
fn field_type(models: &Models, field: &Field) -> String {
    let inner = short_type(models, &field.ty, field.boxed);
    match field.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::Tristate => format!("Nullable<{inner}>"),
    }
}

/// Why a presence change is or is not breaking, when the types shown do not
/// say it.
fn presence_note(facts: &Facts, arguments_changed: bool, now_required: bool) -> Option<String> {
    if !facts.signature_changed {
        Some("the Rust type is unchanged".to_owned())
    } else if arguments_changed && now_required {
        Some("`new()` now takes it".to_owned())
    } else if arguments_changed {
        Some("`new()` no longer takes it".to_owned())
    } else {
        None
    }
}

/// `struct`, `enum`, `union`, `type = Target`.
fn kind_summary(models: &Models, ty: &TypeDef) -> String {
    match &ty.kind {
        TypeKind::Struct(_) => "struct".to_owned(),
        TypeKind::Enum(_) => "enum".to_owned(),
        TypeKind::Union(_) => "union".to_owned(),
        TypeKind::Alias(target) => format!("type = {}", short_type(models, target, false)),
    }
}

/// Where a type comes from, when its Rust name does not say it.
fn origin_note(ty: &TypeDef) -> Option<String> {
    match &ty.origin {
        Origin::Component(name) if *name == ty.name => None,
        Origin::Component(name) => Some(format!("component schema `{name}`")),
        Origin::Inline { parent, .. } => Some(format!("inline, in {parent}")),
        Origin::SharedEnum { title } => Some(format!("inline enum titled `{title}`")),
        Origin::PrimitiveUnion => Some("union of primitive types".to_owned()),
        Origin::WebhookEvents => None,
        Origin::ShortName => Some("short name of a metadata value type".to_owned()),
    }
}

/// `client.products().list(id: Uuid)`: how the operation is called.
fn call(models: &Models, op: &Operation) -> String {
    let mut args: Vec<String> = op.arguments().map(|p| param_signature(models, p)).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(format!("body: {}", short_type(models, &body.ty, false)));
    }
    format!("{}.{}({})", receiver(op), op.method, args.join(", "))
}

/// `organization_id: OneOrMany<Uuid>`.
fn param_signature(models: &Models, param: &Param) -> String {
    let ty = short_type(models, &param.ty, false);
    let ty = if param.many {
        format!("OneOrMany<{ty}>")
    } else {
        ty
    };
    format!("{}: {ty}", param.rust_name)
}

fn response(models: &Models, kind: &ResponseKind) -> String {
    match kind {
        ResponseKind::Json(ty) => short_type(models, ty, false),
        ResponseKind::JsonOrPending(ty) => {
            format!("Option<{}> (None on 202)", short_type(models, ty, false))
        }
        ResponseKind::Empty => "()".to_owned(),
        ResponseKind::Csv => "String (text/csv)".to_owned(),
    }
}

/// Which client type offers an operation.
fn client_of(auth: Auth) -> &'static str {
    match auth {
        Auth::Organization | Auth::Public => "Client",
        Auth::Portal | Auth::PortalPublic => "CustomerPortalClient",
        Auth::PortalMember => "CustomerPortalClient<MemberSessionToken>",
    }
}
