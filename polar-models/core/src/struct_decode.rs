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
    /// The wire names of the listed properties, in the order `visit`
    /// numbers them: a key's index is its position here, found by
    /// [`listed_index`].
    const KEYS: &'static [&'static str];
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

/// The position of `value` in `listed`: a struct's property by its wire
/// name ([`DecodeStruct::KEYS`]), a string enum's variant by its value
/// (`VALUES`). One function for every type, rather than a `match` on
/// strings generated for each: those cost the shared crate of types
/// 0.14 G (structs) and 0.24 G (enums) instructions to build.
pub fn listed_index(listed: &[&str], value: &str) -> Option<usize> {
    listed.iter().position(|candidate| *candidate == value)
}

/// [`listed_index`] for a string enum with many values (country codes,
/// currencies): `sorted` holds each value with its index, in byte order,
/// and is searched by halves. A scan compared a two-letter country code
/// with up to 250 others of the same length, where the `match` it replaced
/// had been compiled into a jump on the bytes.
pub fn sorted_index(sorted: &[(&str, usize)], value: &str) -> Option<usize> {
    let found = sorted
        .binary_search_by(|(candidate, _)| (*candidate).cmp(value))
        .ok()?;
    sorted.get(found).map(|(_, index)| *index)
}

/// Reads one key, naming listed properties by their position in the
/// struct's [`DecodeStruct::KEYS`].
#[derive(Clone, Copy)]
struct Keys(&'static [&'static str]);

impl Keys {
    fn index(self, key: &str) -> Option<usize> {
        listed_index(self.0, key)
    }

    fn key<'de>(self, key: Cow<'de, str>) -> Key<'de> {
        match self.index(&key) {
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
        Ok(match self.index(v) {
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

/// A struct's object as its generated `visit` reads it: the entries' keys
/// come out as the indexes of the properties the struct lists
/// ([`next_listed`](Self::next_listed)), or, for a struct that keeps the others, as
/// [`Key`]s ([`next_key`](Self::next_key)); [`read`](Self::read) decodes
/// a value into its slot. The first error ends the reading and is kept for
/// [`end`](Self::end), so the generated `match` from index to slot has no
/// `Result` to unify in every arm: everything but that `match` is here,
/// compiled once per reader rather than type-checked for every struct.
pub struct Entries<'de, A: MapAccess<'de>> {
    map: A,
    keys: Keys,
    unlisted: Unlisted,
    error: Option<A::Error>,
}

impl<'de, A: MapAccess<'de>> Entries<'de, A> {
    /// Reads `map`, naming listed properties by their position in `keys`
    /// (the struct's [`DecodeStruct::KEYS`]).
    #[inline]
    pub fn new(map: A, keys: &'static [&'static str]) -> Self {
        Entries {
            map,
            keys: Keys(keys),
            unlisted: Unlisted::default(),
            error: None,
        }
    }

    /// The index of the next listed property, or `None` at the end or
    /// after an error. The value of a key the struct does not list is
    /// skipped; the same such key twice in one object is an error naming
    /// it, as a listed property twice is (serde's derive would skip both).
    pub fn next_listed(&mut self) -> Option<usize> {
        loop {
            match self.next_key()? {
                Key::Field(index) => return Some(index),
                Key::Other(key) => {
                    if !self.unlisted.first(&key) {
                        return self.fail(duplicate_key(&key));
                    }
                    self.skip();
                }
            }
        }
    }

    /// The next key, listed or not, or `None` at the end or after an
    /// error: for a struct that keeps the keys it does not list
    /// ([`keep`](Self::keep)).
    #[inline]
    pub fn next_key(&mut self) -> Option<Key<'de>> {
        if self.error.is_some() {
            return None;
        }
        match self.map.next_key_seed(self.keys) {
            Ok(key) => key,
            Err(error) => self.fail(error),
        }
    }

    /// Decodes the value of a listed property into its slot; a property
    /// given twice is an error, as with serde's derive.
    #[inline]
    pub fn read<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>, name: &'static str) {
        if slot.is_some() {
            self.fail::<()>(de::Error::duplicate_field(name));
            return;
        }
        match self.map.next_value() {
            Ok(value) => *slot = Some(value),
            Err(error) => _ = self.fail::<()>(error),
        }
    }

    /// [`read`](Self::read) for a value read by a seed (timestamps:
    /// `crate::timestamp`; free-form objects: `crate::unique_keys`).
    #[inline]
    pub fn read_with<S: DeserializeSeed<'de>>(
        &mut self,
        slot: &mut Option<S::Value>,
        name: &'static str,
        seed: S,
    ) {
        if slot.is_some() {
            self.fail::<()>(de::Error::duplicate_field(name));
            return;
        }
        match self.map.next_value_seed(seed) {
            Ok(value) => *slot = Some(value),
            Err(error) => _ = self.fail::<()>(error),
        }
    }

    /// Keeps the value of a key the struct does not list in its
    /// `additional_properties` map. A key kept twice is an error naming it,
    /// and so is a key twice inside the value: the policy of every object
    /// (`crate::unique_keys`).
    #[inline]
    pub fn keep<V: DeserializeOwned>(
        &mut self,
        extra: &mut std::collections::BTreeMap<String, V>,
        key: Cow<'de, str>,
    ) {
        if extra.contains_key(key.as_ref()) {
            self.fail::<()>(duplicate_key(&key));
            return;
        }
        match self
            .map
            .next_value_seed(crate::unique_keys::unique_keys::<V>())
        {
            Ok(value) => _ = extra.insert(key.into_owned(), value),
            Err(error) => _ = self.fail::<()>(error),
        }
    }

    /// Skips the value of the key just read.
    #[inline]
    fn skip(&mut self) {
        if let Err(error) = self.map.next_value::<IgnoredAny>() {
            self.fail::<()>(error);
        }
    }

    /// Keeps `error` (the first one: reading stops at it) and ends the
    /// reading.
    #[cold]
    fn fail<T>(&mut self, error: A::Error) -> Option<T> {
        self.error.get_or_insert(error);
        None
    }

    /// The error that ended the reading, if any.
    #[inline]
    pub fn end(self) -> Result<(), A::Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The keys of one object that its struct neither lists nor keeps, so far:
/// only to refuse one of them twice. Not generic, so it is compiled once,
/// here; a `serde_json::Map` rather than a set of strings because
/// `crate::unique_keys` already compiles that map's code into this crate.
#[derive(Default)]
struct Unlisted(serde_json::Map<String, serde_json::Value>);

impl Unlisted {
    /// Whether `key` is seen for the first time (and notes it).
    fn first(&mut self, key: &str) -> bool {
        !self.0.contains_key(key)
            && self
                .0
                .insert(key.to_owned(), serde_json::Value::Null)
                .is_none()
    }
}

/// The error for a key given twice in one object.
#[cold]
fn duplicate_key<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("duplicate key `{key}`"))
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
        const KEYS: &'static [&'static str] = &["id", "note"];
        fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
            let mut map = Entries::new(map, Self::KEYS);
            let mut id = None;
            let mut note = None;
            let mut extra = std::collections::BTreeMap::new();
            while let Some(key) = map.next_key() {
                match key {
                    Key::Field(0) => map.read(&mut id, "id"),
                    Key::Field(1) => map.read(&mut note, "note"),
                    Key::Other(key) => map.keep(&mut extra, key),
                    _ => {}
                }
            }
            map.end()?;
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

    /// A struct that keeps no unlisted keys, written the way the generator
    /// writes one.
    #[derive(Debug, PartialEq)]
    struct Single {
        id: String,
    }

    impl DecodeStruct for Single {
        const EXPECTING: &'static str = "struct Single";
        const KEYS: &'static [&'static str] = &["id"];
        fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
            let mut map = Entries::new(map, Self::KEYS);
            let mut id = None;
            while map.next_listed().is_some() {
                map.read(&mut id, "id")
            }
            map.end()?;
            match (id,) {
                (Some(id),) => Ok(Single { id }),
                (id,) => Err(missing(&[(id.is_none(), "id")])),
            }
        }
    }

    impl<'de> Deserialize<'de> for Single {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_struct(deserializer)
        }
    }

    #[test]
    fn skips_unlisted_keys_but_refuses_one_twice() {
        let single: Single =
            serde_json::from_str(r#"{"x":{"deep":[1]},"id":"a","y":2,"z\u0041":3}"#).unwrap();
        assert_eq!(single.id, "a");
        for (json, named) in [
            (r#"{"x":1,"id":"a","x":2}"#, "duplicate key `x`"),
            (r#"{"x\u0041":1,"id":"a","xA":2}"#, "duplicate key `xA`"),
            (r#"{"id":"a","id":"b"}"#, "duplicate field `id`"),
        ] {
            let error = serde_json::from_str::<Single>(json)
                .unwrap_err()
                .to_string();
            assert!(error.contains(named), "{json}: {error}");
        }
    }

    #[test]
    fn the_first_error_ends_the_reading() {
        // A value of the wrong type: its error, not a later duplicate or
        // the missing field, is the one returned.
        let error = serde_json::from_str::<Single>(r#"{"id":1,"id":"b"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid type: integer `1`"), "{error}");
        let error = serde_json::from_str::<Single>(r#"{"x":1,"x":2,"id":"a"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("duplicate key `x`"), "{error}");
        // From a `Value` (another `MapAccess`) the same rules hold.
        let value = serde_json::json!({"x": 1, "id": "c"});
        assert_eq!(Single::deserialize(value).unwrap().id, "c");
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
