//! `Nullable`: `None` never turns into an explicit clear. The three states
//! of an update body are only ever chosen by name.

use polar_models::Nullable;
use serde::Serialize;
use serde_json::json;

#[derive(Serialize, Default)]
struct Update {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    description: Nullable<String>,
}

fn body(description: Nullable<String>) -> serde_json::Value {
    serde_json::to_value(Update { description }).unwrap()
}

/// `Option<T>` does not convert into `Nullable<T>` at all, so
/// `update.description = maybe.into()` does not compile and cannot clear a
/// field by accident. (The check is at compile time: were the conversion
/// there, `<Option<String> as NoConversion<_>>::check` would be ambiguous.)
#[test]
fn option_does_not_convert_into_nullable() {
    trait NoConversion<Marker> {
        fn check() {}
    }
    impl<T: ?Sized> NoConversion<()> for T {}
    struct Converts;
    impl<T: Into<Nullable<String>>> NoConversion<Converts> for T {}
    <Option<String> as NoConversion<_>>::check();
    <Option<&str> as NoConversion<_>>::check();
}

#[test]
fn none_leaves_the_field_alone() {
    let maybe: Option<String> = None;
    assert_eq!(Nullable::set_if_some(maybe), Nullable::Absent);
    assert_eq!(body(Nullable::set_if_some(None)), json!({}));
    assert_eq!(
        body(Nullable::set_if_some(Some("new".to_owned()))),
        json!({"description": "new"})
    );
}

#[test]
fn every_state_has_a_name() {
    assert_eq!(
        body(Nullable::set("new".to_owned())),
        json!({"description": "new"})
    );
    assert_eq!(body(Nullable::clear()), json!({"description": null}));
    assert_eq!(body(Nullable::Absent), json!({}));
    // Clearing on `None` is possible, but has to be asked for.
    assert_eq!(
        body(Nullable::set_or_clear(None)),
        json!({"description": null})
    );
    assert_eq!(
        body(Nullable::set_or_clear(Some("new".to_owned()))),
        json!({"description": "new"})
    );
}

#[test]
fn a_value_or_a_str_converts_into_a_set() {
    let from_string: Nullable<String> = "new".to_owned().into();
    let from_str: Nullable<String> = "new".into();
    assert_eq!(from_string, Nullable::Value("new".to_owned()));
    assert_eq!(from_str, Nullable::Value("new".to_owned()));
    let number: Nullable<i64> = 3.into();
    assert_eq!(number, Nullable::Value(3));
}
