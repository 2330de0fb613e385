//! Every member of every union of every pinned API version (component and
//! inline unions, request and response bodies, unions of primitives, the
//! webhook payload), as a JSON instance built from that member's schema,
//! decodes into *that* member's variant and encodes back to the same JSON.
//!
//! The round trips of `roundtrip.rs` build each union from one member at a
//! time and only check that the JSON survives; a union whose members look
//! alike can decode a payload into the wrong member and still re-encode
//! most of it. This test names the variant it expects, and decodes as
//! users do (not strictly), so a member that would take another member's
//! payload is not saved by a strict check users do not run.
//!
//! Each decoded member is then asked every accessor of its union
//! (`grant.benefit_id()`), which must lend the member's own property.

use codegen::instance::InstanceBuilder;
use codegen::ir::accessors::{MemberAccess, UnionMethods, View};
use codegen::ir::{MapKey, Models, TypeDef, TypeId, TypeKind, TypeRef, Union, UnionVariant};
use codegen::spec::Schema;
use polar_tests::generated::{tables, VersionTable};
use polar_tests::{capturing_debug, decoding_as_users_do, first_difference, spec, spec_text};
use serde_json::{json, Value};

/// Unions two of whose members no JSON tells apart: `(version, union,
/// member, why)`. A member listed here may decode as another member of
/// the same union. The goal is none.
const EXEMPT: &[(&str, &str, &str, &str)] = &[
    (
        "2026-04",
        "BenefitGrantProperties",
        "FeatureFlag",
        SAME_EMPTY_OBJECT,
    ),
    (
        "2026-04",
        "CustomerStateBenefitGrantProperties",
        "FeatureFlag",
        SAME_EMPTY_OBJECT,
    ),
    (
        "2026-10",
        "BenefitGrantProperties",
        "FeatureFlag",
        SAME_EMPTY_OBJECT,
    ),
    (
        "2026-10",
        "CustomerStateBenefitGrantProperties",
        "FeatureFlag",
        SAME_EMPTY_OBJECT,
    ),
];

/// Why a feature flag grant's properties cannot be told from a custom
/// grant's.
const SAME_EMPTY_OBJECT: &str = "`BenefitGrantFeatureFlagProperties` and \
    `BenefitGrantCustomProperties` are the same schema (an object listing no properties), \
    so `{}` is either; the grant's `benefit_type` beside it says which, and the tightest \
    fit decodes it as the custom one, listed first";

#[test]
fn every_member_of_every_union_decodes_to_itself() {
    let tables = tables();
    assert!(!tables.is_empty(), "no API version is compiled in");
    let (mut unions, mut members, mut exempted, mut accessor_checks) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for table in &tables {
        let counts = check_version(table, &mut failures, &mut accessor_checks);
        unions += counts.0;
        members += counts.1;
        exempted += counts.2;
    }
    println!(
        "{unions} unions, {members} members, {exempted} exemptions, {accessor_checks} \
         accessor answers ({} versions)",
        tables.len()
    );
    assert!(accessor_checks > 0, "no union accessor was asked");
    assert!(
        failures.is_empty(),
        "{} of {members} union members did not decode to themselves or answer their accessors:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        exempted,
        EXEMPT.len(),
        "an exemption is stale: it names no member, or one that now decodes to itself"
    );
}

/// Checks one version: every member decodes to itself and answers each
/// accessor of its union with its own property (counted in
/// `accessor_checks`). Returns (unions, members, exempted members that
/// did not decode to themselves).
fn check_version(
    table: &VersionTable,
    failures: &mut Vec<String>,
    accessor_checks: &mut usize,
) -> (usize, usize, usize) {
    let version = table.version;
    let spec = spec(version);
    let document: Value = serde_json::from_str(&spec_text(version)).expect("the document is JSON");
    let models = codegen::ir::lower(&spec).expect("the pinned spec lowers");
    let builder = InstanceBuilder::new(&spec);
    let mut names: Vec<&str> = models
        .types
        .iter()
        .filter(|ty| matches!(ty.kind, TypeKind::Union(_)))
        .map(|ty| ty.name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        table.unions,
        names.as_slice(),
        "{version}: the union table is stale: run `cargo xtask regen`"
    );
    let (mut unions, mut members, mut exempted) = (0, 0, 0);
    for (index, ty) in models.types.iter().enumerate() {
        let TypeKind::Union(union) = &ty.kind else {
            continue;
        };
        unions += 1;
        for variant in &union.variants {
            members += 1;
            let exempt = EXEMPT
                .iter()
                .any(|(v, u, m, _)| *v == version && *u == ty.name && *m == variant.rust_name);
            let instance = member_instance(&models, &builder, &document, variant);
            if let Err(problem) = decodes_to_itself(table, ty, variant, &instance) {
                exempted += usize::from(exempt);
                if !exempt {
                    failures.push(format!(
                        "{version} {}::{}: {problem}\n    input: {instance}",
                        ty.name, variant.rust_name
                    ));
                }
                continue;
            }
            let methods = models.union_methods.get(&TypeId(index));
            let Some(methods) = methods.filter(|m| !m.accessors.is_empty()) else {
                continue;
            };
            match answers_with_its_fields(table, ty, methods, index_of(union, variant), &instance) {
                Ok(count) => *accessor_checks += count,
                Err(problem) => failures.push(format!(
                    "{version} {}::{}: {problem}\n    input: {instance}",
                    ty.name, variant.rust_name
                )),
            }
        }
    }
    (unions, members, exempted)
}

fn index_of(union: &Union, variant: &UnionVariant) -> usize {
    union
        .variants
        .iter()
        .position(|v| v.rust_name == variant.rust_name)
        .expect("the variant is the union's")
}

/// A member's instance, decoded as the union, answers each accessor with
/// the member's own property: `Some(value)` where the instance has a
/// value, `None` where it has none or `null` (a tri-state accessor lends
/// the `Nullable` itself, which holds what was sent). Returns how many
/// accessors answered.
fn answers_with_its_fields(
    table: &VersionTable,
    union: &TypeDef,
    methods: &UnionMethods,
    variant: usize,
    instance: &Value,
) -> Result<usize, String> {
    let answers = (table.union_accessors)(&union.name, &instance.to_string())
        .ok_or("no accessors in the union table: run `cargo xtask regen`")??;
    let names: Vec<&str> = answers.iter().map(|(name, _)| *name).collect();
    let expected: Vec<&str> = methods.accessors.iter().map(|a| a.name.as_str()).collect();
    if names != expected {
        return Err(format!(
            "the table's accessors {names:?} are not the IR's {expected:?}: run `cargo xtask regen`"
        ));
    }
    for (accessor, (_, lent)) in methods.accessors.iter().zip(&answers) {
        let property = instance.get(&accessor.wire_name).filter(|v| !v.is_null());
        let wanted = match (accessor.view, property) {
            (View::Nullable, None) => Some(
                instance
                    .get(&accessor.wire_name)
                    .cloned()
                    .unwrap_or(Value::Null),
            ),
            (_, property) => property.cloned(),
        };
        if accessor.always && lent.is_none() {
            return Err(format!(
                "`{}()` is documented as always `Some`, and lent nothing",
                accessor.name
            ));
        }
        let same = match (&wanted, lent) {
            (Some(wanted), Some(lent)) => first_difference(wanted, lent).is_none(),
            (None, None) => true,
            _ => false,
        };
        if !same {
            let through = match accessor.members[variant] {
                MemberAccess::Field { .. } => "",
                MemberAccess::Union => " (through the member union's accessor)",
            };
            return Err(format!(
                "`{}()` lent {lent:?}, the member's `{}` is {wanted:?}{through}",
                accessor.name, accessor.wire_name
            ));
        }
    }
    Ok(answers.len())
}

fn decodes_to_itself(
    table: &VersionTable,
    union: &TypeDef,
    variant: &UnionVariant,
    instance: &Value,
) -> Result<(), String> {
    let json = instance.to_string();
    // Decoded as users decode, not strictly: strict decoding refuses a
    // constant holding another value, which would hide a member that takes
    // another member's payload (users' decoding keeps such a value).
    let (outcome, debug) =
        decoding_as_users_do(|| capturing_debug(|| (table.union_roundtrip)(&union.name, &json)));
    let encoded = outcome.ok_or("missing from the union table")??;
    // The decoded value's `Debug` starts with its variant's name.
    let decoded_as = debug
        .first()
        .and_then(|text| text.split('(').next())
        .unwrap_or_default();
    if decoded_as != variant.rust_name {
        return Err(format!("decoded as `{decoded_as}`"));
    }
    match first_difference(instance, &encoded) {
        Some(diff) => Err(format!("re-encoded differently: {diff}")),
        None => Ok(()),
    }
}

/// An instance of one member: built from its schema where the document
/// has it, from its type for a union of primitives (shared by structure).
fn member_instance(
    models: &Models,
    builder: &InstanceBuilder<'_>,
    document: &Value,
    variant: &UnionVariant,
) -> Value {
    if variant.source.is_empty() {
        return primitive_instance(models, &variant.ty);
    }
    let schema = resolve(document, &variant.source)
        .unwrap_or_else(|| panic!("no schema at {}", variant.source));
    let schema: Schema = serde_json::from_value(schema.clone())
        .unwrap_or_else(|e| panic!("the schema at {} does not parse: {e}", variant.source));
    builder.schema(&schema)
}

fn primitive_instance(models: &Models, ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Any => json!("text"),
        TypeRef::Integer => json!(1),
        TypeRef::Number => json!(1.5),
        TypeRef::Boolean => json!(true),
        TypeRef::ConstBool(value) => json!(value),
        TypeRef::DateTime => json!("2026-04-16T12:30:00Z"),
        TypeRef::Date => json!("2026-04-16"),
        TypeRef::Uuid => json!("3f8e4a52-6c1d-4b7e-9a0f-2d5c8b1e7a43"),
        TypeRef::Unit => Value::Null,
        TypeRef::Const(id) => json!(models.consts[id.0].value),
        TypeRef::Vec(inner) => json!([primitive_instance(models, inner)]),
        TypeRef::Map {
            key: MapKey::String,
            value,
        } => json!({ "key": primitive_instance(models, value) }),
        TypeRef::Tuple(items) => items
            .iter()
            .map(|item| primitive_instance(models, item))
            .collect(),
        TypeRef::Nullable(inner) => primitive_instance(models, inner),
        other => panic!("a union of primitives holds {other:?}"),
    }
}

/// The value at a JSON pointer as the generator writes it in error
/// messages: its tokens are not always escaped (`#/paths//v1/orders//get`),
/// so at each object the longest run of the remaining tokens that is one
/// of its keys (joined with `/`) is taken; a union's members are counted
/// without its `null` member, as the generator counts them; and a
/// nullable wrapper (`anyOf: [X, null]`), a body's media type and a
/// parameter's `schema`, which the generator's pointers leave out, are
/// looked through here too.
fn resolve<'v>(document: &'v Value, pointer: &str) -> Option<&'v Value> {
    let tokens: Vec<String> = pointer
        .strip_prefix("#/")?
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect();
    resolve_tokens(document, &tokens)
}

fn resolve_tokens<'v>(value: &'v Value, rest: &[String]) -> Option<&'v Value> {
    let Some(first) = rest.first() else {
        return Some(value);
    };
    let map = value.as_object()?;
    if let (Some(Value::Array(members)), true) = (map.get(first), is_union_keyword(first)) {
        let index: usize = rest.get(1)?.parse().ok()?;
        let member = members.iter().filter(|m| !is_null_schema(m)).nth(index)?;
        return resolve_tokens(member, &rest[2..]);
    }
    if let Some(taken) = (1..=rest.len())
        .rev()
        .find(|n| map.contains_key(&rest[..*n].join("/")))
    {
        return resolve_tokens(&map[&rest[..taken].join("/")], &rest[taken..]);
    }
    // A body or a response, whose media type and `schema` the pointer
    // leaves out.
    if let Some(Value::Object(content)) = map.get("content") {
        let media = ["application/json", "application/x-www-form-urlencoded"]
            .iter()
            .find_map(|media| content.get(*media))?;
        return resolve_tokens(media.get("schema")?, rest);
    }
    // A parameter, named by its `name`, whose `schema` the pointer leaves out.
    if let (Some(Value::Array(parameters)), Some(name)) = (map.get("parameters"), rest.get(1)) {
        if first == "parameters" {
            let parameter = parameters
                .iter()
                .find(|p| p.get("name") == Some(&json!(name)))?;
            return resolve_tokens(parameter.get("schema")?, &rest[2..]);
        }
    }
    // A nullable wrapper the pointer has no token for.
    let members = ["anyOf", "oneOf"].iter().find_map(|k| map.get(*k))?;
    let non_null: Vec<&Value> = members
        .as_array()?
        .iter()
        .filter(|m| !is_null_schema(m))
        .collect();
    match non_null.as_slice() {
        [single] => resolve_tokens(single, rest),
        _ => None,
    }
}

fn is_union_keyword(token: &str) -> bool {
    token == "anyOf" || token == "oneOf"
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("null"))
}

/// A request-body union whose members are closed (`additionalProperties:
/// false`) and one of which requires nothing: a payload no member
/// describes is kept whole, not taken by the member that requires nothing
/// with its other properties dropped.
#[test]
fn a_payload_no_closed_member_describes_is_kept_whole() {
    use polar_models::v2026_10::CustomerSubscriptionUpdate as Update;
    let decode = |json: &str| serde_json::from_str::<Update>(json).unwrap();
    // `resume` is `const: true`; `false` is no member's.
    match decode(r#"{"resume": false}"#) {
        Update::Unknown(raw) => assert_eq!(raw, serde_json::json!({"resume": false})),
        other => panic!("taken as {other:?}"),
    }
    assert!(matches!(decode(r#"{"resume": true}"#), Update::Resume(_)));
    // Properties of two members at once: neither takes the other's.
    assert!(matches!(
        decode(r#"{"cancel_at_period_end": true, "seats": 3}"#),
        Update::Unknown(_)
    ));
    // Nothing at all: the member that requires nothing.
    assert!(matches!(decode("{}"), Update::Cancel(_)));
}
