//! The person's safety settings: which emergency number the crisis step shows, and the
//! intensity from which an urge counts as strong (their "high mark").
//!
//! - **Emergency number.** A region of the table ([`super::REGIONS`]) the person chose, or a
//!   number of their own where the table has none (most of the world is not in it); otherwise
//!   the region of the device's time zone, as before; otherwise 112 with a word to check it.
//! - **High mark** (0-10 intensity, default [`HIGH_MARK`]): from this intensity an urge gets
//!   next steps ([`Store::after_urge`]) with people to reach before crisis lines, and a surf
//!   session that ends "still strong" gets them too ([`Store::after_surf`]). Some people want help from 6,
//!   others only at 9; it is theirs to choose, from [`MIN_HIGH_MARK`] to 10.
//!
//! Stored encrypted as one `RecordKind::Settings` record with an id derived from the store's
//! key (its own record: other settings, such as the notification wording, are separate
//! records). Reading the settings never stands in the way of the crisis step: when the record
//! cannot be read, the crisis step shows the number from the time zone and the default high
//! mark applies, while [`Store::safety_settings`] reports the problem.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::crisis::{EmergencyNumber, RegionSource, REGIONS};
use super::next::HIGH_MARK;
use crate::error::{Error, IntegrityProblem, Result};
use crate::id::RecordId;
use crate::store::{NoBody, Payload, Period, Record, RecordKind, Store};
use crate::urge::MAX_INTENSITY;

/// Lowest high mark a person can choose: below it nearly every urge would be "strong", and
/// next steps offered every time stop meaning anything.
pub const MIN_HIGH_MARK: u8 = 3;
/// Longest emergency number of one's own (digits, spaces, `+`, `-`).
pub const OWN_NUMBER_MAX_CHARS: usize = 20;

/// The safety settings as the person chose them (`None`: not chosen, the default applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SafetySettings {
    /// A region of the emergency table (ISO 3166-1 alpha-2, such as "GB").
    pub emergency_region: Option<String>,
    /// An emergency number of the person's own, for a region the table does not hold. When
    /// set, it is shown instead of the region's.
    pub own_emergency_number: Option<String>,
    /// The intensity (0-10) from which an urge is strong.
    pub high_mark: Option<u8>,
}

impl SafetySettings {
    /// The high mark in force: the chosen one, else [`HIGH_MARK`].
    pub fn high_mark_or_default(&self) -> u8 {
        self.high_mark.unwrap_or(HIGH_MARK)
    }

    /// The emergency number in force, with the device's time zone for when none was chosen.
    pub fn emergency_number(&self, zone: &str) -> EmergencyNumber {
        if let Some(number) = &self.own_emergency_number {
            // The region, when one was chosen too, still names the place and its crisis line.
            let region =
                self.emergency_region.as_deref().and_then(|r| EmergencyNumber::for_region(r, RegionSource::Chosen));
            return EmergencyNumber {
                number: number.clone(),
                source: RegionSource::OwnNumber,
                ..region.unwrap_or_else(EmergencyNumber::unknown)
            };
        }
        self.emergency_region
            .as_deref()
            .and_then(|r| EmergencyNumber::for_region(r, RegionSource::Chosen))
            .unwrap_or_else(|| EmergencyNumber::for_zone(zone))
    }
}

/// The safety settings record (one per store).
#[derive(PartialEq)]
pub(crate) struct SafetySettingsRecord {
    pub id: RecordId,
    pub settings: SafetySettings,
}

impl fmt::Debug for SafetySettingsRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SafetySettingsRecord({})", self.id)
    }
}

/// The safety settings as stored, version 1. Frozen (see [`crate::store::record`]).
#[derive(Serialize, Deserialize)]
pub(crate) struct SafetySettingsV1 {
    emergency_region: Option<String>,
    own_emergency_number: Option<String>,
    high_mark: Option<u8>,
}

impl Payload for SafetySettingsV1 {
    const VERSION: u8 = 1;
}

impl Record for SafetySettingsRecord {
    const KIND: RecordKind = RecordKind::Settings;
    type Head = SafetySettingsV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (SafetySettingsV1, Option<NoBody>) {
        let s = &self.settings;
        let head = SafetySettingsV1 {
            emergency_region: s.emergency_region.clone(),
            own_emergency_number: s.own_emergency_number.clone(),
            high_mark: s.high_mark,
        };
        (head, None)
    }

    /// A stored value this build would refuse (a region no longer in the table, a high mark
    /// out of range) is read as not chosen, so the default applies rather than a wrong number.
    fn from_payload(
        id: RecordId,
        h: SafetySettingsV1,
        _: Option<NoBody>,
    ) -> std::result::Result<Self, IntegrityProblem> {
        let settings = SafetySettings {
            emergency_region: h.emergency_region.filter(|r| region_code(r).is_ok()),
            own_emergency_number: h.own_emergency_number.filter(|n| own_number(n).is_ok()),
            high_mark: h.high_mark.filter(|m| high_mark(*m).is_ok()),
        };
        Ok(SafetySettingsRecord { id, settings })
    }
}

fn settings_id(store: &Store) -> RecordId {
    // Derived with the store's key, so the id says nothing to someone reading the file.
    RecordId::from_bytes(store.keys().tag(&[b"settings", b"safety"]))
}

/// A region code of the table, upper-case.
fn region_code(raw: &str) -> Result<String> {
    let code = raw.trim().to_ascii_uppercase();
    if REGIONS.iter().any(|r| r.code == code) {
        return Ok(code);
    }
    let known: Vec<&str> = REGIONS.iter().map(|r| r.code).collect();
    Err(Error::invalid(
        "emergency region",
        format!("not in the table ({}); set your own number instead", known.join(", ")),
    ))
}

/// An emergency number as people write it: digits, with spaces, `+` or `-` between.
fn own_number(raw: &str) -> Result<String> {
    let n = raw.trim();
    let digits = n.chars().filter(char::is_ascii_digit).count();
    let allowed = n.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-'));
    if digits == 0 || !allowed || n.chars().count() > OWN_NUMBER_MAX_CHARS {
        return Err(Error::invalid(
            "emergency number",
            format!("use digits (with spaces, + or - if you like), at most {OWN_NUMBER_MAX_CHARS} characters"),
        ));
    }
    Ok(n.to_string())
}

fn high_mark(m: u8) -> Result<u8> {
    if (MIN_HIGH_MARK..=MAX_INTENSITY).contains(&m) {
        return Ok(m);
    }
    Err(Error::invalid("high mark", format!("use an intensity from {MIN_HIGH_MARK} to {MAX_INTENSITY}")))
}

impl Store {
    /// The safety settings as chosen. An unreadable record is an error here (the settings
    /// screen says so); the crisis step itself never waits on it (see [`Self::emergency_number`]).
    pub fn safety_settings(&self) -> Result<SafetySettings> {
        Ok(self.find::<SafetySettingsRecord>(settings_id(self))?.map(|r| r.settings).unwrap_or_default())
    }

    /// The settings for the safety path: the defaults when the record cannot be read.
    pub(crate) fn safety_settings_or_default(&self) -> SafetySettings {
        self.safety_settings().unwrap_or_default()
    }

    /// Replace the safety settings (read them, change what the person changed, set them):
    /// returns them as stored (region codes upper-case, numbers trimmed). Nothing is stored
    /// when any value is refused.
    pub fn set_safety_settings(&self, settings: SafetySettings) -> Result<SafetySettings> {
        let settings = SafetySettings {
            emergency_region: settings.emergency_region.as_deref().map(region_code).transpose()?,
            own_emergency_number: settings.own_emergency_number.as_deref().map(own_number).transpose()?,
            high_mark: settings.high_mark.map(high_mark).transpose()?,
        };
        let record = SafetySettingsRecord { id: settings_id(self), settings };
        self.write(|tx| tx.put(&record))?;
        Ok(record.settings)
    }

    /// The intensity (0-10) from which an urge is strong: the person's high mark, else
    /// [`HIGH_MARK`].
    pub fn high_mark(&self) -> u8 {
        self.safety_settings_or_default().high_mark_or_default()
    }
}
