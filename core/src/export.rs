//! Encrypted, passphrase-protected export (backup) and restore.
//!
//! An export holds every record of the store in plaintext form, inside the chunked AEAD
//! container of [`crate::crypto::stream`] under a key derived from an export passphrase
//! (PBKDF2-HMAC-SHA256, fresh salt per export). Restoring re-encrypts every record under the
//! new store's own keys; the export passphrase never becomes a store key. Settings records,
//! whose ids the store's keys derive, travel under ids of their own ([`crate::settings`]).

use serde::{Deserialize, Serialize};

use crate::crypto::{stream, KdfCost, Passphrase};
use crate::error::{Error, Result};
use crate::store::{schema, PlainRecord, Store, Unreadable};

const PAYLOAD_V1: u8 = 1;

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Version of the app that wrote the export, for support.
    app_version: String,
    /// Store schema version at export time.
    schema_version: u32,
    records: Vec<PlainRecord>,
}

/// What an export produced.
#[derive(Debug)]
pub struct ExportReport {
    /// The encrypted file contents.
    pub bytes: Vec<u8>,
    /// Records written.
    pub records: usize,
    /// Records that could not be opened and so are not in the export.
    pub unreadable: Vec<Unreadable>,
}

/// Everything an export file says about itself without the passphrase: nothing but that it
/// is one.
pub fn is_export_file(bytes: &[u8]) -> bool {
    stream::looks_like_export(bytes)
}

impl Store {
    /// Export every record, encrypted with `passphrase`.
    pub fn export(&self, passphrase: &Passphrase, kdf: KdfCost) -> Result<ExportReport> {
        let (mut records, unreadable) = self.dump()?;
        crate::settings::to_portable(self, &mut records);
        let n = records.len();
        let payload =
            Payload { app_version: env!("CARGO_PKG_VERSION").to_string(), schema_version: schema::VERSION, records };
        let mut plain = zeroize::Zeroizing::new(vec![PAYLOAD_V1]);
        postcard::to_io(&payload, &mut *plain).map_err(|_| Error::Export("the records could not be encoded"))?;
        let bytes = stream::seal(passphrase, kdf.get(), &plain)?;
        Ok(ExportReport { bytes, records: n, unreadable })
    }

    /// Restore an export into this store, which must be empty. All or nothing.
    pub fn import(&self, bytes: &[u8], passphrase: &Passphrase) -> Result<usize> {
        let contents = ExportContents::open(bytes, passphrase)?;
        self.restore_export(contents)
    }

    /// Whether a backup can be restored here: the journal holds nothing yet but settings
    /// (which the backup's own replace), as on a new phone where the person already chose some.
    pub fn can_restore(&self) -> Result<bool> {
        self.is_empty_but(&crate::settings::journal_ids(self))
    }

    /// Restore contents already opened with [`ExportContents::open`] into a journal that
    /// [can take it](Self::can_restore); `NotEmpty` otherwise.
    pub fn restore_export(&self, contents: ExportContents) -> Result<usize> {
        let mut records = contents.records;
        crate::settings::from_portable(self, &mut records);
        self.restore(records, &crate::settings::journal_ids(self))
    }
}

/// A decrypted export, checked and ready to restore.
pub struct ExportContents {
    records: Vec<PlainRecord>,
}

impl std::fmt::Debug for ExportContents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExportContents({} records)", self.records.len())
    }
}

impl ExportContents {
    /// Decrypt and decode an export file. A wrong passphrase is `WrongKey`.
    pub fn open(bytes: &[u8], passphrase: &Passphrase) -> Result<Self> {
        let plain = stream::open(passphrase, bytes)?;
        let (v, rest) = plain.split_first().ok_or(Error::Export("the file is empty"))?;
        if *v != PAYLOAD_V1 {
            return Err(Error::Export("it was made by a newer version of the app"));
        }
        let payload: Payload =
            postcard::from_bytes(rest).map_err(|_| Error::Export("its contents could not be decoded"))?;
        if payload.schema_version > schema::VERSION {
            return Err(Error::Export("it was made by a newer version of the app"));
        }
        Ok(ExportContents { records: payload.records })
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
