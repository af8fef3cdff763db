//! [`AppModel`]: the whole app for a phone shell, over the core's screen models
//! (`companion_core::screens`). The shell renders `view()` and sends what the person did with
//! `send(event)`, carrying out the effects it gets back (a call, notifications, the biometric
//! prompt, a file to save). Nothing is decided in the shell.
//!
//! The model starts locked (or at the first run) and opens the store itself: with the
//! recovery passphrase, or with the app's [`KeyProvider`] once the platform's biometric prompt
//! succeeded. The [`CompanionCore`] it opens is shared ([`AppModel::core`]), so a background
//! sync (WorkManager, BGTaskScheduler) uses the same store while it is unlocked.
//!
//! Threading: `send` does disk I/O (each change is fsync'd), key derivation when unlocking or
//! changing the passphrase (about half a second), and the network when pairing or syncing:
//! call it off the main thread (Kotlin `Dispatchers.IO`, a Swift `Task.detached`), or use
//! `send_async`. `view` reads the store for some screens (Home, insights): off the main thread
//! too; on the surf and exercise screens it is cheap enough for every frame.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use companion_core::crypto::{KdfCost, Passphrase};
use companion_core::notify::{ReminderSchedule, ScheduledNotification};
use companion_core::screens::{App, AppView, Effect, Event, Host, HostKey, Platform};
use companion_core::store::Store;
use companion_core::sync::{SyncReport, Transport};
use companion_core::{Clock, CreateOptions, Error, Unlock, Zone};

use crate::blocking;
use crate::companion::CompanionCore;
use crate::error::{CompanionError, Result};
use crate::keys::{ForeignProvider, KeyProvider};
use crate::sharing::{app_transport, SyncTransport};

/// The app's surroundings as the core's app model sees them.
struct PhoneHost {
    core: Arc<CompanionCore>,
    provider: Option<ForeignProvider>,
    transport: Arc<dyn Transport>,
}

impl PhoneHost {
    fn provider(&self) -> companion_core::Result<&ForeignProvider> {
        self.provider.as_ref().ok_or_else(|| Error::KeyProvider("this app has no platform key store".into()))
    }

    fn path(&self) -> PathBuf {
        PathBuf::from(self.core.path())
    }
}

impl Host for PhoneHost {
    fn store(&self) -> Option<Arc<Store>> {
        self.core.store().ok()
    }

    fn store_exists(&self) -> bool {
        self.path().exists()
    }

    fn create(&self, passphrase: Passphrase) -> companion_core::Result<()> {
        let store = Store::create(
            self.path(),
            Unlock::Passphrase(&passphrase),
            self.core.clock_arc(),
            CreateOptions::default(),
        )?;
        self.core.set_store(Some(store));
        Ok(())
    }

    fn unlock(&self, key: HostKey) -> companion_core::Result<()> {
        let store = match key {
            HostKey::Passphrase(p) => Store::open(self.path(), Unlock::Passphrase(&p), self.core.clock_arc())?,
            HostKey::DeviceKey => Store::open(self.path(), Unlock::Provider(self.provider()?), self.core.clock_arc())?,
        };
        self.core.set_store(Some(store));
        Ok(())
    }

    fn add_device_key(&self) -> companion_core::Result<()> {
        let store = self.core.store().map_err(|_| Error::State("the journal is locked"))?;
        store.set_key(Unlock::Provider(self.provider()?), true, KdfCost::DEFAULT)
    }

    fn lock(&self) {
        self.core.lock();
    }

    fn transport(&self) -> Arc<dyn Transport> {
        Arc::clone(&self.transport)
    }

    fn clock(&self) -> Arc<dyn Clock> {
        self.core.clock_arc()
    }
}

/// What a background sync came to.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum BackgroundSync {
    /// The journal is locked: nothing can be read, so nothing was sent. Try again later.
    Locked,
    /// Nothing is shared.
    NothingShared,
    /// Synced; `report` says what went and what failed (failures are retried later).
    Synced { report: SyncReport },
}

/// The whole app, for a phone shell.
#[derive(uniffi::Object)]
pub struct AppModel {
    host: PhoneHost,
    app: Mutex<App>,
}

impl std::fmt::Debug for AppModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppModel")
    }
}

impl AppModel {
    fn app(&self) -> MutexGuard<'_, App> {
        self.app.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl AppModel {
    /// The app on the store file at `path`, locked (or at the first run when no store exists
    /// yet). `platform`: what the phone can do for unlocking. `key_provider`: the platform key
    /// store (Android Keystore, iOS Keychain), guarded by biometrics. `transport`: the app's
    /// HTTP stack for pairing and syncing (`None`: the built-in client). No I/O.
    #[uniffi::constructor]
    pub fn new(
        path: String,
        platform: Platform,
        key_provider: Option<Arc<dyn KeyProvider>>,
        transport: Option<Arc<dyn SyncTransport>>,
    ) -> Arc<Self> {
        let core = CompanionCore::closed(PathBuf::from(path));
        let transport = app_transport(&core, transport);
        let host = PhoneHost { core, provider: key_provider.map(ForeignProvider), transport };
        let app = App::new(&host, platform);
        Arc::new(AppModel { host, app: Mutex::new(app) })
    }

    /// What to show now. Reads the store for some screens: call off the main thread.
    pub fn view(&self) -> AppView {
        self.app().view(&self.host)
    }

    /// Something the person did, or a lifecycle change; returns what the platform must do,
    /// in order. Never throws: a failure becomes a notice in the next view. Blocks (disk,
    /// key derivation, network): call off the main thread.
    pub fn send(&self, event: Event) -> Vec<Effect> {
        self.app().send(&self.host, event)
    }

    /// [`Self::send`] on its own thread.
    pub async fn send_async(self: Arc<Self>, event: Event) -> Result<Vec<Effect>> {
        blocking::run(move || Ok(self.send(event))).await
    }

    /// The phone's biometrics changed (enrolled, removed), or the key-store key was found
    /// missing.
    pub fn set_platform(&self, platform: Platform) {
        self.app().set_platform(platform)
    }

    /// The store this model opens and locks, for calls the screens do not make (a background
    /// sync, the time zone).
    pub fn core(&self) -> Arc<CompanionCore> {
        Arc::clone(&self.host.core)
    }

    /// A sync for WorkManager or BGTaskScheduler: runs only while the journal is unlocked
    /// (its keys are in memory only then). Blocks on the network.
    pub fn background_sync(&self) -> Result<BackgroundSync> {
        let Ok(store) = self.host.core.store() else { return Ok(BackgroundSync::Locked) };
        let shares = store.shares()?;
        if shares.records.is_empty() && shares.unreadable.is_empty() {
            return Ok(BackgroundSync::NothingShared);
        }
        let report = store.sync(self.host.transport.as_ref(), false)?;
        Ok(BackgroundSync::Synced { report })
    }
}

/// The standing reminders' next occurrences after `now_utc_ms` in the time zone `zone`
/// (an IANA name), from the schedule's JSON as the platform kept it: what to arm after a
/// reboot, a time-zone change, or a reminder firing. Works while the journal is locked.
/// `InvalidInput` on "reminders" for anything but a schedule's JSON. No I/O.
#[uniffi::export]
pub fn upcoming_reminders(schedule_json: String, now_utc_ms: i64, zone: String) -> Result<Vec<ScheduledNotification>> {
    let schedule = ReminderSchedule::from_json(&schedule_json)?;
    let zone = Zone::parse(&zone)?;
    let now = chrono::DateTime::from_timestamp_millis(now_utc_ms)
        .ok_or_else(|| CompanionError::invalid("time", "that time is out of range"))?;
    Ok(schedule.upcoming(now, &zone))
}

/// The JSON the platform keeps for a schedule it was given (`Effect::Reminders`). No I/O.
#[uniffi::export]
pub fn reminder_schedule_json(schedule: ReminderSchedule) -> String {
    schedule.to_json()
}
