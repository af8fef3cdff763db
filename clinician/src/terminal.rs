//! `companion-clinician read` in a terminal: one heading per client and category, entries in
//! time order (oldest first, so the newest sit just above the prompt) at the local time where
//! they happened, waves as ratings over the minutes with a small drawing, chain analyses link
//! by link. Everything a client wrote is stripped of control characters first. `--json` prints
//! the same typed entries as data.

use companion_core::insights::WeeklySummary;
use companion_core::plan::model::{Contact, CopingPlan, PlanItem, Strategy};
use companion_core::share::plan::plan_json;
use serde_json::{json, Value};

use crate::shared::entries::{
    CheckInEntry, ExerciseEntry, GoalEntry, NoteEntry, SlipEntry, SurfEntry, UrgeEntry, WavePoint,
};
use crate::shared::{Client, Content, Share, ShareState};
use crate::words::{self, plural, terminal_safe as safe};

/// A client's shares as text.
pub fn client_text(c: &Client) -> String {
    let mut out = format!("Client {} (device id; a name appears when the client chooses one)\n", c.device_id);
    for s in &c.shares {
        out.push_str(&share_text(s));
    }
    out
}

/// One share as text: a heading, then its entries.
pub fn share_text(s: &Share) -> String {
    let title = s.category.map(words::category_title).unwrap_or("A new share");
    let mut out = format!("\n{title} (share {})\n", s.id);
    if let ShareState::Withdrawn { noticed_ms } = s.state {
        out.push_str(&format!(
            "  Withdrawn by the client (noticed {}). Nothing of it is kept here.\n",
            words::moment(noticed_ms, &crate::overview::local_offset())
        ));
        return out;
    }
    if let Some(p) = &s.problem {
        out.push_str(&format!("  Could not be read: {p}\n"));
    }
    if !s.unreadable.is_empty() {
        out.push_str(&format!(
            "  {} could not be read and are left out.\n",
            plural(s.unreadable.len() as u64, "entry", "entries")
        ));
    }
    let body = match &*s.content {
        Content::Empty => "  Nothing has arrived in it yet.\n".to_string(),
        Content::WeeklySummaries(v) => lines(v, week_line),
        Content::Urges(v) => lines(v, urge_text),
        Content::Notes(v) => lines(v, note_text),
        Content::SurfWaves(v) => lines(v, wave_text),
        Content::ExerciseSessions(v) => lines(v, exercise_text),
        Content::Slips(v) => lines(v, slip_text),
        Content::CheckIns(v) => lines(v, check_in_text),
        Content::Goals(v) => lines(v, goal_text),
        Content::CopingPlan(p) => plan_text(p),
    };
    out.push_str(&body);
    out
}

fn lines<T>(v: &[T], f: fn(&T) -> String) -> String {
    if v.is_empty() {
        return "  No entries yet.\n".into();
    }
    v.iter().map(f).collect()
}

/// One week as a sentence or two, numbers only (that is all the category carries).
fn week_line(w: &WeeklySummary) -> String {
    let mut parts = vec![plural(w.urges, "urge", "urges")];
    if w.urges > 0 {
        if let (Some(mean), Some(peak)) = (w.intensity_mean, w.intensity_peak) {
            parts.push(format!("intensity {mean:.1} on average, {peak} at most"));
        }
        parts.push(format!("{} ridden out", w.urges_surfed));
        parts.push(format!("{} with a coping strategy", w.urges_with_strategies));
        parts.push(format!("{} acted on", w.urges_acted));
    }
    let mut line = format!("  {}: {}", words::week(w.week_start), parts.join(", "));
    line.push_str(&format!(
        "; {}, {} completed; {} of {} tracked days without acting out",
        plural(w.slips, "slip", "slips"),
        plural(w.chain_analyses_completed, "chain analysis", "chain analyses"),
        w.days_without_acting_out,
        w.days_tracked,
    ));
    if w.check_in_days > 0 {
        line.push_str(&format!(
            "; check-ins on {}: mood {}, stress {}, loneliness {}, sleep {}",
            plural(w.check_in_days, "day", "days"),
            words::mean(w.mood_mean),
            words::mean(w.stress_mean),
            words::mean(w.loneliness_mean),
            words::mean(w.sleep_mean),
        ));
    }
    line.push_str(".\n");
    line
}

fn list(label: &str, items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let items: Vec<String> = items.iter().map(|i| safe(i)).collect();
    format!("    {label}: {}\n", items.join(", "))
}

fn urge_text(u: &UrgeEntry) -> String {
    let mut out =
        format!("  {}  intensity {}/10, {}\n", words::local_time(&u.occurred), u.intensity, words::outcome(u.outcome));
    out.push_str(&list("triggers", &u.triggers));
    out.push_str(&list("feelings", &u.feelings));
    out.push_str(&list("strategies", &u.strategies));
    if let Some(d) = u.duration_secs {
        out.push_str(&format!("    lasted {}\n", words::duration(u64::from(d))));
    }
    if let Some(c) = u.company {
        let with = if c == companion_core::urge::Company::Alone { "alone" } else { "with others" };
        out.push_str(&format!("    {with}\n"));
    }
    out
}

fn note_text(n: &NoteEntry) -> String {
    let mut out = format!("  {}\n", words::local_time(&n.occurred));
    for (label, v) in [("note", &n.note), ("where", &n.place), ("doing", &n.activity)] {
        if let Some(v) = v {
            out.push_str(&format!("    {label}: {}\n", safe(v)));
        }
    }
    out
}

/// "0:00 7 · 2:00 8 (peak) · 4:00 missed · 6:00 4", minutes and seconds on the timer.
pub fn wave_points(points: &[WavePoint]) -> String {
    let peak = points.iter().filter_map(|p| p.intensity).max();
    let mut marked = false;
    points
        .iter()
        .map(|p| {
            let at = format!("{}:{:02}", p.at_ms / 60_000, (p.at_ms / 1000) % 60);
            match p.intensity {
                Some(i) if Some(i) == peak && !marked => {
                    marked = true;
                    format!("{at} {i} (peak)")
                }
                Some(i) => format!("{at} {i}"),
                None => format!("{at} missed"),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The wave in eight heights of block: "▅▇▆▃▂".
pub fn sparkline(points: &[WavePoint]) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    points
        .iter()
        .map(|p| match p.intensity {
            Some(i) => BARS[(usize::from(i.min(10)) * 8).div_ceil(10)],
            None => '·',
        })
        .collect()
}

fn wave_text(w: &SurfEntry) -> String {
    let mut out = format!(
        "  {}  {} timer, a rating every {}: {}\n",
        words::local_time(&w.started),
        words::duration(u64::from(w.length_secs)),
        words::duration(u64::from(w.interval_secs)),
        words::surf_outcome(w.outcome),
    );
    if !w.points.is_empty() {
        out.push_str(&format!("    wave {}  {}\n", sparkline(&w.points), wave_points(&w.points)));
    }
    out
}

fn exercise_text(e: &ExerciseEntry) -> String {
    let distress = match (e.distress_before, e.distress_after) {
        (Some(b), Some(a)) => format!(", distress {b} before and {a} after"),
        (Some(b), None) => format!(", distress {b} before"),
        (None, Some(a)) => format!(", distress {a} after"),
        (None, None) => String::new(),
    };
    format!(
        "  {}  {} for {}{}{}\n",
        words::local_time(&e.started),
        safe(&e.title),
        words::duration(e.active_secs),
        if e.completed { "" } else { " (not finished)" },
        distress
    )
}

/// A slip as a narrative: what happened, then the chain analysis in the order it was asked.
pub fn slip_text(s: &SlipEntry) -> String {
    let c = &s.chain;
    let mut out = format!("  {}  {}\n", words::local_time(&s.occurred), safe(&s.what));
    if !c.vulnerabilities.is_empty() {
        let v: Vec<String> = c
            .vulnerabilities
            .iter()
            .map(|v| match &v.note {
                Some(n) => format!("{} ({})", words::vulnerability(v.factor), safe(n)),
                None => words::vulnerability(v.factor),
            })
            .collect();
        out.push_str(&format!("    What made it harder that day: {}\n", v.join("; ")));
    }
    if let Some(p) = &c.prompting_event {
        out.push_str(&format!("    What set it off: {}\n", safe(p)));
    }
    for (i, l) in c.links.iter().enumerate() {
        out.push_str(&format!("    {}. {}: {}\n", i + 1, words::link_kind(l.kind), safe(&l.text)));
        if let Some(instead) = &l.instead {
            out.push_str(&format!("       Next time instead: {}\n", safe(instead)));
        }
    }
    for (label, v) in [
        ("Afterwards", &c.consequences),
        ("To set right", &c.repair),
        ("From here", &c.commitment),
        ("A kind word to self", &c.self_compassion),
    ] {
        if let Some(v) = v {
            out.push_str(&format!("    {label}: {}\n", safe(v)));
        }
    }
    out.push_str(if s.chain_completed {
        "    Chain analysis complete.\n"
    } else if c.answered.is_empty() && c.skipped.is_empty() {
        "    No chain analysis yet.\n"
    } else {
        "    Chain analysis in progress.\n"
    });
    out
}

fn check_in_text(c: &CheckInEntry) -> String {
    let r = |v: Option<u8>| v.map(|x| x.to_string()).unwrap_or_else(|| "–".into());
    let mut out = format!(
        "  {}  mood {}, stress {}, loneliness {}, sleep {}\n",
        words::day(c.day),
        r(c.mood),
        r(c.stress),
        r(c.loneliness),
        r(c.sleep)
    );
    if let Some(h) = c.halt.filter(|h| !h.is_empty()) {
        out.push_str(&format!(
            "    HALT: hungry {}, angry {}, lonely {}, tired {}\n",
            r(h.hungry),
            r(h.angry),
            r(h.lonely),
            r(h.tired)
        ));
    }
    if let Some(w) = &c.words {
        out.push_str(&format!("    \"{}\"\n", safe(w)));
    }
    out
}

fn goal_text(g: &GoalEntry) -> String {
    let mut out = format!(
        "  {}{}: {} of {} {} ({} to {})\n",
        safe(&g.text),
        if g.archived { " (archived)" } else { "" },
        g.current,
        g.target,
        safe(&g.measure),
        words::short_day(g.start),
        words::day(g.end)
    );
    if let Some(why) = &g.why {
        out.push_str(&format!("    Why: {}\n", safe(why)));
    }
    out
}

fn items_text(items: &[PlanItem]) -> String {
    let mut out = String::new();
    for i in items {
        out.push_str(&format!("    - {}\n", safe(&i.name)));
        for s in &i.strategies {
            out.push_str(&format!("        · {}\n", safe(&s.text)));
        }
    }
    out
}

fn strategies_text(v: &[Strategy]) -> String {
    v.iter().map(|s| format!("    - {}\n", safe(&s.text))).collect()
}

fn contacts_text(v: &[Contact]) -> String {
    v.iter()
        .map(|c| {
            let how = c.how.as_deref().map(|h| format!(": {}", safe(h))).unwrap_or_default();
            let line = if c.crisis_line { " (crisis line)" } else { "" };
            format!("    - {}{how}{line}\n", safe(&c.name))
        })
        .collect()
}

/// The coping plan in the Stanley-Brown order, as the client sees it.
pub fn plan_text(p: &CopingPlan) -> String {
    let mut out = String::new();
    let mut section = |title: &str, body: String| {
        if !body.is_empty() {
            out.push_str(&format!("  {title}\n{body}"));
        }
    };
    section("1. Warning signs", items_text(&p.warning_signs));
    section("   Triggers", items_text(&p.triggers));
    section("2. Coping on my own", strategies_text(&p.strategies));
    section(
        "3. People and places that distract",
        p.distractions.iter().map(|e| format!("    - {}\n", safe(&e.text))).collect(),
    );
    section("4. People who can help", contacts_text(&p.people));
    section("5. Professionals and crisis lines", contacts_text(&p.professionals));
    section("6. A safer environment", p.environment.iter().map(|e| format!("    - {}\n", safe(&e.text))).collect());
    section("   Reasons for recovery", p.reasons.iter().map(|e| format!("    - {}\n", safe(&e.text))).collect());
    if out.is_empty() {
        out.push_str("  The plan is empty so far.\n");
    }
    out
}

/// One share as data: its id, client, category, state and typed entries.
pub fn share_json(s: &Share) -> Value {
    let entries = match &*s.content {
        Content::Empty => Value::Array(Vec::new()),
        Content::WeeklySummaries(v) => json!(v),
        Content::Urges(v) => json!(v),
        Content::Notes(v) => json!(v),
        Content::SurfWaves(v) => json!(v),
        Content::ExerciseSessions(v) => json!(v),
        Content::Slips(v) => json!(v),
        Content::CheckIns(v) => json!(v),
        Content::Goals(v) => json!(v),
        Content::CopingPlan(p) => plan_json(p),
    };
    let (state, withdrawn) = match s.state {
        ShareState::Live => ("shared", None),
        ShareState::Withdrawn { noticed_ms } => ("withdrawn", Some(noticed_ms)),
    };
    json!({
        "share": s.id.to_string(),
        "device": s.device_id,
        "category": s.category.map(|c| c.as_str()),
        "state": state,
        "withdrawn_noticed_ms": withdrawn,
        "created_ms": s.created_ms,
        "updates": s.updates,
        "unreadable": s.unreadable,
        "problem": s.problem,
        "entries": entries,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use companion_core::clinician::SharedView;
    use companion_core::surf::PointKind;
    use serde_json::json;

    use crate::shared::entries;

    fn content(category: &str, entries: Vec<Value>) -> Content {
        let view = SharedView::Entries {
            category: category.into(),
            entries: entries
                .into_iter()
                .enumerate()
                .map(|(i, v)| (companion_core::RecordId::from_bytes([i as u8 + 1; 16]).to_string(), v))
                .collect(),
        };
        entries::read(&view).unwrap().content
    }

    #[test]
    fn weekly_summary_reads_as_a_sentence() {
        let c = content(
            "weekly-summaries",
            vec![json!({"format": 1, "week_start": "2026-11-16", "days_tracked": 7, "urges": 3, "urges_surfed": 2,
                        "urges_acted": 1, "urges_outcome_unrecorded": 0, "urges_with_strategies": 1,
                        "intensity_mean": 5.5, "intensity_peak": 8, "median_duration_secs": null,
                        "urges_by_part_of_day": {"night": 0, "morning": 1, "afternoon": 1, "evening": 1},
                        "acting_out": 1, "days_without_acting_out": 6, "slips": 1, "chain_analyses_completed": 1,
                        "check_in_days": 0, "mood_mean": null, "stress_mean": null, "loneliness_mean": null,
                        "sleep_mean": null})],
        );
        let Content::WeeklySummaries(v) = c else { panic!() };
        assert_eq!(
            week_line(&v[0]),
            "  Week of 16 Nov: 3 urges, intensity 5.5 on average, 8 at most, 2 ridden out, 1 with a coping strategy, 1 acted on; 1 slip, 1 chain analysis completed; 6 of 7 tracked days without acting out.\n"
        );
    }

    #[test]
    fn urges_at_local_times_oldest_first() {
        let c = content(
            "urges",
            vec![
                json!({"occurred_at": "2026-11-20T22:10:00+01:00", "intensity": 6, "triggers": ["lonely", "bored"],
                       "company": "alone", "outcome": "surfed", "duration_secs": 900}),
                json!({"occurred_at": "2026-11-19T07:05:00-05:00", "intensity": 3, "outcome": "acted"}),
            ],
        );
        let Content::Urges(v) = c else { panic!() };
        let text = lines(&v, urge_text);
        let first = text.find("Thu 19 Nov 2026, 07:05").expect("local time where it happened");
        let second = text.find("Fri 20 Nov 2026, 22:10").expect("local time");
        assert!(first < second, "{text}");
        assert!(text.contains("intensity 6/10, ridden out\n    triggers: lonely, bored\n"), "{text}");
        assert!(text.contains("lasted 15 min"), "{text}");
        assert!(text.contains("intensity 3/10, acted on"), "{text}");
    }

    #[test]
    fn a_wave_reads_as_ratings_over_the_timer() {
        let p = |ms: u64, i: Option<u8>, kind| WavePoint { at_ms: ms, intensity: i, kind };
        let pts = [
            p(0, Some(7), PointKind::Start),
            p(120_000, Some(9), PointKind::Prompt),
            p(240_000, None, PointKind::Prompt),
            p(361_500, Some(3), PointKind::End),
        ];
        assert_eq!(wave_points(&pts), "0:00 7 · 2:00 9 (peak) · 4:00 missed · 6:01 3");
        assert_eq!(sparkline(&pts), "▆█·▃");
    }

    #[test]
    fn a_chain_reads_link_by_link_and_escapes_are_stripped() {
        let c = content(
            "slips",
            vec![json!({"occurred_at": "2026-11-20T23:40:00+01:00", "what": "watched\u{1b}[2J again",
                "chain_completed": false,
                "chain": {"vulnerabilities": [{"factor": "Sleep", "note": "3 hours"}],
                          "prompting_event": "an ad", "links": [
                            {"kind": "Thought", "text": "just once", "instead": "text Sam"},
                            {"kind": "Action", "text": "opened the app", "instead": null}],
                          "consequences": null, "repair": null, "commitment": "phone out of the bedroom",
                          "self_compassion": null, "answered": ["Vulnerabilities", "PromptingEvent", "Links"],
                          "skipped": []}})],
        );
        let Content::Slips(v) = c else { panic!() };
        let text = slip_text(&v[0]);
        assert!(text.contains("watched [2J again"), "{text}");
        assert!(!text.contains('\u{1b}'));
        assert!(text.contains("What made it harder that day: Too little or poor sleep (3 hours)"), "{text}");
        assert!(
            text.contains(
                "    1. Thought: just once\n       Next time instead: text Sam\n    2. Action: opened the app\n"
            ),
            "{text}"
        );
        assert!(text.contains("From here: phone out of the bedroom"), "{text}");
        assert!(text.contains("Chain analysis in progress."), "{text}");
    }

    #[test]
    fn empty_plan_says_so() {
        assert!(plan_text(&CopingPlan::default()).contains("empty so far"));
    }
}
