//! Settings records, and the phone app's own settings.
//!
//! # Named settings records
//!
//! Each feature that keeps settings declares its own record of kind
//! [`RecordKind::Settings`], one per journal, under a *name* ("notifications", "app"...). Its
//! id is derived from that name with the store's index key ([`settings_id`]), so it can be
//! found without a listing and the file says nothing about which record is which.
//!
//! A backup restored into a new journal has new keys, so the ids derived there differ from
//! the backup's. An export therefore writes each named settings record under an id derived
//! from its name alone ([`to_portable`]; the export is encrypted as a whole), and a restore
//! gives it the new journal's id ([`from_portable`]): settings come back with the rest of the
//! journal. A feature adds its name to [`NAMES`].
//!
//! # The app's settings
//!
//! [`AppSettings`]: how soon the app locks in the background, discreet mode, and the
//! reminders the person chose. Other choices live where they belong: the notification
//! wording in its own record ([`crate::notify`]), biometric unlock and the recovery
//! passphrase as the store's key slots, and the safety settings with the safety module.

use ring::digest;
use serde::{Deserialize, Serialize};

use crate::error::{Error, IntegrityProblem, Result};
use crate::id::RecordId;
use crate::lock::{check_lock_after, DEFAULT_LOCK_AFTER_SECS, LOCK_AFTER_CHOICES};
use crate::notify::ReminderSettings;
use crate::store::{NoBody, Payload, Period, PlainRecord, Record, RecordKind, Store};

/// The names of every settings record (never renamed: ids are derived from them).
pub(crate) const NAMES: [&[u8]; 3] = [NOTIFICATIONS, APP, SAFETY];
/// The notification wording ([`crate::notify`]).
pub(crate) const NOTIFICATIONS: &[u8] = b"notifications";
/// [`AppSettings`].
pub(crate) const APP: &[u8] = b"app";
/// The safety settings (the emergency number, the high mark), whose id the safety module
/// derives the same way.
pub(crate) const SAFETY: &[u8] = b"safety";

/// The id of the settings record `name` in this journal.
pub(crate) fn settings_id(store: &Store, name: &[u8]) -> RecordId {
    RecordId::from_bytes(store.keys().tag(&[b"settings", name]))
}

/// The ids of every settings record this journal may hold.
pub(crate) fn journal_ids(store: &Store) -> Vec<RecordId> {
    NAMES.iter().map(|n| settings_id(store, n)).collect()
}

/// The id of the settings record `name` in an export: the same in every journal.
fn portable_id(name: &[u8]) -> RecordId {
    let d = digest::digest(&digest::SHA256, &[b"companion export settings record ".as_slice(), name].concat());
    let mut id = [0u8; 16];
    id.copy_from_slice(&d.as_ref()[..16]);
    RecordId::from_bytes(id)
}

/// Before exporting: each named settings record of `store` under its portable id.
pub(crate) fn to_portable(store: &Store, records: &mut [PlainRecord]) {
    let map: Vec<(RecordId, RecordId)> = NAMES.iter().map(|n| (settings_id(store, n), portable_id(n))).collect();
    rename_settings(records, &map);
}

/// Before restoring into `store`: each named settings record under `store`'s own id.
pub(crate) fn from_portable(store: &Store, records: &mut [PlainRecord]) {
    let map: Vec<(RecordId, RecordId)> = NAMES.iter().map(|n| (portable_id(n), settings_id(store, n))).collect();
    rename_settings(records, &map);
}

fn rename_settings(records: &mut [PlainRecord], map: &[(RecordId, RecordId)]) {
    for r in records.iter_mut().filter(|r| r.kind == RecordKind::Settings.code()) {
        if let Some((_, to)) = map.iter().find(|(from, _)| *from == r.id) {
            r.id = *to;
        }
    }
}

/// The phone app's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppSettings {
    /// Seconds in the background before the app locks (one of [`LOCK_AFTER_CHOICES`]).
    pub lock_after_secs: u32,
    /// A neutral app name and icon, and neutral notification words.
    pub discreet: bool,
    pub reminders: ReminderSettings,
}

impl Default for AppSettings {
    /// Discreet, locking after a minute, no reminder but a surf's own prompts.
    fn default() -> Self {
        AppSettings { lock_after_secs: DEFAULT_LOCK_AFTER_SECS, discreet: true, reminders: ReminderSettings::default() }
    }
}

impl AppSettings {
    /// Whether these settings can be saved: a lock time the app offers, a time of day.
    pub fn check(&self) -> Result<()> {
        check_lock_after(self.lock_after_secs)?;
        if self.reminders.daily_check_in_minute.is_some_and(|m| m >= 24 * 60) {
            return Err(Error::invalid("time", "choose a time of day"));
        }
        Ok(())
    }
}

/// The app settings record.
#[derive(PartialEq, Debug)]
pub(crate) struct StoredAppSettings {
    pub id: RecordId,
    pub settings: AppSettings,
}

/// The app settings as stored, version 1. Frozen (see [`crate::store::record`]).
#[derive(Serialize, Deserialize)]
pub(crate) struct AppSettingsV1 {
    lock_after_secs: u32,
    discreet: bool,
    daily_check_in_minute: Option<u16>,
    surf_prompts: bool,
    goal_nudges: bool,
}

impl Payload for AppSettingsV1 {
    const VERSION: u8 = 1;
}

impl Record for StoredAppSettings {
    const KIND: RecordKind = RecordKind::Settings;
    type Head = AppSettingsV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (AppSettingsV1, Option<NoBody>) {
        let s = &self.settings;
        let head = AppSettingsV1 {
            lock_after_secs: s.lock_after_secs,
            discreet: s.discreet,
            daily_check_in_minute: s.reminders.daily_check_in_minute,
            surf_prompts: s.reminders.surf_prompts,
            goal_nudges: s.reminders.goal_nudges,
        };
        (head, None)
    }

    fn from_payload(id: RecordId, h: AppSettingsV1, _: Option<NoBody>) -> std::result::Result<Self, IntegrityProblem> {
        // A lock time longer than any this build offers (written by a later one) locks at
        // the longest it knows: never later than the person chose.
        let longest = LOCK_AFTER_CHOICES.iter().copied().max().unwrap_or(DEFAULT_LOCK_AFTER_SECS);
        let settings = AppSettings {
            lock_after_secs: h.lock_after_secs.min(longest),
            discreet: h.discreet,
            reminders: ReminderSettings {
                daily_check_in_minute: h.daily_check_in_minute,
                surf_prompts: h.surf_prompts,
                goal_nudges: h.goal_nudges,
            },
        };
        Ok(StoredAppSettings { id, settings })
    }
}

impl Store {
    /// The app's settings: the defaults until the person changes one. `Integrity` when the
    /// stored record cannot be read (it is left as it is until the next change replaces it).
    pub fn app_settings(&self) -> Result<AppSettings> {
        Ok(self.find::<StoredAppSettings>(settings_id(self, APP))?.map(|s| s.settings).unwrap_or_default())
    }

    /// Save the app's settings (checked first: see [`AppSettings::check`]).
    pub fn set_app_settings(&self, settings: &AppSettings) -> Result<()> {
        settings.check()?;
        let record = StoredAppSettings { id: settings_id(self, APP), settings: *settings };
        self.write(|tx| tx.put(&record))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::crypto::{KdfCost, Passphrase};
    use crate::notify::Wording;
    use crate::store::record::{decode_record, encode_record};
    use crate::testing::TestStore;

    fn chosen() -> AppSettings {
        AppSettings {
            lock_after_secs: 300,
            discreet: false,
            reminders: ReminderSettings { daily_check_in_minute: Some(1230), surf_prompts: false, goal_nudges: true },
        }
    }

    /// Version 1 as this build writes it: these bytes must decode to the same settings in
    /// every later release, and while version 1 is written, encode to them.
    #[test]
    fn app_settings_v1_golden_bytes() {
        const HEAD: &str = "01ac020001ce090001";
        let id = RecordId::from_bytes([7; 16]);
        let record = StoredAppSettings { id, settings: chosen() };
        let (head, body) = encode_record(&record).unwrap();
        assert_eq!(head.iter().map(|b| format!("{b:02x}")).collect::<String>(), HEAD);
        assert!(body.is_none());
        let bytes: Vec<u8> =
            (0..HEAD.len()).step_by(2).map(|i| u8::from_str_radix(&HEAD[i..i + 2], 16).unwrap()).collect();
        assert_eq!(decode_record::<StoredAppSettings>(id, &bytes, None).unwrap(), record);
        // Discreet and every reminder off, no time: the smallest value.
        let plain = StoredAppSettings {
            id,
            settings: AppSettings {
                lock_after_secs: 0,
                discreet: true,
                reminders: ReminderSettings { daily_check_in_minute: None, surf_prompts: false, goal_nudges: false },
            },
        };
        assert_eq!(encode_record(&plain).unwrap().0, [1, 0, 1, 0, 0, 0]);
    }

    #[test]
    fn a_later_release_longer_lock_time_locks_at_the_longest_known() {
        let id = RecordId::from_bytes([7; 16]);
        // 3600 s: varint e0 1c.
        let r = decode_record::<StoredAppSettings>(id, &[1, 0xe0, 0x1c, 1, 0, 1, 0], None).unwrap();
        assert_eq!(r.settings.lock_after_secs, 900);
    }

    #[test]
    fn app_settings_survive_closing_the_store_and_refuse_what_is_not_offered() {
        let s = TestStore::new();
        assert_eq!(s.app_settings().unwrap(), AppSettings::default());
        assert!(AppSettings::default().discreet, "discreet until the person chooses otherwise");
        s.set_app_settings(&chosen()).unwrap();
        let s = s.reopen();
        assert_eq!(s.app_settings().unwrap(), chosen());
        let bad = AppSettings { lock_after_secs: 45, ..chosen() };
        assert!(s.set_app_settings(&bad).unwrap_err().to_string().starts_with("lock time"));
        let bad = AppSettings {
            reminders: ReminderSettings { daily_check_in_minute: Some(1440), ..chosen().reminders },
            ..chosen()
        };
        assert!(s.set_app_settings(&bad).is_err());
        assert_eq!(s.app_settings().unwrap(), chosen(), "nothing changed by a refused save");
    }

    /// Settings records are named per journal; a backup restored into a new journal (other
    /// keys) brings them back under the new journal's ids.
    #[test]
    fn settings_come_back_with_a_restored_backup() {
        let a = TestStore::new();
        a.set_app_settings(&chosen()).unwrap();
        a.set_notification_wording(Wording::Explicit).unwrap();
        // The safety module's settings record, as its bytes (this test does not decode it).
        let safety = b"\x01safety settings".to_vec();
        a.write(|tx| tx.put_raw(RecordKind::Settings, settings_id(&a, SAFETY), Period::Timeless, &safety, None))
            .unwrap();
        a.log_urge(crate::urge::NewUrge { intensity: 3, ..Default::default() }).unwrap();
        let pass = Passphrase::new(b"backup passphrase".to_vec()).unwrap();
        let export = a.export(&pass, KdfCost::insecure_for_tests(1_000)).unwrap();

        // A new phone where the person already chose some settings: still a journal a
        // backup can go into, and the backup's settings replace them.
        let b = TestStore::new();
        assert_ne!(settings_id(&a, APP), settings_id(&b, APP), "ids differ between journals");
        b.set_app_settings(&AppSettings { lock_after_secs: 0, ..AppSettings::default() }).unwrap();
        b.set_notification_wording(Wording::Neutral).unwrap();
        assert!(b.can_restore().unwrap() && !b.is_empty().unwrap());
        assert!(!a.can_restore().unwrap(), "a journal with entries");
        b.import(&export.bytes, &pass).unwrap();
        assert_eq!(b.app_settings().unwrap(), chosen());
        assert_eq!(b.notification_wording().unwrap(), Wording::Explicit);
        let restored = b.get_raw(RecordKind::Settings, settings_id(&b, SAFETY), false).unwrap().unwrap();
        assert_eq!(restored.head.to_vec(), safety);
        // The portable ids exist only inside the export.
        let (records, _) = b.dump().unwrap();
        let portable: Vec<RecordId> = NAMES.iter().map(|n| portable_id(n)).collect();
        assert!(records.iter().all(|r| !portable.contains(&r.id)));
    }
}
