//! Run blocking core work on its own thread and await it from a UniFFI async function.
//!
//! UniFFI polls a Rust future on whatever thread the foreign side polls from (a Kotlin
//! coroutine, a Swift task, the Python event loop), so blocking work inside `poll` would block
//! that thread: for an app, often the main thread. [`unblock`] moves the work to a fresh thread
//! and completes the future when it is done. The operations offered as async (key derivation,
//! backups) each take hundreds of milliseconds, so a thread per call costs nothing noticeable
//! and needs no runtime. A panic in the work is re-raised in `poll`, where UniFFI turns it into
//! a foreign exception like any other panic.
//!
//! UniFFI futures have no cancellation of their own: if the foreign caller cancels, the work
//! still runs to completion (a backup is still written whole; nothing is left half-done).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use crate::error::{CompanionError, Result};

struct Slot<T> {
    outcome: Option<thread::Result<T>>,
    waker: Option<Waker>,
}

/// The future returned by [`unblock`].
pub(crate) struct Unblocked<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Start `work` on a new thread; the returned future resolves to its result.
pub(crate) fn unblock<T, F>(work: F) -> Result<Unblocked<T>>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = Arc::new(Mutex::new(Slot { outcome: None, waker: None }));
    let theirs = Arc::clone(&slot);
    thread::Builder::new()
        .name("companion-io".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let waker = {
                let mut s = lock(&theirs);
                s.outcome = Some(outcome);
                s.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        })
        .map_err(|_| CompanionError::StorageFailed {
            detail: "the system could not start a background task; try again".into(),
        })?;
    Ok(Unblocked { slot })
}

impl<T> Future for Unblocked<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = lock(&self.slot);
        match s.outcome.take() {
            Some(Ok(v)) => Poll::Ready(v),
            Some(Err(panic)) => {
                drop(s);
                std::panic::resume_unwind(panic)
            }
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// `unblock` for work that returns a `Result`, flattening the spawn error into it.
pub(crate) async fn run<T, F>(work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    unblock(work)?.await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;
    use std::time::Duration;

    use super::*;

    struct CountingWaker(AtomicUsize, thread::Thread);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            self.1.unpark();
        }
    }

    /// A minimal executor: poll, park until woken, poll again.
    fn block_on<F: Future>(f: F) -> (F::Output, usize) {
        let waker = Arc::new(CountingWaker(AtomicUsize::new(0), thread::current()));
        let w = Waker::from(Arc::clone(&waker));
        let mut cx = Context::from_waker(&w);
        let mut f = std::pin::pin!(f);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return (v, waker.0.load(Ordering::SeqCst));
            }
            thread::park_timeout(Duration::from_millis(200));
        }
    }

    #[test]
    fn work_runs_off_the_polling_thread_and_wakes_it() {
        let here = thread::current().id();
        let fut = unblock(move || {
            thread::sleep(Duration::from_millis(50));
            thread::current().id()
        })
        .unwrap();
        let (there, wakes) = block_on(fut);
        assert_ne!(there, here);
        assert!(wakes >= 1, "the future must wake its task");
    }

    #[test]
    fn errors_pass_through() {
        let (r, _) = block_on(run::<u8, _>(|| Err(CompanionError::invalid("note", "too long"))));
        assert!(matches!(r, Err(CompanionError::InvalidInput { .. })));
    }

    #[test]
    fn a_panic_in_the_work_resurfaces_in_poll() {
        let fut = unblock(|| -> u8 { std::panic::panic_any("deliberate") }).unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| block_on(fut)));
        assert!(caught.is_err());
    }
}
