//! The print view for session notes: the page's figures as plain text and tables (so a printed
//! or saved PDF holds them as text), slips as narratives, and room for notes.

use companion_core::checkin::Measure;
use maud::{html, Markup};

use super::client::slip_narrative;
use super::{client_name, document, Frame};
use crate::report::{Block, Report, Urges};
use crate::words;

pub fn page(frame: &Frame<'_>, r: &Report) -> Markup {
    let id = &r.device_id;
    document(
        &format!("{} · Print", client_name(id)),
        Some(frame),
        html! {
            div.print-view {
                p.screen-only {
                    a href={ "/client/" (id) "?since=" (r.range.from) } { "Back to the page" }
                    " · "
                    button.print type="button" hidden { "Print" }
                    span.no-script { "Use your browser's Print command." }
                }
                h1 { "Session notes: " (client_name(id)) }
                p { "Device id " (id) ". " (words::day(r.range.from)) " to " (words::day(r.today)) " ("
                    (words::plural(r.range.days() as u64, "day", "days")) "), the client's local time (" (words::offset(&r.offset)) ")." }
                h2 { "Urges" }
                @match &r.urges {
                    Block::Shown(Urges::Entries { weeks, total }) => {
                        p data-figure="print-urges" {
                            (words::plural(total.total, "urge", "urges")) ", mean intensity " (words::mean(total.intensity_mean))
                            "; " (total.surfed) " ridden out, " (total.coped) " coped with a strategy, " (total.acted) " acted on."
                        }
                        table {
                            thead { tr { th { "Week" } th { "Urges" } th { "Mean intensity" } th { "Ridden out" } th { "Coped" } th { "Acted on" } } }
                            tbody { @for w in weeks { tr {
                                td { (words::week(w.week_start)) } td { (w.urges) } td { (words::mean(w.intensity_mean)) }
                                td { (w.surfed) } td { (w.coped) } td { (w.acted) }
                            } } }
                        }
                    },
                    Block::Shown(Urges::Summaries(weeks)) => {
                        table {
                            thead { tr { th { "Week" } th { "Urges" } th { "Mean intensity" } th { "Ridden out" } th { "Acted on" } th { "Days without acting out" } } }
                            tbody { @for w in weeks { tr {
                                td { (words::week(w.week_start)) } td { (w.urges) } td { (words::mean(w.intensity_mean)) }
                                td { (w.urges_surfed) } td { (w.urges_acted) } td { (w.days_without_acting_out) " of " (w.days_tracked) }
                            } } }
                        }
                    },
                    Block::NotShared(_) => p { "Not shared." },
                }
                @if let Some(a) = r.acting_out.shown() {
                    p data-figure="print-days-without" { "Days without acting out: " (a.summary.days_without) " of " (a.summary.days_tracked) "." }
                }
                @if let Some(t) = r.triggers.shown() {
                    @if !t.top.is_empty() {
                        h2 { "Top triggers" }
                        ul { @for s in &t.top { li { (s.trigger) ": " (words::plural(s.urges, "urge", "urges")) ", " (s.acted) " acted on" } } }
                    }
                }
                @if let Some(c) = r.check_ins.shown() {
                    h2 { "Check-ins" }
                    p data-figure="print-check-ins" {
                        (words::plural(c.summary.days, "day", "days")) " checked in. Means: "
                        (c.summary.measures.iter().map(|m| format!("{} {}", m.measure.as_str(), words::mean(m.mean))).collect::<Vec<_>>().join(", ")) "."
                    }
                    table {
                        thead { tr { th { "Week" } @for m in Measure::ALL { th { (words::capitalised(m.as_str())) } } } }
                        tbody { @for w in &c.weeks { tr { td { (words::week(w.week_start)) } @for m in &w.summary.measures { td { (words::mean(m.mean)) } } } } }
                    }
                }
                @if let Some(g) = r.goals.shown() {
                    @if !g.is_empty() {
                        h2 { "Goals" }
                        ul { @for x in g.iter().filter(|x| !x.archived) { li { (x.text) ": " (x.current) " of " (x.target) " " (x.measure) } } }
                    }
                }
                @if let Some(s) = r.slips.shown() {
                    h2 { "Slips" }
                    @if s.is_empty() { p { "None in these days." } }
                    @for x in s { (slip_narrative(x)) }
                }
                h2 { "Notes for the session" }
                div.notes-space {}
            }
        },
    )
}
