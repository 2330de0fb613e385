//! A compact, line-per-item listing of the generated API, for snapshot
//! tests: a spec refresh shows up as a readable diff of this text.
//!
//! Items are sorted by Rust name and members keep spec order, so an
//! unrelated reordering in the document does not show up as noise.

use std::fmt::Write;

use crate::ir::{Models, OnMissing, Presence, TypeKind, TypeRef};

/// Every type of `polar-models` with its fields, variants or target.
pub fn models(models: &Models) -> String {
    let mut types: Vec<_> = models.types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::new();
    for ty in types {
        match &ty.kind {
            TypeKind::Struct(structure) => {
                let _ = writeln!(out, "struct {}", ty.name);
                for field in &structure.fields {
                    let rust = short_type(models, &field.ty, field.boxed);
                    let wrapped = match field.presence {
                        Presence::Required => rust,
                        Presence::RequiredNullable | Presence::Optional => {
                            format!("Option<{rust}>")
                        }
                        Presence::Tristate => format!("Nullable<{rust}>"),
                    };
                    let missing = match (field.presence, field.on_missing) {
                        (Presence::Required, OnMissing::Default) => " (default if absent)",
                        (Presence::Required, OnMissing::UnknownEnum) => {
                            " (Unknown(\"\") if absent)"
                        }
                        _ => "",
                    };
                    let _ = writeln!(out, "    {}: {wrapped}{missing}", field.rust_name);
                }
                if let Some(values) = &structure.additional {
                    let _ = writeln!(out, "    ..: {}", short_type(models, values, false));
                }
            }
            TypeKind::Enum(string_enum) => {
                let _ = writeln!(out, "enum {}", ty.name);
                for variant in &string_enum.variants {
                    let _ = writeln!(out, "    {} = {:?}", variant.rust_name, variant.wire_value);
                }
            }
            TypeKind::Union(union) => {
                match &union.discriminator {
                    Some(property) => writeln!(out, "union {} by {property}", ty.name),
                    None => writeln!(out, "union {}", ty.name),
                }
                .expect("writing to a String");
                for variant in &union.variants {
                    let tags = if variant.tags.is_empty() {
                        String::new()
                    } else {
                        format!(" = {:?}", variant.tags.join("|"))
                    };
                    let rust = short_type(models, &variant.ty, variant.boxed);
                    let _ = writeln!(out, "    {}({rust}){tags}", variant.rust_name);
                }
            }
            TypeKind::Alias(target) => {
                let _ = writeln!(
                    out,
                    "type {} = {}",
                    ty.name,
                    short_type(models, target, false)
                );
            }
        }
    }
    out
}

/// A Rust type as a reader would write it, without paths.
pub fn short_type(models: &Models, ty: &TypeRef, boxed: bool) -> String {
    let text = match ty {
        TypeRef::Named(id) => models.get(*id).name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::ConstBool(flag) => format!("bool (const {flag})"),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Const(id) => format!("Const<{:?}>", models.consts[id.0].value),
        TypeRef::Vec(inner) => format!("Vec<{}>", short_type(models, inner, false)),
        TypeRef::Map(inner) => format!("Map<{}>", short_type(models, inner, false)),
        TypeRef::Tuple(items) => {
            let items: Vec<_> = items.iter().map(|i| short_type(models, i, false)).collect();
            format!("({})", items.join(", "))
        }
        TypeRef::Nullable(inner) => format!("Option<{}>", short_type(models, inner, false)),
        TypeRef::Page { item, pagination } => format!(
            "Page<{}, {}>",
            short_type(models, item, false),
            models.get(*pagination).name
        ),
    };
    if boxed {
        format!("Box<{text}>")
    } else {
        text
    }
}
