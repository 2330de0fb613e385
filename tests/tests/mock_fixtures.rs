//! polar-mock's fixtures: every component schema of every pinned API
//! version has one, and each decodes strictly (no `Unknown`) into its
//! generated type and encodes back to the same JSON; the fixtures of a
//! version agree on the ids of one entity; the same document gives the same
//! fixtures (they are generated).

use polar_tests::generated::tables;
use polar_tests::{first_difference, pins};
use serde_json::Value;

#[test]
fn every_pinned_version_has_fixtures() {
    let pinned: Vec<String> = pins().into_iter().map(|p| p.version).collect();
    assert_eq!(polar_mock::api_versions(), pinned);
}

#[test]
fn every_schema_of_every_version_has_a_fixture_that_decodes_strictly() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for table in tables() {
        let version = table.version;
        let fixtures = polar_mock::fixtures::schemas(version).expect("a compiled version");
        let mut names: Vec<&str> = fixtures.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        assert_eq!(
            names, table.schemas,
            "{version}: a fixture per generated component schema"
        );
        for (name, json) in fixtures {
            checked += 1;
            let fixture: Value = serde_json::from_str(json).expect("fixture JSON");
            match (table.roundtrip)(name, json).expect("a known schema") {
                Ok(encoded) => {
                    if let Some(diff) = first_difference(&fixture, &encoded) {
                        failures.push(format!("{version} {name}: {diff}"));
                    }
                }
                Err(err) => failures.push(format!("{version} {name}: {err}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every UUID-valued `*_id` in every fixture of a version: the ids one
/// entity gets, which must be the same everywhere.
fn ids(value: &Value, property: Option<&str>, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                ids(inner, Some(key), out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| ids(item, property, out)),
        Value::String(text) => {
            if let Some(entity) = property.and_then(|p| p.strip_suffix("_id")) {
                if text.len() == 36 && text.as_bytes()[8] == b'-' {
                    out.push((entity.to_owned(), text.clone()));
                }
            }
        }
        _ => {}
    }
}

#[test]
fn one_entity_has_one_id_in_every_fixture_of_a_version() {
    for version in polar_mock::api_versions() {
        let mut found = Vec::new();
        for (_, json) in polar_mock::fixtures::schemas(version).unwrap() {
            ids(&serde_json::from_str(json).unwrap(), None, &mut found);
        }
        let mut by_entity = std::collections::BTreeMap::<String, String>::new();
        for (entity, id) in found {
            let first = by_entity
                .entry(entity.clone())
                .or_insert_with(|| id.clone());
            assert_eq!(
                *first, id,
                "{version}: `{entity}_id` differs between fixtures"
            );
        }
        for entity in [
            "customer",
            "product",
            "organization",
            "subscription",
            "order",
        ] {
            assert!(by_entity.contains_key(entity), "{version}: no {entity}_id");
        }
    }
}

#[cfg(feature = "v2026-10")]
#[test]
fn fixtures_read_like_real_data() {
    use polar_mock::fixtures::{v2026_10, With};

    let order = v2026_10::order();
    assert_eq!(order.customer_id, order.customer.id);
    assert_eq!(order.product_id, order.product.as_ref().map(|p| p.id));
    assert_eq!(order.currency, "usd");
    assert_eq!(v2026_10::subscription().customer_id, order.customer_id);
    assert_eq!(
        v2026_10::subscription().status,
        polar_models::v2026_10::SubscriptionStatus::Active
    );
    assert!(v2026_10::subscription().canceled_at.is_none());
    assert!(order.created_at.to_rfc3339().starts_with("2026-"));
    assert!(order
        .customer
        .email
        .as_deref()
        .unwrap_or_default()
        .ends_with("@example.com"));
    let free = v2026_10::order().with(|o| o.net_amount = 0);
    assert_eq!(free.net_amount, 0);
    assert_eq!(free.id, order.id);
}
