//! Maps: an object without listed properties becomes a `TypeRef::Map`
//! whose values come from `patternProperties` or `additionalProperties`
//! and whose keys come from `propertyNames`.

use super::lower::{union_members, Ctx, Lowering};
use super::*;
use crate::spec::{ref_name, AdditionalProperties, Schema};
use crate::Error;

impl Lowering<'_> {
    /// An object without listed properties: a map whose values come from
    /// `patternProperties` or `additionalProperties` (anything when neither
    /// has a schema) and whose keys come from `propertyNames`.
    pub(super) fn map(&mut self, schema: &Schema, ctx: &Ctx) -> Result<TypeRef, Error> {
        let value = self.map_values(schema, ctx)?.unwrap_or(TypeRef::Any);
        Ok(TypeRef::Map {
            key: self.map_key(schema, ctx)?,
            value: Box::new(value),
        })
    }

    /// The type of the values of the properties an object does not list,
    /// when its schema gives one: the schema of every `patternProperties`
    /// pattern, which must all lower to the same type (and so must an
    /// `additionalProperties` schema beside them), else the
    /// `additionalProperties` schema. Keys matching none of the patterns
    /// are not expected (pydantic, which writes these schemas, validates
    /// the keys), so a boolean `additionalProperties` does not widen the
    /// value type.
    pub(super) fn map_values(
        &mut self,
        schema: &Schema,
        ctx: &Ctx,
    ) -> Result<Option<TypeRef>, Error> {
        let hint = format!("{}Value", ctx.hint);
        let mut sources: Vec<(String, &Schema)> = Vec::new();
        for (pattern, values) in schema.pattern_properties.iter().flatten() {
            sources.push((
                format!("patternProperties/{}", pointer_token(pattern)),
                values,
            ));
        }
        if let Some(AdditionalProperties::Schema(values)) = &schema.additional_properties {
            sources.push(("additionalProperties".to_owned(), values));
        }
        let mut found: Option<(String, TypeRef)> = None;
        for (pointer, values) in sources {
            let ty = self.type_ref(values, &ctx.child(&pointer, &hint))?;
            match &found {
                None => found = Some((pointer, ty)),
                Some((first, first_ty)) if *first_ty != ty => {
                    return Err(ctx.error(format!(
                        "the values at `{first}` and at `{pointer}` lower to different types \
                         ({} and {}); a map has one value type",
                        self.describe(first_ty),
                        self.describe(&ty),
                    )))
                }
                Some(_) => {}
            }
        }
        Ok(found.map(|(_, ty)| ty))
    }

    /// A type for an error message: its Rust name where it has one.
    fn describe(&self, ty: &TypeRef) -> String {
        let mut named = Vec::new();
        ty.named(&mut named);
        match ty {
            TypeRef::Named(id) => format!(
                "`{}`",
                self.types[id.0].as_ref().map_or("?", |t| t.name.as_str())
            ),
            _ => match self.primitive_name(ty) {
                Some(name) if named.is_empty() => format!("`{name}`"),
                _ => format!("{ty:?}"),
            },
        }
    }

    /// The key type of a map, from `propertyNames`: a component string enum
    /// (`$ref`), a UUID (`format: uuid`/`uuid4`), else `String` (also for
    /// `propertyNames` that only limit the length or the pattern).
    fn map_key(&self, schema: &Schema, ctx: &Ctx) -> Result<MapKey, Error> {
        let Some(names) = schema.property_names.as_deref() else {
            return Ok(MapKey::String);
        };
        let ctx = ctx.child("propertyNames", &ctx.hint);
        let mut target = names;
        // Through aliases (`$ref` to a component that is itself a `$ref`).
        let mut hops = 0;
        while let Some(reference) = &target.reference {
            let TypeRef::Named(id) = self.component_ref(reference, &ctx)? else {
                unreachable!("component_ref names a component");
            };
            let component = self.schemas[ref_name(reference).expect("a component ref")];
            if component.enum_values.is_some() {
                if component.type_names().iter().any(|t| *t != "string") {
                    return Err(ctx.error(format!(
                        "`propertyNames` refers to `{reference}`, an enum that is not a \
                         string enum; map keys are strings"
                    )));
                }
                return Ok(MapKey::Enum(id));
            }
            target = component;
            hops += 1;
            if hops > 16 {
                return Err(ctx.error(format!("`$ref: {reference}` is a cycle of aliases")));
            }
        }
        if target.enum_values.is_some() || target.const_value.is_some() {
            return Err(ctx.error(
                "an inline `enum` or `const` as `propertyNames` is not supported; \
                 make it a component schema and `$ref` it",
            ));
        }
        if target.any_of.is_some() || target.one_of.is_some() || !target.properties.is_empty() {
            return Err(ctx.error(
                "`propertyNames` must be a string schema (a `$ref` to a string enum, a \
                 `format`, or length/pattern limits)",
            ));
        }
        let types = target.type_names();
        if types.iter().any(|t| *t != "string") {
            return Err(ctx.error(format!(
                "`propertyNames` of `type: {types:?}`: property names are strings"
            )));
        }
        Ok(match target.format.as_deref() {
            Some("uuid" | "uuid4") => MapKey::Uuid,
            _ => MapKey::String,
        })
    }
}

/// What a map's `patternProperties` say about its keys, for its docs: on
/// the schema itself or on the one non-null member of its `anyOf`.
pub(super) fn key_pattern_note(schema: &Schema) -> Option<String> {
    let patterns = schema.pattern_properties.as_ref().or_else(|| {
        let (members, _) = union_members(schema)?;
        match members.as_slice() {
            [only] => only.pattern_properties.as_ref(),
            _ => None,
        }
    })?;
    let patterns: Vec<String> = patterns.keys().map(|p| format!("`{p}`")).collect();
    Some(match patterns.as_slice() {
        [] => return None,
        [one] => format!("Property names match {one}."),
        many => format!("Property names match one of {}.", many.join(", ")),
    })
}

/// `text` as one reference token of a JSON pointer (RFC 6901).
fn pointer_token(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}
