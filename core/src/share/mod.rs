//! Consent and sharing: what a client has agreed to share, with whom, since when; the
//! consent receipts; the projection of consented data into one end-to-end encrypted automerge
//! document per (recipient, category); the preview shown before consenting.
//!
//! Enforced by construction: a share document is rebuilt only from data its consent covers
//! (category and window), by [`project`]; nothing else ever enters a document that can leave
//! the device. The network side is [`crate::sync`]. See docs/sharing.md.

pub mod entries;
pub mod plan;
pub mod project;
mod stored;

pub(crate) use stored::ShareDocument;

use std::fmt;

use chrono::NaiveDate;
use ring::digest;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::protocol::{ShareId, ShareKey};
use crate::store::{Columns, Records, Scope, Store};
use crate::time::LocalStamp;

/// Version of the consent wording shown with every category (part of each receipt).
pub const WORDING_VERSION: &str = "consent-wording-2026-11-v1";

/// What can be shared, one consent (and one share) each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "uniffi", uniffi(name = "ShareCategory"))]
pub enum Category {
    /// One summary per week: counts and averages only, no words.
    WeeklySummaries,
    /// Urge entries: when, how strong, triggers, feelings, outcome, strategies; no notes.
    Urges,
    /// The words written with urges: notes, where, doing what.
    Notes,
    /// Surf sessions with their waves (ratings over time), without notes.
    SurfWaves,
    /// Guided exercises done, with distress before and after.
    ExerciseSessions,
    /// Slips and their chain analyses.
    Slips,
    /// Daily check-ins (mood, stress, loneliness, sleep) and their words.
    CheckIns,
    /// Goals and progress.
    Goals,
    /// The coping plan; the recipient may suggest edits, which merge with the client's own.
    CopingPlan,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::WeeklySummaries,
        Category::Urges,
        Category::Notes,
        Category::SurfWaves,
        Category::ExerciseSessions,
        Category::Slips,
        Category::CheckIns,
        Category::Goals,
        Category::CopingPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::WeeklySummaries => "weekly-summaries",
            Category::Urges => "urges",
            Category::Notes => "notes",
            Category::SurfWaves => "surf-waves",
            Category::ExerciseSessions => "exercise-sessions",
            Category::Slips => "slips",
            Category::CheckIns => "check-ins",
            Category::Goals => "goals",
            Category::CopingPlan => "coping-plan",
        }
    }

    pub fn parse(s: &str) -> Result<Category> {
        let t = crate::text::fold(s).replace([' ', '_'], "-");
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == t || c.as_str().trim_end_matches('s') == t.trim_end_matches('s'))
            .ok_or_else(|| {
                Error::invalid("category", format!("use one of: {}", Category::ALL.map(Category::as_str).join(", ")))
            })
    }

    /// The words shown before consenting (the receipt records their version and hash).
    pub fn wording(self) -> &'static str {
        match self {
            Category::WeeklySummaries => "A summary for each week: how many urges, how strong on average, how many you rode out, slips, and check-in averages. Numbers only, no words you wrote.",
            Category::Urges => "Each urge you log: when, how strong, triggers, feelings, whether you were alone, how long it lasted, what happened and which strategies you used. Not your notes.",
            Category::Notes => "The words you write with urges: notes, where you were, what you were doing.",
            Category::SurfWaves => "Your urge-surfing sessions: the ratings over time (the wave), how long, and how it ended. Not the notes you add.",
            Category::ExerciseSessions => "The guided exercises you do: which one, how long, and your distress before and after. Not your notes.",
            Category::Slips => "Slips you record and your chain analyses of them, in your words.",
            Category::CheckIns => "Your daily check-ins: mood, stress, loneliness and sleep, and the words you add.",
            Category::Goals => "Your goals, what you wrote about them, and your progress.",
            Category::CopingPlan => "Your coping plan. The person you share it with can suggest changes; you will see every suggestion and who made it.",
        }
    }

    /// Whether the recipient may write to this share (suggest edits).
    pub fn recipient_writes(self) -> bool {
        self == Category::CopingPlan
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A clinician this device is paired with (from redeeming their invite).
#[derive(Clone, PartialEq)]
pub struct Pairing {
    pub id: RecordId,
    pub server: String,
    pub clinician_id: String,
    pub clinician_name: String,
    pub clinician_public_key: [u8; 32],
    pub fingerprint: String,
    pub device_id: String,
    /// The device's Ed25519 key (PKCS#8); kept only in the encrypted store.
    pub(crate) device_key: Vec<u8>,
    pub paired: LocalStamp,
}

impl fmt::Debug for Pairing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pairing({}, {})", self.id, self.fingerprint)
    }
}

/// Where a share stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ShareState {
    /// Consent given: the share is kept up to date.
    Active,
    /// Consent withdrawn: nothing more is sent; the server is asked to erase it at the next sync.
    Withdrawn,
    /// The server confirmed erasure; the document and key are gone from this device too.
    Erased,
}

/// A clinician's suggested change to the plan, as the client sees it.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Suggestion {
    pub from: String,
    pub received: LocalStamp,
    /// In plain words: "Added the strategy 'Text Sam' to 'Lonely'".
    pub summary: String,
}

impl fmt::Debug for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Suggestion(<redacted>)")
    }
}

/// A pending chunk: sealed before the first attempt, kept until the server has it, so a retry
/// sends the same chunk id and never duplicates.
#[derive(Clone, PartialEq)]
pub(crate) struct Pending {
    pub chunk_id: [u8; 16],
    pub sealed: Vec<u8>,
    /// Heads the document has once this chunk is stored.
    pub heads_after: Vec<[u8; 32]>,
}

/// One consent for one recipient and category, and its share's sync state.
#[derive(Clone, PartialEq)]
pub struct Share {
    pub id: RecordId,
    pub pairing: RecordId,
    pub category: Category,
    pub share_id: [u8; 16],
    pub(crate) key: [u8; 32],
    /// First local day covered (`None`: all history).
    pub from: Option<NaiveDate>,
    /// Last local day covered (`None`: open-ended).
    pub until: Option<NaiveDate>,
    pub granted: LocalStamp,
    pub withdrawn: Option<LocalStamp>,
    pub state: ShareState,
    pub created_on_server: bool,
    /// This install's automerge actor for the share document.
    pub(crate) actor: [u8; 16],
    pub(crate) doc_record: RecordId,
    pub(crate) pushed_heads: Vec<[u8; 32]>,
    pub pulled_seq: u64,
    pub snapshot_covers: u64,
    pub(crate) pending: Vec<Pending>,
    pub chunks_since_snapshot: u32,
    pub suggestions: Vec<Suggestion>,
    pub last_synced: Option<LocalStamp>,
    pub last_error: Option<String>,
    pub failures: u32,
    pub next_attempt_utc_ms: i64,
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Share({}, {}, {:?})", self.id, self.category, self.state)
    }
}

impl Share {
    pub fn share_id(&self) -> ShareId {
        ShareId(self.share_id)
    }

    pub(crate) fn share_key(&self) -> ShareKey {
        ShareKey::from_bytes(self.key)
    }

    /// Does the consent cover this local day?
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.until.is_none_or(|u| day <= u)
    }

    /// Chunks sealed but not yet acknowledged by the server.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    pub(crate) fn window(&self) -> Window {
        Window { from: self.from, until: self.until }
    }
}

/// A consent window over local days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Window {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f) && self.until.is_none_or(|u| day <= u)
    }
}

/// Grant or withdrawal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReceiptAction {
    Granted,
    Withdrawn,
}

/// A consent receipt: what, to whom, when, and which wording the client saw.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ConsentReceipt {
    pub id: RecordId,
    pub action: ReceiptAction,
    pub category: Category,
    pub recipient: String,
    pub recipient_fingerprint: String,
    pub server: String,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub at: LocalStamp,
    pub wording_version: String,
    /// SHA-256 (hex) of the exact words shown.
    pub wording_sha256: String,
}

impl fmt::Debug for ConsentReceipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConsentReceipt({}, {:?}, {})", self.id, self.action, self.category)
    }
}

/// What to consent to.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ConsentRequest {
    pub pairing: RecordId,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub categories: Vec<Category>,
    /// Include what was recorded before today (otherwise: from today on).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub include_history: bool,
    /// Last day covered, if the consent should end by itself.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub until: Option<NaiveDate>,
}

fn wording_hash(c: Category) -> String {
    digest::digest(&digest::SHA256, c.wording().as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn receipt(store: &Store, action: ReceiptAction, s: &Share, p: &Pairing) -> Result<ConsentReceipt> {
    Ok(ConsentReceipt {
        id: RecordId::random()?,
        action,
        category: s.category,
        recipient: p.clinician_name.clone(),
        recipient_fingerprint: p.fingerprint.clone(),
        server: p.server.clone(),
        from: s.from,
        until: s.until,
        at: LocalStamp::at(store.clock().now(), &store.clock().zone()),
        wording_version: WORDING_VERSION.to_string(),
        wording_sha256: wording_hash(s.category),
    })
}

impl Store {
    /// One pairing by id.
    pub fn pairing(&self, id: RecordId) -> Result<Pairing> {
        self.get(id)
    }

    /// Clinicians this device is paired with, oldest first, and any pairing that could not be
    /// read.
    pub fn pairings(&self) -> Result<Records<Pairing>> {
        let mut l = self.list::<Pairing>(Scope::Timeless, Columns::HeadOnly)?;
        l.records.sort_by_key(|p| p.paired.utc_ms);
        Ok(l)
    }

    /// The pairing with a clinician named `name` (case-insensitive), or by id text.
    pub fn pairing_named(&self, name: &str) -> Result<Pairing> {
        let all = self.pairings()?.records;
        let want = crate::text::fold(name);
        let found: Vec<Pairing> = all
            .into_iter()
            .filter(|p| {
                crate::text::fold(&p.clinician_name) == want
                    || p.id.to_text().starts_with(&want)
                    || p.clinician_id == name
            })
            .collect();
        match found.len() {
            0 => Err(Error::invalid("recipient", "you are not paired with anyone by that name")),
            1 => Ok(found.into_iter().next().ok_or(Error::State("pairing vanished"))?),
            _ => Err(Error::invalid("recipient", "more than one pairing matches; use its id")),
        }
    }

    /// Every share (active, withdrawn or erased), oldest first, and any share that could not
    /// be read.
    pub fn shares(&self) -> Result<Records<Share>> {
        let mut l = self.list::<Share>(Scope::Timeless, Columns::HeadOnly)?;
        l.records.sort_by_key(|s| (s.granted.utc_ms, s.category));
        Ok(l)
    }

    /// Consent receipts, oldest first, and any receipt that could not be read.
    pub fn consent_receipts(&self) -> Result<Records<ConsentReceipt>> {
        let mut l = self.list::<ConsentReceipt>(Scope::All, Columns::HeadOnly)?;
        l.records.sort_by_key(|r| r.at.utc_ms);
        Ok(l)
    }

    /// Give consent: one share per category for the paired recipient. Nothing is sent now;
    /// the next sync creates the shares on the server. Re-consenting to a category that is
    /// already shared with this recipient is an error (withdraw first to change its window).
    pub fn grant_consent(&self, req: &ConsentRequest) -> Result<Vec<Share>> {
        if req.categories.is_empty() {
            return Err(Error::invalid("categories", "choose at least one category"));
        }
        let pairing = self.pairing(req.pairing)?;
        let existing = self.shares()?.records;
        let today = self.clock().today();
        if req.until.is_some_and(|u| u < today) {
            return Err(Error::invalid("until", "the consent would end before today"));
        }
        let mut made = Vec::new();
        for c in &req.categories {
            if made.iter().any(|s: &Share| s.category == *c) {
                continue;
            }
            if existing.iter().any(|s| s.pairing == pairing.id && s.category == *c && s.state == ShareState::Active) {
                return Err(Error::invalid("categories", format!("{c} is already shared with this person")));
            }
            let key = ShareKey::generate()?;
            made.push(Share {
                id: RecordId::random()?,
                pairing: pairing.id,
                category: *c,
                share_id: *ShareId::random()?.as_bytes(),
                key: *key.expose(),
                from: if req.include_history || *c == Category::CopingPlan { None } else { Some(today) },
                until: req.until,
                granted: LocalStamp::at(self.clock().now(), &self.clock().zone()),
                withdrawn: None,
                state: ShareState::Active,
                created_on_server: false,
                actor: crate::crypto::random_array()?,
                doc_record: RecordId::random()?,
                pushed_heads: Vec::new(),
                pulled_seq: 0,
                snapshot_covers: 0,
                pending: Vec::new(),
                chunks_since_snapshot: 0,
                suggestions: Vec::new(),
                last_synced: None,
                last_error: None,
                failures: 0,
                next_attempt_utc_ms: 0,
            });
        }
        let receipts: Vec<ConsentReceipt> =
            made.iter().map(|s| receipt(self, ReceiptAction::Granted, s, &pairing)).collect::<Result<_>>()?;
        self.write(|tx| {
            for s in &made {
                tx.put(s)?;
            }
            for r in &receipts {
                tx.put(r)?;
            }
            Ok(())
        })?;
        Ok(made)
    }

    /// Withdraw consent for some categories (or all, when empty) shared with a recipient.
    /// Sending stops at once; the next sync asks the server to erase each share, then drops
    /// its document and key here. The client's own data stays.
    pub fn withdraw_consent(&self, pairing: RecordId, categories: &[Category]) -> Result<Vec<Share>> {
        let p = self.pairing(pairing)?;
        let now = LocalStamp::at(self.clock().now(), &self.clock().zone());
        let mut changed = Vec::new();
        for mut s in self.shares()?.records {
            if s.pairing != pairing || s.state != ShareState::Active {
                continue;
            }
            if !categories.is_empty() && !categories.contains(&s.category) {
                continue;
            }
            s.state = ShareState::Withdrawn;
            s.withdrawn = Some(now.clone());
            s.pending.clear();
            changed.push(s);
        }
        if changed.is_empty() {
            return Err(Error::invalid("categories", "nothing is being shared with this person in those categories"));
        }
        let receipts: Vec<ConsentReceipt> =
            changed.iter().map(|s| receipt(self, ReceiptAction::Withdrawn, s, &p)).collect::<Result<_>>()?;
        self.write(|tx| {
            for s in &changed {
                tx.put(s)?;
            }
            for r in &receipts {
                tx.put(r)?;
            }
            Ok(())
        })?;
        Ok(changed)
    }

    /// Exactly what a consent would send, rendered as JSON documents per category (the same
    /// data the share documents would hold), computed without storing anything.
    pub fn preview_consent(&self, categories: &[Category], include_history: bool) -> Result<Vec<Preview>> {
        let today = self.clock().today();
        let mut out = Vec::new();
        for c in categories {
            let window = Window {
                from: if include_history || *c == Category::CopingPlan { None } else { Some(today) },
                until: None,
            };
            let projected = project::project(self, *c, window)?;
            out.push(Preview {
                category: *c,
                wording: c.wording().to_string(),
                entries: projected.len() as u32,
                json: serde_json::to_string_pretty(&projected.to_json()).map_err(|_| Error::State("preview failed"))?,
                never_sent: project::never_sent(*c).iter().map(|s| s.to_string()).collect(),
            });
        }
        Ok(out)
    }
}

/// What a consent would send for one category.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Preview {
    pub category: Category,
    pub wording: String,
    pub entries: u32,
    /// The projected document, as readable JSON.
    pub json: String,
    /// What never leaves the device with this category.
    pub never_sent: Vec<String>,
}

impl fmt::Debug for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Preview({}, {} entries, <redacted>)", self.category, self.entries)
    }
}

#[cfg(test)]
mod tests;
