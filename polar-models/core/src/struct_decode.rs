//! Decoding of generated structs.
//!
//! serde's derive writes, for every struct, a field enum with its own
//! visitor, a map visitor and a sequence visitor: about 280 lines of
//! generic code for a six-field struct, which the compiler type-checks and
//! borrow-checks for each of the ~700 structs of a version (most of the
//! models crate's build time). The generator instead writes one `visit`
//! function per struct (a slot per field, one `match` arm per key, the
//! drift policy for missing fields) and everything else is here, once:
//! the visitor, the key reader, and the per-field steps.
//!
//! What decodes is what the derive accepted, with two differences: a struct
//! no longer decodes from a JSON array of its fields in order (serde's
//! `visit_seq`; JSON objects are all Polar sends), and the properties a struct
//! keeps in `additional_properties` are decoded straight from the
//! deserializer instead of from serde's buffered copy (so any value type,
//! unions included, decodes there as it does elsewhere).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, Deserialize, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess,
    Visitor,
};

/// A generated struct's decoder: its generated [`visit`](Self::visit)
/// reads the object's entries; [`decode_struct`] does the rest.
pub trait DecodeStruct: Sized {
    /// What a value of the wrong JSON type is told was expected
    /// (`struct Name`, as serde's derive says).
    const EXPECTING: &'static str;
    /// The struct's key lookup: not generic, so it is compiled once, here,
    /// rather than for every reader in every crate that decodes the struct.
    const KEYS: Keys;
    /// Reads every entry of the object and applies the drift policy to the
    /// properties it lacked.
    fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every generated struct.
#[inline]
pub fn decode_struct<'de, T: DecodeStruct, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: DecodeStruct> Visitor<'de> for StructVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map)
    }
}

/// One key of a struct's object: the index of a listed property, or any
/// other key (ignored, or kept in `additional_properties`).
pub enum Key<'de> {
    /// The listed property at this index (the generated `match` knows which).
    Field(usize),
    /// A key the struct does not list.
    Other(Cow<'de, str>),
}

/// Reads one key, naming listed properties by the struct's lookup (a
/// non-generic `match` on the key, generated per struct).
#[derive(Clone, Copy)]
pub struct Keys(pub fn(&str) -> Option<usize>);

impl Keys {
    fn key<'de>(self, key: Cow<'de, str>) -> Key<'de> {
        match (self.0)(&key) {
            Some(index) => Key::Field(index),
            None => Key::Other(key),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = Key<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Keys {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(self.key(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(match (self.0)(v) {
            Some(index) => Key::Field(index),
            None => Key::Other(Cow::Owned(v.to_owned())),
        })
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(self.key(Cow::Owned(v)))
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(v) {
            Ok(v) => self.visit_borrowed_str(v),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
        }
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
        match std::str::from_utf8(v) {
            Ok(v) => self.visit_str(v),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
        }
    }
}

/// Decodes the value of a listed property into its slot; a property given
/// twice is an error, as with serde's derive.
#[inline]
pub fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// [`field`] for a value read by a seed (timestamps: `crate::timestamp`).
#[inline]
pub fn field_with<'de, A: MapAccess<'de>, S: DeserializeSeed<'de>>(
    map: &mut A,
    slot: &mut Option<S::Value>,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

/// Keeps the value of a key the struct does not list in its
/// `additional_properties` map. A key kept twice is an error naming it, and
/// so is a key twice inside the value: the policy of every object
/// (`crate::unique_keys`).
#[inline]
pub fn keep<'de, A: MapAccess<'de>, V: DeserializeOwned>(
    map: &mut A,
    extra: &mut std::collections::BTreeMap<String, V>,
    key: Cow<'de, str>,
) -> Result<(), A::Error> {
    if extra.contains_key(key.as_ref()) {
        return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
    }
    let value = map.next_value_seed(crate::unique_keys::unique_keys::<V>())?;
    extra.insert(key.into_owned(), value);
    Ok(())
}

/// The keys of one object that its struct neither lists nor keeps, so far:
/// only to refuse one of them twice.
#[derive(Default)]
pub struct Unlisted<'de>(std::collections::BTreeSet<Cow<'de, str>>);

/// Skips the value of a key the struct neither lists nor keeps; the same
/// key twice in one object is an error naming it, as a listed property
/// twice is (serde's derive would skip both).
#[inline]
pub fn skip_unlisted<'de, A: MapAccess<'de>>(
    map: &mut A,
    seen: &mut Unlisted<'de>,
    key: Cow<'de, str>,
) -> Result<(), A::Error> {
    if seen.0.contains(key.as_ref()) {
        return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
    }
    seen.0.insert(key);
    skip(map)
}

/// Skips the value of a key the struct does not keep.
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The error for required properties with no faithful empty value that
/// the object lacked (`(missing, name)` in the struct's order): it names
/// the first one missing, as serde's derive does.
#[cold]
pub fn missing<E: de::Error>(required: &[(bool, &'static str)]) -> E {
    let name = required
        .iter()
        .find(|(missing, _)| *missing)
        .map_or("?", |(_, name)| *name);
    E::missing_field(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct written the way the generator writes one.
    #[derive(Debug, PartialEq)]
    struct Pair {
        id: String,
        note: Option<String>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }

    impl DecodeStruct for Pair {
        const EXPECTING: &'static str = "struct Pair";
        const KEYS: Keys = Keys(|key| match key {
            "id" => Some(0),
            "note" => Some(1),
            _ => None,
        });
        fn visit<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id = None;
            let mut note = None;
            let mut extra = std::collections::BTreeMap::new();
            while let Some(key) = map.next_key_seed(Self::KEYS)? {
                match key {
                    Key::Field(0) => field(&mut map, &mut id, "id"),
                    Key::Field(1) => field(&mut map, &mut note, "note"),
                    Key::Other(key) => keep(&mut map, &mut extra, key),
                    _ => skip(&mut map),
                }?;
            }
            match (id,) {
                (Some(id),) => Ok(Pair {
                    id,
                    note: note.unwrap_or_default(),
                    extra,
                }),
                (id,) => Err(missing(&[(id.is_none(), "id")])),
            }
        }
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer)
        }
    }

    #[test]
    fn reads_listed_keys_and_keeps_the_others() {
        let pair: Pair =
            serde_json::from_str(r#"{"x\u0041":1,"id":"a","note":null,"y":[2]}"#).unwrap();
        assert_eq!(pair.id, "a");
        assert_eq!(pair.note, None);
        assert_eq!(
            pair.extra.keys().collect::<Vec<_>>(),
            ["xA", "y"],
            "escaped and plain unknown keys are both kept"
        );
    }

    #[test]
    fn decodes_from_a_value_too() {
        let value = serde_json::json!({"id": "b", "note": "n"});
        let pair = Pair::deserialize(value).unwrap();
        assert_eq!(pair.note.as_deref(), Some("n"));
    }

    #[test]
    fn missing_duplicate_and_wrong_type_errors_name_what_is_wrong() {
        let missing = serde_json::from_str::<Pair>(r#"{"note":"n"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `id`"),
            "{missing}"
        );
        let twice = serde_json::from_str::<Pair>(r#"{"id":"a","id":"b"}"#).unwrap_err();
        assert!(
            twice.to_string().contains("duplicate field `id`"),
            "{twice}"
        );
        let array = serde_json::from_str::<Pair>(r#"["a"]"#).unwrap_err();
        assert!(
            array.to_string().contains("expected struct Pair"),
            "{array}"
        );
    }
}
