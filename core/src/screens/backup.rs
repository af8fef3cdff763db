//! Backup and restore: an encrypted backup under a passphrase of its own, saved wherever the
//! person chooses; a restore into a journal that holds nothing yet (a new phone).

use super::app::{Cx, Effect, Reaction, SETTINGS_UNREADABLE};
use super::common::{count, Notice};
use crate::crypto::{KdfCost, Passphrase};
use crate::error::{Error, Result};
use crate::lock::new_passphrase;

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BackupStage {
    Overview,
    /// A file was picked: its passphrase, to restore.
    Restore,
}

/// Backup and restore.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BackupView {
    pub stage: BackupStage,
    pub intro: String,
    pub passphrase_label: String,
    pub confirmation_label: String,
    pub export_label: String,
    /// Restoring is only possible into a journal with nothing in it yet.
    pub can_restore: bool,
    pub restore_text: String,
    pub choose_file_label: String,
    pub restore_label: String,
    /// After a backup or a restore: what happened.
    pub result: Option<String>,
}

/// What the person does.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BackupAction {
    /// Make a backup under this passphrase, typed twice (UTF-8 bytes).
    Export {
        passphrase: Vec<u8>,
        confirmation: Vec<u8>,
    },
    ChooseFile,
    /// The file the person picked.
    FilePicked {
        bytes: Vec<u8>,
    },
    /// Restore the picked file with its passphrase.
    Restore {
        passphrase: Vec<u8>,
    },
}

impl std::fmt::Debug for BackupAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackupAction::Export { .. } => f.write_str("Export(<redacted>)"),
            BackupAction::ChooseFile => f.write_str("ChooseFile"),
            BackupAction::FilePicked { bytes } => write!(f, "FilePicked({} bytes)", bytes.len()),
            BackupAction::Restore { .. } => f.write_str("Restore(<redacted>)"),
        }
    }
}

#[derive(Default)]
pub(crate) struct BackupScreen {
    picked: Option<Vec<u8>>,
    result: Option<String>,
}

impl BackupScreen {
    pub fn has_inner_back(&self) -> bool {
        self.picked.is_some()
    }

    pub fn back(&mut self) -> bool {
        self.picked.take().is_some()
    }

    pub fn view(&self, cx: &Cx<'_>) -> Result<BackupView> {
        Ok(BackupView {
            stage: if self.picked.is_some() { BackupStage::Restore } else { BackupStage::Overview },
            intro: "A backup holds everything in your journal, encrypted with a passphrase you choose now. Keep it somewhere safe; without the passphrase nobody can open it, including you.".into(),
            passphrase_label: "Backup passphrase".into(),
            confirmation_label: "The same passphrase again".into(),
            export_label: "Make a backup".into(),
            can_restore: cx.store.can_restore()?,
            restore_text: "Moving to a new phone? Restore your backup here before adding anything new.".into(),
            choose_file_label: "Choose a backup file".into(),
            restore_label: "Restore".into(),
            result: self.result.clone(),
        })
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: BackupAction) -> Result<Reaction> {
        match action {
            BackupAction::Export { passphrase, confirmation } => {
                let report = cx.store.export(&new_passphrase(passphrase, confirmation)?, KdfCost::DEFAULT)?;
                let skipped = report.unreadable.len();
                self.result = Some(if skipped == 0 {
                    format!("Backup made: {}.", count(report.records as i64, "entry", "entries"))
                } else {
                    format!(
                        "Backup made: {}. {skipped} couldn't be read and are not in it; they stay in your journal.",
                        count(report.records as i64, "entry", "entries")
                    )
                });
                Ok(Reaction::effect(Effect::SaveFile {
                    suggested_name: format!("journal-{}.backup", cx.today().format("%Y-%m-%d")),
                    mime: "application/octet-stream".into(),
                    bytes: report.bytes,
                }))
            }
            BackupAction::ChooseFile => Ok(Reaction::effect(Effect::PickFile { mime: "*/*".into() })),
            BackupAction::FilePicked { bytes } => {
                if !crate::export::is_export_file(&bytes) {
                    return Err(Error::Export("this file is not a backup from this app"));
                }
                self.picked = Some(bytes);
                Ok(Reaction::default())
            }
            BackupAction::Restore { passphrase } => {
                let bytes = self.picked.as_ref().ok_or_else(super::app::not_now)?;
                let n = cx.store.import(bytes, &Passphrase::new(passphrase)?)?;
                self.picked = None;
                self.result = Some(format!("Restored {}.", count(n as i64, "entry", "entries")));
                Ok(restored(cx))
            }
        }
    }
}

/// After a restore: the backup's settings are in force, and what the platform holds follows
/// them (the app's name, reminders, a surf's prompts).
fn restored(cx: &mut Cx<'_>) -> Reaction {
    let notice = match cx.load_settings() {
        Ok(()) => Notice::saved("Your journal is restored, with its settings."),
        Err(_) => Notice::info(format!("Your journal is restored. {SETTINGS_UNREADABLE}")),
    };
    match cx.platform_effects() {
        Ok(effects) => Reaction { effects, ..Reaction::notice(notice) },
        Err(e) => Reaction::notice(Notice::problem(&e)),
    }
}
