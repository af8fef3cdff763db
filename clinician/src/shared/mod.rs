//! What clients share with this clinician, read through core's clinician reader: log in, list
//! the shares, pull and decrypt them, keep each one's typed content ([`entries`]) up to date,
//! and send suggestions for a shared coping plan. The dashboard and the terminal reader read
//! share data only through this module.
//!
//! A [`Session`] holds the clinician's unwrapped key and every decrypted share in memory only;
//! dropping it forgets them. Nothing here writes to disk.

pub mod entries;

use std::collections::BTreeMap;
use std::sync::Arc;

use companion_core::clinician::{Clinician, SharedDoc};
use companion_core::plan::PlanEdit;
use companion_core::protocol::wire::ShareInfo;
use companion_core::protocol::ShareId;
use companion_core::share::Category;
use companion_core::sync::Transport;
use companion_core::Error;

pub use entries::{Content, LocalTime};

/// A logged-in clinician and the shares seen during this session.
pub struct Session {
    clinician: Clinician<'static>,
    shares: BTreeMap<ShareId, Tracked>,
    refreshed_ms: Option<i64>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Session({} shares)", self.shares.len())
    }
}

/// One share as this session knows it.
struct Tracked {
    info: ShareInfo,
    doc: Option<SharedDoc>,
    share: Share,
}

/// Where a share stands, as far as the clinician can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareState {
    /// Shared now.
    Live,
    /// The client withdrew it: the server erased it. `noticed_ms`: when this session saw it go.
    Withdrawn { noticed_ms: i64 },
}

/// One share: whose it is, what it holds, and how current it is.
#[derive(Clone, PartialEq)]
pub struct Share {
    pub id: ShareId,
    /// The client's device (a client's label will take its place when clients send one).
    pub device_id: String,
    /// Known from the first update that arrived.
    pub category: Option<Category>,
    /// When the client's device created it on the server (its first sync after consenting).
    pub created_ms: i64,
    /// Updates the server holds for it.
    pub updates: u64,
    /// When this session saw new updates arrive (the client's last sync, as far as the
    /// clinician can tell); `None`: none since the session began.
    pub updated_seen_ms: Option<i64>,
    pub state: ShareState,
    /// Shared, not copied, between the session and the pages that read it.
    pub content: Arc<Content>,
    /// Entries that could not be read (named by their key; the rest read).
    pub unreadable: Vec<String>,
    /// Why the share could not be opened or brought up to date, if it could not.
    pub problem: Option<String>,
    /// Suggestions made for it in this session.
    pub suggestions: Vec<Suggestion>,
}

/// A suggestion made for a shared coping plan, and what is known of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// In plain words: "Add the strategy 'Text Sam' to 'Lonely'".
    pub summary: String,
    pub made_ms: i64,
    pub state: SuggestionState,
}

/// What the clinician can know about a suggestion today: whether it reached the server. (The
/// client's app merges it at its next sync and shows who suggested it.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuggestionState {
    Sent,
    /// Not sent yet (the server could not be reached); sent with the next update.
    Waiting,
}

/// All shares of one client (one device).
#[derive(Clone, PartialEq)]
pub struct Client {
    pub device_id: String,
    pub shares: Vec<Share>,
}

impl Client {
    /// The live share of a category, if the client shares it.
    pub fn live(&self, c: Category) -> Option<&Share> {
        self.shares.iter().find(|s| s.state == ShareState::Live && s.category == Some(c))
    }

    pub fn shares_category(&self, c: Category) -> bool {
        self.live(c).is_some()
    }
}

/// Failures of the session, in words a clinician can act on.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Core(#[from] Error),
    #[error("no share with that id")]
    NoSuchShare,
    #[error("that share is not a coping plan")]
    NotAPlan,
    #[error("that share was withdrawn by the client")]
    Withdrawn,
}

impl Session {
    /// Log in with OPAQUE (the passphrase never leaves this machine). `ticket`: the one an
    /// earlier login of this process returned ([`Session::ticket`]), so that logging in again
    /// (unlocking the dashboard) is not held back by attempts others make on this account.
    /// Shares are read by [`Session::refresh`].
    pub fn login(
        transport: &'static dyn Transport,
        server: &str,
        email: &str,
        passphrase: &[u8],
        ticket: Option<&str>,
    ) -> Result<Session, SessionError> {
        let clinician = Clinician::login(transport, server, email, passphrase, ticket)?;
        Ok(Session { clinician, shares: BTreeMap::new(), refreshed_ms: None })
    }

    /// The ticket this login got, for the next login from this machine.
    pub fn ticket(&self) -> &str {
        &self.clinician.ticket
    }

    /// The clinician's display name and key code.
    pub fn account(&self) -> (&str, &str) {
        (&self.clinician.account.display_name, &self.clinician.account.fingerprint)
    }

    pub fn refreshed_ms(&self) -> Option<i64> {
        self.refreshed_ms
    }

    /// A new single-use invite for a client.
    pub fn invite(&self) -> Result<String, SessionError> {
        Ok(self.clinician.invite()?)
    }

    /// Bring every share up to date: open new ones, pull updates, and mark those the server no
    /// longer lists as withdrawn (their content is dropped: a withdrawn share shows only that it
    /// was withdrawn and when). A share that fails is named; the others still update.
    pub fn refresh(&mut self, now_ms: i64) -> Result<(), SessionError> {
        let listed = self.clinician.shares()?;
        let listed_ids: Vec<ShareId> = listed.iter().map(|i| i.share_id).collect();
        for (id, t) in self.shares.iter_mut() {
            if !listed_ids.contains(id) && t.share.state == ShareState::Live {
                t.withdraw(now_ms);
            }
        }
        for info in listed {
            let clinician = &self.clinician;
            let t = self.shares.entry(info.share_id).or_insert_with(|| Tracked::new(&info));
            if t.share.state != ShareState::Live {
                continue;
            }
            t.update(clinician, info, now_ms);
        }
        self.refreshed_ms = Some(now_ms);
        Ok(())
    }

    /// Every client with what they share, in a stable order (by device id).
    pub fn clients(&self) -> Vec<Client> {
        let mut by_device: BTreeMap<&str, Vec<Share>> = BTreeMap::new();
        for t in self.shares.values() {
            by_device.entry(&t.share.device_id).or_default().push(t.share.clone());
        }
        by_device.into_iter().map(|(d, shares)| Client { device_id: d.to_string(), shares }).collect()
    }

    /// One client's shares.
    pub fn client(&self, device_id: &str) -> Option<Client> {
        let shares: Vec<Share> =
            self.shares.values().filter(|t| t.share.device_id == device_id).map(|t| t.share.clone()).collect();
        (!shares.is_empty()).then(|| Client { device_id: device_id.to_string(), shares })
    }

    /// Suggest edits to a shared coping plan. They are sealed and kept in order; when the
    /// server cannot be reached they wait and go with the next attempt.
    pub fn suggest(
        &mut self,
        share: ShareId,
        edits: &[PlanEdit],
        summary: String,
        now_ms: i64,
    ) -> Result<SuggestionState, SessionError> {
        let t = self.shares.get_mut(&share).ok_or(SessionError::NoSuchShare)?;
        if t.share.state != ShareState::Live {
            return Err(SessionError::Withdrawn);
        }
        let doc = t.doc.as_mut().ok_or(SessionError::NotAPlan)?;
        if !matches!(*t.share.content, Content::CopingPlan(_)) {
            return Err(SessionError::NotAPlan);
        }
        doc.suggest(edits)?;
        let state = match doc.push(&self.clinician) {
            Ok(sent) => {
                // The clinician's own updates are not news from the client.
                t.info.last_seq += u64::from(sent);
                t.share.updates += u64::from(sent);
                SuggestionState::Sent
            }
            Err(_) => SuggestionState::Waiting,
        };
        t.share.suggestions.push(Suggestion { summary, made_ms: now_ms, state: state.clone() });
        t.reread();
        Ok(state)
    }

    /// Log out on the server (the session token is deleted) and forget everything.
    pub fn logout(self) -> Result<(), SessionError> {
        Ok(self.clinician.logout()?)
    }
}

impl Tracked {
    fn new(info: &ShareInfo) -> Tracked {
        Tracked {
            info: info.clone(),
            doc: None,
            share: Share {
                id: info.share_id,
                device_id: info.device_id.clone(),
                category: None,
                created_ms: info.created_at_ms,
                updates: info.last_seq,
                updated_seen_ms: None,
                state: ShareState::Live,
                content: Arc::new(Content::Empty),
                unreadable: Vec::new(),
                problem: None,
                suggestions: Vec::new(),
            },
        }
    }

    fn withdraw(&mut self, now_ms: i64) {
        self.doc = None;
        self.share.state = ShareState::Withdrawn { noticed_ms: now_ms };
        self.share.content = Arc::new(Content::Empty);
        self.share.unreadable.clear();
        self.share.problem = None;
    }

    /// Open or pull the share, then read its content again if anything arrived.
    fn update(&mut self, clinician: &Clinician<'static>, info: ShareInfo, now_ms: i64) {
        let grew = self.doc.is_none() || info.last_seq != self.info.last_seq;
        if info.last_seq != self.share.updates {
            self.share.updates = info.last_seq;
            self.share.updated_seen_ms = Some(now_ms);
        }
        self.info = info;
        if !grew {
            return;
        }
        let pulled = match self.doc.as_mut() {
            Some(doc) => doc.pull(clinician).map(|_| ()),
            None => clinician.open(&self.info).map(|doc| {
                self.doc = Some(doc);
            }),
        };
        match pulled {
            Ok(()) => {
                self.share.problem = None;
                if let Some(doc) = self.doc.as_mut() {
                    // Suggestions that could not be sent before go now.
                    if doc.pending() > 0 {
                        if let Ok(sent) = doc.push(clinician) {
                            self.info.last_seq += u64::from(sent);
                            self.share.updates += u64::from(sent);
                            for s in &mut self.share.suggestions {
                                s.state = SuggestionState::Sent;
                            }
                        }
                    }
                }
                self.reread();
            }
            Err(e) => self.share.problem = Some(e.to_string()),
        }
    }

    fn reread(&mut self) {
        let Some(doc) = &self.doc else { return };
        match doc.view() {
            Ok(view) => match entries::read(&view) {
                Ok(r) => {
                    self.share.category = r.content.category().or(self.share.category);
                    self.share.content = Arc::new(r.content);
                    self.share.unreadable = r.unreadable;
                }
                Err(entries::UnknownCategory(c)) => {
                    self.share.problem = Some(format!("a category this version does not know ({c})"));
                }
            },
            Err(e) => self.share.problem = Some(e.to_string()),
        }
    }
}

/// Now, in UTC milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
