-- companion-server schema, SQLite flavour, version 4 (migrations.rs brings older files here). Nothing here is client plaintext:
-- chunks, snapshots and wrapped keys are ciphertext; shares are referenced in `erased` and
-- `audit` only by HMAC(server secret, share id).
CREATE TABLE IF NOT EXISTS server_config (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS clinics (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS invites (
    token_hash BLOB PRIMARY KEY, kind TEXT NOT NULL, clinic_id TEXT NOT NULL, clinician_id TEXT,
    created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, used_ms INTEGER);
-- A clinician's login is OPAQUE (version 3): `opaque_record` is the registration record, which
-- allows no offline test of a passphrase guess cheaper than a full Argon2id. A version-1
-- account keeps its old verifier in `legacy_logins` until its one-time upgrade.
CREATE TABLE IF NOT EXISTS clinicians (
    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    public_key BLOB NOT NULL, wrapped_private_key BLOB NOT NULL, created_ms INTEGER NOT NULL, opaque_record BLOB);
CREATE TABLE IF NOT EXISTS legacy_logins (
    clinician_id TEXT PRIMARY KEY, salt BLOB NOT NULL, iterations INTEGER NOT NULL, auth_hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms INTEGER NOT NULL, scope TEXT NOT NULL DEFAULT 'full');
-- An OPAQUE login between KE2 and KE3 (minutes at most), and the tickets of earlier logins.
CREATE TABLE IF NOT EXISTS login_attempts (id BLOB PRIMARY KEY, email TEXT NOT NULL, state BLOB NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS login_tickets (token_hash BLOB PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, public_key BLOB NOT NULL, created_ms INTEGER NOT NULL);
-- `label`: the name the client chose, sealed by the client for this clinician; never parsed
-- (version 4).
CREATE TABLE IF NOT EXISTS pairings (
    device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, created_ms INTEGER NOT NULL, label BLOB,
    PRIMARY KEY (device_id, clinician_id));
-- Request nonces, written only so that a restart still refuses a replay: the running server
-- checks them in memory. No key on (device, nonce): rows arrive in time order and land on the
-- table's last page instead of on a random page of an index (version 2).
CREATE TABLE IF NOT EXISTS nonces (expires_ms INTEGER NOT NULL, device_id TEXT NOT NULL, nonce BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (expires_ms);
-- A share's last sequence number is not stored: it is the larger of its highest chunk and what
-- its snapshot covers (version 2), so an append writes no page of this table.
-- `recipient_may_append`: the owner let the recipient append (the coping plan), version 4.
CREATE TABLE IF NOT EXISTS shares (
    id BLOB PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, wrapped_key BLOB NOT NULL,
    created_ms INTEGER NOT NULL, recipient_may_append INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS shares_device ON shares (device_id);
CREATE INDEX IF NOT EXISTS shares_clinician ON shares (clinician_id);
-- `by_recipient`: appended by the share's recipient, not its owner (version 4).
CREATE TABLE IF NOT EXISTS chunks (
    share_id BLOB NOT NULL, seq INTEGER NOT NULL, chunk_id BLOB NOT NULL, data BLOB NOT NULL,
    by_recipient INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (share_id, seq), UNIQUE (share_id, chunk_id));
CREATE TABLE IF NOT EXISTS snapshots (share_id BLOB PRIMARY KEY, covers INTEGER NOT NULL, chunk_id BLOB NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS erased (share_ref BLOB PRIMARY KEY, erased_ms INTEGER NOT NULL);
-- Erased shares' recipients learn of the erasure here for the tombstone period; a device's
-- tombstones go when it unpairs (version 4).
CREATE TABLE IF NOT EXISTS tombstones (
    share_id BLOB PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, erased_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tombstones_clinician ON tombstones (clinician_id);
-- Audit rows are kept for the retention period (the index on time serves its purge and grows
-- at its end only, version 4); an erased share's rows are deleted with it.
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    share_ref BLOB, status INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_time ON audit (at_ms);
