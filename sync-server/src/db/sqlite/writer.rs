//! The one writer thread of the SQLite backend, with group commit.
//!
//! Writes are jobs in a queue. The thread takes every job waiting, runs each inside its own
//! SAVEPOINT of one IMMEDIATE transaction (a failing job rolls back alone), commits once (one
//! fsync for the whole batch under `synchronous=FULL`), and only then tells each caller how its
//! job went. A write is thus durable when its caller hears back, yet many writers share a
//! handful of fsyncs. Being the only writer, a job may read and then write without a race.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};
use tokio::sync::oneshot;

use crate::db::{DbError, DbResult};

/// Most jobs in one transaction.
const MAX_BATCH: usize = 512;
/// Under load (the previous batch held more than one job) the writer waits this long after
/// the first job of a batch for more to join it before committing, as PostgreSQL's
/// `commit_delay` does; a lone write on a quiet server commits at once. Its effect is in
/// docs/benchmarks.md ("Sync server").
const GATHER: Duration = Duration::from_millis(2);

type Reply = Box<dyn FnOnce(Result<(), DbError>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Reply + Send>;

/// A request nonce to write (so that a restart still refuses its replay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NonceRow {
    pub device_id: String,
    pub nonce: [u8; 16],
    pub expires_ms: i64,
}

/// The handle the rest of the backend writes through.
pub(super) struct Writer {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// Raised by an erasure: the writer checkpoints and truncates the WAL after committing.
    checkpoint: Arc<AtomicBool>,
}

impl Writer {
    /// Start the writer thread on `conn` (which it owns from now on).
    pub fn start(conn: Connection) -> DbResult<Writer> {
        let (tx, rx) = mpsc::channel::<Job>();
        let writer = Writer { jobs: Mutex::new(tx), checkpoint: Arc::new(AtomicBool::new(false)) };
        let thread = WriterThread { conn, rx, checkpoint: Arc::clone(&writer.checkpoint) };
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || thread.run())
            .map_err(|e| DbError::Storage(e.to_string()))?;
        Ok(writer)
    }

    /// Run `f` in the next batch and wait until that batch is committed.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> DbResult<T> + Send + 'static,
    ) -> DbResult<T> {
        let (tx, rx) = oneshot::channel::<DbResult<T>>();
        self.send(Box::new(move |c: &Connection| -> Reply {
            let result = savepoint(c, f);
            Box::new(move |commit: Result<(), DbError>| {
                let _ = tx.send(commit.and(result));
            })
        }))?;
        rx.await.map_err(|_| DbError::Storage("the database writer stopped".into()))?
    }

    /// Queue a write without waiting for it (it commits with the next batch).
    pub fn write_detached(&self, f: impl FnOnce(&Connection) -> DbResult<()> + Send + 'static) {
        let job: Job = Box::new(move |c: &Connection| -> Reply {
            let result = savepoint(c, f);
            Box::new(move |commit: Result<(), DbError>| {
                if let Err(e) = commit.and(result) {
                    tracing::warn!(error = %e, "a background write failed");
                }
            })
        });
        let _ = self.send(job);
    }

    /// Write `nonce` with the next batch, without waiting (the running server checks nonces in
    /// memory).
    pub fn record_nonce(&self, n: NonceRow) {
        self.write_detached(move |c| {
            c.prepare_cached("INSERT INTO nonces (expires_ms, device_id, nonce) VALUES (?1, ?2, ?3)")?
                .execute(params![n.expires_ms, n.device_id, &n.nonce[..]])?;
            Ok(())
        });
    }

    /// [`Writer::write`] for a write that erases (a share, a device, purged history): right
    /// after the batch holding it commits, the WAL is checkpointed and truncated, so no copy of
    /// the erased rows stays in the WAL or, unzeroed, in the database file.
    pub async fn write_erasing<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> DbResult<T> + Send + 'static,
    ) -> DbResult<T> {
        let checkpoint = Arc::clone(&self.checkpoint);
        self.write(move |c| {
            // Raised inside the batch, so the writer checkpoints right after this commit.
            checkpoint.store(true, Ordering::SeqCst);
            f(c)
        })
        .await
    }

    fn send(&self, job: Job) -> DbResult<()> {
        let sender = self.jobs.lock().map_err(|_| DbError::Storage("writer lock poisoned".into()))?;
        sender.send(job).map_err(|_| DbError::Storage("the database writer stopped".into()))
    }
}

struct WriterThread {
    conn: Connection,
    rx: mpsc::Receiver<Job>,
    checkpoint: Arc<AtomicBool>,
}

impl WriterThread {
    fn run(self) {
        let mut busy = false;
        while let Ok(first) = self.rx.recv() {
            let jobs = self.gather(first, busy);
            busy = jobs.len() > 1;
            self.commit_batch(jobs);
        }
    }

    /// Every job waiting now, and under load those arriving within [`GATHER`].
    fn gather(&self, first: Job, busy: bool) -> Vec<Job> {
        let mut jobs = vec![first];
        let until = busy.then(|| Instant::now() + GATHER);
        loop {
            while jobs.len() < MAX_BATCH {
                match self.rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                }
            }
            let left = until.map(|t| t.saturating_duration_since(Instant::now()));
            match left {
                Some(wait) if jobs.len() < MAX_BATCH && !wait.is_zero() => match self.rx.recv_timeout(wait) {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                },
                _ => return jobs,
            }
        }
        jobs
    }

    fn commit_batch(&self, jobs: Vec<Job>) {
        let c = &self.conn;
        if run(c, "BEGIN IMMEDIATE").is_err() {
            // Run none of them: dropping the jobs tells every caller the write failed.
            drop(jobs);
            return;
        }
        let replies: Vec<Reply> = jobs.into_iter().map(|j| j(c)).collect();
        let commit = run(c, "COMMIT");
        if commit.is_err() {
            let _ = run(c, "ROLLBACK");
        }
        // After an erasure, copy the WAL into the database and truncate it, so no old page
        // image of the erased rows lingers in the WAL (secure_delete zeroes the freed cells in
        // the database file itself).
        if commit.is_ok() && self.checkpoint.swap(false, Ordering::SeqCst) {
            let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        for r in replies {
            r(commit.clone());
        }
    }
}

/// Run `f` inside a savepoint, rolling back to it (not the whole batch) on error.
fn savepoint<T>(c: &Connection, f: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
    run(c, "SAVEPOINT job")?;
    match f(c) {
        Ok(v) => {
            run(c, "RELEASE job")?;
            Ok(v)
        }
        Err(e) => {
            let _ = run(c, "ROLLBACK TO job").and_then(|_| run(c, "RELEASE job"));
            Err(e)
        }
    }
}

/// Run one statement from the connection's statement cache (parsed only the first time).
fn run(c: &Connection, sql: &str) -> DbResult<()> {
    c.prepare_cached(sql)?.execute([])?;
    Ok(())
}
