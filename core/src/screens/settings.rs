//! Settings: the lock, biometric unlock, discreet mode, notification words, reminders, and
//! changing the recovery passphrase. Each change is saved before it takes effect: the lock
//! time, discreet mode and reminders in the app's settings record ([`crate::settings`]), the
//! words in the notification settings, biometric unlock and the passphrase as key slots.

use super::app::{AuthPurpose, Biometrics, Cx, Effect, Reaction};
use super::common::{minute_of_day, Notice};
use crate::crypto::KdfCost;
use crate::error::{Error, KeyMethod, Result};
use crate::lock::{lock_after_label, new_passphrase, LOCK_AFTER_CHOICES};
use crate::notify::{Wording, DEFAULT_CHECK_IN_MINUTE};
use crate::store::Unlock;

/// A lock time to choose.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LockChoice {
    pub secs: u32,
    pub label: String,
    pub selected: bool,
}

/// A time of day to choose (the daily check-in reminder).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TimeChoice {
    pub minute: u16,
    pub label: String,
    pub selected: bool,
}

/// Times offered for the daily check-in: mornings, midday, and the evening hours when a day is
/// looked back on.
const CHECK_IN_TIMES: [u16; 12] = [420, 480, 540, 720, 1020, 1080, 1140, 1200, 1230, 1260, 1320, 1380];

/// A setting that is on or off.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Toggle {
    pub label: String,
    pub detail: String,
    pub on: bool,
    /// Whether it can be changed now (for example explicit words while discreet).
    pub enabled: bool,
}

/// Settings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SettingsView {
    pub lock_heading: String,
    pub lock_choices: Vec<LockChoice>,
    pub biometrics: Toggle,
    pub discreet: Toggle,
    pub explicit_words: Toggle,
    pub reminders_heading: String,
    pub daily_check_in: Toggle,
    /// "20:30".
    pub check_in_time: String,
    pub check_in_minute: u16,
    /// The times offered (the chosen one selected; one chosen outside these is listed too).
    pub check_in_times: Vec<TimeChoice>,
    pub surf_prompts: Toggle,
    pub goal_nudges: Toggle,
    pub passphrase_heading: String,
    pub passphrase_label: String,
    pub confirmation_label: String,
    pub change_passphrase_label: String,
    pub lock_now_label: String,
}

/// What the person changes.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SettingsAction {
    LockAfter {
        secs: u32,
    },
    Biometrics {
        on: bool,
    },
    Discreet {
        on: bool,
    },
    ExplicitWords {
        on: bool,
    },
    /// The daily check-in reminder at `minute` after midnight, or off.
    DailyCheckIn {
        minute: Option<u16>,
    },
    SurfPrompts {
        on: bool,
    },
    GoalNudges {
        on: bool,
    },
    /// A new recovery passphrase, typed twice (UTF-8 bytes).
    ChangePassphrase {
        passphrase: Vec<u8>,
        confirmation: Vec<u8>,
    },
}

impl std::fmt::Debug for SettingsAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingsAction::ChangePassphrase { .. } => f.write_str("ChangePassphrase(<redacted>)"),
            SettingsAction::LockAfter { secs } => write!(f, "LockAfter({secs})"),
            SettingsAction::Biometrics { on } => write!(f, "Biometrics({on})"),
            SettingsAction::Discreet { on } => write!(f, "Discreet({on})"),
            SettingsAction::ExplicitWords { on } => write!(f, "ExplicitWords({on})"),
            SettingsAction::DailyCheckIn { minute } => write!(f, "DailyCheckIn({minute:?})"),
            SettingsAction::SurfPrompts { on } => write!(f, "SurfPrompts({on})"),
            SettingsAction::GoalNudges { on } => write!(f, "GoalNudges({on})"),
        }
    }
}

#[derive(Default)]
pub(crate) struct SettingsScreen;

fn check_in_times(chosen: Option<u16>) -> Vec<TimeChoice> {
    let mut minutes: Vec<u16> = CHECK_IN_TIMES.to_vec();
    if let Some(m) = chosen.filter(|m| !minutes.contains(m)) {
        minutes.push(m);
        minutes.sort_unstable();
    }
    minutes
        .into_iter()
        .map(|m| TimeChoice { minute: m, label: minute_of_day(m), selected: chosen == Some(m) })
        .collect()
}

fn toggle(label: &str, detail: &str, on: bool, enabled: bool) -> Toggle {
    Toggle { label: label.into(), detail: detail.into(), on, enabled }
}

impl SettingsScreen {
    pub fn view(&self, cx: &Cx<'_>) -> Result<SettingsView> {
        let s = &cx.settings;
        let methods = cx.store.key_methods()?;
        let biometrics_on = methods.contains(&KeyMethod::KeyProvider);
        let can_biometrics = cx.platform.biometrics == Biometrics::Available;
        let explicit = cx.store.notification_wording()? == Wording::Explicit;
        let minute = s.reminders.daily_check_in_minute;
        Ok(SettingsView {
            lock_heading: "Lock the app".into(),
            lock_choices: LOCK_AFTER_CHOICES
                .iter()
                .map(|secs| LockChoice {
                    secs: *secs,
                    label: lock_after_label(*secs),
                    selected: *secs == s.lock_after_secs,
                })
                .collect(),
            biometrics: toggle(
                "Unlock with fingerprint or face",
                match cx.platform.biometrics {
                    Biometrics::Available => "Your passphrase always works too.",
                    Biometrics::NotEnrolled => "Set up a fingerprint or face in your phone's settings first.",
                    Biometrics::Unavailable => "This phone can't guard the key with biometrics.",
                },
                biometrics_on,
                can_biometrics || biometrics_on,
            ),
            discreet: toggle(
                "Discreet mode",
                "The app shows as \"Journal\" with a plain icon, and notifications say nothing about what it is for.",
                s.discreet,
                true,
            ),
            explicit_words: toggle(
                "Name things in notifications",
                if s.discreet {
                    "Turn off discreet mode first."
                } else {
                    "Notifications say \"urge\" and \"check-in\" instead of neutral words."
                },
                explicit,
                !s.discreet,
            ),
            reminders_heading: "Reminders".into(),
            daily_check_in: toggle(
                "Daily check-in",
                "A gentle reminder at the same time every day.",
                minute.is_some(),
                true,
            ),
            check_in_time: minute_of_day(minute.unwrap_or(DEFAULT_CHECK_IN_MINUTE)),
            check_in_minute: minute.unwrap_or(DEFAULT_CHECK_IN_MINUTE),
            check_in_times: check_in_times(minute),
            surf_prompts: toggle(
                "While surfing an urge",
                "Prompts to rate it, and when the timer ends, even with the app closed.",
                s.reminders.surf_prompts,
                true,
            ),
            goal_nudges: toggle(
                "Goals",
                "A look at your goals on Monday mornings, while one is in progress.",
                s.reminders.goal_nudges,
                true,
            ),
            passphrase_heading: "Recovery passphrase".into(),
            passphrase_label: "New passphrase".into(),
            confirmation_label: "The same passphrase again".into(),
            change_passphrase_label: "Change passphrase".into(),
            lock_now_label: "Lock now".into(),
        })
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: SettingsAction) -> Result<Reaction> {
        match action {
            SettingsAction::LockAfter { secs } => {
                cx.change_settings(|s| s.lock_after_secs = secs)?;
                Ok(Reaction::notice(Notice::saved(format!("Locks: {}.", lock_after_label(secs).to_lowercase()))))
            }
            SettingsAction::Biometrics { on: true } => {
                if cx.platform.biometrics != Biometrics::Available {
                    return Err(Error::State("set up a fingerprint or face in your phone's settings first"));
                }
                Ok(Reaction::effect(super::gate::authenticate(AuthPurpose::Enrol)))
            }
            SettingsAction::Biometrics { on: false } => {
                match cx.store.remove_key_method(KeyMethod::KeyProvider) {
                    Ok(()) | Err(Error::NoSuchKeyMethod(_)) => {}
                    Err(e) => return Err(e),
                }
                Ok(Reaction::notice(Notice::saved("Unlock is with your passphrase only."))
                    .with_effect(Effect::ForgetDeviceKey))
            }
            SettingsAction::Discreet { on } => {
                cx.change_settings(|s| s.discreet = on)?;
                let name = super::app::app_name(on);
                self.rescheduled(cx, Reaction::effect(Effect::AppIdentity { discreet: on, name: name.into() }))
            }
            SettingsAction::ExplicitWords { on } => {
                if cx.settings.discreet && on {
                    return Err(Error::State("turn off discreet mode first"));
                }
                cx.store.set_notification_wording(if on { Wording::Explicit } else { Wording::Neutral })?;
                self.rescheduled(cx, Reaction::notice(Notice::saved("Saved.")))
            }
            SettingsAction::DailyCheckIn { minute } => {
                cx.change_settings(|s| s.reminders.daily_check_in_minute = minute)?;
                self.rescheduled(cx, Reaction::default())
            }
            SettingsAction::SurfPrompts { on } => {
                cx.change_settings(|s| s.reminders.surf_prompts = on)?;
                self.rescheduled(cx, Reaction::default())
            }
            SettingsAction::GoalNudges { on } => {
                cx.change_settings(|s| s.reminders.goal_nudges = on)?;
                self.rescheduled(cx, Reaction::default())
            }
            SettingsAction::ChangePassphrase { passphrase, confirmation } => {
                let p = new_passphrase(passphrase, confirmation)?;
                cx.store.set_key(Unlock::Passphrase(&p), true, KdfCost::DEFAULT)?;
                Ok(Reaction::notice(Notice::saved("Your new passphrase is set. The old one no longer works.")))
            }
        }
    }

    /// Every schedule that depends on the settings, brought up to date.
    fn rescheduled(&self, cx: &Cx<'_>, r: Reaction) -> Result<Reaction> {
        let mut r = r.with_effect(Effect::Reminders { schedule: cx.reminder_schedule()? });
        if let Some(plan) = super::surf::active_notifications(cx)? {
            r = r.with_effect(Effect::Notifications { plan });
        }
        Ok(r)
    }
}
