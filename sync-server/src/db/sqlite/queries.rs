//! Every query of the SQLite backend, as functions over a connection: writes run on the
//! writer thread (inside its batch's transaction), reads on a pooled reader. Statements come
//! from each connection's statement cache, so they are parsed once.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};

use crate::db::{
    arr16, arr32, parse_kind, parse_scope, to_i64, to_u64, AppendOutcome, AuditEntry, ClientRow, ClinicianRow, DbError,
    DbResult, Freed, InviteKind, InviteRow, LegacyLogin, LoginAttempt, NewDevice, NewInvite, NewSnapshot, Pulled,
    PulledChunk, Purged, SessionRow, SessionScope, ShareRow, SnapshotOutcome, TableDump, Tombstone, UnpairOutcome,
    Unpairing, Usage, UsageOf, Writer, MAX_PULL_BYTES,
};

/// A share's last sequence number, for the share row `s`: its newest chunk, or what its
/// snapshot covers if that is higher (a snapshot only removes chunks at or below what it
/// covers, and erasure removes the share itself). Deriving it means an append writes no page
/// of `shares`; the writer thread being the only writer, two appends cannot take one number.
/// A macro so that `concat!` can put it into the cached statements below.
macro_rules! last_seq_of_s {
    () => {
        "max(COALESCE((SELECT max(seq) FROM chunks WHERE share_id = s.id), 0),
             COALESCE((SELECT covers FROM snapshots WHERE share_id = s.id), 0))"
    };
}

/// [`last_seq_of_s!`] as a value (for the migration that introduced it).
pub const LAST_SEQ_OF_S: &str = last_seq_of_s!();

/// The columns of a share row, with its derived last sequence number and snapshot coverage.
macro_rules! share_select {
    () => {
        concat!(
            "SELECT s.id, s.device_id, s.clinician_id, s.wrapped_key, ",
            last_seq_of_s!(),
            ", COALESCE(n.covers, 0), s.created_ms, s.recipient_may_append FROM shares s LEFT JOIN snapshots n ON n.share_id = s.id"
        )
    };
}

pub fn server_value(c: &Connection, name: &str, fresh: &[u8]) -> DbResult<Vec<u8>> {
    c.prepare_cached("INSERT OR IGNORE INTO server_config (name, value) VALUES (?1, ?2)")?
        .execute(params![name, fresh])?;
    Ok(c.prepare_cached("SELECT value FROM server_config WHERE name = ?1")?.query_row([name], |r| r.get(0))?)
}

pub fn create_clinic(c: &Connection, id: &str, name: &str, now: i64) -> DbResult<()> {
    c.prepare_cached("INSERT INTO clinics (id, name, created_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![id, name, now])?;
    Ok(())
}

pub fn clinic_exists(c: &Connection, id: &str) -> DbResult<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM clinics WHERE id = ?1")?.query_row([id], |_| Ok(())).optional()?.is_some())
}

pub fn create_invite(c: &Connection, i: &NewInvite<'_>) -> DbResult<()> {
    c.prepare_cached(
        "INSERT INTO invites (token_hash, kind, clinic_id, clinician_id, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![&i.token_hash[..], i.kind.as_str(), i.clinic_id, i.clinician_id, i.created_ms, i.expires_ms])?;
    Ok(())
}

pub fn peek_invite(c: &Connection, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
    Ok(c.prepare_cached(
        "SELECT clinic_id, clinician_id FROM invites
         WHERE token_hash = ?1 AND kind = ?2 AND used_ms IS NULL AND expires_ms > ?3",
    )?
    .query_row(params![&token_hash[..], kind.as_str(), now], |r| {
        Ok(InviteRow { kind, clinic_id: r.get(0)?, clinician_id: r.get(1)? })
    })
    .optional()?)
}

pub fn take_invite(c: &Connection, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
    let row: Option<(String, String, Option<String>)> = c
        .prepare_cached(
            "SELECT kind, clinic_id, clinician_id FROM invites WHERE token_hash = ?1 AND used_ms IS NULL AND expires_ms > ?2",
        )?
        .query_row(params![&token_hash[..], now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((k, clinic_id, clinician_id)) = row else { return Ok(None) };
    if parse_kind(&k)? != kind {
        return Ok(None);
    }
    c.prepare_cached("UPDATE invites SET used_ms = ?2 WHERE token_hash = ?1")?
        .execute(params![&token_hash[..], now])?;
    Ok(Some(InviteRow { kind, clinic_id, clinician_id }))
}

pub fn create_clinician(c: &Connection, r: &ClinicianRow, now: i64) -> DbResult<()> {
    let exists =
        c.prepare_cached("SELECT 1 FROM clinicians WHERE email = ?1")?.query_row([&r.email], |_| Ok(())).optional()?;
    if exists.is_some() {
        return Err(DbError::Conflict("email"));
    }
    c.prepare_cached(
        "INSERT INTO clinicians (id, clinic_id, email, display_name, public_key, wrapped_private_key, opaque_record,
           created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        r.id,
        r.clinic_id,
        r.email,
        r.display_name,
        r.public_key,
        r.wrapped_private_key,
        r.opaque_record,
        now
    ])?;
    Ok(())
}

macro_rules! clinician_select {
    () => {
        "SELECT id, clinic_id, email, display_name, public_key, wrapped_private_key, opaque_record FROM clinicians"
    };
}

/// The clinician whose `column` (`id` or `email`) is `value`.
pub fn clinician_by(c: &Connection, column: ClinicianKey, value: &str) -> DbResult<Option<ClinicianRow>> {
    let sql = match column {
        ClinicianKey::Id => concat!(clinician_select!(), " WHERE id = ?1"),
        ClinicianKey::Email => concat!(clinician_select!(), " WHERE email = ?1"),
    };
    Ok(c.prepare_cached(sql)?
        .query_row([value], |r| {
            Ok(ClinicianRow {
                id: r.get(0)?,
                clinic_id: r.get(1)?,
                email: r.get(2)?,
                display_name: r.get(3)?,
                public_key: r.get(4)?,
                wrapped_private_key: r.get(5)?,
                opaque_record: r.get(6)?,
            })
        })
        .optional()?)
}

/// Which unique column finds a clinician.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClinicianKey {
    Id,
    Email,
}

pub fn legacy_login(c: &Connection, clinician_id: &str) -> DbResult<Option<LegacyLogin>> {
    Ok(c.prepare_cached("SELECT salt, iterations, auth_hash FROM legacy_logins WHERE clinician_id = ?1")?
        .query_row([clinician_id], |r| Ok(LegacyLogin { salt: r.get(0)?, iterations: r.get(1)?, auth_hash: r.get(2)? }))
        .optional()?)
}

pub fn complete_upgrade(c: &Connection, clinician_id: &str, record: &[u8], wrapped: &[u8]) -> DbResult<bool> {
    let removed = c.prepare_cached("DELETE FROM legacy_logins WHERE clinician_id = ?1")?.execute([clinician_id])?;
    if removed == 0 {
        return Ok(false);
    }
    c.prepare_cached("UPDATE clinicians SET opaque_record = ?2, wrapped_private_key = ?3 WHERE id = ?1")?
        .execute(params![clinician_id, record, wrapped])?;
    c.prepare_cached("DELETE FROM sessions WHERE clinician_id = ?1 AND scope = ?2")?
        .execute(params![clinician_id, SessionScope::Upgrade.as_str()])?;
    Ok(true)
}

pub fn put_login_attempt(c: &Connection, id_hash: &[u8; 32], a: &LoginAttempt, expires: i64) -> DbResult<()> {
    c.prepare_cached("INSERT INTO login_attempts (id, email, state, expires_ms) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![&id_hash[..], a.email, a.state, expires])?;
    Ok(())
}

pub fn take_login_attempt(c: &Connection, id_hash: &[u8; 32], now: i64) -> DbResult<Option<LoginAttempt>> {
    let found: Option<(String, Vec<u8>, i64)> = c
        .prepare_cached("SELECT email, state, expires_ms FROM login_attempts WHERE id = ?1")?
        .query_row([&id_hash[..]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((email, state, expires)) = found else { return Ok(None) };
    c.prepare_cached("DELETE FROM login_attempts WHERE id = ?1")?.execute([&id_hash[..]])?;
    Ok((expires > now).then_some(LoginAttempt { email, state }))
}

pub fn create_ticket(c: &Connection, token_hash: &[u8; 32], clinician_id: &str, expires: i64) -> DbResult<()> {
    c.prepare_cached("INSERT INTO login_tickets (token_hash, clinician_id, expires_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![&token_hash[..], clinician_id, expires])?;
    Ok(())
}

pub fn ticket_owner(c: &Connection, token_hash: &[u8; 32], now: i64) -> DbResult<Option<String>> {
    Ok(c.prepare_cached("SELECT clinician_id FROM login_tickets WHERE token_hash = ?1 AND expires_ms > ?2")?
        .query_row(params![&token_hash[..], now], |r| r.get(0))
        .optional()?)
}

pub fn create_session(c: &Connection, token_hash: &[u8; 32], s: &SessionRow, expires: i64) -> DbResult<()> {
    c.prepare_cached("INSERT INTO sessions (token_hash, clinician_id, expires_ms, scope) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![&token_hash[..], s.clinician_id, expires, s.scope.as_str()])?;
    Ok(())
}

pub fn session(c: &Connection, token_hash: &[u8; 32], now: i64) -> DbResult<Option<SessionRow>> {
    let row: Option<(String, String)> = c
        .prepare_cached("SELECT clinician_id, scope FROM sessions WHERE token_hash = ?1 AND expires_ms > ?2")?
        .query_row(params![&token_hash[..], now], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(clinician_id, scope)| Ok(SessionRow { clinician_id, scope: parse_scope(&scope)? })).transpose()
}

pub fn delete_session(c: &Connection, token_hash: &[u8; 32]) -> DbResult<()> {
    c.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?.execute([&token_hash[..]])?;
    Ok(())
}

pub fn register_device(c: &Connection, d: &NewDevice<'_>) -> DbResult<()> {
    let existing: Option<Vec<u8>> =
        c.prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?.query_row([d.id], |r| r.get(0)).optional()?;
    match existing {
        Some(k) if k != d.public_key => return Err(DbError::Conflict("device")),
        Some(_) => {}
        None => {
            c.prepare_cached("INSERT INTO devices (id, public_key, created_ms) VALUES (?1, ?2, ?3)")?
                .execute(params![d.id, &d.public_key[..], d.now])?;
        }
    }
    c.prepare_cached(
        "INSERT INTO pairings (device_id, clinician_id, created_ms, label) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (device_id, clinician_id) DO UPDATE SET label = COALESCE(excluded.label, label)",
    )?
    .execute(params![d.id, d.clinician_id, d.now, d.label])?;
    Ok(())
}

pub fn set_label(c: &Connection, device_id: &str, clinician_id: &str, label: Option<&[u8]>) -> DbResult<bool> {
    let n = c
        .prepare_cached("UPDATE pairings SET label = ?3 WHERE device_id = ?1 AND clinician_id = ?2")?
        .execute(params![device_id, clinician_id, label])?;
    Ok(n == 1)
}

pub fn clients_of_clinician(c: &Connection, clinician_id: &str) -> DbResult<Vec<ClientRow>> {
    let mut st = c.prepare_cached(
        "SELECT device_id, created_ms, label FROM pairings WHERE clinician_id = ?1 ORDER BY created_ms, device_id",
    )?;
    let rows = st.query_map([clinician_id], |r| {
        Ok(ClientRow { device_id: r.get(0)?, paired_ms: r.get(1)?, label: r.get(2)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn device_key(c: &Connection, id: &str) -> DbResult<Option<[u8; 32]>> {
    let k: Option<Vec<u8>> =
        c.prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    k.map(|k| arr32(&k)).transpose()
}

pub fn is_paired(c: &Connection, device_id: &str, clinician_id: &str) -> DbResult<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM pairings WHERE device_id = ?1 AND clinician_id = ?2")?
        .query_row(params![device_id, clinician_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Live nonces (for the in-memory replay set after a restart).
pub fn live_nonces(c: &Connection, now: i64) -> DbResult<Vec<(String, [u8; 16], i64)>> {
    let mut st = c.prepare("SELECT device_id, nonce, expires_ms FROM nonces WHERE expires_ms > ?1")?;
    let rows = st.query_map([now], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (d, n, e) = r?;
        if let Ok(n) = <[u8; 16]>::try_from(n.as_slice()) {
            out.push((d, n, e));
        }
    }
    Ok(out)
}

pub fn is_erased(c: &Connection, share_ref: &[u8; 32]) -> DbResult<bool> {
    Ok(c.prepare_cached("SELECT 1 FROM erased WHERE share_ref = ?1")?
        .query_row([&share_ref[..]], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn create_share(c: &Connection, s: &ShareRow) -> DbResult<()> {
    if c.prepare_cached("SELECT 1 FROM shares WHERE id = ?1")?.query_row([&s.id[..]], |_| Ok(())).optional()?.is_some()
    {
        return Err(DbError::Conflict("share"));
    }
    c.prepare_cached(
        "INSERT INTO shares (id, device_id, clinician_id, wrapped_key, created_ms, recipient_may_append)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        &s.id[..],
        s.device_id,
        s.clinician_id,
        s.wrapped_key,
        s.created_ms,
        s.recipient_may_append
    ])?;
    Ok(())
}

fn share_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Vec<u8>, ShareRow)> {
    Ok((
        r.get(0)?,
        ShareRow {
            id: [0; 16],
            device_id: r.get(1)?,
            clinician_id: r.get(2)?,
            wrapped_key: r.get(3)?,
            last_seq: to_u64(r.get(4)?),
            snapshot_covers: to_u64(r.get(5)?),
            created_ms: r.get(6)?,
            recipient_may_append: r.get(7)?,
        },
    ))
}

fn with_id((id, row): (Vec<u8>, ShareRow)) -> DbResult<ShareRow> {
    Ok(ShareRow { id: arr16(&id)?, ..row })
}

pub fn share(c: &Connection, id: &[u8; 16]) -> DbResult<Option<ShareRow>> {
    let row =
        c.prepare_cached(concat!(share_select!(), " WHERE s.id = ?1"))?.query_row([&id[..]], share_row).optional()?;
    row.map(with_id).transpose()
}

/// Which party's shares to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareParty {
    Device,
    Clinician,
}

pub fn shares_of(c: &Connection, party: ShareParty, id: &str) -> DbResult<Vec<ShareRow>> {
    let sql = match party {
        ShareParty::Device => concat!(share_select!(), " WHERE s.device_id = ?1 ORDER BY s.created_ms, s.id"),
        ShareParty::Clinician => concat!(share_select!(), " WHERE s.clinician_id = ?1 ORDER BY s.created_ms, s.id"),
    };
    let mut st = c.prepare_cached(sql)?;
    let rows: Vec<(Vec<u8>, ShareRow)> = st.query_map([id], share_row)?.collect::<Result<_, _>>()?;
    rows.into_iter().map(with_id).collect()
}

/// A share's last sequence number; `None`: no such share.
fn last_seq(c: &Connection, share: &[u8; 16]) -> DbResult<Option<u64>> {
    let last: Option<i64> = c
        .prepare_cached(concat!("SELECT ", last_seq_of_s!(), " FROM shares s WHERE s.id = ?1"))?
        .query_row([&share[..]], |r| r.get(0))
        .optional()?;
    Ok(last.map(to_u64))
}

pub fn append(
    c: &Connection,
    share: &[u8; 16],
    chunk: &[u8; 16],
    data: Vec<u8>,
    by: Writer,
) -> DbResult<AppendOutcome> {
    let existing: Option<i64> = c
        .prepare_cached("SELECT seq FROM chunks WHERE share_id = ?1 AND chunk_id = ?2")?
        .query_row(params![&share[..], &chunk[..]], |r| r.get(0))
        .optional()?;
    if let Some(seq) = existing {
        return Ok(AppendOutcome::Existing(to_u64(seq)));
    }
    let snap: Option<i64> = c
        .prepare_cached("SELECT covers FROM snapshots WHERE share_id = ?1 AND chunk_id = ?2")?
        .query_row(params![&share[..], &chunk[..]], |r| r.get(0))
        .optional()?;
    if let Some(cov) = snap {
        return Ok(AppendOutcome::Existing(to_u64(cov)));
    }
    let Some(last) = last_seq(c, share)? else { return Ok(AppendOutcome::NoShare) };
    let seq = last + 1;
    c.prepare_cached("INSERT INTO chunks (share_id, seq, chunk_id, data, by_recipient) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![&share[..], to_i64(seq), &chunk[..], data, by == Writer::Recipient])?;
    Ok(AppendOutcome::Stored(seq))
}

pub fn pull(c: &Connection, share: &[u8; 16], after: u64, limit: u32) -> DbResult<Pulled> {
    let Some(last) = last_seq(c, share)? else { return Ok(Pulled::default()) };
    let snap: Option<(i64, Vec<u8>)> = c
        .prepare_cached("SELECT covers, data FROM snapshots WHERE share_id = ?1")?
        .query_row([&share[..]], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let mut out = Pulled { last_seq: last, ..Default::default() };
    let mut from = after;
    if let Some((cov, data)) = snap {
        if after < to_u64(cov) {
            out.snapshot = Some((to_u64(cov), data));
            from = to_u64(cov);
        }
    }
    let base = out.snapshot.as_ref().map(|(_, d)| d.len()).unwrap_or(0);
    let page = chunks_after(c, share, from, limit, base)?;
    (out.chunks, out.more) = (page.chunks, page.more);
    Ok(out)
}

/// One page of a pull: chunks in `seq` order, and whether more remain.
struct Page {
    chunks: Vec<PulledChunk>,
    more: bool,
}

/// Read chunks after `from`, stopping at `limit` chunks or the pull byte cap (`bytes` already
/// taken by the snapshot).
fn chunks_after(c: &Connection, share: &[u8; 16], from: u64, limit: u32, mut bytes: usize) -> DbResult<Page> {
    let mut st =
        c.prepare_cached("SELECT seq, data, by_recipient FROM chunks WHERE share_id = ?1 AND seq > ?2 ORDER BY seq")?;
    let mut rows = st.query(params![&share[..], to_i64(from)])?;
    let mut page = Page { chunks: Vec::new(), more: false };
    while let Some(r) = rows.next()? {
        if page.chunks.len() >= limit as usize {
            page.more = true;
            break;
        }
        let data: Vec<u8> = r.get(1)?;
        if !page.chunks.is_empty() && bytes + data.len() > MAX_PULL_BYTES {
            page.more = true;
            break;
        }
        bytes += data.len();
        let by = if r.get(2)? { Writer::Recipient } else { Writer::Owner };
        page.chunks.push(PulledChunk { seq: to_u64(r.get::<_, i64>(0)?), data, by });
    }
    Ok(page)
}

pub fn put_snapshot(c: &Connection, s: &NewSnapshot<'_>, data: Vec<u8>) -> DbResult<SnapshotOutcome> {
    let Some(last) = last_seq(c, s.share)? else { return Ok(SnapshotOutcome::NoShare) };
    let current: Option<(i64, Vec<u8>)> = c
        .prepare_cached("SELECT covers, chunk_id FROM snapshots WHERE share_id = ?1")?
        .query_row([&s.share[..]], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((_, id)) = &current {
        if id.as_slice() == s.chunk_id {
            return Ok(SnapshotOutcome::Existing);
        }
    }
    let cur_cov = current.map(|(c, _)| to_u64(c)).unwrap_or(0);
    if s.covers > last || s.covers <= cur_cov {
        return Ok(SnapshotOutcome::Stale);
    }
    let freed = stored_bytes(
        c,
        "SELECT (SELECT COALESCE(sum(length(data)), 0) FROM snapshots WHERE share_id = ?1)
              + (SELECT COALESCE(sum(length(data)), 0) FROM chunks WHERE share_id = ?1 AND seq <= ?2)",
        params![&s.share[..], to_i64(s.covers)],
    )?;
    c.prepare_cached("INSERT OR REPLACE INTO snapshots (share_id, covers, chunk_id, data) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![&s.share[..], to_i64(s.covers), &s.chunk_id[..], data])?;
    let removed = c
        .prepare_cached("DELETE FROM chunks WHERE share_id = ?1 AND seq <= ?2")?
        .execute(params![&s.share[..], to_i64(s.covers)])?;
    Ok(SnapshotOutcome::Stored { removed: removed as u64, freed })
}

/// A byte count computed by `sql` (a sum of stored lengths).
fn stored_bytes(c: &Connection, sql: &str, p: impl rusqlite::Params) -> DbResult<u64> {
    Ok(to_u64(c.prepare_cached(sql)?.query_row(p, |r| r.get(0))?))
}

/// The bytes of a share's chunks and snapshot.
fn share_bytes(c: &Connection, share: &[u8]) -> DbResult<u64> {
    stored_bytes(
        c,
        "SELECT (SELECT COALESCE(sum(length(data)), 0) FROM chunks WHERE share_id = ?1)
              + (SELECT COALESCE(sum(length(data)), 0) FROM snapshots WHERE share_id = ?1)",
        [share],
    )
}

/// Delete a share's chunks, snapshot and row (its wrapped key).
fn delete_share(c: &Connection, share: &[u8]) -> DbResult<()> {
    c.prepare_cached("DELETE FROM chunks WHERE share_id = ?1")?.execute([share])?;
    c.prepare_cached("DELETE FROM snapshots WHERE share_id = ?1")?.execute([share])?;
    c.prepare_cached("DELETE FROM shares WHERE id = ?1")?.execute([share])?;
    Ok(())
}

pub fn erase(c: &Connection, share_ref: &[u8; 32], t: &Tombstone) -> DbResult<Freed> {
    let exists =
        c.prepare_cached("SELECT 1 FROM shares WHERE id = ?1")?.query_row([&t.share_id[..]], |_| Ok(())).optional()?;
    let freed = match exists {
        Some(()) => Freed { bytes: share_bytes(c, &t.share_id)?, shares: 1 },
        None => Freed::default(),
    };
    delete_share(c, &t.share_id)?;
    c.prepare_cached("INSERT OR IGNORE INTO erased (share_ref, erased_ms) VALUES (?1, ?2)")?
        .execute(params![&share_ref[..], t.erased_ms])?;
    c.prepare_cached("DELETE FROM audit WHERE share_ref = ?1")?.execute([&share_ref[..]])?;
    if exists.is_some() {
        c.prepare_cached(
            "INSERT OR IGNORE INTO tombstones (share_id, device_id, clinician_id, erased_ms) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![&t.share_id[..], t.device_id, t.clinician_id, t.erased_ms])?;
    }
    Ok(freed)
}

/// Which party's tombstones to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TombstoneParty {
    Device,
    Clinician,
}

pub fn tombstones_of(c: &Connection, party: TombstoneParty, id: &str) -> DbResult<Vec<Tombstone>> {
    let sql = match party {
        TombstoneParty::Device => {
            "SELECT share_id, device_id, clinician_id, erased_ms FROM tombstones WHERE device_id = ?1
             ORDER BY erased_ms, share_id"
        }
        TombstoneParty::Clinician => {
            "SELECT share_id, device_id, clinician_id, erased_ms FROM tombstones WHERE clinician_id = ?1
             ORDER BY erased_ms, share_id"
        }
    };
    let mut st = c.prepare_cached(sql)?;
    let rows = st.query_map([id], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            Tombstone { share_id: [0; 16], device_id: r.get(1)?, clinician_id: r.get(2)?, erased_ms: r.get(3)? },
        ))
    })?;
    rows.map(|r| {
        let (id, t) = r?;
        Ok(Tombstone { share_id: arr16(&id)?, ..t })
    })
    .collect()
}

pub fn usage(c: &Connection, of: UsageOf<'_>) -> DbResult<Usage> {
    let (sql, id) = match of {
        UsageOf::Device(d) => (
            "SELECT (SELECT COALESCE(sum(length(c.data)), 0) FROM shares s JOIN chunks c ON c.share_id = s.id
                     WHERE s.device_id = ?1)
                  + (SELECT COALESCE(sum(length(n.data)), 0) FROM shares s JOIN snapshots n ON n.share_id = s.id
                     WHERE s.device_id = ?1),
                    (SELECT count(*) FROM shares WHERE device_id = ?1)",
            d,
        ),
        UsageOf::Clinic(k) => (
            "SELECT (SELECT COALESCE(sum(length(c.data)), 0) FROM clinicians k JOIN shares s ON s.clinician_id = k.id
                     JOIN chunks c ON c.share_id = s.id WHERE k.clinic_id = ?1)
                  + (SELECT COALESCE(sum(length(n.data)), 0) FROM clinicians k JOIN shares s ON s.clinician_id = k.id
                     JOIN snapshots n ON n.share_id = s.id WHERE k.clinic_id = ?1),
                    (SELECT count(*) FROM clinicians k JOIN shares s ON s.clinician_id = k.id WHERE k.clinic_id = ?1)",
            k,
        ),
    };
    Ok(c.prepare_cached(sql)?.query_row([id], |r| Ok(Usage { bytes: to_u64(r.get(0)?), shares: to_u64(r.get(1)?) }))?)
}

pub fn unpair(c: &Connection, u: &Unpairing<'_>) -> DbResult<UnpairOutcome> {
    let mut st = c.prepare_cached("SELECT id FROM shares WHERE device_id = ?1 ORDER BY id")?;
    let now: Vec<Vec<u8>> = st.query_map([u.device_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut given: Vec<&[u8]> = u.shares.iter().map(|s| &s[..]).collect();
    given.sort();
    if now.iter().map(Vec::as_slice).ne(given.iter().copied()) {
        return Ok(UnpairOutcome::Changed);
    }
    let mut freed = Freed::default();
    for share in &now {
        freed.bytes += share_bytes(c, share)?;
        freed.shares += 1;
        delete_share(c, share)?;
    }
    for r in u.share_refs {
        c.prepare_cached("DELETE FROM erased WHERE share_ref = ?1")?.execute([&r[..]])?;
    }
    // One pass over the audit table for the rows the device made and those naming its shares.
    let names: Vec<String> = (0..u.share_refs.len()).map(|i| format!("?{}", i + 2)).collect();
    let sql = format!("DELETE FROM audit WHERE actor = ?1 OR share_ref IN ({})", names.join(", "));
    let actor = format!("device:{}", u.device_id);
    let refs = u.share_refs.iter().map(|r| rusqlite::types::Value::Blob(r.to_vec()));
    c.prepare(&sql)?
        .execute(rusqlite::params_from_iter(std::iter::once(rusqlite::types::Value::Text(actor)).chain(refs)))?;
    for sql in [
        "DELETE FROM tombstones WHERE device_id = ?1",
        "DELETE FROM pairings WHERE device_id = ?1",
        "DELETE FROM nonces WHERE device_id = ?1",
        "DELETE FROM devices WHERE id = ?1",
    ] {
        c.prepare_cached(sql)?.execute([u.device_id])?;
    }
    Ok(UnpairOutcome::Done(freed))
}

pub fn audit(c: &Connection, entries: Vec<AuditEntry>) -> DbResult<()> {
    let mut st = c.prepare_cached(
        "INSERT INTO audit (at_ms, actor, action, share_ref, status) SELECT ?1, ?2, ?3, ?4, ?5
         WHERE ?4 IS NULL OR NOT EXISTS (SELECT 1 FROM erased WHERE share_ref = ?4)",
    )?;
    for e in entries {
        st.execute(params![e.at_ms, e.actor, e.action, e.share_ref.map(|r| r.to_vec()), e.status])?;
    }
    Ok(())
}

pub fn purge_history(c: &Connection, audit_before: i64, tombstones_before: i64) -> DbResult<Purged> {
    // Rows naming a share erased meanwhile, should any have slipped past the erasure.
    let audit = c.prepare_cached(
        "DELETE FROM audit WHERE at_ms < ?1 OR (share_ref IS NOT NULL AND share_ref IN (SELECT share_ref FROM erased))",
    )?
    .execute([audit_before])?;
    let tombstones = c.prepare_cached("DELETE FROM tombstones WHERE erased_ms < ?1")?.execute([tombstones_before])?;
    Ok(Purged { audit: audit as u64, tombstones: tombstones as u64 })
}

pub fn purge_expired(c: &Connection, now: i64) -> DbResult<()> {
    c.prepare_cached("DELETE FROM nonces WHERE expires_ms <= ?1")?.execute([now])?;
    c.prepare_cached("DELETE FROM sessions WHERE expires_ms <= ?1")?.execute([now])?;
    c.prepare_cached("DELETE FROM login_attempts WHERE expires_ms <= ?1")?.execute([now])?;
    c.prepare_cached("DELETE FROM login_tickets WHERE expires_ms <= ?1")?.execute([now])?;
    Ok(())
}

pub fn dump_tables(c: &Connection) -> DbResult<Vec<TableDump>> {
    let mut st = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
    let tables: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for table in tables {
        let mut q = c.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let n = q.column_count();
        let mut rows = q.query([])?;
        let mut values = Vec::new();
        while let Some(r) = rows.next()? {
            for i in 0..n {
                values.push(match r.get_ref(i)? {
                    ValueRef::Blob(b) => b.to_vec(),
                    ValueRef::Text(t) => t.to_vec(),
                    ValueRef::Integer(x) => x.to_string().into_bytes(),
                    ValueRef::Real(x) => x.to_string().into_bytes(),
                    ValueRef::Null => Vec::new(),
                });
            }
        }
        out.push(TableDump { table, values });
    }
    Ok(out)
}
