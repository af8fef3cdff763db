//! The PostgreSQL schema and its versions, recorded in a one-row `schema_version` table.
//!
//! A new database gets the current schema and its version in one transaction; an older one is
//! brought up one version at a time ([`upgrade_from`]) inside one transaction (PostgreSQL's DDL
//! is transactional: on any error nothing changes); a newer one is refused. Several processes
//! may start together, so the whole step runs under an advisory lock. A database made before
//! versions were recorded (it has the tables but no `schema_version`) is version 1. A test
//! checks that a database migrated from the frozen first schema ([`V1_SQL`]) has exactly the
//! layout of a new one.

use tokio_postgres::{Client, Transaction};

use crate::db::{DbError, DbResult};

/// The schema version this build writes.
pub const VERSION: i64 = 3;
/// The first schema, frozen: the starting point of every upgrade (tests build version-1
/// databases from it).
#[cfg(test)]
pub const V1_SQL: &str = include_str!("sql/v1.sql");
/// The current schema, for a new database.
pub const SCHEMA_SQL: &str = include_str!("sql/schema.sql");
/// Serialises schema work between processes starting together.
const ADVISORY_LOCK: i64 = 7_260_441;

/// Bring the database to [`VERSION`], or refuse with nothing changed.
pub async fn prepare(client: &mut Client) -> DbResult<()> {
    client.execute("SELECT pg_advisory_lock($1)", &[&ADVISORY_LOCK]).await?;
    let result = prepare_locked(client).await;
    client.execute("SELECT pg_advisory_unlock($1)", &[&ADVISORY_LOCK]).await?;
    result
}

async fn prepare_locked(client: &mut Client) -> DbResult<()> {
    let tx = client.transaction().await?;
    match stored_version(&tx).await? {
        None => {
            tx.batch_execute(SCHEMA_SQL).await?;
            record_version(&tx, VERSION, true).await?;
        }
        Some(v) if v > VERSION => {
            return Err(DbError::Storage(format!(
                "this database has schema version {v}, newer than this server knows ({VERSION}); \
                 run the companion-server that wrote it"
            )));
        }
        Some(v) => {
            let recorded = has_table(&tx, "schema_version").await?;
            for from in v..VERSION {
                upgrade_from(&tx, from).await?;
            }
            record_version(&tx, VERSION, !recorded).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The recorded version; 1 for tables made before versions were recorded; `None` when empty.
async fn stored_version(tx: &Transaction<'_>) -> DbResult<Option<i64>> {
    if has_table(tx, "schema_version").await? {
        let row = tx.query_one("SELECT version FROM schema_version", &[]).await?;
        return Ok(Some(row.get(0)));
    }
    Ok(has_table(tx, "shares").await?.then_some(1))
}

async fn has_table(tx: &Transaction<'_>, name: &str) -> DbResult<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
            &[&name],
        )
        .await?
        .is_some())
}

async fn record_version(tx: &Transaction<'_>, version: i64, create: bool) -> DbResult<()> {
    if create {
        tx.batch_execute("CREATE TABLE schema_version (version BIGINT NOT NULL)").await?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&version]).await?;
    } else {
        tx.execute("UPDATE schema_version SET version = $1", &[&version]).await?;
    }
    Ok(())
}

/// One step: from version `v` to `v + 1`.
async fn upgrade_from(tx: &Transaction<'_>, v: i64) -> DbResult<()> {
    match v {
        1 => Ok(tx.batch_execute(V1_TO_V2).await?),
        2 => Ok(tx.batch_execute(V2_TO_V3).await?),
        other => Err(DbError::Storage(format!("no upgrade from schema version {other}"))),
    }
}

/// Version 1 → 2: clinicians log in with OPAQUE. The version-1 verifier moves to
/// `legacy_logins` until each account's one-time upgrade; the failure counter and lock go
/// (login limits live in memory and never lock an account); sessions get a scope; OPAQUE
/// logins in flight and login tickets get tables.
const V1_TO_V2: &str = "
    CREATE TABLE legacy_logins (
        clinician_id TEXT PRIMARY KEY, salt BYTEA NOT NULL, iterations BIGINT NOT NULL, auth_hash BYTEA NOT NULL);
    INSERT INTO legacy_logins (clinician_id, salt, iterations, auth_hash)
        SELECT id, kdf_salt, kdf_iterations, auth_hash FROM clinicians;
    ALTER TABLE clinicians DROP COLUMN kdf_salt, DROP COLUMN kdf_iterations, DROP COLUMN auth_hash,
        DROP COLUMN failed_logins, DROP COLUMN locked_until_ms, ADD COLUMN opaque_record BYTEA;
    ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
    CREATE TABLE login_attempts (id BYTEA PRIMARY KEY, email TEXT NOT NULL, state BYTEA NOT NULL, expires_ms BIGINT NOT NULL);
    CREATE TABLE login_tickets (token_hash BYTEA PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms BIGINT NOT NULL);";

/// Version 2 → 3: who may write what, erasure notices, labels, retention. A share records
/// whether its owner let the recipient append (shares made before say no: their owners never
/// said yes), a chunk whether its recipient wrote it; pairings carry the client's sealed label;
/// tombstones tell recipients of erased shares; audit rows get an index on time for the
/// retention purge.
const V2_TO_V3: &str = "
    ALTER TABLE shares ADD COLUMN recipient_may_append BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE chunks ADD COLUMN by_recipient BOOLEAN NOT NULL DEFAULT FALSE;
    ALTER TABLE pairings ADD COLUMN label BYTEA;
    CREATE TABLE tombstones (
        share_id BYTEA PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, erased_ms BIGINT NOT NULL);
    CREATE INDEX tombstones_clinician ON tombstones (clinician_id);
    CREATE INDEX audit_time ON audit (at_ms);";

/// Every column (type, nullability, default) and index of the current schema, as text: the
/// layout, whatever statements produced it (for the "migrated equals new" test).
#[cfg(test)]
pub(super) async fn layout(client: &Client) -> Vec<String> {
    let mut out = Vec::new();
    let cols = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, COALESCE(column_default::text, '')
             FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, ordinal_position",
            &[],
        )
        .await
        .expect("columns");
    for r in cols {
        let (t, c, ty, null, def): (String, String, String, String, String) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        out.push(format!("{t}.{c}: {ty} nullable={null} default={def}"));
    }
    let idx = client
        .query("SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1", &[])
        .await
        .expect("indexes");
    let schema: String = client.query_one("SELECT current_schema()::text", &[]).await.expect("schema").get(0);
    for r in idx {
        let def: String = r.get(1);
        out.push(format!("{}: {}", r.get::<_, String>(0), def.replace(&format!("{schema}."), "")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection to a fresh, empty schema on the test PostgreSQL, or `None` when no test
    /// database is configured (COMPANION_REQUIRE_POSTGRES=1 makes that a failure).
    async fn fresh_schema() -> Option<Client> {
        let url = match std::env::var("COMPANION_TEST_POSTGRES_URL") {
            Ok(u) if !u.is_empty() => u,
            _ => {
                assert!(
                    std::env::var("COMPANION_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "COMPANION_REQUIRE_POSTGRES=1 but COMPANION_TEST_POSTGRES_URL is not set"
                );
                return None;
            }
        };
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(conn);
        let id: [u8; 8] = companion_core::crypto::random_array().expect("random");
        let schema = format!("m_{}", id.iter().map(|b| format!("{b:02x}")).collect::<String>());
        client.batch_execute(&format!("CREATE SCHEMA {schema}; SET search_path TO {schema}")).await.expect("schema");
        Some(client)
    }

    #[tokio::test]
    async fn a_database_migrated_from_version_1_equals_a_new_one() {
        let (Some(mut new), Some(mut old)) = (fresh_schema().await, fresh_schema().await) else { return };
        prepare(&mut new).await.expect("create");
        old.batch_execute(V1_SQL).await.expect("version 1, as first released");
        prepare(&mut old).await.expect("upgrade");
        assert_eq!(layout(&old).await, layout(&new).await);
        for c in [&old, &new] {
            let v: i64 = c.query_one("SELECT version FROM schema_version", &[]).await.expect("version").get(0);
            assert_eq!(v, VERSION);
        }
        // Preparing again changes nothing.
        let before = layout(&old).await;
        prepare(&mut old).await.expect("again");
        assert_eq!(layout(&old).await, before);
    }

    #[tokio::test]
    async fn a_newer_database_is_refused() {
        let Some(mut c) = fresh_schema().await else { return };
        prepare(&mut c).await.expect("create");
        c.execute("UPDATE schema_version SET version = $1", &[&(VERSION + 1)]).await.expect("bump");
        let err = prepare(&mut c).await.expect_err("refused");
        assert!(err.to_string().contains("newer than this server knows"), "{err}");
    }
}
