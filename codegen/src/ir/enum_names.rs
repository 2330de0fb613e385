//! Names of string-enum variants.
//!
//! * A value becomes the `UpperCamelCase` of itself ([`type_name`]):
//!   `customer_service` → `CustomerService`.
//! * A value with a leading `-` (Polar's descending sort order) is named
//!   after the rest plus `Desc`: `-started_at` → `StartedAtDesc`. A lone
//!   `-` has no rest and is named like any other value.
//! * `Unknown` is never taken: it is the variant for values the SDK does not
//!   know.
//! * Collisions are resolved in one order: values named as they are claim
//!   first, in spec order, then the `-` values, in spec order. A name that
//!   is taken gets `2`, `3`, ... ([`Namespace::claim`]), and the variant
//!   records the name it wanted ([`EnumVariant::collision`]), which its docs
//!   repeat, so no collision is silent.

use super::names::{type_name, Namespace};
use super::EnumVariant;

/// The suffix of a variant named after a descending (`-`) sort value.
pub const DESC_SUFFIX: &str = "Desc";

/// The name `value` asks for, and whether it is a descending value.
pub fn wanted_variant_name(value: &str) -> (String, bool) {
    match value.strip_prefix('-') {
        Some(rest) if !rest.is_empty() => (format!("{}{DESC_SUFFIX}", type_name(rest)), true),
        _ => (type_name(value), false),
    }
}

/// The variants of a string enum with these values, in the values' order.
pub fn enum_variants<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<EnumVariant> {
    let wanted: Vec<(&str, String, bool)> = values
        .into_iter()
        .map(|value| {
            let (name, desc) = wanted_variant_name(value);
            (value, name, desc)
        })
        .collect();
    let mut names = Namespace::new();
    names.reserve("Unknown");
    let mut claimed: Vec<Option<String>> = vec![None; wanted.len()];
    for pass_desc in [false, true] {
        for (slot, (_, name, desc)) in claimed.iter_mut().zip(&wanted) {
            if *desc == pass_desc {
                *slot = Some(names.claim(name));
            }
        }
    }
    wanted
        .into_iter()
        .zip(claimed)
        .map(|((value, name, _), rust_name)| {
            let rust_name = rust_name.expect("both passes together claim every value");
            EnumVariant {
                collision: (rust_name != name).then_some(name),
                rust_name,
                wire_value: value.to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_values_are_named_desc() {
        assert_eq!(
            wanted_variant_name("-started_at"),
            ("StartedAtDesc".to_owned(), true)
        );
        assert_eq!(
            wanted_variant_name("started_at"),
            ("StartedAt".to_owned(), false)
        );
        assert_eq!(wanted_variant_name("-"), ("Empty".to_owned(), false));
        assert_eq!(wanted_variant_name("a-b"), ("AB".to_owned(), false));
        assert_eq!(wanted_variant_name("--x"), ("XDesc".to_owned(), true));
    }
}
