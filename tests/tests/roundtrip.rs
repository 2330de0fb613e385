//! Every generated component schema of every pinned API version, as a JSON
//! instance built from that version's spec, decodes into its generated type
//! and encodes back to the same JSON.

use codegen::instance::InstanceBuilder;
use codegen::ir::{Origin, TypeKind};
use polar_tests::generated::{tables, VersionTable};
use polar_tests::{first_difference, pins, spec, UNLISTED_ENUM_VALUE};

/// Union members are built first-member and second-member, so both the
/// first variant and another one are exercised.
const VARIANT_PASSES: usize = 2;

#[test]
fn every_pinned_version_is_compiled_in() {
    let compiled: Vec<&str> = tables().iter().map(|t| t.version).collect();
    let pinned: Vec<String> = pins().into_iter().map(|p| p.version).collect();
    assert_eq!(
        compiled, pinned,
        "the tests crate's features must enable every pinned version: run `cargo xtask regen`"
    );
}

#[test]
fn every_component_schema_of_every_version_round_trips() {
    let tables = tables();
    assert!(!tables.is_empty(), "no API version is compiled in");
    let mut failures = Vec::new();
    let mut checked = 0;
    for table in &tables {
        checked += round_trip_version(table, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} round trips failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every value every string enum of every version lists parses to a listed
/// variant and gives back its own text (`Display`, `as_str`, JSON), in the
/// spec's order, and its `Debug` is the variant's name, as
/// `derive(Debug)` wrote it; a value none lists is kept as sent, in
/// `Unknown`. The enums look values up in tables (`VALUES`, `KNOWN`,
/// `NAMES`) by index, so an index off by one anywhere would show here.
#[test]
fn every_value_of_every_string_enum_round_trips() {
    let mut failures = Vec::new();
    let mut values = 0;
    let mut enums = 0;
    for table in &tables() {
        let models = codegen::ir::lower(&spec(table.version)).expect("the pinned spec lowers");
        let mut names = Vec::new();
        for ty in &models.types {
            let TypeKind::Enum(string_enum) = &ty.kind else {
                continue;
            };
            names.push(ty.name.as_str());
            enums += 1;
            let where_ = format!("{} {}", table.version, ty.name);
            let Some(answers) = (table.string_enum)(&ty.name) else {
                failures.push(format!("{where_}: not in the table"));
                continue;
            };
            let listed: Vec<&str> = string_enum
                .variants
                .iter()
                .map(|v| v.wire_value.as_str())
                .collect();
            let asked: Vec<&str> = answers.iter().map(|a| a.value.as_str()).collect();
            let mut expected = listed.clone();
            expected.push(UNLISTED_ENUM_VALUE);
            if asked != expected {
                failures.push(format!("{where_}: VALUES {asked:?}, the spec {expected:?}"));
                continue;
            }
            for (i, answer) in answers.iter().enumerate() {
                values += 1;
                let listed = i < listed.len();
                let debug = match string_enum.variants.get(i) {
                    Some(variant) => (variant.rust_name.clone(), variant.rust_name.clone()),
                    None => (
                        format!("Unknown({:?})", answer.value),
                        format!("Unknown(\n    {:?},\n)", answer.value),
                    ),
                };
                if answer.displayed != answer.value
                    || answer.encoded != serde_json::Value::String(answer.value.clone())
                    || answer.known != listed
                    || answer.debug != debug
                {
                    failures.push(format!("{where_}: {answer:?} (listed: {listed})"));
                }
            }
        }
        names.sort_unstable();
        assert_eq!(
            names, table.string_enums,
            "{}: the table's string enums are the IR's",
            table.version
        );
    }
    assert!(enums > 0 && values > enums, "no string enum was checked");
    assert!(
        failures.is_empty(),
        "{} of {values} values of {enums} enums failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{values} values of {enums} string enums checked");
}

/// Round-trips every schema of one version; returns how many it checked.
fn round_trip_version(table: &VersionTable, failures: &mut Vec<String>) -> usize {
    let version = table.version;
    let spec = spec(version);
    let models = codegen::ir::lower(&spec).expect("the pinned spec lowers");
    let mut generated: Vec<&str> = models
        .types
        .iter()
        .filter_map(|ty| match &ty.origin {
            Origin::Component(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    generated.sort_unstable();
    assert_eq!(
        table.schemas,
        generated.as_slice(),
        "{version}: the dispatch table is stale: run `cargo xtask regen`"
    );
    let mut checked = 0;
    for pass in 0..VARIANT_PASSES {
        let builder = InstanceBuilder::new(&spec).with_variant(pass);
        for name in table.schemas {
            let instance = builder.component(name).expect("the schema exists");
            let json = instance.to_string();
            let outcome = (table.roundtrip)(name, &json).unwrap_or_else(|| {
                panic!("{version}: `{name}` is missing from the dispatch table")
            });
            checked += 1;
            match outcome {
                Ok(encoded) => {
                    if let Some(diff) = first_difference(&instance, &encoded) {
                        failures.push(format!(
                            "{version} {name} (pass {pass}): {diff}\n    input: {json}"
                        ));
                    }
                }
                Err(err) => failures.push(format!(
                    "{version} {name} (pass {pass}): {err}\n    input: {json}"
                )),
            }
        }
    }
    checked
}
