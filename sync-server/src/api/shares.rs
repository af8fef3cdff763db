//! Shares: create, list, append, pull, snapshot, erase. The server sees only ciphertext and the
//! 38-byte chunk headers; every read and write is audited under the share's pseudonym.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::Json;
use companion_core::protocol::envelope::{parse_chunk_header, ChunkKind};
use companion_core::protocol::keys::WRAPPED_SHARE_KEY_LEN;
use companion_core::protocol::wire::{
    AppendChunk, Appended, CreateShare, PullResponse, PutSnapshot, ShareInfo, ShareList, SnapshotStored, StoredChunk,
    StoredSnapshot, B64,
};
use companion_core::protocol::{ProtocolError, ShareId};
use serde::Deserialize;

use super::auth::{self, share_ref, Caller};
use super::clinicians::parse_json;
use super::devices::request_path;
use super::{ApiFailure, ApiResult, AppState, ShareAccess};
use crate::db::{AppendOutcome, DbError, NewSnapshot, ShareRow, SnapshotOutcome};

const DEFAULT_LIMIT: u32 = 500;
const MAX_LIMIT: u32 = 1000;

fn info(s: &ShareRow) -> ShareInfo {
    ShareInfo {
        share_id: ShareId(s.id),
        device_id: s.device_id.clone(),
        recipient: s.clinician_id.clone(),
        wrapped_key: B64(s.wrapped_key.clone()),
        last_seq: s.last_seq,
        snapshot_covers: s.snapshot_covers,
        created_at_ms: s.created_ms,
    }
}

fn parse_share_id(text: &str) -> ApiResult<ShareId> {
    text.parse().map_err(|_| ApiFailure::bad_request("share id: 22 base64url characters"))
}

fn chunk_failure(e: ProtocolError) -> ApiFailure {
    match e {
        ProtocolError::TooLarge => {
            ApiFailure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the chunk is larger than allowed")
        }
        _ => ApiFailure::bad_request("the sealed chunk is malformed"),
    }
}

/// Check the caller may reach a share: 400 bad id, 410 erased, 404 unknown, 403 not theirs.
async fn reachable(st: &AppState, caller: &Caller, id: &ShareId, action: &'static str) -> ApiResult<ShareAccess> {
    let sref = share_ref(&st.secret, id);
    let refuse = |f: ApiFailure| async move {
        st.audit(&caller.actor(), action, Some(sref), f.status).await;
        Err(f)
    };
    let cached = st.shares.read().ok().and_then(|m| m.get(id.as_bytes()).cloned());
    let access = match cached {
        Some(a) => a,
        None => {
            if st.db.is_erased(&sref).await? {
                return refuse(ApiFailure::gone()).await;
            }
            let Some(share) = st.db.share(id.as_bytes()).await? else {
                return refuse(ApiFailure::not_found("share")).await;
            };
            let a = ShareAccess { device_id: share.device_id, clinician_id: share.clinician_id };
            if let Ok(mut m) = st.shares.write() {
                m.insert(*id.as_bytes(), a.clone());
            }
            a
        }
    };
    let allowed = match caller {
        Caller::Device(d) => &access.device_id == d,
        Caller::Clinician(c) => access.clinician_id == c.id,
    };
    if !allowed {
        return refuse(ApiFailure::forbidden()).await;
    }
    Ok(access)
}

/// The share vanished under a cached entry (erased by another process): say so precisely.
async fn vanished(st: &AppState, id: &ShareId) -> ApiFailure {
    if let Ok(mut m) = st.shares.write() {
        m.remove(id.as_bytes());
    }
    match st.db.is_erased(&share_ref(&st.secret, id)).await {
        Ok(true) => ApiFailure::gone(),
        _ => ApiFailure::not_found("share"),
    }
}

/// `POST /v1/shares` (device): create a share for a paired clinician.
pub async fn create(
    State(st): State<Arc<AppState>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ShareInfo>)> {
    let device = auth::device(&st, &method, &request_path(&uri), &headers, &body).await?;
    let req: CreateShare = parse_json(&body)?;
    let actor = format!("device:{device}");
    let sref = share_ref(&st.secret, &req.share_id);
    if req.wrapped_key.0.len() != WRAPPED_SHARE_KEY_LEN {
        return Err(ApiFailure::bad_request("wrapped_key has the wrong length"));
    }
    if st.db.is_erased(&sref).await? {
        st.audit(&actor, "create_share", Some(sref), StatusCode::GONE).await;
        return Err(ApiFailure::gone());
    }
    if !st.db.is_paired(&device, &req.recipient).await? {
        st.audit(&actor, "create_share", Some(sref), StatusCode::FORBIDDEN).await;
        return Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            "not_paired",
            "this device is not paired with that clinician",
        ));
    }
    let row = ShareRow {
        id: *req.share_id.as_bytes(),
        device_id: device,
        clinician_id: req.recipient,
        wrapped_key: req.wrapped_key.0,
        last_seq: 0,
        snapshot_covers: 0,
        created_ms: st.now_ms(),
    };
    match st.db.create_share(&row).await {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            // A retried create by the same device is fine; anything else is a conflict.
            if let Some(existing) = st.db.share(&row.id).await? {
                if existing.device_id == row.device_id
                    && existing.clinician_id == row.clinician_id
                    && existing.wrapped_key == row.wrapped_key
                {
                    return Ok((StatusCode::OK, Json(info(&existing))));
                }
            }
            st.audit(&actor, "create_share", Some(sref), StatusCode::CONFLICT).await;
            return Err(ApiFailure::new(StatusCode::CONFLICT, "exists", "a share with this id exists"));
        }
        Err(e) => return Err(e.into()),
    }
    st.audit(&actor, "create_share", Some(sref), StatusCode::CREATED).await;
    Ok((StatusCode::CREATED, Json(info(&row))))
}

/// `GET /v1/shares`: a device's own shares, or the shares addressed to a clinician.
pub async fn list(
    State(st): State<Arc<AppState>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Json<ShareList>> {
    let caller = auth::caller(&st, &method, &request_path(&uri), &headers, b"").await?;
    let rows = match &caller {
        Caller::Device(d) => st.db.shares_of_device(d).await?,
        Caller::Clinician(c) => st.db.shares_of_clinician(&c.id).await?,
    };
    st.audit(&caller.actor(), "list_shares", None, StatusCode::OK).await;
    Ok(Json(ShareList { shares: rows.iter().map(info).collect() }))
}

/// `POST /v1/shares/{id}/chunks`: append one sealed change chunk (idempotent by chunk id).
pub async fn append(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Appended>)> {
    let caller = auth::caller(&st, &method, &request_path(&uri), &headers, &body).await?;
    let id = parse_share_id(&id)?;
    let req: AppendChunk = parse_json(&body)?;
    let header = parse_chunk_header(&req.chunk.0).map_err(chunk_failure)?;
    if header.kind != ChunkKind::Change {
        return Err(ApiFailure::bad_request("snapshots go to PUT /v1/shares/{id}/snapshot"));
    }
    reachable(&st, &caller, &id, "append").await?;
    let sref = share_ref(&st.secret, &id);
    let (status, appended) = match st.db.append(id.as_bytes(), header.chunk_id.as_bytes(), req.chunk.0).await? {
        AppendOutcome::Stored(seq) => {
            st.metrics.appends.inc();
            (StatusCode::CREATED, Appended { seq, created: true })
        }
        AppendOutcome::Existing(seq) => (StatusCode::OK, Appended { seq, created: false }),
        AppendOutcome::NoShare => return Err(vanished(&st, &id).await),
    };
    st.audit(&caller.actor(), "append", Some(sref), status).await;
    Ok((status, Json(appended)))
}

#[derive(Deserialize)]
pub struct PullQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

/// `GET /v1/shares/{id}/chunks?after=N&limit=M`: the snapshot (when `after` is below its
/// coverage) and the chunks after it.
pub async fn pull(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Json<PullResponse>> {
    let caller = auth::caller(&st, &method, &request_path(&uri), &headers, b"").await?;
    let id = parse_share_id(&id)?;
    let Query(q) = query.map_err(|_| ApiFailure::bad_request("after and limit must be whole numbers"))?;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    reachable(&st, &caller, &id, "pull").await?;
    let p = st.db.pull(id.as_bytes(), q.after.unwrap_or(0), limit).await?;
    if p.last_seq == 0 && p.chunks.is_empty() && p.snapshot.is_none() && st.db.share(id.as_bytes()).await?.is_none() {
        return Err(vanished(&st, &id).await);
    }
    st.metrics.pulls.inc();
    st.audit(&caller.actor(), "pull", Some(share_ref(&st.secret, &id)), StatusCode::OK).await;
    Ok(Json(PullResponse {
        snapshot: p.snapshot.map(|(covers, data)| StoredSnapshot { covers, data: B64(data) }),
        chunks: p.chunks.into_iter().map(|(seq, data)| StoredChunk { seq, data: B64(data) }).collect(),
        last_seq: p.last_seq,
        more: p.more,
    }))
}

/// `PUT /v1/shares/{id}/snapshot`: store a sealed snapshot covering up to N, and delete
/// exactly the chunks it covers.
pub async fn snapshot(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<SnapshotStored>> {
    let caller = auth::caller(&st, &method, &request_path(&uri), &headers, &body).await?;
    let id = parse_share_id(&id)?;
    let req: PutSnapshot = parse_json(&body)?;
    let header = parse_chunk_header(&req.snapshot.0).map_err(chunk_failure)?;
    if header.kind != ChunkKind::Snapshot {
        return Err(ApiFailure::bad_request("change chunks go to POST /v1/shares/{id}/chunks"));
    }
    reachable(&st, &caller, &id, "snapshot").await?;
    let sref = share_ref(&st.secret, &id);
    let snapshot =
        NewSnapshot { share: id.as_bytes(), covers: header.covers_seq, chunk_id: header.chunk_id.as_bytes() };
    let out = st.db.put_snapshot(snapshot, req.snapshot.0).await?;
    let (status, result) = match out {
        SnapshotOutcome::Stored { removed } => {
            (StatusCode::OK, Ok(SnapshotStored { covers: header.covers_seq, removed }))
        }
        SnapshotOutcome::Existing => (StatusCode::OK, Ok(SnapshotStored { covers: header.covers_seq, removed: 0 })),
        SnapshotOutcome::Stale => (
            StatusCode::CONFLICT,
            Err(ApiFailure::new(
                StatusCode::CONFLICT,
                "stale",
                "the snapshot covers chunks that do not exist or are already covered",
            )),
        ),
        SnapshotOutcome::NoShare => {
            let f = vanished(&st, &id).await;
            (f.status, Err(f))
        }
    };
    st.audit(&caller.actor(), "snapshot", Some(sref), status).await;
    result.map(Json)
}

/// `DELETE /v1/shares/{id}` (the owning device): erase everything of the share. Repeating it
/// after success is fine (a lost response must not leave the client stuck).
pub async fn erase(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let device = auth::device(&st, &method, &request_path(&uri), &headers, b"").await?;
    let id = parse_share_id(&id)?;
    let actor = format!("device:{device}");
    let sref = share_ref(&st.secret, &id);
    if st.db.is_erased(&sref).await? {
        st.audit(&actor, "erase", Some(sref), StatusCode::NO_CONTENT).await;
        return Ok(StatusCode::NO_CONTENT);
    }
    let caller = Caller::Device(device);
    reachable(&st, &caller, &id, "erase").await?;
    st.db.erase(id.as_bytes(), &sref, st.now_ms()).await?;
    if let Ok(mut m) = st.shares.write() {
        m.remove(id.as_bytes());
    }
    st.metrics.erasures.inc();
    st.audit(&actor, "erase", Some(sref), StatusCode::NO_CONTENT).await;
    Ok(StatusCode::NO_CONTENT)
}
