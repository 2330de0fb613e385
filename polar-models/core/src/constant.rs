use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A marker naming one string constant of the spec; generated into each
/// version's `consts` module (e.g. `polar_models::v2026_10::consts`).
pub trait ConstValue {
    /// The constant as it appears on the wire.
    const VALUE: &'static str;
}

/// A property the spec fixes to one string, such as a union tag
/// (`"type": "custom"` on a custom benefit).
///
/// `Const::default()` is the expected value, so building a request never
/// needs the string spelled out; it is also what a payload that lacks the
/// property decodes to. A payload carrying another value still decodes, and
/// keeps it: the spec has fixed values the server did not honour before.
///
/// ```
/// use polar_models::v2026_10::{consts, Const};
///
/// let tag: Const<consts::Custom> = Const::default();
/// assert_eq!(tag.as_str(), "custom");
/// assert!(tag.is_expected());
///
/// let drifted: Const<consts::Custom> = serde_json::from_str(r#""other""#).unwrap();
/// assert_eq!(drifted.as_str(), "other");
/// assert!(!drifted.is_expected());
/// ```
pub struct Const<M> {
    /// `None` when the value is `M::VALUE`; otherwise what was received.
    unexpected: Option<Box<str>>,
    marker: PhantomData<fn() -> M>,
}

impl<M: ConstValue> Const<M> {
    /// The expected value.
    pub const fn new() -> Self {
        Const {
            unexpected: None,
            marker: PhantomData,
        }
    }

    /// The value: the constant, or what the server sent instead.
    pub fn as_str(&self) -> &str {
        self.unexpected.as_deref().unwrap_or(M::VALUE)
    }

    /// True when the value is the one the spec fixes.
    pub fn is_expected(&self) -> bool {
        self.unexpected.is_none()
    }
}

impl<M: ConstValue> Default for Const<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M> Clone for Const<M> {
    fn clone(&self) -> Self {
        Const {
            unexpected: self.unexpected.clone(),
            marker: PhantomData,
        }
    }
}

impl<M: ConstValue> fmt::Debug for Const<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<M: ConstValue> fmt::Display for Const<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<M: ConstValue> PartialEq for Const<M> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<M: ConstValue> Eq for Const<M> {}

impl<M: ConstValue> Hash for Const<M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl<M: ConstValue> Serialize for Const<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, M: ConstValue> Deserialize<'de> for Const<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = crate::__private::CowStr::deserialize(deserializer)?.0;
        if crate::__private::is_strict() && value != M::VALUE {
            return Err(serde::de::Error::custom(format_args!(
                "{value:?} is not the constant {:?}",
                M::VALUE
            )));
        }
        Ok(Const {
            unexpected: (value != M::VALUE).then(|| value.into()),
            marker: PhantomData,
        })
    }
}

/// A property the spec fixes to one boolean (`"revoke": true` when revoking
/// a subscription).
///
/// Like [`Const`]: `ConstBool::default()` is the constant, so a request
/// never asks for it and always sends it, and a payload that lacks the
/// property decodes to it; a payload carrying the other value still decodes
/// and keeps it.
///
/// ```
/// use polar_models::v2026_10::ConstBool;
///
/// let revoke: ConstBool<true> = ConstBool::default();
/// assert!(revoke.get());
/// assert_eq!(serde_json::to_string(&revoke).unwrap(), "true");
///
/// let drifted: ConstBool<true> = serde_json::from_str("false").unwrap();
/// assert!(!drifted.get());
/// assert!(!drifted.is_expected());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConstBool<const VALUE: bool> {
    value: bool,
}

impl<const VALUE: bool> ConstBool<VALUE> {
    /// The expected value.
    pub const fn new() -> Self {
        ConstBool { value: VALUE }
    }

    /// The value: the constant, or what the server sent instead.
    pub const fn get(&self) -> bool {
        self.value
    }

    /// True when the value is the one the spec fixes.
    pub const fn is_expected(&self) -> bool {
        self.value == VALUE
    }
}

impl<const VALUE: bool> Default for ConstBool<VALUE> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const VALUE: bool> fmt::Debug for ConstBool<VALUE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<const VALUE: bool> Serialize for ConstBool<VALUE> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.value)
    }
}

impl<'de, const VALUE: bool> Deserialize<'de> for ConstBool<VALUE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = bool::deserialize(deserializer)?;
        if crate::__private::is_strict() && value != VALUE {
            return Err(serde::de::Error::custom(format_args!(
                "{value} is not the constant {VALUE}"
            )));
        }
        Ok(ConstBool { value })
    }
}

/// A property the spec fixes to one integer (`"version": 3`).
///
/// Like [`Const`]: `ConstInt::default()` is the constant, so a request never
/// asks for it and always sends it, and a payload that lacks the property
/// decodes to it; a payload carrying another integer still decodes and
/// keeps it.
///
/// ```
/// use polar_models::v2026_10::ConstInt;
///
/// let version: ConstInt<3> = ConstInt::default();
/// assert_eq!(version.get(), 3);
/// assert_eq!(serde_json::to_string(&version).unwrap(), "3");
///
/// let drifted: ConstInt<3> = serde_json::from_str("4").unwrap();
/// assert_eq!(drifted.get(), 4);
/// assert!(!drifted.is_expected());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConstInt<const VALUE: i64> {
    value: i64,
}

impl<const VALUE: i64> ConstInt<VALUE> {
    /// The expected value.
    pub const fn new() -> Self {
        ConstInt { value: VALUE }
    }

    /// The value: the constant, or what the server sent instead.
    pub const fn get(&self) -> i64 {
        self.value
    }

    /// True when the value is the one the spec fixes.
    pub const fn is_expected(&self) -> bool {
        self.value == VALUE
    }
}

impl<const VALUE: i64> Default for ConstInt<VALUE> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const VALUE: i64> fmt::Debug for ConstInt<VALUE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<const VALUE: i64> Serialize for ConstInt<VALUE> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.value)
    }
}

impl<'de, const VALUE: i64> Deserialize<'de> for ConstInt<VALUE> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        if crate::__private::is_strict() && value != VALUE {
            return Err(serde::de::Error::custom(format_args!(
                "{value} is not the constant {VALUE}"
            )));
        }
        Ok(ConstInt { value })
    }
}
