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
