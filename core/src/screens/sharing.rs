//! Sharing with a clinician: pair from an invite (pasted or scanned) after comparing the key
//! code out loud, choose what to share and see exactly what would be sent, consent, sync,
//! read the receipts, and stop sharing as easily as it started. Nothing is shared by default.

use chrono::NaiveDate;

use super::app::{Cx, Effect, Reaction};
use super::common::{count, relative_day, when, Notice};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::protocol::Invite;
use crate::share::{Category, ConsentReceipt, ConsentRequest, ReceiptAction, ShareState};
use crate::store::{Records, Store, Unreadable};

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SharingStage {
    /// Who you share with, what, and the buttons.
    Overview,
    /// Paste or scan the clinician's invite.
    EnterInvite,
    /// Compare the key code before pairing.
    CompareCode,
    /// Choose what to share.
    Choose,
    /// Exactly what would be sent, before consenting.
    Preview,
    /// Every consent given and withdrawn.
    Receipts,
}

/// A category to tap, with the words shown before consenting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CategoryChoice {
    pub category: Category,
    pub label: String,
    pub wording: String,
    pub selected: bool,
    /// Already shared with this clinician.
    pub shared: bool,
}

/// What is shared with one clinician.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PairingCard {
    pub pairing_id: String,
    pub name: String,
    /// "Paired Mon 15 Jun · code abcd-efgh-…".
    pub detail: String,
    /// "Weekly summaries: sent today 21:30", "Coping plan: waiting to send".
    pub shares: Vec<String>,
    /// Suggestions the clinician made, in plain words, newest first.
    pub suggestions: Vec<String>,
    pub share_label: String,
    pub stop_label: String,
}

/// One section of a preview.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PreviewPart {
    pub title: String,
    pub wording: String,
    /// "12 entries would be sent now".
    pub count: String,
    /// The exact content, readable.
    pub content: String,
    pub never_sent: Vec<String>,
}

/// Sharing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SharingView {
    pub stage: SharingStage,
    pub intro: String,
    pub pairings: Vec<PairingCard>,
    pub pair_label: String,
    pub sync_label: String,
    pub receipts_label: String,
    /// Entering an invite.
    pub invite_label: String,
    /// Sends the pasted invite.
    pub invite_next_label: String,
    pub scan_label: String,
    /// Comparing the code.
    pub clinician: String,
    pub code: String,
    pub compare_text: String,
    pub matches_label: String,
    pub differs_label: String,
    /// Choosing.
    pub categories: Vec<CategoryChoice>,
    pub include_history: bool,
    pub history_label: String,
    pub preview_label: String,
    /// Previewing.
    pub preview: Vec<PreviewPart>,
    pub consent_label: String,
    pub receipts: Vec<String>,
    /// Sharing records this phone could not read, one calm sentence per kind (empty when
    /// everything opened). Shown on the overview; the receipts' line with the receipts.
    pub unreadable: Vec<String>,
}

/// What the person does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SharingAction {
    StartPairing,
    /// Open the camera for the invite's code.
    Scan,
    /// A scanned code's text.
    Scanned {
        text: String,
    },
    /// Pasted or typed invite text.
    InviteEntered {
        text: String,
    },
    /// The codes match: pair (uses the network).
    CodesMatch,
    CodesDiffer,
    /// Choose what to share with this clinician.
    Choose {
        pairing_id: String,
    },
    Toggle {
        category: Category,
    },
    IncludeHistory {
        include: bool,
    },
    Preview,
    Consent,
    /// Stop sharing everything with this clinician (the server is asked to erase it).
    StopSharing {
        pairing_id: String,
    },
    SyncNow,
    ShowReceipts,
}

#[derive(Default)]
pub(crate) struct SharingScreen {
    stage: Option<SharingStage>,
    invite: Option<(String, Invite)>,
    pairing: Option<RecordId>,
    chosen: Vec<Category>,
    include_history: bool,
}

fn label(c: Category) -> &'static str {
    match c {
        Category::WeeklySummaries => "Weekly summaries",
        Category::Urges => "Urges",
        Category::Notes => "The notes I write with urges",
        Category::SurfWaves => "Urge-surfing sessions",
        Category::ExerciseSessions => "Exercises",
        Category::Slips => "Slips and chain analyses",
        Category::CheckIns => "Check-ins",
        Category::Goals => "Goals",
        Category::CopingPlan => "My coping plan",
    }
}

/// Whether any share is being kept up to date (a sync is worth running).
pub(crate) fn has_active_shares(store: &Store) -> bool {
    store.shares().map(|s| s.records.iter().any(|s| s.state != ShareState::Erased)).unwrap_or(false)
}

fn parse_invite(text: &str) -> Result<Invite> {
    Invite::parse(text.trim()).map_err(|_| {
        Error::invalid("invite", "this is not a clinician invite, or it is incomplete; ask them for a new one")
    })
}

impl SharingScreen {
    fn stage(&self) -> SharingStage {
        self.stage.unwrap_or(SharingStage::Overview)
    }

    pub fn has_inner_back(&self) -> bool {
        self.stage() != SharingStage::Overview
    }

    pub fn back(&mut self) -> bool {
        let back_to = match self.stage() {
            SharingStage::Overview => return false,
            SharingStage::Preview => SharingStage::Choose,
            _ => SharingStage::Overview,
        };
        self.stage = Some(back_to);
        true
    }

    pub fn view(&self, cx: &Cx<'_>) -> Result<SharingView> {
        let today = cx.today();
        let stage = self.stage();
        let Records { records: shares, unreadable: unreadable_shares } = cx.store.shares()?;
        let Records { records: paired, unreadable: unreadable_pairings } = cx.store.pairings()?;
        let mut unreadable = unreadable_words(&unreadable_pairings, &unreadable_shares);
        let receipts = if stage == SharingStage::Receipts {
            let listing = cx.store.consent_receipts()?;
            unreadable.extend(unreadable_receipts_words(&listing.unreadable));
            receipts(&listing.records, today)
        } else {
            Vec::new()
        };
        let pairings: Vec<PairingCard> = paired
            .into_iter()
            .map(|p| {
                let mine: Vec<_> =
                    shares.iter().filter(|s| s.pairing == p.id && s.state == ShareState::Active).collect();
                PairingCard {
                    pairing_id: p.id.to_string(),
                    name: p.clinician_name.clone(),
                    detail: format!(
                        "Paired {} · code {}",
                        relative_day(p.paired.local_date(), today).to_lowercase(),
                        p.fingerprint
                    ),
                    shares: if mine.is_empty() {
                        vec!["Nothing shared.".into()]
                    } else {
                        mine.iter().map(|s| share_line(s, today)).collect()
                    },
                    suggestions: mine
                        .iter()
                        .flat_map(|s| s.suggestions.iter())
                        .rev()
                        .map(|s| format!("{} ({})", s.summary, when(&s.received, today)))
                        .collect(),
                    share_label: "Choose what to share".into(),
                    stop_label: "Stop sharing".into(),
                }
            })
            .collect();
        let shared_with_chosen: Vec<Category> = shares
            .iter()
            .filter(|s| Some(s.pairing) == self.pairing && s.state == ShareState::Active)
            .map(|s| s.category)
            .collect();
        let preview = if stage == SharingStage::Preview { self.preview(cx.store)? } else { Vec::new() };
        let (clinician, code) = match &self.invite {
            Some((_, i)) => (i.clinician.clone(), i.fingerprint.clone()),
            None => (String::new(), String::new()),
        };
        Ok(SharingView {
            stage,
            intro: "Nothing leaves this phone unless you choose it here. Shared data is encrypted so that only the person you share with can read it, and you can stop at any time.".into(),
            pairings,
            pair_label: "Pair with a clinician".into(),
            sync_label: "Send now".into(),
            receipts_label: "What I agreed to".into(),
            invite_label: "Paste the invite your clinician gave you".into(),
            invite_next_label: "Next".into(),
            scan_label: "Scan the code".into(),
            compare_text: format!("Ask {} to read out their code. Does it match this one exactly?", if clinician.is_empty() { "your clinician" } else { &clinician }),
            clinician,
            code,
            matches_label: "It matches".into(),
            differs_label: "It doesn't match".into(),
            categories: Category::ALL
                .iter()
                .map(|c| CategoryChoice {
                    category: *c,
                    label: label(*c).into(),
                    wording: c.wording().into(),
                    selected: self.chosen.contains(c),
                    shared: shared_with_chosen.contains(c),
                })
                .collect(),
            include_history: self.include_history,
            history_label: "Include what I recorded before today".into(),
            preview_label: "See exactly what would be sent".into(),
            preview,
            consent_label: "I agree: share this".into(),
            receipts,
            unreadable,
        })
    }

    fn preview(&self, store: &Store) -> Result<Vec<PreviewPart>> {
        Ok(store
            .preview_consent(&self.chosen, self.include_history)?
            .into_iter()
            .map(|p| PreviewPart {
                title: label(p.category).into(),
                wording: p.wording,
                count: format!(
                    "{} would be sent now, and new ones as you add them.",
                    super::common::count(i64::from(p.entries), "entry", "entries")
                ),
                content: p.json,
                never_sent: p.never_sent,
            })
            .collect())
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: SharingAction) -> Result<Reaction> {
        match action {
            SharingAction::StartPairing => self.go(SharingStage::EnterInvite),
            SharingAction::Scan => Ok(Reaction::effect(Effect::ScanCode)),
            SharingAction::Scanned { text } | SharingAction::InviteEntered { text } => {
                let invite = parse_invite(&text)?;
                self.invite = Some((text.trim().to_string(), invite));
                self.go(SharingStage::CompareCode)
            }
            SharingAction::CodesMatch => {
                let (text, _) = self.invite.take().ok_or_else(super::app::not_now)?;
                let pairing = cx.store.pair(&text, cx.host.transport().as_ref())?;
                self.pairing = Some(pairing.id);
                self.chosen = vec![Category::WeeklySummaries];
                self.stage = Some(SharingStage::Choose);
                Ok(Reaction::notice(Notice::saved(format!(
                    "Paired with {}. Nothing is shared until you choose it.",
                    pairing.clinician_name
                ))))
            }
            SharingAction::CodesDiffer => {
                self.invite = None;
                self.stage = Some(SharingStage::Overview);
                Ok(Reaction::notice(Notice::info(
                    "Nothing was paired. Ask your clinician for a new invite and compare the code together.",
                )))
            }
            SharingAction::Choose { pairing_id } => {
                self.pairing = Some(RecordId::parse(&pairing_id)?);
                self.chosen.clear();
                self.go(SharingStage::Choose)
            }
            SharingAction::Toggle { category } => {
                if let Some(i) = self.chosen.iter().position(|c| *c == category) {
                    self.chosen.remove(i);
                } else {
                    self.chosen.push(category);
                    self.chosen.sort();
                }
                Ok(Reaction::default())
            }
            SharingAction::IncludeHistory { include } => {
                self.include_history = include;
                Ok(Reaction::default())
            }
            SharingAction::Preview => {
                if self.chosen.is_empty() {
                    return Err(Error::invalid("categories", "choose at least one thing to share"));
                }
                self.go(SharingStage::Preview)
            }
            SharingAction::Consent => self.consent(cx),
            SharingAction::StopSharing { pairing_id } => {
                let id = RecordId::parse(&pairing_id)?;
                let withdrawn = cx.store.withdraw_consent(id, &Category::ALL)?;
                self.stage = Some(SharingStage::Overview);
                let text = if withdrawn.is_empty() {
                    "Nothing was being shared with them.".to_string()
                } else {
                    "Sharing stopped. Nothing more is sent, and the server is asked to erase what it holds.".to_string()
                };
                Ok(Reaction::notice(Notice::saved(text)).with_effect(Effect::SyncSoon))
            }
            SharingAction::SyncNow => {
                let report = cx.store.sync(cx.host.transport().as_ref(), true)?;
                let mut text = match (report.errors.len(), report.suggestions.len()) {
                    (0, 0) => "Up to date.".to_string(),
                    (0, n) => format!(
                        "Up to date. {} from your clinician.",
                        super::common::plural(n as i64, "new suggestion")
                    ),
                    _ => "Some of it couldn't be sent just now. It stays here and is tried again later.".to_string(),
                };
                if !report.unreadable.is_empty() {
                    text.push_str(" Some of it couldn't be read on this phone and wasn't sent; nothing was deleted.");
                }
                Ok(Reaction::notice(Notice::info(text)))
            }
            SharingAction::ShowReceipts => self.go(SharingStage::Receipts),
        }
    }

    fn go(&mut self, stage: SharingStage) -> Result<Reaction> {
        self.stage = Some(stage);
        Ok(Reaction::default())
    }

    fn consent(&mut self, cx: &mut Cx<'_>) -> Result<Reaction> {
        if self.stage() != SharingStage::Preview {
            return Err(super::app::not_now());
        }
        let pairing = self.pairing.ok_or_else(super::app::not_now)?;
        let request = ConsentRequest {
            pairing,
            categories: self.chosen.clone(),
            include_history: self.include_history,
            until: None,
        };
        cx.store.grant_consent(&request)?;
        self.stage = Some(SharingStage::Overview);
        self.chosen.clear();
        Ok(Reaction::notice(Notice::saved("Shared. You can see it here, and stop at any time."))
            .with_effect(Effect::SyncSoon))
    }
}

fn share_line(s: &crate::share::Share, today: NaiveDate) -> String {
    let state = match (&s.last_synced, s.pending_len(), &s.last_error) {
        (_, _, Some(_)) => "will be sent when the connection is back".to_string(),
        (Some(at), 0, None) => format!("sent {}", when(at, today).to_lowercase()),
        (_, n, None) if n > 0 => "waiting to be sent".to_string(),
        (None, _, None) => "waiting to be sent".to_string(),
        (Some(at), _, None) => format!("sent {}", when(at, today).to_lowercase()),
    };
    format!("{}: {state}", label(s.category))
}

fn receipts(receipts: &[ConsentReceipt], today: NaiveDate) -> Vec<String> {
    receipts
        .iter()
        .rev()
        .map(|r| {
            let what = match r.action {
                ReceiptAction::Granted => "Agreed to share",
                ReceiptAction::Withdrawn => "Stopped sharing",
            };
            format!("{} · {what} \"{}\" with {}", when(&r.at, today), label(r.category).to_lowercase(), r.recipient)
        })
        .collect()
}

/// Pairings and shares that could not be opened, in words: what it means for the person
/// (not sent, nothing deleted), never a record id or a technical cause.
fn unreadable_words(pairings: &[Unreadable], shares: &[Unreadable]) -> Vec<String> {
    let mut lines = Vec::new();
    if !pairings.is_empty() {
        lines.push(format!(
            "{} couldn't be read on this phone, so they aren't shown here. Nothing was deleted.",
            count(pairings.len() as i64, "clinician you paired with", "clinicians you paired with"),
        ));
    }
    if !shares.is_empty() {
        lines.push(format!(
            "{} couldn't be read on this phone, so {} sent for now. Nothing was deleted, and everything else is sent as usual.",
            count(shares.len() as i64, "thing you share", "things you share"),
            if shares.len() == 1 { "it isn't" } else { "they aren't" },
        ));
    }
    lines
}

fn unreadable_receipts_words(receipts: &[Unreadable]) -> Option<String> {
    (!receipts.is_empty()).then(|| {
        format!(
            "{} of what you agreed to couldn't be read on this phone; the rest are listed here.",
            count(receipts.len() as i64, "record", "records")
        )
    })
}
