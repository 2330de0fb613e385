//! Query-string values: the [`OneOrMany`] parameter type, and how serialized
//! values become `name=value` pairs.

use serde::Serialize;
use serde_json::Value;

/// A query parameter that takes one value or a list of them (the spec's
/// `anyOf: [T, array of T]` filters, such as `product_id`).
///
/// Build it from a single value or any list; a list is sent as the parameter
/// repeated, `product_id=a&product_id=b`.
///
/// ```
/// use polar_api::OneOrMany;
///
/// let one: OneOrMany<u32> = 7.into();
/// let many: OneOrMany<u32> = [1, 2, 3].into();
/// let names: OneOrMany<String> = ["pro", "team"].into();
/// assert_eq!(one.as_slice(), &[7]);
/// assert_eq!(many.len(), 3);
/// assert_eq!(names.as_slice(), &["pro".to_string(), "team".to_string()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OneOrMany<T>(Vec<T>);

impl<T> OneOrMany<T> {
    /// The values, in order.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The values as a vector.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no values (the parameter is then left out).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(value: T) -> Self {
        OneOrMany(vec![value])
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(values: Vec<T>) -> Self {
        OneOrMany(values)
    }
}

impl<T, const N: usize> From<[T; N]> for OneOrMany<T> {
    fn from(values: [T; N]) -> Self {
        OneOrMany(values.into())
    }
}

impl<T: Clone> From<&[T]> for OneOrMany<T> {
    fn from(values: &[T]) -> Self {
        OneOrMany(values.to_vec())
    }
}

impl From<&str> for OneOrMany<String> {
    fn from(value: &str) -> Self {
        OneOrMany(vec![value.to_owned()])
    }
}

impl<const N: usize> From<[&str; N]> for OneOrMany<String> {
    fn from(values: [&str; N]) -> Self {
        OneOrMany(values.iter().map(|s| (*s).to_owned()).collect())
    }
}

impl From<Vec<&str>> for OneOrMany<String> {
    fn from(values: Vec<&str>) -> Self {
        OneOrMany(values.into_iter().map(str::to_owned).collect())
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        OneOrMany(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for OneOrMany<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Serializes a value for the URL (path or query) as JSON, the form its
/// scalars are rendered from.
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// The text of a scalar: strings as they are, numbers and booleans in their
/// JSON spelling; anything else (a nested list or object) as compact JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// `form` style with `explode` (OpenAPI's default for query parameters):
/// a scalar is `name=v`, a list repeats the name, an object becomes one pair
/// per entry, and `null` adds nothing.
pub(crate) fn form_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Null => {}
                    item => out.push((name.to_owned(), scalar_text(item))),
                }
            }
        }
        Value::Object(entries) => {
            for (key, item) in entries {
                form_pairs(key, item, out);
            }
        }
        scalar => out.push((name.to_owned(), scalar_text(scalar))),
    }
}

/// `deepObject` style: each entry of an object becomes `name[key]=v`, a list
/// value repeats `name[key]`, nested objects nest the brackets. A value that
/// is not an object is sent like a `form` parameter.
///
/// A key holding `[` or `]` is refused (the error names it): the server
/// decodes the query before it reads the brackets, so such a key could not
/// be told from the structure of the name, percent-encoded or not
/// (`metadata[plan]x[]` is one key or two levels).
pub(crate) fn deep_object_pairs(
    name: &str,
    value: &Value,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    match value {
        Value::Object(entries) => {
            for (key, item) in entries {
                if key.contains(['[', ']']) {
                    return Err(format!(
                        "the key {key:?} of `{name}` holds `[` or `]`, which a deepObject \
                         query parameter cannot carry unambiguously"
                    ));
                }
                let nested = format!("{name}[{key}]");
                match item {
                    Value::Object(_) => deep_object_pairs(&nested, item, out)?,
                    _ => form_pairs(&nested, item, out),
                }
            }
        }
        other => form_pairs(name, other, out),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(value: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        form_pairs("p", &value, &mut out);
        out
    }

    fn deep(value: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        deep_object_pairs("metadata", &value, &mut out).unwrap();
        out
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn form_style() {
        assert_eq!(form(json!("a b")), pairs(&[("p", "a b")]));
        assert_eq!(form(json!(3)), pairs(&[("p", "3")]));
        assert_eq!(form(json!(1.5)), pairs(&[("p", "1.5")]));
        assert_eq!(form(json!(true)), pairs(&[("p", "true")]));
        assert_eq!(form(json!(null)), pairs(&[]));
        assert_eq!(
            form(json!(["a", null, 2])),
            pairs(&[("p", "a"), ("p", "2")])
        );
        assert_eq!(
            form(json!({"x": 1, "y": [2, 3]})),
            pairs(&[("x", "1"), ("y", "2"), ("y", "3")])
        );
    }

    #[test]
    fn deep_object_style() {
        assert_eq!(
            deep(json!({"plan": "pro", "tier": [1, 2], "vip": false, "gone": null})),
            pairs(&[
                ("metadata[plan]", "pro"),
                ("metadata[tier]", "1"),
                ("metadata[tier]", "2"),
                ("metadata[vip]", "false"),
            ])
        );
        assert_eq!(
            deep(json!({"a": {"b": 1}})),
            pairs(&[("metadata[a][b]", "1")])
        );
        assert_eq!(deep(json!(null)), pairs(&[]));
    }

    #[test]
    fn deep_object_keys_with_brackets_are_refused() {
        for value in [json!({"plan]x[": "pro"}), json!({"a": {"b[": 1}})] {
            let mut out = Vec::new();
            let err = deep_object_pairs("metadata", &value, &mut out).unwrap_err();
            assert!(err.contains("`[` or `]`"), "{err}");
        }
        assert_eq!(
            deep(json!({"a&b=c": "x"})),
            pairs(&[("metadata[a&b=c]", "x")])
        );
    }

    #[test]
    fn one_or_many_serializes_as_a_list() {
        let one: OneOrMany<i32> = 1.into();
        let many: OneOrMany<i32> = vec![1, 2].into();
        let slice: OneOrMany<i32> = [4, 5][..].into();
        assert_eq!(serde_json::to_value(&one).unwrap(), json!([1]));
        assert_eq!(serde_json::to_value(&many).unwrap(), json!([1, 2]));
        assert_eq!(slice.into_vec(), vec![4, 5]);
        let collected: OneOrMany<i32> = (1..=3).collect();
        assert_eq!(collected.iter().sum::<i32>(), 6);
    }
}
