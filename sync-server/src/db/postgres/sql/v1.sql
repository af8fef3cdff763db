-- companion-server schema, PostgreSQL flavour (version 1, frozen: the starting point of every upgrade). Nothing here is client plaintext:
-- chunks, snapshots and wrapped keys are ciphertext; shares are referenced in `erased` and
-- `audit` only by HMAC(server secret, share id).
CREATE TABLE IF NOT EXISTS server_config (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS clinics (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS invites (
    token_hash BYTEA PRIMARY KEY, kind TEXT NOT NULL, clinic_id TEXT NOT NULL, clinician_id TEXT,
    created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL, used_ms BIGINT);
CREATE TABLE IF NOT EXISTS clinicians (
    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
    kdf_salt BYTEA NOT NULL, kdf_iterations BIGINT NOT NULL, auth_hash BYTEA NOT NULL,
    public_key BYTEA NOT NULL, wrapped_private_key BYTEA NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0, locked_until_ms BIGINT NOT NULL DEFAULT 0, created_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token_hash BYTEA PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (id TEXT PRIMARY KEY, public_key BYTEA NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS pairings (
    device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, created_ms BIGINT NOT NULL, PRIMARY KEY (device_id, clinician_id));
CREATE TABLE IF NOT EXISTS nonces (device_id TEXT NOT NULL, nonce BYTEA NOT NULL, expires_ms BIGINT NOT NULL, PRIMARY KEY (device_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (expires_ms);
CREATE TABLE IF NOT EXISTS shares (
    id BYTEA PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, wrapped_key BYTEA NOT NULL,
    last_seq BIGINT NOT NULL DEFAULT 0, created_ms BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS shares_device ON shares (device_id);
CREATE INDEX IF NOT EXISTS shares_clinician ON shares (clinician_id);
CREATE TABLE IF NOT EXISTS chunks (
    share_id BYTEA NOT NULL, seq BIGINT NOT NULL, chunk_id BYTEA NOT NULL, data BYTEA NOT NULL,
    PRIMARY KEY (share_id, seq), UNIQUE (share_id, chunk_id));
CREATE TABLE IF NOT EXISTS snapshots (share_id BYTEA PRIMARY KEY, covers BIGINT NOT NULL, chunk_id BYTEA NOT NULL, data BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS erased (share_ref BYTEA PRIMARY KEY, erased_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    share_ref BYTEA, status BIGINT NOT NULL);
