-- companion-server schema, PostgreSQL flavour, version 3 (migrations.rs brings older databases here). Nothing here is client plaintext:
-- chunks, snapshots and wrapped keys are ciphertext; shares are referenced in `erased` and
-- `audit` only by HMAC(server secret, share id).
CREATE TABLE server_config (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE clinics (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE invites (
    token_hash BYTEA PRIMARY KEY, kind TEXT NOT NULL, clinic_id TEXT NOT NULL, clinician_id TEXT,
    created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL, used_ms BIGINT);
-- A clinician's login is OPAQUE (version 2): `opaque_record` is the registration record. A
-- version-1 account keeps its old verifier in `legacy_logins` until its one-time upgrade.
CREATE TABLE clinicians (
    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    public_key BYTEA NOT NULL, wrapped_private_key BYTEA NOT NULL, created_ms BIGINT NOT NULL, opaque_record BYTEA);
CREATE TABLE legacy_logins (
    clinician_id TEXT PRIMARY KEY, salt BYTEA NOT NULL, iterations BIGINT NOT NULL, auth_hash BYTEA NOT NULL);
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms BIGINT NOT NULL, scope TEXT NOT NULL DEFAULT 'full');
-- An OPAQUE login between KE2 and KE3 (minutes at most), and the tickets of earlier logins.
CREATE TABLE login_attempts (id BYTEA PRIMARY KEY, email TEXT NOT NULL, state BYTEA NOT NULL, expires_ms BIGINT NOT NULL);
CREATE TABLE login_tickets (token_hash BYTEA PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms BIGINT NOT NULL);
CREATE TABLE devices (id TEXT PRIMARY KEY, public_key BYTEA NOT NULL, created_ms BIGINT NOT NULL);
-- `label`: the name the client chose, sealed by the client for this clinician; never parsed
-- (version 3).
CREATE TABLE pairings (
    device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, created_ms BIGINT NOT NULL, label BYTEA,
    PRIMARY KEY (device_id, clinician_id));
CREATE TABLE nonces (device_id TEXT NOT NULL, nonce BYTEA NOT NULL, expires_ms BIGINT NOT NULL, PRIMARY KEY (device_id, nonce));
CREATE INDEX nonces_expiry ON nonces (expires_ms);
-- `recipient_may_append`: the owner let the recipient append (the coping plan), version 3.
CREATE TABLE shares (
    id BYTEA PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, wrapped_key BYTEA NOT NULL,
    last_seq BIGINT NOT NULL DEFAULT 0, created_ms BIGINT NOT NULL, recipient_may_append BOOLEAN NOT NULL DEFAULT FALSE);
CREATE INDEX shares_device ON shares (device_id);
CREATE INDEX shares_clinician ON shares (clinician_id);
-- `by_recipient`: appended by the share's recipient, not its owner (version 3).
CREATE TABLE chunks (
    share_id BYTEA NOT NULL, seq BIGINT NOT NULL, chunk_id BYTEA NOT NULL, data BYTEA NOT NULL,
    by_recipient BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (share_id, seq), UNIQUE (share_id, chunk_id));
CREATE TABLE snapshots (share_id BYTEA PRIMARY KEY, covers BIGINT NOT NULL, chunk_id BYTEA NOT NULL, data BYTEA NOT NULL);
CREATE TABLE erased (share_ref BYTEA PRIMARY KEY, erased_ms BIGINT NOT NULL);
-- Erased shares' recipients learn of the erasure here for the tombstone period; a device's
-- tombstones go when it unpairs (version 3).
CREATE TABLE tombstones (
    share_id BYTEA PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, erased_ms BIGINT NOT NULL);
CREATE INDEX tombstones_clinician ON tombstones (clinician_id);
-- Audit rows are kept for the retention period (the index on time serves its purge, version 3);
-- an erased share's rows are deleted with it.
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    share_ref BYTEA, status BIGINT NOT NULL);
CREATE INDEX audit_time ON audit (at_ms);
