//! Who is calling: a device (signed request) or a clinician (session token), plus rate limits
//! and CSRF checks for cookie-authenticated writes.

use axum::http::{HeaderMap, Method, StatusCode};
use companion_core::protocol::device::{
    self, SignedRequest, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use companion_core::protocol::ShareId;
use ring::{digest, hmac};

use super::{ApiFailure, ApiResult, AppState};
use crate::db::{ClinicianRow, SessionScope};

/// The name of the session cookie (the `__Host-` prefix pins it to this origin, path `/`, Secure).
pub const SESSION_COOKIE: &str = "__Host-session";

/// SHA-256 of a bearer secret (tokens are stored only as hashes).
pub fn hash_token(token: &str) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// The pseudonym a share is audited and remembered under after erasure.
pub fn share_ref(secret: &[u8; 32], share: &ShareId) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let tag = hmac::sign(&key, &[b"share:".as_slice(), share.as_bytes()].concat());
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// The authenticated caller of a share endpoint.
#[derive(Debug)]
pub enum Caller {
    Device(String),
    Clinician(ClinicianRow),
}

impl Caller {
    pub fn actor(&self) -> String {
        match self {
            Caller::Device(id) => format!("device:{id}"),
            Caller::Clinician(c) => format!("clinician:{}", c.id),
        }
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn rate_limited(st: &AppState, key: &str) -> ApiResult<()> {
    st.limiter.check(key).map_err(ApiFailure::rate_limited)
}

/// Parse the signature headers of a device request.
fn signed(headers: &HeaderMap) -> ApiResult<(String, SignedRequest)> {
    let dev = header(headers, HEADER_DEVICE).ok_or_else(|| ApiFailure::unauthorized("missing device signature"))?;
    if dev.is_empty() || dev.len() > 64 {
        return Err(ApiFailure::unauthorized("malformed device id"));
    }
    let ts = header(headers, HEADER_TIMESTAMP).ok_or_else(|| ApiFailure::unauthorized("missing request timestamp"))?;
    let nonce = header(headers, HEADER_NONCE).ok_or_else(|| ApiFailure::unauthorized("missing request nonce"))?;
    let sig = header(headers, HEADER_SIGNATURE).ok_or_else(|| ApiFailure::unauthorized("missing request signature"))?;
    let req = SignedRequest::from_headers(ts, nonce, sig)
        .map_err(|_| ApiFailure::unauthorized("malformed signature headers"))?;
    Ok((dev.to_string(), req))
}

/// Check freshness and the nonce, after the signature verified.
async fn fresh(st: &AppState, device_id: &str, req: &SignedRequest) -> ApiResult<()> {
    let now = st.now_ms();
    if (req.timestamp_ms - now).abs() > device::MAX_CLOCK_SKEW_MS {
        return Err(ApiFailure::unauthorized("the request's time is too far from the server's clock"));
    }
    let expires = now + 2 * device::MAX_CLOCK_SKEW_MS;
    if !st.db.use_nonce(device_id, &req.nonce, now, expires).await? {
        st.metrics.replays.inc();
        return Err(ApiFailure::unauthorized("this request was already received (replay refused)"));
    }
    Ok(())
}

/// Authenticate a device request against a registered device.
pub async fn device(
    st: &AppState,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<String> {
    let (id, req) = signed(headers)?;
    let cached = st.device_keys.read().ok().and_then(|m| m.get(&id).copied());
    let key = match cached {
        Some(k) => k,
        None => {
            let k = st.db.device_key(&id).await?.ok_or_else(|| ApiFailure::unauthorized("unknown device"))?;
            if let Ok(mut m) = st.device_keys.write() {
                m.insert(id.clone(), k);
            }
            k
        }
    };
    if !device::verify_request(&key, method.as_str(), path_and_query, body, &req) {
        st.metrics.bad_signatures.inc();
        return Err(ApiFailure::unauthorized("the request's signature does not verify"));
    }
    fresh(st, &id, &req).await?;
    // Charged only now: junk or replays naming a device's id never use up its allowance.
    rate_limited(st, &format!("device:{id}"))?;
    Ok(id)
}

/// Authenticate a device registration: signed with the key being registered.
pub async fn new_device(
    st: &AppState,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    public_key: &[u8; 32],
) -> ApiResult<String> {
    let (id, req) = signed(headers)?;
    if id != device::device_id(public_key) {
        return Err(ApiFailure::unauthorized("the device id does not match its key"));
    }
    if !device::verify_request(public_key, method.as_str(), path_and_query, body, &req) {
        st.metrics.bad_signatures.inc();
        return Err(ApiFailure::unauthorized("the request's signature does not verify"));
    }
    fresh(st, &id, &req).await?;
    rate_limited(st, &format!("device:{id}"))?;
    Ok(id)
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    for v in headers.get_all("cookie") {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, val)) = part.trim().split_once('=') {
                if k == SESSION_COOKIE {
                    return Some(val.to_string());
                }
            }
        }
    }
    None
}

/// The session token of a request, and whether it came from the cookie.
pub fn session_token(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(a) = header(headers, "authorization") {
        if let Some(t) = a.strip_prefix("Bearer ") {
            return Some((t.trim().to_string(), false));
        }
    }
    cookie_token(headers).map(|t| (t, true))
}

/// Cookie-authenticated writes must come from our own origin (Fetch Metadata + Origin).
fn csrf_ok(st: &AppState, method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = header(headers, "sec-fetch-site") {
        if site != "same-origin" {
            return false;
        }
    }
    match header(headers, "origin") {
        Some(o) => o.trim_end_matches('/') == st.config.public_url.trim_end_matches('/'),
        None => true,
    }
}

/// Authenticate a clinician by a full session.
pub async fn clinician(st: &AppState, method: &Method, headers: &HeaderMap) -> ApiResult<ClinicianRow> {
    let (token, from_cookie) = session_token(headers).ok_or_else(|| ApiFailure::unauthorized("please log in"))?;
    if from_cookie && !csrf_ok(st, method, headers) {
        return Err(ApiFailure::new(StatusCode::FORBIDDEN, "cross_site", "cross-site requests are refused"));
    }
    session_of(st, &token, SessionScope::Full).await
}

/// Authenticate a version-1 account in the middle of its upgrade (bearer upgrade token).
pub async fn upgrading_clinician(st: &AppState, headers: &HeaderMap) -> ApiResult<ClinicianRow> {
    let token = match session_token(headers) {
        Some((t, false)) => t,
        _ => return Err(ApiFailure::unauthorized("log in the old way first (upgrade token)")),
    };
    session_of(st, &token, SessionScope::Upgrade).await
}

async fn session_of(st: &AppState, token: &str, scope: SessionScope) -> ApiResult<ClinicianRow> {
    if token.is_empty() || token.len() > 128 {
        return Err(ApiFailure::unauthorized("please log in"));
    }
    let session = st
        .db
        .session(&hash_token(token), st.now_ms())
        .await?
        .filter(|s| s.scope == scope)
        .ok_or_else(|| ApiFailure::unauthorized("please log in again"))?;
    rate_limited(st, &format!("clinician:{}", session.clinician_id))?;
    st.db.clinician_by_id(&session.clinician_id).await?.ok_or_else(|| ApiFailure::unauthorized("please log in again"))
}

/// A device if the request is signed, otherwise a clinician session.
pub async fn caller(
    st: &AppState,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Caller> {
    if headers.contains_key(HEADER_DEVICE) {
        Ok(Caller::Device(device(st, method, path_and_query, headers, body).await?))
    } else {
        Ok(Caller::Clinician(clinician(st, method, headers).await?))
    }
}
