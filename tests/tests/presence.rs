//! Required, optional, nullable and the three states of an update body,
//! serialized exactly as the API reads them.

use polar_models::v2026_10::{Nullable, ProductUpdate};
use serde_json::json;

#[test]
fn update_body_leaves_out_clears_and_sets() {
    let unchanged = ProductUpdate::default();
    assert_eq!(serde_json::to_value(&unchanged).unwrap(), json!({}));

    let cleared = ProductUpdate {
        description: Nullable::Null,
        ..ProductUpdate::default()
    };
    assert_eq!(
        serde_json::to_value(&cleared).unwrap(),
        json!({"description": null})
    );

    let set = ProductUpdate {
        description: "A better product".to_owned().into(),
        name: Nullable::Absent,
        ..ProductUpdate::default()
    };
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({"description": "A better product"})
    );
}

#[test]
fn update_body_decodes_the_three_states_apart() {
    let decoded: ProductUpdate =
        serde_json::from_value(json!({"description": null, "name": "New"})).unwrap();
    assert_eq!(decoded.description, Nullable::Null);
    assert_eq!(decoded.name, Nullable::Value("New".to_owned()));
    assert_eq!(decoded.visibility, Nullable::Absent);
}

#[test]
fn required_nullable_is_sent_as_null_and_optional_is_left_out() {
    // `Address.line1` is optional (left out when `None`); `BenefitCustom`'s
    // `modified_at` is required and nullable (always sent).
    let address: polar_models::v2026_10::Address =
        serde_json::from_value(json!({"country": "SE"})).unwrap();
    assert_eq!(address.line1, None);
    let encoded = serde_json::to_value(&address).unwrap();
    assert_eq!(encoded, json!({"country": "SE"}));

    let schema_check = codegen::ir::lower(&polar_tests::pinned_spec()).unwrap();
    let benefit = schema_check
        .component("BenefitCustom")
        .map(|id| schema_check.get(id))
        .unwrap();
    let codegen::ir::TypeKind::Struct(structure) = &benefit.kind else {
        panic!("BenefitCustom is a struct")
    };
    let modified_at = structure
        .fields
        .iter()
        .find(|f| f.wire_name == "modified_at")
        .unwrap();
    assert_eq!(
        modified_at.presence,
        codegen::ir::Presence::RequiredNullable
    );

    let mut custom = codegen::instance::InstanceBuilder::new(&polar_tests::pinned_spec())
        .component("BenefitCustom")
        .unwrap();
    custom["modified_at"] = json!(null);
    let decoded: polar_models::v2026_10::BenefitCustom = serde_json::from_value(custom).unwrap();
    assert_eq!(decoded.modified_at, None);
    assert_eq!(
        serde_json::to_value(&decoded).unwrap()["modified_at"],
        json!(null)
    );
}
