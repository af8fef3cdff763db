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

/// A storage allowance of the server that a write would exceed. The server refuses such a
/// write with 507 and the allowance's [`Quota::code`] as the error code; nothing is stored, and
/// the writer keeps its data and tries again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quota {
    /// The bytes one device may keep on the server (chunks and snapshots of all its shares).
    DeviceStorage,
    /// How many shares one device may have at once.
    DeviceShares,
    /// The bytes all shares addressed to one clinic's clinicians may take.
    ClinicStorage,
    /// How many shares may be addressed to one clinic's clinicians at once.
    ClinicShares,
}

impl Quota {
    pub const ALL: [Quota; 4] = [Quota::DeviceStorage, Quota::DeviceShares, Quota::ClinicStorage, Quota::ClinicShares];

    /// The stable error code (`ApiError::error`) of a write refused by this allowance.
    pub const fn code(self) -> &'static str {
        match self {
            Quota::DeviceStorage => "quota_device_storage",
            Quota::DeviceShares => "quota_device_shares",
            Quota::ClinicStorage => "quota_clinic_storage",
            Quota::ClinicShares => "quota_clinic_shares",
        }
    }

    /// The allowance an error code names, if it names one.
    pub fn from_code(code: &str) -> Option<Quota> {
        Quota::ALL.into_iter().find(|q| q.code() == code)
    }
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

/// Ask whom a client invite comes from without redeeming it (`POST /v1/invites/lookup`): the
/// answer is the inviting clinician as a [`Recipient`], so the client compares the key's
/// fingerprint with the invite's before it uses the invite up. Unknown, used and expired
/// invites get the same 404.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteLookup {
    pub invite_token: String,
}

impl fmt::Debug for InviteLookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteLookup(<redacted>)")
    }
}

// ----- devices ----------------------------------------------------------------------------

/// The largest sealed label a device may give a pairing, in bytes.
pub const MAX_SEALED_LABEL: usize = 2048;

/// Redeem a client invite: register (or re-use) this device and pair it with the clinician.
/// Signed with the device key being registered (proof of possession).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterDevice {
    pub invite_token: String,
    pub public_key: B64,
    /// The name the client chose, sealed by the client for this clinician (at most
    /// [`MAX_SEALED_LABEL`] bytes). The server stores it with the pairing and hands it only to
    /// that clinician; it never parses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<B64>,
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

/// Replace (or, with `null`, remove) the sealed label of this device's pairing with one
/// clinician (`PUT /v1/devices/me/label`, signed by the device).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetLabel {
    pub clinician_id: String,
    pub label: Option<B64>,
}

/// A client device paired with the clinician asking (`GET /v1/clients`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PairedClient {
    pub device_id: String,
    pub paired_at_ms: i64,
    /// The sealed label the device gave this pairing, exactly as it gave it.
    pub label: Option<B64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClientList {
    pub clients: Vec<PairedClient>,
}

// ----- shares -----------------------------------------------------------------------------

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateShare {
    pub share_id: ShareId,
    pub recipient: String,
    /// The share key, HPKE-wrapped to the recipient (docs/protocol.md).
    pub wrapped_key: B64,
    /// Whether the recipient may append change chunks (the coping plan, where a clinician
    /// suggests). Fixed at creation; only the owning device ever snapshots or erases.
    #[serde(default, skip_serializing_if = "is_false")]
    pub recipient_may_append: bool,
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
    #[serde(default)]
    pub recipient_may_append: bool,
}

/// A share addressed to the clinician asking that its client erased (consent withdrawn), and
/// when: kept for the server's tombstone period, listed only to that clinician, and erased
/// with the client's device when it unpairs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErasedShare {
    pub share_id: ShareId,
    pub device_id: String,
    pub erased_at_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShareList {
    pub shares: Vec<ShareInfo>,
    /// For a clinician: the shares addressed to them that were erased within the tombstone
    /// period. Always empty for a device.
    #[serde(default)]
    pub erased: Vec<ErasedShare>,
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
    /// Appended by the share's recipient rather than its owning device (as the server saw it).
    #[serde(default)]
    pub by_recipient: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_quota_has_its_own_stable_code() {
        let codes: Vec<&str> = Quota::ALL.iter().map(|q| q.code()).collect();
        assert_eq!(
            codes,
            ["quota_device_storage", "quota_device_shares", "quota_clinic_storage", "quota_clinic_shares"]
        );
        for q in Quota::ALL {
            assert_eq!(Quota::from_code(q.code()), Some(q));
        }
        assert_eq!(Quota::from_code("rate_limited"), None);
    }

    #[test]
    fn bodies_of_earlier_clients_and_servers_still_decode() {
        let id = ShareId([7; 16]);
        let create: CreateShare =
            serde_json::from_str(&format!(r#"{{"share_id":"{id}","recipient":"cl_1","wrapped_key":"AQ"}}"#)).unwrap();
        assert!(!create.recipient_may_append, "a share created without the flag is closed to its recipient");
        let reg: RegisterDevice = serde_json::from_str(r#"{"invite_token":"t","public_key":"AQ"}"#).unwrap();
        assert_eq!(reg.label, None);
        let list: ShareList = serde_json::from_str(&format!(
            r#"{{"shares":[{{"share_id":"{id}","device_id":"d","recipient":"cl_1","wrapped_key":"AQ","last_seq":3,
                "snapshot_covers":0,"created_at_ms":5}}]}}"#
        ))
        .unwrap();
        assert!(list.erased.is_empty());
        assert!(!list.shares[0].recipient_may_append);
        let pulled: PullResponse =
            serde_json::from_str(r#"{"snapshot":null,"chunks":[{"seq":1,"data":"AQ"}],"last_seq":1,"more":false}"#)
                .unwrap();
        assert!(!pulled.chunks[0].by_recipient);
    }

    #[test]
    fn new_fields_are_sent_only_when_they_say_something() {
        let id = ShareId([7; 16]);
        let closed = CreateShare {
            share_id: id,
            recipient: "cl_1".into(),
            wrapped_key: B64(vec![1]),
            recipient_may_append: false,
        };
        assert!(
            !serde_json::to_string(&closed).unwrap().contains("recipient_may_append"),
            "unchanged for a closed share"
        );
        let open = CreateShare { recipient_may_append: true, ..closed };
        let back: CreateShare = serde_json::from_str(&serde_json::to_string(&open).unwrap()).unwrap();
        assert!(back.recipient_may_append);
        let reg = RegisterDevice { invite_token: "t".into(), public_key: B64(vec![1]), label: None };
        assert_eq!(serde_json::to_string(&reg).unwrap(), r#"{"invite_token":"t","public_key":"AQ"}"#);
        let labelled = RegisterDevice { label: Some(B64(vec![9; 3])), ..reg };
        let back: RegisterDevice = serde_json::from_str(&serde_json::to_string(&labelled).unwrap()).unwrap();
        assert_eq!(back.label, Some(B64(vec![9; 3])));
        let clear: SetLabel = serde_json::from_str(r#"{"clinician_id":"cl_1","label":null}"#).unwrap();
        assert_eq!(clear.label, None);
        assert!(serde_json::from_str::<InviteLookup>(r#"{"invite_token":"t","extra":1}"#).is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let lookup = InviteLookup { invite_token: "secret-invite-token".into() };
        assert!(!format!("{lookup:?}").contains("secret"));
        let reg = RegisterDevice { invite_token: "secret-invite-token".into(), public_key: B64(vec![1]), label: None };
        assert!(!format!("{reg:?}").contains("secret"));
    }
}
