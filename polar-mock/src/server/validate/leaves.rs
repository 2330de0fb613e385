//! The checks of one leaf value (a string's length and format, a number's
//! bounds), pydantic's message for a value of the wrong type, and how it
//! lists what it expected.

use serde_json::{json, Map, Value};

use super::{Problem, Source};

pub(super) fn type_problem(
    ty: &str,
    spec: &Map<String, Value>,
    value: &Value,
    loc: &[Value],
    source: Source,
) -> Problem {
    let text = source == Source::Text && value.is_string();
    let (kind, msg) = match ty {
        "string" => ("string_type", "Input should be a valid string"),
        "integer" if value.as_f64().is_some_and(|f| f.fract() != 0.0) => (
            "int_from_float",
            "Input should be a valid integer, got a number with a fractional part",
        ),
        "integer" if text => (
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        "integer" => ("int_type", "Input should be a valid integer"),
        "number" if text => (
            "float_parsing",
            "Input should be a valid number, unable to parse string as a number",
        ),
        "number" => ("float_type", "Input should be a valid number"),
        "boolean" if text => (
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input",
        ),
        "boolean" => ("bool_type", "Input should be a valid boolean"),
        "array" => ("list_type", "Input should be a valid list"),
        "object" if spec.contains_key("properties") => (
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        ),
        "object" => ("dict_type", "Input should be a valid dictionary"),
        _ => ("none_required", "Input should be None"),
    };
    Problem::new(loc, kind, msg, value)
}

pub(super) fn string(
    spec: &Map<String, Value>,
    value: &Value,
    loc: &[Value],
    out: &mut Vec<Problem>,
) {
    let Some(text) = value.as_str() else {
        return;
    };
    let length = text.chars().count() as u64;
    if let Some(min) = spec.get("minLength").and_then(Value::as_u64) {
        if length < min {
            out.push(
                Problem::new(
                    loc,
                    "string_too_short",
                    format!("String should have at least {min} character{}", plural(min)),
                    value,
                )
                .ctx(json!({"min_length": min})),
            );
        }
    }
    if let Some(max) = spec.get("maxLength").and_then(Value::as_u64) {
        if length > max {
            out.push(
                Problem::new(
                    loc,
                    "string_too_long",
                    format!("String should have at most {max} character{}", plural(max)),
                    value,
                )
                .ctx(json!({"max_length": max})),
            );
        }
    }
    if let Some(problem) = spec
        .get("format")
        .and_then(Value::as_str)
        .and_then(|f| format_problem(f, text))
    {
        let (kind, msg, ctx) = problem;
        out.push(Problem::new(loc, kind, msg, value).ctx(ctx));
    }
}

/// What is wrong with `text` for a `format`, if anything.
fn format_problem(format: &str, text: &str) -> Option<(&'static str, String, Value)> {
    match format {
        "uuid" | "uuid4" => match uuid::Uuid::try_parse(text) {
            Err(err) => Some((
                "uuid_parsing",
                format!("Input should be a valid UUID, {err}"),
                json!({"error": err.to_string()}),
            )),
            Ok(id) if format == "uuid4" && id.get_version_num() != 4 => Some((
                "uuid_version",
                "UUID version 4 expected".to_owned(),
                json!({"expected_version": 4}),
            )),
            Ok(_) => None,
        },
        "date-time" => {
            let valid = chrono::DateTime::parse_from_rfc3339(text).is_ok()
                || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
                || chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
            (!valid).then(|| {
                (
                    "datetime_from_date_parsing",
                    "Input should be a valid datetime or date, invalid character in year"
                        .to_owned(),
                    json!({"error": "invalid character in year"}),
                )
            })
        }
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .is_err()
            .then(|| {
                (
                    "date_from_datetime_parsing",
                    "Input should be a valid date or datetime, invalid character in year"
                        .to_owned(),
                    json!({"error": "invalid character in year"}),
                )
            }),
        "email" => email_problem(text).map(|reason| {
            (
                "value_error",
                format!("value is not a valid email address: {reason}"),
                json!({"reason": reason}),
            )
        }),
        "uri" => {
            let valid = text.split_once("://").is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !rest.is_empty()
            });
            (!valid).then(|| {
                (
                    "url_parsing",
                    "Input should be a valid URL, relative URL without a base".to_owned(),
                    json!({"error": "relative URL without a base"}),
                )
            })
        }
        _ => None,
    }
}

fn email_problem(text: &str) -> Option<&'static str> {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Some("An email address must have an @-sign.");
    };
    if local.is_empty() {
        return Some("There must be something before the @-sign.");
    }
    if text.chars().any(char::is_whitespace) {
        return Some("The email address contains invalid characters.");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Some("The part after the @-sign is not valid. It should have a period.");
    }
    None
}

/// A bound keyword, pydantic's type and `ctx` key for it, its words, and
/// whether a number keeps it.
type Bound = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    fn(f64, f64) -> bool,
);

pub(super) fn bounds(
    spec: &Map<String, Value>,
    value: &Value,
    loc: &[Value],
    out: &mut Vec<Problem>,
) {
    let Some(n) = value.as_f64() else {
        return;
    };
    let checks: [Bound; 4] = [
        (
            "minimum",
            "greater_than_equal",
            "ge",
            "greater than or equal to",
            |n, b| n >= b,
        ),
        (
            "maximum",
            "less_than_equal",
            "le",
            "less than or equal to",
            |n, b| n <= b,
        ),
        (
            "exclusiveMinimum",
            "greater_than",
            "gt",
            "greater than",
            |n, b| n > b,
        ),
        (
            "exclusiveMaximum",
            "less_than",
            "lt",
            "less than",
            |n, b| n < b,
        ),
    ];
    for (keyword, kind, key, words, holds) in checks {
        let Some(bound) = spec.get(keyword) else {
            continue;
        };
        let Some(b) = bound.as_f64() else {
            continue;
        };
        if !holds(n, b) {
            out.push(
                Problem::new(loc, kind, format!("Input should be {words} {bound}"), value)
                    .ctx(json!({key: bound})),
            );
        }
    }
}

/// `'a', 'b' or 'c'`, as pydantic lists expected values.
pub(super) fn quoted(values: &[Value]) -> String {
    let texts: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("'{s}'"),
            other => other.to_string(),
        })
        .collect();
    match texts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

pub(super) fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
