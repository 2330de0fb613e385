//! Unions: `oneOf`/`anyOf` lowered to enums with a variant per member,
//! their discriminator tags and payload shapes, and the unions of
//! primitives that are named by their members and shared by structure.

use serde_json::Value;

use super::docs::doc_text;
use super::lower::{or_fallback, schema_children, union_members, Ctx, Lowering};
use super::names::{type_name, Namespace};
use super::*;
use crate::spec::{ref_name, Schema};
use crate::Error;

impl Lowering<'_> {
    pub(super) fn union_ref(
        &mut self,
        members: &[&Schema],
        schema: &Schema,
        ctx: &Ctx,
    ) -> Result<TypeRef, Error> {
        // Unions of primitives are shared by structure; others are named by place.
        if schema.discriminator.is_none() {
            if let Some(primitive) = self.primitive_union(members, ctx)? {
                return Ok(primitive);
            }
        }
        let union = self.lower_union(members, schema, ctx)?;
        let doc = doc_text(schema.title.as_deref(), schema.description.as_deref());
        Ok(TypeRef::Named(self.add_type(
            &ctx.hint,
            ctx,
            doc,
            TypeKind::Union(union),
        )))
    }

    /// A union whose members mention no named type, e.g. the
    /// `string | integer | number | boolean` of metadata values. Named by its
    /// members (`StringOrIntegerOrNumberOrBoolean`) and shared by all users.
    fn primitive_union(
        &mut self,
        members: &[&Schema],
        ctx: &Ctx,
    ) -> Result<Option<TypeRef>, Error> {
        if members.iter().any(|m| mentions_named(m)) {
            return Ok(None);
        }
        let mut variants: Vec<TypeRef> = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let child = ctx.child(&format!("anyOf/{index}"), &ctx.hint);
            let ty = self.type_ref(member, &child)?;
            if !variants.contains(&ty) {
                variants.push(ty);
            }
        }
        if variants.len() == 1 {
            return Ok(variants.pop());
        }
        let names: Vec<String> = variants.iter().map(|ty| self.primitive_name(ty)).collect();
        let name = names.join("Or");
        if let Some(id) = self.primitive_unions.get(&name) {
            return Ok(Some(TypeRef::Named(*id)));
        }
        let union = Union {
            variants: variants
                .into_iter()
                .zip(names)
                .map(|(ty, rust_name)| UnionVariant {
                    shape: primitive_shape(&ty, &self.consts),
                    doc: format!("A `{rust_name}` value."),
                    rust_name,
                    ty,
                    tags: Vec::new(),
                    boxed: false,
                    feature: None,
                })
                .collect(),
            discriminator: None,
        };
        let rust_name = self.type_names.claim(&name);
        let id = self.push(TypeDef {
            doc: format!("One of: {}.", rust_name_list(&union)),
            name: rust_name,
            origin: Origin::PrimitiveUnion,
            module: "primitive_unions".to_owned(),
            kind: TypeKind::Union(union),
        });
        self.primitive_unions.insert(name, id);
        Ok(Some(TypeRef::Named(id)))
    }

    pub(super) fn primitive_name(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Secret => "Secret".into(),
            TypeRef::Integer => "Integer".into(),
            TypeRef::Number => "Number".into(),
            TypeRef::Boolean | TypeRef::ConstBool(_) => "Boolean".into(),
            TypeRef::DateTime => "DateTime".into(),
            TypeRef::Date => "Date".into(),
            TypeRef::Uuid => "Uuid".into(),
            TypeRef::Any => "Any".into(),
            TypeRef::Unit => "Null".into(),
            TypeRef::Const(id) => self.consts[id.0].rust_name.clone(),
            TypeRef::Vec(inner) => format!("{}Array", self.primitive_name(inner)),
            TypeRef::Map { key, value } => match key {
                MapKey::String => format!("{}Map", self.primitive_name(value)),
                MapKey::Uuid => format!("Uuid{}Map", self.primitive_name(value)),
                MapKey::Enum(_) => unreachable!("primitive unions hold no named types"),
            },
            TypeRef::Tuple(_) => "Tuple".into(),
            TypeRef::Nullable(inner) => format!("Nullable{}", self.primitive_name(inner)),
            TypeRef::Named(_) | TypeRef::Page { .. } => {
                unreachable!("primitive unions hold no named types")
            }
        }
    }

    pub(super) fn lower_union(
        &mut self,
        members: &[&Schema],
        schema: &Schema,
        ctx: &Ctx,
    ) -> Result<Union, Error> {
        let discriminator = schema.discriminator.as_ref();
        let mut variant_names = Namespace::new();
        variant_names.reserve("Unknown");
        let mut variants = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let child = ctx.child(
                &format!(
                    "{}/{index}",
                    if schema.one_of.is_some() {
                        "oneOf"
                    } else {
                        "anyOf"
                    }
                ),
                &format!("{}Variant{}", ctx.hint, index + 1),
            );
            let ty = self.type_ref(member, &child)?;
            let tags = match discriminator {
                Some(d) => self.tags_for(member, d, &child)?,
                None => Vec::new(),
            };
            let wanted = match tags.as_slice() {
                [tag] => type_name(tag),
                _ => self.variant_name(&ty, &ctx.hint),
            };
            let doc = or_fallback(
                doc_text(member.title.as_deref(), member.description.as_deref()),
                || match tags.as_slice() {
                    [] => format!("The `{wanted}` variant."),
                    tags => format!("Selected by `{}`.", tags.join("`, `")),
                },
            );
            variants.push(UnionVariant {
                rust_name: variant_names.claim(&wanted),
                shape: self.shape_of(member),
                ty,
                tags,
                boxed: false,
                doc,
                feature: None,
            });
        }
        Ok(Union {
            variants,
            discriminator: discriminator.map(|d| d.property_name.clone()),
        })
    }

    /// The discriminator values that select `member`: from the mapping, else
    /// from the member's own `const` at the discriminator property.
    fn tags_for(
        &self,
        member: &Schema,
        discriminator: &crate::spec::Discriminator,
        ctx: &Ctx,
    ) -> Result<Vec<String>, Error> {
        let reference = member
            .reference
            .as_deref()
            .ok_or_else(|| ctx.error("a discriminated union member must be a `$ref`".to_owned()))?;
        let mut tags: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| target.as_str() == reference)
            .map(|(tag, _)| tag.clone())
            .collect();
        if tags.is_empty() {
            let target = ref_name(reference).and_then(|n| self.schemas.get(n));
            let constant = target
                .and_then(|t| t.properties.get(&discriminator.property_name))
                .and_then(|p| p.const_value.as_ref())
                .and_then(Value::as_str);
            tags.push(match constant {
                Some(value) => value.to_owned(),
                None => ref_name(reference).unwrap_or(reference).to_owned(),
            });
        }
        Ok(tags)
    }

    /// A variant named after its type, minus the union's name as a prefix
    /// (`SubscriptionUpdate` + `SubscriptionUpdateSeats` → `Seats`).
    fn variant_name(&self, ty: &TypeRef, union_name: &str) -> String {
        let full = match ty {
            TypeRef::Named(id) => self.types[id.0]
                .as_ref()
                .expect("named types exist")
                .name
                .clone(),
            other => self.primitive_name(other),
        };
        match full.strip_prefix(union_name) {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
            _ => full,
        }
    }

    /// The payload shape of a union member, for picking variants at runtime.
    pub(super) fn shape_of(&self, member: &Schema) -> Shape {
        let schema = match member.reference.as_deref().and_then(ref_name) {
            Some(name) => match self.schemas.get(name) {
                Some(target) => *target,
                None => return Shape::Any,
            },
            None => member,
        };
        if let Some((members, _)) = union_members(schema) {
            let shapes: Vec<Shape> = members.iter().map(|m| self.shape_of(m)).collect();
            return match shapes.as_slice() {
                [single] => single.clone(),
                _ => Shape::OneOf(shapes),
            };
        }
        if schema.enum_values.is_some() {
            return Shape::String;
        }
        if let Some(Value::String(text)) = &schema.const_value {
            return Shape::StringConst(text.clone());
        }
        let names = schema.type_names();
        let non_null: Vec<&str> = names.into_iter().filter(|n| *n != "null").collect();
        match non_null.as_slice() {
            ["string"] => Shape::String,
            ["integer"] => Shape::Integer,
            ["number"] => Shape::Number,
            ["boolean"] => Shape::Boolean,
            ["array"] => Shape::Array,
            ["object"] | [] if !schema.properties.is_empty() => Shape::Object {
                required: schema.required.clone(),
                known: schema.properties.keys().cloned().collect(),
                consts: schema
                    .properties
                    .iter()
                    .filter_map(|(name, p)| match &p.const_value {
                        Some(Value::String(s)) => Some((name.clone(), ConstLit::Str(s.clone()))),
                        Some(Value::Bool(b)) => Some((name.clone(), ConstLit::Bool(*b))),
                        _ => None,
                    })
                    .collect(),
            },
            ["object"] => Shape::Object {
                required: Vec::new(),
                known: Vec::new(),
                consts: Vec::new(),
            },
            _ => Shape::Any,
        }
    }
}

/// Whether a schema (or anything inside it) would become a named type.
fn mentions_named(schema: &Schema) -> bool {
    schema.reference.is_some()
        || schema.enum_values.is_some()
        || !schema.properties.is_empty()
        || schema.discriminator.is_some()
        || schema_children(schema).any(mentions_named)
}

fn primitive_shape(ty: &TypeRef, consts: &[ConstMarker]) -> Shape {
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid => {
            Shape::String
        }
        TypeRef::Const(id) => Shape::StringConst(consts[id.0].value.clone()),
        TypeRef::Integer => Shape::Integer,
        TypeRef::Number => Shape::Number,
        TypeRef::Boolean | TypeRef::ConstBool(_) => Shape::Boolean,
        TypeRef::Vec(_) | TypeRef::Tuple(_) => Shape::Array,
        TypeRef::Map { .. } => Shape::Object {
            required: Vec::new(),
            known: Vec::new(),
            consts: Vec::new(),
        },
        TypeRef::Unit => Shape::Null,
        _ => Shape::Any,
    }
}

fn rust_name_list(union: &Union) -> String {
    union
        .variants
        .iter()
        .map(|v| format!("`{}`", v.rust_name))
        .collect::<Vec<_>>()
        .join(", ")
}
