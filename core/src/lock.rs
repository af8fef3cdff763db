//! The app lock: when the store's keys leave memory, and how the person gets back in.
//!
//! The app is locked on every cold start, at once on a quick exit or when the person locks it,
//! and after a chosen time in the background (the store is closed and its keys dropped, so
//! nothing can be read until the person unlocks). It opens with the platform's biometrics,
//! which are bound to the key-store key that wraps the store's data key (the key cannot be
//! used without a fresh biometric match), or with the recovery passphrase, which works on any
//! phone and whenever the platform key is lost (new fingerprints, a restored phone).
//!
//! This module is the policy, with no I/O: the app model (`screens`) asks it what to do when
//! the app goes to the background, comes back, or a lock timer fires.

use zeroize::Zeroizing;

use crate::crypto::Passphrase;
use crate::error::{Error, Result};

/// Seconds in the background after which the app locks, as offered in the settings.
pub const LOCK_AFTER_CHOICES: [u32; 5] = [0, 30, 60, 300, 900];
/// The default: one minute (long enough to answer a text and come back, short enough that a
/// phone left on a table is locked).
pub const DEFAULT_LOCK_AFTER_SECS: u32 = 60;
/// Shortest recovery passphrase (characters). Long passphrases beat complex ones.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why the app is locked (the lock screen's words depend on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LockReason {
    /// The app was started.
    ColdStart,
    /// It stayed in the background for longer than the chosen time.
    Background,
    /// The person used the quick exit.
    QuickExit,
    /// The person locked it.
    ByPerson,
}

/// What to do now that the app went to the background.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnBackground {
    /// Lock at once (the chosen time is zero).
    LockNow,
    /// Lock unless the app comes back within this many milliseconds.
    LockAfter { ms: u64 },
}

/// Tracks time in the background against the chosen lock time (the person's setting, passed
/// in by the caller: [`crate::settings::AppSettings::lock_after_secs`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LockTimer {
    backgrounded_at_ms: Option<i64>,
}

impl LockTimer {
    /// The app went to the background at `now_ms` (UTC milliseconds).
    pub fn backgrounded(&mut self, now_ms: i64, lock_after_secs: u32) -> OnBackground {
        if self.backgrounded_at_ms.is_none() {
            self.backgrounded_at_ms = Some(now_ms);
        }
        match self.remaining_ms(now_ms, lock_after_secs) {
            Some(0) | None => OnBackground::LockNow,
            Some(ms) => OnBackground::LockAfter { ms },
        }
    }

    /// The app came back to the foreground at `now_ms`: whether it must lock first. A clock
    /// that went backwards counts as time up (a changed clock must not keep the app open).
    pub fn foregrounded(&mut self, now_ms: i64, lock_after_secs: u32) -> bool {
        let due = self.due(now_ms, lock_after_secs);
        self.backgrounded_at_ms = None;
        due
    }

    /// Whether the background time has run out at `now_ms` (for a lock timer firing while
    /// the app is still in the background).
    pub fn due(&self, now_ms: i64, lock_after_secs: u32) -> bool {
        matches!(self.remaining_ms(now_ms, lock_after_secs), Some(0))
    }

    /// Forget the background time (the store was locked anyway).
    pub fn reset(&mut self) {
        self.backgrounded_at_ms = None;
    }

    fn remaining_ms(&self, now_ms: i64, lock_after_secs: u32) -> Option<u64> {
        let since = self.backgrounded_at_ms?;
        let elapsed = now_ms - since;
        if elapsed < 0 {
            return Some(0);
        }
        let limit = i64::from(lock_after_secs) * 1000;
        Some(u64::try_from(limit - elapsed).unwrap_or(0))
    }
}

/// A lock time the settings offer ([`LOCK_AFTER_CHOICES`]), else `Invalid` on "lock time".
pub fn check_lock_after(secs: u32) -> Result<()> {
    if LOCK_AFTER_CHOICES.contains(&secs) {
        Ok(())
    } else {
        Err(Error::invalid("lock time", "choose one of the offered times"))
    }
}

/// Words for a lock time, as the settings list them.
pub fn lock_after_label(secs: u32) -> String {
    match secs {
        0 => "As soon as I leave the app".to_string(),
        s if s < 60 => format!("After {s} seconds"),
        60 => "After 1 minute".to_string(),
        s => format!("After {} minutes", s / 60),
    }
}

/// Check a new recovery passphrase and its confirmation. Errors name the field; nothing of
/// what was typed goes into a message.
pub fn check_new_passphrase(passphrase: &str, confirmation: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid(
            "passphrase",
            format!("use at least {MIN_PASSPHRASE_CHARS} characters; a few unrelated words are easy to remember and hard to guess"),
        ));
    }
    if passphrase.trim().is_empty() {
        return Err(Error::invalid("passphrase", "cannot be only spaces"));
    }
    if passphrase != confirmation {
        return Err(Error::invalid("confirmation", "the two passphrases are not the same"));
    }
    Ok(())
}

/// A new passphrase typed twice, as the UTF-8 bytes the app sends: both copies are wiped when
/// this returns, and the passphrase comes back checked ([`check_new_passphrase`]).
pub fn new_passphrase(passphrase: Vec<u8>, confirmation: Vec<u8>) -> Result<Passphrase> {
    let passphrase = Zeroizing::new(passphrase);
    let confirmation = Zeroizing::new(confirmation);
    let text = std::str::from_utf8(&passphrase).map_err(|_| Error::invalid("passphrase", "could not be read"))?;
    let again = std::str::from_utf8(&confirmation).map_err(|_| Error::invalid("confirmation", "could not be read"))?;
    check_new_passphrase(text, again)?;
    Passphrase::new(passphrase.to_vec())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn locks_after_the_chosen_time_in_the_background() {
        let mut t = LockTimer::default();
        assert_eq!(t.backgrounded(1_000, 60), OnBackground::LockAfter { ms: 60_000 });
        assert!(!t.due(30_000, 60));
        assert!(t.due(61_000, 60));
        // Back within the minute: stays open, and the count starts again next time.
        assert!(!t.foregrounded(50_000, 60));
        assert_eq!(t.backgrounded(100_000, 60), OnBackground::LockAfter { ms: 60_000 });
        assert!(t.foregrounded(160_001, 60));
    }

    #[test]
    fn zero_locks_at_once_and_a_clock_turned_back_locks() {
        let mut t = LockTimer::default();
        assert_eq!(t.backgrounded(5_000, 0), OnBackground::LockNow);
        let mut t = LockTimer::default();
        t.backgrounded(100_000, 300);
        assert!(t.foregrounded(90_000, 300), "the clock went backwards");
        assert!(!t.foregrounded(90_000, 300), "not in the background any more");
    }

    #[test]
    fn a_second_background_report_keeps_the_first_time() {
        let mut t = LockTimer::default();
        t.backgrounded(0, 30);
        assert_eq!(t.backgrounded(20_000, 30), OnBackground::LockAfter { ms: 10_000 });
    }

    #[test]
    fn only_offered_times_and_sound_passphrases() {
        assert!(check_lock_after(45).is_err());
        assert!(check_lock_after(900).is_ok());
        assert_eq!(lock_after_label(0), "As soon as I leave the app");
        assert_eq!(lock_after_label(300), "After 5 minutes");
        assert!(check_new_passphrase("short", "short").is_err());
        assert!(check_new_passphrase("        ", "        ").is_err());
        let e = check_new_passphrase("river lamp orange", "river lamp orang").unwrap_err();
        assert!(e.to_string().starts_with("confirmation"));
        assert!(!e.to_string().contains("river"));
        assert!(check_new_passphrase("river lamp orange", "river lamp orange").is_ok());
        assert!(new_passphrase(b"river lamp orange".to_vec(), b"river lamp orange".to_vec()).is_ok());
        let e = new_passphrase(vec![0xff; 12], vec![0xff; 12]).unwrap_err();
        assert!(e.to_string().starts_with("passphrase"));
    }
}
