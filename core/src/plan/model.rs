//! The coping plan as the app reads it: plain structs built from the automerge document.
//!
//! The plan follows the Stanley-Brown safety plan, adapted to compulsive sexual behaviour:
//! warning signs and triggers, each with coping strategies in the client's own order; general
//! coping strategies; people and places that distract; people who can help (with when they can
//! be reached); professionals and crisis lines; making the environment safer; reasons for
//! recovery in the client's own words.
//!
//! Every type holding what the client wrote has a redacting `Debug`.

use std::fmt;

use chrono::{Datelike, NaiveDateTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::Unreadable;

/// What kind of coping step a strategy is. Used to order steps at high intensity (reach-out
/// first) and to suggest strategies; shown to the client as plain words ([`StrategyKind::label`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum StrategyKind {
    /// Put time between the urge and any action ("wait 15 minutes").
    Delay,
    /// Turn attention elsewhere.
    Distract,
    /// Contact someone.
    ReachOut,
    /// Grounding or breathing exercises.
    GroundOrBreathe,
    /// Notice the urge and ride it out.
    SurfTheUrge,
    /// Leave the room, put the phone away, go where people are.
    ChangeEnvironment,
    /// Something satisfying that competes with the compulsion (behavioural activation).
    ValuedActivity,
    /// Kindness towards oneself.
    SelfCompassion,
    /// Remembering one's reasons for recovery and values.
    ReasonsAndValues,
}

impl StrategyKind {
    pub const ALL: [StrategyKind; 9] = [
        StrategyKind::Delay,
        StrategyKind::Distract,
        StrategyKind::ReachOut,
        StrategyKind::GroundOrBreathe,
        StrategyKind::SurfTheUrge,
        StrategyKind::ChangeEnvironment,
        StrategyKind::ValuedActivity,
        StrategyKind::SelfCompassion,
        StrategyKind::ReasonsAndValues,
    ];

    /// The name stored in the plan document (stable; JavaScript reads it too).
    pub fn as_str(self) -> &'static str {
        match self {
            StrategyKind::Delay => "delay",
            StrategyKind::Distract => "distract",
            StrategyKind::ReachOut => "reach_out",
            StrategyKind::GroundOrBreathe => "ground_or_breathe",
            StrategyKind::SurfTheUrge => "surf_the_urge",
            StrategyKind::ChangeEnvironment => "change_environment",
            StrategyKind::ValuedActivity => "valued_activity",
            StrategyKind::SelfCompassion => "self_compassion",
            StrategyKind::ReasonsAndValues => "reasons_and_values",
        }
    }

    /// Words for the client.
    pub fn label(self) -> &'static str {
        match self {
            StrategyKind::Delay => "delay",
            StrategyKind::Distract => "distract",
            StrategyKind::ReachOut => "reach out",
            StrategyKind::GroundOrBreathe => "ground or breathe",
            StrategyKind::SurfTheUrge => "surf the urge",
            StrategyKind::ChangeEnvironment => "change the environment",
            StrategyKind::ValuedActivity => "valued activity",
            StrategyKind::SelfCompassion => "self-compassion",
            StrategyKind::ReasonsAndValues => "reasons and values",
        }
    }

    /// Parse a stored name or what a person typed ("reach out", "reach-out", "breathe").
    pub fn parse(s: &str) -> Option<StrategyKind> {
        let f: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        Some(match f.as_str() {
            "delay" | "wait" => StrategyKind::Delay,
            "distract" | "distraction" => StrategyKind::Distract,
            "reach_out" | "reachout" | "call" | "contact" => StrategyKind::ReachOut,
            "ground_or_breathe" | "ground" | "grounding" | "breathe" | "breathing" => StrategyKind::GroundOrBreathe,
            "surf_the_urge" | "surf" | "urge_surfing" | "surfing" => StrategyKind::SurfTheUrge,
            "change_environment" | "change_the_environment" | "environment" => StrategyKind::ChangeEnvironment,
            "valued_activity" | "activity" | "valued" => StrategyKind::ValuedActivity,
            "self_compassion" | "compassion" => StrategyKind::SelfCompassion,
            "reasons_and_values" | "reasons" | "values" => StrategyKind::ReasonsAndValues,
            _ => return None,
        })
    }

    /// A best guess from the words of a strategy, for when the client does not say. The verb
    /// decides first ("*put* the phone in the kitchen" changes the environment, though it
    /// names a phone; "*call* Sam" reaches out), then telling words anywhere ("box breathing",
    /// "a 15-minute timer"), else it is a distraction.
    pub fn guess(text: &str) -> StrategyKind {
        let words = crate::language::words(text);
        let start = words.iter().position(|w| !LEAD_FILLERS.contains(&w.as_str()));
        if let Some(i) = start {
            let next = words.get(i + 1).map(String::as_str);
            if let Some(kind) = kind_of_verb(&words[i], next) {
                return kind;
            }
        }
        let t = words.join(" ");
        let has = |needles: &[&str]| {
            needles.iter().any(|n| t.split(' ').any(|w| w == *n) || (n.contains(' ') && t.contains(n)))
        };
        if has(&["call", "text", "message", "talk to", "reach out", "meeting", "sponsor", "friend", "ring"]) {
            StrategyKind::ReachOut
        } else if has(&[
            "breath",
            "breathing",
            "breathe",
            "ground",
            "grounding",
            "5 4 3 2 1",
            "relax",
            "muscle",
            "body scan",
            "cold shower",
        ]) {
            StrategyKind::GroundOrBreathe
        } else if has(&["surf", "ride", "notice the urge", "watch the urge", "urge talking"]) {
            StrategyKind::SurfTheUrge
        } else if has(&["wait", "minutes", "delay", "timer", "pause"]) {
            StrategyKind::Delay
        } else if has(&["blocker", "kitchen", "another room", "out of reach", "locked", "lock", "charger"]) {
            StrategyKind::ChangeEnvironment
        } else if has(&["kind", "compassion", "forgive", "gentle", "letter to myself", "letter to my future self"]) {
            StrategyKind::SelfCompassion
        } else if has(&["reason", "reasons", "values", "remember why", "photo of"]) {
            StrategyKind::ReasonsAndValues
        } else if has(&[
            "run", "walk", "gym", "cook", "guitar", "draw", "book", "garden", "swim", "cycle", "play", "climbing",
        ]) {
            StrategyKind::ValuedActivity
        } else {
            StrategyKind::Distract
        }
    }
}

/// Words before the verb that say nothing about it ("I will *put*", "try to *call*").
const LEAD_FILLERS: &[&str] =
    &["i", "ill", "will", "to", "try", "just", "then", "first", "always", "and", "immediately", "please", "go"];

/// The kind a strategy that starts with this word is, if the word is a telling verb (`next`:
/// the word after it; "phone charges in the kitchen" is not a call).
fn kind_of_verb(verb: &str, next: Option<&str>) -> Option<StrategyKind> {
    use StrategyKind::*;
    const THE_PHONE_AS_A_THING: &[&str] =
        &["charges", "goes", "stays", "in", "away", "off", "out", "on", "lives", "sleeps"];
    Some(match verb {
        "phone" if next.is_some_and(|n| THE_PHONE_AS_A_THING.contains(&n)) => ChangeEnvironment,
        "put" | "move" | "leave" | "lock" | "delete" | "uninstall" | "block" | "charge" | "unplug" | "install"
        | "remove" | "hide" | "close" | "log" | "switch" | "turn" | "keep" | "step" | "sleep" | "unsubscribe"
        | "unfollow" | "mute" | "avoid" | "stay" | "spend" => ChangeEnvironment,
        "call" | "text" | "ring" | "message" | "phone" | "email" | "contact" | "talk" | "tell" | "reach" | "meet"
        | "chat" | "visit" | "ask" => ReachOut,
        "wait" | "delay" | "pause" | "postpone" | "count" => Delay,
        "breathe" | "ground" | "relax" | "stretch" | "tense" | "meditate" => GroundOrBreathe,
        "surf" | "notice" | "observe" | "ride" | "name" | "label" | "rate" => SurfTheUrge,
        "forgive" | "comfort" | "be" | "speak" => SelfCompassion,
        "remember" | "reread" | "recall" => ReasonsAndValues,
        "run" | "walk" | "cook" | "play" | "draw" | "paint" | "garden" | "swim" | "cycle" | "clean" | "tidy"
        | "build" | "bake" | "jog" | "climb" | "practise" | "practice" => ValuedActivity,
        "watch" | "listen" => Distract,
        _ => return None,
    })
}

impl fmt::Display for StrategyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Days of the week as bits: Monday is bit 0, Sunday bit 6.
pub const ALL_DAYS: u8 = 0b111_1111;

/// When someone can be reached: on some days of the week, between two local wall-clock times.
/// A window whose end is not after its start runs past midnight (22:00-02:00 belongs to the day
/// it starts on). `from_minute == to_minute` means the whole day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Availability {
    /// Bit 0 = Monday ... bit 6 = Sunday.
    pub days: u8,
    /// Minutes after local midnight, 0..1440.
    pub from_minute: u16,
    /// Minutes after local midnight, 0..1440.
    pub to_minute: u16,
}

const MINUTES_PER_DAY: u16 = 24 * 60;

fn day_bit(d: Weekday) -> u8 {
    1 << d.num_days_from_monday()
}

impl Availability {
    /// Every day, all day.
    pub const ALWAYS: Availability = Availability { days: ALL_DAYS, from_minute: 0, to_minute: 0 };

    pub fn validate(&self) -> Result<()> {
        if self.days == 0 || self.days & !ALL_DAYS != 0 {
            return Err(Error::invalid("availability", "name at least one day of the week"));
        }
        if self.from_minute >= MINUTES_PER_DAY || self.to_minute >= MINUTES_PER_DAY {
            return Err(Error::invalid("availability", "times must be between 00:00 and 23:59"));
        }
        Ok(())
    }

    /// Is this window open at local wall-clock time `at`?
    pub fn contains(&self, at: NaiveDateTime) -> bool {
        let minute = (at.hour() * 60 + at.minute()) as u16;
        let today = day_bit(at.weekday());
        let yesterday = day_bit(at.weekday().pred());
        if self.from_minute == self.to_minute {
            return self.days & today != 0;
        }
        if self.from_minute < self.to_minute {
            self.days & today != 0 && minute >= self.from_minute && minute < self.to_minute
        } else {
            // Runs past midnight: the evening part today, or the early part of a window that
            // began yesterday.
            (self.days & today != 0 && minute >= self.from_minute)
                || (self.days & yesterday != 0 && minute < self.to_minute)
        }
    }

    /// Minutes from `at` until this window next opens (0 when open), within a week.
    pub fn minutes_until_open(&self, at: NaiveDateTime) -> Option<u32> {
        if self.contains(at) {
            return Some(0);
        }
        let minute = u32::from((at.hour() * 60 + at.minute()) as u16);
        let mut day = at.weekday();
        for offset in 0..8u32 {
            if self.days & day_bit(day) != 0 {
                let start = offset * 1440 + u32::from(self.from_minute);
                if start > minute {
                    return Some(start - minute);
                }
            }
            day = day.succ();
        }
        None
    }

    /// Parse "any time", "daily 18:00-22:00", "mon-fri 9-17", "weekends 10:00-20:00",
    /// "mon,wed,fri 19:00-21:30", "sat" (all day), "evenings".
    pub fn parse(text: &str) -> Result<Availability> {
        let t = text.trim().to_lowercase();
        let bad = || {
            Error::invalid(
                "availability",
                "write days and hours, for example \"mon-fri 09:00-17:00\", \"daily 18-22\" or \"any time\"",
            )
        };
        if matches!(t.as_str(), "any time" | "anytime" | "always" | "24/7" | "24h") {
            return Ok(Availability::ALWAYS);
        }
        let mut days: Option<u8> = None;
        let mut from = 0u16;
        let mut to = 0u16;
        let mut seen_time = false;
        for part in t.split_whitespace() {
            if let Some(d) = parse_days(part) {
                days = Some(days.unwrap_or(0) | d);
            } else if let Some((a, b)) = named_period(part) {
                from = a;
                to = b;
                seen_time = true;
            } else if let Some((a, b)) = part.split_once('-').and_then(|(a, b)| Some((clock(a)?, clock(b)?))) {
                if seen_time {
                    return Err(bad());
                }
                from = a;
                to = b;
                seen_time = true;
            } else {
                return Err(bad());
            }
        }
        if days.is_none() && !seen_time {
            return Err(bad());
        }
        let a = Availability { days: days.unwrap_or(ALL_DAYS), from_minute: from, to_minute: to };
        a.validate()?;
        Ok(a)
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let days = match self.days {
            ALL_DAYS => "daily".to_string(),
            0b001_1111 => "Mon-Fri".to_string(),
            0b110_0000 => "weekends".to_string(),
            d => (0..7).filter(|i| d & (1 << i) != 0).map(|i| NAMES[i]).collect::<Vec<_>>().join(","),
        };
        if self.from_minute == self.to_minute {
            if self.days == ALL_DAYS {
                return f.write_str("any time");
            }
            return write!(f, "{days}, all day");
        }
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{days} {}-{}", hm(self.from_minute), hm(self.to_minute))
    }
}

fn parse_days(part: &str) -> Option<u8> {
    let one = |s: &str| -> Option<u8> {
        let i = match s.get(..3)? {
            "mon" => 0,
            "tue" => 1,
            "wed" => 2,
            "thu" => 3,
            "fri" => 4,
            "sat" => 5,
            "sun" => 6,
            _ => return None,
        };
        Some(i)
    };
    match part {
        "daily" | "every" | "everyday" | "all" => return Some(ALL_DAYS),
        "weekdays" | "workdays" => return Some(0b001_1111),
        "weekends" | "weekend" => return Some(0b110_0000),
        _ => {}
    }
    let mut bits = 0u8;
    for piece in part.split(',').filter(|p| !p.is_empty()) {
        if let Some((a, b)) = piece.split_once('-') {
            let (a, b) = (one(a)?, one(b)?);
            let mut i = a;
            loop {
                bits |= 1 << i;
                if i == b {
                    break;
                }
                i = (i + 1) % 7;
            }
        } else {
            bits |= 1 << one(piece)?;
        }
    }
    (bits != 0).then_some(bits)
}

fn named_period(part: &str) -> Option<(u16, u16)> {
    Some(match part {
        "mornings" | "morning" => (6 * 60, 12 * 60),
        "afternoons" | "afternoon" => (12 * 60, 18 * 60),
        "evenings" | "evening" => (18 * 60, 23 * 60),
        "nights" | "night" => (22 * 60, 6 * 60),
        _ => return None,
    })
}

/// "9", "09", "9:30", "21:05", "24" (end of day).
fn clock(s: &str) -> Option<u16> {
    let (h, m) = match s.split_once(':') {
        Some((h, m)) => (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?),
        None => (s.parse::<u16>().ok()?, 0),
    };
    if h == 24 && m == 0 {
        return Some(0);
    }
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A coping strategy, in the client's words.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Strategy {
    /// Stable across renames and moves (learned effectiveness follows it).
    pub id: RecordId,
    pub text: String,
    pub kind: StrategyKind,
    /// Earlier words of this strategy (after renames), oldest first: outcomes logged under
    /// them still count for it.
    pub formerly: Vec<String>,
}

impl fmt::Debug for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Strategy({}, {:?}, <redacted>)", self.id, self.kind)
    }
}

/// Whether a plan item is a trigger or a warning sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ItemKind {
    /// A thought, mood, image or behaviour that says a hard moment may be coming.
    WarningSign,
    /// A situation or event that tends to set off urges.
    Trigger,
}

/// A trigger or warning sign with its strategies in the client's order.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanItem {
    pub id: RecordId,
    pub kind: ItemKind,
    pub name: String,
    pub strategies: Vec<Strategy>,
    /// Other ids shown as this item: the same name added on two devices at once. Edits to the
    /// item apply to all of them.
    pub merged_ids: Vec<RecordId>,
}

impl fmt::Debug for PlanItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanItem({}, {:?}, <redacted>, {} strategies)", self.id, self.kind, self.strategies.len())
    }
}

/// A line of the plan: a person or place that distracts, an environment change, a reason.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanEntry {
    pub id: RecordId,
    pub text: String,
}

impl fmt::Debug for PlanEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanEntry({}, <redacted>)", self.id)
    }
}

/// Someone to contact: a person who can help, a professional, or a crisis line.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Contact {
    pub id: RecordId,
    pub name: String,
    /// How to reach them (a phone number, "text first", an address), in the client's words.
    pub how: Option<String>,
    /// When they can be reached, in the client's local time. Empty: any time.
    pub availability: Vec<Availability>,
    /// A crisis line (listed with professionals).
    pub crisis_line: bool,
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Contact({}, <redacted>, crisis_line: {})", self.id, self.crisis_line)
    }
}

impl Contact {
    /// Can they be reached at local wall-clock time `at`?
    pub fn available_at(&self, at: NaiveDateTime) -> bool {
        self.availability.is_empty() || self.availability.iter().any(|w| w.contains(at))
    }

    /// Minutes until they can next be reached (0 now), if ever within a week.
    pub fn minutes_until_available(&self, at: NaiveDateTime) -> Option<u32> {
        if self.availability.is_empty() {
            return Some(0);
        }
        self.availability.iter().filter_map(|w| w.minutes_until_open(at)).min()
    }
}

/// The whole plan, in the client's order.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CopingPlan {
    pub warning_signs: Vec<PlanItem>,
    pub triggers: Vec<PlanItem>,
    /// Coping strategies for any moment, not tied to one trigger.
    pub strategies: Vec<Strategy>,
    /// People and places that distract.
    pub distractions: Vec<PlanEntry>,
    /// People who can help.
    pub people: Vec<Contact>,
    /// Professionals and crisis lines.
    pub professionals: Vec<Contact>,
    /// Making the environment safer: devices, apps, routes, times.
    pub environment: Vec<PlanEntry>,
    /// Reasons for recovery, in the client's words.
    pub reasons: Vec<PlanEntry>,
    /// Entries in the document this version of the app could not read (written by a newer
    /// version, or damaged). They stay in the document untouched.
    pub skipped_entries: u32,
}

impl fmt::Debug for CopingPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CopingPlan(<redacted>: {} warning signs, {} triggers, {} strategies)",
            self.warning_signs.len(),
            self.triggers.len(),
            self.strategy_count()
        )
    }
}

impl CopingPlan {
    /// True when the client has written nothing yet.
    pub fn is_empty(&self) -> bool {
        self.warning_signs.is_empty()
            && self.triggers.is_empty()
            && self.strategies.is_empty()
            && self.distractions.is_empty()
            && self.people.is_empty()
            && self.professionals.is_empty()
            && self.environment.is_empty()
            && self.reasons.is_empty()
    }

    /// Every strategy, those for items first (warning signs, then triggers), then general ones.
    pub fn all_strategies(&self) -> impl Iterator<Item = &Strategy> {
        self.warning_signs
            .iter()
            .chain(self.triggers.iter())
            .flat_map(|i| i.strategies.iter())
            .chain(self.strategies.iter())
    }

    pub fn strategy_count(&self) -> usize {
        self.all_strategies().count()
    }

    /// Warning signs then triggers.
    pub fn items(&self) -> impl Iterator<Item = &PlanItem> {
        self.warning_signs.iter().chain(self.triggers.iter())
    }

    /// The strategy with this id, and the item it belongs to (`None`: a general strategy).
    pub fn strategy(&self, id: RecordId) -> Option<(&Strategy, Option<&PlanItem>)> {
        for item in self.items() {
            if let Some(s) = item.strategies.iter().find(|s| s.id == id) {
                return Some((s, Some(item)));
            }
        }
        self.strategies.iter().find(|s| s.id == id).map(|s| (s, None))
    }
}

/// A loaded plan plus any stored pieces of it that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanListing {
    pub plan: CopingPlan,
    /// Encrypted plan records that failed to open: the plan shown may miss the edits they hold.
    pub unreadable: Vec<Unreadable>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        // 2026-06-15 is a Monday.
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn availability_parses_and_matches() {
        let w = Availability::parse("mon-fri 9-17").unwrap();
        assert_eq!(w, Availability { days: 0b001_1111, from_minute: 540, to_minute: 1020 });
        assert!(w.contains(at(15, 9, 0)));
        assert!(!w.contains(at(15, 17, 0)));
        assert!(!w.contains(at(20, 10, 0)), "Saturday");
        assert_eq!(w.to_string(), "Mon-Fri 09:00-17:00");
        assert_eq!(w.minutes_until_open(at(20, 10, 0)), Some(47 * 60), "Saturday 10:00 to Monday 09:00");

        let n = Availability::parse("fri 22:00-02:00").unwrap();
        assert!(n.contains(at(19, 23, 0)), "Friday night");
        assert!(n.contains(at(20, 1, 30)), "early Saturday belongs to Friday's window");
        assert!(!n.contains(at(15, 1, 30)), "early Monday: Sunday has no window");

        assert_eq!(Availability::parse("any time").unwrap(), Availability::ALWAYS);
        assert_eq!(Availability::parse("weekends").unwrap().to_string(), "weekends, all day");
        assert_eq!(Availability::parse("sat,sun evenings").unwrap().days, 0b110_0000);
        assert_eq!(Availability::parse("daily 18:30-22").unwrap().to_string(), "daily 18:30-22:00");
        assert_eq!(Availability::parse("fri-mon").unwrap().days, 0b111_0001);
        for bad in ["", "tomorrow", "mon 25-26", "9-17 10-12", "mon 9:75-10"] {
            assert!(Availability::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip_and_guess() {
        for k in StrategyKind::ALL {
            assert_eq!(StrategyKind::parse(k.as_str()), Some(k));
            assert_eq!(StrategyKind::parse(k.label()), Some(k));
        }
        assert_eq!(StrategyKind::guess("Call Sam Example"), StrategyKind::ReachOut);
        assert_eq!(StrategyKind::guess("Box breathing, 4 minutes"), StrategyKind::GroundOrBreathe);
        assert_eq!(StrategyKind::guess("Go for a run"), StrategyKind::ValuedActivity);
        assert_eq!(StrategyKind::guess("Wait 15 minutes before doing anything"), StrategyKind::Delay);
        // The verb decides.
        for (words, kind) in [
            ("Put the phone in the kitchen", StrategyKind::ChangeEnvironment),
            ("Phone charges in the kitchen from 22:30", StrategyKind::ChangeEnvironment),
            ("phone Sam", StrategyKind::ReachOut),
            ("Leave the room and call Sam", StrategyKind::ChangeEnvironment),
            ("I will text my sponsor", StrategyKind::ReachOut),
            ("Delete the apps again", StrategyKind::ChangeEnvironment),
            ("Turn on the blocker", StrategyKind::ChangeEnvironment),
            ("Name the thought: this is the urge talking", StrategyKind::SurfTheUrge),
            ("Be kind to myself", StrategyKind::SelfCompassion),
            ("Read my reasons", StrategyKind::ReasonsAndValues),
            ("Read a paper book", StrategyKind::ValuedActivity),
            ("Set a 15-minute timer", StrategyKind::Delay),
            ("Spend the evening in the hotel lobby", StrategyKind::ChangeEnvironment),
            ("Cold shower", StrategyKind::GroundOrBreathe),
        ] {
            assert_eq!(StrategyKind::guess(words), kind, "{words}");
        }
    }
}
