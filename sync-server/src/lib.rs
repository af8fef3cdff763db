//! The recovery companion's sync server: a relay that stores and forwards end-to-end
//! encrypted share chunks between a client's devices and their clinician, on SQLite (one
//! file, the default) or PostgreSQL. It never sees plaintext (docs/protocol.md).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod api;
pub mod db;
pub mod metrics;
pub mod quota;
pub mod ratelimit;
pub mod serve;
pub mod tls;
pub mod workpool;

use std::path::Path;
use std::sync::Arc;

pub use api::{metrics_router, router, ApiConfig, AppState};
use db::sqlite::Opener;
pub use db::{Db, Storage};

/// Open storage for serving: PostgreSQL when `database` is a `postgres://` URL, else SQLite
/// at `data_dir/server.db` (created on first start; one serving process per file).
pub async fn open_db(database: Option<&str>, data_dir: &Path) -> Result<Db, String> {
    open_db_with(database, data_dir, true).await
}

/// Open storage for an admin command, beside a running server.
pub async fn open_db_for_admin(database: Option<&str>, data_dir: &Path) -> Result<Db, String> {
    open_db_with(database, data_dir, false).await
}

async fn open_db_with(database: Option<&str>, data_dir: &Path, serving: bool) -> Result<Db, String> {
    match database {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let db = db::postgres::PgDb::connect(url, 32).await.map_err(|e| e.to_string())?;
            Ok(Box::new(db))
        }
        Some(other) => Err(format!("unsupported database {other:?}: use postgres://... or omit it for SQLite")),
        None => {
            std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create the data directory: {e}"))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700));
            }
            let opener = if serving { Opener::Server } else { Opener::Admin };
            let db = db::sqlite::SqliteDb::open(&data_dir.join("server.db"), opener).map_err(|e| e.to_string())?;
            Ok(Box::new(db))
        }
    }
}

/// Housekeeping: every minute, purge expired nonces, sessions, login attempts and tickets;
/// every hour, audit rows and tombstones past their periods; and with several processes on
/// one database, forget the storage counts every five minutes (each process counts only its
/// own writes).
pub fn spawn_housekeeping(state: Arc<AppState>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        for minute in 0u64.. {
            tick.tick().await;
            if let Err(e) = state.db.purge_expired(state.now_ms()).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
            if minute % 60 == 0 {
                match state.purge_history(None).await {
                    Ok(p) => tracing::info!(audit = p.audit, tombstones = p.tombstones, "history purged"),
                    Err(e) => tracing::warn!(error = %e, "purging history failed"),
                }
            }
            if minute % 5 == 4 && state.db.shared_by_processes() {
                state.usage.forget();
            }
        }
    });
}
