//! The one-time upgrade of a version-1 account to OPAQUE. Version 1's verifier is an Argon2id
//! hash (m = 19,456 KiB, t = 2, p = 1) of an auth secret the clinician's side derived with
//! PBKDF2; the salt is returned at prelogin. `POST /v1/sessions/legacy` checks it (on the
//! bounded pool) and gives a token that allows only the upgrade; `upgrade/start` and
//! `upgrade/finish` run OPAQUE's registration under that token; finishing stores the record and
//! the re-wrapped key and deletes the old verifier, in one transaction.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, Version};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use companion_core::protocol::opaque::RegistrationRecord;
use companion_core::protocol::wire::{
    ClinicianAccount, LegacyLoginRequest, LegacyLoginResponse, PreloginRequest, PreloginResponse, RegistrationStarted,
    UpgradeFinish, UpgradeStart, B64,
};
use companion_core::protocol::CLINICIAN_KDF_ITERATIONS;
use ring::hmac;

use super::auth::{self, hash_token};
use super::clinicians::{account, check_wrapped_key, normalise_email, parse_json, random_token};
use super::login::refused;
use super::{ApiFailure, ApiResult, AppState, ClientSource};
use crate::db::{SessionRow, SessionScope};
use crate::ratelimit::LoginAllowance;

/// Argon2id parameters of version 1's stored hash (OWASP's minimum).
const ARGON_M_KIB: u32 = 19_456;
const ARGON_T: u32 = 2;
const ARGON_P: u32 = 1;
const HASH_VERSION: u8 = 1;
/// How long an upgrade token lasts.
const UPGRADE_TTL_MS: i64 = 10 * 60 * 1000;

fn argon() -> Option<Argon2<'static>> {
    let params = Params::new(ARGON_M_KIB, ARGON_T, ARGON_P, Some(32)).ok()?;
    Some(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// version ‖ salt (16) ‖ Argon2id(auth secret, salt) (32): what version 1 stored (tests make
/// version-1 accounts with it).
pub fn hash_auth_secret(secret: &[u8], salt: [u8; 16]) -> Option<Vec<u8>> {
    let mut out = [0u8; 32];
    argon()?.hash_password_into(secret, &salt, &mut out).ok()?;
    let mut v = vec![HASH_VERSION];
    v.extend_from_slice(&salt);
    v.extend_from_slice(&out);
    Some(v)
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Check an auth secret against a stored hash; an absent one costs the same work.
fn verify_auth_secret(stored: Option<&[u8]>, secret: &[u8]) -> bool {
    let dummy = [HASH_VERSION; 49];
    let stored = stored.unwrap_or(&dummy);
    if stored.len() != 1 + 16 + 32 || stored[0] != HASH_VERSION {
        return false;
    }
    let mut out = [0u8; 32];
    let Some(a) = argon() else { return false };
    if a.hash_password_into(secret, &stored[1..17], &mut out).is_err() {
        return false;
    }
    ct_eq(&out, &stored[17..])
}

/// `POST /v1/clinicians/prelogin`: a version-1 account's salt. Any other email (unknown, or
/// already on OPAQUE) gets a stable fake salt, so the answer says nothing about accounts.
pub async fn prelogin(State(st): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<PreloginResponse>> {
    let req: PreloginRequest = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    let legacy = match st.db.clinician_by_email(&email).await? {
        Some(c) => st.db.legacy_login(&c.id).await?,
        None => None,
    };
    Ok(Json(match legacy {
        Some(l) => PreloginResponse { salt: B64(l.salt), iterations: l.iterations },
        None => {
            let key = hmac::Key::new(hmac::HMAC_SHA256, &st.secret);
            let fake = hmac::sign(&key, format!("fake-salt:{email}").as_bytes());
            PreloginResponse { salt: B64(fake.as_ref()[..16].to_vec()), iterations: CLINICIAN_KDF_ITERATIONS }
        }
    }))
}

/// `POST /v1/sessions/legacy`: version 1's login, for the upgrade only. Under the same limits
/// as OPAQUE logins; unknown, wrong and limited get the same 401.
pub async fn login(
    State(st): State<Arc<AppState>>,
    Extension(source): Extension<ClientSource>,
    body: Bytes,
) -> ApiResult<Json<LegacyLoginResponse>> {
    let req: LegacyLoginRequest = parse_json(&body)?;
    let email = normalise_email(&req.email)?;
    let allowed = match st.login_limits.charge(&source.0, &email, None) {
        LoginAllowance::SlowDown(wait) => return Err(ApiFailure::rate_limited(wait)),
        LoginAllowance::AsUnknown => false,
        LoginAllowance::Go => true,
    };
    let found = st.db.clinician_by_email(&email).await?;
    let legacy = match &found {
        Some(c) if allowed => st.db.legacy_login(&c.id).await?,
        _ => None,
    };
    let stored = legacy.map(|l| l.auth_hash);
    let has_verifier = stored.is_some();
    let secret = req.auth_secret.0;
    let ok =
        st.work.run(move || verify_auth_secret(stored.as_deref(), &secret)).await.map_err(|_| ApiFailure::busy())?;
    let Some(clinician) = found.filter(|_| ok && has_verifier) else {
        return Err(refused());
    };
    let token = random_token()?;
    let session = SessionRow { clinician_id: clinician.id.clone(), scope: SessionScope::Upgrade };
    st.db.create_session(&hash_token(&token), &session, st.now_ms() + UPGRADE_TTL_MS).await?;
    st.audit(&format!("clinician:{}", clinician.id), "legacy_login", None, StatusCode::OK).await;
    Ok(Json(LegacyLoginResponse { upgrade_token: token, account: account(&clinician)? }))
}

/// `POST /v1/clinicians/upgrade/start` (upgrade token): OPAQUE's registration response.
pub async fn upgrade_start(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<RegistrationStarted>> {
    let c = auth::upgrading_clinician(&st, &headers).await?;
    let req: UpgradeStart = parse_json(&body)?;
    let response = st.opaque_registration_response(req.request.0, c.email).await?;
    Ok(Json(RegistrationStarted { response: B64(response) }))
}

/// `POST /v1/clinicians/upgrade/finish` (upgrade token): store the OPAQUE record and the
/// re-wrapped key, delete version 1's verifier.
pub async fn upgrade_finish(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<ClinicianAccount>> {
    let c = auth::upgrading_clinician(&st, &headers).await?;
    let req: UpgradeFinish = parse_json(&body)?;
    check_wrapped_key(&req.wrapped_private_key.0)?;
    let record = RegistrationRecord::from_upload(&req.upload.0)
        .map_err(|_| ApiFailure::bad_request("upload: not an OPAQUE registration upload"))?;
    if !st.db.complete_upgrade(&c.id, &record.to_bytes(), &req.wrapped_private_key.0).await? {
        return Err(ApiFailure::new(StatusCode::CONFLICT, "upgraded", "this account already logs in with OPAQUE"));
    }
    st.audit(&format!("clinician:{}", c.id), "upgrade_login", None, StatusCode::OK).await;
    let upgraded = st.db.clinician_by_id(&c.id).await?.ok_or_else(refused)?;
    Ok(Json(account(&upgraded)?))
}
