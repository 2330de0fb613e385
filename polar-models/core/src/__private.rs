//! Runtime support called by the generated code through fixed paths. Not a
//! public API: its items may change with any release.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

pub use crate::json::decode_json;
pub use crate::struct_decode::{
    decode_struct, field, field_with, keep, missing, skip, DecodeStruct, Key, Keys,
};
pub use crate::struct_encode::{sent, EncodeStruct};
pub use crate::timestamp::{OptionalTimestamp, Timestamp};

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
enum Captured<'de> {
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

/// `FromStr`, `Display` and serde impls for a generated string enum, built
/// on its `as_str` and `From<&str>` (which maps unknown values to `Unknown`).
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

/// What a required `const: true` the payload lacks decodes to.
pub fn default_true() -> bool {
    true
}

/// A scalar constant a payload property must equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    /// A string constant.
    Str(&'static str),
    /// A boolean constant.
    Bool(bool),
}

/// What a payload of one union variant looks like.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A JSON object.
    Object {
        /// Properties the spec requires.
        required: &'static [&'static str],
        /// Every property the spec lists.
        known: &'static [&'static str],
        /// Properties fixed to one value.
        consts: &'static [(&'static str, Lit)],
    },
    /// Any of these (a member that is itself a union).
    OneOf(&'static [Shape]),
    /// Any string.
    String,
    /// Exactly this string.
    StringConst(&'static str),
    /// A number without fraction or exponent.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A JSON array.
    Array,
    /// `null`.
    Null,
    /// Anything.
    Any,
}

/// A generated union's decoding table.
#[derive(Debug, Clone, Copy)]
pub struct Union {
    /// The Rust type name, for error messages.
    pub name: &'static str,
    /// The property that names the variant, if the spec gives one.
    pub discriminator: Option<&'static str>,
    /// Discriminator value → variant index.
    pub tags: &'static [(&'static str, usize)],
    /// Variant index → shape.
    pub shapes: &'static [Shape],
}

impl Union {
    /// Decodes one value (see [`Union::decode_str`]) under any deserializer:
    /// under serde_json the value's text is taken as is; under any other
    /// (serde's buffered content under `#[serde(flatten)]`, untagged and
    /// internally tagged enums, ...) it is read into a `serde_json::Value`
    /// and written out again first.
    pub fn decode<'de, D, T>(
        &self,
        deserializer: D,
        variant: impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
    {
        let json = match Captured::deserialize(deserializer)? {
            Captured::Text(text) => text,
            Captured::Value(value) => Cow::Owned(value.to_string()),
        };
        self.decode_str(&json, variant, unknown)
            .map_err(de::Error::custom)
    }

    /// Decodes one value's JSON text: by discriminator when present and
    /// known, into the unknown variant when present and unknown, and
    /// otherwise by trying the variants whose shape fits the payload, best
    /// fit first. A payload no variant accepts is kept whole in the unknown
    /// variant, unless the best fit is recognisably that variant (see
    /// `recognised`): then its error is returned.
    pub fn decode_str<T>(
        &self,
        json: &str,
        variant: impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, String> {
        if let Some(property) = self.discriminator {
            // Most payloads carry their tag plainly: read it off the text.
            if let Some(tag) = crate::tag_scan::scan_tag(json, property) {
                return self.by_tag(json, property, tag, &variant, unknown);
            }
        }
        let peek: Peek<'_> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        if let (Some(property), Kind::Object) = (self.discriminator, peek.kind) {
            if let Some(Scalar::Str(tag)) = peek.get(property) {
                return self.by_tag(json, property, tag, &variant, unknown);
            }
        }
        // The best fit usually decodes: try it before sorting the rest (an
        // allocation per union value otherwise).
        let Some(best) = self.best_candidate(&peek) else {
            return self.unknown(json, unknown);
        };
        let err = match variant(best, json) {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        for index in self.candidates(&peek).into_iter().skip(1) {
            if let Ok(value) = variant(index, json) {
                return Ok(value);
            }
        }
        // The payload is that variant by every sign it carries: its failure
        // is the real error, which `Unknown` would hide.
        if recognised(&self.shapes[best], &peek) {
            return Err(format!("{}: {}", self.name, describe(json, &err)));
        }
        if is_strict() {
            return Err(format!(
                "{}: no variant fits; best candidate failed: {}",
                self.name,
                describe(json, &err)
            ));
        }
        self.unknown(json, unknown)
    }

    /// The variant `tag` names, or the unknown variant for a tag this
    /// version does not know.
    fn by_tag<T>(
        &self,
        json: &str,
        property: &str,
        tag: &str,
        variant: &impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, String> {
        match self.tags.iter().find(|(known, _)| *known == tag) {
            Some((_, index)) => variant(*index, json).map_err(|e| {
                format!(
                    "{} with {property} {tag:?}: {}",
                    self.name,
                    describe(json, &e)
                )
            }),
            None => self.unknown(json, unknown),
        }
    }

    fn unknown<T>(&self, json: &str, unknown: fn(Value) -> T) -> Result<T, String> {
        if is_strict() {
            return Err(format!("{}: would decode as Unknown: {json}", self.name));
        }
        Ok(unknown(
            serde_json::from_str(json).map_err(|e| e.to_string())?,
        ))
    }

    /// The first of [`Union::candidates`], without sorting them all.
    fn best_candidate(&self, peek: &Peek<'_>) -> Option<usize> {
        let mut best: Option<(Score, usize)> = None;
        for (index, shape) in self.shapes.iter().enumerate() {
            if let Some(score) = score(shape, peek) {
                // Strictly better only: ties keep spec order.
                if best.is_none_or(|(top, _)| score > top) {
                    best = Some((score, index));
                }
            }
        }
        best.map(|(_, index)| index)
    }

    /// Variant indexes whose shape fits, best fit first (ties keep spec order).
    fn candidates(&self, peek: &Peek<'_>) -> Vec<usize> {
        let mut scored: Vec<(Score, usize)> = self
            .shapes
            .iter()
            .enumerate()
            .filter_map(|(index, shape)| score(shape, peek).map(|s| (s, index)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, index)| index).collect()
    }
}

/// Whether a payload is recognisably of this shape: an object with every
/// property the shape requires and every constant it fixes, holding the
/// expected values, with at least one of those to go by (a shape that
/// requires nothing and fixes nothing recognises nothing). A member that is
/// itself a union is recognised when one of its own shapes is.
fn recognised(shape: &Shape, peek: &Peek<'_>) -> bool {
    match (shape, peek.kind) {
        (
            Shape::Object {
                required, consts, ..
            },
            Kind::Object,
        ) => {
            (!required.is_empty() || !consts.is_empty())
                && required.iter().all(|property| peek.has(property))
                && consts
                    .iter()
                    .all(|(property, lit)| match (peek.get(property), lit) {
                        (Some(Scalar::Str(value)), Lit::Str(expected)) => value == expected,
                        (Some(Scalar::Bool(value)), Lit::Bool(expected)) => value == expected,
                        _ => false,
                    })
        }
        (Shape::OneOf(shapes), _) => shapes.iter().any(|shape| recognised(shape, peek)),
        _ => false,
    }
}

/// A variant's decode error, naming the property it happened in when its
/// position falls inside one (``field `detail`: invalid type: ...``). The
/// position itself is dropped: it counts in the union's own text, and the
/// outer deserializer adds the position in the whole document.
fn describe(json: &str, err: &serde_json::Error) -> String {
    let message = err.to_string();
    if err.line() == 0 {
        return message;
    }
    let position = format!(" at line {} column {}", err.line(), err.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    match path_at(json, err.line(), err.column()) {
        Some(path) => format!("field `{path}`: {message}"),
        None => message.to_owned(),
    }
}

/// The property path (`items[2].id`) of the value that serde_json's error
/// position (1-based line, and column: bytes read on that line) points
/// into, or `None` at the top level. A shallow scan of the text, which
/// serde_json has already read this far, so it is well formed up to there.
fn path_at(json: &str, line: usize, column: usize) -> Option<String> {
    enum Frame {
        Object { key: Option<String>, in_value: bool },
        Array(usize),
    }
    let line_start = match line {
        0 | 1 => 0,
        _ => json.match_indices('\n').nth(line - 2)?.0 + 1,
    };
    let bytes = json.as_bytes();
    let end = line_start.saturating_add(column).min(bytes.len());
    let mut stack = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                in_value: false,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { in_value, .. }) = stack.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, in_value }) => {
                    *key = None;
                    *in_value = false;
                }
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += usize::from(bytes[i] == b'\\') + 1;
                }
                if let Some(Frame::Object {
                    key: key @ None,
                    in_value: false,
                }) = stack.last_mut()
                {
                    *key = json
                        .get(start..=i)
                        .and_then(|text| serde_json::from_str(text).ok());
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object {
                key: Some(key),
                in_value: true,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
            Frame::Object { .. } => break,
        }
    }
    (!path.is_empty()).then_some(path)
}

/// How well a payload fits a shape; larger is better.
type Score = (u8, usize, bool, i64);

fn score(shape: &Shape, peek: &Peek<'_>) -> Option<Score> {
    let exact = |fits: bool| fits.then_some((2, 0, true, 0));
    match (shape, peek.kind) {
        (
            Shape::Object {
                required,
                known,
                consts,
            },
            Kind::Object,
        ) => {
            let mut matched = 0;
            for (property, lit) in consts.iter() {
                match (peek.get(property), lit) {
                    (Some(Scalar::Str(value)), Lit::Str(expected)) if value == expected => {
                        matched += 1
                    }
                    (Some(Scalar::Bool(value)), Lit::Bool(expected)) if value == expected => {
                        matched += 1
                    }
                    // A constant contradicted by the payload rules the variant out.
                    (Some(_), _) => return None,
                    (None, _) => {}
                }
            }
            let all_required = required.iter().all(|r| peek.has(r));
            let known_present = peek
                .entries
                .iter()
                .filter(|(k, _)| known.contains(&k.as_ref()))
                .count();
            let unknown_present = peek.entries.len() - known_present;
            Some((
                1,
                matched,
                all_required,
                known_present as i64 - unknown_present as i64,
            ))
        }
        (Shape::OneOf(shapes), _) => shapes.iter().filter_map(|s| score(s, peek)).max(),
        (Shape::StringConst(expected), Kind::String) => {
            (peek.text.as_deref() == Some(*expected)).then_some((3, 0, true, 0))
        }
        (Shape::String, Kind::String) => exact(true),
        (Shape::Integer, Kind::Integer) => exact(true),
        (Shape::Number, Kind::Integer | Kind::Float) => Some((1, 0, true, 0)),
        (Shape::Boolean, Kind::Bool) => exact(true),
        (Shape::Array, Kind::Array) => exact(true),
        (Shape::Null, Kind::Null) => exact(true),
        (Shape::Any, _) => Some((0, 0, false, 0)),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Integer,
    Float,
    Bool,
    Null,
}

#[derive(Debug)]
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    Other,
}

/// A shallow look at a JSON value: its kind and, for an object, its keys
/// with their scalar values. Nested values are skipped, not built.
#[derive(Debug)]
struct Peek<'a> {
    kind: Kind,
    text: Option<Cow<'a, str>>,
    entries: Vec<(Cow<'a, str>, Scalar<'a>)>,
}

impl Peek<'_> {
    fn get(&self, key: &str) -> Option<&Scalar<'_>> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }
}

impl<'de> Deserialize<'de> for Peek<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PeekVisitor)
    }
}

struct PeekVisitor;

impl<'de> PeekVisitor {
    fn of(kind: Kind) -> Peek<'de> {
        Peek {
            kind,
            text: None,
            entries: Vec::new(),
        }
    }
}

impl<'de> Visitor<'de> for PeekVisitor {
    type Value = Peek<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Self::of(Kind::Bool))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Self::of(Kind::Integer))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Self::of(Kind::Integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Self::of(Kind::Float))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Peek {
            text: Some(Cow::Borrowed(v)),
            ..Self::of(Kind::String)
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Peek {
            text: Some(Cow::Owned(v.to_owned())),
            ..Self::of(Kind::String)
        })
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Self::of(Kind::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Self::of(Kind::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::of(Kind::Array))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut peek = Self::of(Kind::Object);
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            let value = map.next_value::<ScalarPeek<'de>>()?;
            peek.entries.push((key.0, value.0));
        }
        Ok(peek)
    }
}

struct ScalarPeek<'a>(Scalar<'a>);

impl<'de> Deserialize<'de> for ScalarPeek<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = ScalarPeek<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Bool(v)))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Other))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Other))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Other))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Str(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(ScalarPeek(Scalar::Other))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ScalarPeek(Scalar::Other))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ScalarPeek(Scalar::Other))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPES: &[Shape] = &[
        Shape::Object {
            required: &["a"],
            known: &["a", "kind"],
            consts: &[("kind", Lit::Str("first"))],
        },
        Shape::Object {
            required: &["a", "b"],
            known: &["a", "b"],
            consts: &[],
        },
        Shape::Integer,
        Shape::Number,
        Shape::StringConst("now"),
        Shape::String,
    ];
    const UNION: Union = Union {
        name: "Test",
        discriminator: None,
        tags: &[],
        shapes: SHAPES,
    };

    fn order(json: &str) -> Vec<usize> {
        let peek = serde_json::from_str(json).unwrap();
        let candidates = UNION.candidates(&peek);
        // The variant tried first is the first candidate, found unsorted.
        assert_eq!(
            UNION.best_candidate(&peek),
            candidates.first().copied(),
            "{json}"
        );
        candidates
    }

    #[test]
    fn a_tie_is_won_by_the_first_variant_in_spec_order() {
        let tied = Union {
            shapes: &[Shape::Number, Shape::String, Shape::Number],
            ..UNION
        };
        let peek = serde_json::from_str("1.5").unwrap();
        assert_eq!(tied.candidates(&peek), vec![0, 2]);
        assert_eq!(tied.best_candidate(&peek), Some(0));
    }

    #[test]
    fn the_next_candidate_decodes_when_the_best_fails() {
        let tried = std::cell::RefCell::new(Vec::new());
        let decoded = UNION
            .decode_str(
                r#"{"a":1,"b":2}"#,
                |index, _| {
                    tried.borrow_mut().push(index);
                    if index == 1 {
                        Err(<serde_json::Error as de::Error>::custom("no"))
                    } else {
                        Ok(index)
                    }
                },
                |_| 99,
            )
            .unwrap();
        assert_eq!((decoded, tried.into_inner()), (0, vec![1, 0]));
    }

    #[test]
    fn object_variants_rank_by_consts_then_required_then_known_keys() {
        assert_eq!(order(r#"{"a":1,"kind":"first"}"#), vec![0, 1]);
        assert_eq!(order(r#"{"a":1,"b":2}"#), vec![1, 0]);
        // A contradicted constant rules the variant out.
        assert_eq!(order(r#"{"a":1,"b":2,"kind":"other"}"#), vec![1]);
    }

    #[test]
    fn scalars_rank_by_kind() {
        assert_eq!(order("1"), vec![2, 3]);
        assert_eq!(order("1.5"), vec![3]);
        assert_eq!(order(r#""now""#), vec![4, 5]);
        assert_eq!(order(r#""later""#), vec![5]);
        assert!(order("true").is_empty());
    }

    #[test]
    fn unknown_discriminator_values_and_misfits_are_kept_raw() {
        let tagged = Union {
            discriminator: Some("kind"),
            tags: &[("first", 0)],
            ..UNION
        };
        let decoded = tagged
            .decode_str(r#"{"kind":"new","x":1}"#, |_, _| Ok(0), |_| 1)
            .unwrap();
        assert_eq!(decoded, 1);
        let decoded = UNION.decode_str("true", |_, _| Ok(0), |_| 1).unwrap();
        assert_eq!(decoded, 1);
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct First {
        a: u8,
        kind: String,
    }

    fn first(index: usize, json: &str) -> Result<u8, serde_json::Error> {
        assert_eq!(index, 0);
        serde_json::from_str::<First>(json).map(|first| first.a)
    }

    #[test]
    fn a_recognised_variant_fails_with_its_error() {
        let only_first = Union {
            shapes: &SHAPES[..1],
            ..UNION
        };
        // Required property and constant present: the error is the variant's.
        let err = only_first
            .decode_str(r#"{"a":"x","kind":"first"}"#, first, |_| 9)
            .unwrap_err();
        assert_eq!(
            err,
            r#"Test: field `a`: invalid type: string "x", expected u8"#
        );
        // Without the constant the payload is not recognisably `First`.
        let decoded = only_first.decode_str(r#"{"a":"x"}"#, first, |_| 9).unwrap();
        assert_eq!(decoded, 9);
    }

    #[test]
    fn error_positions_become_property_paths() {
        let at = |json: &str| {
            let err = serde_json::from_str::<Vec<First>>(json).unwrap_err();
            describe(json, &err)
        };
        assert_eq!(
            at(r#"[{"kind":"k","a":300}]"#),
            "field `[0].a`: invalid value: integer `300`, expected u8"
        );
        assert_eq!(
            at("[{\"kind\":\"k\",\"a\":1},\n {\"kind\": \"a \\\" , : {\", \"a\": \"no\"}]"),
            r#"field `[1].a`: invalid type: string "no", expected u8"#
        );
        assert_eq!(at(r#"[{"a":1}]"#), "field `[0]`: missing field `kind`");
        assert_eq!(
            describe("{}", &serde_json::from_str::<First>("{}").unwrap_err()),
            "missing field `a`"
        );
    }
}
