//! Reading a discriminated union's tag straight from the value's text.
//!
//! A union with a discriminator needs one thing before it can decode the
//! variant: the tag's string. Finding it by a full shallow decode (every
//! key, every scalar, as the shape-based path must) costs about as much as
//! decoding again; this walks the bytes of the object's top level instead,
//! stepping over nested values without reading them.
//!
//! It answers only when the answer is plain: an object whose keys and tag
//! carry no escapes. Anything else (escapes, a non-string tag, text that is
//! not an object, malformed JSON) is `None`, and the caller takes the full
//! path, which gives the same result or the error for it.

/// The string value of the first top-level `key` of the JSON object in
/// `json`, when neither the keys before it nor the value hold an escape.
/// `None` when the key is absent, when its value is not a string, or when
/// the text is anything else than such an object.
pub(crate) fn scan_tag<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    scan_path(json, &[key])
}

/// [`scan_tag`] along a path of keys (`["benefit", "type"]`): each key the
/// first of its name in its object, every step but the last an object,
/// the last a string, nothing on the way escaped.
pub(crate) fn scan_path<'a>(json: &'a str, path: &[&str]) -> Option<&'a str> {
    let bytes = json.as_bytes();
    let mut at = 0;
    for key in path {
        at = value_of(bytes, at, key)?;
    }
    let (value, _) = plain_string(bytes, at)?;
    // The bytes between two quotes of valid UTF-8 text with no backslash
    // are a whole string.
    std::str::from_utf8(value).ok()
}

/// Where the value of the first `key` of the object starting at `at`
/// (after any space) begins.
fn value_of(bytes: &[u8], at: usize, key: &str) -> Option<usize> {
    let mut at = skip_space(bytes, at);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    if bytes.get(at) == Some(&b'}') {
        return None;
    }
    loop {
        let (name, after) = plain_string(bytes, at)?;
        at = skip_space(bytes, after);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(bytes, at + 1);
        if name == key.as_bytes() {
            return Some(at);
        }
        at = skip_value(bytes, at)?;
        at = skip_space(bytes, at);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The contents of the string starting at `at` (which must be its opening
/// quote) and the index after its closing quote; `None` if it holds an
/// escape or is not closed.
fn plain_string(bytes: &[u8], at: usize) -> Option<(&[u8], usize)> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let len = memchr::memchr2(b'"', b'\\', &bytes[start..])?;
    let end = start + len;
    (bytes[end] == b'"').then(|| (&bytes[start..end], end + 1))
}

/// The index after the value starting at `at`: strings (escapes included),
/// objects and arrays by their brackets, scalars up to the next delimiter.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => skip_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let len = bytes[at..]
                .iter()
                .position(|&b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len() - at);
            (len > 0).then_some(at + len)
        }
    }
}

/// The index after the string starting at `at`, escapes included. Most of
/// a payload's bytes are inside strings: `memchr2` finds the next quote or
/// backslash many bytes at a time.
fn skip_string(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::{scan_path, scan_tag};
    use crate::peek::{Kind, Peek, Scalar};
    use crate::union_decode::{Lit, Shape};

    /// What the full path finds at `path`: the union decoder's peek, told
    /// to look there (the first key of each name, where serde_json's
    /// `Value` keeps the last).
    fn by_decoding_path(json: &str, path: &'static [&'static str]) -> Option<String> {
        let shapes = [Shape::Object {
            required: &[],
            known: &[],
            consts: Box::leak(Box::new([(path, Lit::Str(""))])),
            closed: false,
        }];
        let peek = Peek::read(json, &shapes).ok()?;
        if peek.kind != Kind::Object {
            return None;
        }
        match peek.at(path)? {
            Scalar::Str(tag) => Some(tag.to_string()),
            _ => None,
        }
    }

    const CASES: &[&str] = &[
        r#"{"type":"order.created","data":{"id":"x"}}"#,
        r#"{"data":{"type":"inner","list":[1,{"type":"deeper"},"]}"]},"type":"outer"}"#,
        r#" { "a" : 1 , "b" : [ true , null ] , "type" : "spaced" } "#,
        r#"{"a":"with \"quotes\" and \\ back","type":"after escapes in a value"}"#,
        r#"{"type":"first","type":"second"}"#,
        r#"{"type":5}"#,
        r#"{"type":null,"kind":"x"}"#,
        r#"{"kind":"no tag here","n":-1.5e3}"#,
        r#"{"type":"caf\u00e9"}"#,
        r#"{"ty\u0070e":"escaped key"}"#,
        r#"{"type":"ünïcödé","x":{}}"#,
        r#"{}"#,
        r#"[{"type":"in an array"}]"#,
        r#""type""#,
        r#"{"a":{"b":{"c":[[[]]]}},"type":"nested"}"#,
    ];

    const PATH_CASES: &[&str] = &[
        r#"{"id":1,"benefit":{"id":2,"type":"discord"},"properties":{}}"#,
        r#"{"customer":{"type":"individual"},"benefit":{"type":"custom","x":[{"type":"no"}]}}"#,
        r#"{"benefit":{"properties":{"type":"deeper"},"type":"license_keys"}}"#,
        r#"{"benefit":{"type":"first","type":"second"},"benefit":{"type":"third"}}"#,
        r#"{"benefit":{"type":5}}"#,
        r#"{"benefit":"custom"}"#,
        r#"{"benefit":null,"type":"custom"}"#,
        r#"{"benefit":{"ty\u0070e":"escaped"}}"#,
        r#"{"benefit":{"a":"\"","type":"after an escaped value"}}"#,
        r#" { "benefit" : { "type" : "spaced" } } "#,
        r#"{"benefit":{}}"#,
        r#"{"benefit":[{"type":"in an array"}]}"#,
    ];

    /// Every case with the path it is scanned along.
    fn cases() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
        let top: &'static [&'static str] = &["type"];
        let nested: &'static [&'static str] = &["benefit", "type"];
        (CASES.iter().map(move |json| (*json, top)))
            .chain(PATH_CASES.iter().map(move |json| (*json, nested)))
    }

    #[test]
    fn finds_the_tag_the_full_decode_finds_or_defers() {
        for (json, path) in cases() {
            let scanned = scan_path(json, path);
            let decoded = by_decoding_path(json, path);
            match scanned {
                // Whenever it answers, it agrees.
                Some(tag) => assert_eq!(Some(tag.to_owned()), decoded, "{json}"),
                // It defers only where escapes are involved, or there is no tag.
                None => assert!(
                    decoded.is_none() || json.contains('\\'),
                    "{json}: {decoded:?}"
                ),
            }
        }
        assert_eq!(scan_tag(CASES[0], "type"), Some("order.created"));
    }

    #[test]
    fn never_answers_differently_on_broken_text() {
        // Every one-byte change of every case (ASCII only, so the text stays
        // UTF-8): wherever the scan answers, the text decodes to that tag.
        let replacements = b"{}[]\",:\\ ae1-";
        let mut answered = 0;
        for (json, path) in cases() {
            for i in 0..json.len() {
                for &r in replacements {
                    let mut bytes = json.as_bytes().to_vec();
                    if !bytes[i].is_ascii() {
                        continue;
                    }
                    bytes[i] = r;
                    let Ok(text) = String::from_utf8(bytes) else {
                        continue;
                    };
                    if let Some(tag) = scan_path(&text, path) {
                        // Broken text elsewhere is the variant decoder's to report.
                        if let Some(decoded) = by_decoding_path(&text, path) {
                            assert_eq!(tag, decoded, "{text}");
                            answered += 1;
                        }
                    }
                }
            }
        }
        // The changes leave many texts whole: the check above ran.
        assert!(answered > 1000, "{answered}");
    }

    #[test]
    fn text_cut_inside_a_skipped_value_is_no_answer() {
        // Every prefix of every case, the cuts after a backslash included.
        for json in CASES.iter().chain(PATH_CASES) {
            for end in (0..json.len()).filter(|&end| json.is_char_boundary(end)) {
                let cut = &json[..end];
                for path in [&["type"][..], &["benefit", "type"], &["data", "type"]] {
                    if let Some(tag) = scan_path(cut, path) {
                        // A cut after the tag's string: the answer stands.
                        assert!(cut.contains(&format!("\"{tag}\"")), "{cut}");
                    }
                }
            }
        }
        assert_eq!(scan_path(r#"{"a":"x\"#, &["b"]), None);
        assert_eq!(scan_path(r#"{"a":{"b":"\"#, &["c"]), None);
    }
}
