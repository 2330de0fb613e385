//! Naming rules: how spec names become Rust identifiers.
//!
//! * Type names: `UpperCamelCase` of the schema name, splitting words at
//!   case changes and at any character that is not a letter or digit
//!   (`ListResource_Product_` → `ListResourceProduct`, `HTTPValidationError` →
//!   `HttpValidationError`, `CostMetadata-Input` → `CostMetadataInput`).
//! * Field names: `snake_case` of the property name; Rust keywords become raw
//!   identifiers (`type` → `r#type`), except the few that cannot be raw
//!   (`self`, `Self`, `super`, `crate`), which get a trailing `_`.
//! * Enum variants: `UpperCamelCase` of the value (`customer_service` →
//!   `CustomerService`, `checkout.created` → `CheckoutCreated`), and
//!   `-started_at` → `StartedAtDesc` (see [`super::enum_names`]).
//! * Anything that would start with a digit is prefixed (`_`-less): `V` for
//!   variants and types, `n` for fields. An empty name becomes `Empty`/`empty`.
//! * Collisions inside one namespace are resolved by appending `2`, `3`, ...
//!   in a fixed order (see [`Namespace`]).

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// `UpperCamelCase` identifier for a type or variant.
pub fn type_name(raw: &str) -> String {
    let camel = raw.to_upper_camel_case();
    let camel: String = camel
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if camel.is_empty() {
        "Empty".to_owned()
    } else if camel == "Self" {
        // `Self` is a keyword that no type or variant may be named.
        "SelfValue".to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

/// `snake_case` identifier for a field or module, keywords made raw.
pub fn field_name(raw: &str) -> String {
    let snake = raw.to_snake_case();
    let snake: String = snake
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let snake = if snake.is_empty() {
        "empty".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{snake}")
    } else {
        snake
    };
    escape_keyword(snake)
}

/// A module (file stem) name; modules are never keywords here, but escape
/// them with a suffix to keep file names plain.
pub fn module_name(type_name: &str) -> String {
    let snake = type_name.to_snake_case();
    if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

fn escape_keyword(name: String) -> String {
    match name.as_str() {
        "self" | "Self" | "super" | "crate" | "_" => format!("{name}_"),
        _ if is_keyword(&name) => format!("r#{name}"),
        _ => name,
    }
}

/// Strict and reserved keywords of Rust 2021 (and the 2024 `gen`).
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

/// The identifier without a leading `r#`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// A set of names already taken; `claim` returns the name itself or, when
/// taken, the first free `name2`, `name3`, ... Callers claim in a fixed order,
/// so the outcome is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        (2..)
            .map(|n| suffixed(wanted, n))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

/// `name` with a numeric suffix, keeping raw identifiers valid
/// (`r#type` → `type_2`).
fn suffixed(name: &str, n: usize) -> String {
    match name.strip_prefix("r#") {
        Some(bare) => format!("{bare}_{n}"),
        None if name.ends_with(|c: char| c.is_ascii_digit()) => format!("{name}_{n}"),
        None => format!("{name}{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_follow_the_documented_rule() {
        assert_eq!(type_name("ListResource_Product_"), "ListResourceProduct");
        assert_eq!(type_name("HTTPValidationError"), "HttpValidationError");
        assert_eq!(type_name("CostMetadata-Input"), "CostMetadataInput");
        assert_eq!(type_name("checkout.created"), "CheckoutCreated");
        assert_eq!(type_name("3ds"), "V3ds");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("self"), "SelfValue");
    }

    #[test]
    fn field_names_escape_keywords() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("customFieldData"), "custom_field_data");
        assert_eq!(field_name("_cost"), "cost");
        assert_eq!(field_name("1st"), "n1st");
    }

    #[test]
    fn namespace_suffixes_collisions_in_claim_order() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("Foo"), "Foo2");
        assert_eq!(ns.claim("Foo"), "Foo3");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_2");
        assert_eq!(ns.claim("v1"), "v1");
        assert_eq!(ns.claim("v1"), "v1_2");
    }
}
