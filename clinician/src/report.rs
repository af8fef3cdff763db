//! A client's page "since a chosen day": every block the clinician reads before a session,
//! computed from the client's shared entries with the core's own insights code, so each figure
//! is the one the client's `companion insights --json` gives for the same days and entries.
//!
//! A block appears only when the category it rests on is shared; otherwise it says what is not
//! shared. Figures that rest on two categories (acting out counts slips and urges acted on) say
//! when one of them is missing.

use std::collections::BTreeSet;

use chrono::{Duration, FixedOffset, NaiveDate, Offset};
use companion_core::insights::{
    strategies_by_trigger, ActingOutSummary, CheckInFacts, CheckInSummary, DaySpan, HourGrid, InsightData, SlipFacts,
    TriggerStat, TriggerStrategies, UrgeSummary, WeeklySummary, TOP_TRIGGERS,
};
use companion_core::plan::model::CopingPlan;
use companion_core::plan::strategy_stats_of_urges;
use companion_core::share::Category;
use companion_core::urge::UrgeFacts;

use crate::shared::entries::{
    CheckInEntry, ExerciseEntry, GoalEntry, Halt, NoteEntry, SlipEntry, SurfEntry, UrgeEntry,
};
use crate::shared::{Client, Content, LocalTime};

/// Days shown when no day is chosen.
pub const DEFAULT_DAYS: i64 = 28;

/// A block of the page: its content, or why it is not there.
#[derive(Clone, Debug, PartialEq)]
pub enum Block<T> {
    Shown(T),
    /// The client does not share this category (or none of these).
    NotShared(Vec<Category>),
}

impl<T> Block<T> {
    pub fn shown(&self) -> Option<&T> {
        match self {
            Block::Shown(t) => Some(t),
            Block::NotShared(_) => None,
        }
    }
}

/// One week of urges.
#[derive(Clone, Debug, PartialEq)]
pub struct UrgeWeek {
    pub week_start: NaiveDate,
    /// Days of this week inside the range.
    pub days: u32,
    pub urges: u32,
    pub intensity_mean: Option<f64>,
    pub surfed: u32,
    pub coped: u32,
    pub acted: u32,
    pub unrecorded: u32,
}

/// Urges per week with mean intensity and outcomes, from the shared urges or, when only
/// weekly summaries are shared, from the client's own weekly numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Urges {
    Entries { weeks: Vec<UrgeWeek>, total: UrgeSummary },
    Summaries(Vec<WeeklySummary>),
}

/// Days without acting out, and on which categories the count rests.
#[derive(Clone, Debug, PartialEq)]
pub struct ActingOut {
    pub summary: ActingOutSummary,
    /// Categories that count as acting out but are not shared (so the count may be low).
    pub missing: Vec<Category>,
    /// Per week, from the weekly summaries when no entries are shared.
    pub weeks: Vec<(NaiveDate, u32, u32)>,
}

/// Top triggers and which strategies helped with them.
#[derive(Clone, Debug, PartialEq)]
pub struct Triggers {
    pub top: Vec<TriggerStat>,
    pub helped: Vec<TriggerStrategies>,
    /// Whether strategy names were matched against a shared coping plan.
    pub plan_shared: bool,
}

/// One week of check-in means.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckInWeek {
    pub week_start: NaiveDate,
    pub summary: CheckInSummary,
}

/// Check-in trends: means over the range and per week, HALT when present, the days newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckIns {
    pub summary: CheckInSummary,
    pub weeks: Vec<CheckInWeek>,
    /// Mean HALT ratings (hungry, angry, lonely, tired) over the days that have them.
    pub halt: Vec<(&'static str, f64)>,
    pub days: Vec<CheckInEntry>,
}

/// Everything on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub device_id: String,
    pub range: DaySpan,
    /// The client's today, and the offset of their most recent entry (their local time now).
    pub today: NaiveDate,
    pub offset: FixedOffset,
    pub shared: BTreeSet<Category>,
    pub urges: Block<Urges>,
    /// The urges themselves, newest first (for exports).
    pub urge_list: Block<Vec<UrgeEntry>>,
    pub acting_out: Block<ActingOut>,
    pub heatmap: Block<HourGrid>,
    pub triggers: Block<Triggers>,
    pub waves: Block<Vec<SurfEntry>>,
    pub check_ins: Block<CheckIns>,
    pub goals: Block<Vec<GoalEntry>>,
    pub slips: Block<Vec<SlipEntry>>,
    pub exercises: Block<Vec<ExerciseEntry>>,
    pub notes: Block<Vec<NoteEntry>>,
}

/// A day that cannot start the page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("that day is after the client's today ({0})")]
    AfterToday(NaiveDate),
    #[error("that day is too far back")]
    TooFarBack,
}

/// What a client's shares hold, by category (live shares only).
pub struct Shared<'a> {
    pub urges: Option<&'a [UrgeEntry]>,
    pub notes: Option<&'a [NoteEntry]>,
    pub waves: Option<&'a [SurfEntry]>,
    pub exercises: Option<&'a [ExerciseEntry]>,
    pub slips: Option<&'a [SlipEntry]>,
    pub check_ins: Option<&'a [CheckInEntry]>,
    pub goals: Option<&'a [GoalEntry]>,
    pub summaries: Option<&'a [WeeklySummary]>,
    pub plan: Option<&'a CopingPlan>,
    pub categories: BTreeSet<Category>,
}

impl<'a> Shared<'a> {
    pub fn of(client: &'a Client) -> Shared<'a> {
        let mut s = Shared {
            urges: None,
            notes: None,
            waves: None,
            exercises: None,
            slips: None,
            check_ins: None,
            goals: None,
            summaries: None,
            plan: None,
            categories: BTreeSet::new(),
        };
        for c in Category::ALL {
            let Some(share) = client.live(c) else { continue };
            s.categories.insert(c);
            match &*share.content {
                Content::Empty => {}
                Content::WeeklySummaries(v) => s.summaries = Some(v),
                Content::Urges(v) => s.urges = Some(v),
                Content::Notes(v) => s.notes = Some(v),
                Content::SurfWaves(v) => s.waves = Some(v),
                Content::ExerciseSessions(v) => s.exercises = Some(v),
                Content::Slips(v) => s.slips = Some(v),
                Content::CheckIns(v) => s.check_ins = Some(v),
                Content::Goals(v) => s.goals = Some(v),
                Content::CopingPlan(p) => s.plan = Some(p),
            }
        }
        s
    }

    fn has(&self, c: Category) -> bool {
        self.categories.contains(&c)
    }

    /// The most recent moment any entry carries, with its offset: the client's local time.
    fn latest_time(&self) -> Option<LocalTime> {
        let times = self
            .urges
            .into_iter()
            .flatten()
            .map(|u| u.occurred)
            .chain(self.notes.into_iter().flatten().map(|n| n.occurred))
            .chain(self.waves.into_iter().flatten().map(|w| w.started))
            .chain(self.exercises.into_iter().flatten().map(|e| e.started))
            .chain(self.slips.into_iter().flatten().map(|s| s.occurred))
            .chain(self.check_ins.into_iter().flatten().filter_map(|c| c.first_at));
        times.max_by_key(|t| t.timestamp_millis())
    }

    /// The client's offset now (their most recent entry's), or `fallback`.
    pub fn offset(&self, fallback: FixedOffset) -> FixedOffset {
        self.latest_time().map(|t| t.offset().fix()).unwrap_or(fallback)
    }

    /// Insight data over the shared urges, slips and check-ins, as of `now_ms` in `offset`.
    pub fn insight_data(&self, now_ms: i64, offset: FixedOffset) -> (InsightData, NaiveDate) {
        let today = chrono::DateTime::from_timestamp_millis(now_ms)
            .map(|t| t.with_timezone(&offset).date_naive())
            .unwrap_or_default();
        let urges = self.urges.into_iter().flatten().map(urge_facts);
        let slips = self.slips.into_iter().flatten().map(slip_facts);
        let check_ins = self.check_ins.into_iter().flatten().map(check_in_facts);
        (InsightData::from_facts(today, now_ms, urges, slips, check_ins), today)
    }
}

/// The facts insights read from one shared urge.
pub fn urge_facts(u: &UrgeEntry) -> UrgeFacts<'_> {
    UrgeFacts {
        id: u.id,
        occurred_utc_ms: u.occurred.timestamp_millis(),
        offset_secs: u.occurred.offset().local_minus_utc(),
        intensity: u.intensity,
        duration_secs: u.duration_secs,
        outcome: u.outcome,
        company: u.company,
        triggers: u.triggers.iter().map(String::as_str).collect(),
        feelings: u.feelings.iter().map(String::as_str).collect(),
        strategies: u.strategies.iter().map(String::as_str).collect(),
        surf_session: None,
    }
}

fn slip_facts(s: &SlipEntry) -> SlipFacts {
    SlipFacts {
        id: s.id,
        occurred_utc_ms: s.occurred.timestamp_millis(),
        day: s.occurred.date_naive(),
        urge: s.urge,
        factors: s.chain.vulnerabilities.iter().map(|v| v.factor).collect(),
        status: s.chain.status(),
        completed_day: s.chain_completed_day,
    }
}

fn check_in_facts(c: &CheckInEntry) -> CheckInFacts {
    // Without the moment it was first saved, the start of its day (an earlier bound).
    let first = c
        .first_at
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| c.day.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or_default());
    CheckInFacts { day: c.day, first_utc_ms: first, scores: [c.mood, c.stress, c.loneliness, c.sleep] }
}

/// The page for `client` from `since` (default: the last [`DEFAULT_DAYS`] days) to the
/// client's today, as of `now_ms`.
pub fn report(
    client: &Client,
    since: Option<NaiveDate>,
    now_ms: i64,
    fallback: FixedOffset,
) -> Result<Report, RangeError> {
    let shared = Shared::of(client);
    let offset = shared.offset(fallback);
    let (data, today) = shared.insight_data(now_ms, offset);
    let from = since.unwrap_or(today - Duration::days(DEFAULT_DAYS - 1));
    if from > today {
        return Err(RangeError::AfterToday(today));
    }
    let range = DaySpan::new(from, today).map_err(|_| RangeError::TooFarBack)?;
    let in_range = |t: &LocalTime| range.contains(t.date_naive());
    Ok(Report {
        device_id: client.device_id.clone(),
        range,
        today,
        offset,
        urges: urges_block(&shared, &data, range),
        urge_list: listed(shared.urges, Category::Urges, |u| in_range(&u.occurred)),
        acting_out: acting_out_block(&shared, &data, range),
        heatmap: when(shared.urges.is_some(), &[Category::Urges], || data.hour_grid(range).ok()),
        triggers: when(shared.urges.is_some(), &[Category::Urges], || triggers_block(&shared, &data, range)),
        waves: listed(shared.waves, Category::SurfWaves, |w| in_range(&w.started)),
        check_ins: when(shared.check_ins.is_some(), &[Category::CheckIns], || check_ins_block(&shared, &data, range)),
        goals: match shared.goals {
            Some(g) => {
                let mut goals = g.to_vec();
                goals.sort_by_key(|x| (x.archived, std::cmp::Reverse(x.end)));
                Block::Shown(goals)
            }
            None => Block::NotShared(vec![Category::Goals]),
        },
        slips: listed(shared.slips, Category::Slips, |s| in_range(&s.occurred)),
        exercises: listed(shared.exercises, Category::ExerciseSessions, |e| in_range(&e.started)),
        notes: listed(shared.notes, Category::Notes, |n| in_range(&n.occurred)),
        shared: shared.categories,
    })
}

/// A block computed when its category is shared (a computation that fails shows as not shared:
/// the range is checked before, so it cannot).
fn when<T>(shared: bool, categories: &[Category], f: impl FnOnce() -> Option<T>) -> Block<T> {
    match shared.then(f).flatten() {
        Some(t) => Block::Shown(t),
        None => Block::NotShared(categories.to_vec()),
    }
}

/// The entries of a category inside the range, newest first.
fn listed<T: Clone>(entries: Option<&[T]>, c: Category, keep: impl Fn(&T) -> bool) -> Block<Vec<T>> {
    match entries {
        Some(v) => Block::Shown(v.iter().rev().filter(|e| keep(e)).cloned().collect()),
        None => Block::NotShared(vec![c]),
    }
}

/// The days of `r` in the week starting on `monday`.
fn week_span(monday: NaiveDate, r: DaySpan) -> DaySpan {
    DaySpan { from: monday.max(r.from), to: (monday + Duration::days(6)).min(r.to) }
}

fn urges_block(shared: &Shared<'_>, data: &InsightData, r: DaySpan) -> Block<Urges> {
    if shared.urges.is_some() {
        let (Ok(per_week), Ok(total)) = (data.per_week(r), data.urge_summary(r)) else {
            return Block::NotShared(vec![Category::Urges]);
        };
        let weeks = per_week
            .iter()
            .map(|w| {
                let s = data.urge_summary(week_span(w.week_start, r)).unwrap_or_default();
                UrgeWeek {
                    week_start: w.week_start,
                    days: w.days,
                    urges: w.urges,
                    intensity_mean: w.intensity_mean,
                    surfed: s.surfed,
                    coped: s.coped,
                    acted: s.acted,
                    unrecorded: s.outcome_unrecorded,
                }
            })
            .rev()
            .collect();
        return Block::Shown(Urges::Entries { weeks, total });
    }
    match shared.summaries {
        Some(s) => Block::Shown(Urges::Summaries(summaries_in(s, r))),
        None => Block::NotShared(vec![Category::Urges, Category::WeeklySummaries]),
    }
}

/// Weekly summaries of the weeks touching `r`, newest first.
fn summaries_in(s: &[WeeklySummary], r: DaySpan) -> Vec<WeeklySummary> {
    let first = crate::words::monday(r.from);
    s.iter().rev().filter(|w| w.week_start >= first && w.week_start <= r.to).cloned().collect()
}

fn acting_out_block(shared: &Shared<'_>, data: &InsightData, r: DaySpan) -> Block<ActingOut> {
    let (urges, slips) = (shared.has(Category::Urges), shared.has(Category::Slips));
    if urges || slips {
        let Ok(summary) = data.acting_out(r) else { return Block::NotShared(vec![Category::Urges, Category::Slips]) };
        let missing = [(urges, Category::Urges), (slips, Category::Slips)]
            .into_iter()
            .filter(|(has, _)| !has)
            .map(|(_, c)| c)
            .collect();
        return Block::Shown(ActingOut { summary, missing, weeks: Vec::new() });
    }
    match shared.summaries {
        Some(s) => {
            let weeks: Vec<(NaiveDate, u32, u32)> =
                summaries_in(s, r).iter().map(|w| (w.week_start, w.days_without_acting_out, w.days_tracked)).collect();
            let summary = ActingOutSummary {
                events: summaries_in(s, r).iter().map(|w| w.acting_out).sum(),
                days_without: weeks.iter().map(|w| w.1).sum(),
                days_tracked: weeks.iter().map(|w| w.2).sum(),
                ..ActingOutSummary::default()
            };
            Block::Shown(ActingOut { summary, missing: Vec::new(), weeks })
        }
        None => Block::NotShared(vec![Category::Urges, Category::Slips, Category::WeeklySummaries]),
    }
}

fn triggers_block(shared: &Shared<'_>, data: &InsightData, r: DaySpan) -> Option<Triggers> {
    let top = data.top_triggers(r, TOP_TRIGGERS).ok()?;
    let in_range: Vec<UrgeFacts<'_>> =
        shared.urges.into_iter().flatten().filter(|u| r.contains(u.occurred.date_naive())).map(urge_facts).collect();
    let empty = CopingPlan::default();
    let plan = shared.plan.unwrap_or(&empty);
    let helped = strategies_by_trigger(&strategy_stats_of_urges(plan, &in_range));
    Some(Triggers { top, helped, plan_shared: shared.plan.is_some() })
}

fn check_ins_block(shared: &Shared<'_>, data: &InsightData, r: DaySpan) -> Option<CheckIns> {
    let summary = data.check_in_summary(r).ok()?;
    let mut weeks = Vec::new();
    let mut monday = crate::words::monday(r.from);
    while monday <= r.to {
        weeks.push(CheckInWeek { week_start: monday, summary: data.check_in_summary(week_span(monday, r)).ok()? });
        monday += Duration::days(7);
    }
    weeks.reverse();
    let days: Vec<CheckInEntry> =
        shared.check_ins.into_iter().flatten().rev().filter(|c| r.contains(c.day)).cloned().collect();
    Some(CheckIns { summary, weeks, halt: halt_means(&days), days })
}

/// Mean HALT ratings over the days that have them (empty when no day has any).
fn halt_means(days: &[CheckInEntry]) -> Vec<(&'static str, f64)> {
    type Part = (&'static str, fn(&Halt) -> Option<u8>);
    let parts: [Part; 4] =
        [("hungry", |h| h.hungry), ("angry", |h| h.angry), ("lonely", |h| h.lonely), ("tired", |h| h.tired)];
    parts
        .into_iter()
        .filter_map(|(name, get)| {
            let v: Vec<f64> = days.iter().filter_map(|d| d.halt.as_ref().and_then(get)).map(f64::from).collect();
            (!v.is_empty()).then(|| (name, v.iter().sum::<f64>() / v.len() as f64))
        })
        .collect()
}
