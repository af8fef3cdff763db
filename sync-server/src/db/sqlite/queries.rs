//! Every query of the SQLite backend, as functions over a connection: writes run on the
//! writer thread (inside its batch's transaction), reads on a pooled reader. Statements come
//! from each connection's statement cache, so they are parsed once.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};

use crate::db::{
    arr16, arr32, parse_kind, parse_scope, to_i64, to_u64, AppendOutcome, AuditEntry, ClinicianRow, DbError, DbResult,
    InviteKind, InviteRow, LegacyLogin, LoginAttempt, NewInvite, NewSnapshot, Pulled, SessionRow, SessionScope,
    ShareRow, SnapshotOutcome, TableDump, MAX_PULL_BYTES,
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
            ", COALESCE(n.covers, 0), s.created_ms FROM shares s LEFT JOIN snapshots n ON n.share_id = s.id"
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

pub fn invite_is_open(c: &Connection, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<bool> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM invites WHERE token_hash = ?1 AND kind = ?2 AND used_ms IS NULL AND expires_ms > ?3",
    )?
    .query_row(params![&token_hash[..], kind.as_str(), now], |_| Ok(()))
    .optional()?
    .is_some())
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

pub fn register_device(c: &Connection, id: &str, public_key: &[u8; 32], clinician_id: &str, now: i64) -> DbResult<()> {
    let existing: Option<Vec<u8>> =
        c.prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    match existing {
        Some(k) if k != public_key => return Err(DbError::Conflict("device")),
        Some(_) => {}
        None => {
            c.prepare_cached("INSERT INTO devices (id, public_key, created_ms) VALUES (?1, ?2, ?3)")?
                .execute(params![id, &public_key[..], now])?;
        }
    }
    c.prepare_cached("INSERT OR IGNORE INTO pairings (device_id, clinician_id, created_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![id, clinician_id, now])?;
    Ok(())
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
        "INSERT INTO shares (id, device_id, clinician_id, wrapped_key, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![&s.id[..], s.device_id, s.clinician_id, s.wrapped_key, s.created_ms])?;
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

pub fn append(c: &Connection, share: &[u8; 16], chunk: &[u8; 16], data: Vec<u8>) -> DbResult<AppendOutcome> {
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
    c.prepare_cached("INSERT INTO chunks (share_id, seq, chunk_id, data) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![&share[..], to_i64(seq), &chunk[..], data])?;
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
    chunks: Vec<(u64, Vec<u8>)>,
    more: bool,
}

/// Read chunks after `from`, stopping at `limit` chunks or the pull byte cap (`bytes` already
/// taken by the snapshot).
fn chunks_after(c: &Connection, share: &[u8; 16], from: u64, limit: u32, mut bytes: usize) -> DbResult<Page> {
    let mut st = c.prepare_cached("SELECT seq, data FROM chunks WHERE share_id = ?1 AND seq > ?2 ORDER BY seq")?;
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
        page.chunks.push((to_u64(r.get::<_, i64>(0)?), data));
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
    c.prepare_cached("INSERT OR REPLACE INTO snapshots (share_id, covers, chunk_id, data) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![&s.share[..], to_i64(s.covers), &s.chunk_id[..], data])?;
    let removed = c
        .prepare_cached("DELETE FROM chunks WHERE share_id = ?1 AND seq <= ?2")?
        .execute(params![&s.share[..], to_i64(s.covers)])?;
    Ok(SnapshotOutcome::Stored { removed: removed as u64 })
}

pub fn erase(c: &Connection, share: &[u8; 16], share_ref: &[u8; 32], now: i64) -> DbResult<()> {
    c.prepare_cached("DELETE FROM chunks WHERE share_id = ?1")?.execute([&share[..]])?;
    c.prepare_cached("DELETE FROM snapshots WHERE share_id = ?1")?.execute([&share[..]])?;
    c.prepare_cached("DELETE FROM shares WHERE id = ?1")?.execute([&share[..]])?;
    c.prepare_cached("INSERT OR IGNORE INTO erased (share_ref, erased_ms) VALUES (?1, ?2)")?
        .execute(params![&share_ref[..], now])?;
    Ok(())
}

pub fn audit(c: &Connection, entries: Vec<AuditEntry>) -> DbResult<()> {
    let mut st =
        c.prepare_cached("INSERT INTO audit (at_ms, actor, action, share_ref, status) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for e in entries {
        st.execute(params![e.at_ms, e.actor, e.action, e.share_ref.map(|r| r.to_vec()), e.status])?;
    }
    Ok(())
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
