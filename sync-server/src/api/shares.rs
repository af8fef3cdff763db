//! Shares: create, list, append, pull, snapshot, erase. The server sees only ciphertext and the
//! 38-byte chunk headers; every read and write is audited under the share's pseudonym.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::Json;
use companion_core::protocol::envelope::{parse_chunk_header, ChunkKind, MAX_SEALED_CHUNK};
use companion_core::protocol::keys::WRAPPED_SHARE_KEY_LEN;
use companion_core::protocol::wire::{
    AppendChunk, Appended, CreateShare, ErasedShare, PullResponse, PutSnapshot, ShareInfo, ShareList, SnapshotStored,
    StoredChunk, StoredSnapshot, B64,
};
use companion_core::protocol::{ProtocolError, ShareId};
use serde::Deserialize;

use super::auth::{self, share_ref, Caller};
use super::clinicians::parse_json;
use super::devices::request_path;
use super::{ApiFailure, ApiResult, AppState, ShareAccess};
use crate::db::{AppendOutcome, DbError, NewSnapshot, ShareRow, SnapshotOutcome, Tombstone, Writer};
use crate::quota::Charge;

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
        recipient_may_append: s.recipient_may_append,
    }
}

fn erased(t: &Tombstone) -> ErasedShare {
    ErasedShare { share_id: ShareId(t.share_id), device_id: t.device_id.clone(), erased_at_ms: t.erased_ms }
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
/// Returns who the share is to, and whether the caller is its owner or its recipient.
async fn reachable(
    st: &AppState,
    caller: &Caller,
    id: &ShareId,
    action: &'static str,
) -> ApiResult<(ShareAccess, Writer)> {
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
            let clinic_id = st.db.clinician_by_id(&share.clinician_id).await?.map(|c| c.clinic_id).unwrap_or_default();
            let a = ShareAccess {
                device_id: share.device_id,
                clinician_id: share.clinician_id,
                clinic_id,
                recipient_may_append: share.recipient_may_append,
            };
            if let Ok(mut m) = st.shares.write() {
                m.insert(*id.as_bytes(), a.clone());
            }
            a
        }
    };
    let party = match caller {
        Caller::Device(d) if &access.device_id == d => Writer::Owner,
        Caller::Clinician(c) if access.clinician_id == c.id => Writer::Recipient,
        _ => return refuse(ApiFailure::forbidden()).await,
    };
    Ok((access, party))
}

/// 403 for a recipient writing where the owner did not let them.
fn owner_only(what: &str) -> ApiFailure {
    ApiFailure::new(StatusCode::FORBIDDEN, "owner_only", format!("only the device that shares this may {what}"))
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
    let recipient = match st.db.is_paired(&device, &req.recipient).await? {
        true => st.db.clinician_by_id(&req.recipient).await?,
        false => None,
    };
    let Some(recipient) = recipient else {
        st.audit(&actor, "create_share", Some(sref), StatusCode::FORBIDDEN).await;
        return Err(ApiFailure::new(
            StatusCode::FORBIDDEN,
            "not_paired",
            "this device is not paired with that clinician",
        ));
    };
    let row = ShareRow {
        id: *req.share_id.as_bytes(),
        device_id: device,
        clinician_id: req.recipient,
        wrapped_key: req.wrapped_key.0,
        last_seq: 0,
        snapshot_covers: 0,
        created_ms: st.now_ms(),
        recipient_may_append: req.recipient_may_append,
    };
    let charge = Charge { device: &row.device_id, clinic: &recipient.clinic_id, bytes: 0, shares: 1, grace: 0 };
    let reservation = match st.usage.reserve(st.db.as_ref(), charge).await? {
        Ok(r) => r,
        Err(q) => {
            st.audit(&actor, "create_share", Some(sref), ApiFailure::quota(q).status).await;
            return Err(ApiFailure::quota(q));
        }
    };
    match st.db.create_share(&row).await {
        Ok(()) => reservation.keep(),
        Err(DbError::Conflict(_)) => {
            // A retried create by the same device is fine; anything else is a conflict.
            if let Some(existing) = st.db.share(&row.id).await? {
                if existing.device_id == row.device_id
                    && existing.clinician_id == row.clinician_id
                    && existing.wrapped_key == row.wrapped_key
                    && existing.recipient_may_append == row.recipient_may_append
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
    let (rows, tombstones) = match &caller {
        Caller::Device(d) => (st.db.shares_of_device(d).await?, Vec::new()),
        Caller::Clinician(c) => (st.db.shares_of_clinician(&c.id).await?, st.db.tombstones_of_clinician(&c.id).await?),
    };
    st.audit(&caller.actor(), "list_shares", None, StatusCode::OK).await;
    Ok(Json(ShareList { shares: rows.iter().map(info).collect(), erased: tombstones.iter().map(erased).collect() }))
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
    let (access, party) = reachable(&st, &caller, &id, "append").await?;
    let sref = share_ref(&st.secret, &id);
    if party == Writer::Recipient && !access.recipient_may_append {
        st.audit(&caller.actor(), "append", Some(sref), StatusCode::FORBIDDEN).await;
        return Err(owner_only("write to it"));
    }
    let charge = Charge {
        device: &access.device_id,
        clinic: &access.clinic_id,
        bytes: req.chunk.0.len() as u64,
        shares: 0,
        grace: 0,
    };
    let reservation = match st.usage.reserve(st.db.as_ref(), charge).await? {
        Ok(r) => r,
        Err(q) => {
            st.audit(&caller.actor(), "append", Some(sref), ApiFailure::quota(q).status).await;
            return Err(ApiFailure::quota(q));
        }
    };
    let (status, appended) = match st.db.append(id.as_bytes(), header.chunk_id.as_bytes(), req.chunk.0, party).await? {
        AppendOutcome::Stored(seq) => {
            reservation.keep();
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
        chunks: p
            .chunks
            .into_iter()
            .map(|c| StoredChunk { seq: c.seq, data: B64(c.data), by_recipient: c.by == Writer::Recipient })
            .collect(),
        last_seq: p.last_seq,
        more: p.more,
    }))
}

/// `PUT /v1/shares/{id}/snapshot` (the owning device): store a sealed snapshot covering up to
/// N, and delete exactly the chunks it covers.
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
    let (access, party) = reachable(&st, &caller, &id, "snapshot").await?;
    let sref = share_ref(&st.secret, &id);
    if party == Writer::Recipient {
        st.audit(&caller.actor(), "snapshot", Some(sref), StatusCode::FORBIDDEN).await;
        return Err(owner_only("compact it"));
    }
    let bytes = req.snapshot.0.len() as u64;
    let grace = MAX_SEALED_CHUNK as u64;
    let charge = Charge { device: &access.device_id, clinic: &access.clinic_id, bytes, shares: 0, grace };
    let reservation = match st.usage.reserve(st.db.as_ref(), charge).await? {
        Ok(r) => r,
        Err(q) => {
            st.audit(&caller.actor(), "snapshot", Some(sref), ApiFailure::quota(q).status).await;
            return Err(ApiFailure::quota(q));
        }
    };
    let snapshot =
        NewSnapshot { share: id.as_bytes(), covers: header.covers_seq, chunk_id: header.chunk_id.as_bytes() };
    let out = st.db.put_snapshot(snapshot, req.snapshot.0).await?;
    let (status, result) = match out {
        SnapshotOutcome::Stored { removed, freed } => {
            reservation.keep();
            st.usage.freed(&access.device_id, &access.clinic_id, crate::db::Freed { bytes: freed, shares: 0 });
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

/// `DELETE /v1/shares/{id}` (the owning device): erase everything of the share and its audit
/// rows, and leave its recipient a tombstone. Repeating it after success is fine (a lost
/// response must not leave the client stuck).
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
        st.audit(&actor, "erase", None, StatusCode::NO_CONTENT).await;
        return Ok(StatusCode::NO_CONTENT);
    }
    let caller = Caller::Device(device);
    let (access, _) = reachable(&st, &caller, &id, "erase").await?;
    // Entries already queued that name the share are written first, so the erasure takes them
    // too (later ones are dropped once the share is erased).
    st.flush_audit().await;
    let tombstone = Tombstone {
        share_id: *id.as_bytes(),
        device_id: access.device_id.clone(),
        clinician_id: access.clinician_id.clone(),
        erased_ms: st.now_ms(),
    };
    let freed = st.db.erase(&sref, &tombstone).await?;
    if let Ok(mut m) = st.shares.write() {
        m.remove(id.as_bytes());
    }
    st.usage.freed(&access.device_id, &access.clinic_id, freed);
    st.metrics.erasures.inc();
    st.audit(&actor, "erase", None, StatusCode::NO_CONTENT).await;
    Ok(StatusCode::NO_CONTENT)
}
