//! Test hooks, compiled only with the `test-hooks` feature (never in a shipped library):
//! functions that panic on purpose, so the foreign suites can prove that a panic inside an
//! exported function reaches Kotlin and Python as an exception and the process (and the
//! store) go on; a held write lock, to meet a busy store; and a frozen clock for
//! deterministic foreign tests.

#![allow(clippy::panic)]

use chrono::{TimeZone, Utc};
use companion_core::store::Period;
use companion_core::{RecordId, RecordKind};

use crate::companion::CompanionCore;
use crate::error::{CompanionError, Result};

/// Panics with `message`. Test builds only.
#[uniffi::export]
pub fn panic_for_test(message: String) -> u32 {
    panic!("{message}")
}

#[uniffi::export]
impl CompanionCore {
    /// Panics in the middle of a write transaction, after writing one record: the transaction
    /// must roll back, and the store must keep working afterwards. Test builds only.
    pub fn panic_during_write_for_test(&self) -> Result<()> {
        let store = self.store()?;
        store.write(|tx| {
            let id = RecordId::random()?;
            tx.put_raw(RecordKind::Settings, id, Period::Timeless, b"half-done", None)?;
            panic!("deliberate panic inside a store transaction");
        })?;
        Ok(())
    }

    /// Hold the store's write lock for `millis` milliseconds (inside a transaction that writes
    /// nothing), so a second `CompanionCore` on the same file meets a busy store. Blocks the
    /// calling thread for that long. Test builds only.
    pub fn hold_write_lock_for_test(&self, millis: u32) -> Result<()> {
        self.store()?.write(|_tx| {
            std::thread::sleep(std::time::Duration::from_millis(u64::from(millis)));
            Ok(())
        })?;
        Ok(())
    }

    /// Freeze "now" at `utc_ms` (milliseconds since 1970 UTC), or let time run with `None`.
    /// Test builds only.
    pub fn freeze_clock_for_test(&self, utc_ms: Option<i64>) -> Result<()> {
        let at = match utc_ms {
            None => None,
            Some(ms) => Some(
                Utc.timestamp_millis_opt(ms)
                    .single()
                    .ok_or_else(|| CompanionError::invalid("time", "that time is out of range"))?,
            ),
        };
        self.device_clock().freeze(at);
        Ok(())
    }
}
