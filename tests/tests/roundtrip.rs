//! Every component schema of the pinned spec, as a JSON instance built from
//! the spec itself, decodes into its generated type and encodes back to the
//! same JSON.

use codegen::instance::InstanceBuilder;
use polar_tests::generated::schemas::{roundtrip, SCHEMAS};
use polar_tests::{first_difference, pinned_spec};

/// Union members are built first-member and second-member, so both the
/// first variant and another one are exercised.
const VARIANT_PASSES: usize = 2;

#[test]
fn every_component_schema_round_trips() {
    let spec = pinned_spec();
    assert_eq!(
        SCHEMAS.len(),
        spec.components.schemas.len(),
        "the dispatch table is stale: run `cargo xtask regen`"
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for pass in 0..VARIANT_PASSES {
        let builder = InstanceBuilder::new(&spec).with_variant(pass);
        for name in spec.components.schemas.keys() {
            let instance = builder.component(name).expect("the schema exists");
            let json = instance.to_string();
            let outcome = roundtrip(name, &json)
                .unwrap_or_else(|| panic!("`{name}` is missing from the dispatch table"));
            checked += 1;
            match outcome {
                Ok(encoded) => {
                    if let Some(diff) = first_difference(&instance, &encoded) {
                        failures.push(format!("{name} (pass {pass}): {diff}\n    input: {json}"));
                    }
                }
                Err(err) => {
                    failures.push(format!("{name} (pass {pass}): {err}\n    input: {json}"))
                }
            }
        }
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
