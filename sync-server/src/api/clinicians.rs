//! Clinician accounts (zero-knowledge login), sessions and client invites.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, Version};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use companion_core::protocol::wire::{
    ClinicianAccount, InviteResponse, LoginRequest, LoginResponse, PreloginRequest, PreloginResponse,
    RegisterClinician, B64,
};
use companion_core::protocol::{b64, fingerprint, Invite, RecipientPublic, CLINICIAN_KDF_ITERATIONS};
use ring::hmac;

use super::auth::{self, hash_token, SESSION_COOKIE};
use super::{ApiFailure, ApiResult, AppState};
use crate::db::{ClinicianRow, DbError, InviteKind, NewInvite};

/// Argon2id parameters for the stored hash of the auth secret (OWASP minimum).
const ARGON_M_KIB: u32 = 19_456;
const ARGON_T: u32 = 2;
const ARGON_P: u32 = 1;
const HASH_VERSION: u8 = 1;

pub(crate) fn random_token() -> ApiResult<String> {
    let b: [u8; 32] = companion_core::crypto::random_array()
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "crypto", "no randomness"))?;
    Ok(b64(&b))
}

fn argon() -> ApiResult<Argon2<'static>> {
    let params = Params::new(ARGON_M_KIB, ARGON_T, ARGON_P, Some(32))
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "crypto", "bad hash parameters"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// version ‖ salt (16) ‖ Argon2id(auth secret, salt) (32).
fn hash_auth_secret(secret: &[u8]) -> ApiResult<Vec<u8>> {
    let salt: [u8; 16] = companion_core::crypto::random_array()
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "crypto", "no randomness"))?;
    let mut out = [0u8; 32];
    argon()?
        .hash_password_into(secret, &salt, &mut out)
        .map_err(|_| ApiFailure::new(StatusCode::INTERNAL_SERVER_ERROR, "crypto", "hashing failed"))?;
    let mut v = vec![HASH_VERSION];
    v.extend_from_slice(&salt);
    v.extend_from_slice(&out);
    Ok(v)
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn verify_auth_secret(stored: &[u8], secret: &[u8]) -> bool {
    if stored.len() != 1 + 16 + 32 || stored[0] != HASH_VERSION {
        return false;
    }
    let mut out = [0u8; 32];
    let Ok(a) = argon() else { return false };
    if a.hash_password_into(secret, &stored[1..17], &mut out).is_err() {
        return false;
    }
    ct_eq(&out, &stored[17..])
}

fn normalise_email(e: &str) -> ApiResult<String> {
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

fn account(c: &ClinicianRow) -> ApiResult<ClinicianAccount> {
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

/// `POST /v1/clinicians/prelogin`: the account's KDF salt. Unknown emails get a stable fake
/// salt, so the answer does not reveal whether an account exists.
pub async fn prelogin(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<PreloginResponse>> {
    let req: PreloginRequest = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    auth::login_rate(&st, &email)?;
    match st.db.clinician_by_email(&email).await? {
        Some(c) => Ok(Json(PreloginResponse { salt: B64(c.kdf_salt), iterations: c.kdf_iterations })),
        None => {
            let key = hmac::Key::new(hmac::HMAC_SHA256, &st.secret);
            let fake = hmac::sign(&key, format!("fake-salt:{email}").as_bytes());
            Ok(Json(PreloginResponse { salt: B64(fake.as_ref()[..16].to_vec()), iterations: CLINICIAN_KDF_ITERATIONS }))
        }
    }
}

/// `POST /v1/clinicians`: create an account from an admin invite.
pub async fn register(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<(StatusCode, Json<ClinicianAccount>)> {
    let req: RegisterClinician = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    let name = req.display_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiFailure::bad_request("display_name: 1 to 100 characters"));
    }
    if !(16..=64).contains(&req.salt.0.len()) || req.auth_secret.0.len() != 32 || req.public_key.0.len() != 32 {
        return Err(ApiFailure::bad_request("salt, auth_secret or public_key has the wrong length"));
    }
    if req.wrapped_private_key.0.len() != companion_core::protocol::login::WRAPPED_SECRET_LEN {
        return Err(ApiFailure::bad_request("wrapped_private_key has the wrong length"));
    }
    if !(100_000..=companion_core::protocol::login::MAX_CLINICIAN_KDF_ITERATIONS).contains(&req.iterations) {
        return Err(ApiFailure::bad_request("iterations out of range"));
    }
    let now = st.now_ms();
    let invite =
        st.db.take_invite(&hash_token(&req.invite_token), InviteKind::Clinician, now).await?.ok_or_else(|| {
            ApiFailure::new(StatusCode::FORBIDDEN, "invite", "this invite is unknown, used or expired")
        })?;
    let row = ClinicianRow {
        id: format!("cl_{}", random_token()?.get(..16).unwrap_or_default()),
        clinic_id: invite.clinic_id,
        email,
        display_name: name.to_string(),
        kdf_salt: req.salt.0,
        kdf_iterations: req.iterations,
        auth_hash: hash_auth_secret(&req.auth_secret.0)?,
        public_key: req.public_key.0,
        wrapped_private_key: req.wrapped_private_key.0,
        failed_logins: 0,
        locked_until_ms: 0,
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

fn session_cookie(st: &AppState, token: &str, max_age: u64) -> Option<HeaderValue> {
    let secure = if st.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// `POST /v1/sessions`: log in with the auth secret.
pub async fn login(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let req: LoginRequest = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    auth::login_rate(&st, &email)?;
    let now = st.now_ms();
    let c = st.db.clinician_by_email(&email).await?;
    let Some(c) = c else {
        // Spend the same effort as a real check, so timing does not reveal the account.
        let _ = verify_auth_secret(&[HASH_VERSION; 49], &req.auth_secret.0);
        return Err(ApiFailure::unauthorized("that email and passphrase do not match an account"));
    };
    if c.locked_until_ms > now {
        let mut f =
            ApiFailure::new(StatusCode::TOO_MANY_REQUESTS, "locked", "too many failed attempts; try again later");
        f.retry_after = Some(((c.locked_until_ms - now) / 1000).max(1) as u64);
        st.audit(&format!("clinician:{}", c.id), "login", None, StatusCode::TOO_MANY_REQUESTS).await;
        return Err(f);
    }
    let secret = req.auth_secret.0.clone();
    let stored = c.auth_hash.clone();
    let ok = tokio::task::spawn_blocking(move || verify_auth_secret(&stored, &secret)).await.unwrap_or(false);
    if !ok {
        st.db.login_failed(&c.id, now, st.config.max_failed_logins, st.config.lockout.as_millis() as i64).await?;
        st.audit(&format!("clinician:{}", c.id), "login", None, StatusCode::UNAUTHORIZED).await;
        return Err(ApiFailure::unauthorized("that email and passphrase do not match an account"));
    }
    st.db.login_succeeded(&c.id).await?;
    let token = random_token()?;
    let ttl = st.config.session_ttl;
    let expires = now + ttl.as_millis() as i64;
    st.db.create_session(&hash_token(&token), &c.id, expires).await?;
    st.audit(&format!("clinician:{}", c.id), "login", None, StatusCode::OK).await;
    let body = LoginResponse { token: token.clone(), expires_at_ms: expires, account: account(&c)? };
    let mut resp = Json(body).into_response();
    if let Some(v) = session_cookie(&st, &token, ttl.as_secs()) {
        resp.headers_mut().insert("set-cookie", v);
    }
    Ok(resp)
}

/// `DELETE /v1/sessions`: log out (the session is deleted on the server).
pub async fn logout(State(st): State<Arc<AppState>>, method: Method, headers: HeaderMap) -> ApiResult<Response> {
    let c = auth::clinician(&st, &method, &headers).await?;
    if let Some((token, _)) = auth::session_token(&headers) {
        st.db.delete_session(&hash_token(&token)).await?;
    }
    st.audit(&format!("clinician:{}", c.id), "logout", None, StatusCode::NO_CONTENT).await;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Some(v) = session_cookie(&st, "", 0) {
        resp.headers_mut().insert("set-cookie", v);
    }
    Ok(resp)
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
