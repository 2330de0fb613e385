//! How every JSON body is decoded into a generated type.
//!
//! serde_json's slice reader checks each string's UTF-8 as it reads it; a
//! body checked once, whole, and read as `&str` skips that (13 % of decoding
//! a page of orders, BENCHMARKS.md "Decoding"). Everything that decodes a
//! generated type goes through `&str` (responses, error bodies, webhook
//! deliveries, union variants): one reader type, so each type's decoder is
//! compiled once.

use serde::de::DeserializeOwned;

/// Decodes `bytes` as `T`: the UTF-8 check once for the whole body, then
/// serde_json's `&str` reader. A body that is not UTF-8 is an error naming
/// the byte where it stops being so.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(invalid) => Err(not_utf8(invalid)),
    }
}

/// Decodes `bytes` as a free-form JSON value under the rule every decoder
/// follows (`unique_keys`): a key written twice in one object is an error
/// naming it. Not generic, so the runtime's error bodies, envelopes and
/// deliveries share the one parser instance compiled here instead of each
/// instantiating serde_json's slice reader (BENCHMARKS.md, "Fourth look").
pub fn decode_value(bytes: &[u8]) -> Result<serde_json::Value, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => crate::unique_keys::value_from_str(text),
        Err(invalid) => Err(not_utf8(invalid)),
    }
}

#[cold]
#[inline(never)]
fn not_utf8(invalid: std::str::Utf8Error) -> serde_json::Error {
    <serde_json::Error as serde::de::Error>::custom(format_args!(
        "the body is not UTF-8 (invalid byte at offset {})",
        invalid.valid_up_to()
    ))
}

#[cfg(test)]
mod tests {
    use super::{decode_json, decode_value};

    #[test]
    fn decodes_as_from_slice_does() {
        let body = br#"{"a": ["x\u00e9", 1, null], "b": "\ud83d\ude00"}"#;
        let ours: serde_json::Value = decode_json(body).unwrap();
        let theirs: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn a_body_that_is_not_utf8_is_an_error_naming_the_offset() {
        let body = b"{\"a\": \"ok\xff\"}";
        assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
        let error = decode_json::<serde_json::Value>(body).unwrap_err();
        assert!(error.to_string().contains("offset 9"), "{error}");
    }

    #[test]
    fn syntax_errors_keep_serde_json_s_position() {
        let error = decode_json::<serde_json::Value>(b"{\n  \"a\": tru }").unwrap_err();
        assert_eq!(
            (error.line(), error.classify()),
            (2, serde_json::error::Category::Syntax)
        );
    }

    #[test]
    fn a_value_reads_as_serde_json_reads_it_but_refuses_a_key_twice() {
        let body = br#"{"a": ["x\u00e9", 1, -2.5e-3, null], "b": {"c": true}}"#;
        let theirs: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(decode_value(body).unwrap(), theirs);
        let error = decode_value(br#"{"detail": "a", "detail": "b"}"#).unwrap_err();
        assert!(
            error.to_string().contains("duplicate key `detail`"),
            "{error}"
        );
        let error = decode_value(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(error.to_string().contains("offset 7"), "{error}");
    }
}
