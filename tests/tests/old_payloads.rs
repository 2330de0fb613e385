//! Old payloads under new types: for every pair of adjacent pinned API
//! versions, every component schema and every webhook event both documents
//! have is built as the OLD document describes it (a full instance, every
//! listed property, and a minimal one, only required properties), then
//! decoded the way users decode (not strictly) with the NEW version's
//! types. Redeliveries and stored objects from before a field existed look
//! like this.
//!
//! The test asserts the drift policy (README, "Decoding policy"):
//! - a payload that fails, fails because a property the new type requires
//!   is missing and its policy is `OnMissing::Error`, and names it;
//! - a payload that decodes had nothing invented: every property the
//!   decoder added is a required property the old shape lacked whose policy
//!   is `Default` or `UnknownEnum`, and none of them is a number;
//! - a payload that decodes keeps every property it had, except those the
//!   new version no longer lists (unknown properties are ignored).
//!
//! `cargo test -p polar-tests --test old_payloads -- --nocapture` prints
//! the numbers (README, "Old payloads under newer types").

use std::collections::BTreeMap;

use codegen::instance::InstanceBuilder;
use codegen::ir::{ConstLit, Models, OnMissing, Presence, Shape, TypeKind, TypeRef};
use codegen::spec::{ref_name, Schema, Spec};
use polar_api::webhooks::{Webhook, WebhookOutcome, WebhookSecret};
use polar_tests::generated::{tables, VersionTable};
use polar_tests::{decoding_as_users_do, first_difference, spec};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Old-shaped payloads.

/// `value`, an instance of `schema` built by `InstanceBuilder` (union
/// members chosen first-fit), with every property the schema does not
/// require left out, at every depth.
fn minimal(spec: &Spec, schema: &Schema, value: &Value) -> Value {
    if let Some(target) = resolve(spec, schema) {
        return minimal(spec, target, value);
    }
    if let Some(members) = schema.one_of.as_ref().or(schema.any_of.as_ref()) {
        return match members
            .iter()
            .find(|m| !m.is_null() && fits(spec, m, value))
        {
            Some(member) => minimal(spec, member, value),
            None => value.clone(),
        };
    }
    match value {
        Value::Object(object) if !schema.properties.is_empty() => Value::Object(
            object
                .iter()
                .filter(|(key, _)| schema.required.contains(key))
                .map(|(key, v)| {
                    let kept = match schema.properties.get(key) {
                        Some(property) => minimal(spec, property, v),
                        None => v.clone(),
                    };
                    (key.clone(), kept)
                })
                .collect(),
        ),
        Value::Array(items) => match &schema.items {
            Some(item) => Value::Array(items.iter().map(|v| minimal(spec, item, v)).collect()),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

fn resolve<'s>(spec: &'s Spec, schema: &Schema) -> Option<&'s Schema> {
    let name = ref_name(schema.reference.as_deref()?)?;
    spec.components.schemas.get(name)
}

/// Whether `value` is an instance of `schema` by its JSON kind, required
/// properties, listed properties and constants.
fn fits(spec: &Spec, schema: &Schema, value: &Value) -> bool {
    if let Some(target) = resolve(spec, schema) {
        return fits(spec, target, value);
    }
    if let Some(members) = schema.one_of.as_ref().or(schema.any_of.as_ref()) {
        return members.iter().any(|m| fits(spec, m, value));
    }
    if let Some(constant) = &schema.const_value {
        return constant == value;
    }
    let types = schema.type_names();
    let is = |name: &str| types.contains(&name);
    match value {
        Value::Object(object) => {
            (is("object") || !schema.properties.is_empty())
                && schema.required.iter().all(|r| object.contains_key(r))
                && (schema.properties.is_empty()
                    || object.keys().all(|k| schema.properties.contains_key(k)))
                && object.iter().all(|(k, v)| {
                    schema
                        .properties
                        .get(k)
                        .and_then(|p| p.const_value.as_ref())
                        .is_none_or(|c| c == v)
                })
        }
        Value::Array(_) => is("array"),
        Value::String(_) => is("string") || schema.enum_values.is_some(),
        Value::Number(n) => is("number") || (is("integer") && (n.is_i64() || n.is_u64())),
        Value::Bool(_) => is("boolean"),
        Value::Null => schema.is_null(),
    }
}

// ---------------------------------------------------------------------------
// What the new types expect of a payload.

/// A property the new type requires and the payload lacks.
#[derive(Debug, Clone)]
struct Hole {
    /// JSON path of the missing property.
    path: String,
    /// `RustType.wire_name`.
    field: String,
    kind: &'static str,
    presence: Presence,
    on_missing: OnMissing,
}

#[derive(Default)]
struct Expectation {
    holes: Vec<Hole>,
    /// Paths of properties the new type does not list (ignored on decode).
    unlisted: Vec<String>,
}

/// Walks a payload along the new version's IR, the way decoding would.
struct Walker<'m> {
    models: &'m Models,
}

impl Walker<'_> {
    fn walk(&self, value: &Value, ty: &TypeRef, path: &str, out: &mut Expectation) {
        if value.is_null() {
            return;
        }
        match ty {
            TypeRef::Named(id) => {
                let def = self.models.get(*id);
                match &def.kind {
                    TypeKind::Alias(target) => self.walk(value, target, path, out),
                    TypeKind::Enum(_) => {}
                    TypeKind::Union(union) => {
                        if let Some(variant) = self.variant(union, value) {
                            self.walk(value, &union.variants[variant].ty, path, out);
                        }
                    }
                    TypeKind::Struct(s) => {
                        let Value::Object(object) = value else { return };
                        for field in &s.fields {
                            let child = format!("{path}.{}", field.wire_name);
                            match object.get(&field.wire_name) {
                                Some(v) => self.walk(v, &field.ty, &child, out),
                                None if matches!(
                                    field.presence,
                                    Presence::Required | Presence::RequiredNullable
                                ) =>
                                {
                                    out.holes.push(Hole {
                                        path: child,
                                        field: format!("{}.{}", def.name, field.wire_name),
                                        kind: self.kind(&field.ty),
                                        presence: field.presence,
                                        on_missing: field.on_missing,
                                    })
                                }
                                None => {}
                            }
                        }
                        for (key, v) in object {
                            if s.fields.iter().any(|f| &f.wire_name == key) {
                                continue;
                            }
                            let child = format!("{path}.{key}");
                            match &s.additional {
                                Some(values) => self.walk(v, values, &child, out),
                                None => out.unlisted.push(child),
                            }
                        }
                    }
                }
            }
            TypeRef::Vec(item) => {
                for (i, v) in value.as_array().into_iter().flatten().enumerate() {
                    self.walk(v, item, &format!("{path}[{i}]"), out);
                }
            }
            TypeRef::Tuple(items) => {
                for (i, (v, item)) in value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .zip(items)
                    .enumerate()
                {
                    self.walk(v, item, &format!("{path}[{i}]"), out);
                }
            }
            TypeRef::Map { value: values, .. } => {
                for (key, v) in value.as_object().into_iter().flatten() {
                    self.walk(v, values, &format!("{path}.{key}"), out);
                }
            }
            TypeRef::Nullable(inner) => self.walk(value, inner, path, out),
            TypeRef::Page { item, pagination } => {
                if let Some(items) = value.get("items") {
                    let list = TypeRef::Vec(item.clone());
                    self.walk(items, &list, &format!("{path}.items"), out);
                }
                if let Some(p) = value.get("pagination") {
                    let page = TypeRef::Named(*pagination);
                    self.walk(p, &page, &format!("{path}.pagination"), out);
                }
            }
            _ => {}
        }
    }

    /// The variant decoding tries first: by discriminator, else by shape
    /// (the runtime's ranking: constants matched, required all present,
    /// known minus unknown properties). `None`: it lands in `Unknown`.
    fn variant(&self, union: &codegen::ir::Union, value: &Value) -> Option<usize> {
        if let Some(tag) = union
            .discriminator
            .as_ref()
            .and_then(|d| value.get(d))
            .and_then(Value::as_str)
        {
            return union
                .variants
                .iter()
                .position(|v| v.tags.iter().any(|t| t == tag));
        }
        union
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| score(&v.shape, value).map(|s| (s, i)))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, i)| i)
    }

    /// The kind of a field's type, for the report.
    fn kind(&self, ty: &TypeRef) -> &'static str {
        match ty {
            TypeRef::Integer => "integer",
            TypeRef::Number => "number",
            TypeRef::Boolean => "bool",
            TypeRef::Const(_) | TypeRef::ConstBool(_) => "const",
            TypeRef::String | TypeRef::Secret => "string",
            TypeRef::Uuid => "string (uuid)",
            TypeRef::DateTime | TypeRef::Date => "string (date-time)",
            TypeRef::Vec(_) | TypeRef::Tuple(_) => "array",
            TypeRef::Map { .. } => "map",
            TypeRef::Any => "any JSON",
            TypeRef::Unit => "null",
            TypeRef::Nullable(inner) => self.kind(inner),
            TypeRef::Page { .. } => "nested object",
            TypeRef::Named(id) => match &self.models.get(*id).kind {
                TypeKind::Alias(target) => self.kind(target),
                TypeKind::Enum(_) => "enum",
                TypeKind::Struct(_) => "nested object",
                TypeKind::Union(_) => "union",
            },
        }
    }
}

/// The decoder's ranking (`polar-models/core/src/union_decode.rs`), on a
/// `Value`.
type Score = (u8, usize, bool, bool, i64, i64);

fn score(shape: &Shape, value: &Value) -> Option<Score> {
    let exact = |fits: bool| fits.then_some((2, 0, true, true, 0, 0));
    match (shape, value) {
        (
            Shape::Object {
                required,
                known,
                consts,
                closed,
            },
            Value::Object(object),
        ) => {
            let mut matched = 0;
            for (path, lit) in consts {
                let at = path
                    .iter()
                    .try_fold(value, |value, key| value.as_object()?.get(key));
                match (at, lit) {
                    (Some(Value::String(v)), ConstLit::Str(e)) if v == e => matched += 1,
                    (Some(Value::Bool(v)), ConstLit::Bool(e)) if v == e => matched += 1,
                    (Some(_), _) => return None,
                    (None, _) => {}
                }
            }
            let known_present = object.keys().filter(|k| known.contains(k)).count();
            let unknown_present = object.len() - known_present;
            if *closed && unknown_present > 0 {
                return None;
            }
            Some((
                1,
                matched,
                required.iter().all(|r| object.contains_key(r)),
                unknown_present == 0,
                known_present as i64 - unknown_present as i64,
                known_present as i64 - known.len() as i64,
            ))
        }
        (Shape::OneOf(shapes), _) => shapes.iter().filter_map(|s| score(s, value)).max(),
        (Shape::StringConst(e), Value::String(v)) => (v == e).then_some((4, 0, true, true, 0, 0)),
        (Shape::Formatted, Value::String(_)) => Some((3, 0, true, true, 0, 0)),
        (Shape::String, Value::String(_)) => exact(true),
        (Shape::Integer, Value::Number(n)) => exact(n.is_i64() || n.is_u64()),
        (Shape::Number, Value::Number(_)) => Some((1, 0, true, true, 0, 0)),
        (Shape::Boolean, Value::Bool(_)) => exact(true),
        (Shape::Array, Value::Array(_)) => exact(true),
        (Shape::Null, Value::Null) => exact(true),
        (Shape::Any, _) => Some((0, 0, false, false, 0, 0)),
        _ => None,
    }
}

/// Whether an integer field holds money: Polar's amounts are integers in
/// cents named `*amount*`, `*price*`, `*fee*` or `*balance*`.
fn is_money(field: &str) -> bool {
    let name = field.rsplit('.').next().unwrap_or(field);
    ["amount", "price", "fee", "balance"]
        .iter()
        .any(|word| name.contains(word))
}

fn kind_label(hole: &Hole) -> String {
    let kind = if hole.kind == "integer" && is_money(&hole.field) {
        "money amount (integer)"
    } else {
        hole.kind
    };
    match hole.presence {
        Presence::RequiredNullable => format!("nullable {kind}"),
        _ => kind.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// What decoding did.

/// Paths the decoder added (absent from the input, present after the round
/// trip), with their values.
fn added(path: &str, input: &Value, output: &Value, out: &mut Vec<(String, Value)>) {
    match (input, output) {
        (Value::Object(i), Value::Object(o)) => {
            for (key, value) in o {
                let child = format!("{path}.{key}");
                match i.get(key) {
                    Some(before) => added(&child, before, value, out),
                    None => out.push((child, value.clone())),
                }
            }
        }
        (Value::Array(i), Value::Array(o)) if i.len() == o.len() => {
            for (n, (before, after)) in i.iter().zip(o).enumerate() {
                added(&format!("{path}[{n}]"), before, after, out);
            }
        }
        _ => {}
    }
}

/// Paths of the input the round trip lost or changed.
fn lost(path: &str, input: &Value, output: &Value, out: &mut Vec<String>) {
    match (input, output) {
        (Value::Object(i), Value::Object(o)) => {
            for (key, before) in i {
                let child = format!("{path}.{key}");
                match o.get(key) {
                    Some(after) => lost(&child, before, after, out),
                    None => out.push(child),
                }
            }
        }
        (Value::Array(i), Value::Array(o)) if i.len() == o.len() => {
            for (n, (before, after)) in i.iter().zip(o).enumerate() {
                lost(&format!("{path}[{n}]"), before, after, out);
            }
        }
        _ => {
            if first_difference(input, output).is_some() {
                out.push(path.to_owned());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The measurement.

#[derive(Default)]
struct Tally {
    /// Payloads built (schema or event × shape).
    built: usize,
    /// The old version's own types reject its payload: not compared.
    old_rejects: Vec<String>,
    /// Decoded with nothing filled in.
    decoded_as_is: usize,
    /// Decoded, with required properties the old shape lacked filled by
    /// their policy.
    decoded_filled: usize,
    /// Decoded, with an object lacking a property whose policy is `Error`
    /// kept raw in a union's `Unknown`.
    decoded_kept_raw: usize,
    /// Decoded, with properties the new version no longer lists dropped:
    /// their paths.
    decoded_dropped_unlisted: Vec<String>,
    /// Failed to decode: the missing `Error` property it names → the
    /// payloads.
    failed: BTreeMap<String, Vec<String>>,
    /// Filled properties: kind and policy → count.
    filled: BTreeMap<String, usize>,
    /// Broken rules.
    violations: Vec<String>,
}

impl Tally {
    fn failed_total(&self) -> usize {
        self.failed.values().map(Vec::len).sum()
    }
}

struct Pair<'a> {
    old: &'a VersionTable,
    new: &'a VersionTable,
    old_spec: Spec,
    new_models: Models,
}

impl Pair<'_> {
    /// Decode one old-shaped payload with the new types and check the rules.
    fn check(
        &self,
        label: &str,
        payload: &Value,
        ty: &TypeRef,
        old_decode: impl Fn(&str) -> Result<Value, String>,
        new_decode: impl Fn(&str) -> Result<Value, String>,
        tally: &mut Tally,
    ) {
        tally.built += 1;
        let json = payload.to_string();
        if let Err(err) = decoding_as_users_do(|| old_decode(&json)) {
            tally.old_rejects.push(format!("{label}: {err}"));
            return;
        }
        let mut expected = Expectation::default();
        Walker {
            models: &self.new_models,
        }
        .walk(payload, ty, "$", &mut expected);
        let errors: Vec<&Hole> = expected
            .holes
            .iter()
            .filter(|h| h.on_missing == OnMissing::Error)
            .collect();
        match decoding_as_users_do(|| new_decode(&json)) {
            Err(err) => {
                let named = errors
                    .iter()
                    .find(|h| err.contains(&format!("missing field `{}`", leaf(&h.field))));
                match named {
                    Some(hole) => tally
                        .failed
                        .entry(format!(
                            "{} ({}, {:?})",
                            hole.field,
                            kind_label(hole),
                            hole.on_missing
                        ))
                        .or_default()
                        .push(label.to_owned()),
                    None => tally.violations.push(format!(
                        "{label}: fails, but not for a missing property whose policy is Error \
                         (expected one of {:?}): {err}",
                        errors.iter().map(|h| &h.field).collect::<Vec<_>>()
                    )),
                }
            }
            Ok(output) => {
                let mut filled = Vec::new();
                added("$", payload, &output, &mut filled);
                for (path, value) in &filled {
                    let hole = expected.holes.iter().find(|h| &h.path == path);
                    match hole {
                        Some(hole) if hole.on_missing != OnMissing::Error && !value.is_number() => {
                            *tally
                                .filled
                                .entry(format!(
                                    "{} → {value} ({:?})",
                                    kind_label(hole),
                                    hole.on_missing
                                ))
                                .or_default() += 1;
                        }
                        _ => tally.violations.push(format!(
                            "{label}: decoding invented {path} = {value} ({hole:?})"
                        )),
                    }
                }
                let mut gone = Vec::new();
                lost("$", payload, &output, &mut gone);
                let unlisted = |p: &String| {
                    expected
                        .unlisted
                        .iter()
                        .any(|u| p == u || p.starts_with(&format!("{u}.")))
                };
                for path in gone.iter().filter(|p| !unlisted(p)) {
                    tally
                        .violations
                        .push(format!("{label}: lost {path} though the new type lists it"));
                }
                if !errors.is_empty() {
                    tally.decoded_kept_raw += 1;
                } else if !filled.is_empty() {
                    tally.decoded_filled += 1;
                } else {
                    tally.decoded_as_is += 1;
                }
                if !gone.is_empty() {
                    tally
                        .decoded_dropped_unlisted
                        .push(format!("{label}: {}", gone.join(", ")));
                }
            }
        }
    }
}

fn leaf(field: &str) -> &str {
    field.rsplit('.').next().unwrap_or(field)
}

fn print(title: &str, compared: usize, tally: &Tally) {
    println!(
        "  {title}: {compared} in both documents, {} payloads (full + minimal)",
        tally.built
    );
    println!(
        "    old types reject their own payload (not compared): {}",
        tally.old_rejects.len()
    );
    for reject in &tally.old_rejects {
        println!("      {reject}");
    }
    println!(
        "    decode: {} ({} as they are, {} with missing properties filled, {} with part kept \
         raw in a union's Unknown; {} dropped properties the new version no longer lists)",
        tally.decoded_as_is + tally.decoded_filled + tally.decoded_kept_raw,
        tally.decoded_as_is,
        tally.decoded_filled,
        tally.decoded_kept_raw,
        tally.decoded_dropped_unlisted.len(),
    );
    for dropped in &tally.decoded_dropped_unlisted {
        println!("      dropped {dropped}");
    }
    println!("    fail: {}", tally.failed_total());
    for (cause, labels) in &tally.failed {
        println!(
            "      {:4}  missing {cause}: {}",
            labels.len(),
            labels.join(", ")
        );
    }
    println!("    filled in decoded payloads:");
    for (what, n) in &tally.filled {
        println!("      {n:4}  {what}");
    }
}

#[test]
fn old_payloads_under_newer_types_follow_the_drift_policy() {
    let tables = tables();
    assert!(
        tables.len() >= 2,
        "needs two compiled versions to compare, has {}",
        tables.len()
    );
    let mut violations = Vec::new();
    let mut payloads = 0;
    for window in tables.windows(2) {
        let (old, new) = (&window[0], &window[1]);
        let old_spec = spec(old.version);
        let new_spec = spec(new.version);
        let pair = Pair {
            old,
            new,
            new_models: codegen::ir::lower(&new_spec).expect("the pinned spec lowers"),
            old_spec,
        };
        let builder = InstanceBuilder::new(&pair.old_spec);
        println!("{} → {}", old.version, new.version);

        // Component schemas generated in both versions.
        let mut tally = Tally::default();
        let shared: Vec<&str> = old
            .schemas
            .iter()
            .copied()
            .filter(|name| new.schemas.contains(name))
            .collect();
        for name in &shared {
            let schema = &pair.old_spec.components.schemas[*name];
            let full = builder.component(name).expect("the schema exists");
            let id = pair.new_models.component(name).expect("generated in both");
            for (shape, payload) in [
                ("full", full.clone()),
                ("minimal", minimal(&pair.old_spec, schema, &full)),
            ] {
                pair.check(
                    &format!("{} {name} ({shape})", pair.new.version),
                    &payload,
                    &TypeRef::Named(id),
                    |json| (pair.old.roundtrip)(name, json).expect("in the old table"),
                    |json| (pair.new.roundtrip)(name, json).expect("in the new table"),
                    &mut tally,
                );
            }
        }
        print("component schemas", shared.len(), &tally);
        assert!(tally.built > 0);
        payloads += tally.built - tally.old_rejects.len();
        violations.append(&mut tally.violations);

        // Webhook events of both documents, as the payload enum.
        let mut tally = Tally::default();
        let events = pair
            .new_models
            .webhook_event
            .expect("2026 versions have webhooks");
        let shared: Vec<&String> = pair
            .old_spec
            .webhooks
            .keys()
            .filter(|event| new_spec.webhooks.contains_key(*event))
            .collect();
        for event in &shared {
            let schema = pair.old_spec.webhooks[*event]
                .webhook_body()
                .expect("a webhook has a JSON body");
            let full = builder.schema(schema);
            for (shape, payload) in [
                ("full", full.clone()),
                ("minimal", minimal(&pair.old_spec, schema, &full)),
            ] {
                pair.check(
                    &format!("{} webhook {event} ({shape})", pair.new.version),
                    &payload,
                    &TypeRef::Named(events),
                    |json| (pair.old.webhook_roundtrip)(json).expect("old webhooks"),
                    |json| (pair.new.webhook_roundtrip)(json).expect("new webhooks"),
                    &mut tally,
                );
            }
        }
        print("webhook events", shared.len(), &tally);
        payloads += tally.built - tally.old_rejects.len();
        violations.append(&mut tally.violations);
    }
    assert!(payloads > 0, "nothing was compared");
    assert!(
        violations.is_empty(),
        "{} old-shaped payloads broke the drift policy:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// The checks above can fail: a decoder that invented a missing amount, lost
/// a property, or failed for a reason other than a missing `Error` property
/// is reported. (Fake decoders over a 2026-10 order lacking
/// `refundable_amount`, a required money amount whose policy is `Error`.)
#[test]
fn the_checks_catch_invented_amounts_lost_fields_and_other_failures() {
    let tables = tables();
    let (old, new) = (&tables[0], &tables[tables.len() - 1]);
    let new_spec = spec(new.version);
    let mut order = InstanceBuilder::new(&new_spec)
        .component("Order")
        .expect("2026-10 has orders");
    order
        .as_object_mut()
        .unwrap()
        .remove("refundable_amount")
        .expect("orders have a refundable_amount");
    let pair = Pair {
        old,
        new,
        new_models: codegen::ir::lower(&new_spec).expect("the pinned spec lowers"),
        old_spec: new_spec,
    };
    let id = pair.new_models.component("Order").unwrap();
    let accept = |_: &str| Ok(Value::Null);
    let run = |decode: &dyn Fn(&str) -> Result<Value, String>| {
        let mut tally = Tally::default();
        pair.check(
            "order",
            &order,
            &TypeRef::Named(id),
            accept,
            decode,
            &mut tally,
        );
        tally
    };

    let invented = run(&|json| {
        let mut value: Value = serde_json::from_str(json).unwrap();
        value["refundable_amount"] = json!(0);
        Ok(value)
    });
    assert!(
        invented.violations[0].contains("invented $.refundable_amount = 0"),
        "{:?}",
        invented.violations
    );

    let lost = run(&|json| {
        let mut value: Value = serde_json::from_str(json).unwrap();
        value.as_object_mut().unwrap().remove("total_amount");
        Ok(value)
    });
    assert!(
        lost.violations
            .iter()
            .any(|v| v.contains("lost $.total_amount")),
        "{:?}",
        lost.violations
    );

    let other = run(&|_| Err("invalid type: string, expected i64".to_owned()));
    assert_eq!(other.violations.len(), 1, "{:?}", other.violations);

    let honest = run(&|_| Err("missing field `refundable_amount`".to_owned()));
    assert!(honest.violations.is_empty(), "{:?}", honest.violations);
    assert_eq!(
        honest.failed.keys().collect::<Vec<_>>(),
        ["Order.refundable_amount (money amount (integer), Error)"]
    );
}

// ---------------------------------------------------------------------------
// Nothing lost: an old-shaped delivery that cannot be typed reaches the
// handler raw.

const SECRET: &str = "whsec_q7Jm2VfXo9LcR4tWbZ1Ne8KdYs3Hu6PgAa0Ti5ExMkQ=";
const NOW: i64 = 1_795_000_000;

/// `organization.updated` as the 2026-04 document describes it: its
/// `Organization` has no `dispute_settings`, a nested object 2026-10
/// requires and has no honest default for.
fn old_organization_updated() -> Value {
    let old = spec("2026-04");
    let schema = old.webhooks["organization.updated"]
        .webhook_body()
        .expect("a webhook has a JSON body");
    let payload = InstanceBuilder::new(&old).schema(schema);
    assert!(
        payload["data"].get("dispute_settings").is_none(),
        "the 2026-04 organization has no dispute_settings"
    );
    assert!(
        spec("2026-10").components.schemas["Organization"]
            .required
            .iter()
            .any(|r| r == "dispute_settings"),
        "2026-10 requires dispute_settings"
    );
    payload
}

fn deliver(webhook: &Webhook, body: &[u8], version: Option<&str>) -> WebhookOutcome {
    let id = "msg_old_shape";
    let mut headers = vec![
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", NOW.to_string()),
        ("webhook-signature", webhook.sign(id, NOW, body)),
    ];
    if let Some(version) = version {
        headers.push(("webhook-api-version", version.to_owned()));
    }
    webhook
        .verify_and_route_at(&headers, body, NOW)
        .expect("a good signature verifies")
}

#[test]
fn an_old_shaped_delivery_that_cannot_be_typed_reaches_the_handler_raw() {
    let payload = old_organization_updated();
    let body = serde_json::to_vec_pretty(&payload).unwrap();
    let webhook = Webhook::new(WebhookSecret::new(SECRET).unwrap());

    // Declared 2026-10, and undeclared (decoded as the default, Current,
    // version): undecodable, with the verified bytes untouched.
    for declared in [Some("2026-10"), None] {
        match deliver(&webhook, &body, declared) {
            WebhookOutcome::Undecodable {
                version,
                delivery,
                error,
            } => {
                assert_eq!(version, "2026-10");
                assert_eq!(delivery.body, body, "the verified body, byte for byte");
                assert_eq!(delivery.event_type.as_deref(), Some("organization.updated"));
                assert_eq!(delivery.json().unwrap(), payload);
                assert!(
                    error.to_string().contains("dispute_settings"),
                    "the error names the missing property: {error}"
                );
            }
            other => panic!("declared {declared:?}: expected Undecodable, got {other:?}"),
        }
    }

    // Declared as the version it was shaped by, it decodes.
    match deliver(&webhook, &body, Some("2026-04")) {
        WebhookOutcome::Event { event, .. } => assert_eq!(event.api_version(), "2026-04"),
        other => panic!("declared 2026-04: expected an event, got {other:?}"),
    }
}
