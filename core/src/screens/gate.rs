//! The screens in front of the journal: the first run (what the app is and is not, the
//! recovery passphrase, biometric unlock), the lock screen, and the neutral screen a quick
//! exit leaves behind. None of them says what the app is for to someone glancing at the
//! phone: the lock screen is titled "Journal" whatever the settings.

use super::app::{AuthPurpose, Biometrics, Effect, Host, Platform};
use crate::error::{Error, KeyMethod};
use crate::lock::{new_passphrase, LockReason};

/// What the person can do before the journal is open.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GateAction {
    /// First run: create the journal with a recovery passphrase typed twice (UTF-8 bytes).
    CreateJournal { passphrase: Vec<u8>, confirmation: Vec<u8> },
    /// First run, after the journal exists: guard it with biometrics too.
    EnableBiometrics,
    /// First run: keep the passphrase only.
    SkipBiometrics,
    /// The lock screen: the passphrase (UTF-8 bytes).
    UnlockWithPassphrase { passphrase: Vec<u8> },
    /// The lock screen: ask for the biometric prompt.
    UseBiometrics,
    /// The neutral screen: go back to the lock screen.
    Reopen,
}

impl std::fmt::Debug for GateAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GateAction::CreateJournal { .. } => f.write_str("CreateJournal(<redacted>)"),
            GateAction::UnlockWithPassphrase { .. } => f.write_str("UnlockWithPassphrase(<redacted>)"),
            GateAction::EnableBiometrics => f.write_str("EnableBiometrics"),
            GateAction::SkipBiometrics => f.write_str("SkipBiometrics"),
            GateAction::UseBiometrics => f.write_str("UseBiometrics"),
            GateAction::Reopen => f.write_str("Reopen"),
        }
    }
}

/// Where the first run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FirstRunStage {
    /// What the app is and is not, and the recovery passphrase.
    Passphrase,
    /// The journal exists; biometric unlock is offered.
    Biometrics,
}

/// The first run.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FirstRunView {
    pub stage: FirstRunStage,
    pub heading: String,
    /// What the app is, what it is not, where the data stays (the safety module's words).
    pub about: Vec<String>,
    pub passphrase_label: String,
    pub confirmation_label: String,
    /// Why the passphrase matters, shown under the fields.
    pub passphrase_hint: String,
    pub create_label: String,
    /// The biometric step's question and buttons.
    pub biometrics_question: String,
    pub enable_label: String,
    pub skip_label: String,
    /// What went wrong with the last try (a field, a mismatch), in plain words.
    pub problem: Option<String>,
}

/// The first run's state.
#[derive(Clone, Debug, Default)]
pub(crate) struct FirstRun {
    created: bool,
    problem: Option<String>,
}

/// What a first-run action led to.
pub(crate) enum FirstRunStep {
    Stay(Vec<Effect>),
    /// The journal is ready: open it.
    Done,
}

impl FirstRun {
    pub fn view(&self, platform: Platform) -> FirstRunView {
        let stage = if self.created && platform.biometrics == Biometrics::Available {
            FirstRunStage::Biometrics
        } else {
            FirstRunStage::Passphrase
        };
        FirstRunView {
            stage,
            heading: match stage {
                FirstRunStage::Passphrase => "Welcome".into(),
                FirstRunStage::Biometrics => "Unlocking".into(),
            },
            about: vec![crate::safety::ABOUT.to_string()],
            passphrase_label: "Recovery passphrase".into(),
            confirmation_label: "The same passphrase again".into(),
            passphrase_hint: "This passphrase opens your journal on any phone, and whenever this phone's key is lost. Nobody can reset it for you: write it down and keep it somewhere safe.".into(),
            create_label: "Create my journal".into(),
            biometrics_question: "Open your journal with your fingerprint or face from now on? Your passphrase will still work.".into(),
            enable_label: "Use fingerprint or face".into(),
            skip_label: "Passphrase only".into(),
            problem: self.problem.clone(),
        }
    }

    pub fn act(&mut self, host: &dyn Host, platform: Platform, action: GateAction) -> FirstRunStep {
        match action {
            GateAction::CreateJournal { passphrase, confirmation } if !self.created => {
                match new_passphrase(passphrase, confirmation).and_then(|p| host.create(p)) {
                    Ok(()) => {
                        self.created = true;
                        self.problem = None;
                        if platform.biometrics == Biometrics::Available {
                            FirstRunStep::Stay(Vec::new())
                        } else {
                            FirstRunStep::Done
                        }
                    }
                    Err(e) => {
                        self.problem = Some(super::common::problem_words(&e));
                        FirstRunStep::Stay(Vec::new())
                    }
                }
            }
            GateAction::EnableBiometrics if self.created => FirstRunStep::Stay(vec![authenticate(AuthPurpose::Enrol)]),
            GateAction::SkipBiometrics if self.created => FirstRunStep::Done,
            _ => FirstRunStep::Stay(Vec::new()),
        }
    }
}

/// The lock screen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LockView {
    pub reason: LockReason,
    pub heading: String,
    pub passphrase_label: String,
    pub unlock_label: String,
    /// The biometric button's label, when biometric unlock is set up and possible.
    pub biometric_label: Option<String>,
    /// What went wrong with the last try.
    pub problem: Option<String>,
    /// Said under the field: what to do when the passphrase is lost.
    pub hint: String,
}

pub(crate) fn lock_view(reason: LockReason, problem: Option<String>, biometrics: bool) -> LockView {
    LockView {
        reason,
        heading: match reason {
            LockReason::ColdStart | LockReason::QuickExit => "Welcome back".into(),
            LockReason::Background | LockReason::ByPerson => "Locked".into(),
        },
        passphrase_label: "Passphrase".into(),
        unlock_label: "Unlock".into(),
        biometric_label: biometrics.then(|| "Use fingerprint or face".to_string()),
        problem,
        hint:
            "Your passphrase is the one you chose when you set up the app. Nobody else has it, so it cannot be reset."
                .into(),
    }
}

/// What a quick exit leaves on screen: an empty page that says nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NeutralView {
    pub heading: String,
    pub body: String,
    /// A quiet way back to the lock screen.
    pub reopen_label: String,
}

pub(crate) fn neutral_view() -> NeutralView {
    NeutralView { heading: "Notes".into(), body: "No notes yet.".into(), reopen_label: "Continue".into() }
}

/// The biometric prompt's words, neutral like the lock screen.
pub(crate) fn authenticate(purpose: AuthPurpose) -> Effect {
    let (title, subtitle) = match purpose {
        AuthPurpose::Unlock => ("Unlock", "Confirm it's you"),
        AuthPurpose::Enrol => ("Turn on unlock", "Confirm it's you to use your fingerprint or face from now on"),
    };
    Effect::Authenticate { purpose, title: title.into(), subtitle: subtitle.into(), cancel: "Use passphrase".into() }
}

/// Words for a failed unlock: a lost platform key leads to the recovery passphrase.
pub(crate) fn unlock_problem(e: &Error) -> String {
    match e {
        Error::WrongKey(KeyMethod::Passphrase) => "That passphrase didn't open your journal. Nothing was changed; please try again.".into(),
        Error::WrongKey(KeyMethod::KeyProvider) | Error::KeyProvider(_) | Error::NoSuchKeyMethod(KeyMethod::KeyProvider) => {
            "This phone's key couldn't open your journal (this happens after fingerprints or faces change). Use your passphrase; you can turn fingerprint or face unlock on again in Settings.".into()
        }
        other => super::common::problem_words(other),
    }
}
