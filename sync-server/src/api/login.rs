//! Logging in with OPAQUE (docs/protocol.md, "Clinician login"): `POST /v1/sessions/start`
//! answers KE1 with KE2, `POST /v1/sessions/finish` checks KE3 and opens a session; and
//! logging out. Unknown accounts, wrong passphrases and accounts over their allowance get the
//! same answers (a fake KE2 that no passphrase completes, then 401), so none can be told apart.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use companion_core::protocol::opaque::{RegistrationRecord, ServerLoginState};
use companion_core::protocol::wire::{LoginFinish, LoginResponse, LoginStart, LoginStarted, B64};

use super::auth::{self, hash_token, SESSION_COOKIE};
use super::clinicians::{account, normalise_email, parse_json, random_token};
use super::{ApiFailure, ApiResult, AppState, ClientSource};
use crate::db::{ClinicianRow, LoginAttempt, SessionRow, SessionScope};
use crate::ratelimit::LoginAllowance;

/// How long KE2's state waits for KE3.
const ATTEMPT_TTL_MS: i64 = 2 * 60 * 1000;

/// The one answer for a login that did not go through.
pub(crate) fn refused() -> ApiFailure {
    ApiFailure::unauthorized("that email and passphrase do not match an account")
}

/// The account a ticket opens an allowance for, if it is a live ticket of `email`'s account.
async fn ticket_of(st: &AppState, ticket: Option<&str>, account: Option<&ClinicianRow>) -> ApiResult<Option<[u8; 32]>> {
    let (Some(ticket), Some(account)) = (ticket, account) else { return Ok(None) };
    if ticket.is_empty() || ticket.len() > 128 {
        return Ok(None);
    }
    let hash = hash_token(ticket);
    let owner = st.db.ticket_owner(&hash, st.now_ms()).await?;
    Ok((owner.as_deref() == Some(account.id.as_str())).then_some(hash))
}

/// `POST /v1/sessions/start`: KE2 for the client's KE1.
pub async fn start(
    State(st): State<Arc<AppState>>,
    Extension(source): Extension<ClientSource>,
    body: Bytes,
) -> ApiResult<Json<LoginStarted>> {
    let req: LoginStart = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    let account = st.db.clinician_by_email(&email).await?;
    let ticket = ticket_of(&st, req.ticket.as_deref(), account.as_ref()).await?;
    let record = match st.login_limits.charge(&source.0, &email, ticket.as_ref()) {
        LoginAllowance::SlowDown(wait) => return Err(ApiFailure::rate_limited(wait)),
        LoginAllowance::AsUnknown => None,
        LoginAllowance::Go => account.and_then(|a| a.opaque_record),
    };
    let (state, response) = st.opaque_login_response(record, req.request.0, email.clone()).await?;
    let login_id = random_token()?;
    let attempt = LoginAttempt { email, state: state.to_bytes().to_vec() };
    st.db.put_login_attempt(&hash_token(&login_id), &attempt, st.now_ms() + ATTEMPT_TTL_MS).await?;
    Ok(Json(LoginStarted { login_id, response: B64(response) }))
}

/// `POST /v1/sessions/finish`: check KE3; on success a session (token and cookie) and a
/// ticket for the next login from the same machine.
pub async fn finish(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let req: LoginFinish = parse_json(&body)?;
    if req.login_id.is_empty() || req.login_id.len() > 128 {
        return Err(refused());
    }
    let now = st.now_ms();
    let attempt = st.db.take_login_attempt(&hash_token(&req.login_id), now).await?.ok_or_else(refused)?;
    let email = attempt.email.clone();
    let state = ServerLoginState::from_bytes(&attempt.state);
    let finalization = req.finalization.0;
    let verified =
        st.work.run(move || state.verify(&finalization, &email)).await.map_err(|_| ApiFailure::busy())?.is_ok();
    let clinician = match st.db.clinician_by_email(&attempt.email).await? {
        Some(a) if verified && a.opaque_record.is_some() => a,
        other => {
            if let Some(a) = other {
                st.audit(&format!("clinician:{}", a.id), "login", None, StatusCode::UNAUTHORIZED).await;
            }
            return Err(refused());
        }
    };
    let token = random_token()?;
    let ttl = st.config.session_ttl;
    let expires = now + ttl.as_millis() as i64;
    let session = SessionRow { clinician_id: clinician.id.clone(), scope: SessionScope::Full };
    st.db.create_session(&hash_token(&token), &session, expires).await?;
    let ticket = random_token()?;
    st.db.create_ticket(&hash_token(&ticket), &clinician.id, now + st.config.ticket_ttl.as_millis() as i64).await?;
    st.audit(&format!("clinician:{}", clinician.id), "login", None, StatusCode::OK).await;
    let body = LoginResponse { token: token.clone(), expires_at_ms: expires, account: account(&clinician)?, ticket };
    let mut resp = Json(body).into_response();
    if let Some(v) = session_cookie(&st, &token, ttl.as_secs()) {
        resp.headers_mut().insert("set-cookie", v);
    }
    Ok(resp)
}

pub(crate) fn session_cookie(st: &AppState, token: &str, max_age: u64) -> Option<HeaderValue> {
    let secure = if st.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
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

/// A stored record, or `None` (as for an unknown account) if it is damaged.
pub(crate) fn record_of(bytes: Option<Vec<u8>>) -> Option<RegistrationRecord> {
    let bytes = bytes?;
    match RegistrationRecord::from_bytes(&bytes) {
        Ok(r) => Some(r),
        Err(_) => {
            tracing::error!("a stored OPAQUE record is damaged");
            None
        }
    }
}
