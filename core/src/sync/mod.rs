//! The sync engine: pairing with a clinician, and keeping every share up to date with the
//! server, offline-first.
//!
//! Transport-agnostic: everything goes through [`Transport`] (an HTTP request in, a response
//! out), so a native app can run a sync from WorkManager or BGTaskScheduler with its own HTTP
//! stack; [`http::HttpTransport`] is the default Rust client.
//!
//! Each share's sync, in order (docs/sharing.md):
//! 1. a withdrawn share is erased on the server, then its document and key are dropped here;
//! 2. a new share is created on the server with its key HPKE-wrapped to the recipient;
//! 3. pending chunks from an interrupted sync are sent again (same chunk ids: never duplicated);
//! 4. the projection of the consented data is written into the share document; the new
//!    changes are sealed into a pending chunk and saved *before* anything is sent;
//! 5. the recipient's changes are pulled and merged (for the coping plan, mapped back onto the
//!    client's plan by id and listed as suggestions from that person);
//! 6. pending chunks are appended; long histories are compacted into a sealed snapshot.
//!
//! Failures back off exponentially per share; the rest of the shares still sync.

pub mod http;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::plan::doc::PlanDoc;
use crate::protocol::wire::*;
use crate::protocol::{self, ChunkId, ChunkKind, DeviceKey, Invite, RecipientPublic, ShareId};
use crate::share::{self, entries, project, Category, Pairing, Pending, Share, ShareDocument, ShareState, Suggestion};
use crate::store::{RecordKind, Store, Unreadable};
use crate::time::LocalStamp;

/// Compact a share into a snapshot after this many chunks.
pub const SNAPSHOT_AFTER_CHUNKS: u32 = 32;
/// Longest wait between retries of a failing share.
const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;

/// An HTTP request, as the engine hands it to a transport.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpRequest({} {} , {} bytes)", self.method, self.url, self.body.len())
    }
}

/// An HTTP response.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The network could not be reached (no response at all).
#[derive(Clone, Debug, thiserror::Error)]
#[error("the network is unavailable: {0}")]
pub struct TransportError(pub String);

/// Sends HTTP requests. Implemented by the built-in client, by native apps, and by tests
/// (which capture, drop, delay or duplicate requests).
pub trait Transport: Send + Sync {
    fn send(&self, req: HttpRequest) -> std::result::Result<HttpResponse, TransportError>;
}

/// What one sync did.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncReport {
    pub shares_synced: u32,
    pub shares_erased: u32,
    pub chunks_sent: u32,
    pub chunks_received: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Suggestions received from recipients in this sync.
    pub suggestions: Vec<String>,
    /// Shares that failed this time (they are retried later), as plain messages.
    pub errors: Vec<String>,
    /// Shares, and pairings of shares, that could not be read: they were skipped, the others
    /// synced. They stay in the store untouched.
    pub unreadable: Vec<Unreadable>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A signed-request client for one server and device.
struct Api<'a> {
    transport: &'a dyn Transport,
    base: String,
    key: DeviceKey,
    report: std::cell::RefCell<SyncReport>,
}

enum Call {
    Ok(u16, Vec<u8>),
}

impl<'a> Api<'a> {
    fn new(transport: &'a dyn Transport, base: &str, key: DeviceKey) -> Self {
        Api { transport, base: base.trim_end_matches('/').to_string(), key, report: Default::default() }
    }

    fn call(&self, method: &str, path: &str, body: Vec<u8>) -> Result<Call> {
        let signed = self.key.sign_request(method, path, now_ms(), &body)?;
        let mut headers: Vec<(String, String)> =
            signed.headers(&self.key.id()).into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        headers.push(("content-type".into(), "application/json".into()));
        let sent = body.len() as u64;
        let resp = self
            .transport
            .send(HttpRequest { method: method.into(), url: format!("{}{path}", self.base), headers, body })
            .map_err(|e| Error::Network(e.0))?;
        if let Ok(mut r) = self.report.try_borrow_mut() {
            r.bytes_sent += sent;
            r.bytes_received += resp.body.len() as u64;
        }
        Ok(Call::Ok(resp.status, resp.body))
    }

    fn json<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&impl Serialize>,
        ok: &[u16],
    ) -> Result<T> {
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|_| Error::State("a request could not be encoded"))?,
            None => Vec::new(),
        };
        let Call::Ok(status, body) = self.call(method, path, bytes)?;
        if !ok.contains(&status) {
            return Err(server_error(status, &body));
        }
        serde_json::from_slice(&body)
            .map_err(|_| Error::Server { status, message: "the server's answer could not be read".into() })
    }
}

fn server_error(status: u16, body: &[u8]) -> Error {
    let Ok(e) = serde_json::from_slice::<ApiError>(body) else {
        return Error::Server { status, message: "unexpected answer".into() };
    };
    match Quota::from_code(&e.error) {
        Some(q) => Error::QuotaReached(q),
        None => Error::Server { status, message: e.message },
    }
}

fn chunk_path(s: &Share) -> String {
    format!("/v1/shares/{}/chunks", s.share_id())
}

impl Store {
    /// Redeem a clinician's invite: register this device with their server and pair with
    /// them. The clinician's key must match the fingerprint in the invite, or nothing is kept.
    pub fn pair(&self, invite_text: &str, transport: &dyn Transport) -> Result<Pairing> {
        let invite = Invite::parse(invite_text)?;
        // One device key per server: reuse it when already paired with someone there.
        let existing = self.pairings()?.records.into_iter().find(|p| p.server == invite.server);
        let key = match &existing {
            Some(p) => DeviceKey::from_pkcs8(&p.device_key)?,
            None => DeviceKey::generate()?,
        };
        let api = Api::new(transport, &invite.server, DeviceKey::from_pkcs8(&key.pkcs8())?);
        let body = RegisterDevice {
            invite_token: invite.token.clone(),
            public_key: B64(key.public_key().to_vec()),
            label: None,
        };
        let reg: DeviceRegistered = api.json("POST", "/v1/devices", Some(&body), &[201])?;
        let pk = <[u8; 32]>::try_from(reg.recipient.public_key.0.as_slice())
            .map_err(|_| Error::Server { status: 201, message: "the clinician's key is malformed".into() })?;
        if protocol::fingerprint(&RecipientPublic(pk)) != invite.fingerprint {
            return Err(Error::KeyMismatch);
        }
        if self
            .pairings()?
            .records
            .iter()
            .any(|p| p.server == invite.server && p.clinician_id == reg.recipient.clinician_id)
        {
            return Err(Error::invalid("invite", "you are already paired with this person"));
        }
        let pairing = Pairing {
            id: RecordId::random()?,
            server: invite.server,
            clinician_id: reg.recipient.clinician_id,
            clinician_name: reg.recipient.display_name,
            clinician_public_key: pk,
            fingerprint: invite.fingerprint,
            device_id: reg.device_id,
            device_key: key.pkcs8().to_vec(),
            paired: LocalStamp::at(self.clock().now(), &self.clock().zone()),
        };
        self.write(|tx| tx.put(&pairing))?;
        Ok(pairing)
    }

    /// Sync every share due now (all of them with `force`), each on its own so one failing
    /// share does not hold back the others.
    pub fn sync(&self, transport: &dyn Transport, force: bool) -> Result<SyncReport> {
        let pairings = self.pairings()?;
        let shares = self.shares()?;
        let mut report = SyncReport { unreadable: shares.unreadable, ..Default::default() };
        for share in shares.records {
            if share.state == ShareState::Erased {
                continue;
            }
            if !force && share.next_attempt_utc_ms > now_ms() {
                continue;
            }
            let Some(pairing) = pairings.records.iter().find(|p| p.id == share.pairing) else {
                // Its pairing could not be read (it is named once), or is gone: nothing to sync with.
                match pairings.unreadable.iter().find(|u| u.id == share.pairing) {
                    Some(u) if !report.unreadable.contains(u) => report.unreadable.push(*u),
                    Some(_) => {}
                    None => report
                        .errors
                        .push(format!("{}: the person it is shared with is no longer paired", share.category)),
                }
                continue;
            };
            let api = Api::new(transport, &pairing.server, DeviceKey::from_pkcs8(&pairing.device_key)?);
            let id = share.id;
            let category = share.category;
            let outcome = sync_share(self, &api, pairing, share, &mut report);
            let r = api.report.into_inner();
            report.bytes_sent += r.bytes_sent;
            report.bytes_received += r.bytes_received;
            match outcome {
                Ok(()) => {}
                Err(e) => {
                    // Network and server failures back off; anything else is a bug to report.
                    report.errors.push(format!("{category}: {e}"));
                    self.write(|tx| {
                        let mut s: Share = tx.get(id)?;
                        s.failures = s.failures.saturating_add(1);
                        let wait = (30_000i64 << s.failures.min(20)).min(MAX_BACKOFF_MS);
                        s.next_attempt_utc_ms = now_ms() + wait;
                        s.last_error = Some(e.to_string());
                        tx.put(&s)
                    })?;
                }
            }
        }
        Ok(report)
    }
}

fn save_share(store: &Store, s: &Share) -> Result<()> {
    store.write(|tx| tx.put(s))
}

/// Sync one share (see the module documentation for the steps).
fn sync_share(store: &Store, api: &Api<'_>, pairing: &Pairing, mut s: Share, report: &mut SyncReport) -> Result<()> {
    // 1. Withdrawn: erase on the server, then here.
    if s.state == ShareState::Withdrawn {
        if s.created_on_server {
            let Call::Ok(status, body) = api.call("DELETE", &format!("/v1/shares/{}", s.share_id()), Vec::new())?;
            if !matches!(status, 204 | 404 | 410) {
                return Err(server_error(status, &body));
            }
        }
        s.state = ShareState::Erased;
        s.key = [0u8; 32];
        s.pending.clear();
        store.write(|tx| {
            tx.delete(RecordKind::ShareDocument, s.doc_record)?;
            tx.request_checkpoint();
            tx.put(&s)
        })?;
        report.shares_erased += 1;
        return Ok(());
    }
    // 2. Create on the server.
    if !s.created_on_server {
        let wrapped =
            protocol::wrap_share_key(&RecipientPublic(pairing.clinician_public_key), &s.share_id(), &s.share_key())?;
        let body = CreateShare {
            share_id: s.share_id(),
            recipient: pairing.clinician_id.clone(),
            wrapped_key: B64(wrapped),
            // The clinician suggests plan edits; every other share is the client's alone.
            recipient_may_append: s.category == Category::CopingPlan,
        };
        let _: ShareInfo = api.json("POST", "/v1/shares", Some(&body), &[200, 201])?;
        s.created_on_server = true;
        save_share(store, &s)?;
    }
    // 3. Resend what an interrupted sync left pending.
    push_pending(store, api, &mut s, report)?;
    // 4. Project, seal the new changes, save before sending.
    let mut doc = Doc::load(store, &s)?;
    doc.project(store, &s)?;
    let new = doc.save_after(&s.pushed_heads);
    if !new.is_empty() {
        let chunk_id = ChunkId::random()?;
        let sealed = protocol::seal_chunk(&s.share_key(), &s.share_id(), ChunkKind::Change, chunk_id, 0, &new)?;
        s.pending.push(Pending { chunk_id: *chunk_id.as_bytes(), sealed, heads_after: doc.heads() });
    }
    let mut saved_heads = doc.heads();
    store.write(|tx| {
        if !new.is_empty() {
            tx.put(&doc.stored(s.doc_record))?;
        }
        tx.put(&s)
    })?;
    if new.is_empty() {
        saved_heads = s.pushed_heads.clone();
    }
    // 5. Pull and merge the recipient's changes.
    let before_plan = if s.category == Category::CopingPlan { Some(store.plan()?.plan) } else { None };
    let got = pull(api, &mut s, &mut doc, report)?;
    if got > 0 {
        if let (Doc::Plan(pd), Some(before)) = (&doc, before_plan) {
            let target = pd.read();
            let (edits, ids) = share::plan::edits_to_match(&target, &before);
            if !edits.is_empty() {
                let (after, ()) = store.with_plan(|local| share::plan::apply_with_ids(local, &edits, ids))?;
                let received = LocalStamp::at(store.clock().now(), &store.clock().zone());
                for line in share::plan::describe(&edits, &before, &after) {
                    report.suggestions.push(format!("{}: {line}", pairing.clinician_name));
                    s.suggestions.push(Suggestion {
                        from: pairing.clinician_name.clone(),
                        received: received.clone(),
                        summary: line,
                    });
                }
            }
        }
    }
    // Everything in the document is now on the server or pending.
    s.pushed_heads = doc.heads();
    let doc_changed = s.pushed_heads != saved_heads;
    store.write(|tx| {
        if doc_changed {
            tx.put(&doc.stored(s.doc_record))?;
        }
        tx.put(&s)
    })?;
    // 6. Send, then compact when the history grew long.
    push_pending(store, api, &mut s, report)?;
    if s.chunks_since_snapshot >= SNAPSHOT_AFTER_CHUNKS {
        pull(api, &mut s, &mut doc, report)?;
        let snapshot = doc.save();
        let id = ChunkId::random()?;
        let covers = s.pulled_seq;
        if covers > s.snapshot_covers {
            let sealed =
                protocol::seal_chunk(&s.share_key(), &s.share_id(), ChunkKind::Snapshot, id, covers, &snapshot)?;
            let Call::Ok(status, body) = api.call(
                "PUT",
                &format!("/v1/shares/{}/snapshot", s.share_id()),
                serde_json::to_vec(&PutSnapshot { snapshot: B64(sealed) })
                    .map_err(|_| Error::State("encoding failed"))?,
            )?;
            match status {
                200 => {
                    s.snapshot_covers = covers;
                    s.chunks_since_snapshot = 0;
                }
                409 => {} // someone else compacted further; fine
                _ => return Err(server_error(status, &body)),
            }
        }
    }
    s.failures = 0;
    s.last_error = None;
    s.next_attempt_utc_ms = 0;
    s.last_synced = Some(LocalStamp::at(store.clock().now(), &store.clock().zone()));
    let compacted_pull = doc.heads() != s.pushed_heads;
    if compacted_pull {
        s.pushed_heads = doc.heads();
    }
    store.write(|tx| {
        if compacted_pull {
            tx.put(&doc.stored(s.doc_record))?;
        }
        tx.put(&s)
    })?;
    report.shares_synced += 1;
    Ok(())
}

/// Append pending chunks in order; each is removed (durably) once the server has it.
fn push_pending(store: &Store, api: &Api<'_>, s: &mut Share, report: &mut SyncReport) -> Result<()> {
    while let Some(p) = s.pending.first().cloned() {
        let body = serde_json::to_vec(&AppendChunk { chunk: B64(p.sealed.clone()) })
            .map_err(|_| Error::State("encoding failed"))?;
        let Call::Ok(status, resp) = api.call("POST", &chunk_path(s), body)?;
        if !matches!(status, 200 | 201) {
            return Err(server_error(status, &resp));
        }
        s.pending.remove(0);
        s.chunks_since_snapshot = s.chunks_since_snapshot.saturating_add(1);
        report.chunks_sent += 1;
        save_share(store, s)?;
    }
    Ok(())
}

/// Pull everything after the cursor and merge it. Returns how many chunks arrived.
fn pull(api: &Api<'_>, s: &mut Share, doc: &mut Doc, report: &mut SyncReport) -> Result<u32> {
    let mut got = 0;
    loop {
        let path = format!("{}?after={}&limit=500", chunk_path(s), s.pulled_seq);
        let p: PullResponse = api.json("GET", &path, None::<&()>, &[200])?;
        let key = s.share_key();
        if let Some(snap) = &p.snapshot {
            let (h, bytes) = protocol::open_chunk(&key, &s.share_id(), &snap.data.0)?;
            if h.kind != ChunkKind::Snapshot || h.covers_seq != snap.covers {
                return Err(Error::Protocol(protocol::ProtocolError::Authentication));
            }
            doc.merge(&bytes)?;
            s.pulled_seq = s.pulled_seq.max(snap.covers);
            s.snapshot_covers = s.snapshot_covers.max(snap.covers);
            got += 1;
        }
        for c in &p.chunks {
            let (h, bytes) = protocol::open_chunk(&key, &s.share_id(), &c.data.0)?;
            if h.kind != ChunkKind::Change {
                return Err(Error::Protocol(protocol::ProtocolError::Authentication));
            }
            doc.merge(&bytes)?;
            s.pulled_seq = s.pulled_seq.max(c.seq);
            got += 1;
        }
        report.chunks_received += p.chunks.len() as u32 + u32::from(p.snapshot.is_some());
        if !p.more {
            return Ok(got);
        }
    }
}

/// A share's document: the generic entries document (with the digests of its entries), or
/// a plan document.
pub(crate) enum Doc {
    Entries(automerge::AutoCommit, BTreeMap<String, u64>),
    Plan(PlanDoc),
}

impl Doc {
    pub(crate) fn load(store: &Store, s: &Share) -> Result<Doc> {
        let stored = store.find::<ShareDocument>(s.doc_record)?;
        let mut doc = match (s.category, stored) {
            (Category::CopingPlan, Some(d)) => Doc::Plan(PlanDoc::load(&d.bytes)?),
            (Category::CopingPlan, None) => Doc::Plan(PlanDoc::genesis()?),
            (_, Some(d)) => {
                let am = automerge::AutoCommit::load(&d.bytes)
                    .map_err(|_| Error::Document("a shared document could not be read"))?;
                let digests = if d.digests.is_empty() { entries::digests_of(&am)? } else { d.digests };
                Doc::Entries(am, digests)
            }
            (c, None) => Doc::Entries(entries::genesis(c.as_str())?, BTreeMap::new()),
        };
        doc.set_actor(&s.actor);
        Ok(doc)
    }

    pub(crate) fn set_actor(&mut self, actor: &[u8; 16]) {
        match self {
            Doc::Entries(d, _) => {
                d.set_actor(automerge::ActorId::from(actor));
            }
            Doc::Plan(p) => p.set_actor(actor),
        }
    }

    /// Write the projection of the consented data into the document.
    pub(crate) fn project(&mut self, store: &Store, s: &Share) -> Result<()> {
        match self {
            Doc::Plan(pd) => {
                let local = store.plan()?.plan;
                let (edits, ids) = share::plan::edits_to_match(&local, &pd.read());
                share::plan::apply_with_ids(pd, &edits, ids)
            }
            Doc::Entries(d, digests) => match project::project(store, s.category, s.window())? {
                project::Projected::Entries(e) => entries::update_with_digests(d, &e, digests).map(|_| ()),
                project::Projected::Plan(_) => Err(Error::State("the plan has its own document")),
            },
        }
    }

    pub(crate) fn merge(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            Doc::Plan(p) => p.merge_bytes(bytes).map(|_| ()),
            Doc::Entries(d, _) => {
                d.load_incremental(bytes).map_err(|_| Error::Document("a shared document could not be read"))?;
                Ok(())
            }
        }
    }

    pub(crate) fn heads(&mut self) -> Vec<[u8; 32]> {
        let h = match self {
            Doc::Plan(p) => p.heads(),
            Doc::Entries(d, _) => d.get_heads(),
        };
        h.into_iter().map(|c| c.0).collect()
    }

    pub(crate) fn save_after(&mut self, heads: &[[u8; 32]]) -> Vec<u8> {
        let hs: Vec<automerge::ChangeHash> = heads.iter().map(|h| automerge::ChangeHash(*h)).collect();
        match self {
            Doc::Plan(p) => p.save_after(&hs),
            Doc::Entries(d, _) => d.save_after(&hs),
        }
    }

    pub(crate) fn save(&mut self) -> Vec<u8> {
        match self {
            Doc::Plan(p) => p.save(),
            Doc::Entries(d, _) => d.save(),
        }
    }

    /// What to store as the share document `id`: the bytes and the entry digests.
    pub(crate) fn stored(&mut self, id: RecordId) -> ShareDocument {
        let bytes = self.save();
        let digests = match self {
            Doc::Entries(_, d) => d.clone(),
            Doc::Plan(_) => BTreeMap::new(),
        };
        ShareDocument { id, bytes, digests }
    }
}

/// Ids of shares, for callers that only hold a [`ShareId`].
pub fn share_id_of(s: &Share) -> ShareId {
    s.share_id()
}
