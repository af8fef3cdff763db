//! The PostgreSQL backend, for clinics that run several server processes on one database.
//!
//! Sequence numbers stay gap-free and unique across processes because an append assigns the
//! number with `UPDATE shares SET last_seq = last_seq + 1 ... RETURNING` inside the same
//! transaction as the chunk's insert: the row lock orders concurrent appends to one share, and
//! a rolled-back append gives its number back. A retried append (same chunk id) hits the
//! unique (share, chunk id) constraint and returns the stored number instead.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

mod migrations;

use super::{
    arr16, arr32, parse_kind, parse_scope, to_i64, to_u64, AppendOutcome, AuditEntry, ClientRow, ClinicianRow, DbError,
    DbResult, Freed, InviteKind, InviteRow, LegacyLogin, LoginAttempt, NewDevice, NewInvite, NewSnapshot, Pulled,
    PulledChunk, Purged, SessionRow, SessionScope, ShareRow, SnapshotOutcome, Storage, TableDump, Tombstone,
    UnpairOutcome, Unpairing, Usage, UsageOf, Writer,
};

pub struct PgDb {
    pool: Pool,
}

impl PgDb {
    /// Connect (`postgres://user:pass@host/db`) and create or upgrade the schema if needed.
    pub async fn connect(url: &str, max_connections: usize) -> DbResult<PgDb> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e: tokio_postgres::Error| DbError::Storage(e.to_string()))?;
        let mgr = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool =
            Pool::builder(mgr).max_size(max_connections.max(2)).build().map_err(|e| DbError::Storage(e.to_string()))?;
        let db = PgDb { pool };
        let mut client = db.pool.get().await?;
        migrations::prepare(&mut client).await?;
        drop(client);
        Ok(db)
    }

    async fn client(&self) -> DbResult<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }

    fn share_from(r: &tokio_postgres::Row) -> DbResult<ShareRow> {
        Ok(ShareRow {
            id: arr16(r.get::<_, &[u8]>(0))?,
            device_id: r.get(1),
            clinician_id: r.get(2),
            wrapped_key: r.get(3),
            last_seq: to_u64(r.get(4)),
            snapshot_covers: to_u64(r.get(5)),
            created_ms: r.get(6),
            recipient_may_append: r.get(7),
        })
    }

    const SHARE_COLUMNS: &'static str =
        "SELECT s.id, s.device_id, s.clinician_id, s.wrapped_key, s.last_seq, COALESCE(n.covers, 0), s.created_ms,
                s.recipient_may_append
         FROM shares s LEFT JOIN snapshots n ON n.share_id = s.id";

    fn tombstone_from(r: &tokio_postgres::Row) -> DbResult<Tombstone> {
        Ok(Tombstone {
            share_id: arr16(r.get::<_, &[u8]>(0))?,
            device_id: r.get(1),
            clinician_id: r.get(2),
            erased_ms: r.get(3),
        })
    }

    async fn tombstones_where(&self, column: &'static str, value: &str) -> DbResult<Vec<Tombstone>> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!(
                    "SELECT share_id, device_id, clinician_id, erased_ms FROM tombstones WHERE {column} = $1
                     ORDER BY erased_ms, share_id"
                ),
                &[&value],
            )
            .await?;
        rows.iter().map(Self::tombstone_from).collect()
    }

    async fn shares_where(&self, column: &'static str, value: &str) -> DbResult<Vec<ShareRow>> {
        let c = self.client().await?;
        let rows = c
            .query(&format!("{} WHERE s.{column} = $1 ORDER BY s.created_ms, s.id", Self::SHARE_COLUMNS), &[&value])
            .await?;
        rows.iter().map(Self::share_from).collect()
    }

    async fn clinician_by(&self, column: &'static str, value: &str) -> DbResult<Option<ClinicianRow>> {
        let c = self.client().await?;
        let sql = format!(
            "SELECT id, clinic_id, email, display_name, public_key, wrapped_private_key, opaque_record
             FROM clinicians WHERE {column} = $1"
        );
        let row = c.query_opt(&sql, &[&value]).await?;
        Ok(row.map(|r| ClinicianRow {
            id: r.get(0),
            clinic_id: r.get(1),
            email: r.get(2),
            display_name: r.get(3),
            public_key: r.get(4),
            wrapped_private_key: r.get(5),
            opaque_record: r.get(6),
        }))
    }
}

#[async_trait::async_trait]
impl Storage for PgDb {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn shared_by_processes(&self) -> bool {
        true
    }

    async fn server_value(&self, name: &'static str, fresh: Vec<u8>) -> DbResult<Vec<u8>> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO server_config (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&name, &fresh],
        )
        .await?;
        Ok(c.query_one("SELECT value FROM server_config WHERE name = $1", &[&name]).await?.get(0))
    }

    async fn create_clinic(&self, id: &str, name: &str, now: i64) -> DbResult<()> {
        let c = self.client().await?;
        c.execute("INSERT INTO clinics (id, name, created_ms) VALUES ($1, $2, $3)", &[&id, &name, &now]).await?;
        Ok(())
    }

    async fn clinic_exists(&self, id: &str) -> DbResult<bool> {
        let c = self.client().await?;
        Ok(c.query_opt("SELECT 1 FROM clinics WHERE id = $1", &[&id]).await?.is_some())
    }

    async fn create_invite(&self, i: &NewInvite<'_>) -> DbResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO invites (token_hash, kind, clinic_id, clinician_id, created_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&&i.token_hash[..], &i.kind.as_str(), &i.clinic_id, &i.clinician_id, &i.created_ms, &i.expires_ms],
        )
        .await?;
        Ok(())
    }

    async fn peek_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT clinic_id, clinician_id FROM invites
                 WHERE token_hash = $1 AND kind = $2 AND used_ms IS NULL AND expires_ms > $3",
                &[&&token_hash[..], &kind.as_str(), &now],
            )
            .await?;
        Ok(row.map(|r| InviteRow { kind, clinic_id: r.get(0), clinician_id: r.get(1) }))
    }

    async fn take_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "UPDATE invites SET used_ms = $3 WHERE token_hash = $1 AND kind = $2 AND used_ms IS NULL AND expires_ms > $3
                 RETURNING kind, clinic_id, clinician_id",
                &[&&token_hash[..], &kind.as_str(), &now],
            )
            .await?;
        row.map(|r| {
            Ok(InviteRow { kind: parse_kind(r.get::<_, &str>(0))?, clinic_id: r.get(1), clinician_id: r.get(2) })
        })
        .transpose()
    }

    async fn create_clinician(&self, r: &ClinicianRow, now: i64) -> DbResult<()> {
        let c = self.client().await?;
        let res = c
            .execute(
                "INSERT INTO clinicians (id, clinic_id, email, display_name, public_key, wrapped_private_key, opaque_record,
                   created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[&r.id, &r.clinic_id, &r.email, &r.display_name, &r.public_key, &r.wrapped_private_key, &r.opaque_record, &now],
            )
            .await;
        match res.map_err(DbError::from) {
            Err(DbError::Conflict(_)) => Err(DbError::Conflict("email")),
            Err(e) => Err(e),
            Ok(_) => Ok(()),
        }
    }

    async fn legacy_login(&self, clinician_id: &str) -> DbResult<Option<LegacyLogin>> {
        let c = self.client().await?;
        let r = c
            .query_opt(
                "SELECT salt, iterations, auth_hash FROM legacy_logins WHERE clinician_id = $1",
                &[&clinician_id],
            )
            .await?;
        Ok(r.map(|r| LegacyLogin {
            salt: r.get(0),
            iterations: u32::try_from(r.get::<_, i64>(1)).unwrap_or(0),
            auth_hash: r.get(2),
        }))
    }

    async fn complete_upgrade(&self, clinician_id: &str, record: &[u8], wrapped: &[u8]) -> DbResult<bool> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        if tx.execute("DELETE FROM legacy_logins WHERE clinician_id = $1", &[&clinician_id]).await? == 0 {
            return Ok(false);
        }
        tx.execute(
            "UPDATE clinicians SET opaque_record = $2, wrapped_private_key = $3 WHERE id = $1",
            &[&clinician_id, &record, &wrapped],
        )
        .await?;
        tx.execute(
            "DELETE FROM sessions WHERE clinician_id = $1 AND scope = $2",
            &[&clinician_id, &SessionScope::Upgrade.as_str()],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn put_login_attempt(&self, id_hash: &[u8; 32], a: &LoginAttempt, expires: i64) -> DbResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO login_attempts (id, email, state, expires_ms) VALUES ($1, $2, $3, $4)",
            &[&&id_hash[..], &a.email, &a.state, &expires],
        )
        .await?;
        Ok(())
    }

    async fn take_login_attempt(&self, id_hash: &[u8; 32], now: i64) -> DbResult<Option<LoginAttempt>> {
        let c = self.client().await?;
        let r = c
            .query_opt("DELETE FROM login_attempts WHERE id = $1 RETURNING email, state, expires_ms", &[&&id_hash[..]])
            .await?;
        Ok(r.filter(|r| r.get::<_, i64>(2) > now).map(|r| LoginAttempt { email: r.get(0), state: r.get(1) }))
    }

    async fn create_ticket(&self, token_hash: &[u8; 32], clinician_id: &str, expires: i64) -> DbResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO login_tickets (token_hash, clinician_id, expires_ms) VALUES ($1, $2, $3)",
            &[&&token_hash[..], &clinician_id, &expires],
        )
        .await?;
        Ok(())
    }

    async fn ticket_owner(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<String>> {
        let c = self.client().await?;
        let r = c
            .query_opt(
                "SELECT clinician_id FROM login_tickets WHERE token_hash = $1 AND expires_ms > $2",
                &[&&token_hash[..], &now],
            )
            .await?;
        Ok(r.map(|r| r.get(0)))
    }

    async fn create_session(&self, token_hash: &[u8; 32], s: &SessionRow, expires: i64) -> DbResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO sessions (token_hash, clinician_id, expires_ms, scope) VALUES ($1, $2, $3, $4)",
            &[&&token_hash[..], &s.clinician_id, &expires, &s.scope.as_str()],
        )
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<SessionRow>> {
        let c = self.client().await?;
        let r = c
            .query_opt(
                "SELECT clinician_id, scope FROM sessions WHERE token_hash = $1 AND expires_ms > $2",
                &[&&token_hash[..], &now],
            )
            .await?;
        r.map(|r| Ok(SessionRow { clinician_id: r.get(0), scope: parse_scope(r.get(1))? })).transpose()
    }

    async fn delete_session(&self, token_hash: &[u8; 32]) -> DbResult<()> {
        let c = self.client().await?;
        c.execute("DELETE FROM sessions WHERE token_hash = $1", &[&&token_hash[..]]).await?;
        Ok(())
    }

    async fn register_device(&self, d: &NewDevice<'_>) -> DbResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(
            "INSERT INTO devices (id, public_key, created_ms) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            &[&d.id, &&d.public_key[..], &d.now],
        )
        .await?;
        let stored = tx.query_one("SELECT public_key FROM devices WHERE id = $1", &[&d.id]).await?;
        if stored.get::<_, &[u8]>(0) != &d.public_key[..] {
            return Err(DbError::Conflict("device"));
        }
        tx.execute(
            "INSERT INTO pairings (device_id, clinician_id, created_ms, label) VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id, clinician_id) DO UPDATE SET label = COALESCE(EXCLUDED.label, pairings.label)",
            &[&d.id, &d.clinician_id, &d.now, &d.label],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn device_key(&self, id: &str) -> DbResult<Option<[u8; 32]>> {
        let c = self.client().await?;
        let r = c.query_opt("SELECT public_key FROM devices WHERE id = $1", &[&id]).await?;
        r.map(|r| arr32(r.get::<_, &[u8]>(0))).transpose()
    }

    async fn is_paired(&self, device_id: &str, clinician_id: &str) -> DbResult<bool> {
        let c = self.client().await?;
        Ok(c.query_opt(
            "SELECT 1 FROM pairings WHERE device_id = $1 AND clinician_id = $2",
            &[&device_id, &clinician_id],
        )
        .await?
        .is_some())
    }

    async fn set_label(&self, device_id: &str, clinician_id: &str, label: Option<Vec<u8>>) -> DbResult<bool> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE pairings SET label = $3 WHERE device_id = $1 AND clinician_id = $2",
                &[&device_id, &clinician_id, &label],
            )
            .await?;
        Ok(n == 1)
    }

    async fn clients_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ClientRow>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT device_id, created_ms, label FROM pairings WHERE clinician_id = $1 ORDER BY created_ms, device_id",
                &[&clinician_id],
            )
            .await?;
        Ok(rows.iter().map(|r| ClientRow { device_id: r.get(0), paired_ms: r.get(1), label: r.get(2) }).collect())
    }

    async fn unpair(&self, u: &Unpairing<'_>) -> DbResult<UnpairOutcome> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // The device row locked first: a concurrent create or erase of its shares waits for us.
        tx.query_opt("SELECT 1 FROM devices WHERE id = $1 FOR UPDATE", &[&u.device_id]).await?;
        let rows =
            tx.query("SELECT id FROM shares WHERE device_id = $1 ORDER BY id FOR UPDATE", &[&u.device_id]).await?;
        let now: Vec<Vec<u8>> = rows.iter().map(|r| r.get(0)).collect();
        let mut given: Vec<&[u8]> = u.shares.iter().map(|s| &s[..]).collect();
        given.sort();
        if now.iter().map(Vec::as_slice).ne(given.iter().copied()) {
            return Ok(UnpairOutcome::Changed);
        }
        let bytes: i64 = tx
            .query_one(
                "SELECT COALESCE((SELECT sum(length(c.data)) FROM shares s JOIN chunks c ON c.share_id = s.id WHERE s.device_id = $1), 0)::BIGINT
                      + COALESCE((SELECT sum(length(n.data)) FROM shares s JOIN snapshots n ON n.share_id = s.id WHERE s.device_id = $1), 0)::BIGINT",
                &[&u.device_id],
            )
            .await?
            .get(0);
        let shares: Vec<&[u8]> = now.iter().map(Vec::as_slice).collect();
        tx.execute("DELETE FROM chunks WHERE share_id = ANY($1)", &[&shares]).await?;
        tx.execute("DELETE FROM snapshots WHERE share_id = ANY($1)", &[&shares]).await?;
        tx.execute("DELETE FROM shares WHERE device_id = $1", &[&u.device_id]).await?;
        let refs: Vec<&[u8]> = u.share_refs.iter().map(|r| &r[..]).collect();
        tx.execute("DELETE FROM erased WHERE share_ref = ANY($1)", &[&refs]).await?;
        tx.execute(
            "DELETE FROM audit WHERE actor = $1 OR share_ref = ANY($2)",
            &[&format!("device:{}", u.device_id), &refs],
        )
        .await?;
        for sql in [
            "DELETE FROM tombstones WHERE device_id = $1",
            "DELETE FROM pairings WHERE device_id = $1",
            "DELETE FROM nonces WHERE device_id = $1",
            "DELETE FROM devices WHERE id = $1",
        ] {
            tx.execute(sql, &[&u.device_id]).await?;
        }
        tx.commit().await?;
        Ok(UnpairOutcome::Done(Freed { bytes: to_u64(bytes), shares: now.len() as u64 }))
    }

    async fn use_nonce(&self, device_id: &str, nonce: &[u8; 16], now: i64, expires: i64) -> DbResult<bool> {
        let c = self.client().await?;
        // Insert, or take over an expired row; a live row means a replay.
        let st = c
            .prepare_cached(
                "INSERT INTO nonces (device_id, nonce, expires_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (device_id, nonce) DO UPDATE SET expires_ms = EXCLUDED.expires_ms WHERE nonces.expires_ms <= $4",
            )
            .await?;
        let n = c.execute(&st, &[&device_id, &&nonce[..], &expires, &now]).await?;
        Ok(n == 1)
    }

    async fn is_erased(&self, share_ref: &[u8; 32]) -> DbResult<bool> {
        let c = self.client().await?;
        Ok(c.query_opt("SELECT 1 FROM erased WHERE share_ref = $1", &[&&share_ref[..]]).await?.is_some())
    }

    async fn create_share(&self, s: &ShareRow) -> DbResult<()> {
        let c = self.client().await?;
        let r = c
            .execute(
                    "INSERT INTO shares (id, device_id, clinician_id, wrapped_key, last_seq, created_ms, recipient_may_append)
                 VALUES ($1, $2, $3, $4, 0, $5, $6)",
                &[&&s.id[..], &s.device_id, &s.clinician_id, &s.wrapped_key, &s.created_ms, &s.recipient_may_append],
            )
            .await;
        match r.map_err(DbError::from) {
            Err(DbError::Conflict(_)) => Err(DbError::Conflict("share")),
            Err(e) => Err(e),
            Ok(_) => Ok(()),
        }
    }

    async fn clinician_by_email(&self, email: &str) -> DbResult<Option<ClinicianRow>> {
        self.clinician_by("email", email).await
    }

    async fn clinician_by_id(&self, id: &str) -> DbResult<Option<ClinicianRow>> {
        self.clinician_by("id", id).await
    }

    async fn shares_of_device(&self, device_id: &str) -> DbResult<Vec<ShareRow>> {
        self.shares_where("device_id", device_id).await
    }

    async fn shares_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ShareRow>> {
        self.shares_where("clinician_id", clinician_id).await
    }

    async fn share(&self, id: &[u8; 16]) -> DbResult<Option<ShareRow>> {
        let c = self.client().await?;
        let r = c.query_opt(&format!("{} WHERE s.id = $1", Self::SHARE_COLUMNS), &[&&id[..]]).await?;
        r.as_ref().map(Self::share_from).transpose()
    }

    async fn append(
        &self,
        share: &[u8; 16],
        chunk_id: &[u8; 16],
        data: Vec<u8>,
        by: Writer,
    ) -> DbResult<AppendOutcome> {
        let mut c = self.client().await?;
        let find = c.prepare_cached("SELECT seq FROM chunks WHERE share_id = $1 AND chunk_id = $2").await?;
        let existing = c.query_opt(&find, &[&&share[..], &&chunk_id[..]]).await?;
        if let Some(r) = existing {
            return Ok(AppendOutcome::Existing(to_u64(r.get(0))));
        }
        let tx = c.transaction().await?;
        let bump =
            tx.prepare_cached("UPDATE shares SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq").await?;
        let seq = tx.query_opt(&bump, &[&&share[..]]).await?;
        let Some(seq) = seq.map(|r| r.get::<_, i64>(0)) else {
            return Ok(AppendOutcome::NoShare);
        };
        let insert = tx
            .prepare_cached(
                "INSERT INTO chunks (share_id, seq, chunk_id, data, by_recipient) VALUES ($1, $2, $3, $4, $5)",
            )
            .await?;
        let ins = tx.execute(&insert, &[&&share[..], &seq, &&chunk_id[..], &data, &(by == Writer::Recipient)]).await;
        match ins.map_err(DbError::from) {
            Ok(_) => {
                tx.commit().await?;
                Ok(AppendOutcome::Stored(to_u64(seq)))
            }
            Err(DbError::Conflict(_)) => {
                // The same chunk was appended concurrently: give the number back, report theirs.
                drop(tx);
                let r = c.query_one(&find, &[&&share[..], &&chunk_id[..]]).await?;
                Ok(AppendOutcome::Existing(to_u64(r.get(0))))
            }
            Err(e) => Err(e),
        }
    }

    async fn pull(&self, share: &[u8; 16], after: u64, limit: u32) -> DbResult<Pulled> {
        let mut c = self.client().await?;
        // One snapshot-consistent view of the share.
        let tx = c
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let last_seq = tx.prepare_cached("SELECT last_seq FROM shares WHERE id = $1").await?;
        let Some(last) = tx.query_opt(&last_seq, &[&&share[..]]).await? else {
            return Ok(Pulled::default());
        };
        let mut out = Pulled { last_seq: to_u64(last.get(0)), ..Default::default() };
        let mut from = after;
        let snap = tx.prepare_cached("SELECT covers, data FROM snapshots WHERE share_id = $1").await?;
        if let Some(s) = tx.query_opt(&snap, &[&&share[..]]).await? {
            let cov = to_u64(s.get(0));
            if after < cov {
                out.snapshot = Some((cov, s.get(1)));
                from = cov;
            }
        }
        let chunks = tx
            .prepare_cached(
                "SELECT seq, data, by_recipient FROM chunks WHERE share_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .await?;
        let rows = tx.query(&chunks, &[&&share[..], &to_i64(from), &(i64::from(limit) + 1)]).await?;
        let mut bytes = out.snapshot.as_ref().map(|(_, d)| d.len()).unwrap_or(0);
        for r in rows {
            let data: Vec<u8> = r.get(1);
            if !out.chunks.is_empty() && bytes + data.len() > super::MAX_PULL_BYTES {
                out.more = true;
                break;
            }
            bytes += data.len();
            let by = if r.get(2) { Writer::Recipient } else { Writer::Owner };
            out.chunks.push(PulledChunk { seq: to_u64(r.get(0)), data, by });
        }
        if out.chunks.len() > limit as usize {
            out.chunks.truncate(limit as usize);
            out.more = true;
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn put_snapshot(&self, s: NewSnapshot<'_>, data: Vec<u8>) -> DbResult<SnapshotOutcome> {
        let NewSnapshot { share, covers, chunk_id } = s;
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let Some(last) = tx.query_opt("SELECT last_seq FROM shares WHERE id = $1 FOR UPDATE", &[&&share[..]]).await?
        else {
            return Ok(SnapshotOutcome::NoShare);
        };
        let last = to_u64(last.get(0));
        let current =
            tx.query_opt("SELECT covers, chunk_id FROM snapshots WHERE share_id = $1", &[&&share[..]]).await?;
        if let Some(r) = &current {
            if r.get::<_, &[u8]>(1) == &chunk_id[..] {
                return Ok(SnapshotOutcome::Existing);
            }
        }
        let cur_cov = current.map(|r| to_u64(r.get(0))).unwrap_or(0);
        if covers > last || covers <= cur_cov {
            return Ok(SnapshotOutcome::Stale);
        }
        let freed: i64 = tx
            .query_one(
                "SELECT COALESCE((SELECT sum(length(data)) FROM snapshots WHERE share_id = $1), 0)::BIGINT
                      + COALESCE((SELECT sum(length(data)) FROM chunks WHERE share_id = $1 AND seq <= $2), 0)::BIGINT",
                &[&&share[..], &to_i64(covers)],
            )
            .await?
            .get(0);
        tx.execute(
            "INSERT INTO snapshots (share_id, covers, chunk_id, data) VALUES ($1, $2, $3, $4)
             ON CONFLICT (share_id) DO UPDATE SET covers = EXCLUDED.covers, chunk_id = EXCLUDED.chunk_id, data = EXCLUDED.data",
            &[&&share[..], &to_i64(covers), &&chunk_id[..], &data],
        )
        .await?;
        let removed =
            tx.execute("DELETE FROM chunks WHERE share_id = $1 AND seq <= $2", &[&&share[..], &to_i64(covers)]).await?;
        tx.commit().await?;
        Ok(SnapshotOutcome::Stored { removed, freed: to_u64(freed) })
    }

    async fn erase(&self, share_ref: &[u8; 32], t: &Tombstone) -> DbResult<Freed> {
        let share = &t.share_id[..];
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let found = tx.query_opt("SELECT 1 FROM shares WHERE id = $1 FOR UPDATE", &[&share]).await?;
        let bytes: i64 = tx
            .query_one(
                "SELECT COALESCE((SELECT sum(length(data)) FROM chunks WHERE share_id = $1), 0)::BIGINT
                      + COALESCE((SELECT sum(length(data)) FROM snapshots WHERE share_id = $1), 0)::BIGINT",
                &[&share],
            )
            .await?
            .get(0);
        tx.execute("DELETE FROM chunks WHERE share_id = $1", &[&share]).await?;
        tx.execute("DELETE FROM snapshots WHERE share_id = $1", &[&share]).await?;
        tx.execute("DELETE FROM shares WHERE id = $1", &[&share]).await?;
        tx.execute(
            "INSERT INTO erased (share_ref, erased_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&&share_ref[..], &t.erased_ms],
        )
        .await?;
        tx.execute("DELETE FROM audit WHERE share_ref = $1", &[&&share_ref[..]]).await?;
        if found.is_some() {
            tx.execute(
                "INSERT INTO tombstones (share_id, device_id, clinician_id, erased_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&share, &t.device_id, &t.clinician_id, &t.erased_ms],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(match found {
            Some(_) => Freed { bytes: to_u64(bytes), shares: 1 },
            None => Freed::default(),
        })
    }

    async fn tombstones_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<Tombstone>> {
        self.tombstones_where("clinician_id", clinician_id).await
    }

    async fn tombstones_of_device(&self, device_id: &str) -> DbResult<Vec<Tombstone>> {
        self.tombstones_where("device_id", device_id).await
    }

    async fn usage(&self, of: UsageOf<'_>) -> DbResult<Usage> {
        let c = self.client().await?;
        let (sql, id) = match of {
            UsageOf::Device(d) => (
                "SELECT COALESCE((SELECT sum(length(c.data)) FROM shares s JOIN chunks c ON c.share_id = s.id
                                  WHERE s.device_id = $1), 0)::BIGINT
                      + COALESCE((SELECT sum(length(n.data)) FROM shares s JOIN snapshots n ON n.share_id = s.id
                                  WHERE s.device_id = $1), 0)::BIGINT,
                        (SELECT count(*) FROM shares WHERE device_id = $1)",
                d,
            ),
            UsageOf::Clinic(k) => (
                "SELECT COALESCE((SELECT sum(length(c.data)) FROM clinicians k JOIN shares s ON s.clinician_id = k.id
                                  JOIN chunks c ON c.share_id = s.id WHERE k.clinic_id = $1), 0)::BIGINT
                      + COALESCE((SELECT sum(length(n.data)) FROM clinicians k JOIN shares s ON s.clinician_id = k.id
                                  JOIN snapshots n ON n.share_id = s.id WHERE k.clinic_id = $1), 0)::BIGINT,
                        (SELECT count(*) FROM clinicians k JOIN shares s ON s.clinician_id = k.id WHERE k.clinic_id = $1)",
                k,
            ),
        };
        let r = c.query_one(sql, &[&id]).await?;
        Ok(Usage { bytes: to_u64(r.get(0)), shares: to_u64(r.get(1)) })
    }

    async fn audit(&self, entries: Vec<AuditEntry>) -> DbResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let st = tx
            .prepare_cached(
                "INSERT INTO audit (at_ms, actor, action, share_ref, status) SELECT $1, $2, $3, $4, $5
                 WHERE $4::BYTEA IS NULL OR NOT EXISTS (SELECT 1 FROM erased WHERE share_ref = $4)",
            )
            .await?;
        for e in entries {
            let share_ref = e.share_ref.map(|r| r.to_vec());
            tx.execute(&st, &[&e.at_ms, &e.actor, &e.action, &share_ref, &i64::from(e.status)]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn purge_expired(&self, now: i64) -> DbResult<()> {
        let c = self.client().await?;
        c.execute("DELETE FROM nonces WHERE expires_ms <= $1", &[&now]).await?;
        c.execute("DELETE FROM sessions WHERE expires_ms <= $1", &[&now]).await?;
        c.execute("DELETE FROM login_attempts WHERE expires_ms <= $1", &[&now]).await?;
        c.execute("DELETE FROM login_tickets WHERE expires_ms <= $1", &[&now]).await?;
        Ok(())
    }

    async fn purge_history(&self, audit_before: i64, tombstones_before: i64) -> DbResult<Purged> {
        let c = self.client().await?;
        // Rows naming a share erased meanwhile, should any have slipped past the erasure.
        let audit = c
            .execute(
                "DELETE FROM audit WHERE at_ms < $1 OR share_ref IN (SELECT share_ref FROM erased)",
                &[&audit_before],
            )
            .await?;
        let tombstones = c.execute("DELETE FROM tombstones WHERE erased_ms < $1", &[&tombstones_before]).await?;
        Ok(Purged { audit, tombstones })
    }

    async fn dump_tables(&self) -> DbResult<Vec<TableDump>> {
        let c = self.client().await?;
        let tables = c
            .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1", &[])
            .await?;
        let mut out = Vec::new();
        for t in tables {
            let table: String = t.get(0);
            // Every column as text (bytea as hex), so a search sees each value.
            let rows = c.query(&format!("SELECT row_to_json(x)::text FROM \"{table}\" x"), &[]).await?;
            let values = rows.iter().map(|r| r.get::<_, String>(0).into_bytes()).collect();
            out.push(TableDump { table, values });
        }
        Ok(out)
    }
}
