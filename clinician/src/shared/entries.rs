//! What a share holds, as typed entries: one struct per category, read from core's clinician
//! reader ([`SharedView`]). This is the only place that turns a share document's fields into
//! values; everything else in this crate (pages, exports, the terminal reader) uses these types.
//!
//! Field names and spellings are those of the projection (docs/sharing.md). Fields that newer
//! clients add (a risk flag, HALT ratings, the consent window) are read when present and
//! default when absent. An entry that does not read is named and skipped; the rest still reads.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use companion_core::checkin::Measure;
use companion_core::clinician::SharedView;
use companion_core::insights::WeeklySummary;
use companion_core::plan::model::CopingPlan;
use companion_core::share::Category;
use companion_core::slip::ChainAnalysis;
use companion_core::surf::{PointKind, SurfOutcome};
use companion_core::urge::{Company, Outcome};
use companion_core::RecordId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A moment, in the local time where it happened (the offset the client's device recorded).
pub type LocalTime = DateTime<FixedOffset>;

/// One urge (category `urges`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct UrgeEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    #[serde(rename = "occurred_at")]
    pub occurred: LocalTime,
    pub intensity: u8,
    #[serde(default)]
    pub triggers: Vec<String>,
    #[serde(default)]
    pub feelings: Vec<String>,
    #[serde(default, with = "wire::company")]
    pub company: Option<Company>,
    #[serde(default)]
    pub duration_secs: Option<u32>,
    #[serde(default, with = "wire::outcome")]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub strategies: Vec<String>,
}

/// The words written with one urge (category `notes`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    #[serde(rename = "occurred_at")]
    pub occurred: LocalTime,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub activity: Option<String>,
    /// Set by clients that recognise words of suicide or self-harm.
    #[serde(default)]
    pub risk: bool,
}

/// One rating of a surf session's wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WavePoint {
    /// The timer's position (pauses excluded), in milliseconds from the start.
    pub at_ms: u64,
    /// 0-10; absent for a prompt that was missed.
    #[serde(default)]
    pub intensity: Option<u8>,
    #[serde(with = "wire::point_kind")]
    pub kind: PointKind,
}

/// One urge-surfing session with its wave (category `surf-waves`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SurfEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    #[serde(rename = "started_at")]
    pub started: LocalTime,
    pub length_secs: u32,
    pub interval_secs: u32,
    #[serde(default)]
    pub points: Vec<WavePoint>,
    #[serde(default, with = "wire::surf_outcome")]
    pub outcome: Option<SurfOutcome>,
    #[serde(default)]
    pub peak: Option<u8>,
    #[serde(default)]
    pub passed_without_acting: Option<bool>,
}

/// One guided exercise done (category `exercise-sessions`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    pub exercise: String,
    pub title: String,
    #[serde(rename = "started_at")]
    pub started: LocalTime,
    pub active_secs: u64,
    pub completed: bool,
    #[serde(default)]
    pub distress_before: Option<u8>,
    #[serde(default)]
    pub distress_after: Option<u8>,
}

/// One slip and its chain analysis (category `slips`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    #[serde(rename = "occurred_at")]
    pub occurred: LocalTime,
    pub what: String,
    #[serde(default)]
    pub chain: ChainAnalysis,
    #[serde(default)]
    pub chain_completed: bool,
    /// The urge entry the slip followed (clients that share the link).
    #[serde(default)]
    pub urge: Option<RecordId>,
    /// The local day the chain analysis was finished (clients that share it).
    #[serde(default)]
    pub chain_completed_day: Option<NaiveDate>,
    #[serde(default)]
    pub risk: bool,
}

/// HALT: hungry, angry, lonely, tired (0-10), for clients whose check-in asks them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Halt {
    #[serde(default)]
    pub hungry: Option<u8>,
    #[serde(default)]
    pub angry: Option<u8>,
    #[serde(default)]
    pub lonely: Option<u8>,
    #[serde(default)]
    pub tired: Option<u8>,
}

impl Halt {
    pub fn is_empty(&self) -> bool {
        self.hungry.is_none() && self.angry.is_none() && self.lonely.is_none() && self.tired.is_none()
    }
}

/// One day's check-in (category `check-ins`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    pub day: NaiveDate,
    #[serde(default)]
    pub mood: Option<u8>,
    #[serde(default)]
    pub stress: Option<u8>,
    #[serde(default)]
    pub loneliness: Option<u8>,
    #[serde(default)]
    pub sleep: Option<u8>,
    #[serde(default)]
    pub words: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt: Option<Halt>,
    /// When the day was first checked in (clients that share it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_at: Option<LocalTime>,
    #[serde(default)]
    pub risk: bool,
}

impl CheckInEntry {
    pub fn score(&self, m: Measure) -> Option<u8> {
        match m {
            Measure::Mood => self.mood,
            Measure::Stress => self.stress,
            Measure::Loneliness => self.loneliness,
            Measure::Sleep => self.sleep,
        }
    }
}

/// One goal and its progress (category `goals`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalEntry {
    #[serde(skip_deserializing, default = "unknown_id")]
    pub id: RecordId,
    pub text: String,
    #[serde(default)]
    pub why: Option<String>,
    /// What is counted, in words ("urges ridden out").
    pub measure: String,
    pub target: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(default)]
    pub current: u32,
    #[serde(default)]
    pub percent: Option<f64>,
    #[serde(default)]
    pub archived: bool,
}

/// Entries hold what clients wrote and when: `Debug` shows only the id.
macro_rules! redacted_debug {
    ($($ty:ident),+) => {$(
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($ty), "({}, <redacted>)"), self.id)
            }
        }
    )+};
}

redacted_debug!(UrgeEntry, NoteEntry, SurfEntry, ExerciseEntry, SlipEntry, CheckInEntry, GoalEntry);

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Content({:?}, {} entries)", self.category(), self.len())
    }
}

/// What one share holds, by category.
#[derive(Clone, PartialEq)]
pub enum Content {
    /// Nothing has arrived yet (the category is not known until the first update).
    Empty,
    WeeklySummaries(Vec<WeeklySummary>),
    Urges(Vec<UrgeEntry>),
    Notes(Vec<NoteEntry>),
    SurfWaves(Vec<SurfEntry>),
    ExerciseSessions(Vec<ExerciseEntry>),
    Slips(Vec<SlipEntry>),
    CheckIns(Vec<CheckInEntry>),
    Goals(Vec<GoalEntry>),
    CopingPlan(CopingPlan),
}

impl Content {
    pub fn category(&self) -> Option<Category> {
        Some(match self {
            Content::Empty => return None,
            Content::WeeklySummaries(_) => Category::WeeklySummaries,
            Content::Urges(_) => Category::Urges,
            Content::Notes(_) => Category::Notes,
            Content::SurfWaves(_) => Category::SurfWaves,
            Content::ExerciseSessions(_) => Category::ExerciseSessions,
            Content::Slips(_) => Category::Slips,
            Content::CheckIns(_) => Category::CheckIns,
            Content::Goals(_) => Category::Goals,
            Content::CopingPlan(_) => Category::CopingPlan,
        })
    }

    /// How many entries it holds (the plan counts as one).
    pub fn len(&self) -> usize {
        match self {
            Content::Empty => 0,
            Content::WeeklySummaries(v) => v.len(),
            Content::Urges(v) => v.len(),
            Content::Notes(v) => v.len(),
            Content::SurfWaves(v) => v.len(),
            Content::ExerciseSessions(v) => v.len(),
            Content::Slips(v) => v.len(),
            Content::CheckIns(v) => v.len(),
            Content::Goals(v) => v.len(),
            Content::CopingPlan(p) => usize::from(!p.is_empty()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A share's content and the entries that could not be read (named by their key).
#[derive(Clone, PartialEq)]
pub struct Read {
    pub content: Content,
    pub unreadable: Vec<String>,
}

/// The typed content of a share, from core's reader. Entries come back in time order
/// (oldest first); an unknown category or an entry that does not read is reported, never
/// silently dropped.
pub fn read(view: &SharedView) -> Result<Read, UnknownCategory> {
    let (category, entries) = match view {
        SharedView::Empty => return Ok(Read { content: Content::Empty, unreadable: Vec::new() }),
        SharedView::Plan(plan) => {
            return Ok(Read { content: Content::CopingPlan(plan.clone()), unreadable: Vec::new() });
        }
        SharedView::Entries { category, entries } => (category, entries),
    };
    let category = Category::ALL
        .into_iter()
        .find(|c| c.as_str() == category.as_str())
        .ok_or_else(|| UnknownCategory(category.clone()))?;
    let mut unreadable = Vec::new();
    let mut content = match category {
        Category::WeeklySummaries => {
            Content::WeeklySummaries(typed(entries, &mut unreadable, |_, w: WeeklySummary| w, |w| w.week_start))
        }
        Category::Urges => {
            Content::Urges(typed(entries, &mut unreadable, with_id(|e: &mut UrgeEntry| &mut e.id), |e| e.occurred))
        }
        Category::Notes => {
            Content::Notes(typed(entries, &mut unreadable, with_id(|e: &mut NoteEntry| &mut e.id), |e| e.occurred))
        }
        Category::SurfWaves => {
            Content::SurfWaves(typed(entries, &mut unreadable, with_id(|e: &mut SurfEntry| &mut e.id), |e| e.started))
        }
        Category::ExerciseSessions => Content::ExerciseSessions(typed(
            entries,
            &mut unreadable,
            with_id(|e: &mut ExerciseEntry| &mut e.id),
            |e| e.started,
        )),
        Category::Slips => {
            Content::Slips(typed(entries, &mut unreadable, with_id(|e: &mut SlipEntry| &mut e.id), |e| e.occurred))
        }
        Category::CheckIns => {
            Content::CheckIns(typed(entries, &mut unreadable, with_id(|e: &mut CheckInEntry| &mut e.id), |e| e.day))
        }
        Category::Goals => {
            Content::Goals(typed(entries, &mut unreadable, with_id(|e: &mut GoalEntry| &mut e.id), |e| e.start))
        }
        Category::CopingPlan => return Err(UnknownCategory(category.as_str().to_string())),
    };
    mark_risk(&mut content);
    Ok(Read { content, unreadable })
}

/// Mark entries whose words are of suicide or self-harm, by the core's own risk path (the one
/// the client's app runs where the words were typed), so the clinician sees them first even
/// when the client's app version does not share its own flag.
fn mark_risk(content: &mut Content) {
    use companion_core::safety::assess_all;
    let words = |v: &[&Option<String>]| assess_all(v.iter().filter_map(|o| o.as_deref())).is_some();
    match content {
        Content::Notes(v) => {
            for n in v {
                n.risk |= words(&[&n.note, &n.place, &n.activity]);
            }
        }
        Content::CheckIns(v) => {
            for c in v {
                c.risk |= words(&[&c.words]);
            }
        }
        Content::Slips(v) => {
            for s in v {
                let c = &s.chain;
                let texts = std::iter::once(s.what.as_str())
                    .chain(c.vulnerabilities.iter().filter_map(|x| x.note.as_deref()))
                    .chain(c.links.iter().flat_map(|l| std::iter::once(l.text.as_str()).chain(l.instead.as_deref())))
                    .chain(
                        [&c.prompting_event, &c.consequences, &c.repair, &c.commitment, &c.self_compassion]
                            .into_iter()
                            .filter_map(|o| o.as_deref()),
                    );
                s.risk |= assess_all(texts).is_some();
            }
        }
        _ => {}
    }
}

/// A share document naming a category this version does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCategory(pub String);

/// Set an entry's id from its key in the document (the record id); a key that is not one is
/// an unreadable entry.
fn with_id<T>(field: fn(&mut T) -> &mut RecordId) -> impl Fn(&str, T) -> Option<T> {
    move |key, mut entry| {
        *field(&mut entry) = key.parse().ok()?;
        Some(entry)
    }
}

/// Every entry read as `T`, sorted by `order`; keys of entries that do not read go to
/// `unreadable`.
fn typed<T, O, K>(
    entries: &BTreeMap<String, Value>,
    unreadable: &mut Vec<String>,
    keyed: impl Fn(&str, T) -> O,
    order: impl Fn(&T) -> K,
) -> Vec<T>
where
    T: serde::de::DeserializeOwned,
    O: Into<Option<T>>,
    K: Ord,
{
    let mut out: Vec<T> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        match T::deserialize(value).ok().and_then(|e| keyed(key, e).into()) {
            Some(e) => out.push(e),
            None => unreadable.push(key.clone()),
        }
    }
    out.sort_by_key(|e| order(e));
    out
}

fn unknown_id() -> RecordId {
    RecordId::from_bytes([0; 16])
}

/// The projection's spellings of core's enums (`"surfed"`, `"with_others"`...), both ways.
mod wire {
    macro_rules! spelled {
        ($name:ident, $ty:ty, [$($variant:expr => $text:literal),+ $(,)?]) => {
            pub mod $name {
                #[allow(unused_imports)]
                use super::*;
                use serde::{Deserialize, Deserializer, Serializer};

                pub fn serialize<S: Serializer>(v: &Option<$ty>, s: S) -> Result<S::Ok, S::Error> {
                    match v {
                        $(Some(x) if *x == $variant => s.serialize_str($text),)+
                        _ => s.serialize_none(),
                    }
                }

                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                    match Option::<String>::deserialize(d)?.as_deref() {
                        None => Ok(None),
                        $(Some($text) => Ok(Some($variant)),)+
                        Some(other) => Err(serde::de::Error::custom(format_args!("unknown value {other:?}"))),
                    }
                }
            }
        };
    }

    use companion_core::surf::{PointKind, SurfOutcome};
    use companion_core::urge::{Company, Outcome};

    spelled!(outcome, Outcome, [Outcome::Surfed => "surfed", Outcome::Coped => "coped", Outcome::Acted => "acted"]);
    spelled!(company, Company, [Company::Alone => "alone", Company::WithOthers => "with_others"]);
    spelled!(surf_outcome, SurfOutcome, [
        SurfOutcome::Passed => "passed",
        SurfOutcome::StillStrong => "still-strong",
        SurfOutcome::UsedPlan => "used-plan",
        SurfOutcome::Acted => "acted",
    ]);

    /// A wave point's kind is always present.
    pub mod point_kind {
        use super::PointKind;
        use serde::{Deserializer, Serializer};

        spelled!(inner, PointKind, [
            PointKind::Start => "start",
            PointKind::Prompt => "prompt",
            PointKind::Anytime => "anytime",
            PointKind::End => "end",
        ]);

        pub fn serialize<S: Serializer>(v: &PointKind, s: S) -> Result<S::Ok, S::Error> {
            inner::serialize(&Some(*v), s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PointKind, D::Error> {
            inner::deserialize(d)?.ok_or_else(|| serde::de::Error::custom("a wave point without a kind"))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    fn view(category: &str, entries: Vec<(&str, Value)>) -> SharedView {
        SharedView::Entries {
            category: category.into(),
            entries: entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    fn id(n: u8) -> String {
        RecordId::from_bytes([n; 16]).to_string()
    }

    #[test]
    fn urges_read_in_time_order_with_their_ids_and_local_offsets() {
        let (a, b) = (id(1), id(2));
        let v = view(
            "urges",
            vec![
                (
                    &a,
                    json!({"occurred_at": "2026-06-10T22:10:00+02:00", "local_date": "2026-06-10", "intensity": 7,
                            "triggers": ["lonely"], "feelings": [], "company": "alone", "duration_secs": 600,
                            "outcome": "surfed", "strategies": ["walk"]}),
                ),
                (
                    &b,
                    json!({"occurred_at": "2026-06-09T08:00:00-04:00", "local_date": "2026-06-09", "intensity": 3,
                            "triggers": [], "feelings": [], "company": null, "duration_secs": null,
                            "outcome": null, "strategies": []}),
                ),
            ],
        );
        let r = read(&v).unwrap();
        assert!(r.unreadable.is_empty());
        let Content::Urges(u) = r.content else { panic!("urges") };
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].id.to_string(), b, "oldest first");
        assert_eq!(u[0].occurred.offset().local_minus_utc(), -4 * 3600);
        assert_eq!(u[1].outcome, Some(Outcome::Surfed));
        assert_eq!(u[1].company, Some(Company::Alone));
        // Written back with the projection's spellings.
        let back = serde_json::to_value(&u[1]).unwrap();
        assert_eq!(back["outcome"], "surfed");
        assert_eq!(back["company"], "alone");
    }

    #[test]
    fn an_entry_that_does_not_read_is_named_and_the_rest_still_read() {
        let v = view(
            "check-ins",
            vec![
                (
                    &id(1),
                    json!({"day": "2026-06-10", "mood": 6, "stress": 3, "loneliness": null, "sleep": 7, "words": "ok"}),
                ),
                (&id(2), json!({"day": "not a day"})),
                ("not-an-id", json!({"day": "2026-06-11"})),
            ],
        );
        let r = read(&v).unwrap();
        assert_eq!(r.unreadable.len(), 2);
        assert!(r.unreadable.contains(&"not-an-id".to_string()));
        assert_eq!(r.content.len(), 1);
        assert!(read(&view("horoscopes", vec![])).is_err());
    }

    #[test]
    fn words_of_risk_are_marked_by_the_core_risk_path() {
        let v = view(
            "check-ins",
            vec![
                (&id(1), json!({"day": "2026-06-10", "mood": 2, "words": "some nights i want to die"})),
                (&id(2), json!({"day": "2026-06-11", "mood": 6, "words": "killed it at the gym, dying to go back"})),
            ],
        );
        let Content::CheckIns(c) = read(&v).unwrap().content else { panic!("check-ins") };
        assert!(c[0].risk);
        assert!(!c[1].risk, "idioms are not risk");
    }

    #[test]
    fn newer_fields_are_read_when_present() {
        let v = view(
            "check-ins",
            vec![(&id(1), json!({"day": "2026-06-10", "mood": 6, "halt": {"hungry": 2, "tired": 8}, "risk": true}))],
        );
        let Content::CheckIns(c) = read(&v).unwrap().content else { panic!("check-ins") };
        assert_eq!(c[0].halt, Some(Halt { hungry: Some(2), angry: None, lonely: None, tired: Some(8) }));
        assert!(c[0].risk);
    }
}
