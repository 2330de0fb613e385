//! Spec → [`Models`]: every component schema becomes one named type; schemas
//! written inline get names from where they stand (`{Parent}{Field}`).

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;
use serde_json::Value;

use super::cycles;
use super::docs::doc_text;
use super::enums::string_enum;
use super::maps::key_pattern_note;
use super::names::{field_name, module_name, type_name, Namespace};
use super::*;
use super::{metadata, passes, reach, secrets};
use crate::spec::{ref_name, AdditionalProperties, Schema, Spec};
use crate::Error;

/// Rust names the hand-written part of `polar-models` already uses at the
/// crate root; generated types never take them.
pub const RUNTIME_NAMES: &[&str] = &[
    "Page",
    "Nullable",
    "Const",
    "ConstValue",
    "Secret",
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "From",
    "Default",
    "Self",
];

/// The field holding properties an object does not list.
pub const ADDITIONAL_PROPERTIES_FIELD: &str = "additional_properties";

/// Module names a schema's module never takes: the file stems of the
/// generated modules that hold no single schema, and the names the types
/// module already uses or the generated code reaches by relative path (the
/// re-exported crates `chrono` and `uuid`, `__private`) or that would shadow
/// a crate or the standard library (`serde`, `std`, ...). A schema named
/// `Uuid` lives in `uuid2`.
pub const RESERVED_MODULES: &[&str] = &[
    "mod",
    "consts",
    "primitive_unions",
    "types",
    "chrono",
    "uuid",
    "__private",
    "serde",
    "serde_json",
    "std",
    "core",
    "alloc",
    "indexmap",
    "polar_models",
    "polar_models_core",
    "polar_models_shared",
];

/// Lower the component schemas and webhooks of `spec`.
pub fn lower(spec: &Spec) -> Result<Models, Error> {
    if !spec.openapi.starts_with("3.") {
        return Err(Error::unsupported(
            "the document",
            format!("OpenAPI version {} (expected 3.x)", spec.openapi),
        ));
    }
    let reachable = reach::reachable_components(spec);
    let unreachable = spec
        .components
        .schemas
        .keys()
        .filter(|name| !reachable.contains(name.as_str()))
        .cloned()
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    let mut lowering = Lowering::new(spec, &reachable)?;
    lowering.lower_components()?;
    let webhook_event = lowering.lower_webhooks()?;
    let operations = lowering.lower_operations()?;
    let Lowering {
        types,
        consts,
        component_count,
        mut type_names,
        ..
    } = lowering;
    let mut models = Models {
        types: types
            .into_iter()
            .map(|ty| ty.expect("every reserved id is filled"))
            .collect(),
        consts,
        webhook_event,
        component_count,
        unreachable,
        operations,
        page_positions: Vec::new(),
        union_methods: Default::default(),
    };
    passes::refuse_alias_cycles(&models)?;
    metadata::add_short_names(&mut models, &mut type_names)?;
    models.page_positions = passes::page_positions(&models)?;
    cycles::box_cycles(&mut models);
    passes::apply_drift_policy(&mut models);
    super::features::event_families(&mut models);
    models.union_methods = super::accessors::union_methods(&models);
    super::schema_docs::explain_undescribed(&mut models);
    Ok(models)
}

/// Where an inline schema stands, for naming and error messages.
#[derive(Clone)]
pub(super) struct Ctx {
    /// Spec name of the component the schema is written in.
    pub(super) parent: String,
    /// JSON pointer of the schema inside the document.
    pub(super) pointer: String,
    /// The Rust name an inline type here would get.
    pub(super) hint: String,
    /// Whether the enclosing component is sent to the API (request bodies).
    pub(super) input: bool,
}

impl Ctx {
    pub(super) fn child(&self, pointer: &str, hint: &str) -> Ctx {
        Ctx {
            parent: self.parent.clone(),
            pointer: format!("{}/{}", self.pointer, pointer),
            hint: hint.to_owned(),
            input: self.input,
        }
    }

    pub(super) fn error(&self, reason: impl Into<String>) -> Error {
        Error::unsupported(
            format!("schema `{}` at {}", self.parent, self.pointer),
            reason,
        )
    }
}

pub(super) struct Lowering<'a> {
    pub(super) spec: &'a Spec,
    /// The component schemas that are lowered (those an operation or a
    /// webhook reaches), in spec order. Lowering never looks at the others.
    pub(super) schemas: IndexMap<&'a str, &'a Schema>,
    pub(super) types: Vec<Option<TypeDef>>,
    pub(super) component_count: usize,
    pub(super) component_ids: HashMap<&'a str, TypeId>,
    pub(super) type_names: Namespace,
    pub(super) module_names: Namespace,
    pub(super) consts: Vec<ConstMarker>,
    pub(super) const_ids: HashMap<String, ConstId>,
    pub(super) const_names: Namespace,
    /// Inline enums by title: the single value list all of them share, or
    /// `None` when two disagree (then each is named by where it stands).
    pub(super) titled_enums: HashMap<String, Option<Vec<String>>>,
    pub(super) shared_enums: HashMap<String, TypeId>,
    pub(super) primitive_unions: HashMap<String, TypeId>,
    pub(super) input_components: BTreeSet<String>,
}

impl<'a> Lowering<'a> {
    fn new(spec: &'a Spec, reachable: &BTreeSet<&str>) -> Result<Self, Error> {
        let schemas: IndexMap<&'a str, &'a Schema> = spec
            .components
            .schemas
            .iter()
            .filter(|(name, _)| reachable.contains(name.as_str()))
            .map(|(name, schema)| (name.as_str(), schema))
            .collect();
        let mut type_names = Namespace::new();
        for name in RUNTIME_NAMES {
            type_names.reserve(name);
        }
        // Components claim names in a fixed order so a schema's Rust name does
        // not depend on where it appears in the document: first the schemas
        // whose spec name already is their Rust name, then the others, each
        // in sorted order. Adding `FOO_BAR` beside `FooBar` thus never
        // renames `FooBar` (the newcomer becomes `FooBar2`), so a spec refresh
        // renames no type that did not change.
        let mut sorted: Vec<&str> = schemas.keys().copied().collect();
        sorted.sort_unstable_by_key(|name| (type_name(name) != *name, *name));
        let mut rust_names = HashMap::new();
        for name in &sorted {
            rust_names.insert(*name, type_names.claim(&type_name(name)));
        }
        let mut module_names = Namespace::new();
        for reserved in RESERVED_MODULES {
            module_names.reserve(reserved);
        }
        let mut types = Vec::with_capacity(schemas.len() * 2);
        let mut component_ids = HashMap::new();
        for (index, name) in schemas.keys().enumerate() {
            component_ids.insert(*name, TypeId(index));
            types.push(None);
        }
        // Modules follow the same sorted order as names.
        let mut modules = HashMap::new();
        for name in &sorted {
            modules.insert(*name, module_names.claim(&module_name(&rust_names[name])));
        }
        let component_count = schemas.len();
        let mut lowering = Lowering {
            spec,
            schemas,
            types,
            component_count,
            component_ids,
            type_names,
            module_names,
            consts: Vec::new(),
            const_ids: HashMap::new(),
            const_names: Namespace::new(),
            titled_enums: HashMap::new(),
            shared_enums: HashMap::new(),
            primitive_unions: HashMap::new(),
            input_components: reach::input_components(spec),
        };
        for (index, (name, schema)) in lowering.schemas.iter().enumerate() {
            let mut doc = or_fallback(
                doc_text(schema.title.as_deref(), schema.description.as_deref()),
                || super::schema_docs::placeholder_doc(name),
            );
            if schema.properties.is_empty() {
                if let Some(note) = key_pattern_note(schema) {
                    append_paragraph(&mut doc, &note);
                }
            }
            lowering.types[index] = Some(TypeDef {
                name: rust_names[name].clone(),
                origin: Origin::Component((*name).to_owned()),
                doc,
                module: modules[name].clone(),
                // Replaced when the component is lowered.
                kind: TypeKind::Alias(TypeRef::Any),
            });
        }
        lowering.collect_titled_enums();
        Ok(lowering)
    }

    fn lower_components(&mut self) -> Result<(), Error> {
        let mut sorted: Vec<(&'a str, &'a Schema)> = self
            .schemas
            .iter()
            .map(|(name, schema)| (*name, *schema))
            .collect();
        sorted.sort_unstable_by_key(|(name, _)| *name);
        for (name, schema) in sorted {
            let id = self.component_ids[name];
            let ctx = Ctx {
                parent: name.to_owned(),
                pointer: format!("#/components/schemas/{name}"),
                hint: self.types[id.0].as_ref().expect("reserved").name.clone(),
                input: self.input_components.contains(name),
            };
            let kind = self.lower_named(schema, &ctx)?;
            self.types[id.0].as_mut().expect("reserved").kind = kind;
        }
        Ok(())
    }

    /// The kind of a type that has a name of its own (a component, or an
    /// inline schema that needs one).
    fn lower_named(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeKind, Error> {
        check_supported(schema, ctx)?;
        if let Some(values) = &schema.enum_values {
            return Ok(TypeKind::Enum(string_enum(values, ctx)?));
        }
        if let Some((members, nullable)) = union_members(schema) {
            if members.len() >= 2 || schema.discriminator.is_some() {
                let union = self.lower_union(&members, schema, ctx)?;
                if !nullable {
                    return Ok(TypeKind::Union(union));
                }
                let inner = self.add_type(
                    &format!("{}Value", ctx.hint),
                    ctx,
                    String::new(),
                    TypeKind::Union(union),
                );
                return Ok(TypeKind::Alias(TypeRef::Nullable(Box::new(
                    TypeRef::Named(inner),
                ))));
            }
        }
        if is_object(schema) && !schema.properties.is_empty() {
            if let Some(page) = self.page(schema, ctx)? {
                return Ok(TypeKind::Alias(page));
            }
            return Ok(TypeKind::Struct(self.lower_struct(schema, ctx)?));
        }
        Ok(TypeKind::Alias(self.type_ref(schema, ctx)?))
    }

    fn lower_struct(&mut self, schema: &Schema, ctx: &Ctx) -> Result<Struct, Error> {
        let mut field_names = Namespace::new();
        if matches!(
            schema.additional_properties,
            Some(AdditionalProperties::Schema(_))
        ) || schema.pattern_properties.is_some()
        {
            // The flattened map of unlisted properties keeps this name.
            field_names.reserve(ADDITIONAL_PROPERTIES_FIELD);
        }
        let mut fields = Vec::with_capacity(schema.properties.len());
        for (wire_name, property) in &schema.properties {
            let child = ctx.child(
                &format!("properties/{wire_name}"),
                &format!("{}{}", ctx.hint, type_name(wire_name)),
            );
            let (ty, nullable) = peel_nullable(self.type_ref(property, &child)?);
            let description = doc_text(property.title.as_deref(), property.description.as_deref());
            let ty = secrets::secret_type(wire_name, &description, ty);
            let required = schema.required.iter().any(|r| r == wire_name);
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                // `type: null`: `null` is its one value, a constant.
                (true, true) if ty == TypeRef::Unit => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, true) if ctx.input => Presence::Tristate,
                (false, _) => Presence::Optional,
            };
            // Required fields are settled by `passes::apply_drift_policy` once every
            // type is known.
            let on_missing = if presence == Presence::Required {
                OnMissing::Error
            } else {
                OnMissing::Default
            };
            let mut doc = description;
            if doc.is_empty() {
                doc = self
                    .referenced_doc(property)
                    .unwrap_or_else(|| format!("The `{wire_name}` property."));
            }
            if let Some(note) = key_pattern_note(property) {
                append_paragraph(&mut doc, &note);
            }
            if let Some(default) = &property.default {
                append_paragraph(
                    &mut doc,
                    &format!("Defaults to `{}` when not sent.", compact(default)),
                );
            }
            if property.deprecated {
                append_paragraph(&mut doc, "**Deprecated** in the API.");
            }
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name: field_names.claim(&field_name(wire_name)),
                ty,
                presence,
                nullable,
                on_missing,
                boxed: false,
                doc,
                int_const: integer_const(property),
            });
        }
        // Unlisted properties, from `additionalProperties` or
        // `patternProperties` (keys stay `String`: listed properties share
        // the object's key space).
        let additional = self.map_values(schema, ctx)?;
        Ok(Struct {
            fields,
            additional,
            input: ctx.input,
        })
    }

    /// The first paragraph of the docs of the component a property refers to.
    fn referenced_doc(&self, property: &Schema) -> Option<String> {
        let single_ref =
            union_members(property).and_then(|(members, _)| match members.as_slice() {
                [only] => only.reference.as_deref(),
                _ => None,
            });
        let name = property
            .reference
            .as_deref()
            .or(single_ref)
            .and_then(ref_name)?;
        let target = self.schemas.get(name)?;
        let doc = doc_text(target.title.as_deref(), target.description.as_deref());
        let first = doc
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        (!first.is_empty()).then_some(first)
    }

    /// `ListResource_X_`-shaped objects (`items` + `pagination`) become the
    /// shared generic `Page<X, P>`.
    fn page(&mut self, schema: &Schema, ctx: &Ctx) -> Result<Option<TypeRef>, Error> {
        let (Some(items), Some(pagination)) = (
            schema.properties.get("items"),
            schema.properties.get("pagination"),
        ) else {
            return Ok(None);
        };
        let all_required = ["items", "pagination"]
            .iter()
            .all(|name| schema.required.iter().any(|r| r == name));
        if schema.properties.len() != 2 || !all_required || !schema.type_names().contains(&"object")
        {
            return Ok(None);
        }
        let (Some(item_schema), true) = (&items.items, items.type_names() == ["array"]) else {
            return Ok(None);
        };
        let Some(pagination) = pagination.reference.as_deref().and_then(ref_name) else {
            return Ok(None);
        };
        let Some(&pagination) = self.component_ids.get(pagination) else {
            return Ok(None);
        };
        let child = ctx.child("properties/items/items", &format!("{}Item", ctx.hint));
        let item = self.type_ref(item_schema, &child)?;
        Ok(Some(TypeRef::Page {
            item: Box::new(item),
            pagination,
        }))
    }

    /// The type written at a use site.
    pub(super) fn type_ref(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeRef, Error> {
        check_supported(schema, ctx)?;
        if let Some(reference) = &schema.reference {
            return self.component_ref(reference, ctx);
        }
        if let Some(value) = &schema.const_value {
            return Ok(match value {
                Value::String(text) => TypeRef::Const(self.const_marker(text)),
                Value::Bool(flag) => TypeRef::ConstBool(*flag),
                Value::Number(n) if n.is_i64() || n.is_u64() => TypeRef::Integer,
                Value::Number(_) => TypeRef::Number,
                Value::Null => TypeRef::Nullable(Box::new(TypeRef::Unit)),
                _ => TypeRef::Any,
            });
        }
        if let Some(values) = &schema.enum_values {
            return self.inline_enum(schema, values, ctx);
        }
        if let Some((members, nullable)) = union_members(schema) {
            let inner = if members.is_empty() {
                TypeRef::Unit
            } else if members.len() == 1 && schema.discriminator.is_none() {
                self.type_ref(members[0], ctx)?
            } else {
                self.union_ref(&members, schema, ctx)?
            };
            return Ok(wrap_nullable(inner, nullable));
        }
        let names = schema.type_names();
        let nullable = names.contains(&"null");
        let non_null: Vec<&str> = names.iter().copied().filter(|n| *n != "null").collect();
        let base = match non_null.as_slice() {
            [] if nullable => TypeRef::Unit,
            [] if !schema.properties.is_empty() => self.inline_struct(schema, ctx)?,
            [] if schema.pattern_properties.is_some() => self.map(schema, ctx)?,
            [] => TypeRef::Any,
            ["string"] => match schema.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("uuid" | "uuid4") => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            ["integer"] => TypeRef::Integer,
            ["number"] => TypeRef::Number,
            ["boolean"] => TypeRef::Boolean,
            ["array"] => self.array(schema, ctx)?,
            ["object"] if !schema.properties.is_empty() => self.inline_struct(schema, ctx)?,
            ["object"] => self.map(schema, ctx)?,
            other => {
                return Err(ctx.error(format!(
                    "`type: {other:?}`: a list of several non-null types is not supported"
                )))
            }
        };
        Ok(wrap_nullable(base, nullable))
    }

    pub(super) fn component_ref(&self, reference: &str, ctx: &Ctx) -> Result<TypeRef, Error> {
        let id = ref_name(reference)
            .and_then(|name| self.component_ids.get(name))
            .ok_or_else(|| {
                ctx.error(format!(
                    "`$ref: {reference}` does not name a component schema"
                ))
            })?;
        Ok(TypeRef::Named(*id))
    }

    fn array(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeRef, Error> {
        if let Some(prefix) = &schema.prefix_items {
            let mut items = Vec::with_capacity(prefix.len());
            for (index, item) in prefix.iter().enumerate() {
                let child = ctx.child(
                    &format!("prefixItems/{index}"),
                    &format!("{}Item{}", ctx.hint, index + 1),
                );
                items.push(self.type_ref(item, &child)?);
            }
            return Ok(TypeRef::Tuple(items));
        }
        let item = match &schema.items {
            Some(items) => {
                let child = ctx.child("items", &format!("{}Item", ctx.hint));
                self.type_ref(items, &child)?
            }
            None => TypeRef::Any,
        };
        Ok(TypeRef::Vec(Box::new(item)))
    }

    fn inline_struct(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeRef, Error> {
        let structure = self.lower_struct(schema, ctx)?;
        let doc = doc_text(schema.title.as_deref(), schema.description.as_deref());
        Ok(TypeRef::Named(self.add_type(
            &ctx.hint,
            ctx,
            doc,
            TypeKind::Struct(structure),
        )))
    }

    fn const_marker(&mut self, value: &str) -> ConstId {
        if let Some(id) = self.const_ids.get(value) {
            return *id;
        }
        let id = ConstId(self.consts.len());
        self.consts.push(ConstMarker {
            rust_name: self.const_names.claim(&type_name(value)),
            value: value.to_owned(),
        });
        self.const_ids.insert(value.to_owned(), id);
        id
    }

    /// Register an inline type named by `hint`, in its parent's module.
    pub(super) fn add_type(
        &mut self,
        hint: &str,
        ctx: &Ctx,
        doc: String,
        kind: TypeKind,
    ) -> TypeId {
        let name = self.type_names.claim(hint);
        let module = match self.component_ids.get(ctx.parent.as_str()) {
            Some(parent) => self.types[parent.0]
                .as_ref()
                .expect("reserved")
                .module
                .clone(),
            None => self.module_names.claim(&module_name(&name)),
        };
        let doc = or_fallback(doc, || format!("Written inline at `{}`.", ctx.pointer));
        self.push(TypeDef {
            name,
            origin: Origin::Inline {
                parent: ctx.parent.clone(),
                pointer: ctx.pointer.clone(),
            },
            doc,
            module,
            kind,
        })
    }

    pub(super) fn push(&mut self, def: TypeDef) -> TypeId {
        self.types.push(Some(def));
        TypeId(self.types.len() - 1)
    }
}

fn check_supported(schema: &Schema, ctx: &Ctx) -> Result<(), Error> {
    if let Some(keyword) = schema.unsupported_keyword() {
        return Err(ctx.error(format!(
            "`{keyword}` is not supported by the generator; extend codegen/src/ir/lower.rs"
        )));
    }
    // Shapes the lowering would otherwise read as one of their halves,
    // dropping the other: refused, never guessed.
    let union = if schema.one_of.is_some() {
        Some("oneOf")
    } else if schema.any_of.is_some() {
        Some("anyOf")
    } else {
        None
    };
    let listed = !schema.properties.is_empty() || !schema.required.is_empty();
    if let (Some(reference), true) = (&schema.reference, listed) {
        return Err(ctx.error(format!(
            "`$ref: {reference}` with `properties` or `required` beside it (an extended \
             object) is not supported: the generator would use the referenced type and drop \
             them; write the object out, or extend codegen/src/ir/lower.rs"
        )));
    }
    if let (Some(reference), Some(union)) = (&schema.reference, union) {
        return Err(ctx.error(format!(
            "`$ref: {reference}` with `{union}` beside it is not supported; extend \
             codegen/src/ir/lower.rs"
        )));
    }
    if let (Some(union), false) = (union, schema.properties.is_empty()) {
        return Err(ctx.error(format!(
            "`properties` beside `{union}` (fields every member shares) is not supported: the \
             generator would keep the `{union}` and drop the properties; move them into each \
             member, or extend codegen/src/ir/lower.rs"
        )));
    }
    Ok(())
}

/// The non-null members of an `anyOf`/`oneOf`, and whether `null` was one.
pub(super) fn union_members(schema: &Schema) -> Option<(Vec<&Schema>, bool)> {
    let members = schema.one_of.as_ref().or(schema.any_of.as_ref())?;
    let nullable = members.iter().any(Schema::is_null);
    Some((members.iter().filter(|m| !m.is_null()).collect(), nullable))
}

fn is_object(schema: &Schema) -> bool {
    let names = schema.type_names();
    names.is_empty() || names.contains(&"object")
}

pub(super) fn wrap_nullable(inner: TypeRef, nullable: bool) -> TypeRef {
    if nullable && !matches!(inner, TypeRef::Nullable(_)) {
        TypeRef::Nullable(Box::new(inner))
    } else {
        inner
    }
}

/// The integer a property's `const` fixes it to (directly, or as the one
/// non-null member of an `anyOf`).
fn integer_const(schema: &Schema) -> Option<i64> {
    let own = schema.const_value.as_ref().and_then(Value::as_i64);
    own.or_else(|| match union_members(schema) {
        Some((members, _)) if members.len() == 1 => {
            members[0].const_value.as_ref().and_then(Value::as_i64)
        }
        _ => None,
    })
}

pub(super) fn peel_nullable(ty: TypeRef) -> (TypeRef, bool) {
    match ty {
        TypeRef::Nullable(inner) => (*inner, true),
        other => (other, false),
    }
}

/// The schemas directly inside `schema`.
pub(crate) fn schema_children(schema: &Schema) -> impl Iterator<Item = &Schema> {
    let additional = match &schema.additional_properties {
        Some(AdditionalProperties::Schema(s)) => Some(s.as_ref()),
        _ => None,
    };
    schema
        .properties
        .values()
        .chain(schema.items.as_deref())
        .chain(schema.prefix_items.iter().flatten())
        .chain(additional)
        .chain(schema.pattern_properties.iter().flat_map(|p| p.values()))
        .chain(schema.property_names.as_deref())
        .chain(schema.any_of.iter().flatten())
        .chain(schema.one_of.iter().flatten())
}

pub(super) fn or_fallback(doc: String, fallback: impl FnOnce() -> String) -> String {
    if doc.is_empty() {
        fallback()
    } else {
        doc
    }
}

fn append_paragraph(doc: &mut String, paragraph: &str) {
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(paragraph);
}

/// A JSON value on one line, for docs.
fn compact(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 80 {
        format!(
            "{}…",
            &text[..text
                .char_indices()
                .nth(77)
                .map(|(i, _)| i)
                .unwrap_or(text.len())]
        )
    } else {
        text
    }
}
