//! Walking paginated list operations as a stream of items.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream;
use futures_util::StreamExt;
use polar_models_core::{Page, PageProgress};

use crate::Error;

/// Streams every item of a paginated list, fetching pages on demand.
///
/// `fetch(n)` loads page `n`; pages `first_page`, `first_page + 1`, … are
/// requested while the last one was not empty and its `pagination` says
/// another follows ([`PageProgress`]: `max_page` for numbered lists,
/// `has_next_page` for cursor-paginated ones). An error is yielded once and
/// ends the stream.
///
/// The stream is not `Unpin`; pin it before calling `next` on it:
///
/// ```no_run
/// # async fn demo(fetch: impl FnMut(i64) -> std::future::Ready<Result<polar_api::models::v2026_10::Page<u32, polar_api::models::v2026_10::Pagination>, polar_api::Error>>) -> Result<(), polar_api::Error> {
/// use futures_util::StreamExt;
///
/// let items = polar_api::paginate(1, fetch);
/// let mut items = std::pin::pin!(items);
/// while let Some(item) = items.next().await {
///     println!("{}", item?);
/// }
/// # Ok(()) }
/// ```
pub fn paginate<T, P, F, Fut>(first_page: i64, fetch: F) -> impl Stream<Item = Result<T, Error>>
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
    stream::unfold(start, move |mut state| async move {
        loop {
            if let Some(item) = state.buffered.next() {
                return Some((Ok(item), state));
            }
            let page = state.next_page.take()?;
            match (state.fetch)(page).await {
                Ok(loaded) => {
                    if !loaded.items.is_empty() && loaded.pagination.has_page_after(page) {
                        state.next_page = page.checked_add(1);
                    }
                    state.buffered = loaded.items.into_iter();
                }
                // `next_page` is already `None`: the stream ends after this.
                Err(error) => return Some((Err(error), state)),
            }
        }
    })
    // Polling again after the end keeps answering `None`.
    .fuse()
}

/// Drains a stream of results into a vector, stopping at the first error.
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
