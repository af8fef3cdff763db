//! The clinician's side, in Rust: the reference for the web dashboard and what the end-to-end
//! tests use. Create or log in to an account (OPAQUE, `login.rs`: the passphrase never leaves
//! this side), issue client invites, list the shares addressed to you, unwrap their keys, pull and
//! decrypt what clients consented to share, and suggest edits to a shared coping plan.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::plan::doc::PlanDoc;
use crate::plan::model::CopingPlan;
use crate::plan::PlanEdit;
use crate::protocol::wire::*;
use crate::protocol::{self, ChunkId, ChunkKind, RecipientSecret, ShareId, ShareKey};
use crate::share::entries;
use crate::sync::{HttpRequest, Transport};

mod login;

/// A logged-in clinician.
pub struct Clinician<'a> {
    transport: &'a dyn Transport,
    base: String,
    token: String,
    pub account: ClinicianAccount,
    secret: RecipientSecret,
    /// This login's ticket: keep it on this machine and give it to the next login.
    pub ticket: String,
}

impl fmt::Debug for Clinician<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clinician({})", self.account.id)
    }
}

fn call(
    transport: &dyn Transport,
    method: &str,
    url: String,
    token: Option<&str>,
    body: Vec<u8>,
) -> Result<(u16, Vec<u8>)> {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(t) = token {
        headers.push(("authorization".into(), format!("Bearer {t}")));
    }
    let r =
        transport.send(HttpRequest { method: method.into(), url, headers, body }).map_err(|e| Error::Network(e.0))?;
    Ok((r.status, r.body))
}

fn json<T: DeserializeOwned>(
    transport: &dyn Transport,
    method: &str,
    url: String,
    token: Option<&str>,
    body: Option<&impl Serialize>,
    ok: &[u16],
) -> Result<T> {
    let bytes = match body {
        Some(b) => serde_json::to_vec(b).map_err(|_| Error::State("a request could not be encoded"))?,
        None => Vec::new(),
    };
    let (status, body) = call(transport, method, url, token, bytes)?;
    if !ok.contains(&status) {
        let message =
            serde_json::from_slice::<ApiError>(&body).map(|e| e.message).unwrap_or_else(|_| "unexpected answer".into());
        return Err(Error::Server { status, message });
    }
    serde_json::from_slice(&body)
        .map_err(|_| Error::Server { status, message: "the server's answer could not be read".into() })
}

impl<'a> Clinician<'a> {
    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        json(self.transport, "GET", format!("{}{path}", self.base), Some(&self.token), None::<&()>, &[200])
    }

    /// A new single-use invite for a client (`companion-invite:1:...`).
    pub fn invite(&self) -> Result<String> {
        let r: InviteResponse =
            json(self.transport, "POST", format!("{}/v1/invites", self.base), Some(&self.token), None::<&()>, &[201])?;
        Ok(r.invite)
    }

    /// Shares addressed to this clinician.
    pub fn shares(&self) -> Result<Vec<ShareInfo>> {
        Ok(self.get::<ShareList>("/v1/shares")?.shares)
    }

    /// Open a share: unwrap its key and pull everything into a local copy.
    pub fn open(&self, info: &ShareInfo) -> Result<SharedDoc> {
        let key = protocol::unwrap_share_key(&self.secret, &info.share_id, &info.wrapped_key.0)?;
        let actor: [u8; 16] = crate::crypto::random_array()?;
        let mut d = SharedDoc {
            share_id: info.share_id,
            device_id: info.device_id.clone(),
            key,
            doc: None,
            pulled: 0,
            heads_sent: Vec::new(),
            pending: Vec::new(),
            actor,
        };
        d.pull(self)?;
        Ok(d)
    }

    /// Log out (the session is deleted on the server).
    pub fn logout(self) -> Result<()> {
        let (status, _) =
            call(self.transport, "DELETE", format!("{}/v1/sessions", self.base), Some(&self.token), Vec::new())?;
        if status != 204 {
            return Err(Error::Server { status, message: "logout failed".into() });
        }
        Ok(())
    }
}

enum Body {
    Entries(automerge::AutoCommit),
    Plan(PlanDoc),
}

/// A clinician's local copy of one share.
pub struct SharedDoc {
    pub share_id: ShareId,
    pub device_id: String,
    key: ShareKey,
    doc: Option<Body>,
    pulled: u64,
    heads_sent: Vec<automerge::ChangeHash>,
    pending: Vec<Vec<u8>>,
    actor: [u8; 16],
}

impl fmt::Debug for SharedDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedDoc({})", self.share_id)
    }
}

/// What a share holds, readably.
#[derive(Clone, PartialEq)]
pub enum SharedView {
    Entries { category: String, entries: BTreeMap<String, Value> },
    Plan(CopingPlan),
    Empty,
}

impl fmt::Debug for SharedView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SharedView::Entries { category, entries } => write!(f, "Entries({category}, {} entries)", entries.len()),
            SharedView::Plan(p) => write!(f, "{p:?}"),
            SharedView::Empty => f.write_str("Empty"),
        }
    }
}

impl SharedView {
    pub fn to_json(&self) -> Value {
        match self {
            SharedView::Entries { category, entries } => {
                serde_json::json!({ "category": category, "entries": Value::Object(entries.clone().into_iter().collect()) })
            }
            SharedView::Plan(p) => {
                serde_json::json!({ "category": "coping-plan", "plan": crate::share::plan::plan_json(p) })
            }
            SharedView::Empty => serde_json::json!({ "category": null }),
        }
    }
}

fn doc_err(_: automerge::AutomergeError) -> Error {
    Error::Document("a shared document could not be read")
}

impl SharedDoc {
    fn merge(&mut self, bytes: &[u8]) -> Result<()> {
        match &mut self.doc {
            Some(Body::Entries(d)) => {
                d.load_incremental(bytes).map_err(doc_err)?;
            }
            Some(Body::Plan(p)) => {
                p.merge_bytes(bytes)?;
            }
            None => {
                // Which kind of document is it? The plan's genesis has `app` = coping plan.
                let probe = automerge::AutoCommit::load(bytes).map_err(doc_err)?;
                let app = automerge::ReadDoc::get(&probe, automerge::ROOT, "app")
                    .ok()
                    .flatten()
                    .and_then(|(v, _)| v.into_scalar().ok())
                    .and_then(|s| s.as_str().map(str::to_string));
                if app.as_deref() == Some(entries::APP) {
                    let mut d = probe;
                    d.set_actor(automerge::ActorId::from(&self.actor));
                    self.doc = Some(Body::Entries(d));
                } else {
                    let mut p = PlanDoc::load(bytes)?;
                    p.set_actor(&self.actor);
                    self.doc = Some(Body::Plan(p));
                }
            }
        }
        Ok(())
    }

    /// Pull what is new on the server and merge it.
    pub fn pull(&mut self, c: &Clinician<'_>) -> Result<u32> {
        let mut got = 0;
        loop {
            let p: PullResponse =
                c.get(&format!("/v1/shares/{}/chunks?after={}&limit=500", self.share_id, self.pulled))?;
            if let Some(s) = &p.snapshot {
                let (h, bytes) = protocol::open_chunk(&self.key, &self.share_id, &s.data.0)?;
                if h.kind != ChunkKind::Snapshot {
                    return Err(Error::Protocol(protocol::ProtocolError::Authentication));
                }
                self.merge(&bytes)?;
                self.pulled = self.pulled.max(s.covers);
                got += 1;
            }
            for ch in &p.chunks {
                let (_, bytes) = protocol::open_chunk(&self.key, &self.share_id, &ch.data.0)?;
                self.merge(&bytes)?;
                self.pulled = self.pulled.max(ch.seq);
                got += 1;
            }
            if !p.more {
                break;
            }
        }
        if self.heads_sent.is_empty() {
            if let Some(h) = self.heads() {
                self.heads_sent = h;
            }
        }
        Ok(got)
    }

    fn heads(&mut self) -> Option<Vec<automerge::ChangeHash>> {
        match &mut self.doc {
            Some(Body::Entries(d)) => Some(d.get_heads()),
            Some(Body::Plan(p)) => Some(p.heads()),
            None => None,
        }
    }

    /// What the share holds now.
    pub fn view(&self) -> Result<SharedView> {
        Ok(match &self.doc {
            None => SharedView::Empty,
            Some(Body::Plan(p)) => SharedView::Plan(p.read()),
            Some(Body::Entries(d)) => {
                let category = automerge::ReadDoc::get(d, automerge::ROOT, "category")
                    .ok()
                    .flatten()
                    .and_then(|(v, _)| v.into_scalar().ok())
                    .and_then(|s| s.as_str().map(str::to_string))
                    .unwrap_or_default();
                SharedView::Entries { category, entries: entries::read_entries(d)? }
            }
        })
    }

    /// Suggest edits to a shared coping plan, offline: they are applied to this copy and sent
    /// at the next [`SharedDoc::push`]. The client's app merges them with its own edits.
    pub fn suggest(&mut self, edits: &[PlanEdit]) -> Result<()> {
        let Some(Body::Plan(p)) = &mut self.doc else {
            return Err(Error::State("only a shared coping plan takes suggestions"));
        };
        let before = p.heads();
        p.apply(edits, &mut crate::plan::fresh)?;
        let bytes = p.save_after(&before);
        if !bytes.is_empty() {
            // Sealed once, with its chunk id: a retried send never stores it twice.
            let sealed =
                protocol::seal_chunk(&self.key, &self.share_id, ChunkKind::Change, ChunkId::random()?, 0, &bytes)?;
            self.pending.push(sealed);
        }
        Ok(())
    }

    /// Send pending suggestions (sealed), in order.
    pub fn push(&mut self, c: &Clinician<'_>) -> Result<u32> {
        let mut sent = 0;
        while let Some(sealed) = self.pending.first() {
            let body = AppendChunk { chunk: B64(sealed.clone()) };
            let _: Appended = json(
                c.transport,
                "POST",
                format!("{}/v1/shares/{}/chunks", c.base, self.share_id),
                Some(&c.token),
                Some(&body),
                &[200, 201],
            )?;
            self.pending.remove(0);
            sent += 1;
        }
        Ok(sent)
    }

    /// Suggestions not yet sent.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}
