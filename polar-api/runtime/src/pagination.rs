//! Walking paginated list operations as a stream of items.

use std::collections::HashSet;
use std::future::Future;
use std::hash::Hash;
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream;
use futures_util::StreamExt;
use polar_models_core::{Page, PageProgress};

use crate::Error;

/// The longest `Retry-After` a page walk waits out: two of Polar's
/// one-minute rate-limit windows. A `429` asking for longer ends the walk
/// with that error.
pub const PAGE_WALK_MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// How many `429` answers in a row, for one page, a walk waits out before
/// it ends with the last one.
pub const PAGE_WALK_MAX_RATE_LIMITED: u32 = 5;

/// Streams every item of a paginated list, fetching pages on demand.
///
/// `fetch(n)` loads page `n`; pages `first_page`, `first_page + 1`, … are
/// requested while the last one was not empty and its `pagination` says
/// another follows ([`PageProgress`]: `max_page` for numbered lists,
/// `has_next_page` for cursor-paginated ones). An error is yielded once and
/// ends the stream.
///
/// **Rate limits.** A page walk is background work, so it waits for the
/// server rather than giving up: when a page is answered `429` with a
/// `Retry-After` (after the client's own retries, which give up on a
/// `Retry-After` longer than [`RetryConfig`](crate::RetryConfig)'s
/// `max_delay`, 30 s by default, shorter than Polar's 60-second window),
/// the walk waits that long and asks for the same page again, up to
/// [`PAGE_WALK_MAX_RETRY_AFTER`] per wait and
/// [`PAGE_WALK_MAX_RATE_LIMITED`] times in a row for one page. A `429`
/// without `Retry-After`, or asking for longer, ends the walk with that
/// error. The caller's deadline bounds the walk: wrap it in
/// `tokio::time::timeout`, or stop polling it (the wait is dropped with
/// the stream); the client's `deadline` bounds each request, not the walk.
///
/// **A list that changes during the walk.** Pages are asked for by number
/// (`page` and `limit`), each when the previous one is consumed: an item
/// created or deleted meanwhile shifts the items after it, so the walk can
/// **repeat** an item (one inserted before the current page pushes the
/// page's last item onto the next) or **skip** one (a deletion pulls the
/// next page's first item onto a page already read). This is inherent to
/// page/limit pagination, not a bug of the walk. Wrap the stream in
/// [`dedup_by_key`] to drop repeats by id; nothing can recover a skipped
/// item but walking again (or listing with a filter on creation time).
///
/// The stream is `Unpin` (it is boxed once, when the walk starts), so
/// `next`/`try_next` work on it as it is; the traits they come from are
/// re-exported in `polar_api::prelude`:
///
/// ```no_run
/// # async fn demo(fetch: impl FnMut(i64) -> std::future::Ready<Result<polar_api::models::v2026_10::Page<u32, polar_api::models::v2026_10::Pagination>, polar_api::Error>>) -> Result<(), polar_api::Error> {
/// use polar_api::prelude::*;
///
/// let mut items = polar_api::paginate(1, fetch);
/// while let Some(item) = items.try_next().await? {
///     println!("{item}");
/// }
/// # Ok(()) }
/// ```
pub fn paginate<T, P, F, Fut>(
    first_page: i64,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Unpin
where
    P: PageProgress,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T, P>, Error>>,
{
    let start = Walk {
        fetch,
        next_page: Some(first_page),
        buffered: Vec::new().into_iter(),
    };
    // Boxed, so that the stream is `Unpin`: callers `next().await` on it
    // without pinning it first. One allocation per walk.
    Box::pin(
        stream::unfold(start, move |mut state| async move {
            let mut rate_limited = 0u32;
            loop {
                if let Some(item) = state.buffered.next() {
                    return Some((Ok(item), state));
                }
                let page = state.next_page.take()?;
                match (state.fetch)(page).await {
                    Ok(loaded) => {
                        rate_limited = 0;
                        if !loaded.items.is_empty() && loaded.pagination.has_page_after(page) {
                            state.next_page = page.checked_add(1);
                        }
                        state.buffered = loaded.items.into_iter();
                    }
                    Err(error) => match wait_for(&error, rate_limited) {
                        Some(wait) => {
                            rate_limited += 1;
                            tokio::time::sleep(wait).await;
                            state.next_page = Some(page);
                        }
                        // `next_page` is already `None`: the stream ends after this.
                        None => return Some((Err(error), state)),
                    },
                }
            }
        })
        // Polling again after the end keeps answering `None`.
        .fuse(),
    )
}

/// How long a walk waits before asking again for a page answered with
/// `error`, after `waited` such waits in a row; `None` to end the walk.
fn wait_for(error: &Error, waited: u32) -> Option<Duration> {
    if error.status() != Some(429) || waited >= PAGE_WALK_MAX_RATE_LIMITED {
        return None;
    }
    error
        .rate_limit()?
        .retry_after
        .filter(|&wait| wait <= PAGE_WALK_MAX_RETRY_AFTER)
}

/// Drains a stream of results into a vector, stopping at the first error.
///
/// Over a list that changes while it is walked, the result can repeat or
/// miss items (see [`paginate`]); [`dedup_by_key`] drops the repeats.
pub async fn collect_all<T, S>(items: S) -> Result<Vec<T>, Error>
where
    S: Stream<Item = Result<T, Error>>,
{
    let mut items = std::pin::pin!(items);
    let mut all = Vec::new();
    while let Some(item) = items.next().await {
        all.push(item?);
    }
    Ok(all)
}

/// Passes on the items of a page walk whose `key` (their `id`) it has not
/// passed on before, and every error: the repeats a list changing during
/// the walk causes are dropped (see [`paginate`]). It keeps every key it
/// has seen, so its memory grows with the walk.
///
/// ```no_run
/// # struct Product { id: String }
/// # async fn demo(products: impl futures_core::Stream<Item = Result<Product, polar_api::Error>>) -> Result<(), polar_api::Error> {
/// // `products` is `client.products().list().stream()`.
/// let products = polar_api::dedup_by_key(products, |product| product.id.clone());
/// let products: Vec<Product> = polar_api::collect_all(products).await?;
/// # Ok(()) }
/// ```
pub fn dedup_by_key<T, K, S, F>(items: S, mut key: F) -> impl Stream<Item = Result<T, Error>>
where
    S: Stream<Item = Result<T, Error>>,
    K: Eq + Hash,
    F: FnMut(&T) -> K,
{
    let mut seen = HashSet::new();
    items.filter(move |item| {
        let new = match item {
            Ok(item) => seen.insert(key(item)),
            Err(_) => true,
        };
        std::future::ready(new)
    })
}

/// [`dedup_by_key`] for items whose key may be missing (`None`: the
/// `Unknown` member of a union, which has no `id`): those always pass.
/// What the generated `.stream_unique()` of a list of unions uses.
#[doc(hidden)]
pub fn dedup_by_optional_key<T, K, S, F>(
    items: S,
    mut key: F,
) -> impl Stream<Item = Result<T, Error>>
where
    S: Stream<Item = Result<T, Error>>,
    K: Eq + Hash,
    F: FnMut(&T) -> Option<K>,
{
    let mut seen = HashSet::new();
    items.filter(move |item| {
        let new = match item {
            Ok(item) => key(item).is_none_or(|key| seen.insert(key)),
            Err(_) => true,
        };
        std::future::ready(new)
    })
}

struct Walk<T, F> {
    fetch: F,
    next_page: Option<i64>,
    buffered: std::vec::IntoIter<T>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Numbered pages up to a total, like the spec's `Pagination`.
    struct MaxPage(i64);
    impl PageProgress for MaxPage {
        fn has_page_after(&self, page: i64) -> bool {
            page < self.0
        }
    }

    /// A has-more flag, like the spec's `CursorPagination`.
    struct HasNext(bool);
    impl PageProgress for HasNext {
        fn has_page_after(&self, _: i64) -> bool {
            self.0
        }
    }

    fn page(items: Vec<u32>, max_page: i64) -> Page<u32, MaxPage> {
        Page {
            items,
            pagination: MaxPage(max_page),
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn walks_to_max_page() {
        let calls = RefCell::new(Vec::new());
        let items = block_on(collect_all(paginate(1, |n| {
            calls.borrow_mut().push(n);
            let n32 = n as u32;
            async move { Ok(page(vec![n32 * 10, n32 * 10 + 1], 3)) }
        })))
        .unwrap();
        assert_eq!(items, vec![10, 11, 20, 21, 30, 31]);
        assert_eq!(*calls.borrow(), vec![1, 2, 3]);
    }

    #[test]
    fn stops_on_empty_page_and_after_error() {
        let calls = RefCell::new(0);
        let items = block_on(collect_all(paginate(1, |_| {
            *calls.borrow_mut() += 1;
            async { Ok(page(vec![], 100)) }
        })))
        .unwrap();
        assert!(items.is_empty());
        assert_eq!(*calls.borrow(), 1);

        let results: Vec<Result<u32, Error>> = block_on(
            paginate(1, |n| async move {
                if n == 1 {
                    Ok(page(vec![1], 5))
                } else {
                    Err(Error::config("boom"))
                }
            })
            .collect(),
        );
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok() && results[1].is_err());
    }

    /// `next().await` on a walk as it is, without pinning it (a walk that
    /// is not `Unpin` would not compile here).
    #[test]
    fn a_walk_is_unpin() {
        fn unpin<S: Unpin>(stream: S) -> S {
            stream
        }
        let mut items = unpin(paginate(1, |n| async move {
            Ok(Page {
                items: vec![n],
                pagination: HasNext(n < 2),
            })
        }));
        let first = block_on(items.next()).unwrap().unwrap();
        let second = block_on(items.next()).unwrap().unwrap();
        assert_eq!((first, second), (1, 2));
        assert!(block_on(items.next()).is_none());
    }

    #[test]
    fn items_without_a_key_are_never_dropped() {
        let items = futures_util::stream::iter([
            Ok(1),
            Ok(2),
            Ok(1),
            Err(Error::config("boom")),
            Ok(0),
            Ok(0),
            Ok(2),
        ]);
        // 0 stands for an item without an id.
        let kept: Vec<_> = block_on(
            dedup_by_optional_key(items, |&n: &u32| (n != 0).then_some(n)).collect::<Vec<_>>(),
        );
        let kept: Vec<Option<u32>> = kept.into_iter().map(Result::ok).collect();
        assert_eq!(kept, [Some(1), Some(2), None, Some(0), Some(0)]);
    }

    #[test]
    fn cursor_follows_has_next_page() {
        let items = block_on(collect_all(paginate(1, |n| async move {
            Ok(Page {
                items: vec![n],
                pagination: HasNext(n < 4),
            })
        })))
        .unwrap();
        assert_eq!(items, vec![1, 2, 3, 4]);
    }
}
