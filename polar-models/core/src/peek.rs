//! A shallow look at a JSON value, for choosing a union's variant: its
//! kind and, for an object, its keys with their scalar values. Nested
//! objects are skipped, not built, except where one of the union's shapes
//! fixes a constant below them (`benefit.type`): those are read the same
//! way, as deep as the constants go.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::__private::CowStr;
use crate::union_decode::Shape;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Integer,
    Float,
    Bool,
    Null,
}

#[derive(Debug)]
pub(crate) enum Scalar<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    /// An object some shape looks into: its entries.
    Object(Vec<(Cow<'a, str>, Scalar<'a>)>),
    Other,
}

#[derive(Debug)]
pub(crate) struct Peek<'a> {
    pub(crate) kind: Kind,
    pub(crate) text: Option<Cow<'a, str>>,
    pub(crate) entries: Vec<(Cow<'a, str>, Scalar<'a>)>,
}

impl<'a> Peek<'a> {
    /// Peeks at `json`, looking into the nested objects `shapes` fix
    /// constants in.
    pub(crate) fn read(json: &'a str, shapes: &[Shape]) -> Result<Self, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let peek = PeekSeed { shapes }.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(peek)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Scalar<'a>> {
        find(&self.entries, key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// The value at a property path, when every step but the last is an
    /// object.
    pub(crate) fn at(&self, path: &[&str]) -> Option<&Scalar<'a>> {
        let (first, rest) = path.split_first()?;
        let mut value = self.get(first)?;
        for key in rest {
            match value {
                Scalar::Object(entries) => value = find(entries, key)?,
                _ => return None,
            }
        }
        Some(value)
    }
}

fn find<'e, 'a>(entries: &'e [(Cow<'a, str>, Scalar<'a>)], key: &str) -> Option<&'e Scalar<'a>> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Whether some shape fixes a constant below property `key` of the object
/// at `depth` (0: the payload itself).
fn looks_below(shapes: &[Shape], depth: usize, key: &str) -> bool {
    shapes.iter().any(|shape| shape.looks_below(depth, key))
}

/// The entries of an object at `depth`: scalars kept, objects read into
/// only where a shape looks below them.
fn entries<'de, A: MapAccess<'de>>(
    mut map: A,
    shapes: &[Shape],
    depth: usize,
) -> Result<Vec<(Cow<'de, str>, Scalar<'de>)>, A::Error> {
    let mut entries = Vec::new();
    while let Some(key) = map.next_key::<CowStr<'de>>()? {
        let nested = looks_below(shapes, depth, &key.0).then_some(depth + 1);
        let value = map.next_value_seed(ScalarSeed { shapes, nested })?;
        entries.push((key.0, value));
    }
    Ok(entries)
}

struct PeekSeed<'s> {
    shapes: &'s [Shape],
}

impl<'de> DeserializeSeed<'de> for PeekSeed<'_> {
    type Value = Peek<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn of<'de>(kind: Kind) -> Peek<'de> {
    Peek {
        kind,
        text: None,
        entries: Vec::new(),
    }
}

impl<'de> Visitor<'de> for PeekSeed<'_> {
    type Value = Peek<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(of(Kind::Bool))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(of(Kind::Integer))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(of(Kind::Integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(of(Kind::Float))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Peek {
            text: Some(Cow::Borrowed(v)),
            ..of(Kind::String)
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Peek {
            text: Some(Cow::Owned(v.to_owned())),
            ..of(Kind::String)
        })
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(of(Kind::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(of(Kind::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(of(Kind::Array))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Peek {
            entries: entries(map, self.shapes, 0)?,
            ..of(Kind::Object)
        })
    }
}

/// A property's value: its scalar, or (with `nested`, the depth it sits
/// at) the entries of the object it is.
struct ScalarSeed<'s> {
    shapes: &'s [Shape],
    nested: Option<usize>,
}

impl<'de> DeserializeSeed<'de> for ScalarSeed<'_> {
    type Value = Scalar<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed<'_> {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match self.nested {
            Some(depth) => Ok(Scalar::Object(entries(map, self.shapes, depth)?)),
            None => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
    }
}
