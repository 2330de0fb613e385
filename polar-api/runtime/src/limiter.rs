//! [`RateLimiter`]: a client-side limit on how many requests start per
//! window, shared by every client and ingestor given the same one.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

/// Requests a minute Polar allows one organization.
pub const POLAR_REQUESTS_PER_MINUTE: u32 = 300;

/// About thirty years: what a duration too long for the clock stands for.
const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

/// `at + by`, or (when that does not fit the clock, e.g. a configured
/// `Duration::MAX`) a time decades away, instead of the panic of `+`.
#[doc(hidden)]
pub fn later(at: Instant, by: Duration) -> Instant {
    at.checked_add(by)
        .or_else(|| at.checked_add(FAR))
        .unwrap_or(at)
}

/// At most `requests` requests start in any window of `per`, across every
/// client and ingestor it is given to; after a `429` with `Retry-After`,
/// none starts until that wait is over.
///
/// Polar allows [`POLAR_REQUESTS_PER_MINUTE`] (300) requests a minute per
/// organization, counted on the server across everything that uses the
/// organization's tokens. A client has no limiter unless given one
/// (`ClientBuilder::rate_limiter`): each request simply meets the
/// server's `429`, which is retried after its `Retry-After`. The ingestor
/// limits itself to 300 a minute by default, so a client and an ingestor
/// of one process could together send more than Polar allows. Give the
/// client one limiter, and the ingestor built from it uses the same:
///
/// ```no_run
/// # #[cfg(not(feature = "v2026-10"))] fn main() {}
/// # #[cfg(feature = "v2026-10")] fn main() -> Result<(), polar_api::Error> {
/// use polar_api::RateLimiter;
///
/// let client = polar_api::v2026_10::Client::builder()
///     .token("polar_oat_...")
///     .rate_limiter(RateLimiter::polar())
///     .build()?;
/// // With the `ingest` feature, `client.ingestor().start()` shares it.
/// # Ok(()) }
/// ```
///
/// Each attempt takes a slot (a retry is a request too), and waits for
/// one when the window is full: within the request's deadline, after
/// which the call fails with [`Error::Timeout`](crate::Error::Timeout).
/// The window slides (never more than `requests` starts in any `per`,
/// wherever it begins), and the limiter keeps one instant per slot.
///
/// Cloning it is a reference count: clones are the same limiter. Several
/// processes of one organization each need a share of the 300
/// (`RateLimiter::per_minute(100)` for three).
#[derive(Clone)]
pub struct RateLimiter {
    window: Arc<Mutex<RateWindow>>,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let window = self.lock();
        let mut debug = f.debug_struct("RateLimiter");
        match window.limit {
            Some((requests, per)) => debug.field("requests", &requests).field("per", &per),
            None => debug.field("requests", &"unlimited"),
        };
        debug.finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// At most `requests` (at least 1) starts in any window of `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        Self::with_limit(Some((requests, per)))
    }

    /// At most `requests` (at least 1) starts a minute.
    pub fn per_minute(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(60))
    }

    /// Polar's limit for one organization: [`POLAR_REQUESTS_PER_MINUTE`]
    /// (300) a minute.
    pub fn polar() -> Self {
        Self::per_minute(POLAR_REQUESTS_PER_MINUTE)
    }

    /// `None`: no window, only `429` pauses.
    #[doc(hidden)]
    pub fn with_limit(limit: Option<(u32, Duration)>) -> Self {
        RateLimiter {
            window: Arc::new(Mutex::new(RateWindow::new(limit))),
        }
    }

    /// Waits for a slot and takes it.
    pub async fn acquire(&self) {
        loop {
            let wait = self.lock().try_acquire(Instant::now());
            match wait {
                Ok(()) => return,
                Err(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Takes a slot if one is free now, without waiting.
    pub fn try_acquire(&self) -> bool {
        self.lock().try_acquire(Instant::now()).is_ok()
    }

    /// Holds every request back for `wait` (a `429`'s `Retry-After`: the
    /// limit is the organization's). A shorter pause than one already
    /// set does not shorten it.
    pub fn pause_for(&self, wait: Duration) {
        self.lock().pause_until(later(Instant::now(), wait));
    }

    /// Whether `self` and `other` are the same limiter (one is a clone of
    /// the other).
    pub fn same_as(&self, other: &RateLimiter) -> bool {
        Arc::ptr_eq(&self.window, &other.window)
    }

    fn lock(&self) -> MutexGuard<'_, RateWindow> {
        // Nothing panics while holding it; recover anyway.
        self.window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A sliding-window log of request start times: exact (never more than
/// `limit` starts in any `window`), and small (at most `limit` instants).
#[derive(Debug)]
struct RateWindow {
    /// As configured, for `Debug`.
    limit: Option<(u32, Duration)>,
    max_starts: usize,
    window: Duration,
    starts: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl RateWindow {
    /// `limit` requests per `window`; `None`: no limit (only `429` pauses).
    fn new(limit: Option<(u32, Duration)>) -> Self {
        let limit = limit.map(|(requests, per)| (requests.max(1), per));
        let (max_starts, window) = match limit {
            Some((requests, window)) => (requests as usize, window),
            None => (usize::MAX, Duration::ZERO),
        };
        RateWindow {
            limit,
            max_starts,
            window,
            starts: VecDeque::new(),
            paused_until: None,
        }
    }

    /// Takes a slot at `now`, or says when to ask again.
    fn try_acquire(&mut self, now: Instant) -> Result<(), Instant> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until);
            }
            self.paused_until = None;
        }
        if self.max_starts == usize::MAX {
            return Ok(());
        }
        while let Some(&oldest) = self.starts.front() {
            if now.duration_since(oldest) >= self.window {
                self.starts.pop_front();
            } else {
                break;
            }
        }
        if self.starts.len() < self.max_starts {
            self.starts.push_back(now);
            Ok(())
        } else {
            // The oldest start leaves the window then.
            Err(later(self.starts[0], self.window))
        }
    }

    /// No request starts before `until` (a `429`'s `Retry-After`).
    fn pause_until(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |t| t.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_the_limit_in_a_window() {
        let t0 = Instant::now();
        let window = Duration::from_secs(60);
        let mut rate = RateWindow::new(Some((3, window)));
        for _ in 0..3 {
            assert_eq!(rate.try_acquire(t0), Ok(()));
        }
        assert_eq!(
            rate.try_acquire(t0 + Duration::from_secs(59)),
            Err(t0 + window)
        );
        assert_eq!(rate.try_acquire(t0 + window), Ok(()));
        // The two other starts of t0 have left too; one slot is taken.
        let t1 = t0 + window;
        assert_eq!(rate.try_acquire(t1), Ok(()));
        assert_eq!(rate.try_acquire(t1), Ok(()));
        assert_eq!(rate.try_acquire(t1), Err(t1 + window));
    }

    #[test]
    fn a_pause_holds_every_request() {
        let t0 = Instant::now();
        let mut rate = RateWindow::new(None);
        assert_eq!(rate.try_acquire(t0), Ok(()));
        rate.pause_until(t0 + Duration::from_secs(2));
        rate.pause_until(t0 + Duration::from_secs(1)); // a shorter one does not shorten it
        assert_eq!(rate.try_acquire(t0), Err(t0 + Duration::from_secs(2)));
        assert_eq!(rate.try_acquire(t0 + Duration::from_secs(2)), Ok(()));
    }

    #[test]
    fn a_window_too_long_for_the_clock_does_not_panic() {
        let t0 = Instant::now();
        let mut rate = RateWindow::new(Some((1, Duration::MAX)));
        assert_eq!(rate.try_acquire(t0), Ok(()));
        let retry_at = rate.try_acquire(t0).unwrap_err();
        assert!(retry_at > t0 + Duration::from_secs(10 * 365 * 24 * 3600));
        assert_eq!(
            later(t0, Duration::from_secs(1)),
            t0 + Duration::from_secs(1)
        );
    }

    #[test]
    fn zero_requests_means_one() {
        let t0 = Instant::now();
        let mut rate = RateWindow::new(Some((0, Duration::from_secs(1))));
        assert_eq!(rate.try_acquire(t0), Ok(()));
        assert!(rate.try_acquire(t0).is_err());
    }

    #[test]
    fn debug_names_the_limit() {
        let debug = format!("{:?}", RateLimiter::polar());
        assert!(debug.contains("300") && debug.contains("60s"), "{debug}");
        let a = RateLimiter::per_minute(5);
        assert!(a.same_as(&a.clone()));
        assert!(!a.same_as(&RateLimiter::per_minute(5)));
    }

    // With tokio's paused clock: time moves only when every task waits,
    // straight to the next timer, so a minute's window takes no time.

    /// Fails a test whose limiter waits forever (on the paused clock, a
    /// day goes by as soon as every task is waiting).
    async fn guarded<F: std::future::Future>(test: &str, body: F) -> F::Output {
        match tokio::time::timeout(Duration::from_secs(24 * 3600), body).await {
            Ok(output) => output,
            Err(_) => panic!("hung: `{test}` still waiting after a (paused-clock) day"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_limiter_starts_no_more_than_the_limit_in_any_window() {
        guarded(
            "the_limiter_starts_no_more_than_the_limit_in_any_window",
            async {
                let window = Duration::from_secs(60);
                let limiter = RateLimiter::new(3, window);
                let t0 = Instant::now();
                let mut starts = Vec::new();
                for _ in 0..10 {
                    limiter.acquire().await;
                    starts.push(Instant::now() - t0);
                }
                let secs: Vec<u64> = starts.iter().map(Duration::as_secs).collect();
                assert_eq!(secs, [0, 0, 0, 60, 60, 60, 120, 120, 120, 180]);
                for (i, start) in starts.iter().enumerate().skip(3) {
                    assert!(*start - starts[i - 3] >= window, "{starts:?}");
                }
            },
        )
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn the_limiter_is_shared_by_its_clones() {
        guarded("the_limiter_is_shared_by_its_clones", async {
            let limiter = RateLimiter::new(2, Duration::from_secs(60));
            let t0 = Instant::now();
            let tasks: Vec<_> = (0..6)
                .map(|_| {
                    let limiter = limiter.clone();
                    tokio::spawn(async move {
                        limiter.acquire().await;
                        (Instant::now() - t0).as_secs()
                    })
                })
                .collect();
            let mut secs = Vec::new();
            for task in tasks {
                secs.push(task.await.unwrap());
            }
            secs.sort_unstable();
            assert_eq!(secs, [0, 0, 60, 60, 120, 120]);
            assert!(!limiter.try_acquire());
        })
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pause_holds_the_next_acquire() {
        guarded("a_429_pause_holds_the_next_acquire", async {
            let limiter = RateLimiter::with_limit(None);
            limiter.acquire().await;
            let t0 = Instant::now();
            limiter.pause_for(Duration::from_secs(5));
            assert!(!limiter.try_acquire());
            limiter.acquire().await;
            assert_eq!(Instant::now() - t0, Duration::from_secs(5));
        })
        .await
    }
}
