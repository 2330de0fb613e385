use serde::{Deserialize, Serialize};

/// One page of a list: the single generic type behind every
/// `ListResource_*` schema of the spec (`ListResourceProduct` is
/// `Page<Product>`), and, with a cursor as `P`, behind the cursor-paginated
/// lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T, P = crate::Pagination> {
    /// The items on this page.
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    /// Where this page stands in the whole list.
    pub pagination: P,
}
