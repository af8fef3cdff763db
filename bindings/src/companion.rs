//! `CompanionCore`: the one object an app holds. It is opened on a store file with a
//! passphrase or the app's key provider and exposes every feature (each feature's methods
//! live in their own file of this crate: `urges.rs`, `backup.rs`, `keys.rs`, ...).
//!
//! Threading: `Send + Sync`, safe to call from any thread. Calls on one store are serialised
//! on its single SQLite connection. Methods that touch the store do disk I/O (every write is
//! fsync'd before it returns, usually a few milliseconds, more on a busy phone): call them off
//! the main thread. Opening, creating and rekeying with a passphrase also derive a key
//! (PBKDF2, about half a second on a phone): use the `*_async` variants from UI code.
//!
//! `lock()` closes the store and drops its keys from memory (for an app lock or when the app
//! goes to the background); `unlock()` opens it again on the same object.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use chrono::{NaiveDate, TimeZone, Utc};
use companion_core::store::StoreStats;
use companion_core::sync::http::HttpTransport;
use companion_core::sync::Transport;
use companion_core::{Clock, CreateOptions, LocalStamp, Store, Zone};

use crate::blocking;
use crate::clock::{system_zone, DeviceClock};
use crate::error::{CompanionError, Result};
use crate::keys::{Prepared, Unlock};

/// The recovery companion's core, opened on one encrypted store.
#[derive(uniffi::Object)]
pub struct CompanionCore {
    path: PathBuf,
    clock: Arc<DeviceClock>,
    store: RwLock<Option<Arc<Store>>>,
    /// The built-in HTTP client for syncing, made on first use.
    transport: OnceLock<Arc<dyn Transport>>,
}

impl std::fmt::Debug for CompanionCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompanionCore")
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Create,
    Open,
}

fn open_store(path: &PathBuf, unlock: &Prepared, clock: Arc<DeviceClock>, mode: Mode) -> Result<Store> {
    Ok(match mode {
        Mode::Create => Store::create(path, unlock.as_core(), clock, CreateOptions::default())?,
        Mode::Open => Store::open(path, unlock.as_core(), clock)?,
    })
}

impl CompanionCore {
    fn start(path: String, unlock: Unlock, mode: Mode) -> Result<Arc<Self>> {
        let path = PathBuf::from(path);
        let clock = Arc::new(DeviceClock::new(system_zone()));
        let prepared = Prepared::new(unlock)?;
        let store = open_store(&path, &prepared, Arc::clone(&clock), mode)?;
        Ok(Arc::new(CompanionCore {
            path,
            clock,
            store: RwLock::new(Some(Arc::new(store))),
            transport: OnceLock::new(),
        }))
    }

    /// An object on `path` with no store open yet (locked): the app model opens it.
    pub(crate) fn closed(path: PathBuf) -> Arc<Self> {
        Arc::new(CompanionCore {
            path,
            clock: Arc::new(DeviceClock::new(system_zone())),
            store: RwLock::new(None),
            transport: OnceLock::new(),
        })
    }

    /// Put an opened store in place (`None`: lock).
    pub(crate) fn set_store(&self, store: Option<Store>) {
        *self.store.write().unwrap_or_else(|p| p.into_inner()) = store.map(Arc::new);
    }

    async fn start_async(path: String, unlock: Unlock, mode: Mode) -> Result<Arc<Self>> {
        blocking::run(move || Self::start(path, unlock, mode)).await
    }

    /// The open store, or `NotAllowed` while locked. Callers keep the `Arc` for the length of
    /// one call, so `lock()` never pulls the store from under a running call.
    pub(crate) fn store(&self) -> Result<Arc<Store>> {
        let guard = self.store.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| CompanionError::not_allowed("the store is locked; unlock it first"))
    }

    /// The built-in HTTP client (ureq, rustls), shared by every sync of this object.
    pub(crate) fn builtin_transport(&self) -> Arc<dyn Transport> {
        Arc::clone(self.transport.get_or_init(|| Arc::new(HttpTransport::default())))
    }

    pub(crate) fn clock_arc(&self) -> Arc<DeviceClock> {
        Arc::clone(&self.clock)
    }

    pub(crate) fn device_clock(&self) -> &DeviceClock {
        &self.clock
    }
}

#[uniffi::export]
impl CompanionCore {
    /// Create a new store at `path` (a file that must not exist yet), protected by `unlock`.
    /// Blocks: key derivation and the first fsync. Errors: `AlreadyExists` (a file is there),
    /// `InvalidInput` (an empty or over-long passphrase), `KeyProviderFailed`, `StorageFailed`.
    #[uniffi::constructor]
    pub fn create(path: String, unlock: Unlock) -> Result<Arc<Self>> {
        Self::start(path, unlock, Mode::Create)
    }

    /// Open the store at `path`. Blocks: key derivation. Errors: `NotFound` (no store there),
    /// `WrongKey` (nothing is changed), `KeyProviderFailed`, `StorageCorrupt`, `NeedsNewerApp`.
    #[uniffi::constructor]
    pub fn open(path: String, unlock: Unlock) -> Result<Arc<Self>> {
        Self::start(path, unlock, Mode::Open)
    }

    /// Close the store and drop its keys from memory. Every call but `unlock`, `is_locked`,
    /// `path` and the clock helpers then fails with `NotAllowed` until `unlock` succeeds.
    pub fn lock(&self) {
        self.set_store(None);
    }

    /// Open the store again after `lock` (or check the key again while open). Blocks: key
    /// derivation. A wrong key leaves the object as it was.
    pub fn unlock(&self, unlock: Unlock) -> Result<()> {
        let prepared = Prepared::new(unlock)?;
        let store = open_store(&self.path, &prepared, Arc::clone(&self.clock), Mode::Open)?;
        self.set_store(Some(store));
        Ok(())
    }

    /// [`Self::unlock`] on a background thread.
    pub async fn unlock_async(self: Arc<Self>, unlock: Unlock) -> Result<()> {
        blocking::run(move || self.unlock(unlock)).await
    }

    /// Whether `lock` was called and no `unlock` has succeeded since.
    pub fn is_locked(&self) -> bool {
        self.store.read().unwrap_or_else(|p| p.into_inner()).is_none()
    }

    /// The store file this object was opened on.
    pub fn path(&self) -> String {
        self.path.display().to_string()
    }

    /// Entries, file size (with the write-ahead log), unlock methods and schema version.
    pub fn info(&self) -> Result<StoreStats> {
        Ok(self.store()?.stats()?)
    }

    /// Tell the core the device's time zone (an IANA name such as "Europe/Berlin", or an
    /// offset such as "+02:00"), when it changes. New entries and "today" follow it; entries
    /// already logged keep the day they happened on. The zone starts as the system's.
    pub fn set_time_zone(&self, zone: String) -> Result<()> {
        self.clock.set_zone(Zone::parse(&zone)?);
        Ok(())
    }

    /// The time zone in use: its IANA name, or an offset such as "+02:00".
    pub fn time_zone(&self) -> String {
        self.clock.zone().name()
    }

    /// Now, in the device's zone: what `NewUrge.occurred` defaults to.
    pub fn now(&self) -> LocalStamp {
        LocalStamp::at(self.clock.now(), &self.clock.zone())
    }

    /// The instant `utc_ms` (milliseconds since 1970 UTC) as seen in the device's zone, for
    /// back-dating an entry ("it started at 22:10").
    pub fn stamp_at(&self, utc_ms: i64) -> Result<LocalStamp> {
        let at = Utc
            .timestamp_millis_opt(utc_ms)
            .single()
            .ok_or_else(|| CompanionError::invalid("time", "that time is out of range"))?;
        Ok(LocalStamp::at(at, &self.clock.zone()))
    }

    /// Today's date in the device's zone.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }
}

/// [`CompanionCore::create`] on a background thread (UniFFI has no async constructors).
#[uniffi::export]
pub async fn create_store_async(path: String, unlock: Unlock) -> Result<Arc<CompanionCore>> {
    CompanionCore::start_async(path, unlock, Mode::Create).await
}

/// [`CompanionCore::open`] on a background thread (UniFFI has no async constructors).
#[uniffi::export]
pub async fn open_store_async(path: String, unlock: Unlock) -> Result<Arc<CompanionCore>> {
    CompanionCore::start_async(path, unlock, Mode::Open).await
}
