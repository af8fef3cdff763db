//! Schema creation and migrations, by `PRAGMA user_version`.
//!
//! A new store runs [`create`] (the current schema in one go); an older store runs
//! [`upgrade_from`] once per version inside one IMMEDIATE transaction. A test checks that a
//! store migrated from version 1 has exactly the schema of a new one.

use rusqlite::Transaction;

use crate::error::{Error, Result};

/// The schema version this build writes.
pub const VERSION: u32 = 1;

/// The first schema, frozen.
pub const V1_SQL: &str = include_str!("sql/v1.sql");

/// Create the current schema in an empty database.
pub fn create(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(V1_SQL)?;
    tx.pragma_update(None, "user_version", VERSION)?;
    Ok(())
}

/// Bring a store at `from` up to [`VERSION`], one step at a time.
pub fn upgrade(tx: &Transaction<'_>, from: u32) -> Result<()> {
    if from > VERSION {
        return Err(Error::NewerSchema { found: from, supported: VERSION });
    }
    let mut v = from;
    while v < VERSION {
        upgrade_from(tx, v)?;
        v += 1;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    Ok(())
}

/// One migration step: from version `v` to `v + 1`.
fn upgrade_from(_tx: &Transaction<'_>, v: u32) -> Result<()> {
    // Version 1 is the first schema; later versions add `v => { ... }` arms here.
    Err(Error::NewerSchema { found: v, supported: VERSION })
}
