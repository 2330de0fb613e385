//! Unions: `oneOf`/`anyOf` lowered to enums with a variant per member,
//! their discriminator tags and payload shapes, and the unions of
//! primitives that are named by their members and shared by structure.

use serde_json::Value;

use super::docs::doc_text;
use super::lower::{or_fallback, schema_children, union_members, Ctx, Lowering};
use super::names::{type_name, Namespace};
use super::*;
use crate::spec::{ref_name, AdditionalProperties, Schema};
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
        let Some(names) = variants
            .iter()
            .map(|ty| self.primitive_name(ty))
            .collect::<Option<Vec<String>>>()
        else {
            return Ok(None);
        };
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
                    // Members of a union shared by structure are built from
                    // their types, not from one place of the document.
                    source: String::new(),
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

    /// The name a primitive union gives its member `ty`, or `None` when
    /// `ty` names a type (a member that is itself a union of primitives
    /// lowers to a named type): such a union is then named by place.
    pub(super) fn primitive_name(&self, ty: &TypeRef) -> Option<String> {
        Some(match ty {
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
            TypeRef::Vec(inner) => format!("{}Array", self.primitive_name(inner)?),
            TypeRef::Map { key, value } => match key {
                MapKey::String => format!("{}Map", self.primitive_name(value)?),
                MapKey::Uuid => format!("Uuid{}Map", self.primitive_name(value)?),
                MapKey::Enum(_) => return None,
            },
            TypeRef::Tuple(_) => "Tuple".into(),
            TypeRef::Nullable(inner) => format!("Nullable{}", self.primitive_name(inner)?),
            TypeRef::Named(_) | TypeRef::Page { .. } => return None,
        })
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
                _ => {
                    let full = self.member_name(&ty);
                    // The short name where it is free, else the member's own.
                    match short_variant_name(&full, &ctx.hint) {
                        Some(short) if !variant_names.is_taken(&short) => short,
                        _ => full,
                    }
                }
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
                source: child.pointer,
            });
        }
        keep_distinguishing_consts(&mut variants);
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

    /// The Rust name of a member's type: a named type's own name, and
    /// containers of one named after it (`NullableStatus`, `ThingArray`).
    fn member_name(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.types[id.0]
                .as_ref()
                .expect("named types exist")
                .name
                .clone(),
            TypeRef::Nullable(inner) => format!("Nullable{}", self.member_name(inner)),
            TypeRef::Vec(inner) => format!("{}Array", self.member_name(inner)),
            TypeRef::Map { key, value } => match key {
                MapKey::String => format!("{}Map", self.member_name(value)),
                MapKey::Uuid => format!("Uuid{}Map", self.member_name(value)),
                MapKey::Enum(id) => format!(
                    "{}{}Map",
                    self.member_name(&TypeRef::Named(*id)),
                    self.member_name(value)
                ),
            },
            TypeRef::Page { item, .. } => format!("{}Page", self.member_name(item)),
            // The named, paged and mapped types are above: what is left
            // has a primitive name.
            other => self
                .primitive_name(other)
                .unwrap_or_else(|| "Member".to_owned()),
        }
    }

    /// The payload shape of a union member, for picking variants at runtime.
    pub(super) fn shape_of(&self, member: &Schema) -> Shape {
        self.shape_within(member, &mut Vec::new())
    }

    /// [`Self::shape_of`], where `unions` are the referenced schemas whose
    /// members are being shaped: a union that reaches itself through its
    /// members (`U = oneOf[U, ...]`, or through another union) is `Any`
    /// there instead of recursing without end.
    fn shape_within<'s>(&'s self, member: &'s Schema, unions: &mut Vec<&'s str>) -> Shape {
        let (schema, name) = match member.reference.as_deref().and_then(ref_name) {
            Some(name) => match self.schemas.get(name) {
                Some(target) => (*target, Some(name)),
                None => return Shape::Any,
            },
            None => (member, None),
        };
        if let Some((members, _)) = union_members(schema) {
            if let Some(name) = name {
                if unions.contains(&name) {
                    return Shape::Any;
                }
                unions.push(name);
            }
            let shapes: Vec<Shape> = members
                .iter()
                .map(|m| self.shape_within(m, unions))
                .collect();
            if name.is_some() {
                unions.pop();
            }
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
        let closed = matches!(
            schema.additional_properties,
            Some(AdditionalProperties::Allowed(false))
        );
        match non_null.as_slice() {
            ["string"] if is_checked_format(schema.format.as_deref()) => Shape::Formatted,
            ["string"] => Shape::String,
            ["integer"] => Shape::Integer,
            ["number"] => Shape::Number,
            ["boolean"] => Shape::Boolean,
            ["array"] => Shape::Array,
            ["object"] | [] if !schema.properties.is_empty() => Shape::Object {
                required: schema.required.clone(),
                known: schema.properties.keys().cloned().collect(),
                consts: self.const_paths(schema),
                closed,
            },
            ["object"] => Shape::Object {
                required: Vec::new(),
                known: Vec::new(),
                consts: Vec::new(),
                closed,
            },
            _ => Shape::Any,
        }
    }
}

impl Lowering<'_> {
    /// The `const` values of an object member by property path: its own
    /// properties' and, through properties that are objects (by `$ref` or
    /// inline, not unions), those below them, down to
    /// [`CONST_PATH_DEPTH`] properties deep. [`keep_distinguishing_consts`]
    /// later drops the nested ones every member shares.
    fn const_paths(&self, schema: &Schema) -> Vec<(Vec<String>, ConstLit)> {
        let mut out = Vec::new();
        self.collect_consts(schema, &mut Vec::new(), &mut Vec::new(), &mut out);
        out
    }

    fn collect_consts(
        &self,
        schema: &Schema,
        path: &mut Vec<String>,
        visiting: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, ConstLit)>,
    ) {
        for (name, property) in &schema.properties {
            path.push(name.clone());
            match const_lit(property) {
                Some(lit) => out.push((path.clone(), lit)),
                None if path.len() < CONST_PATH_DEPTH => {
                    let target = match property.reference.as_deref().and_then(ref_name) {
                        Some(target) if visiting.iter().any(|v| v == target) => None,
                        Some(target) => self
                            .schemas
                            .get(target)
                            .map(|schema| (Some(target.to_owned()), *schema)),
                        None => Some((None, property)),
                    };
                    if let Some((name, target)) = target {
                        let is_plain_object =
                            union_members(target).is_none() && !target.properties.is_empty();
                        if is_plain_object {
                            let entered = name.is_some();
                            visiting.extend(name);
                            self.collect_consts(target, path, visiting, out);
                            if entered {
                                visiting.pop();
                            }
                        }
                    }
                }
                None => {}
            }
            path.pop();
        }
    }
}

/// A union variant's name: its member's type name without the words it
/// shares with the union's name, at its start and at its end: the longest
/// run of leading (then trailing) words that also stand together in the
/// union's name (`BenefitGrantWebhook` + `BenefitGrantLicenseKeysWebhook`
/// → `LicenseKeys`; `CustomerStateBenefitGrantProperties` +
/// `BenefitGrantDiscordProperties` → `Discord`;
/// `CustomerSubscriptionUpdate` and `CustomerSubscriptionCancel` →
/// `Cancel`). It depends on those two names
/// alone, so a member added or removed by a refresh renames no other
/// variant. `None` when nothing is shared, or when what remains would not
/// start with a letter or would be the keyword `Self`.
pub(super) fn short_variant_name(member: &str, union: &str) -> Option<String> {
    let member_words = camel_words(member);
    let union_words = camel_words(union);
    let in_union = |run: &[&str]| union_words.windows(run.len()).any(|w| w == run);
    // At least one word stays.
    let most = member_words.len().saturating_sub(1);
    let prefix = (0..=most)
        .rev()
        .find(|&n| n == 0 || in_union(&member_words[..n]))
        .unwrap_or(0);
    let room = most - prefix;
    let end = member_words.len();
    let suffix = (0..=room)
        .rev()
        .find(|&n| n == 0 || in_union(&member_words[end - n..]))
        .unwrap_or(0);
    if prefix == 0 && suffix == 0 {
        return None;
    }
    let rest = member_words[prefix..end - suffix].concat();
    // `Self` is a keyword no variant may be named (`SelfValue` + `..Value`).
    (rest.starts_with(|c: char| c.is_ascii_alphabetic()) && rest != "Self").then_some(rest)
}

/// The words of an `UpperCamelCase` name: a new word at each capital letter
/// (`GitHubRepository` → `Git`, `Hub`, `Repository`); digits stay with the
/// word before them (`Oauth2Client` → `Oauth2`, `Client`).
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (index, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..index]);
            start = index;
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// How many properties deep a union member's constants are looked for.
const CONST_PATH_DEPTH: usize = 4;

fn const_lit(schema: &Schema) -> Option<ConstLit> {
    match &schema.const_value {
        Some(Value::String(s)) => Some(ConstLit::Str(s.clone())),
        Some(Value::Bool(b)) => Some(ConstLit::Bool(*b)),
        _ => None,
    }
}

/// Formats whose Rust type refuses a string that is not in them
/// (`DateTime`, `NaiveDate`, `Uuid`), so a member of that format is tried
/// before a plain string.
fn is_checked_format(format: Option<&str>) -> bool {
    matches!(format, Some("date-time" | "date" | "uuid" | "uuid4"))
}

/// Drops the nested constants (paths of two or more properties) that
/// every object member of the union holds alike: they tell no member
/// apart, and each costs the decoder a look into the payload. A member's
/// own constants are kept (they also make a payload recognisable).
pub(super) fn keep_distinguishing_consts(variants: &mut [UnionVariant]) {
    fn objects<'s>(shape: &'s Shape, out: &mut Vec<&'s Shape>) {
        match shape {
            Shape::Object { .. } => out.push(shape),
            Shape::OneOf(shapes) => shapes.iter().for_each(|s| objects(s, out)),
            _ => {}
        }
    }
    fn retain(shape: &mut Shape, shared: &[(Vec<String>, ConstLit)]) {
        match shape {
            Shape::Object { consts, .. } => consts.retain(|c| c.0.len() < 2 || !shared.contains(c)),
            Shape::OneOf(shapes) => shapes.iter_mut().for_each(|s| retain(s, shared)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    for variant in variants.iter() {
        objects(&variant.shape, &mut all);
    }
    let mut shared: Vec<(Vec<String>, ConstLit)> = Vec::new();
    for shape in &all {
        if let Shape::Object { consts, .. } = shape {
            for constant in consts.iter().filter(|c| c.0.len() >= 2) {
                let everywhere = all.iter().all(|other| {
                    matches!(other, Shape::Object { consts, .. } if consts.contains(constant))
                });
                if everywhere && !shared.contains(constant) {
                    shared.push(constant.clone());
                }
            }
        }
    }
    for variant in variants.iter_mut() {
        retain(&mut variant.shape, &shared);
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
        TypeRef::String | TypeRef::Secret => Shape::String,
        TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid => Shape::Formatted,
        TypeRef::Const(id) => Shape::StringConst(consts[id.0].value.clone()),
        TypeRef::Integer => Shape::Integer,
        TypeRef::Number => Shape::Number,
        TypeRef::Boolean | TypeRef::ConstBool(_) => Shape::Boolean,
        TypeRef::Vec(_) | TypeRef::Tuple(_) => Shape::Array,
        TypeRef::Map { .. } => Shape::Object {
            required: Vec::new(),
            known: Vec::new(),
            consts: Vec::new(),
            closed: false,
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

#[cfg(test)]
mod tests {
    use super::short_variant_name;

    #[test]
    fn variants_drop_the_words_they_share_with_the_union() {
        let short = |member: &str, union: &str| short_variant_name(member, union);
        assert_eq!(
            short("BenefitGrantLicenseKeysWebhook", "BenefitGrantWebhook").as_deref(),
            Some("LicenseKeys")
        );
        assert_eq!(
            short("CustomerSubscriptionCancel", "CustomerSubscriptionUpdate").as_deref(),
            Some("Cancel")
        );
        assert_eq!(
            short(
                "CustomerSubscriptionUpdateSeats",
                "CustomerSubscriptionUpdate"
            )
            .as_deref(),
            Some("Seats")
        );
        // Shared words in the middle of the union's name count too.
        assert_eq!(
            short(
                "BenefitGrantDiscordProperties",
                "CustomerStateBenefitGrantProperties"
            )
            .as_deref(),
            Some("Discord")
        );
        // One word always stays.
        assert_eq!(
            short("ProductPrice", "CheckoutProductPrice").as_deref(),
            Some("Price")
        );
        // Nothing shared: the member's own name.
        assert_eq!(short("UserInfoUser", "Oauth2UserinfoResponse"), None);
    }
}
