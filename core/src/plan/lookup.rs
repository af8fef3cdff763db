//! Finding the plan at a hard moment: from what the client types or taps, the urge's
//! intensity and the local time, the plan's strategies ranked, with who can be reached now.
//!
//! # Matching
//! The query and every trigger and warning sign are reduced to terms ([`super::matcher`]:
//! typos, inflections, synonyms). An item *matches fully* when all its terms are in the query
//! (or it was tapped, or its name equals the query); *partly* when some are. Late at night
//! (22:00-05:00 local), items about the night join the partial matches. A partly matched item
//! that is the best match for one of the query's terms ranks with the full matches, so each
//! thing the client names brings its own strategies up.
//!
//! # Ranking
//! Strategies come in tiers ([`Tier`]): `Matched` (strategies of tapped or fully matched items,
//! and of the best match for a term), `PartlyMatched` (of other partly matched items),
//! `OwnWords` (other strategies whose own words match the query), `General` (for any moment),
//! and, when nothing matched, `RestOfPlan` (every other strategy of the plan); then built-in
//! suggestions for the feelings recognised. An empty plan gives built-in suggestions only.
//! Suggestions are marked ([`StrategySource::Suggestion`]).
//!
//! Within a tier, by a smoothed effectiveness that starts from the client's own order:
//!
//! ```text
//! prior mean   m(r) = max(0.30, 0.70 - 0.05 r)      r = 0-based position in the client's list
//! score        p    = (K m(r) + helped) / (K + used)    K = 20 (prior strength, in events)
//! ```
//!
//! `used`/`helped` count this strategy's outcomes *for this trigger* (general strategies: for
//! any trigger) over the last year ([`super::LEARNING_WINDOW_DAYS`]), from [`super::learning`]. The score is the mean of a Beta(K m, K (1 - m))
//! prior updated with the outcomes. Neighbours in the client's order differ by 0.05 in prior
//! mean while one event moves a score by at most 0.70/21 < 0.034, so a single event never
//! overturns the client's order (within the first nine positions, where priors differ); a
//! consistent record does: "call Sam" helping 8 times in 10 (0.70) overtakes "go for a run"
//! placed above it but helping 1 time in 6 (0.58). Ties keep the client's order.
//!
//! At high intensity (≥ [`HIGH_INTENSITY`] on the 0-10 scale) every reach-out strategy of the
//! plan joins the list and reach-out strategies move to the front (keeping their order),
//! [`Lookup::high_intensity`] tells the app to show people to reach before strategies, and a
//! plan without anyone to contact gets built-in steps to reach out first. A strong urge is not
//! a suicidal crisis: people reachable now come before crisis lines.
//!
//! # Safety
//! Words of suicide or self-harm in the query ([`crate::safety::risk`]) set
//! [`Lookup::crisis`], the crisis step to show before anything else, whatever the intensity,
//! and move crisis lines reachable now to the front of the contacts.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{NaiveDateTime, Timelike};

use super::learning::StrategyStats;
use super::matcher::{self, TermKey, Vocabulary};
use super::model::{Contact, CopingPlan, ItemKind, PlanEntry, StrategyKind};
use super::suggestions;
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::safety::risk::{self, RiskConcern};
use crate::safety::{CrisisStep, EmergencyNumber};
use crate::text;
use crate::urge::MAX_INTENSITY;

/// Intensity (0-10) from which reach-out and crisis steps come first.
pub const HIGH_INTENSITY: u8 = 8;
/// Prior strength K, in events.
pub const PRIOR_STRENGTH: f64 = 20.0;
/// Prior mean of the client's first strategy.
pub const PRIOR_TOP: f64 = 0.70;
/// Prior mean lost per position down the client's list.
pub const PRIOR_STEP: f64 = 0.05;
/// Lowest prior mean.
pub const PRIOR_FLOOR: f64 = 0.30;
/// Longest query.
pub const QUERY_MAX_CHARS: usize = 500;

/// What the client typed or tapped.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LookupQuery {
    /// Free text, a trigger's or feeling's name, or empty.
    pub text: String,
    /// A trigger or warning sign tapped in the plan.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub item: Option<RecordId>,
    /// Urge intensity now, 0-10.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub intensity: Option<u8>,
    /// At most this many strategies (all when `None`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit: Option<u32>,
}

impl fmt::Debug for LookupQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LookupQuery(<redacted>, item: {:?}, intensity: {:?})", self.item, self.intensity)
    }
}

/// How an item came to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MatchHow {
    /// The client tapped it.
    Tapped,
    /// All of its words (or their synonyms) are in the query.
    Full,
    /// Some of its words are.
    Partial,
    /// It is about the night, and it is late.
    TimeOfDay,
}

/// A trigger or warning sign the query matched.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MatchedItem {
    pub id: RecordId,
    pub kind: ItemKind,
    pub name: String,
    pub how: MatchHow,
    /// Share of the item's terms found (typo-corrected words count 0.8), 0-1.
    pub score: f32,
}

impl fmt::Debug for MatchedItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MatchedItem({}, {:?}, <redacted>, {:?})", self.id, self.kind, self.how)
    }
}

/// Why a strategy is in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum StrategySource {
    /// A strategy of a matched trigger or warning sign.
    MatchedItem,
    /// Its own words match the query.
    OwnWords,
    /// A general strategy, for any moment.
    General,
    /// From another part of the plan (shown when nothing matched).
    OtherItem,
    /// A built-in suggestion, not (yet) in the plan.
    Suggestion,
}

/// A strategy in the lookup's order.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RankedStrategy {
    /// The plan strategy (`None` for a suggestion).
    pub id: Option<RecordId>,
    pub text: String,
    pub kind: StrategyKind,
    /// The trigger or warning sign it belongs to.
    pub for_item: Option<RecordId>,
    pub item_name: Option<String>,
    pub source: StrategySource,
    /// The smoothed effectiveness it was ranked by (0 for suggestions).
    pub score: f64,
    /// Times used for this trigger with a known outcome, and times the urge then passed.
    pub used: u32,
    pub helped: u32,
}

impl fmt::Debug for RankedStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RankedStrategy({:?}, <redacted>, {:?}, {:?}, {:.3})", self.id, self.kind, self.source, self.score)
    }
}

impl RankedStrategy {
    pub fn is_suggestion(&self) -> bool {
        self.source == StrategySource::Suggestion
    }
}

/// Someone to contact, and whether they can be reached now.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContactStep {
    pub contact: Contact,
    /// A professional or crisis line (rather than a person from the client's life).
    pub professional: bool,
    pub reachable_now: bool,
    /// Minutes until they can be reached (0 now), if within a week.
    pub minutes_until_reachable: Option<u32>,
}

impl ContactStep {
    /// `contact` as a step at local time `now`.
    pub fn at(contact: &Contact, professional: bool, now: NaiveDateTime) -> ContactStep {
        ContactStep {
            contact: contact.clone(),
            professional,
            reachable_now: contact.available_at(now),
            minutes_until_reachable: contact.minutes_until_available(now),
        }
    }
}

impl fmt::Debug for ContactStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContactStep({:?}, reachable_now: {})", self.contact, self.reachable_now)
    }
}

/// The answer to a lookup.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Lookup {
    /// Triggers and warning signs matched, best first.
    pub matched: Vec<MatchedItem>,
    pub strategies: Vec<RankedStrategy>,
    /// People who can help, then professionals, then crisis lines; reachable now first. A
    /// strong urge is not a crisis: crisis lines lead only when the words speak of suicide or
    /// self-harm (then [`Lookup::crisis`] is set too).
    pub contacts: Vec<ContactStep>,
    /// The client's reasons for recovery, to remember.
    pub reasons: Vec<PlanEntry>,
    /// Intensity is high: show people to reach before strategies.
    pub high_intensity: bool,
    /// The words speak of suicide or self-harm: show this crisis step before anything else.
    pub crisis: Option<CrisisStep>,
}

struct IxItem {
    id: RecordId,
    ids: Vec<RecordId>,
    kind: ItemKind,
    name: String,
    folded: String,
    terms: Vec<u32>,
    night: bool,
}

struct IxStrategy {
    item: Option<usize>,
    pos: usize,
    id: RecordId,
    text: String,
    kind: StrategyKind,
    folded: String,
    terms: Vec<u32>,
    used: u32,
    helped: u32,
}

/// Where a strategy ranks, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    /// Of a tapped or fully matched item, or of the best match for one of the query's terms.
    Matched,
    /// Of another partly matched item (or a night-time item late at night).
    PartlyMatched,
    /// Its own words match the query.
    OwnWords,
    /// For any moment.
    General,
    /// From another part of the plan: when nothing matched, or a reach-out step at high
    /// intensity.
    RestOfPlan,
}

impl Tier {
    fn source(self) -> StrategySource {
        match self {
            Tier::Matched | Tier::PartlyMatched => StrategySource::MatchedItem,
            Tier::OwnWords => StrategySource::OwnWords,
            Tier::General => StrategySource::General,
            Tier::RestOfPlan => StrategySource::OtherItem,
        }
    }
}

/// Whether a matched item's strategies lead or follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ItemTier {
    Leads,
    Also,
}

/// The query reduced to the plan's terms.
struct QueryTerms {
    folded: String,
    /// Plan term → how surely it was recognised (1.0, or less for a corrected typo).
    terms: HashMap<u32, f32>,
    /// Concepts recognised (for built-in suggestions).
    concepts: Vec<u16>,
    /// Intensity at or above [`HIGH_INTENSITY`].
    high: bool,
    risk: Option<RiskConcern>,
}

/// An item the query matched.
struct ItemMatch {
    /// Index into [`PlanIndex::items`].
    item: usize,
    how: MatchHow,
    score: f32,
    tier: ItemTier,
    /// The query's terms the item holds.
    held: Vec<u32>,
}

/// A strategy in the running, before the same words are merged.
struct Candidate {
    /// Index into [`PlanIndex::strategies`].
    strategy: usize,
    tier: Tier,
    score: f64,
    /// Rank of its item among the matched items (0 when it has none).
    item_rank: usize,
}

/// A plan prepared for fast lookups (build once, query often).
pub struct PlanIndex {
    plan: CopingPlan,
    vocab: Vocabulary,
    terms: HashMap<TermKey, u32>,
    items: Vec<IxItem>,
    strategies: Vec<IxStrategy>,
    emergency: EmergencyNumber,
}

impl fmt::Debug for PlanIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanIndex({} items, {} strategies)", self.items.len(), self.strategies.len())
    }
}

fn intern(terms: &mut HashMap<TermKey, u32>, text: &str) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for (k, _) in matcher::analyze(text, None) {
        let n = terms.len() as u32;
        let id = *terms.entry(k).or_insert(n);
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Prior mean for 0-based position `r` in the client's list.
pub fn prior_mean(r: usize) -> f64 {
    (PRIOR_TOP - PRIOR_STEP * r as f64).max(PRIOR_FLOOR)
}

/// The smoothed effectiveness score (see the module documentation).
pub fn smoothed_score(position: usize, used: u32, helped: u32) -> f64 {
    (PRIOR_STRENGTH * prior_mean(position) + f64::from(helped)) / (PRIOR_STRENGTH + f64::from(used))
}

fn is_night(t: NaiveDateTime) -> bool {
    let h = t.hour();
    !(5..22).contains(&h)
}

impl PlanIndex {
    /// Index `plan` with statistics from [`Store::strategy_stats`](crate::store::Store::strategy_stats).
    pub fn with_stats(plan: CopingPlan, stats: &StrategyStats) -> PlanIndex {
        let mut terms: HashMap<TermKey, u32> = HashMap::new();
        let night_concept = matcher::Lexicon::concept_named("night").map(TermKey::Concept);
        let mut items = Vec::new();
        let mut strategies = Vec::new();
        let mut words: Vec<&str> = Vec::new();
        for item in plan.items() {
            for (pos, s) in item.strategies.iter().enumerate() {
                strategies.push(IxStrategy {
                    item: Some(items.len()),
                    pos,
                    id: s.id,
                    text: s.text.clone(),
                    kind: s.kind,
                    folded: text::fold(&s.text),
                    terms: intern(&mut terms, &s.text),
                    used: 0,
                    helped: 0,
                });
                words.push(&s.text);
            }
            let item_terms = intern(&mut terms, &item.name);
            let night = night_concept.as_ref().and_then(|k| terms.get(k)).is_some_and(|n| item_terms.contains(n));
            let mut ids = vec![item.id];
            ids.extend(item.merged_ids.iter().copied());
            items.push(IxItem {
                id: item.id,
                ids,
                kind: item.kind,
                name: item.name.clone(),
                folded: text::fold(&item.name),
                terms: item_terms,
                night,
            });
            words.push(&item.name);
        }
        for (pos, s) in plan.strategies.iter().enumerate() {
            strategies.push(IxStrategy {
                item: None,
                pos,
                id: s.id,
                text: s.text.clone(),
                kind: s.kind,
                folded: text::fold(&s.text),
                terms: intern(&mut terms, &s.text),
                used: 0,
                helped: 0,
            });
            words.push(&s.text);
        }
        let vocab = Vocabulary::new(words);
        let mut ix = PlanIndex { plan, vocab, terms, items, strategies, emergency: EmergencyNumber::unknown() };
        ix.learn(stats);
        ix
    }

    /// Take per-(item, strategy) and per-strategy counts from the learned statistics.
    fn learn(&mut self, stats: &StrategyStats) {
        let by_id: HashMap<RecordId, usize> =
            self.items.iter().enumerate().flat_map(|(i, it)| it.ids.iter().map(move |id| (*id, i))).collect();
        let mut per_item: HashMap<(usize, String), (u32, u32)> = HashMap::new();
        for s in &stats.by_trigger {
            if let Some(i) = s.trigger_item.and_then(|id| by_id.get(&id)) {
                per_item.insert((*i, text::fold(&s.strategy)), (s.used, s.helped));
            }
        }
        let overall: HashMap<String, (u32, u32)> =
            stats.overall.iter().map(|s| (text::fold(&s.strategy), (s.used, s.helped))).collect();
        for s in &mut self.strategies {
            let c = match s.item {
                Some(i) => per_item.get(&(i, s.folded.clone())),
                None => overall.get(&s.folded),
            };
            if let Some((used, helped)) = c {
                s.used = *used;
                s.helped = *helped;
            }
        }
    }

    pub fn plan(&self) -> &CopingPlan {
        &self.plan
    }

    /// The emergency number crisis steps show (set by [`crate::store::Store::plan_index`] from
    /// the device's region).
    pub fn with_emergency(mut self, emergency: EmergencyNumber) -> PlanIndex {
        self.emergency = emergency;
        self
    }

    /// The crisis step from this plan at local time `now`.
    pub fn crisis_step(&self, now: NaiveDateTime, concern: Option<RiskConcern>) -> CrisisStep {
        CrisisStep::build(&self.plan, now, self.emergency.clone(), concern)
    }

    /// Look up strategies for `q` at local wall-clock time `now`, in named phases: read the
    /// query, match the plan's items, rank their strategies by [`Tier`] and score, add
    /// built-in suggestions when the plan has nothing for the moment, put reaching out first
    /// at high intensity (see the module documentation).
    pub fn lookup(&self, q: &LookupQuery, now: NaiveDateTime) -> Result<Lookup> {
        let query = self.read_query(q)?;
        let items = self.match_items(q, &query, now);
        let candidates = self.candidates(&items, &query);
        let mut strategies = self.ranked(&candidates);
        let plan_has_it = !items.is_empty() || candidates.iter().any(|c| c.tier == Tier::OwnWords);
        self.add_suggestions(&mut strategies, &query, plan_has_it);
        if query.high {
            self.reach_out_first(&mut strategies);
        }
        if let Some(l) = q.limit {
            strategies.truncate(l as usize);
        }
        Ok(Lookup {
            matched: items.iter().map(|m| self.matched_item(m)).collect(),
            strategies,
            contacts: self.contacts(now, query.risk.is_some()),
            reasons: self.plan.reasons.clone(),
            high_intensity: query.high,
            crisis: query.risk.map(|concern| self.crisis_step(now, Some(concern))),
        })
    }

    /// Phase 1: check the query and reduce it to the plan's terms.
    fn read_query(&self, q: &LookupQuery) -> Result<QueryTerms> {
        if q.text.chars().count() > QUERY_MAX_CHARS {
            return Err(Error::invalid("search", format!("at most {QUERY_MAX_CHARS} characters")));
        }
        if let Some(i) = q.intensity {
            text::rating("intensity", i, MAX_INTENSITY)?;
        }
        let mut terms: HashMap<u32, f32> = HashMap::new();
        let mut concepts: Vec<u16> = Vec::new();
        for (k, quality) in matcher::analyze(&q.text, Some(&self.vocab)) {
            if let TermKey::Concept(c) = k {
                concepts.push(c);
            }
            if let Some(id) = self.terms.get(&k) {
                let e = terms.entry(*id).or_insert(0.0);
                *e = e.max(quality);
            }
        }
        Ok(QueryTerms {
            folded: text::fold(&q.text),
            terms,
            concepts,
            high: q.intensity.is_some_and(|i| i >= HIGH_INTENSITY),
            risk: risk::assess(&q.text).map(|m| m.concern),
        })
    }

    /// Phase 2: the items the query names, best first: tapped and fully matched items and
    /// the best match for each of the query's terms lead ("tired and stressed" with items
    /// "Can't sleep" and "Stress at work": both lead); other partial matches follow, then, late
    /// at night, the items about the night.
    fn match_items(&self, q: &LookupQuery, query: &QueryTerms, now: NaiveDateTime) -> Vec<ItemMatch> {
        let mut found: Vec<ItemMatch> =
            self.items.iter().enumerate().filter_map(|(i, it)| self.match_item(i, it, q, query)).collect();
        let mut best_for_term: HashMap<u32, f32> = HashMap::new();
        for m in &found {
            for t in &m.held {
                let b = best_for_term.entry(*t).or_insert(0.0);
                *b = b.max(m.score);
            }
        }
        for m in &mut found {
            let best = m.held.iter().any(|t| best_for_term.get(t).is_some_and(|b| m.score >= *b));
            if best {
                m.tier = ItemTier::Leads;
            }
        }
        if is_night(now) {
            for (i, it) in self.items.iter().enumerate() {
                if it.night && !found.iter().any(|m| m.item == i) {
                    found.push(ItemMatch {
                        item: i,
                        how: MatchHow::TimeOfDay,
                        score: 0.0,
                        tier: ItemTier::Also,
                        held: Vec::new(),
                    });
                }
            }
        }
        // Best first: tier, then score, then the client's order of items.
        found.sort_by(|a, b| a.tier.cmp(&b.tier).then(b.score.total_cmp(&a.score)).then(a.item.cmp(&b.item)));
        found
    }

    /// How the query matches one item, if it does.
    fn match_item(&self, i: usize, it: &IxItem, q: &LookupQuery, query: &QueryTerms) -> Option<ItemMatch> {
        if q.item.is_some_and(|id| it.ids.contains(&id)) {
            return Some(ItemMatch {
                item: i,
                how: MatchHow::Tapped,
                score: 1.0,
                tier: ItemTier::Leads,
                held: Vec::new(),
            });
        }
        if !query.folded.is_empty() && it.folded == query.folded {
            return Some(ItemMatch {
                item: i,
                how: MatchHow::Full,
                score: 1.0,
                tier: ItemTier::Leads,
                held: it.terms.clone(),
            });
        }
        let held: Vec<u32> = it.terms.iter().copied().filter(|t| query.terms.contains_key(t)).collect();
        if held.is_empty() {
            return None;
        }
        let quality: f32 = held.iter().filter_map(|t| query.terms.get(t)).sum();
        let score = quality / it.terms.len() as f32;
        let (how, tier) = if held.len() == it.terms.len() {
            (MatchHow::Full, ItemTier::Leads)
        } else {
            (MatchHow::Partial, ItemTier::Also)
        };
        Some(ItemMatch { item: i, how, score, tier, held })
    }

    /// Phase 3: every strategy that belongs in the answer, with its tier and score, best first.
    fn candidates(&self, items: &[ItemMatch], query: &QueryTerms) -> Vec<Candidate> {
        let rank: HashMap<usize, (ItemTier, usize)> =
            items.iter().enumerate().map(|(r, m)| (m.item, (m.tier, r))).collect();
        let mut out: Vec<Candidate> = self
            .strategies
            .iter()
            .enumerate()
            .filter_map(|(index, s)| {
                let (tier, item_rank) = self.tier_of(s, &rank, query, !items.is_empty())?;
                Some(Candidate { strategy: index, tier, score: smoothed_score(s.pos, s.used, s.helped), item_rank })
            })
            .collect();
        out.sort_by(|a, b| {
            a.tier
                .cmp(&b.tier)
                .then(b.score.total_cmp(&a.score))
                .then(a.item_rank.cmp(&b.item_rank))
                .then(self.strategies[a.strategy].pos.cmp(&self.strategies[b.strategy].pos))
                .then(a.strategy.cmp(&b.strategy))
        });
        out
    }

    /// The tier of one strategy and the rank of its item, or `None` when it stays out.
    fn tier_of(
        &self,
        s: &IxStrategy,
        rank: &HashMap<usize, (ItemTier, usize)>,
        query: &QueryTerms,
        any_item: bool,
    ) -> Option<(Tier, usize)> {
        if let Some((item_tier, r)) = s.item.and_then(|i| rank.get(&i)) {
            let tier = match item_tier {
                ItemTier::Leads => Tier::Matched,
                ItemTier::Also => Tier::PartlyMatched,
            };
            return Some((tier, *r));
        }
        if s.terms.iter().any(|t| query.terms.contains_key(t)) {
            Some((Tier::OwnWords, 0))
        } else if s.item.is_none() {
            Some((Tier::General, 0))
        } else if !any_item || (query.high && s.kind == StrategyKind::ReachOut) {
            // Nothing matched: the rest of the plan. At high intensity: every reach-out step
            // of the plan, wherever it is written.
            Some((Tier::RestOfPlan, s.item.unwrap_or(0)))
        } else {
            None
        }
    }

    /// Phase 4: the candidates as ranked strategies, the same words once.
    fn ranked(&self, candidates: &[Candidate]) -> Vec<RankedStrategy> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for c in candidates {
            let s = &self.strategies[c.strategy];
            if !seen.insert(s.folded.as_str()) {
                continue;
            }
            let item = s.item.map(|i| &self.items[i]);
            out.push(RankedStrategy {
                id: Some(s.id),
                text: s.text.clone(),
                kind: s.kind,
                for_item: item.map(|i| i.id),
                item_name: item.map(|i| i.name.clone()),
                source: c.tier.source(),
                score: c.score,
                used: s.used,
                helped: s.helped,
            });
        }
        out
    }

    /// Phase 5: built-in suggestions when the plan has nothing for this moment (for the
    /// feelings recognised, or general ones for an empty plan), and at high intensity with
    /// no one in the plan to contact, built-in steps to reach out first.
    fn add_suggestions(&self, strategies: &mut Vec<RankedStrategy>, query: &QueryTerms, plan_has_it: bool) {
        let mut suggested: Vec<(&str, StrategyKind)> = Vec::new();
        if !plan_has_it {
            for c in &query.concepts {
                suggested.extend(suggestions::for_concept(matcher::Lexicon::concept_name(*c)).iter().copied());
            }
            if self.strategies.is_empty() {
                suggested.extend(suggestions::GENERAL.iter().copied());
            }
        }
        if query.high && self.no_contacts() {
            suggested.splice(0..0, suggestions::CRISIS.iter().copied());
        }
        for (t, kind) in suggested {
            if !strategies.iter().any(|s| text::fold(&s.text) == text::fold(t)) {
                strategies.push(RankedStrategy {
                    id: None,
                    text: t.to_string(),
                    kind,
                    for_item: None,
                    item_name: None,
                    source: StrategySource::Suggestion,
                    score: 0.0,
                    used: 0,
                    helped: 0,
                });
            }
        }
    }

    /// Phase 6 (high intensity): reach-out steps first, each group in its order; built-in ones
    /// lead when the plan names no one.
    fn reach_out_first(&self, strategies: &mut Vec<RankedStrategy>) {
        let (mut reach, rest): (Vec<_>, Vec<_>) =
            std::mem::take(strategies).into_iter().partition(|s| s.kind == StrategyKind::ReachOut);
        if self.no_contacts() {
            reach.sort_by_key(|s| !s.is_suggestion());
        }
        reach.extend(rest);
        *strategies = reach;
    }

    fn no_contacts(&self) -> bool {
        self.plan.people.is_empty() && self.plan.professionals.is_empty()
    }

    fn matched_item(&self, m: &ItemMatch) -> MatchedItem {
        let it = &self.items[m.item];
        MatchedItem { id: it.id, kind: it.kind, name: it.name.clone(), how: m.how, score: m.score }
    }

    /// People, then professionals, then crisis lines, reachable now first (by how soon
    /// otherwise); with risk words, crisis lines reachable now lead.
    fn contacts(&self, now: NaiveDateTime, risk: bool) -> Vec<ContactStep> {
        let mut out: Vec<ContactStep> = self
            .plan
            .people
            .iter()
            .map(|c| ContactStep::at(c, false, now))
            .chain(self.plan.professionals.iter().map(|c| ContactStep::at(c, true, now)))
            .collect();
        // Stable sort keeps the client's order within each group.
        out.sort_by_key(|s| {
            let group = match (s.reachable_now, risk, s.contact.crisis_line, s.professional) {
                (true, true, true, _) => 0,
                (true, _, _, false) => 1,
                (true, _, false, true) => 2,
                (true, _, true, _) => 3,
                _ => 4,
            };
            (group, if s.reachable_now { 0 } else { s.minutes_until_reachable.unwrap_or(u32::MAX) })
        });
        out
    }
}
