//! Client devices: looking up an invite's clinician before redeeming it, redeeming it (register
//! and pair, with the client's sealed label), replacing the label, listing a clinician's
//! clients, and unpairing (erasing the device and everything of it).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::{Extension, Json};
use companion_core::protocol::wire::{
    ClientList, DeviceRegistered, InviteLookup, PairedClient, Recipient, RegisterDevice, SetLabel, B64,
    MAX_SEALED_LABEL,
};
use companion_core::protocol::{fingerprint, RecipientPublic};

use super::auth::{self, hash_token, share_ref};
use super::clinicians::parse_json;
use super::{ApiFailure, ApiResult, AppState, ClientSource};
use crate::db::{ClinicianRow, DbError, InviteKind, NewDevice, UnpairOutcome, Unpairing};

fn path(uri: &OriginalUri) -> String {
    uri.0.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| uri.0.path().to_string())
}

pub(crate) fn request_path(uri: &OriginalUri) -> String {
    path(uri)
}

/// The one answer for an invite that cannot be used: unknown, used and expired alike.
fn invite_refused() -> ApiFailure {
    ApiFailure::new(StatusCode::NOT_FOUND, "invite", "this invite is unknown, used or expired")
}

fn check_token(token: &str) -> ApiResult<()> {
    if token.is_empty() || token.len() > 128 {
        return Err(ApiFailure::bad_request("invite_token: malformed"));
    }
    Ok(())
}

fn check_label(label: Option<&B64>) -> ApiResult<()> {
    match label {
        Some(l) if l.0.is_empty() || l.0.len() > MAX_SEALED_LABEL => {
            Err(ApiFailure::bad_request(format!("label: 1 to {MAX_SEALED_LABEL} bytes")))
        }
        _ => Ok(()),
    }
}

/// A clinician as a device sees them: what to wrap share keys to, and its fingerprint.
fn recipient(c: ClinicianRow) -> ApiResult<Recipient> {
    let pk = <[u8; 32]>::try_from(c.public_key.as_slice())
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "a stored key is damaged"))?;
    Ok(Recipient {
        clinician_id: c.id,
        display_name: c.display_name,
        public_key: B64(c.public_key),
        fingerprint: fingerprint(&RecipientPublic(pk)),
    })
}

/// `POST /v1/invites/lookup`: the clinician a client invite comes from, without using the
/// invite, so the client can compare the key's fingerprint with the invite's first. Limited
/// per source; unknown, used and expired invites get the same 404.
pub async fn lookup_invite(
    State(st): State<Arc<AppState>>,
    Extension(source): Extension<ClientSource>,
    body: Bytes,
) -> ApiResult<Json<Recipient>> {
    let req: InviteLookup = parse_json(&body)?;
    check_token(&req.invite_token)?;
    st.invite_lookups.check(&source.0).map_err(ApiFailure::rate_limited)?;
    let invite = st
        .db
        .peek_invite(&hash_token(&req.invite_token), InviteKind::Client, st.now_ms())
        .await?
        .ok_or_else(invite_refused)?;
    let clinician = match invite.clinician_id {
        Some(id) => st.db.clinician_by_id(&id).await?,
        None => None,
    };
    Ok(Json(recipient(clinician.ok_or_else(invite_refused)?)?))
}

/// `POST /v1/devices`: register this device (signed with its own key) and pair it with the
/// clinician who made the invite, keeping the client's sealed label for that clinician.
/// Returns the clinician's key, which the client must check against the fingerprint in the
/// invite before trusting it.
pub async fn register(
    State(st): State<Arc<AppState>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<DeviceRegistered>)> {
    let req: RegisterDevice = parse_json(&body)?;
    let pk = <[u8; 32]>::try_from(req.public_key.0.as_slice())
        .map_err(|_| ApiFailure::bad_request("public_key: 32 bytes"))?;
    check_token(&req.invite_token)?;
    check_label(req.label.as_ref())?;
    let device_id = auth::new_device(&st, &method, &path(&uri), &headers, &body, &pk).await?;
    let now = st.now_ms();
    let invite =
        st.db.take_invite(&hash_token(&req.invite_token), InviteKind::Client, now).await?.ok_or_else(|| {
            ApiFailure::new(StatusCode::FORBIDDEN, "invite", "this invite is unknown, used or expired")
        })?;
    let clinician_id = invite
        .clinician_id
        .ok_or_else(|| ApiFailure::new(StatusCode::FORBIDDEN, "invite", "this invite is not for a device"))?;
    let clinician = st.db.clinician_by_id(&clinician_id).await?.ok_or_else(|| ApiFailure::not_found("clinician"))?;
    let device = NewDevice {
        id: &device_id,
        public_key: &pk,
        clinician_id: &clinician_id,
        label: req.label.as_ref().map(|l| l.0.as_slice()),
        now,
    };
    match st.db.register_device(&device).await {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            return Err(ApiFailure::new(StatusCode::CONFLICT, "device", "this device id is taken"))
        }
        Err(e) => return Err(e.into()),
    }
    st.audit(&format!("device:{device_id}"), "register_device", None, StatusCode::CREATED).await;
    Ok((StatusCode::CREATED, Json(DeviceRegistered { device_id, recipient: recipient(clinician)? })))
}

/// `PUT /v1/devices/me/label` (device): replace or remove the sealed label of its pairing with
/// one clinician.
pub async fn set_label(
    State(st): State<Arc<AppState>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let device = auth::device(&st, &method, &path(&uri), &headers, &body).await?;
    let req: SetLabel = parse_json(&body)?;
    check_label(req.label.as_ref())?;
    if !st.db.set_label(&device, &req.clinician_id, req.label.map(|l| l.0)).await? {
        return Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            "not_paired",
            "this device is not paired with that clinician",
        ));
    }
    st.audit(&format!("device:{device}"), "set_label", None, StatusCode::NO_CONTENT).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/clients` (clinician): the devices paired with them, with their sealed labels.
pub async fn clients(
    State(st): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Json<ClientList>> {
    let c = auth::clinician(&st, &method, &headers).await?;
    let rows = st.db.clients_of_clinician(&c.id).await?;
    st.audit(&format!("clinician:{}", c.id), "list_clients", None, StatusCode::OK).await;
    Ok(Json(ClientList {
        clients: rows
            .into_iter()
            .map(|r| PairedClient { device_id: r.device_id, paired_at_ms: r.paired_ms, label: r.label.map(B64) })
            .collect(),
    }))
}

/// How often unpairing looks again when the device's shares changed under it.
const UNPAIR_TRIES: usize = 3;

/// `DELETE /v1/devices/me` (device): unpair. Erases the device and everything of it in one
/// transaction (its shares with their chunks, snapshots and keys, its pairings and labels, the
/// tombstones of its erased shares, its audit rows and those naming its shares), so that no
/// row of it remains. Afterwards the device is unknown: repeating the request gets 401.
pub async fn unpair(
    State(st): State<Arc<AppState>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let device = auth::device(&st, &method, &path(&uri), &headers, b"").await?;
    for _ in 0..UNPAIR_TRIES {
        let shares = st.db.shares_of_device(&device).await?;
        let tombstones = st.db.tombstones_of_device(&device).await?;
        let ids: Vec<[u8; 16]> = shares.iter().map(|s| s.id).collect();
        let refs: Vec<[u8; 32]> = ids
            .iter()
            .chain(tombstones.iter().map(|t| &t.share_id))
            .map(|id| share_ref(&st.secret, &companion_core::protocol::ShareId(*id)))
            .collect();
        let mut clinics = Vec::new();
        for s in &shares {
            if let Some(c) = st.db.clinician_by_id(&s.clinician_id).await? {
                clinics.push(c.clinic_id);
            }
        }
        // Entries already queued that name the device or its shares are written first, so the
        // erasure takes them too.
        st.flush_audit().await;
        let unpairing = Unpairing { device_id: &device, shares: &ids, share_refs: &refs };
        match st.db.unpair(&unpairing).await? {
            UnpairOutcome::Changed => continue,
            UnpairOutcome::Done(_) => {
                st.forget_device(&device, &ids);
                st.usage.forget_device(&device, &clinics);
                st.metrics.unpairs.inc();
                st.audit("device", "unpair", None, StatusCode::NO_CONTENT).await;
                return Ok(StatusCode::NO_CONTENT);
            }
        }
    }
    Err(ApiFailure::new(StatusCode::CONFLICT, "busy_device", "this device's shares kept changing; try again"))
}
