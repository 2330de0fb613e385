//! Runtime support called by the generated code through fixed paths. Not a
//! public API: its items may change with any release.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

pub use crate::json::{decode_json, decode_value};
pub use crate::struct_decode::{
    decode_struct, listed_index, missing, sorted_index, DecodeStruct, Entries, Key,
};
pub use crate::struct_encode::{sent, EncodeStruct};
pub use crate::timestamp::{OptionalTimestamp, Timestamp};
pub use crate::union_decode::{Lit, Shape, Union};
pub use crate::unique_keys::{from_str_unique_keys, unique_keys, UniqueKeys, UniqueKeysThen};

thread_local! {
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with strict decoding on this thread: a value that would decode
/// into an `Unknown` variant, or a `Const` holding another value, is an error
/// instead. The round-trip tests use it to prove spec-built payloads decode
/// into the variants the spec names; users never need it.
pub fn strict_decoding<R>(f: impl FnOnce() -> R) -> R {
    let _strict = strict_guard();
    f()
}

/// Strict decoding on this thread until the guard is dropped; for async
/// code polled on one thread, where [`strict_decoding`]'s closure cannot
/// hold an `.await`.
pub fn strict_guard() -> impl Drop {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT.with(|strict| strict.set(self.0));
        }
    }
    Reset(STRICT.with(|strict| strict.replace(true)))
}

/// Whether [`strict_decoding`] is on for this thread.
pub fn is_strict() -> bool {
    STRICT.with(|strict| strict.get())
}

/// serde_json's name for the newtype through which its deserializers hand
/// out a value's JSON text unparsed (what `serde_json::value::RawValue`
/// asks for). Deserializers that do not know it visit the value itself, and
/// so would serde_json's if it ever renamed it: decoding stays correct, it
/// only goes through a `serde_json::Value`.
const SERDE_JSON_RAW_VALUE: &str = "$serde_json::private::RawValue";

/// One JSON value captured from any deserializer: its text when the
/// deserializer is serde_json's, otherwise the value itself.
pub(crate) enum Captured<'de> {
    Text(Cow<'de, str>),
    Value(Value),
}

impl<'de> Deserialize<'de> for Captured<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(SERDE_JSON_RAW_VALUE, CaptureVisitor)
    }
}

struct CaptureVisitor;

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Captured<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    // serde's buffered content, and serde_json without the raw-value name.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(inner).map(Captured::Value)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(first) = map.next_key::<CowStr<'de>>()? else {
            return Ok(Captured::Value(Value::Object(serde_json::Map::new())));
        };
        // serde_json: one entry, the raw-value name and the text.
        if first.0 == SERDE_JSON_RAW_VALUE {
            return Ok(Captured::Text(map.next_value::<CowStr<'de>>()?.0));
        }
        // A deserializer that ignores newtypes: an ordinary object.
        let mut object = serde_json::Map::new();
        object.insert(first.0.into_owned(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(Captured::Value(Value::Object(object)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Captured::Value)
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(inner).map(Captured::Value)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        // Like serde_json: a non-finite number is `null`.
        Ok(Captured::Value(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Captured::Value(Value::Null))
    }
}

/// A string that borrows from the input when it can.
pub struct CowStr<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// `FromStr`, `Debug`, `Display` and serde impls for a generated string
/// enum, built on its `as_str`, `From<&str>` (which maps unknown values to
/// `Unknown`), `listed_index` and `NAMES`.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum_impls {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        // As `derive(Debug)` writes it (`Name`, `Unknown("text")`), from
        // the enum's `NAMES` table rather than a `match` of its own.
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.listed_index() {
                    Ok(index) => f.write_str(Self::NAMES[index]),
                    Err(value) => f.debug_tuple("Unknown").field(&value).finish(),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = $crate::__private::CowStr::deserialize(deserializer)?;
                let decoded = Self::from(&*value.0);
                if $crate::__private::is_strict() && matches!(decoded, Self::Unknown(_)) {
                    return Err(<D::Error as ::serde::de::Error>::custom(format_args!(
                        "{:?} is not a known {} value",
                        value.0,
                        stringify!($name)
                    )));
                }
                Ok(decoded)
            }
        }
    };
}
pub use crate::__string_enum_impls as string_enum_impls;

/// What a required string enum the payload lacks decodes to: `Unknown("")`
/// (or the enum's `""` value, should it have one).
pub fn absent_enum<T: for<'a> From<&'a str>>() -> T {
    T::from("")
}
