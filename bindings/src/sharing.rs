//! Consent and sharing with a clinician: read an invite and show its code, pair, preview what
//! a consent would send, grant and withdraw consent per category (every change kept as a
//! receipt), and sync. The product works fully with nothing shared.
//!
//! The network goes through a transport: the built-in Rust HTTP client by default, or the
//! app's own HTTP stack (OkHttp, URLSession) through the [`SyncTransport`] foreign trait, so a
//! sync can run from WorkManager or BGTaskScheduler. Pairing and syncing block on the network:
//! call them off the main thread, or use the `*_async` variants. The other store calls do disk
//! I/O; [`read_invite`], [`consent_wording`] and [`consent_wording_version`] do none.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use companion_core::protocol::Invite;
use companion_core::share::{
    Category, ConsentReceipt, ConsentRequest, Pairing, Preview, Share, ShareState, Suggestion,
};
use companion_core::store::Unreadable;
use companion_core::sync::{HttpRequest, HttpResponse, SyncReport, Transport, TransportError};
use companion_core::{LocalStamp, RecordId};

use crate::blocking;
use crate::companion::CompanionCore;
use crate::error::{CompanionError, Result};
use crate::urges::parse_id;

/// A clinician's invite, as the client sees it before pairing: compare `fingerprint` with the
/// code the clinician reads out (in person or on a call) before going on.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InviteInfo {
    pub server: String,
    pub clinician_name: String,
    pub fingerprint: String,
}

/// A clinician this device is paired with: the core's `Pairing` without the device's
/// private key.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PairingInfo {
    pub id: RecordId,
    pub server: String,
    pub clinician_id: String,
    pub clinician_name: String,
    /// The clinician's key fingerprint, as verified when pairing.
    pub fingerprint: String,
    pub device_id: String,
    pub paired: LocalStamp,
}

impl From<Pairing> for PairingInfo {
    fn from(p: Pairing) -> Self {
        PairingInfo {
            id: p.id,
            server: p.server,
            clinician_id: p.clinician_id,
            clinician_name: p.clinician_name,
            fingerprint: p.fingerprint,
            device_id: p.device_id,
            paired: p.paired,
        }
    }
}

/// One consent (one category for one clinician) and the sync state of its share: the core's
/// `Share` without its share key, document state or pending chunks, which never leave the core.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ShareInfo {
    pub id: RecordId,
    pub pairing: RecordId,
    pub category: Category,
    /// First local day covered (`None`: all history).
    pub from: Option<NaiveDate>,
    /// Last local day covered (`None`: open-ended).
    pub until: Option<NaiveDate>,
    pub granted: LocalStamp,
    pub withdrawn: Option<LocalStamp>,
    pub state: ShareState,
    pub created_on_server: bool,
    /// Changes sealed and waiting to be sent (they survive the app being killed).
    pub pending_chunks: u32,
    /// Suggested plan changes received from the clinician, with who made them.
    pub suggestions: Vec<Suggestion>,
    pub last_synced: Option<LocalStamp>,
    /// Why the last sync of this share failed, in plain words (it is retried later).
    pub last_error: Option<String>,
    pub failures: u32,
    /// When a sync without `force` tries this share again (UTC milliseconds).
    pub next_attempt_utc_ms: i64,
}

impl From<Share> for ShareInfo {
    fn from(s: Share) -> Self {
        ShareInfo {
            pending_chunks: s.pending_len().try_into().unwrap_or(u32::MAX),
            id: s.id,
            pairing: s.pairing,
            category: s.category,
            from: s.from,
            until: s.until,
            granted: s.granted,
            withdrawn: s.withdrawn,
            state: s.state,
            created_on_server: s.created_on_server,
            suggestions: s.suggestions,
            last_synced: s.last_synced,
            last_error: s.last_error,
            failures: s.failures,
            next_attempt_utc_ms: s.next_attempt_utc_ms,
        }
    }
}

fn infos(shares: Vec<Share>) -> Vec<ShareInfo> {
    shares.into_iter().map(ShareInfo::from).collect()
}

/// The clinicians this device is paired with, and any pairing that could not be read (it is
/// left in the store untouched).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PairingListing {
    pub pairings: Vec<PairingInfo>,
    pub unreadable: Vec<Unreadable>,
}

/// Every consent and its share's sync state, and any share that could not be read (it is
/// skipped by syncs and left in the store untouched).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ShareListing {
    pub shares: Vec<ShareInfo>,
    pub unreadable: Vec<Unreadable>,
}

/// Every consent receipt, and any receipt that could not be read.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReceiptListing {
    pub receipts: Vec<ConsentReceipt>,
    pub unreadable: Vec<Unreadable>,
}

/// One HTTP header.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

/// An HTTP request the sync engine asks the app's transport to send.
#[derive(Clone, uniffi::Record)]
pub struct HttpCall {
    pub method: String,
    pub url: String,
    pub headers: Vec<HttpHeader>,
    /// Already end-to-end encrypted where it carries client data.
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpCall({} {}, {} bytes)", self.method, self.url, self.body.len())
    }
}

/// The server's answer: any status (errors included) with its body.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HttpReply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// What a [`SyncTransport`] reports when no answer came back at all.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum TransportFailure {
    /// No response (no network, DNS, TLS, a timeout). The sync is retried later.
    Unreachable { reason: String },
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportFailure::Unreachable { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for TransportFailure {}

/// A transport that throws something else is treated as unreachable, never a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for TransportFailure {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportFailure::Unreachable { reason: format!("the app's transport failed unexpectedly: {}", e.reason) }
    }
}

/// The app's own HTTP stack. `send` must return every HTTP answer, whatever its status, and
/// fail only when no answer came back. It is called on the thread running the sync.
#[uniffi::export(foreign)]
pub trait SyncTransport: Send + Sync {
    fn send(&self, request: HttpCall) -> std::result::Result<HttpReply, TransportFailure>;
}

/// Adapts the foreign trait to the core's.
struct ForeignTransport(Arc<dyn SyncTransport>);

/// The transport an app model keeps: the app's own, or the built-in client.
pub(crate) fn app_transport(core: &CompanionCore, transport: Option<Arc<dyn SyncTransport>>) -> Arc<dyn Transport> {
    match transport {
        Some(t) => Arc::new(ForeignTransport(t)),
        None => core.builtin_transport(),
    }
}

impl Transport for ForeignTransport {
    fn send(&self, req: HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
        let call = HttpCall {
            method: req.method,
            url: req.url,
            headers: req.headers.into_iter().map(|(name, value)| HttpHeader { name, value }).collect(),
            body: req.body,
        };
        match self.0.send(call) {
            Ok(reply) => Ok(HttpResponse { status: reply.status, body: reply.body }),
            Err(e) => Err(TransportError(e.to_string())),
        }
    }
}

/// The transport for one call: the app's, or the built-in client.
enum Net {
    Foreign(ForeignTransport),
    Builtin(Arc<dyn Transport>),
}

impl Net {
    fn of(core: &CompanionCore, transport: Option<Arc<dyn SyncTransport>>) -> Net {
        match transport {
            Some(t) => Net::Foreign(ForeignTransport(t)),
            None => Net::Builtin(core.builtin_transport()),
        }
    }

    fn get(&self) -> &dyn Transport {
        match self {
            Net::Foreign(t) => t,
            Net::Builtin(t) => t.as_ref(),
        }
    }
}

fn pair(core: &CompanionCore, invite: &str, net: &Net) -> Result<PairingInfo> {
    parse_invite(invite)?;
    Ok(core.store()?.pair(invite, net.get())?.into())
}

fn sync(core: &CompanionCore, net: &Net, force: bool) -> Result<SyncReport> {
    Ok(core.store()?.sync(net.get(), force)?)
}

fn parse_invite(text: &str) -> Result<Invite> {
    Invite::parse(text).map_err(|_| {
        CompanionError::invalid("invite", "this is not a clinician invite, or it is incomplete; ask them for a new one")
    })
}

#[uniffi::export]
impl CompanionCore {
    /// Redeem a clinician's invite: register this device with their server and pair. Their
    /// key must match the invite's fingerprint (`KeyMismatch` otherwise: nothing is kept).
    /// `transport`: the app's HTTP stack, or `None` for the built-in client. Blocks on the
    /// network.
    pub fn pair_with_clinician(
        &self,
        invite: String,
        transport: Option<Arc<dyn SyncTransport>>,
    ) -> Result<PairingInfo> {
        pair(self, &invite, &Net::of(self, transport))
    }

    /// [`Self::pair_with_clinician`] on a background thread.
    pub async fn pair_with_clinician_async(
        self: Arc<Self>,
        invite: String,
        transport: Option<Arc<dyn SyncTransport>>,
    ) -> Result<PairingInfo> {
        let net = Net::of(&self, transport);
        blocking::run(move || pair(&self, &invite, &net)).await
    }

    /// The clinicians this device is paired with.
    pub fn pairings(&self) -> Result<PairingListing> {
        let l = self.store()?.pairings()?;
        Ok(PairingListing {
            pairings: l.records.into_iter().map(PairingInfo::from).collect(),
            unreadable: l.unreadable,
        })
    }

    /// Every consent and its share's sync state (withdrawn and erased ones included).
    pub fn shares(&self) -> Result<ShareListing> {
        let l = self.store()?.shares()?;
        Ok(ShareListing { shares: infos(l.records), unreadable: l.unreadable })
    }

    /// Every grant and withdrawal: what, to whom, when, and which wording was shown.
    pub fn consent_receipts(&self) -> Result<ReceiptListing> {
        let l = self.store()?.consent_receipts()?;
        Ok(ReceiptListing { receipts: l.records, unreadable: l.unreadable })
    }

    /// Exactly what consenting to `categories` would send now (the projected documents,
    /// readable), and what never leaves the device. Show it before `grant_consent`.
    pub fn preview_consent(&self, categories: Vec<Category>, include_history: bool) -> Result<Vec<Preview>> {
        Ok(self.store()?.preview_consent(&categories, include_history)?)
    }

    /// Consent to share `request.categories` with one paired clinician; a receipt is kept per
    /// category. Nothing is sent until the next sync. Returns the shares created.
    pub fn grant_consent(&self, request: ConsentRequest) -> Result<Vec<ShareInfo>> {
        Ok(infos(self.store()?.grant_consent(&request)?))
    }

    /// Withdraw consent: sending stops at once, and the next sync asks the server to erase the
    /// shares. The client's own data stays. Returns the shares withdrawn.
    pub fn withdraw_consent(&self, pairing_id: String, categories: Vec<Category>) -> Result<Vec<ShareInfo>> {
        Ok(infos(self.store()?.withdraw_consent(parse_id(&pairing_id)?, &categories)?))
    }

    /// Sync every share that is due (all of them with `force`): erase withdrawn ones, send new
    /// changes, pull the clinician's suggested plan edits. One failing share does not hold
    /// back the others; it is retried with backoff and named in `errors`. Offline-first:
    /// nothing is lost when the network is away. Blocks on the network.
    pub fn sync(&self, transport: Option<Arc<dyn SyncTransport>>, force: bool) -> Result<SyncReport> {
        sync(self, &Net::of(self, transport), force)
    }

    /// [`Self::sync`] on a background thread.
    pub async fn sync_async(
        self: Arc<Self>,
        transport: Option<Arc<dyn SyncTransport>>,
        force: bool,
    ) -> Result<SyncReport> {
        let net = Net::of(&self, transport);
        blocking::run(move || sync(&self, &net, force)).await
    }
}

/// What an invite says about itself (never its secret token): the server, the clinician's
/// name and the fingerprint to compare. `InvalidInput` on "invite" for anything else. No I/O.
#[uniffi::export]
pub fn read_invite(invite: String) -> Result<InviteInfo> {
    let i = parse_invite(&invite)?;
    Ok(InviteInfo { server: i.server, clinician_name: i.clinician, fingerprint: i.fingerprint })
}

/// The words shown for a category before consenting (their version and hash go into the
/// receipt). No I/O.
#[uniffi::export]
pub fn consent_wording(category: Category) -> String {
    category.wording().to_string()
}

/// The version of the consent wording this build shows. No I/O.
#[uniffi::export]
pub fn consent_wording_version() -> String {
    companion_core::share::WORDING_VERSION.to_string()
}
