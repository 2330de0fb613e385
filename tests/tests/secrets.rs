//! Credentials never print: every generated type with a field the
//! generator's rule (`codegen::ir::secrets`) calls a credential is decoded
//! from a JSON instance with a unique sentinel in each such field; the
//! sentinel must not appear in the value's `{:?}`, and must come back in
//! the re-encoded JSON.

use codegen::instance::InstanceBuilder;
use codegen::ir::secrets::{credential_fields, secret_fields, SecretField};
use polar_tests::generated::tables;
use polar_tests::{capturing_debug, pins, spec};
use serde_json::Value;

#[test]
fn no_credential_field_prints_its_value() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for table in tables() {
        let version = table.version;
        let spec = spec(version);
        let models = codegen::ir::lower(&spec).expect("the pinned spec lowers");
        let fields = credential_fields(&models);
        assert!(
            !fields.is_empty(),
            "{version}: the rule finds no credential at all"
        );
        // Inline objects have no spec name to build an instance of; none
        // holds a credential in the pinned documents. Say so if one does.
        let inline: Vec<&SecretField> = fields.iter().filter(|f| !f.component).collect();
        assert!(
            inline.is_empty(),
            "{version}: credentials in inline objects, which this test cannot reach: {inline:?}"
        );
        let builder = InstanceBuilder::new(&spec);
        let mut schemas: Vec<&str> = fields.iter().map(|f| f.schema.as_str()).collect();
        schemas.dedup();
        for schema in schemas {
            let mut instance = builder.component(schema).expect("the schema exists");
            let Value::Object(object) = &mut instance else {
                panic!("{version}: `{schema}` has fields but its instance is {instance}");
            };
            let mut sentinels = Vec::new();
            for field in fields.iter().filter(|f| f.schema == schema) {
                let sentinel = format!("SENTINEL-{version}-{schema}-{}-7f3a", field.wire_name);
                object.insert(field.wire_name.clone(), Value::String(sentinel.clone()));
                sentinels.push((field.wire_name.as_str(), sentinel));
            }
            let json = instance.to_string();
            let (outcome, debug) = capturing_debug(|| (table.roundtrip)(schema, &json));
            let encoded = match outcome {
                Some(Ok(encoded)) => encoded,
                Some(Err(err)) => {
                    failures.push(format!("{version} {schema}: {err}\n    input: {json}"));
                    continue;
                }
                None => panic!("{version}: `{schema}` is missing from the dispatch table"),
            };
            let [debug] = debug.as_slice() else {
                panic!("{version} {schema}: captured {} values", debug.len());
            };
            for (wire_name, sentinel) in &sentinels {
                checked += 1;
                if debug.contains(sentinel.as_str()) {
                    failures.push(format!(
                        "{version} {schema}.{wire_name}: `{{:?}}` shows the value: {debug}"
                    ));
                }
                if encoded.get(wire_name) != Some(&Value::String(sentinel.clone())) {
                    failures.push(format!(
                        "{version} {schema}.{wire_name}: the value is not re-encoded: {encoded}"
                    ));
                }
            }
        }
        disagreements.push((version, secret_fields(&models), fields));
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} credential fields failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every field the rule names is a `Secret` in the IR, and only those.
    for (version, secrets, credentials) in disagreements {
        assert_eq!(
            secrets, credentials,
            "{version}: lowering and the rule disagree on which fields are secrets"
        );
    }
}

/// The fields each pinned version generates as `Secret`, for review: a
/// spec refresh or a change of the rule shows up as a diff here.
#[test]
fn secret_fields_per_version() {
    for pin in pins() {
        let models = codegen::ir::lower(&spec(&pin.version)).expect("the pinned spec lowers");
        let listing: String = secret_fields(&models)
            .iter()
            .map(|f| match f.schema == f.rust_type {
                true => format!("{}.{}\n", f.schema, f.wire_name),
                false => format!("{}.{} (Rust type {})\n", f.schema, f.wire_name, f.rust_type),
            })
            .collect();
        insta::assert_snapshot!(format!("secret_fields_{}", pin.version), listing);
    }
}
