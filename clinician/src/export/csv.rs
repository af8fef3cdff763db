//! CSV per block of the client's page, for the days shown. Built from the same [`Report`] as
//! the page, so an export never holds more than the page (and so than the client shares).
//! Cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) are written with a leading apostrophe.

use companion_core::share::Category;

use crate::report::{Block, Report, Urges};
use crate::words;

/// One exportable block: its file name, its title, and the categories it rests on (any of).
pub struct CsvBlock {
    pub name: &'static str,
    pub title: &'static str,
    pub categories: &'static [Category],
}

/// Every block that can be exported.
pub const BLOCKS: &[CsvBlock] = &[
    CsvBlock {
        name: "urges-per-week",
        title: "Urges per week",
        categories: &[Category::Urges, Category::WeeklySummaries],
    },
    CsvBlock { name: "urges", title: "Urges", categories: &[Category::Urges] },
    CsvBlock { name: "triggers", title: "Top triggers", categories: &[Category::Urges] },
    CsvBlock { name: "hours", title: "Weekday by hour", categories: &[Category::Urges] },
    CsvBlock { name: "surf-waves", title: "Urge surfing", categories: &[Category::SurfWaves] },
    CsvBlock { name: "check-ins", title: "Check-ins", categories: &[Category::CheckIns] },
    CsvBlock { name: "goals", title: "Goals", categories: &[Category::Goals] },
    CsvBlock { name: "slips", title: "Slips", categories: &[Category::Slips] },
    CsvBlock { name: "exercises", title: "Exercises", categories: &[Category::ExerciseSessions] },
    CsvBlock { name: "notes", title: "Notes", categories: &[Category::Notes] },
];

/// Why a CSV cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("no such export")]
    Unknown,
    #[error("this client does not share what that export holds")]
    NotShared,
    #[error("the export could not be written")]
    Write,
}

/// A cell as written: never a formula to a spreadsheet.
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Rows of one block (header first), or why not.
fn rows(r: &Report, name: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let not = || CsvError::NotShared;
    let s = |v: &str| v.to_string();
    Ok(match name {
        "urges-per-week" => match &r.urges {
            Block::Shown(Urges::Entries { weeks, .. }) => {
                let mut out = vec![[
                    "week_start",
                    "days_in_range",
                    "urges",
                    "intensity_mean",
                    "ridden_out",
                    "coped",
                    "acted_on",
                    "not_recorded",
                ]
                .map(s)
                .to_vec()];
                out.extend(weeks.iter().map(|w| {
                    vec![
                        w.week_start.to_string(),
                        w.days.to_string(),
                        w.urges.to_string(),
                        w.intensity_mean.map(|m| format!("{m:.2}")).unwrap_or_default(),
                        w.surfed.to_string(),
                        w.coped.to_string(),
                        w.acted.to_string(),
                        w.unrecorded.to_string(),
                    ]
                }));
                out
            }
            Block::Shown(Urges::Summaries(weeks)) => {
                let mut out = vec![[
                    "week_start",
                    "days_tracked",
                    "urges",
                    "intensity_mean",
                    "ridden_out",
                    "acted_on",
                    "slips",
                    "days_without_acting_out",
                    "mood_mean",
                    "stress_mean",
                    "loneliness_mean",
                    "sleep_mean",
                ]
                .map(s)
                .to_vec()];
                out.extend(weeks.iter().map(|w| {
                    vec![
                        w.week_start.to_string(),
                        w.days_tracked.to_string(),
                        w.urges.to_string(),
                        opt(w.intensity_mean),
                        w.urges_surfed.to_string(),
                        w.urges_acted.to_string(),
                        w.slips.to_string(),
                        w.days_without_acting_out.to_string(),
                        opt(w.mood_mean),
                        opt(w.stress_mean),
                        opt(w.loneliness_mean),
                        opt(w.sleep_mean),
                    ]
                }));
                out
            }
            Block::NotShared(_) => return Err(not()),
        },
        "urges" => urges(r)?,
        "triggers" => {
            let t = r.triggers.shown().ok_or_else(not)?;
            let mut out = vec![["trigger", "urges", "acted_on", "intensity_mean"].map(s).to_vec()];
            out.extend(t.top.iter().map(|x| {
                vec![cell(&x.trigger), x.urges.to_string(), x.acted.to_string(), format!("{:.2}", x.intensity_mean)]
            }));
            out
        }
        "hours" => {
            let g = r.heatmap.shown().ok_or_else(not)?;
            let mut head = vec![s("weekday")];
            head.extend((0..24).map(|h| format!("{h:02}")));
            let mut out = vec![head];
            for d in 0..7 {
                let mut row = vec![s(words::weekday_short(d))];
                row.extend((0..24).map(|h| g.get(d, h).to_string()));
                out.push(row);
            }
            out
        }
        "surf-waves" => {
            let v = r.waves.shown().ok_or_else(not)?;
            let mut out =
                vec![["started_local", "length_secs", "interval_secs", "peak", "outcome", "ratings"].map(s).to_vec()];
            out.extend(v.iter().map(|w| {
                vec![
                    w.started.to_rfc3339(),
                    w.length_secs.to_string(),
                    w.interval_secs.to_string(),
                    opt(w.peak),
                    s(words::surf_outcome(w.outcome)),
                    crate::terminal::wave_points(&w.points),
                ]
            }));
            out
        }
        "check-ins" => {
            let c = r.check_ins.shown().ok_or_else(not)?;
            let mut out =
                vec![["day", "mood", "stress", "loneliness", "sleep", "hungry", "angry", "lonely", "tired", "words"]
                    .map(s)
                    .to_vec()];
            out.extend(c.days.iter().map(|d| {
                let h = d.halt.unwrap_or_default();
                vec![
                    d.day.to_string(),
                    opt(d.mood),
                    opt(d.stress),
                    opt(d.loneliness),
                    opt(d.sleep),
                    opt(h.hungry),
                    opt(h.angry),
                    opt(h.lonely),
                    opt(h.tired),
                    cell(d.words.as_deref().unwrap_or("")),
                ]
            }));
            out
        }
        "goals" => {
            let g = r.goals.shown().ok_or_else(not)?;
            let mut out =
                vec![["goal", "why", "measure", "current", "target", "start", "end", "archived"].map(s).to_vec()];
            out.extend(g.iter().map(|x| {
                vec![
                    cell(&x.text),
                    cell(x.why.as_deref().unwrap_or("")),
                    cell(&x.measure),
                    x.current.to_string(),
                    x.target.to_string(),
                    x.start.to_string(),
                    x.end.to_string(),
                    x.archived.to_string(),
                ]
            }));
            out
        }
        "slips" => {
            let v = r.slips.shown().ok_or_else(not)?;
            let mut out = vec![[
                "occurred_local",
                "what",
                "vulnerabilities",
                "prompting_event",
                "links",
                "consequences",
                "repair",
                "commitment",
                "chain_completed",
            ]
            .map(s)
            .to_vec()];
            out.extend(v.iter().map(|x| {
                let c = &x.chain;
                let vul: Vec<String> = c.vulnerabilities.iter().map(|v| v.factor.as_str().to_string()).collect();
                let links: Vec<String> = c
                    .links
                    .iter()
                    .map(|l| match &l.instead {
                        Some(i) => format!("{}: {} (instead: {i})", l.kind.as_str(), l.text),
                        None => format!("{}: {}", l.kind.as_str(), l.text),
                    })
                    .collect();
                vec![
                    x.occurred.to_rfc3339(),
                    cell(&x.what),
                    vul.join("; "),
                    cell(c.prompting_event.as_deref().unwrap_or("")),
                    cell(&links.join(" | ")),
                    cell(c.consequences.as_deref().unwrap_or("")),
                    cell(c.repair.as_deref().unwrap_or("")),
                    cell(c.commitment.as_deref().unwrap_or("")),
                    x.chain_completed.to_string(),
                ]
            }));
            out
        }
        "exercises" => {
            let v = r.exercises.shown().ok_or_else(not)?;
            let mut out =
                vec![["started_local", "exercise", "active_secs", "completed", "distress_before", "distress_after"]
                    .map(s)
                    .to_vec()];
            out.extend(v.iter().map(|e| {
                vec![
                    e.started.to_rfc3339(),
                    cell(&e.title),
                    e.active_secs.to_string(),
                    e.completed.to_string(),
                    opt(e.distress_before),
                    opt(e.distress_after),
                ]
            }));
            out
        }
        "notes" => {
            let v = r.notes.shown().ok_or_else(not)?;
            let mut out = vec![["occurred_local", "note", "where", "doing"].map(s).to_vec()];
            out.extend(v.iter().map(|n| {
                vec![
                    n.occurred.to_rfc3339(),
                    cell(n.note.as_deref().unwrap_or("")),
                    cell(n.place.as_deref().unwrap_or("")),
                    cell(n.activity.as_deref().unwrap_or("")),
                ]
            }));
            out
        }
        _ => return Err(CsvError::Unknown),
    })
}

fn urges(r: &Report) -> Result<Vec<Vec<String>>, CsvError> {
    let all = r.urge_list.shown().ok_or(CsvError::NotShared)?;
    let s = |v: &str| v.to_string();
    let mut out = vec![[
        "occurred_local",
        "intensity",
        "triggers",
        "feelings",
        "company",
        "duration_secs",
        "outcome",
        "strategies",
    ]
    .map(s)
    .to_vec()];
    out.extend(all.iter().map(|u| {
        let company = match u.company {
            Some(companion_core::urge::Company::Alone) => "alone",
            Some(companion_core::urge::Company::WithOthers) => "with others",
            None => "",
        };
        vec![
            u.occurred.to_rfc3339(),
            u.intensity.to_string(),
            cell(&u.triggers.join("; ")),
            cell(&u.feelings.join("; ")),
            s(company),
            opt(u.duration_secs),
            s(u.outcome.map(|o| o.as_str()).unwrap_or("")),
            cell(&u.strategies.join("; ")),
        ]
    }));
    Ok(out)
}

/// The CSV text of block `name` of the page.
pub fn export(r: &Report, name: &str) -> Result<String, CsvError> {
    let rows = rows(r, name)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row).map_err(|_| CsvError::Write)?;
    }
    let bytes = w.into_inner().map_err(|_| CsvError::Write)?;
    String::from_utf8(bytes).map_err(|_| CsvError::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("walk"), "walk");
        assert_eq!(cell(""), "");
    }
}
