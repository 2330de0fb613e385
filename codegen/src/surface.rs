//! A compact, line-per-item listing of the generated API, for snapshot
//! tests: a spec refresh shows up as a readable diff of this text.
//!
//! Items are sorted by Rust name and members keep spec order, so an
//! unrelated reordering in the document does not show up as noise.

use std::fmt::Write;

use crate::ir::accessors::View;
use crate::ir::{MapKey, Models, OnMissing, Presence, TypeId, TypeKind, TypeRef, Union};

/// Every type of `polar-models` with its fields, variants or target.
pub fn models(models: &Models) -> String {
    let mut types: Vec<_> = models
        .types
        .iter()
        .enumerate()
        .map(|(index, ty)| (TypeId(index), ty))
        .collect();
    types.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut out = String::new();
    for (id, ty) in types {
        match &ty.kind {
            TypeKind::Struct(structure) => {
                let _ = writeln!(out, "struct {}", ty.name);
                for field in &structure.fields {
                    let rust = match field.int_const {
                        Some(value) => format!("ConstInt<{value}>"),
                        None => short_type(models, &field.ty, field.boxed),
                    };
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
                union_methods(&mut out, models, id, union);
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

/// A union's accessors (`.name() -> Option<&T>`, `(always)` when only
/// `Unknown` lends nothing) and constructors (`::name(args) -> Variant`).
fn union_methods(out: &mut String, models: &Models, id: TypeId, union: &Union) {
    for (_, line) in union_method_lines(models, id, union) {
        let _ = writeln!(out, "    {line}");
    }
}

/// A union's methods, each as `(name, signature)`: `.id() -> Option<&Uuid>`,
/// `::seats(i64) -> Seats`. For the surface and the changelog.
pub fn union_method_lines(models: &Models, id: TypeId, union: &Union) -> Vec<(String, String)> {
    let Some(methods) = models.union_methods.get(&id) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for accessor in &methods.accessors {
        let lent = match (accessor.view, &accessor.ty) {
            (View::Str, _) => "str".to_owned(),
            (View::Slice, TypeRef::Vec(item)) => format!("[{}]", short_type(models, item, false)),
            (View::Nullable, ty) => format!("Nullable<{}>", short_type(models, ty, false)),
            (_, ty) => short_type(models, ty, false),
        };
        let always = if accessor.always { " (always)" } else { "" };
        let name = format!(".{}()", accessor.name);
        lines.push((name.clone(), format!("{name} -> Option<&{lent}>{always}")));
    }
    for constructor in &methods.constructors {
        let args: Vec<String> = match &models.get(constructor.member).kind {
            TypeKind::Struct(structure) if constructor.with_new => structure
                .constructor_arguments()
                .map(|f| {
                    let ty = short_type(models, &f.ty, f.boxed);
                    match f.presence {
                        Presence::RequiredNullable => format!("Option<{ty}>"),
                        _ => ty,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let name = format!("::{}", constructor.name);
        lines.push((
            name.clone(),
            format!(
                "{name}({}) -> {}",
                args.join(", "),
                union.variants[constructor.variant].rust_name
            ),
        ));
    }
    lines
}

/// A Rust type as a reader would write it, without paths.
pub fn short_type(models: &Models, ty: &TypeRef, boxed: bool) -> String {
    let text = match ty {
        TypeRef::Named(id) => models.get(*id).name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Secret => "Secret".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::ConstBool(flag) => format!("ConstBool<{flag}>"),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Const(id) => format!("Const<{:?}>", models.consts[id.0].value),
        TypeRef::Vec(inner) => format!("Vec<{}>", short_type(models, inner, false)),
        // `String` keys are left unsaid: `Map<V>`; others are `Map<K, V>`.
        TypeRef::Map { key, value } => {
            let value = short_type(models, value, false);
            match key {
                MapKey::String => format!("Map<{value}>"),
                MapKey::Uuid => format!("Map<Uuid, {value}>"),
                MapKey::Enum(id) => format!("Map<{}, {value}>", models.get(*id).name),
            }
        }
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

/// Every operation of `polar-api`: how it is reached, its arguments,
/// optional parameters, body and result, one item per line, sorted by
/// the call path.
pub fn operations(models: &Models) -> String {
    use crate::ir::{Pagination, ResponseKind};
    let mut lines: Vec<(String, String)> = Vec::new();
    for op in &models.operations {
        let mut args: Vec<String> = op
            .arguments()
            .map(|p| format!("{}: {}", p.rust_name, param_type(models, p)))
            .collect();
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            args.push(format!("body: {}", body_type(models, &body.ty)));
        }
        let result = match &op.success.kind {
            ResponseKind::Json(ty) => short_type(models, ty, false),
            ResponseKind::JsonOrPending(ty) => {
                format!("Option<{}> (None on 202)", short_type(models, ty, false))
            }
            ResponseKind::Empty => "()".to_owned(),
            ResponseKind::Csv => "String (text/csv)".to_owned(),
        };
        let call = format!("{}.{}({})", receiver(op), op.method, args.join(", "));
        let overlay = match op.documented_at {
            Some(_) => " (from the overlay)",
            None => "",
        };
        let mut text = format!(
            "{call} -> {result}  [{} {}] ({}){overlay}\n",
            op.http_method, op.path, op.operation_id
        );
        for param in op.query_params.iter().filter(|p| !p.required) {
            text.push_str(&format!(
                "    .{}({})\n",
                param.rust_name,
                param_type(models, param)
            ));
            if let Some((key, value)) = param.map_entry() {
                let key = match key {
                    MapKey::String => "String".to_owned(),
                    MapKey::Uuid => "Uuid".to_owned(),
                    MapKey::Enum(id) => models.get(id).name.clone(),
                };
                text.push_str(&format!(
                    "    .{}_entry(impl Into<{key}>, impl Into<{}>)\n",
                    crate::ir::names::unraw(&param.rust_name),
                    short_type(models, value, false)
                ));
            }
        }
        if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
            text.push_str(&format!("    .body({})\n", body_type(models, &body.ty)));
        }
        if let Some(pagination) = &op.pagination {
            let (kind, item) = match pagination {
                Pagination::Pages { item } => ("pages", item),
                Pagination::Cursor { item } => ("cursor", item),
                Pagination::Mixed { item, .. } => ("pages or cursor", item),
            };
            let unique = if crate::emit::api_pages::has_unique_stream(models, item) {
                ", .stream_unique() (by id)"
            } else {
                ""
            };
            text.push_str(&format!(
                "    .stream() -> Stream<{}> ({kind}){unique}\n",
                short_type(models, item, false)
            ));
        }
        let errors: Vec<String> = op
            .errors
            .iter()
            .map(|e| format!("{} {}", e.status, short_type(models, &e.ty, false)))
            .collect();
        if !errors.is_empty() {
            text.push_str(&format!("    errors: {}\n", errors.join(", ")));
        }
        lines.push((call, text));
    }
    lines.sort();
    lines.into_iter().map(|(_, text)| text).collect()
}

/// The value an operation's method is called on: `client.products()`,
/// `portal.orders()`, `member_portal.members()`.
pub fn receiver(op: &crate::ir::Operation) -> String {
    use crate::ir::Auth;
    let (client, groups) = match op.auth {
        Auth::Organization | Auth::Public => ("client", &op.group[..]),
        Auth::Portal | Auth::PortalPublic => ("portal", &op.group[1..]),
        Auth::PortalMember => ("member_portal", &op.group[1..]),
    };
    let chain: String = groups.iter().map(|g| format!(".{g}()")).collect();
    format!("{client}{chain}")
}

/// A body argument: `impl Into<T>` for a union (any member converts).
fn body_type(models: &Models, ty: &TypeRef) -> String {
    let text = short_type(models, ty, false);
    if crate::ir::accessors::argument_takes_into(models, ty) {
        format!("impl Into<{text}>")
    } else {
        text
    }
}

fn param_type(models: &Models, param: &crate::ir::Param) -> String {
    let ty = short_type(models, &param.ty, false);
    match (param.many, param.deep_object) {
        (true, _) => format!("OneOrMany<{ty}>"),
        (false, true) => format!("{ty} as deepObject"),
        _ => ty,
    }
}
