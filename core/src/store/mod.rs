//! The encrypted local store.
//!
//! One SQLite file (WAL, `synchronous=FULL`, `secure_delete=ON`, bounded WAL) holding records
//! of every kind in one table. Each record has a small `head` (what lists and insights read)
//! and an optional `body` (free text read when one record is opened), each sealed in a
//! [`crate::crypto::envelope`] bound to the record's kind, id and column.
//!
//! Records are grouped by a *blind tag*, a keyed hash of (kind, month of the user's local
//! date), so "today's urges" reads one month of one kind without the file revealing kinds or
//! dates. An encrypted catalog lists which months each kind uses.
//!
//! Feature modules declare their records once ([`Record`], frozen payload types, see
//! [`record`]) and use [`Store::write`] for changes (one IMMEDIATE transaction, durable when it
//! returns: `tx.put(&record)`) and [`Store::get`] / [`Store::list`] for reads. The raw
//! byte-level calls (`*_raw`, [`Store::visit`]) are for storage that is not one domain value
//! per record (the plan's automerge chunks, exports) and for scans that decode borrowed views.

pub(crate) mod frozen;
mod kind;
pub mod record;
pub mod schema;

pub use kind::RecordKind;
pub use record::Records;
pub(crate) use record::{Columns, NoBody, Payload, Record};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::crypto::envelope::{self, Binding, Column};
use crate::crypto::keys::KdfCost;
use crate::crypto::{DataKey, KeyProvider, Passphrase, PassphraseParams, StoreKeys};
use crate::error::{Error, IntegrityProblem, KeyMethod, Result};
use crate::id::RecordId;
use crate::time::Month;

/// Seals allowed under one record-key epoch before the store moves to the next epoch key.
/// With random 96-bit nonces, q seals collide with probability below q²/2^97; at 2^30 that is
/// below 2^-37 per key.
pub const EPOCH_SEAL_LIMIT: u64 = 1 << 30;
/// Seals reserved per write to `key_epoch` (so the counter is not rewritten on every insert).
const EPOCH_RESERVE_BATCH: u64 = 1024;
/// WAL size kept after checkpoints.
const JOURNAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;

/// How to unlock (or protect) a store.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    Passphrase(&'a Passphrase),
    Provider(&'a dyn KeyProvider),
}

impl fmt::Debug for Unlock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unlock::Passphrase(_) => f.write_str("Unlock::Passphrase(<redacted>)"),
            Unlock::Provider(_) => f.write_str("Unlock::Provider"),
        }
    }
}

impl Unlock<'_> {
    fn method(&self) -> KeyMethod {
        match self {
            Unlock::Passphrase(_) => KeyMethod::Passphrase,
            Unlock::Provider(_) => KeyMethod::KeyProvider,
        }
    }
}

/// Settings for a new store.
#[derive(Clone, Debug)]
pub struct CreateOptions {
    /// PBKDF2 cost when protected by a passphrase (default 600,000 iterations).
    pub kdf: KdfCost,
    /// Seals per key epoch; only tests lower it, to exercise epoch rotation.
    pub epoch_seal_limit: u64,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions { kdf: KdfCost::DEFAULT, epoch_seal_limit: EPOCH_SEAL_LIMIT }
    }
}

impl CreateOptions {
    /// Lower PBKDF2 cost for tests and benchmarks that create many stores. Never use in the app.
    pub fn insecure_fast_for_tests() -> Self {
        CreateOptions { kdf: KdfCost::insecure_for_tests(1_000), ..Default::default() }
    }
}

/// Where a record belongs in the blind index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Records of a local calendar month (urges, slips, check-ins, sessions...).
    Month(Month),
    /// Records with no date (the plan, goals, settings, custom exercises).
    Timeless,
}

/// Which records of a kind to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record of the kind (all months in the catalog, and timeless ones).
    All,
    /// Records in the months from `.0` to `.1` inclusive.
    Months(Month, Month),
    /// Timeless records only.
    Timeless,
}

/// A decrypted record.
pub struct Opened {
    pub id: RecordId,
    pub head: Zeroizing<Vec<u8>>,
    pub body: Option<Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Opened({}, <redacted>)", self.id)
    }
}

/// A record that could not be opened, with what is wrong (it stays in the file untouched).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Unreadable {
    pub kind: RecordKind,
    pub id: RecordId,
    pub problem: IntegrityProblem,
}

impl Unreadable {
    pub fn to_error(self) -> Error {
        Error::Integrity { kind: self.kind, id: self.id, problem: self.problem }
    }
}

/// The result of listing: what opened, and what could not (never silently dropped).
#[derive(Debug, Default)]
pub struct Listing {
    pub records: Vec<Opened>,
    pub unreadable: Vec<Unreadable>,
}

/// One record in plaintext, as carried by an export.
#[derive(Serialize, Deserialize)]
pub struct PlainRecord {
    pub kind: u16,
    pub id: RecordId,
    /// Month index (`Month::index`) or `None` for timeless records.
    pub month: Option<i32>,
    pub head: Vec<u8>,
    pub body: Option<Vec<u8>>,
}

impl fmt::Debug for PlainRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlainRecord({}, <redacted>)", self.id)
    }
}

#[derive(Debug, Clone, Copy)]
struct EpochState {
    epoch: u32,
    used: u64,
    reserved: u64,
    limit: u64,
}

/// Which months hold records of which kind. Stored encrypted as the `Catalog` record.
#[derive(Debug, Clone, Default, PartialEq)]
struct Catalog {
    months: BTreeMap<u16, BTreeSet<i32>>,
}

const CATALOG_ID: [u8; 16] = [0u8; 16];

/// The catalog as stored, version 1. Frozen.
#[derive(Serialize, Deserialize)]
struct CatalogV1 {
    /// Record kind code to the month indices (`Month::index`) holding records of it.
    months: BTreeMap<u16, BTreeSet<i32>>,
}

impl Payload for CatalogV1 {
    const VERSION: u8 = 1;
}

impl Record for Catalog {
    const KIND: RecordKind = RecordKind::Catalog;
    type Head = CatalogV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        RecordId::from_bytes(CATALOG_ID)
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (CatalogV1, Option<NoBody>) {
        (CatalogV1 { months: self.months.clone() }, None)
    }

    fn from_payload(_: RecordId, head: CatalogV1, _: Option<NoBody>) -> std::result::Result<Self, IntegrityProblem> {
        Ok(Catalog { months: head.months })
    }
}

impl Catalog {
    /// Months that may hold records of `kind`, oldest first.
    fn months_of(&self, kind: RecordKind) -> Vec<Month> {
        self.months.get(&kind.code()).map(|s| s.iter().map(|i| Month::from_index(*i)).collect()).unwrap_or_default()
    }

    /// The periods a scope covers for `kind`.
    fn periods(&self, kind: RecordKind, scope: Scope) -> Vec<Period> {
        match scope {
            Scope::Timeless => vec![Period::Timeless],
            Scope::Months(a, b) => Month::range(a, b).map(Period::Month).collect(),
            Scope::All => {
                let mut v: Vec<Period> = self.months_of(kind).into_iter().map(Period::Month).collect();
                v.push(Period::Timeless);
                v
            }
        }
    }
}

/// Counts of records per kind, for diagnostics (never shown to anyone but the user).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StoreStats {
    pub records: u64,
    pub file_bytes: u64,
    pub key_methods: Vec<KeyMethod>,
    pub schema_version: u32,
}

/// The encrypted local store. `Send + Sync`; calls are serialised on one connection.
pub struct Store {
    conn: Mutex<Connection>,
    keys: StoreKeys,
    clock: Arc<dyn Clock>,
    catalog: Mutex<Catalog>,
    epoch: Mutex<EpochState>,
    path: PathBuf,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Store(<open>)")
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage("the database could not switch to write-ahead logging".into()));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous=FULL;
         PRAGMA secure_delete=ON;
         PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT};
         PRAGMA foreign_keys=ON;
         PRAGMA temp_store=MEMORY;
         PRAGMA cell_size_check=ON;
         PRAGMA mmap_size=268435456;"
    ))?;
    if cfg!(any(target_os = "ios", target_os = "macos")) {
        conn.execute_batch("PRAGMA fullfsync=ON; PRAGMA checkpoint_fullfsync=ON;")?;
    }
    Ok(())
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

fn period_bytes(p: Period) -> Vec<u8> {
    match p {
        Period::Month(m) => m.index().to_be_bytes().to_vec(),
        Period::Timeless => b"timeless".to_vec(),
    }
}

impl Store {
    /// Create a new store at `path` protected by `unlock`. Fails if a file exists there.
    pub fn create(
        path: impl AsRef<Path>,
        unlock: Unlock<'_>,
        clock: Arc<dyn Clock>,
        opts: CreateOptions,
    ) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            return Err(Error::AlreadyExists);
        }
        let result = Self::create_inner(&path, unlock, clock, opts);
        if result.is_err() {
            // Leave nothing half-made behind.
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        result
    }

    fn create_inner(path: &Path, unlock: Unlock<'_>, clock: Arc<dyn Clock>, opts: CreateOptions) -> Result<Store> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        restrict_permissions(path);
        configure(&conn)?;
        let store_id: [u8; 16] = crate::crypto::random_array()?;
        let keys = StoreKeys::new(DataKey::generate()?, store_id);
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::create(&tx)?;
            tx.execute("INSERT INTO meta (name, value) VALUES ('store_id', ?1)", params![&store_id[..]])?;
            tx.execute("INSERT INTO meta (name, value) VALUES ('key_check', ?1)", params![keys.key_check()])?;
            tx.execute(
                "INSERT INTO meta (name, value) VALUES ('created_by', ?1)",
                params![concat!("companion-core ", env!("CARGO_PKG_VERSION")).as_bytes()],
            )?;
            tx.execute(
                "INSERT INTO meta (name, value) VALUES ('epoch_seal_limit', ?1)",
                params![opts.epoch_seal_limit.max(1).to_be_bytes().to_vec()],
            )?;
            tx.execute("INSERT INTO key_epoch (epoch, reserved) VALUES (0, 0)", [])?;
            write_slot(&tx, &keys, unlock, opts.kdf)?;
            tx.commit()?;
        }
        for suffix in ["-wal", "-shm"] {
            let mut p = path.to_path_buf().into_os_string();
            p.push(suffix);
            restrict_permissions(Path::new(&p));
        }
        Ok(Store {
            conn: Mutex::new(conn),
            keys,
            clock,
            catalog: Mutex::new(Catalog::default()),
            epoch: Mutex::new(EpochState { epoch: 0, used: 0, reserved: 0, limit: opts.epoch_seal_limit.max(1) }),
            path: path.to_path_buf(),
        })
    }

    /// Open an existing store. A wrong passphrase or key is `WrongKey` and changes nothing.
    pub fn open(path: impl AsRef<Path>, unlock: Unlock<'_>, clock: Arc<dyn Clock>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(Error::NoStore);
        }
        let mut conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        configure(&conn)?;
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            return Err(Error::Corrupt("the file is not a companion store"));
        }
        if version > schema::VERSION {
            return Err(Error::NewerSchema { found: version, supported: schema::VERSION });
        }
        // Unlock before touching anything.
        let store_id = read_meta(&conn, "store_id")?
            .and_then(|v| <[u8; 16]>::try_from(v.as_slice()).ok())
            .ok_or(Error::Corrupt("the store id is missing"))?;
        let key_check = read_meta(&conn, "key_check")?.ok_or(Error::Corrupt("the key check is missing"))?;
        let data_key = unwrap_slot(&conn, unlock, &store_id)?;
        let keys = StoreKeys::new(data_key, store_id);
        if !keys.verify_key_check(&key_check) {
            return Err(Error::WrongKey(unlock.method()));
        }
        if version < schema::VERSION {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::upgrade(&tx, version)?;
            tx.commit()?;
        }
        let limit = read_meta(&conn, "epoch_seal_limit")?
            .and_then(|v| <[u8; 8]>::try_from(v.as_slice()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(EPOCH_SEAL_LIMIT)
            .max(1);
        let (epoch, reserved): (u32, u64) = conn
            .query_row("SELECT epoch, reserved FROM key_epoch ORDER BY epoch DESC LIMIT 1", [], |r| {
                Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })
            .optional()?
            .ok_or(Error::Corrupt("the key epoch table is empty"))?;
        let store = Store {
            conn: Mutex::new(conn),
            keys,
            clock,
            catalog: Mutex::new(Catalog::default()),
            // Whatever was reserved may have been used by an earlier process: start past it.
            epoch: Mutex::new(EpochState { epoch, used: reserved, reserved, limit }),
            path,
        };
        let catalog = store.load_catalog()?;
        *lock(&store.catalog) = catalog;
        Ok(store)
    }

    /// Open, or create when no file exists yet.
    pub fn open_or_create(
        path: impl AsRef<Path>,
        unlock: Unlock<'_>,
        clock: Arc<dyn Clock>,
        opts: CreateOptions,
    ) -> Result<Store> {
        if path.as_ref().exists() {
            Self::open(path, unlock, clock)
        } else {
            Self::create(path, unlock, clock, opts)
        }
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn clock_arc(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keys of this store, for modules that derive their own subkeys.
    #[allow(dead_code)]
    pub(crate) fn keys(&self) -> &StoreKeys {
        &self.keys
    }

    fn load_catalog(&self) -> Result<Catalog> {
        let conn = lock(&self.conn);
        Ok(find_in::<Catalog>(&conn, &self.keys, RecordId::from_bytes(CATALOG_ID))?.unwrap_or_default())
    }

    // ----- key management -------------------------------------------------------------

    /// Which unlock methods protect this store.
    pub fn key_methods(&self) -> Result<Vec<KeyMethod>> {
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare("SELECT method FROM key_slot ORDER BY method")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            match r?.as_str() {
                "passphrase" => out.push(KeyMethod::Passphrase),
                "provider" => out.push(KeyMethod::KeyProvider),
                _ => return Err(Error::Corrupt("an unknown key slot is present")),
            }
        }
        Ok(out)
    }

    /// Protect the store with `unlock` (a new passphrase, or the platform key store). The data
    /// key is re-wrapped; no data is re-encrypted. With `keep_others == false` every other
    /// method is removed, so only `unlock` opens the store afterwards.
    pub fn set_key(&self, unlock: Unlock<'_>, keep_others: bool, kdf: KdfCost) -> Result<()> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !keep_others {
            tx.execute("DELETE FROM key_slot", [])?;
        }
        write_slot(&tx, &self.keys, unlock, kdf)?;
        tx.commit()?;
        // The old wrapped key must not linger in the WAL.
        checkpoint_truncate(&conn);
        Ok(())
    }

    /// Remove one unlock method; refused when it is the last one.
    pub fn remove_key_method(&self, method: KeyMethod) -> Result<()> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n: i64 = tx.query_row("SELECT count(*) FROM key_slot", [], |r| r.get(0))?;
        let name = slot_name(method);
        let has: i64 = tx.query_row("SELECT count(*) FROM key_slot WHERE method = ?1", [name], |r| r.get(0))?;
        if has == 0 {
            return Err(Error::NoSuchKeyMethod(method));
        }
        if n <= 1 {
            return Err(Error::State("this is the only way to unlock the store; add another before removing it"));
        }
        tx.execute("DELETE FROM key_slot WHERE method = ?1", [name])?;
        tx.commit()?;
        checkpoint_truncate(&conn);
        Ok(())
    }

    /// PBKDF2 iterations of the passphrase slot, if any.
    pub fn passphrase_iterations(&self) -> Result<Option<u32>> {
        let conn = lock(&self.conn);
        let params: Option<Vec<u8>> = conn
            .query_row("SELECT params FROM key_slot WHERE method = 'passphrase'", [], |r| r.get(0))
            .optional()?
            .flatten();
        match params {
            None => Ok(None),
            Some(p) => postcard::from_bytes::<PassphraseParams>(&p)
                .map(|p| Some(p.iterations))
                .map_err(|_| Error::Corrupt("the passphrase settings are unreadable")),
        }
    }

    // ----- reads ------------------------------------------------------------------------

    /// The record `id` of type `R`: `NotFound` when there is none, `Integrity` when it does
    /// not open or decode.
    pub(crate) fn get<R: Record>(&self, id: RecordId) -> Result<R> {
        self.find(id)?.ok_or(Error::NotFound { kind: R::KIND, id })
    }

    /// The record `id` of type `R`, if there is one.
    pub(crate) fn find<R: Record>(&self, id: RecordId) -> Result<Option<R>> {
        let conn = lock(&self.conn);
        find_in(&conn, &self.keys, id)
    }

    /// Every record of type `R` in a scope, and those that could not be read (never dropped).
    pub(crate) fn list<R: Record>(&self, scope: Scope, columns: Columns) -> Result<Records<R>> {
        let periods = self.periods(R::KIND, scope);
        let conn = lock(&self.conn);
        list_in(&conn, &self.keys, &periods, columns)
    }

    /// One record's decrypted bytes, or `None` if there is none of this kind with this id.
    pub fn get_raw(&self, kind: RecordKind, id: RecordId, with_body: bool) -> Result<Option<Opened>> {
        let conn = lock(&self.conn);
        get_in(&conn, &self.keys, kind, id, with_body)
    }

    /// The decrypted bytes of a kind's records in a scope; those that fail to open are reported.
    pub fn list_raw(&self, kind: RecordKind, scope: Scope, with_body: bool) -> Result<Listing> {
        let periods = self.periods(kind, scope);
        let conn = lock(&self.conn);
        list_raw_in(&conn, &self.keys, kind, &periods, with_body)
    }

    /// Decrypt records of a kind in a scope one at a time, without collecting them: the fast
    /// path for scans such as insights, which decode borrowed views of the heads. Returns the
    /// records that could not be opened, and those whose bytes `f` could not decode.
    pub fn visit(
        &self,
        kind: RecordKind,
        scope: Scope,
        with_body: bool,
        f: impl FnMut(RecordId, &[u8], Option<&[u8]>) -> std::result::Result<(), IntegrityProblem>,
    ) -> Result<Vec<Unreadable>> {
        let periods = self.periods(kind, scope);
        let conn = lock(&self.conn);
        visit_in(&conn, &self.keys, kind, &periods, with_body, f)
    }

    /// Find the one record of `kind` whose printed id starts with `prefix`.
    pub fn resolve_id(&self, kind: RecordKind, prefix: &str) -> Result<RecordId> {
        let (lo, hi) = RecordId::prefix_range(prefix)?;
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare_cached("SELECT id, kind_tag FROM record WHERE id BETWEEN ?1 AND ?2 LIMIT 64")?;
        let mut rows = stmt.query(params![&lo[..], &hi[..]])?;
        let mut found = None;
        while let Some(r) = rows.next()? {
            let idb: Vec<u8> = r.get(0)?;
            let kt: Vec<u8> = r.get(1)?;
            let Some(id) = RecordId::from_slice(&idb) else { continue };
            if kt == kind_tag(&self.keys, kind, &id) {
                if found.is_some() {
                    return Err(Error::AmbiguousId { kind });
                }
                found = Some(id);
            }
        }
        match found {
            Some(id) => Ok(id),
            None => Err(Error::NotFound { kind, id: RecordId::from_bytes(lo) }),
        }
    }

    /// Months that may hold records of `kind`, oldest first, from the in-memory catalog (no
    /// I/O). A month whose records were all deleted may still be listed.
    pub fn months_of(&self, kind: RecordKind) -> Vec<Month> {
        lock(&self.catalog).months_of(kind)
    }

    fn periods(&self, kind: RecordKind, scope: Scope) -> Vec<Period> {
        lock(&self.catalog).periods(kind, scope)
    }

    /// True when no user record exists (bookkeeping such as the catalog does not count).
    pub fn is_empty(&self) -> Result<bool> {
        self.is_empty_but(&[])
    }

    /// True when no user record exists but those with the given ids (a journal's settings,
    /// which a restore may replace).
    pub fn is_empty_but(&self, ids: &[RecordId]) -> Result<bool> {
        let conn = lock(&self.conn);
        let n: i64 = conn.query_row("SELECT count(*) FROM record WHERE id != ?1", [&CATALOG_ID[..]], |r| r.get(0))?;
        let mut allowed = 0i64;
        for id in ids {
            allowed += conn
                .query_row("SELECT count(*) FROM record WHERE id = ?1", [&id.as_bytes()[..]], |r| r.get::<_, i64>(0))?;
        }
        Ok(n == allowed)
    }

    pub fn stats(&self) -> Result<StoreStats> {
        let records = {
            let conn = lock(&self.conn);
            conn.query_row("SELECT count(*) FROM record WHERE id != ?1", [&CATALOG_ID[..]], |r| r.get::<_, i64>(0))?
        };
        let mut file_bytes = 0;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            file_bytes += std::fs::metadata(PathBuf::from(p)).map(|m| m.len()).unwrap_or(0);
        }
        let schema_version = {
            let conn = lock(&self.conn);
            conn.query_row("PRAGMA user_version", [], |r| r.get(0))?
        };
        Ok(StoreStats { records: records.max(0) as u64, file_bytes, key_methods: self.key_methods()?, schema_version })
    }

    /// Every record in plaintext (for an export). Unreadable records are reported.
    pub fn dump(&self) -> Result<(Vec<PlainRecord>, Vec<Unreadable>)> {
        let mut plain = Vec::new();
        let mut bad = Vec::new();
        for kind in RecordKind::ALL {
            if kind == RecordKind::Catalog {
                continue;
            }
            for period in self.periods(kind, Scope::All) {
                let listing = {
                    let conn = lock(&self.conn);
                    list_raw_in(&conn, &self.keys, kind, &[period], true)?
                };
                bad.extend(listing.unreadable);
                let month = match period {
                    Period::Month(m) => Some(m.index()),
                    Period::Timeless => None,
                };
                for o in listing.records {
                    plain.push(PlainRecord {
                        kind: kind.code(),
                        id: o.id,
                        month,
                        head: o.head.to_vec(),
                        body: o.body.map(|b| b.to_vec()),
                    });
                }
            }
        }
        Ok((plain, bad))
    }

    // ----- writes -----------------------------------------------------------------------

    /// Run `f` in one IMMEDIATE transaction; durable (fsync'd) when this returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.conn);
        let mut epoch_guard = lock(&self.epoch);
        let catalog_snapshot = lock(&self.catalog).clone();
        let outcome = {
            let sqltx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut tx = Tx {
                tx: sqltx,
                keys: &self.keys,
                epoch: &mut epoch_guard,
                catalog: catalog_snapshot,
                catalog_dirty: false,
                checkpoint: false,
            };
            match f(&mut tx).and_then(|v| tx.flush_catalog().map(|()| v)) {
                Ok(v) => {
                    let Tx { tx: sqltx, catalog, catalog_dirty, checkpoint, .. } = tx;
                    match sqltx.commit() {
                        Ok(()) => Ok((v, catalog_dirty.then_some(catalog), checkpoint)),
                        Err(e) => Err(Error::from(e)),
                    }
                }
                // Dropping the transaction rolls it back.
                Err(e) => Err(e),
            }
        };
        match outcome {
            Ok((v, catalog, checkpoint)) => {
                if let Some(c) = catalog {
                    *lock(&self.catalog) = c;
                }
                if checkpoint {
                    checkpoint_truncate(&conn);
                }
                Ok(v)
            }
            Err(e) => {
                // The reservation written in the rolled-back transaction is gone: make the
                // next seal write a fresh one, so the stored count stays an upper bound.
                epoch_guard.reserved = epoch_guard.used;
                Err(e)
            }
        }
    }

    /// Copy plaintext records (from an export) into this empty store, re-encrypting each with
    /// this store's keys. All or nothing. The store may already hold the records `replaceable`
    /// names (its settings): a restored record with the same id replaces one.
    pub fn restore(&self, records: Vec<PlainRecord>, replaceable: &[RecordId]) -> Result<usize> {
        if !self.is_empty_but(replaceable)? {
            return Err(Error::NotEmpty);
        }
        let n = records.len();
        self.write(|tx| {
            for r in &records {
                let kind = RecordKind::from_code(r.kind)
                    .ok_or(Error::Export("it holds a kind of record this version does not know"))?;
                if kind == RecordKind::Catalog {
                    continue;
                }
                let period = match r.month {
                    Some(i) => Period::Month(Month::from_index(i)),
                    None => Period::Timeless,
                };
                tx.put_raw(kind, r.id, period, &r.head, r.body.as_deref())?;
            }
            Ok(())
        })?;
        Ok(n)
    }
}

fn slot_name(m: KeyMethod) -> &'static str {
    match m {
        KeyMethod::Passphrase => "passphrase",
        KeyMethod::KeyProvider => "provider",
    }
}

fn write_slot(tx: &rusqlite::Transaction<'_>, keys: &StoreKeys, unlock: Unlock<'_>, kdf: KdfCost) -> Result<()> {
    match unlock {
        Unlock::Passphrase(pass) => {
            let params = PassphraseParams::generate(kdf.get())?;
            let wrapped = keys.data_key().wrap_with_passphrase(pass, &params, keys.store_id())?;
            let p = postcard::to_stdvec(&params).map_err(|_| Error::Crypto)?;
            tx.execute(
                "INSERT OR REPLACE INTO key_slot (method, params, wrapped) VALUES ('passphrase', ?1, ?2)",
                params![p, wrapped],
            )?;
        }
        Unlock::Provider(provider) => {
            let wrapped = provider.wrap_key(keys.data_key().expose().to_vec()).map_err(|e| Error::KeyProvider(e.0))?;
            if wrapped.is_empty() {
                return Err(Error::KeyProvider("the key store returned an empty wrapped key".into()));
            }
            // Prove the provider can unwrap what it wrapped before relying on it.
            let back = provider.unwrap_key(wrapped.clone()).map_err(|e| Error::KeyProvider(e.0))?;
            let back = DataKey::from_vec(back, KeyMethod::KeyProvider)
                .map_err(|_| Error::KeyProvider("the key store did not return the key it wrapped".into()))?;
            if back.expose() != keys.data_key().expose() {
                return Err(Error::KeyProvider("the key store did not return the key it wrapped".into()));
            }
            tx.execute(
                "INSERT OR REPLACE INTO key_slot (method, params, wrapped) VALUES ('provider', NULL, ?1)",
                params![wrapped],
            )?;
        }
    }
    Ok(())
}

fn unwrap_slot(conn: &Connection, unlock: Unlock<'_>, store_id: &[u8; 16]) -> Result<DataKey> {
    let method = unlock.method();
    let row: Option<(Option<Vec<u8>>, Vec<u8>)> = conn
        .query_row("SELECT params, wrapped FROM key_slot WHERE method = ?1", [slot_name(method)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((params, wrapped)) = row else {
        return Err(Error::NoSuchKeyMethod(method));
    };
    match unlock {
        Unlock::Passphrase(pass) => {
            let params: PassphraseParams = params
                .and_then(|p| postcard::from_bytes(&p).ok())
                .ok_or(Error::Corrupt("the passphrase settings are unreadable"))?;
            DataKey::unwrap_with_passphrase(&wrapped, pass, &params, store_id)
        }
        Unlock::Provider(provider) => {
            let raw = provider.unwrap_key(wrapped).map_err(|e| Error::KeyProvider(e.0))?;
            DataKey::from_vec(raw, KeyMethod::KeyProvider)
        }
    }
}

fn read_meta(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| r.get(0)).optional()?)
}

fn checkpoint_truncate(conn: &Connection) {
    // Best effort: a failed checkpoint leaves data in the WAL until the next one, which is
    // still encrypted and still bounded by journal_size_limit.
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

fn period_tag(keys: &StoreKeys, kind: RecordKind, p: Period) -> [u8; 16] {
    keys.tag(&[b"period", &kind.code().to_be_bytes(), &period_bytes(p)])
}

fn kind_tag(keys: &StoreKeys, kind: RecordKind, id: &RecordId) -> Vec<u8> {
    keys.tag(&[b"kind", &kind.code().to_be_bytes(), id.as_bytes()])[..8].to_vec()
}

fn open_row(
    keys: &StoreKeys,
    kind: RecordKind,
    id: RecordId,
    head: &[u8],
    body: Option<&[u8]>,
) -> std::result::Result<Opened, IntegrityProblem> {
    let b = Binding { kind: kind.code(), id: id.as_bytes(), column: Column::Head };
    let head = envelope::open(keys, &b, head)?;
    let body = match body {
        Some(bb) => Some(envelope::open(keys, &Binding { column: Column::Body, ..b }, bb)?),
        None => None,
    };
    Ok(Opened { id, head, body })
}

fn get_in(
    conn: &Connection,
    keys: &StoreKeys,
    kind: RecordKind,
    id: RecordId,
    with_body: bool,
) -> Result<Option<Opened>> {
    let mut stmt = conn.prepare_cached("SELECT kind_tag, head, body FROM record WHERE id = ?1")?;
    type Row = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);
    let row: Option<Row> =
        stmt.query_row([&id.as_bytes()[..]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
    let Some((kt, head, body)) = row else { return Ok(None) };
    if kt != kind_tag(keys, kind, &id) {
        return Ok(None);
    }
    let body = if with_body { body } else { None };
    open_row(keys, kind, id, &head, body.as_deref()).map(Some).map_err(|problem| Error::Integrity { kind, id, problem })
}

fn find_in<R: Record>(conn: &Connection, keys: &StoreKeys, id: RecordId) -> Result<Option<R>> {
    get_in(conn, keys, R::KIND, id, true)?.map(|o| record::decode_opened(&o)).transpose()
}

fn list_in<R: Record>(conn: &Connection, keys: &StoreKeys, periods: &[Period], columns: Columns) -> Result<Records<R>> {
    let mut records = Vec::new();
    let unreadable = visit_in(conn, keys, R::KIND, periods, columns.with_body(), |id, head, body| {
        records.push(record::decode_record(id, head, body)?);
        Ok(())
    })?;
    Ok(Records { records, unreadable })
}

fn list_raw_in(
    conn: &Connection,
    keys: &StoreKeys,
    kind: RecordKind,
    periods: &[Period],
    with_body: bool,
) -> Result<Listing> {
    let mut records = Vec::new();
    let unreadable = visit_in(conn, keys, kind, periods, with_body, |id, head, body| {
        records.push(Opened {
            id,
            head: Zeroizing::new(head.to_vec()),
            body: body.map(|b| Zeroizing::new(b.to_vec())),
        });
        Ok(())
    })?;
    Ok(Listing { records, unreadable })
}

/// Decrypt every record of `kind` in `periods`, handing each to `f` as borrowed plaintext
/// (decrypted into reused, zeroized buffers: no per-record allocation). Records that fail to
/// open, and those whose payload `f` cannot decode, are returned, never skipped silently.
fn visit_in(
    conn: &Connection,
    keys: &StoreKeys,
    kind: RecordKind,
    periods: &[Period],
    with_body: bool,
    mut f: impl FnMut(RecordId, &[u8], Option<&[u8]>) -> std::result::Result<(), IntegrityProblem>,
) -> Result<Vec<Unreadable>> {
    let sql = if with_body {
        "SELECT id, head, body FROM record WHERE tag = ?1"
    } else {
        "SELECT id, head, NULL FROM record WHERE tag = ?1"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let mut unreadable = Vec::new();
    let mut head_buf = Zeroizing::new(Vec::with_capacity(512));
    let mut body_buf = Zeroizing::new(Vec::with_capacity(512));
    let mut cache = envelope::KeyCache::default();
    for p in periods {
        let tag = period_tag(keys, kind, *p);
        let mut rows = stmt.query([&tag[..]])?;
        while let Some(r) = rows.next()? {
            let idb = r.get_ref(0)?.as_blob().map_err(|_| Error::Corrupt("a record id is not a blob"))?;
            let Some(id) = RecordId::from_slice(idb) else {
                return Err(Error::Corrupt("a record id has the wrong length"));
            };
            // No kind-tag check here: the kind is in every ciphertext's associated data, so a
            // row moved under another kind's tag fails to open and is reported below.
            let head = r.get_ref(1)?.as_blob().map_err(|_| Error::Corrupt("a record head is not a blob"))?;
            let body = r.get_ref(2)?.as_blob_or_null().map_err(|_| Error::Corrupt("a record body is not a blob"))?;
            let b = Binding { kind: kind.code(), id: id.as_bytes(), column: Column::Head };
            let opened = envelope::open_cached(keys, &mut cache, &b, head, &mut head_buf).and_then(|hn| match body {
                Some(bb) => {
                    envelope::open_cached(keys, &mut cache, &Binding { column: Column::Body, ..b }, bb, &mut body_buf)
                        .map(|bn| (hn, Some(bn)))
                }
                None => Ok((hn, None)),
            });
            let read = opened.and_then(|(hn, bn)| f(id, &head_buf[..hn], bn.map(|n| &body_buf[..n])));
            if let Err(problem) = read {
                unreadable.push(Unreadable { kind, id, problem });
            }
        }
    }
    Ok(unreadable)
}

/// A write transaction. Every change made through it commits together, durably.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    keys: &'a StoreKeys,
    epoch: &'a mut EpochState,
    catalog: Catalog,
    catalog_dirty: bool,
    checkpoint: bool,
}

impl Tx<'_> {
    fn next_epoch(&mut self) -> Result<u32> {
        let e = &mut *self.epoch;
        if e.used >= e.reserved {
            if e.reserved.saturating_add(EPOCH_RESERVE_BATCH.min(e.limit)) > e.limit && e.used > 0 {
                // This key has had its share of nonces: move to the next epoch key.
                e.epoch = e.epoch.checked_add(1).ok_or(Error::Corrupt("key epochs exhausted"))?;
                e.used = 0;
                e.reserved = EPOCH_RESERVE_BATCH.min(e.limit);
                self.tx.execute(
                    "INSERT INTO key_epoch (epoch, reserved) VALUES (?1, ?2)",
                    params![e.epoch, e.reserved as i64],
                )?;
            } else {
                e.reserved = e.reserved.saturating_add(EPOCH_RESERVE_BATCH.min(e.limit)).min(e.limit);
                self.tx.execute(
                    "UPDATE key_epoch SET reserved = ?2 WHERE epoch = ?1",
                    params![e.epoch, e.reserved as i64],
                )?;
            }
        }
        e.used += 1;
        Ok(e.epoch)
    }

    fn seal(&mut self, kind: RecordKind, id: &RecordId, column: Column, plain: &[u8]) -> Result<Vec<u8>> {
        let epoch = self.next_epoch()?;
        envelope::seal(self.keys, epoch, &Binding { kind: kind.code(), id: id.as_bytes(), column }, plain)
    }

    /// Insert or replace a record.
    pub(crate) fn put<R: Record>(&mut self, record: &R) -> Result<()> {
        let (head, body) = record::encode_record(record)?;
        self.put_raw(R::KIND, record.id(), record.period(), &head, body.as_deref())
    }

    /// The record `id` of type `R`: `NotFound` when there is none, `Integrity` when it does
    /// not open or decode.
    pub(crate) fn get<R: Record>(&self, id: RecordId) -> Result<R> {
        self.find(id)?.ok_or(Error::NotFound { kind: R::KIND, id })
    }

    /// The record `id` of type `R`, if there is one.
    pub(crate) fn find<R: Record>(&self, id: RecordId) -> Result<Option<R>> {
        find_in(&self.tx, self.keys, id)
    }

    /// Every record of type `R` in a scope (records added in this transaction included), and
    /// those that could not be read.
    pub(crate) fn list<R: Record>(&self, scope: Scope, columns: Columns) -> Result<Records<R>> {
        list_in(&self.tx, self.keys, &self.catalog.periods(R::KIND, scope), columns)
    }

    /// Insert or replace a record's encoded head and body.
    pub fn put_raw(
        &mut self,
        kind: RecordKind,
        id: RecordId,
        period: Period,
        head: &[u8],
        body: Option<&[u8]>,
    ) -> Result<()> {
        let head_ct = self.seal(kind, &id, Column::Head, head)?;
        let body_ct = match body {
            Some(b) => Some(self.seal(kind, &id, Column::Body, b)?),
            None => None,
        };
        let tag = period_tag(self.keys, kind, period);
        let kt = kind_tag(self.keys, kind, &id);
        // An id belongs to one kind forever: refuse to overwrite a record of another kind.
        let existing: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT kind_tag FROM record WHERE id = ?1")?
            .query_row([&id.as_bytes()[..]], |r| r.get(0))
            .optional()?;
        if let Some(k) = existing {
            if k != kt {
                return Err(Error::Corrupt("a record id is already used by another kind of record"));
            }
        }
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO record (id, tag, kind_tag, head, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![&id.as_bytes()[..], &tag[..], kt, head_ct, body_ct])?;
        if let Period::Month(m) = period {
            if kind != RecordKind::Catalog && self.catalog.months.entry(kind.code()).or_default().insert(m.index()) {
                self.catalog_dirty = true;
            }
        }
        Ok(())
    }

    /// Delete a record; its bytes are overwritten in the file (secure_delete) and the WAL is
    /// checkpointed and truncated after commit. Returns whether it existed.
    pub fn delete(&mut self, kind: RecordKind, id: RecordId) -> Result<bool> {
        let kt = kind_tag(self.keys, kind, &id);
        let n = self
            .tx
            .prepare_cached("DELETE FROM record WHERE id = ?1 AND kind_tag = ?2")?
            .execute(params![&id.as_bytes()[..], kt])?;
        if n > 0 {
            self.checkpoint = true;
        }
        Ok(n > 0)
    }

    /// One record's decrypted bytes, or `None` if there is none of this kind with this id.
    pub fn get_raw(&self, kind: RecordKind, id: RecordId, with_body: bool) -> Result<Option<Opened>> {
        get_in(&self.tx, self.keys, kind, id, with_body)
    }

    /// The decrypted bytes of a kind's records in a scope.
    pub fn list_raw(&self, kind: RecordKind, scope: Scope, with_body: bool) -> Result<Listing> {
        list_raw_in(&self.tx, self.keys, kind, &self.catalog.periods(kind, scope), with_body)
    }

    /// Ask for a WAL checkpoint after commit (used after erasing data).
    pub fn request_checkpoint(&mut self) {
        self.checkpoint = true;
    }

    fn flush_catalog(&mut self) -> Result<()> {
        if !self.catalog_dirty {
            return Ok(());
        }
        let catalog = self.catalog.clone();
        self.put(&catalog)
    }
}

#[cfg(test)]
pub(crate) mod golden;
#[cfg(test)]
pub(crate) mod tests;
