//! Where in a union payload a variant's decode error happened, as a
//! property path, for error messages.

/// A variant's decode error, naming the property it happened in when its
/// position falls inside one (``field `detail`: invalid type: ...``). The
/// position itself is dropped: it counts in the union's own text, and the
/// outer deserializer adds the position in the whole document.
pub(crate) fn describe(json: &str, err: &serde_json::Error) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct First {
        a: u8,
        kind: String,
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
