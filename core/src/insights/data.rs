//! What insights are computed from: compact facts read once from the store.
//!
//! Urges are read through [`Store::visit_urge_facts`] (heads only, borrowed, nothing
//! collected but the facts below: no place, activity or note is decrypted), slips and
//! check-ins through their heads. Labels (triggers, strategies) are
//! interned so the statistics work on integers.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;

use crate::checkin::Measure;
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::slip::SlipHead;
use crate::store::{RecordKind, Store, Unreadable};
use crate::text;
use crate::time::Month;
use crate::urge::{Outcome, UrgeFacts};

/// Days from 0001-01-01 (day 1 in chrono's count) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A range of local days, both ends inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DaySpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Longest range insights are computed for (a guard against a typo such as year 9999).
pub const MAX_RANGE_DAYS: i64 = 366 * 30;

impl DaySpan {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self> {
        if to < from {
            return Err(Error::invalid("date range", "the end comes before the start"));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(Error::invalid("date range", "covers more than 30 years"));
        }
        Ok(DaySpan { from, to })
    }

    /// Number of days in the range.
    pub fn days(&self) -> usize {
        usize::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.from && d <= self.to
    }

    /// Index of `d` from the start (callers check `contains`).
    pub(crate) fn index(&self, d: NaiveDate) -> usize {
        usize::try_from((d - self.from).num_days()).unwrap_or(0)
    }

    /// The days from `from` to `to`.
    pub fn iter(&self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take(self.days())
    }
}

/// One urge, as insights need it.
#[derive(Clone, Debug)]
pub(crate) struct UrgeFact {
    pub id: RecordId,
    pub utc_ms: i64,
    /// Local day where it happened.
    pub day: NaiveDate,
    /// 0 = Monday .. 6 = Sunday, local where it happened.
    pub weekday: u8,
    /// 0..=23, local where it happened.
    pub hour: u8,
    pub intensity: u8,
    pub duration_secs: Option<u32>,
    pub outcome: Option<Outcome>,
    /// Where this urge's label ids start in [`InsightData::ids`]: first its trigger
    /// spellings (one per group), then its strategy groups. One flat array for all urges keeps
    /// loading free of per-urge allocations.
    pub ids_at: u32,
    pub n_triggers: u8,
    pub n_strategies: u8,
}

/// One check-in's ratings.
#[derive(Clone, Debug)]
pub(crate) struct CheckInFact {
    pub day: NaiveDate,
    /// When it was first saved (UTC milliseconds).
    pub first_ms: i64,
    pub scores: [Option<u8>; 4],
}

impl CheckInFact {
    pub fn score(&self, m: Measure) -> Option<u8> {
        let i = Measure::ALL.iter().position(|x| *x == m).unwrap_or(0);
        self.scores.get(i).copied().flatten()
    }
}

/// FNV-1a: a fast hash for interning short labels (not exposed to untrusted keys in a way
/// that matters: the labels are the person's own, on their own device).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Interned labels: exact spellings, grouped by their folded form (case and spacing ignored).
#[derive(Clone, Debug, Default)]
pub(crate) struct Labels {
    pub spellings: Vec<String>,
    /// Group of each spelling.
    pub group_of: Vec<u32>,
    /// Folded form of each group.
    pub groups: Vec<String>,
    by_spelling: FnvMap<String, u32>,
    by_fold: FnvMap<String, u32>,
}

impl Labels {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.by_spelling.get(s) {
            return *i;
        }
        let folded = text::fold(s);
        let g = match self.by_fold.get(&folded) {
            Some(g) => *g,
            None => {
                let g = self.groups.len() as u32;
                self.groups.push(folded.clone());
                self.by_fold.insert(folded, g);
                g
            }
        };
        let i = self.spellings.len() as u32;
        self.spellings.push(s.to_string());
        self.group_of.push(g);
        self.by_spelling.insert(s.to_string(), i);
        i
    }

    /// The group of a folded label, if any urge used it.
    pub fn group(&self, label: &str) -> Option<u32> {
        self.by_fold.get(&text::fold(label)).copied()
    }

    pub fn group_of(&self, spelling: u32) -> u32 {
        self.group_of.get(spelling as usize).copied().unwrap_or(u32::MAX)
    }
}

/// Everything insights read, loaded once. Built by [`Store::insight_data`].
#[derive(Debug)]
pub struct InsightData {
    /// The days loaded; `None` when the whole history was loaded.
    pub(crate) scope: Option<DaySpan>,
    pub(crate) today: NaiveDate,
    pub(crate) now_ms: i64,
    /// Urges in scope, in no particular order.
    pub(crate) urges: Vec<UrgeFact>,
    /// Label ids of every urge (see [`UrgeFact::ids_at`]).
    pub(crate) ids: Vec<u32>,
    pub(crate) triggers: Labels,
    pub(crate) strategies: Labels,
    /// Every slip (all time: links to urges are checked across the whole history), oldest first.
    pub(crate) slips: Vec<SlipHead>,
    /// Urges some slip links to: they count once, as that slip.
    pub(crate) linked_urges: HashSet<RecordId>,
    /// Check-ins in scope, oldest first, one per day.
    pub(crate) check_ins: Vec<CheckInFact>,
    /// The first local day with any entry, over the whole history (whatever was loaded).
    pub(crate) first_day: Option<NaiveDate>,
    /// The earliest moment of any entry, over the whole history: an urge's or slip's time, or
    /// when a check-in was first saved.
    pub(crate) first_ms: Option<i64>,
    /// Records that could not be opened (reported, never silently dropped).
    pub unreadable: Vec<Unreadable>,
}

impl InsightData {
    /// The loaded days, or `None` when the whole history is loaded.
    pub fn scope(&self) -> Option<DaySpan> {
        self.scope
    }

    /// Today, in the device's zone when the data was loaded.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// Check that `r` lies inside the loaded days.
    pub(crate) fn check_range(&self, r: DaySpan) -> Result<()> {
        match self.scope {
            Some(s) if r.from < s.from || r.to > s.to => {
                Err(Error::State("insights were asked for days outside the data that was loaded"))
            }
            _ => Ok(()),
        }
    }

    /// Urges whose local day is in `r`.
    pub(crate) fn urges_in(&self, r: DaySpan) -> impl Iterator<Item = &UrgeFact> {
        self.urges.iter().filter(move |u| r.contains(u.day))
    }

    /// The trigger spellings of an urge (one per group).
    pub(crate) fn triggers_of(&self, u: &UrgeFact) -> &[u32] {
        let a = u.ids_at as usize;
        self.ids.get(a..a + usize::from(u.n_triggers)).unwrap_or(&[])
    }

    /// The strategy groups of an urge.
    pub(crate) fn strategies_of(&self, u: &UrgeFact) -> &[u32] {
        let a = u.ids_at as usize + usize::from(u.n_triggers);
        self.ids.get(a..a + usize::from(u.n_strategies)).unwrap_or(&[])
    }

    pub(crate) fn check_ins_in(&self, r: DaySpan) -> impl Iterator<Item = &CheckInFact> {
        self.check_ins.iter().filter(move |c| r.contains(c.day))
    }

    pub(crate) fn slips_in(&self, r: DaySpan) -> impl Iterator<Item = &SlipHead> {
        self.slips.iter().filter(move |s| r.contains(s.day))
    }
}

/// First and last day of a month.
fn month_days(m: Month) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(m.year, m.month, 1)?;
    let next = Month::from_index(m.index() + 1);
    let last = NaiveDate::from_ymd_opt(next.year, next.month, 1)?.pred_opt()?;
    Some((first, last))
}

/// Urges as insights hold them, built one fact at a time (labels interned as they come).
#[derive(Default)]
pub(super) struct UrgeLoader {
    pub urges: Vec<UrgeFact>,
    pub ids: Vec<u32>,
    pub triggers: Labels,
    pub strategies: Labels,
}

impl UrgeLoader {
    pub fn push(&mut self, u: &UrgeFacts<'_>) {
        let UrgeLoader { urges, ids, triggers, strategies } = self;
        let at = ids.len();
        for s in &u.triggers {
            let i = triggers.intern(s);
            // One per group, even if an imported entry repeats a label in another case.
            let g = triggers.group_of(i);
            if !ids[at..].iter().any(|x| triggers.group_of(*x) == g) {
                ids.push(i);
            }
        }
        let n_triggers = ids.len() - at;
        for s in &u.strategies {
            let i = strategies.intern(s);
            let g = strategies.group_of(i);
            if !ids[at + n_triggers..].contains(&g) {
                ids.push(g);
            }
        }
        let n_strategies = ids.len() - at - n_triggers;
        // Local day, weekday and hour where it happened, by arithmetic on its own offset.
        let local_secs = u.occurred_utc_ms.div_euclid(1000) + i64::from(u.offset_secs);
        let days = local_secs.div_euclid(86_400);
        let Some(day) =
            i32::try_from(days + UNIX_EPOCH_DAYS_FROM_CE).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
        else {
            ids.truncate(at);
            return;
        };
        urges.push(UrgeFact {
            id: u.id,
            utc_ms: u.occurred_utc_ms,
            day,
            // 1970-01-01 was a Thursday (3 days after a Monday).
            weekday: (days + 3).rem_euclid(7) as u8,
            hour: (local_secs.rem_euclid(86_400) / 3600) as u8,
            intensity: u.intensity,
            duration_secs: u.duration_secs,
            outcome: u.outcome,
            ids_at: at as u32,
            n_triggers: n_triggers.min(usize::from(u8::MAX)) as u8,
            n_strategies: n_strategies.min(usize::from(u8::MAX)) as u8,
        });
    }
}

/// The first local day and the earliest moment of any entry, when the whole history is at hand.
pub(super) fn whole_history_start(
    urges: &[UrgeFact],
    slips: &[SlipHead],
    check_ins: &[CheckInFact],
) -> (Option<NaiveDate>, Option<i64>) {
    let day = [urges.iter().map(|u| u.day).min(), slips.iter().map(|s| s.day).min(), check_ins.first().map(|c| c.day)]
        .into_iter()
        .flatten()
        .min();
    let ms = [
        urges.iter().map(|u| u.utc_ms).min(),
        slips.first().map(|s| s.utc_ms),
        check_ins.iter().map(|c| c.first_ms).min(),
    ]
    .into_iter()
    .flatten()
    .min();
    (day, ms)
}

impl Store {
    /// The first local day and earliest moment of any entry, reading only the earliest month
    /// of urges and of check-ins (slips are all at hand). Used when less than the whole history
    /// is loaded, so "days without acting out" never counts days before the person began.
    fn earliest_entry(&self, slips: &[SlipHead]) -> Result<(Option<NaiveDate>, Option<i64>, Vec<Unreadable>)> {
        let mut day = slips.iter().map(|s| s.day).min();
        let mut ms = slips.first().map(|s| s.utc_ms);
        let mut bad = Vec::new();
        let keep = |d: NaiveDate, t: i64, day: &mut Option<NaiveDate>, ms: &mut Option<i64>| {
            *day = Some(day.map_or(d, |x| x.min(d)));
            *ms = Some(ms.map_or(t, |x| x.min(t)));
        };
        // The catalog may list months whose entries were all deleted: try the next one.
        for m in self.months_of(RecordKind::Urge) {
            let Some((a, b)) = month_days(m) else { continue };
            let mut found = false;
            bad.extend(self.visit_urge_facts(Some(a), Some(b), |u| {
                found = true;
                keep(u.local_date(), u.occurred_utc_ms, &mut day, &mut ms);
            })?);
            if found {
                break;
            }
        }
        for m in self.months_of(RecordKind::CheckIn) {
            let Some((a, b)) = month_days(m) else { continue };
            let (facts, more_bad) = self.check_in_facts(Some((a, b)))?;
            bad.extend(more_bad);
            for c in &facts {
                keep(c.day, c.first_ms, &mut day, &mut ms);
            }
            if !facts.is_empty() {
                break;
            }
        }
        Ok((day, ms, bad))
    }

    /// Load what insights need: for the days in `scope`, or the whole history when `None`.
    pub fn insight_data(&self, scope: Option<DaySpan>) -> Result<InsightData> {
        let today = self.clock().today();
        let now_ms = self.clock().now().timestamp_millis();
        let mut loaded = UrgeLoader::default();
        let mut unreadable = self.visit_urge_facts(scope.map(|r| r.from), scope.map(|r| r.to), |u| loaded.push(u))?;
        // Left in scan order: no computation depends on it (each orders what it needs, by time
        // and then id, so ties are deterministic).

        let (slips, bad) = self.slip_heads(None, None)?;
        unreadable.extend(bad);
        let linked_urges = slips.iter().filter_map(|s| s.urge).collect();

        let (check_ins, bad) = self.check_in_facts(scope.map(|r| (r.from, r.to)))?;
        unreadable.extend(bad);

        let (first_day, first_ms) = if scope.is_none() {
            whole_history_start(&loaded.urges, &slips, &check_ins)
        } else {
            let (day, ms, bad) = self.earliest_entry(&slips)?;
            unreadable.extend(bad);
            (day, ms)
        };
        let UrgeLoader { urges, ids, triggers, strategies } = loaded;
        Ok(InsightData {
            scope,
            today,
            now_ms,
            urges,
            ids,
            triggers,
            strategies,
            slips,
            linked_urges,
            check_ins,
            first_day,
            first_ms,
            unreadable,
        })
    }
}
