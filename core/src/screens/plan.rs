//! The coping plan: its sections in Stanley-Brown order, a lookup that answers as the person
//! types, contacts with call and text actions the platform performs, and edits.
//!
//! Stanley & Brown (2012), adapted to this field: (1) warning signs and triggers, (2) what I
//! can do on my own, (3) people and places that distract, (4) people who can help,
//! (5) professionals and crisis lines, (6) making the environment safer; then the reasons for
//! recovery in the person's own words.

use chrono::NaiveDateTime;

use super::app::{Cx, Effect, Reaction};
use super::common::{hour_minute, plural, spoken_duration, Notice};
use super::crisis::{crisis_view, CrisisView};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::plan::{
    Availability, Contact, ContactStep, CopingPlan, ItemKind, Lookup, LookupQuery, PlanEdit, PlanIndex, RankedStrategy,
    StrategySource, UseContext,
};
use crate::store::Store;

/// How to reach someone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ContactKind {
    Call,
    Text,
}

/// One way to reach someone, for a button.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContactButton {
    pub kind: ContactKind,
    pub label: String,
}

/// Someone to contact, with whether they can be reached now and how.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContactCard {
    pub id: String,
    pub name: String,
    /// How to reach them, in the person's words.
    pub how: Option<String>,
    /// When they can be reached ("Any time", "Mon-Fri 09:00-17:00").
    pub hours: String,
    pub reachable_now: bool,
    /// "Reachable now", "From 18:00", "Not this week".
    pub status: String,
    /// Call and text, when their "how" holds a number; the likely one first.
    pub buttons: Vec<ContactButton>,
}

/// Which part of the plan a line belongs to or is added to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PlanTarget {
    WarningSign,
    Trigger,
    Strategy,
    Distraction,
    Person,
    Professional,
    CrisisLine,
    EnvironmentChange,
    Reason,
}

/// One line of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanLine {
    pub id: String,
    pub text: String,
    /// A second line: the kind, what a strategy is for, when a person can be reached.
    pub detail: Option<String>,
    pub contact: Option<ContactCard>,
    /// "I'm doing this now" is offered (strategies).
    pub can_use: bool,
}

/// Something that can be added to a section.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AddOption {
    pub part: PlanTarget,
    pub label: String,
    pub placeholder: String,
    /// Whether to ask how to reach them (a phone number...) and when.
    pub asks_contact: bool,
}

/// One section of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanSection {
    /// 1 to 7, in Stanley-Brown order.
    pub step: u32,
    pub title: String,
    pub hint: String,
    pub lines: Vec<PlanLine>,
    pub empty_text: String,
    pub adds: Vec<AddOption>,
}

/// A strategy found for this moment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FoundStrategy {
    /// The plan strategy (`None` for a built-in suggestion).
    pub id: Option<String>,
    pub text: String,
    /// Why it is here: "For lonely", "For any moment", "A suggestion".
    pub why: String,
    /// "Helped 4 of the 5 times you used it", when known.
    pub record: Option<String>,
}

/// What the lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LookupView {
    /// "For: lonely evenings, late-night scrolling".
    pub matched: Option<String>,
    /// Contacts come before strategies (a strong urge: reach out first).
    pub contacts_first: bool,
    pub contacts: Vec<ContactCard>,
    pub strategies: Vec<FoundStrategy>,
    pub reasons: Vec<String>,
    pub empty_text: Option<String>,
}

/// The plan screen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanView {
    /// "Help now" shows the lookup for this moment first.
    pub help_now: bool,
    pub heading: String,
    pub search_label: String,
    pub query: String,
    /// The crisis step, first: on "Help now", and whenever the words typed call for it.
    pub crisis: Option<CrisisView>,
    /// What the lookup found for `query` (always present in help-now mode).
    pub found: Option<LookupView>,
    pub sections: Vec<PlanSection>,
    /// Parts of the plan that could not be read (their edits may be missing).
    pub problem: Option<String>,
}

/// What the person does on the plan screen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PlanAction {
    /// The search box changed (sent on every keystroke).
    Search {
        text: String,
    },
    ClearSearch,
    Contact {
        contact_id: String,
        kind: ContactKind,
    },
    /// "I'm doing this now".
    UseStrategy {
        strategy_id: String,
    },
    /// Add a line. `for_item`: the trigger or warning sign a strategy is for (`None`: any
    /// moment). `how` and `hours` for people and lines ("07700 900123", "mon-fri 9-17").
    Add {
        part: PlanTarget,
        text: String,
        for_item: Option<String>,
        how: Option<String>,
        hours: Option<String>,
    },
    Rename {
        id: String,
        text: String,
    },
    Remove {
        id: String,
    },
}

#[derive(Default)]
pub(crate) struct PlanScreen {
    help_now: bool,
    query: String,
    intensity: Option<u8>,
    /// Built on first use and after every edit: lookups then answer from memory.
    index: Option<PlanIndex>,
}

impl PlanScreen {
    /// "Help now": the plan's answer for this moment, before anything is typed.
    pub fn help_now() -> PlanScreen {
        PlanScreen { help_now: true, ..PlanScreen::default() }
    }

    /// The plan for an urge just logged: its triggers and feelings, its intensity.
    pub fn for_moment(text: &str, intensity: u8) -> PlanScreen {
        PlanScreen { help_now: true, query: text.to_string(), intensity: Some(intensity), index: None }
    }

    fn index(&mut self, store: &Store) -> Result<&PlanIndex> {
        if self.index.is_none() {
            self.index = Some(store.plan_index()?);
        }
        self.index.as_ref().ok_or_else(super::app::not_now)
    }

    pub fn view(&mut self, cx: &mut Cx<'_>) -> Result<PlanView> {
        let listing = cx.store.plan()?;
        let now = cx.host.clock().zone().local(cx.now());
        let show_lookup = self.help_now || !self.query.trim().is_empty();
        let query = LookupQuery { text: self.query.clone(), intensity: self.intensity, ..LookupQuery::default() };
        let lookup = if show_lookup { Some(self.index(cx.store)?.lookup(&query, now)?) } else { None };
        let crisis = match lookup.as_ref().and_then(|l| l.crisis.as_ref()) {
            Some(step) => Some(crisis_view(step)),
            None if self.help_now => Some(crisis_view(&cx.store.crisis_step()?)),
            None => None,
        };
        let found = lookup.as_ref().map(|l| lookup_view(l, now));
        Ok(PlanView {
            help_now: self.help_now,
            heading: if self.help_now { "What helps right now".into() } else { "My coping plan".into() },
            search_label: "What's going on?".into(),
            query: self.query.clone(),
            crisis,
            found,
            sections: sections(&listing.plan, now),
            problem: (!listing.unreadable.is_empty())
                .then(|| "Part of your plan couldn't be read, so some recent changes may be missing.".to_string()),
        })
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: PlanAction) -> Result<Reaction> {
        match action {
            PlanAction::Search { text } => {
                if text.chars().count() > crate::plan::QUERY_MAX_CHARS {
                    return Err(Error::invalid("search", "is too long"));
                }
                self.query = text;
                Ok(Reaction::default())
            }
            PlanAction::ClearSearch => {
                self.query.clear();
                Ok(Reaction::default())
            }
            PlanAction::Contact { contact_id, kind } => {
                Ok(Reaction::effect(contact_effect(cx.store, &contact_id, kind)?))
            }
            PlanAction::UseStrategy { strategy_id } => {
                let id = RecordId::parse(&strategy_id)?;
                let used =
                    cx.store.start_strategy(id, UseContext { intensity: self.intensity, ..UseContext::default() })?;
                self.index = None;
                Ok(Reaction::notice(Notice::saved(format!(
                    "Noted: \"{}\". Later you can say whether it helped.",
                    used.strategy_text
                ))))
            }
            PlanAction::Add { part, text, for_item, how, hours } => {
                let crisis = super::crisis::check(cx, &[&text, how.as_deref().unwrap_or("")])?;
                let edit = add_edit(part, text, for_item, how, hours)?;
                cx.store.edit_plan(&[edit])?;
                self.index = None;
                Ok(Reaction::notice(Notice::saved("Added to your plan.")).with_crisis(crisis))
            }
            PlanAction::Rename { id, text } => {
                let crisis = super::crisis::check(cx, &[&text])?;
                cx.store.edit_plan(&[PlanEdit::Rename { id: RecordId::parse(&id)?, text }])?;
                self.index = None;
                Ok(Reaction::notice(Notice::saved("Changed.")).with_crisis(crisis))
            }
            PlanAction::Remove { id } => {
                cx.store.edit_plan(&[PlanEdit::Remove { id: RecordId::parse(&id)? }])?;
                self.index = None;
                Ok(Reaction::notice(Notice::saved("Removed from your plan.")))
            }
        }
    }
}

fn add_edit(
    part: PlanTarget,
    text: String,
    for_item: Option<String>,
    how: Option<String>,
    hours: Option<String>,
) -> Result<PlanEdit> {
    let availability = match hours.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => vec![Availability::parse(w)?],
        None => Vec::new(),
    };
    let how = how.map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
    Ok(match part {
        PlanTarget::WarningSign => PlanEdit::AddWarningSign { name: text },
        PlanTarget::Trigger => PlanEdit::AddTrigger { name: text },
        PlanTarget::Strategy => {
            PlanEdit::AddStrategy { for_item: for_item.as_deref().map(RecordId::parse).transpose()?, text, kind: None }
        }
        PlanTarget::Distraction => PlanEdit::AddDistraction { text },
        PlanTarget::Person => PlanEdit::AddPerson { name: text, how, availability },
        PlanTarget::Professional | PlanTarget::CrisisLine => {
            PlanEdit::AddProfessional { name: text, how, availability, crisis_line: part == PlanTarget::CrisisLine }
        }
        PlanTarget::EnvironmentChange => PlanEdit::AddEnvironmentChange { text },
        PlanTarget::Reason => PlanEdit::AddReason { text },
    })
}

fn add(part: PlanTarget, label: &str, placeholder: &str) -> AddOption {
    AddOption {
        part,
        label: label.into(),
        placeholder: placeholder.into(),
        asks_contact: matches!(part, PlanTarget::Person | PlanTarget::Professional | PlanTarget::CrisisLine),
    }
}

fn line(id: RecordId, text: &str, detail: Option<String>) -> PlanLine {
    PlanLine { id: id.to_string(), text: text.to_string(), detail, contact: None, can_use: false }
}

fn contact_line(c: &Contact, now: NaiveDateTime, professional: bool) -> PlanLine {
    let step = ContactStep {
        contact: c.clone(),
        professional,
        reachable_now: c.available_at(now),
        minutes_until_reachable: c.minutes_until_available(now),
    };
    let card = contact_card_at(&step, now);
    PlanLine {
        id: c.id.to_string(),
        text: c.name.clone(),
        detail: Some(if c.crisis_line { "Crisis line".to_string() } else { card.hours.clone() }),
        contact: Some(card),
        can_use: false,
    }
}

/// The plan's sections, in Stanley-Brown order, in the person's own order within each.
fn sections(plan: &CopingPlan, now: NaiveDateTime) -> Vec<PlanSection> {
    let items = plan.items().map(|i| {
        let kind = match i.kind {
            ItemKind::WarningSign => "Warning sign",
            ItemKind::Trigger => "Trigger",
        };
        line(i.id, &i.name, Some(kind.to_string()))
    });
    let strategies = plan
        .items()
        .flat_map(|i| i.strategies.iter().map(move |s| (s, Some(i.name.as_str()))))
        .chain(plan.strategies.iter().map(|s| (s, None)))
        .map(|(s, item)| PlanLine {
            can_use: true,
            ..line(s.id, &s.text, Some(item.map_or("For any moment".to_string(), |n| format!("For \"{n}\""))))
        });
    let entries = |list: &[crate::plan::PlanEntry]| list.iter().map(|e| line(e.id, &e.text, None)).collect::<Vec<_>>();
    vec![
        PlanSection {
            step: 1,
            title: "Warning signs and triggers".into(),
            hint: "Thoughts, moods, situations and times that tell you a hard moment may be coming.".into(),
            lines: items.collect(),
            empty_text: "What tends to come before an urge? Late nights, a row, feeling lonely…".into(),
            adds: vec![
                add(PlanTarget::WarningSign, "Add a warning sign", "Scrolling in bed"),
                add(PlanTarget::Trigger, "Add a trigger", "Evenings alone"),
            ],
        },
        PlanSection {
            step: 2,
            title: "What I can do on my own".into(),
            hint: "Things that help you ride it out without anyone else.".into(),
            lines: strategies.collect(),
            empty_text: "Breathing, a walk, a cold shower, writing it down…".into(),
            adds: vec![add(PlanTarget::Strategy, "Add something that helps", "Box breathing for 4 minutes")],
        },
        PlanSection {
            step: 3,
            title: "People and places that take my mind off it".into(),
            hint: "Company or a change of scene, without having to talk about it.".into(),
            lines: entries(&plan.distractions),
            empty_text: "A café, the gym, a friend to watch a match with…".into(),
            adds: vec![add(PlanTarget::Distraction, "Add a person or place", "The climbing gym")],
        },
        PlanSection {
            step: 4,
            title: "People I can ask for help".into(),
            hint: "People who know, and when they can be reached.".into(),
            lines: plan.people.iter().map(|c| contact_line(c, now, false)).collect(),
            empty_text: "Someone you can call or text when it gets hard.".into(),
            adds: vec![add(PlanTarget::Person, "Add a person", "Name")],
        },
        PlanSection {
            step: 5,
            title: "Professionals and crisis lines".into(),
            hint: "Your therapist, your doctor, and lines you can call at any hour.".into(),
            lines: plan.professionals.iter().map(|c| contact_line(c, now, true)).collect(),
            empty_text: "Add your therapist and a crisis line you can call at any time.".into(),
            adds: vec![
                add(PlanTarget::Professional, "Add a professional", "Name"),
                add(PlanTarget::CrisisLine, "Add a crisis line", "Name of the line"),
            ],
        },
        PlanSection {
            step: 6,
            title: "Making my surroundings safer".into(),
            hint: "Devices, apps, routes and times: changes that make acting out harder.".into(),
            lines: entries(&plan.environment),
            empty_text: "Phone charges in the kitchen overnight, a content blocker…".into(),
            adds: vec![add(PlanTarget::EnvironmentChange, "Add a change", "Phone out of the bedroom at night")],
        },
        PlanSection {
            step: 7,
            title: "Why recovery matters to me".into(),
            hint: "Your reasons, in your own words.".into(),
            lines: entries(&plan.reasons),
            empty_text: "What you are doing this for.".into(),
            adds: vec![add(PlanTarget::Reason, "Add a reason", "Being present with my kids")],
        },
    ]
}

fn lookup_view(found: &Lookup, now: NaiveDateTime) -> LookupView {
    let matched = (!found.matched.is_empty())
        .then(|| format!("For: {}", found.matched.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")));
    let strategies: Vec<FoundStrategy> = found.strategies.iter().map(found_strategy).collect();
    LookupView {
        matched,
        contacts_first: found.high_intensity,
        contacts: found.contacts.iter().map(|c| contact_card_at(c, now)).collect(),
        empty_text: strategies.is_empty().then(|| "Nothing in your plan yet. Add what helps you below.".to_string()),
        strategies,
        reasons: found.reasons.iter().map(|r| r.text.clone()).collect(),
    }
}

fn found_strategy(s: &RankedStrategy) -> FoundStrategy {
    FoundStrategy {
        id: s.id.map(|id| id.to_string()),
        text: s.text.clone(),
        why: match (s.source, &s.item_name) {
            (StrategySource::Suggestion, _) => "A suggestion, not in your plan yet".into(),
            (StrategySource::General, _) => "For any moment".into(),
            (_, Some(n)) => format!("For \"{n}\""),
            (_, None) => "From your plan".into(),
        },
        record: (s.used > 0)
            .then(|| format!("Helped {} of the {} you used it", s.helped, plural(i64::from(s.used), "time"))),
    }
}

/// A contact as a card, reachable or not at the lookup's "now".
pub(crate) fn contact_card(c: &ContactStep) -> ContactCard {
    card(c, status_text(c, None))
}

fn contact_card_at(c: &ContactStep, now: NaiveDateTime) -> ContactCard {
    card(c, status_text(c, Some(now)))
}

fn card(c: &ContactStep, status: String) -> ContactCard {
    ContactCard {
        id: c.contact.id.to_string(),
        name: c.contact.name.clone(),
        how: c.contact.how.clone(),
        hours: hours_text(&c.contact),
        reachable_now: c.reachable_now,
        status,
        buttons: buttons(c.contact.how.as_deref()),
    }
}

fn hours_text(c: &Contact) -> String {
    if c.availability.is_empty() {
        "Any time".into()
    } else {
        c.availability.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ")
    }
}

fn status_text(c: &ContactStep, now: Option<NaiveDateTime>) -> String {
    match (c.reachable_now, c.minutes_until_reachable, now) {
        (true, _, _) => "Reachable now".into(),
        (false, Some(m), Some(now)) if m < 24 * 60 => {
            format!("From {}", hour_minute(now + chrono::Duration::minutes(i64::from(m))))
        }
        (false, Some(m), _) => format!("In {}", spoken_duration(i64::from(m) * 60)),
        (false, None, _) => "Not reachable this week".into(),
    }
}

/// Call and text buttons when `how` holds a number; texting first when the person wrote
/// that this contact prefers texts.
fn buttons(how: Option<&str>) -> Vec<ContactButton> {
    let Some(how) = how else { return Vec::new() };
    if phone_number(how).is_none() {
        return Vec::new();
    }
    let call = ContactButton { kind: ContactKind::Call, label: "Call".into() };
    let text = ContactButton { kind: ContactKind::Text, label: "Text".into() };
    let lower = how.to_lowercase();
    if ["text", "sms", "message", "whatsapp", "signal"].iter().any(|w| lower.contains(w)) {
        vec![text, call]
    } else {
        vec![call, text]
    }
}

/// The phone number in what a person wrote about reaching someone ("07700 900123 after 6",
/// "text +44 7700 900123", "call 988"): the first run of digits, spaces, dashes, dots, slashes
/// and brackets with a group of at least three digits, kept as its digits (and a leading "+").
pub fn phone_number(how: &str) -> Option<String> {
    let is_part = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')' | '+');
    let chars: Vec<char> = how.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || (chars[i] == '+' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && is_part(chars[i]) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let digits: String = run.chars().filter(char::is_ascii_digit).collect();
            // A time ("9:30") or a range of hours ("18-22") is made of groups of one or two
            // digits; every phone number, short codes such as 988 included, has a longer one.
            let longest_group = run.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            if longest_group >= 3 && digits.len() <= 15 {
                let plus = if run.trim_start().starts_with('+') { "+" } else { "" };
                return Some(format!("{plus}{digits}"));
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The effect of calling or texting a contact of the plan.
pub(crate) fn contact_effect(store: &Store, contact_id: &str, kind: ContactKind) -> Result<Effect> {
    let id = RecordId::parse(contact_id)?;
    let plan = store.plan()?.plan;
    let contact = plan
        .people
        .iter()
        .chain(plan.professionals.iter())
        .find(|c| c.id == id)
        .ok_or(Error::NotFound { kind: crate::store::RecordKind::Plan, id })?;
    let number =
        contact.how.as_deref().and_then(phone_number).ok_or_else(|| {
            Error::invalid("contact", "has no phone number in the plan; add one under how to reach them")
        })?;
    Ok(match kind {
        ContactKind::Call => Effect::Dial { number },
        ContactKind::Text => Effect::Message { number },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_in_what_people_write() {
        assert_eq!(phone_number("07700 900123 after 6").as_deref(), Some("07700900123"));
        assert_eq!(phone_number("text first: +44 (0)7700-900-123").as_deref(), Some("+4407700900123"));
        assert_eq!(phone_number("call 988").as_deref(), Some("988"));
        assert_eq!(phone_number("116 123").as_deref(), Some("116123"));
        assert_eq!(phone_number("evenings 18-22"), None);
        assert_eq!(phone_number("at the Tuesday meeting"), None);
        assert_eq!(phone_number("9:30 at the café"), None);
    }

    #[test]
    fn texting_first_when_the_person_said_so() {
        let b = buttons(Some("text first: 07700 900123"));
        assert_eq!(b.iter().map(|b| b.kind).collect::<Vec<_>>(), [ContactKind::Text, ContactKind::Call]);
        let b = buttons(Some("07700 900123"));
        assert_eq!(b[0].kind, ContactKind::Call);
        assert!(buttons(Some("knock on his door")).is_empty());
        assert!(buttons(None).is_empty());
    }
}
