//! Encoding of generated structs.
//!
//! serde's derive writes, for every field that may be left out, a branch
//! with two `?`s, and a term of the length sum; type-checking and
//! borrow-checking that for ~700 structs of a version was the largest
//! share of the models crates' build after decoding (BENCHMARKS.md). The
//! generator instead writes one call per field on [`EncodeStruct`], which
//! keeps the first error and makes every later call a no-op, so the
//! generated body has no branches and no `?`.
//!
//! What is written is what the derive wrote: `serialize_struct` with the
//! number of fields sent, `serialize_field` for each one sent, `skip_field`
//! for each one left out, in declaration order, then `end`.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::Nullable;

/// A struct being written field by field; see the module docs.
pub struct EncodeStruct<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> EncodeStruct<S> {
    /// Starts a struct of `len` fields sent (those not left out).
    #[inline]
    pub fn begin(serializer: S, name: &'static str, len: usize) -> Self {
        EncodeStruct {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// A field always sent.
    #[inline]
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(err) = state.serialize_field(key, value) {
                self.state = Err(err);
            }
        }
    }

    /// A field left out when `None`.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        match value {
            Some(_) => self.field(key, value),
            None => self.skip(key),
        }
    }

    /// A field left out when [`Nullable::Absent`].
    #[inline]
    pub fn nullable<T: Serialize>(&mut self, key: &'static str, value: &Nullable<T>) {
        match value {
            Nullable::Absent => self.skip(key),
            _ => self.field(key, value),
        }
    }

    fn skip(&mut self, key: &'static str) {
        if let Ok(state) = &mut self.state {
            if let Err(err) = state.skip_field(key) {
                self.state = Err(err);
            }
        }
    }

    /// Ends the struct, or returns the first error of any call before.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// How many of a struct's fields are sent: its required ones plus each
/// optional one that is present.
#[inline]
pub fn sent(required: usize, present: &[bool]) -> usize {
    required + present.iter().filter(|present| **present).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct written the way the generator writes one, beside the
    /// same struct with serde's derive.
    struct Pair {
        id: String,
        note: Option<String>,
        label: Nullable<String>,
    }

    impl Serialize for Pair {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = sent(1, &[self.note.is_some(), !self.label.is_absent()]);
            let mut out = EncodeStruct::begin(serializer, "Pair", len);
            out.field("id", &self.id);
            out.optional("note", &self.note);
            out.nullable("label", &self.label);
            out.end()
        }
    }

    #[derive(serde::Serialize)]
    struct Derived {
        id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(skip_serializing_if = "Nullable::is_absent")]
        label: Nullable<String>,
    }

    fn both(id: &str, note: Option<&str>, label: Nullable<String>) -> (String, String) {
        let ours = Pair {
            id: id.into(),
            note: note.map(Into::into),
            label: label.clone(),
        };
        let derived = Derived {
            id: id.into(),
            note: note.map(Into::into),
            label,
        };
        (
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&derived).unwrap(),
        )
    }

    #[test]
    fn writes_what_the_derive_writes() {
        for (note, label) in [
            (None, Nullable::Absent),
            (Some("n"), Nullable::Absent),
            (None, Nullable::Null),
            (Some("n"), Nullable::Value("l".to_owned())),
        ] {
            let (ours, derived) = both("a", note, label);
            assert_eq!(ours, derived);
        }
        assert_eq!(
            both("a", None, Nullable::Null).0,
            r#"{"id":"a","label":null}"#
        );
    }

    #[test]
    fn the_length_counts_only_what_is_sent() {
        // serde_json writes `{}` at once for a struct of length 0 and
        // would then misplace any field: the length must be exact.
        struct Empty(Option<u8>);
        impl Serialize for Empty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut out =
                    EncodeStruct::begin(serializer, "Empty", sent(0, &[self.0.is_some()]));
                out.optional("x", &self.0);
                out.end()
            }
        }
        assert_eq!(serde_json::to_string(&Empty(None)).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&Empty(Some(1))).unwrap(),
            r#"{"x":1}"#
        );
    }

    #[test]
    fn the_first_error_is_returned_and_nothing_after_it_is_written() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("first"))
            }
        }
        struct Two;
        impl Serialize for Two {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut out = EncodeStruct::begin(serializer, "Two", 2);
                out.field("a", &Fails);
                out.field("b", &1);
                out.end()
            }
        }
        let mut buf = Vec::new();
        let err = serde_json::to_writer(&mut buf, &Two).unwrap_err();
        assert_eq!(err.to_string(), "first");
        assert!(!String::from_utf8(buf).unwrap().contains("\"b\""));
    }
}
