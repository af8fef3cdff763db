//! Encrypted backups: export everything under a backup passphrase, restore into a new store.
//!
//! Both derive a key from the backup passphrase (PBKDF2, 600,000 iterations) and process the
//! whole store: prefer the `*_async` variants from UI code. The backup passphrase never
//! becomes a store key; restoring re-encrypts every record under the new store's own keys.

use std::sync::Arc;

use companion_core::crypto::KdfCost;
use companion_core::store::Unreadable;

use crate::blocking;
use crate::companion::CompanionCore;
use crate::error::Result;
use crate::keys::passphrase;

/// An encrypted backup and what went into it.
#[derive(uniffi::Record)]
pub struct Backup {
    /// The encrypted file contents, to write wherever the person chooses.
    pub bytes: Vec<u8>,
    /// How many records it holds.
    pub records: u64,
    /// Records that could not be opened and so are not in the backup (each named; nothing
    /// is deleted from the store).
    pub unreadable: Vec<Unreadable>,
}

impl std::fmt::Debug for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Backup({} records, {} bytes)", self.records, self.bytes.len())
    }
}

fn export(core: &CompanionCore, backup_passphrase: Vec<u8>) -> Result<Backup> {
    let pass = passphrase(backup_passphrase)?;
    let report = core.store()?.export(&pass, KdfCost::DEFAULT)?;
    Ok(Backup { bytes: report.bytes, records: report.records as u64, unreadable: report.unreadable })
}

fn restore(core: &CompanionCore, backup: &[u8], backup_passphrase: Vec<u8>) -> Result<u64> {
    let pass = passphrase(backup_passphrase)?;
    Ok(core.store()?.import(backup, &pass)? as u64)
}

#[uniffi::export]
impl CompanionCore {
    /// Export every record, encrypted with `backup_passphrase` (bytes). Blocks.
    pub fn export_backup(&self, backup_passphrase: Vec<u8>) -> Result<Backup> {
        export(self, backup_passphrase)
    }

    /// [`Self::export_backup`] on a background thread.
    pub async fn export_backup_async(self: Arc<Self>, backup_passphrase: Vec<u8>) -> Result<Backup> {
        blocking::run(move || export(&self, backup_passphrase)).await
    }

    /// Restore a backup into this store, which must hold no entries yet (`NotAllowed`
    /// otherwise). All or nothing. Returns the number of records restored. Errors: `WrongKey`
    /// (wrong backup passphrase), `BadExportFile` (damaged, cut short, not a backup, newer).
    /// Blocks.
    pub fn restore_backup(&self, backup: Vec<u8>, backup_passphrase: Vec<u8>) -> Result<u64> {
        restore(self, &backup, backup_passphrase)
    }

    /// [`Self::restore_backup`] on a background thread.
    pub async fn restore_backup_async(self: Arc<Self>, backup: Vec<u8>, backup_passphrase: Vec<u8>) -> Result<u64> {
        blocking::run(move || restore(&self, &backup, backup_passphrase)).await
    }
}

/// Whether `bytes` look like a companion backup (without the passphrase, nothing more can be
/// told). No I/O.
#[uniffi::export]
pub fn is_backup_file(bytes: Vec<u8>) -> bool {
    companion_core::export::is_export_file(&bytes)
}
