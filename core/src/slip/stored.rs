//! How a slip is stored: its record, with frozen payloads (see [`crate::store::record`]), and
//! the borrowed view of its head that scans decode. The head holds what lists and insights
//! read (times, the linked urge, the chain's step states and vulnerability factors); the body
//! holds every word the person wrote.

use serde::{Deserialize, Serialize};

use super::chain::{self, ChainAnalysis, ChainLink, ChainStep, LinkKind, Vulnerability, VulnerabilityFactor};
use super::plan_link::{PlanAddition, PlanPart};
use super::{Slip, SlipHead};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::plan::model::StrategyKind;
use crate::safety::flags::{self, FlaggedHead};
use crate::store::frozen::{StampRefV1, StampV1};
use crate::store::record::decode_version_flagged;
use crate::store::{Payload, Period, Record, RecordKind};
use crate::time::Month;

/// Head of a slip, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct HeadV1 {
    occurred: StampV1,
    logged: StampV1,
    edited_utc_ms: Option<i64>,
    urge: Option<RecordId>,
    factors: Vec<VulnerabilityFactor>,
    answered: Vec<ChainStep>,
    skipped: Vec<ChainStep>,
    /// How many links the chain has.
    links: u16,
    chain_completed: Option<StampV1>,
    /// How many additions to the plan were made from it.
    plan_additions: u16,
}

impl Payload for HeadV1 {
    const VERSION: u8 = 1;
}

/// Borrowing twin of [`HeadV1`] (same fields, same order) for scans: no string is copied.
#[derive(Deserialize)]
struct HeadRefV1<'a> {
    #[serde(borrow)]
    occurred: StampRefV1<'a>,
    #[serde(borrow)]
    #[allow(dead_code)]
    logged: StampRefV1<'a>,
    #[allow(dead_code)]
    edited_utc_ms: Option<i64>,
    urge: Option<RecordId>,
    factors: Vec<VulnerabilityFactor>,
    answered: Vec<ChainStep>,
    skipped: Vec<ChainStep>,
    links: u16,
    #[serde(borrow)]
    chain_completed: Option<StampRefV1<'a>>,
    #[allow(dead_code)]
    plan_additions: u16,
}

/// A vulnerability factor with the person's words, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct VulnerabilityV1 {
    factor: VulnerabilityFactor,
    note: Option<String>,
}

/// One link of the chain, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct LinkV1 {
    kind: LinkKind,
    text: String,
    instead: Option<String>,
}

/// A chain analysis, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct ChainV1 {
    vulnerabilities: Vec<VulnerabilityV1>,
    prompting_event: Option<String>,
    links: Vec<LinkV1>,
    consequences: Option<String>,
    repair: Option<String>,
    commitment: Option<String>,
    self_compassion: Option<String>,
    answered: Vec<ChainStep>,
    skipped: Vec<ChainStep>,
}

/// A change added to the plan from the slip, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct AdditionV1 {
    part: PlanPart,
    text: String,
    for_item: Option<String>,
    kind: Option<StrategyKind>,
    added_utc_ms: i64,
}

/// Body of a slip, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct BodyV1 {
    what: String,
    chain: ChainV1,
    plan_additions: Vec<AdditionV1>,
}

impl Payload for BodyV1 {
    const VERSION: u8 = 1;
}

impl From<&ChainAnalysis> for ChainV1 {
    fn from(c: &ChainAnalysis) -> Self {
        ChainV1 {
            vulnerabilities: c
                .vulnerabilities
                .iter()
                .map(|v| VulnerabilityV1 { factor: v.factor, note: v.note.clone() })
                .collect(),
            prompting_event: c.prompting_event.clone(),
            links: c
                .links
                .iter()
                .map(|l| LinkV1 { kind: l.kind, text: l.text.clone(), instead: l.instead.clone() })
                .collect(),
            consequences: c.consequences.clone(),
            repair: c.repair.clone(),
            commitment: c.commitment.clone(),
            self_compassion: c.self_compassion.clone(),
            answered: c.answered.clone(),
            skipped: c.skipped.clone(),
        }
    }
}

impl From<ChainV1> for ChainAnalysis {
    fn from(c: ChainV1) -> Self {
        ChainAnalysis {
            vulnerabilities: c
                .vulnerabilities
                .into_iter()
                .map(|v| Vulnerability { factor: v.factor, note: v.note })
                .collect(),
            prompting_event: c.prompting_event,
            links: c.links.into_iter().map(|l| ChainLink { kind: l.kind, text: l.text, instead: l.instead }).collect(),
            consequences: c.consequences,
            repair: c.repair,
            commitment: c.commitment,
            self_compassion: c.self_compassion,
            answered: c.answered,
            skipped: c.skipped,
        }
    }
}

impl From<&PlanAddition> for AdditionV1 {
    fn from(a: &PlanAddition) -> Self {
        AdditionV1 {
            part: a.part,
            text: a.text.clone(),
            for_item: a.for_item.clone(),
            kind: a.kind,
            added_utc_ms: a.added_utc_ms,
        }
    }
}

impl From<AdditionV1> for PlanAddition {
    fn from(a: AdditionV1) -> Self {
        PlanAddition { part: a.part, text: a.text, for_item: a.for_item, kind: a.kind, added_utc_ms: a.added_utc_ms }
    }
}

impl Record for Slip {
    const KIND: RecordKind = RecordKind::Slip;
    type Head = FlaggedHead<HeadV1>;
    type Body = BodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.local_date()))
    }

    fn to_payload(&self) -> (FlaggedHead<HeadV1>, Option<BodyV1>) {
        let head = HeadV1 {
            occurred: (&self.occurred).into(),
            logged: (&self.logged).into(),
            edited_utc_ms: self.edited_utc_ms,
            urge: self.urge,
            factors: self.chain.vulnerabilities.iter().map(|v| v.factor).collect(),
            answered: self.chain.answered.clone(),
            skipped: self.chain.skipped.clone(),
            links: u16::try_from(self.chain.links.len()).unwrap_or(u16::MAX),
            chain_completed: self.chain_completed.as_ref().map(StampV1::from),
            plan_additions: u16::try_from(self.plan_additions.len()).unwrap_or(u16::MAX),
        };
        let body = BodyV1 {
            what: self.what.clone(),
            chain: (&self.chain).into(),
            plan_additions: self.plan_additions.iter().map(AdditionV1::from).collect(),
        };
        (FlaggedHead { head, risk: flags::concern_of(self) }, Some(body))
    }

    /// A slip is always read whole: without its body it is [`IntegrityProblem::Truncated`].
    fn from_payload(id: RecordId, h: FlaggedHead<HeadV1>, body: Option<BodyV1>) -> Result<Self, IntegrityProblem> {
        let FlaggedHead { head: h, risk } = h;
        let b = body.ok_or(IntegrityProblem::Truncated)?;
        Ok(Slip {
            id,
            occurred: h.occurred.into(),
            logged: h.logged.into(),
            edited_utc_ms: h.edited_utc_ms,
            what: b.what,
            urge: h.urge,
            chain: b.chain.into(),
            chain_completed: h.chain_completed.map(Into::into),
            plan_additions: b.plan_additions.into_iter().map(Into::into).collect(),
            risk,
        })
    }
}

/// What lists and insights read of a slip, from its head alone.
pub(crate) fn decode_head(id: RecordId, head: &[u8]) -> Result<SlipHead, IntegrityProblem> {
    let (h, risk): (HeadRefV1<'_>, _) = decode_version_flagged(head, HeadV1::VERSION)?;
    Ok(SlipHead {
        id,
        utc_ms: h.occurred.utc_ms,
        day: h.occurred.local_date(),
        urge: h.urge,
        factors: h.factors,
        status: chain::status_of(&h.answered, &h.skipped, h.links > 0),
        completed_day: h.chain_completed.map(|c| c.local_date()),
        risk,
    })
}
