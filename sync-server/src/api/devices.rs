//! Device registration: a client device redeems a clinician's invite.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::Json;
use companion_core::protocol::wire::{DeviceRegistered, Recipient, RegisterDevice, B64};
use companion_core::protocol::{fingerprint, RecipientPublic};

use super::auth::{self, hash_token};
use super::clinicians::parse_json;
use super::{ApiFailure, ApiResult, AppState};
use crate::db::{DbError, InviteKind};

fn path(uri: &OriginalUri) -> String {
    uri.0.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| uri.0.path().to_string())
}

/// `POST /v1/devices`: register this device (signed with its own key) and pair it with the
/// clinician who made the invite. Returns the clinician's key, which the client must check
/// against the fingerprint in the invite before trusting it.
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
    if req.invite_token.is_empty() || req.invite_token.len() > 128 {
        return Err(ApiFailure::bad_request("invite_token: malformed"));
    }
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
    match st.db.register_device(&device_id, &pk, &clinician_id, now).await {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            return Err(ApiFailure::new(StatusCode::CONFLICT, "device", "this device id is taken"))
        }
        Err(e) => return Err(e.into()),
    }
    let cpk = <[u8; 32]>::try_from(clinician.public_key.as_slice())
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "a stored key is damaged"))?;
    st.audit(&format!("device:{device_id}"), "register_device", None, StatusCode::CREATED).await;
    Ok((
        StatusCode::CREATED,
        Json(DeviceRegistered {
            device_id,
            recipient: Recipient {
                clinician_id,
                display_name: clinician.display_name,
                public_key: B64(clinician.public_key),
                fingerprint: fingerprint(&RecipientPublic(cpk)),
            },
        }),
    ))
}

pub(crate) fn request_path(uri: &OriginalUri) -> String {
    path(uri)
}
