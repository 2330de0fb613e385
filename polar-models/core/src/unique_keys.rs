//! A free-form JSON value read with one rule typed structs already follow:
//! a key written twice in one object is a decode error naming it.
//!
//! `serde_json::Value` keeps the last of duplicate keys silently, so a
//! union's `Unknown` read with it would hold (and re-encode) a payload other
//! than the one received.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};

/// Parse `json` as one value, refusing a key twice in any object.
pub fn value_from_str(json: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = UniqueKeys.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Parse `json` as `T` through `value_from_str`: for the union members
/// that are a map or a free-form value.
pub fn from_str_unique_keys<T: DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    T::deserialize(value_from_str(json)?)
}

/// Reads a value of `T` (a map, a `serde_json::Value`, or anything holding
/// one) refusing a key twice in any object, at any depth: the value is read
/// as a `serde_json::Value` by `UniqueKeys`, then decoded from it. For
/// the struct properties whose type holds a map or a free-form value
/// (`codegen/src/emit/struct_decode.rs`); typed structs refuse a field
/// twice by themselves.
pub struct UniqueKeysThen<T>(PhantomData<T>);

/// [`UniqueKeysThen`] for the type the property's slot holds.
pub fn unique_keys<T>() -> UniqueKeysThen<T> {
    UniqueKeysThen(PhantomData)
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for UniqueKeysThen<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        let value = UniqueKeys.deserialize(deserializer)?;
        T::deserialize(value).map_err(de::Error::custom)
    }
}

/// Reads a `serde_json::Value`, refusing duplicate keys at any depth.
#[derive(Clone, Copy)]
pub struct UniqueKeys;

impl<'de> DeserializeSeed<'de> for UniqueKeys {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(UniqueKeys)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(UniqueKeys)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Like serde_json: a non-finite number is `null`.
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Value, D::Error> {
        inner.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use super::value_from_str;

    #[test]
    fn reads_what_serde_json_reads_without_duplicates() {
        let json = r#"{"a": [1, -2, 2.5, "x", true, null, {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(
            value_from_str(json).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn a_duplicate_key_at_any_depth_is_named() {
        for (json, key) in [
            (r#"{"a": 1, "a": 1}"#, "a"),
            (r#"[{"x": {"b": 1, "c": 2, "b": 3}}]"#, "b"),
        ] {
            let error = value_from_str(json).unwrap_err().to_string();
            assert!(error.contains(&format!("duplicate key `{key}`")), "{error}");
        }
    }

    #[test]
    fn the_same_key_in_sibling_objects_is_fine() {
        assert!(value_from_str(r#"[{"a": 1}, {"a": 2}, {"a": {"a": 3}}]"#).is_ok());
    }
}
