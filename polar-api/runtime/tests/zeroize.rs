//! Credentials are wiped from memory when dropped: an allocator that looks
//! at every block freed while armed finds no copy of the secret in any.
//! (Its own test binary, one test, so nothing else allocates meanwhile.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const SENTINEL: &[u8] = b"sentinel_Q7vX2mLp9Rk4Zt8Wb3Nc";

static ARMED: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);

struct Watching;

unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) && layout.size() >= SENTINEL.len() {
            // The block is still ours until `System.dealloc`.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(SENTINEL.len()).any(|w| w == SENTINEL) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Watching = Watching;

/// How many freed blocks held the secret while `f` ran.
fn freed_copies(f: impl FnOnce()) -> usize {
    FOUND.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

fn secret_text() -> String {
    format!("polar_whs_{}", std::str::from_utf8(SENTINEL).unwrap())
}

#[test]
fn credentials_are_zeroed_when_dropped() {
    use polar_api_runtime::AccessToken;
    use polar_models_core::Secret;

    // Sanity: a plain String is not wiped, and the allocator sees it.
    let plain = secret_text();
    assert_eq!(freed_copies(|| drop(plain)), 1, "the watcher works");

    let text = secret_text();
    assert_eq!(
        freed_copies(move || drop(AccessToken::new(text))),
        0,
        "AccessToken"
    );
    let text = format!(" {}\n", secret_text());
    assert_eq!(
        freed_copies(move || drop(AccessToken::new(text))),
        0,
        "AccessToken, trimmed"
    );
    let text = secret_text();
    assert_eq!(
        freed_copies(move || drop(Secret::new(text))),
        0,
        "polar_models_core::Secret"
    );
    let text = secret_text();
    assert_eq!(
        freed_copies(move || drop(AccessToken::from(Secret::new(text)))),
        0,
        "Secret into AccessToken"
    );

    #[cfg(feature = "webhooks")]
    {
        let text = secret_text();
        let secret = polar_api_runtime::webhooks::WebhookSecret::new(&text).unwrap();
        assert_eq!(
            freed_copies(move || {
                drop(secret);
                drop(text);
            }) - 1,
            0,
            "WebhookSecret (the String it was read from is the caller's)"
        );
    }
}
