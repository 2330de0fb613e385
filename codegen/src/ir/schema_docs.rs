//! Docs for the component schemas the spec leaves undescribed, which
//! would otherwise read "The `CheckoutCreate` schema.": what an alias
//! stands for, what a union holds and how to read or build one, and
//! which operations take or return the type. Written from the IR, after
//! every other pass.

use std::fmt::Write;

use super::{MapKey, Models, Origin, ResponseKind, TypeId, TypeKind, TypeRef};

/// The doc a component without a title or description gets.
pub fn placeholder_doc(spec_name: &str) -> String {
    format!("The `{spec_name}` schema.")
}

/// Replaces every placeholder doc ([`placeholder_doc`]) of an alias or a
/// union with one that says what the type is and where it is used.
pub(super) fn explain_undescribed(models: &mut Models) {
    let docs: Vec<(usize, String)> = models.types[..models.component_count]
        .iter()
        .enumerate()
        .filter_map(|(index, ty)| {
            let Origin::Component(spec_name) = &ty.origin else {
                return None;
            };
            if ty.doc != placeholder_doc(spec_name) {
                return None;
            }
            let what = match &ty.kind {
                TypeKind::Alias(target) => alias_doc(models, &ty.name, spec_name, target),
                TypeKind::Union(_) => union_doc(models, TypeId(index)),
                _ => return None,
            };
            let mut doc = what;
            let uses = uses(models, TypeId(index));
            if !uses.is_empty() {
                let _ = write!(doc, "\n\n{}", uses.join(" "));
            }
            Some((index, doc))
        })
        .collect();
    for (index, doc) in docs {
        models.types[index].doc = doc;
    }
}

fn alias_doc(models: &Models, name: &str, spec_name: &str, target: &TypeRef) -> String {
    let TypeRef::Named(id) = target else {
        return format!(
            "Another name for `{}` (the spec names this schema `{spec_name}`).",
            type_text(models, target)
        );
    };
    let target_def = models.get(*id);
    let target_name = &target_def.name;
    let mut doc = format!(
        "Another name for [`{target_name}`](super::{target_name}): the spec defines \
         `{spec_name}` as that schema, so the two names are one type."
    );
    if let TypeKind::Struct(structure) = &target_def.kind {
        if structure.has_constructor() {
            let _ = write!(
                doc,
                " Build it with `{name}::new(..)` and its setters, as a `{target_name}`."
            );
        }
    }
    let summary = target_def.doc.split("\n\n").next().unwrap_or_default();
    if !summary.is_empty() && !summary.contains("```") {
        let _ = write!(doc, "\n\n{target_name}: {summary}");
    }
    doc
}

fn union_doc(models: &Models, id: TypeId) -> String {
    let ty = models.get(id);
    let TypeKind::Union(union) = &ty.kind else {
        return String::new();
    };
    let variants: Vec<String> = union
        .variants
        .iter()
        .map(|v| format!("[`{0}`]({1}::{0})", v.rust_name, ty.name))
        .collect();
    let mut doc = format!(
        "One of {}, or [`Unknown`]({}::Unknown) for a member this version of the SDK \
         does not know.",
        variants.join(", "),
        ty.name
    );
    if let Some(methods) = models.union_methods.get(&id) {
        if !methods.accessors.is_empty() {
            let names: Vec<String> = methods
                .accessors
                .iter()
                .take(4)
                .map(|a| format!("`{}()`", a.name))
                .collect();
            let more = match methods.accessors.len() {
                0..=4 => String::new(),
                n => format!(" and {} more", n - 4),
            };
            let _ = write!(
                doc,
                " The fields every member has are read without a `match`: {}{more}.",
                names.join(", ")
            );
        }
        if let Some(first) = methods.constructors.first() {
            let _ = write!(
                doc,
                " Build one with a constructor such as `{}::{}(..)`, or convert a member \
                 with `.into()` (an operation taking it takes any member).",
                ty.name, first.name
            );
        }
    }
    doc
}

/// "The request body of `x:y`." / "What `x:y` returns." for the
/// operations that name the type itself.
fn uses(models: &Models, id: TypeId) -> Vec<String> {
    let target = TypeRef::Named(id);
    let mut bodies = Vec::new();
    let mut returns = Vec::new();
    for op in &models.operations {
        let call = format!("`{}.{}(..)`", crate::surface::receiver(op), op.method);
        if op.body.as_ref().is_some_and(|body| body.ty == target) {
            bodies.push(call.clone());
        }
        if let ResponseKind::Json(ty) | ResponseKind::JsonOrPending(ty) = &op.success.kind {
            if *ty == target {
                returns.push(call);
            }
        }
    }
    let mut out = Vec::new();
    if !bodies.is_empty() {
        out.push(format!("The request body of {}.", bodies.join(", ")));
    }
    if !returns.is_empty() {
        out.push(format!("Returned by {}.", returns.join(", ")));
    }
    out
}

/// A type as Rust writes it, without paths.
fn type_text(models: &Models, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Map { key, value } => {
            let key = match key {
                MapKey::String => "String".to_owned(),
                MapKey::Uuid => "Uuid".to_owned(),
                MapKey::Enum(id) => models.get(*id).name.clone(),
            };
            format!("BTreeMap<{key}, {}>", type_text(models, value))
        }
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(models, inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_text(models, inner)),
        other => crate::surface::short_type(models, other, false),
    }
}
