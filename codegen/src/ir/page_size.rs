//! The largest page a list operation may ask for.
//!
//! `.stream()` and `.collect_all()` fetch every page, so when the caller
//! has not set `limit` they ask for the largest page the API serves, in
//! as few requests as possible. That maximum is read from the operation's
//! `limit` query parameter, never assumed:
//!
//! 1. the schema's `maximum` (an integer), else
//! 2. the sentence `Maximum is N.` in the parameter's description or in
//!    its schema's (Polar's wording: "Size of a page, defaults to 10.
//!    Maximum is 100.").
//!
//! Without either the operation has no known maximum and the server's
//! default page size stays.

use crate::spec::Parameter;

/// The `limit` parameter's documented maximum, if it has one.
pub fn max_page_size(params: &[Parameter]) -> Option<i64> {
    let limit = params
        .iter()
        .find(|p| p.location == "query" && p.name == "limit")?;
    let schema = limit.schema.as_ref();
    if let Some(max) = schema.and_then(|s| s.maximum) {
        if max.fract() == 0.0 && max >= 1.0 && max <= i64::MAX as f64 {
            return Some(max as i64);
        }
    }
    [
        limit.description.as_deref(),
        schema.and_then(|s| s.description.as_deref()),
    ]
    .into_iter()
    .flatten()
    .find_map(stated_maximum)
}

/// `N` from a sentence `Maximum is N.` in `text`.
fn stated_maximum(text: &str) -> Option<i64> {
    const PHRASE: &str = "Maximum is ";
    text.match_indices(PHRASE).find_map(|(at, _)| {
        let rest = &text[at + PHRASE.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        rest[..digits].parse().ok().filter(|n: &i64| *n > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::stated_maximum;

    #[test]
    fn reads_polars_sentence() {
        assert_eq!(
            stated_maximum("Size of a page, defaults to 10. Maximum is 100."),
            Some(100)
        );
        assert_eq!(stated_maximum("Maximum is 25"), Some(25));
        assert_eq!(stated_maximum("Maximum is unbounded."), None);
        assert_eq!(stated_maximum("Maximum is 0."), None);
        assert_eq!(stated_maximum("Size of a page."), None);
    }
}
