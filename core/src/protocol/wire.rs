//! JSON bodies of the HTTP API (docs/protocol.md, "HTTP API"), shared by the server, the
//! client's sync engine and the clinician reader. Binary values are base64url without padding.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{b64, unb64, ShareId};

/// Bytes carried as base64url text.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct B64(pub Vec<u8>);

impl fmt::Debug for B64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "B64({} bytes)", self.0.len())
    }
}

impl Serialize for B64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&b64(&self.0))
    }
}

impl<'de> Deserialize<'de> for B64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        unb64(&s, "base64url").map(B64).map_err(|_| serde::de::Error::custom("invalid base64url"))
    }
}

/// An error body: a stable code for programs and a sentence for people.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApiError {
    pub error: String,
    pub message: String,
}

// ----- clinicians -------------------------------------------------------------------------

/// Start registering a clinician account (OPAQUE, docs/protocol.md): the admin invite, the
/// account's email and the client's registration request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationStart {
    pub invite_token: String,
    pub email: String,
    pub request: B64,
}

/// The server's registration response (OPAQUE), to finish a registration or an upgrade with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegistrationStarted {
    pub response: B64,
}

/// Create a clinician account from an admin invite: the OPAQUE registration upload (the
/// server's record), and the X25519 key pair, its private half wrapped under a key derived
/// from OPAQUE's export key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterClinician {
    pub invite_token: String,
    pub email: String,
    pub display_name: String,
    pub upload: B64,
    pub public_key: B64,
    pub wrapped_private_key: B64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClinicianAccount {
    pub id: String,
    pub clinic_id: String,
    pub email: String,
    pub display_name: String,
    pub public_key: B64,
    pub wrapped_private_key: B64,
    pub fingerprint: String,
}

/// Start a login: KE1, and the ticket of an earlier login on this machine if there is one
/// (it gives this attempt an allowance of its own that nobody else's failures use up).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginStart {
    pub email: String,
    pub request: B64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

impl fmt::Debug for LoginStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginStart(<redacted>)")
    }
}

/// The server's KE2, and the id to finish this attempt with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginStarted {
    pub login_id: String,
    pub response: B64,
}

/// Finish a login: KE3, the client's proof.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginFinish {
    pub login_id: String,
    pub finalization: B64,
}

impl fmt::Debug for LoginFinish {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginFinish(<redacted>)")
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Bearer token (also set as the `__Host-session` cookie).
    pub token: String,
    pub expires_at_ms: i64,
    pub account: ClinicianAccount,
    /// Keep it on this machine and send it with the next login (see [`LoginStart`]).
    pub ticket: String,
}

impl fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LoginResponse({}, token <redacted>)", self.account.id)
    }
}

// ----- the one-time upgrade of a version-1 account -------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreloginRequest {
    pub email: String,
}

/// A version-1 account's salt. `iterations` is what the server announces; the clinician's
/// side never uses it (it uses its own fixed count).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreloginResponse {
    pub salt: B64,
    pub iterations: u32,
}

/// Log in with version 1's auth secret, only to upgrade the account.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyLoginRequest {
    pub email: String,
    pub auth_secret: B64,
}

impl fmt::Debug for LegacyLoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LegacyLoginRequest(<redacted>)")
    }
}

/// A token that allows only the upgrade (for a few minutes), and the account with its
/// version-1 wrapped key.
#[derive(Clone, Serialize, Deserialize)]
pub struct LegacyLoginResponse {
    pub upgrade_token: String,
    pub account: ClinicianAccount,
}

impl fmt::Debug for LegacyLoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LegacyLoginResponse({}, token <redacted>)", self.account.id)
    }
}

/// Start the upgrade's OPAQUE registration (with the upgrade token as the bearer).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeStart {
    pub request: B64,
}

/// Finish the upgrade: the OPAQUE record and the private key re-wrapped under OPAQUE's key.
/// The server then deletes the version-1 verifier and answers with the account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpgradeFinish {
    pub upload: B64,
    pub wrapped_private_key: B64,
}

/// A client invite created by a clinician.
#[derive(Clone, Serialize, Deserialize)]
pub struct InviteResponse {
    /// The encoded invite (`companion-invite:1:...`) to give the client.
    pub invite: String,
    pub expires_at_ms: i64,
}

impl fmt::Debug for InviteResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteResponse(<redacted>)")
    }
}

// ----- devices ----------------------------------------------------------------------------

/// Redeem a client invite: register (or re-use) this device and pair it with the clinician.
/// Signed with the device key being registered (proof of possession).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterDevice {
    pub invite_token: String,
    pub public_key: B64,
}

impl fmt::Debug for RegisterDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegisterDevice(token <redacted>)")
    }
}

/// A clinician as a device sees them: what to wrap share keys to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Recipient {
    pub clinician_id: String,
    pub display_name: String,
    pub public_key: B64,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceRegistered {
    pub device_id: String,
    pub recipient: Recipient,
}

// ----- shares -----------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateShare {
    pub share_id: ShareId,
    pub recipient: String,
    /// The share key, HPKE-wrapped to the recipient (docs/protocol.md).
    pub wrapped_key: B64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShareInfo {
    pub share_id: ShareId,
    pub device_id: String,
    pub recipient: String,
    pub wrapped_key: B64,
    pub last_seq: u64,
    /// Coverage of the newest snapshot (0 when none).
    pub snapshot_covers: u64,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShareList {
    pub shares: Vec<ShareInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendChunk {
    /// A sealed change chunk (docs/protocol.md, "Sealed chunks").
    pub chunk: B64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    /// False when the chunk id was already stored (a retried append).
    pub created: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredChunk {
    pub seq: u64,
    pub data: B64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredSnapshot {
    pub covers: u64,
    pub data: B64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PullResponse {
    /// Present when `after` is below the newest snapshot's coverage: apply it first.
    pub snapshot: Option<StoredSnapshot>,
    /// Chunks after `max(after, snapshot.covers)`, in order, at most `limit`.
    pub chunks: Vec<StoredChunk>,
    pub last_seq: u64,
    /// True when more chunks follow (pull again after the last one).
    pub more: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutSnapshot {
    /// A sealed snapshot (kind 2) whose header says which sequence number it covers.
    pub snapshot: B64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SnapshotStored {
    pub covers: u64,
    /// How many chunks the server deleted because the snapshot covers them.
    pub removed: u64,
}
