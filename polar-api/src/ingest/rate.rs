//! The ingestor's own rate limit: at most `limit` requests in any window
//! of `window`, and a pause for everyone after a `429`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// About thirty years: what a duration too long for the clock stands for.
const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

/// `at + by`, or (when that does not fit the clock, e.g. a configured
/// `Duration::MAX`) a time decades away, instead of the panic of `+`.
pub(crate) fn later(at: Instant, by: Duration) -> Instant {
    at.checked_add(by)
        .or_else(|| at.checked_add(FAR))
        .unwrap_or(at)
}

/// A sliding-window log of request start times: exact (never more than
/// `limit` starts in any `window`), and small (at most `limit` instants).
#[derive(Debug)]
pub(crate) struct RateWindow {
    limit: usize,
    window: Duration,
    starts: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl RateWindow {
    /// `limit` requests per `window`; `None`: no limit (only `429` pauses).
    pub(crate) fn new(limit: Option<(u32, Duration)>) -> Self {
        let (limit, window) = match limit {
            Some((limit, window)) => (limit.max(1) as usize, window),
            None => (usize::MAX, Duration::ZERO),
        };
        RateWindow {
            limit,
            window,
            starts: VecDeque::new(),
            paused_until: None,
        }
    }

    /// Takes a slot at `now`, or says when to ask again.
    pub(crate) fn try_acquire(&mut self, now: Instant) -> Result<(), Instant> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until);
            }
            self.paused_until = None;
        }
        if self.limit == usize::MAX {
            return Ok(());
        }
        while let Some(&oldest) = self.starts.front() {
            if now.duration_since(oldest) >= self.window {
                self.starts.pop_front();
            } else {
                break;
            }
        }
        if self.starts.len() < self.limit {
            self.starts.push_back(now);
            Ok(())
        } else {
            // The oldest start leaves the window then.
            Err(later(self.starts[0], self.window))
        }
    }

    /// No request starts before `until` (a `429`'s `Retry-After`).
    pub(crate) fn pause_until(&mut self, until: Instant) {
        self.paused_until = Some(self.paused_until.map_or(until, |t| t.max(until)));
    }
}

/// A [`RateWindow`] shared by the requests of one ingestor.
#[derive(Debug)]
pub(crate) struct Limiter(Mutex<RateWindow>);

impl Limiter {
    pub(crate) fn new(limit: Option<(u32, Duration)>) -> Self {
        Limiter(Mutex::new(RateWindow::new(limit)))
    }

    /// Waits for a slot and takes it.
    pub(crate) async fn acquire(&self) {
        loop {
            let wait = self.lock().try_acquire(Instant::now());
            match wait {
                Ok(()) => return,
                Err(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// Holds every request back for `wait`.
    pub(crate) fn pause_for(&self, wait: Duration) {
        self.lock().pause_until(later(Instant::now(), wait));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RateWindow> {
        // Nothing panics while holding it; recover anyway.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
                let limiter = Limiter::new(Some((3, window)));
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
    async fn the_limiter_is_shared_by_concurrent_requests() {
        guarded("the_limiter_is_shared_by_concurrent_requests", async {
            let limiter = std::sync::Arc::new(Limiter::new(Some((2, Duration::from_secs(60)))));
            let t0 = Instant::now();
            let tasks: Vec<_> = (0..6)
                .map(|_| {
                    let limiter = std::sync::Arc::clone(&limiter);
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
        })
        .await
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pause_holds_the_next_acquire() {
        guarded("a_429_pause_holds_the_next_acquire", async {
            let limiter = Limiter::new(None);
            limiter.acquire().await;
            let t0 = Instant::now();
            limiter.pause_for(Duration::from_secs(5));
            limiter.acquire().await;
            assert_eq!(Instant::now() - t0, Duration::from_secs(5));
        })
        .await
    }
}
