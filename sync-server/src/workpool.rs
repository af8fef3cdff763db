//! A bounded pool for the server's CPU-heavy work (the login's OPAQUE steps, version 1's
//! Argon2id): at most `threads` jobs run at once on tokio's blocking threads, at most `queue`
//! wait, and anything beyond is refused at once as busy. The async workers that answer every
//! other request (`/healthz` included) never run this work, and a flood cannot queue without
//! bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

/// The pool is full: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the server is busy")]
pub struct Busy;

pub struct WorkPool {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

impl WorkPool {
    pub fn new(threads: usize, queue: usize) -> WorkPool {
        WorkPool { running: Arc::new(Semaphore::new(threads.max(1))), waiting: AtomicUsize::new(0), queue }
    }

    /// Run `job` on a blocking thread once a slot is free, or refuse at once if too many wait.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        let permit = Arc::clone(&self.running).acquire_owned().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let permit = permit.map_err(|_| Busy)?;
        let out = tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await;
        out.map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_beyond_the_queue_are_refused_not_queued() {
        let pool = Arc::new(WorkPool::new(1, 2));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(std::sync::Mutex::new(hold));
        let mut running = Vec::new();
        for _ in 0..3 {
            let (pool, hold) = (Arc::clone(&pool), Arc::clone(&hold));
            running.push(tokio::spawn(async move {
                pool.run(move || {
                    let _ = hold.lock().map(|h| h.recv());
                })
                .await
            }));
        }
        // One runs, two wait; wait until the two are queued, then a fourth is refused.
        while pool.waiting.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.run(|| ()).await, Err(Busy));
        for _ in 0..3 {
            release.send(()).unwrap();
        }
        for r in running {
            assert_eq!(r.await.unwrap(), Ok(()));
        }
        assert_eq!(pool.run(|| 7).await, Ok(7), "free again");
    }
}
