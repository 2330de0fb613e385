//! String enums: a component's own, inline ones (named by where they stand,
//! or shared by `title` when every inline enum of that title lists the
//! same values) and the component an inline enum repeats.

use std::collections::HashMap;

use serde_json::Value;

use super::docs::doc_text;
use super::enum_names::enum_variants;
use super::lower::{schema_children, wrap_nullable, Ctx, Lowering, RUNTIME_NAMES};
use super::names::{module_name, type_name};
use super::*;
use crate::spec::Schema;
use crate::Error;

impl Lowering<'_> {
    /// The component an inline enum repeats: same name as its `title`, same
    /// values.
    fn component_enum_for(&self, schema: &Schema) -> Option<TypeId> {
        let title = schema.title.as_ref()?;
        let component = self.schemas.get(title.as_str())?;
        let same = component.enum_values.as_deref().map(string_values)
            == schema.enum_values.as_deref().map(string_values);
        same.then(|| self.component_ids[title.as_str()])
    }

    pub(super) fn inline_enum(
        &mut self,
        schema: &Schema,
        values: &[Value],
        ctx: &Ctx,
    ) -> Result<TypeRef, Error> {
        let nullable = values.iter().any(Value::is_null);
        if let Some(component) = self.component_enum_for(schema) {
            return Ok(wrap_nullable(TypeRef::Named(component), nullable));
        }
        let kind = TypeKind::Enum(string_enum(values, ctx)?);
        let doc = doc_text(schema.title.as_deref(), schema.description.as_deref());
        let id = match self.shared_enum_name(schema) {
            Some(title) => match self.shared_enums.get(&title) {
                Some(id) => *id,
                None => {
                    let name = self.type_names.claim(&type_name(&title));
                    let module = self.module_names.claim(&module_name(&name));
                    let id = self.push(TypeDef {
                        name,
                        origin: Origin::SharedEnum {
                            title: title.clone(),
                        },
                        doc: doc_text(Some(&title), None),
                        module,
                        kind,
                    });
                    self.shared_enums.insert(title, id);
                    id
                }
            },
            None => self.add_type(&ctx.hint, ctx, doc, kind),
        };
        Ok(wrap_nullable(TypeRef::Named(id), nullable))
    }

    /// The title an inline enum is shared under, when every inline enum with
    /// that title has the same values and no component owns the name.
    fn shared_enum_name(&self, schema: &Schema) -> Option<String> {
        let title = schema.title.as_ref()?;
        let values = self.titled_enums.get(title)?.as_ref()?;
        let own = string_values(schema.enum_values.as_deref().unwrap_or_default());
        let free = !self
            .schemas
            .keys()
            .any(|name| type_name(name) == type_name(title))
            && !RUNTIME_NAMES.contains(&type_name(title).as_str());
        (own == *values && free).then(|| title.clone())
    }

    pub(super) fn collect_titled_enums(&mut self) {
        fn walk(schema: &Schema, top: bool, out: &mut HashMap<String, Option<Vec<String>>>) {
            if let (Some(values), Some(title), false) = (&schema.enum_values, &schema.title, top) {
                let values = string_values(values);
                out.entry(title.clone())
                    .and_modify(|known| {
                        if known.as_ref() != Some(&values) {
                            *known = None;
                        }
                    })
                    .or_insert(Some(values));
            }
            for child in schema_children(schema) {
                walk(child, false, out);
            }
        }
        let mut titled = HashMap::new();
        for schema in self.schemas.values() {
            walk(schema, true, &mut titled);
        }
        for item in self.spec.paths.values() {
            for (_, operation) in item.operations() {
                for schema in reach::operation_schemas(operation, &item.parameters) {
                    walk(schema, false, &mut titled);
                }
            }
        }
        self.titled_enums = titled;
    }
}

pub(super) fn string_enum(values: &[Value], ctx: &Ctx) -> Result<StringEnum, Error> {
    let mut texts = Vec::with_capacity(values.len());
    for value in values {
        match value {
            Value::String(text) => texts.push(text.as_str()),
            Value::Null => {}
            other => {
                return Err(ctx.error(format!(
                    "enum value {other} is not a string; only string enums are supported"
                )))
            }
        }
    }
    Ok(StringEnum {
        variants: enum_variants(texts),
    })
}

pub(super) fn string_values(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
