-- Schema version 1 of the client store. Frozen: later versions add migrations, never edit this.
--
-- Plaintext here is limited to random ids, blind tags and key-wrapping bookkeeping; every
-- user-entered field and every timestamp of a user event lives inside `head` / `body`
-- ciphertexts (see docs/ARCHITECTURE.md, "What stays plaintext").

-- Non-sensitive bookkeeping: the store id (random), the key check, the creating app version.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- How the data key is wrapped: by a passphrase (PBKDF2 parameters in `params`) and/or by the
-- platform key store through a KeyProvider (opaque blob).
CREATE TABLE key_slot (
    method  TEXT PRIMARY KEY NOT NULL CHECK (method IN ('passphrase', 'provider')),
    params  BLOB,
    wrapped BLOB NOT NULL
) WITHOUT ROWID;

-- Record-key epochs and how many seals each has reserved (bounds random-nonce use per key).
CREATE TABLE key_epoch (
    epoch    INTEGER PRIMARY KEY NOT NULL,
    reserved INTEGER NOT NULL
);

-- Every record of every kind. The kind itself is hidden: `tag` is a keyed hash of
-- (kind, month) and `kind_tag` a keyed hash of (kind, id). Rows are clustered by tag, so one
-- kind's month is read as one contiguous range.
CREATE TABLE record (
    tag      BLOB NOT NULL CHECK (length(tag) = 16),
    id       BLOB NOT NULL CHECK (length(id) = 16),
    kind_tag BLOB NOT NULL CHECK (length(kind_tag) = 8),
    head     BLOB NOT NULL,
    body     BLOB,
    PRIMARY KEY (tag, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX record_by_id ON record (id);
