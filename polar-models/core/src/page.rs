use serde::{Deserialize, Serialize};

/// One page of a list: the single generic type behind every
/// `ListResource_*` schema of every API version (`ListResourceProduct` is
/// `Page<Product, Pagination>`, with the version's `Pagination`; with a
/// cursor as `P`, the cursor-paginated lists).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T, P> {
    /// The items on this page.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    /// Where this page stands in the whole list.
    pub pagination: P,
}

/// What a page's `pagination` object says about the pages after it.
///
/// The generator implements it for every pagination schema of the spec
/// (`Pagination` by `max_page`, `CursorPagination` by `has_next_page`), so
/// the client can walk any list without naming those types.
pub trait PageProgress {
    /// Whether a page numbered after `page` (the one this came with) exists.
    fn has_page_after(&self, page: i64) -> bool;
}
