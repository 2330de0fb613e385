use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A property that may be absent, explicitly `null`, or set.
///
/// Used for optional, nullable properties of the types you send to the API.
/// In an update (`PATCH`) body the three states mean "leave unchanged",
/// "clear" and "set":
///
/// ```
/// use polar_models::Nullable;
///
/// #[derive(serde::Serialize)]
/// struct Update {
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     description: Nullable<String>,
/// }
///
/// let unchanged = Update { description: Nullable::Absent };
/// let cleared = Update { description: Nullable::Null };
/// let set = Update { description: "New".into() };
/// assert_eq!(serde_json::to_string(&unchanged).unwrap(), "{}");
/// assert_eq!(serde_json::to_string(&cleared).unwrap(), r#"{"description":null}"#);
/// assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"description":"New"}"#);
/// ```
///
/// Build the states by name: [`Nullable::set`] (or `.into()` from a `T`,
/// or from a `&str` for a `Nullable<String>`), [`Nullable::clear`],
/// [`Nullable::Absent`] (the `Default`). From an `Option`, say what `None`
/// means: [`Nullable::set_if_some`] leaves the property unchanged,
/// [`Nullable::set_or_clear`] clears it. There is no `From<Option<T>>`, so
/// `None` never clears a property by accident.
///
/// Generated structs carry `#[serde(default, skip_serializing_if =
/// "Nullable::is_absent")]` on such fields, which is what makes `Absent`
/// leave the property out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent at all: the server keeps its current (or default) value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Set the property to `value`: [`Nullable::Value`].
    pub fn set(value: T) -> Self {
        Nullable::Value(value)
    }

    /// Clear the property (send `null`): [`Nullable::Null`].
    pub fn clear() -> Self {
        Nullable::Null
    }

    /// Set the property when there is a value, and leave it unchanged
    /// ([`Nullable::Absent`]) for `None`: what an optional argument
    /// usually means.
    ///
    /// ```
    /// # use polar_models::Nullable;
    /// let new_description: Option<String> = None;
    /// assert_eq!(Nullable::set_if_some(new_description), Nullable::Absent);
    /// ```
    pub fn set_if_some(value: Option<T>) -> Self {
        value.map_or(Nullable::Absent, Nullable::Value)
    }

    /// Set the property when there is a value, and clear it
    /// ([`Nullable::Null`]) for `None`.
    pub fn set_or_clear(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }

    /// True for [`Nullable::Absent`].
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True for [`Nullable::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if set.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if set, dropping the absent/null distinction.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// Sets a `Nullable<String>` from a string slice: `update.name = "New".into()`.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

// There is deliberately no `From<Option<T>>`: whether `None` means "leave it"
// or "clear it" is the caller's to say, with `set_if_some` or `set_or_clear`.

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached when a field lacks `skip_serializing_if`; `null`
            // is the closest honest encoding.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// `null` → `Null`, anything else → `Value`; a missing property becomes
    /// `Absent` through `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Nullable::set_or_clear(Option::<T>::deserialize(
            deserializer,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        name: Nullable<String>,
    }

    #[test]
    fn three_states_decode_and_encode_distinctly() {
        for (json, state) in [
            ("{}", Nullable::Absent),
            (r#"{"name":null}"#, Nullable::Null),
            (r#"{"name":"x"}"#, Nullable::Value("x".to_owned())),
        ] {
            let body: Body = serde_json::from_str(json).unwrap();
            assert_eq!(body.name, state, "decoding {json}");
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
        }
    }
}
