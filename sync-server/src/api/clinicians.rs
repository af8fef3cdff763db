//! Clinician accounts (registered with OPAQUE: docs/protocol.md, "Clinician login"), the
//! account itself, client invites, and what the admin command does.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::Json;
use companion_core::protocol::opaque::RegistrationRecord;
use companion_core::protocol::wire::{
    ClinicianAccount, InviteResponse, RegisterClinician, RegistrationStart, RegistrationStarted, B64,
};
use companion_core::protocol::{b64, fingerprint, Invite, RecipientPublic};

use super::auth::{self, hash_token};
use super::{ApiFailure, ApiResult, AppState};
use crate::db::{ClinicianRow, DbError, InviteKind, NewInvite};

pub(crate) fn random_token() -> ApiResult<String> {
    let b: [u8; 32] = companion_core::crypto::random_array()
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "crypto", "no randomness"))?;
    Ok(b64(&b))
}

pub(crate) fn normalise_email(e: &str) -> ApiResult<String> {
    let e = e.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.contains('@')
        && !e.starts_with('@')
        && !e.ends_with('@')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(ApiFailure::bad_request("email: not a valid address"));
    }
    Ok(e)
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|_| ApiFailure::bad_request("the request body is not valid for this endpoint"))
}

pub(crate) fn account(c: &ClinicianRow) -> ApiResult<ClinicianAccount> {
    let pk = <[u8; 32]>::try_from(c.public_key.as_slice())
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "a stored key is damaged"))?;
    Ok(ClinicianAccount {
        id: c.id.clone(),
        clinic_id: c.clinic_id.clone(),
        email: c.email.clone(),
        display_name: c.display_name.clone(),
        public_key: B64(c.public_key.clone()),
        wrapped_private_key: B64(c.wrapped_private_key.clone()),
        fingerprint: fingerprint(&RecipientPublic(pk)),
    })
}

/// Check an admin invite without using it (it is used when the account is created).
async fn invite_is_open(st: &AppState, token: &str) -> ApiResult<()> {
    if token.is_empty() || token.len() > 128 {
        return Err(invite_refused());
    }
    match st.db.peek_invite(&hash_token(token), InviteKind::Clinician, st.now_ms()).await? {
        Some(_) => Ok(()),
        None => Err(invite_refused()),
    }
}

fn invite_refused() -> ApiFailure {
    ApiFailure::new(StatusCode::FORBIDDEN, "invite", "this invite is unknown, used or expired")
}

/// `POST /v1/clinicians/register/start`: OPAQUE's registration response, for a holder of an
/// open admin invite.
pub async fn register_start(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<RegistrationStarted>> {
    let req: RegistrationStart = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    invite_is_open(&st, &req.invite_token).await?;
    let response = st.opaque_registration_response(req.request.0, email).await?;
    Ok(Json(RegistrationStarted { response: B64(response) }))
}

/// `POST /v1/clinicians`: create an account from an admin invite, with its OPAQUE record.
pub async fn register(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<(StatusCode, Json<ClinicianAccount>)> {
    let req: RegisterClinician = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    let name = req.display_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiFailure::bad_request("display_name: 1 to 100 characters"));
    }
    if req.public_key.0.len() != 32 {
        return Err(ApiFailure::bad_request("public_key has the wrong length"));
    }
    check_wrapped_key(&req.wrapped_private_key.0)?;
    let record = RegistrationRecord::from_upload(&req.upload.0)
        .map_err(|_| ApiFailure::bad_request("upload: not an OPAQUE registration upload"))?;
    let now = st.now_ms();
    let invite = st
        .db
        .take_invite(&hash_token(&req.invite_token), InviteKind::Clinician, now)
        .await?
        .ok_or_else(invite_refused)?;
    let row = ClinicianRow {
        id: format!("cl_{}", random_token()?.get(..16).unwrap_or_default()),
        clinic_id: invite.clinic_id,
        email,
        display_name: name.to_string(),
        public_key: req.public_key.0,
        wrapped_private_key: req.wrapped_private_key.0,
        opaque_record: Some(record.to_bytes()),
    };
    match st.db.create_clinician(&row, now).await {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            return Err(ApiFailure::new(StatusCode::CONFLICT, "exists", "an account with this email already exists"))
        }
        Err(e) => return Err(e.into()),
    }
    st.audit(&format!("clinician:{}", row.id), "register", None, StatusCode::CREATED).await;
    Ok((StatusCode::CREATED, Json(account(&row)?)))
}

/// A wrapped private key as the clinician's side makes it (version 2: under OPAQUE's key).
pub(crate) fn check_wrapped_key(wrapped: &[u8]) -> ApiResult<()> {
    use companion_core::protocol::login::{wrapped_version, WRAPPED_SECRET_LEN, WRAP_VERSION_OPAQUE};
    if wrapped.len() != WRAPPED_SECRET_LEN || wrapped_version(wrapped) != Some(WRAP_VERSION_OPAQUE) {
        return Err(ApiFailure::bad_request("wrapped_private_key: not a key wrapped under the OPAQUE login"));
    }
    Ok(())
}

/// `GET /v1/me`: the logged-in account (with its wrapped private key to unwrap locally).
pub async fn me(
    State(st): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Json<ClinicianAccount>> {
    let c = auth::clinician(&st, &method, &headers).await?;
    Ok(Json(account(&c)?))
}

/// `POST /v1/invites`: a clinician creates an invite for one client device.
pub async fn create_invite(
    State(st): State<Arc<AppState>>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<InviteResponse>)> {
    let c = auth::clinician(&st, &method, &headers).await?;
    let token = random_token()?;
    let now = st.now_ms();
    let expires = now + st.config.invite_ttl.as_millis() as i64;
    let invite = NewInvite {
        token_hash: &hash_token(&token),
        kind: InviteKind::Client,
        clinic_id: &c.clinic_id,
        clinician_id: Some(&c.id),
        created_ms: now,
        expires_ms: expires,
    };
    st.db.create_invite(&invite).await?;
    let acct = account(&c)?;
    let invite = Invite {
        server: st.config.public_url.clone(),
        token,
        clinician: c.display_name.clone(),
        fingerprint: acct.fingerprint,
    };
    let text = invite
        .encode()
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "invite", "the invite could not be encoded"))?;
    st.audit(&format!("clinician:{}", c.id), "create_invite", None, StatusCode::CREATED).await;
    Ok((StatusCode::CREATED, Json(InviteResponse { invite: text, expires_at_ms: expires })))
}

/// Create a clinic and its first clinician invite (the admin command).
pub async fn create_clinic(st: &AppState, name: &str) -> Result<(String, String), ApiFailure> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiFailure::bad_request("clinic name: 1 to 200 characters"));
    }
    let id = format!("clinic_{}", random_token()?.get(..12).unwrap_or_default());
    st.db.create_clinic(&id, name, st.now_ms()).await?;
    let token = invite_clinician(st, &id).await?;
    Ok((id, token))
}

/// A one-time invite to create a clinician account in `clinic_id` (the admin command).
pub async fn invite_clinician(st: &AppState, clinic_id: &str) -> Result<String, ApiFailure> {
    if !st.db.clinic_exists(clinic_id).await? {
        return Err(ApiFailure::not_found("clinic"));
    }
    let token = random_token()?;
    let now = st.now_ms();
    let invite = NewInvite {
        token_hash: &hash_token(&token),
        kind: InviteKind::Clinician,
        clinic_id,
        clinician_id: None,
        created_ms: now,
        expires_ms: now + st.config.invite_ttl.as_millis() as i64,
    };
    st.db.create_invite(&invite).await?;
    st.audit("admin", "invite_clinician", None, StatusCode::CREATED).await;
    Ok(token)
}
