//! A client's page since a chosen day: every block, newest first, in the client's local time.
//! Each figure carries a `data-figure` attribute naming it, so the end-to-end tests can compare
//! it with the client's own `companion insights --json`.

use companion_core::checkin::Measure;
use companion_core::insights::{HourGrid, TriggerStrategies};
use companion_core::text::fold;
use maud::{html, Markup};

use super::{client_name, document, figure, not_shared, Frame};
use crate::dashboard::charts;
use crate::overview::Flag;
use crate::report::{ActingOut, Block, CheckIns, Report, Triggers, Urges};
use crate::shared::entries::{ExerciseEntry, GoalEntry, NoteEntry, SlipEntry, SurfEntry};
use crate::words;

/// The tabs of a client's pages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Plan,
    Consent,
}

/// The client's name, device id and the tabs.
pub fn client_head(device_id: &str, tab: Tab, since: Option<&str>) -> Markup {
    let q = since.map(|s| format!("?since={s}")).unwrap_or_default();
    let link = |t: Tab, href: String, label: &str| {
        html! {
            @if t == tab { a href=(href) aria-current="page" { (label) } } @else { a href=(href) { (label) } }
        }
    };
    html! {
        div.client-head {
            h1 { (client_name(device_id)) }
            p.label { "Device id " code { (device_id) } " — the client's chosen name will appear here once their app shares one." }
            nav.tabs aria-label="This client" {
                (link(Tab::Overview, format!("/client/{device_id}{q}"), "Since last session"))
                (link(Tab::Plan, format!("/client/{device_id}/plan"), "Coping plan"))
                (link(Tab::Consent, format!("/client/{device_id}/consent"), "What they share"))
                a href={ "/client/" (device_id) "/print" (q) } { "Print view" }
            }
        }
    }
}

pub fn page(frame: &Frame<'_>, r: &Report, flags: &[Flag], since: Option<&str>) -> Markup {
    let id = &r.device_id;
    let from = r.range.from.to_string();
    document(
        &client_name(id),
        Some(frame),
        html! {
            (client_head(id, Tab::Overview, since))
            form.range method="get" action={ "/client/" (id) } {
                label for="since" { "Since" }
                input id="since" type="date" name="since" value=(from) max=(r.today.to_string());
                button type="submit" { "Show" }
                span.range-note {
                    (words::day(r.range.from)) " to " (words::day(r.today)) " (the client's today), "
                    (words::plural(r.range.days() as u64, "day", "days")) ". Times are the client's local time ("
                    (words::offset(&r.offset)) " now), newest first."
                }
            }
            @if !flags.is_empty() {
                section.flags-box aria-labelledby="flags-h" {
                    h2 id="flags-h" { "To notice" }
                    (super::clients::flags(flags, &r.offset))
                }
            }
            (exports(id, &from, r))
            (urges_section(r))
            (acting_out_section(&r.acting_out))
            (heatmap_section(&r.heatmap))
            (triggers_section(&r.triggers))
            (waves_section(&r.waves))
            (check_ins_section(&r.check_ins, r))
            (goals_section(&r.goals))
            (slips_section(&r.slips))
            (exercises_section(&r.exercises))
            (notes_section(&r.notes))
        },
    )
}

fn exports(id: &str, from: &str, r: &Report) -> Markup {
    let csv_blocks: Vec<(&str, &str)> = crate::export::csv::BLOCKS
        .iter()
        .filter(|b| b.categories.iter().any(|c| r.shared.contains(c)))
        .map(|b| (b.name, b.title))
        .collect();
    html! {
        details.exports {
            summary { "Export for the health record" }
            p { "Exports hold only what this client shares, for the days shown. Saving them is your decision; the dashboard itself saves nothing." }
            ul {
                li { a href={ "/client/" (id) "/export/fhir.json?since=" (from) } download { "FHIR R4 bundle (JSON)" } }
                @for (name, title) in &csv_blocks {
                    li { a href={ "/client/" (id) "/export/" (name) ".csv?since=" (from) } download { (title) " (CSV)" } }
                }
            }
        }
    }
}

fn section(id: &str, title: &str, body: Markup) -> Markup {
    html! {
        section.block id=(id) aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } { (title) }
            (body)
        }
    }
}

fn urges_section(r: &Report) -> Markup {
    let body = match &r.urges {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(Urges::Entries { weeks, total }) => html! {
            dl.figures {
                div { dt { "Urges" } dd data-figure="urges-total" { (total.total) } }
                div { dt { "Mean intensity (0-10)" } dd data-figure="intensity-mean" { (words::mean(total.intensity_mean)) } }
                div { dt { "Ridden out" } dd data-figure="urges-surfed" { (total.surfed) } }
                div { dt { "Coped with a strategy" } dd data-figure="urges-coped" { (total.coped) } }
                div { dt { "Acted on" } dd data-figure="urges-acted" { (total.acted) } }
            }
            @if total.total == 0 {
                p.empty { "No urges logged in these days." }
            } @else {
                (figure(&charts::weekly_urges("weekly-urges-chart", weeks),
                    "Bars: urges per week by outcome (dark: ridden out, light: coped, orange: acted on, grey: not recorded), each segment labelled. Line and dots: mean intensity, scale on the right.",
                    html! {
                    table.weeks {
                        caption { "Urges per week, newest first" }
                        thead { tr {
                            th scope="col" { "Week" } th scope="col" { "Urges" } th scope="col" { "Mean intensity" }
                            th scope="col" { "Ridden out" } th scope="col" { "Coped" } th scope="col" { "Acted on" } th scope="col" { "Not recorded" }
                        } }
                        tbody {
                            @for w in weeks {
                                tr data-week=(w.week_start.to_string()) {
                                    th scope="row" { (words::week(w.week_start)) @if w.days < 7 { span.partial { " (" (w.days) " of 7 days)" } } }
                                    td data-figure="week-urges" { (w.urges) }
                                    td data-figure="week-intensity" { (words::mean(w.intensity_mean)) }
                                    td data-figure="week-surfed" { (w.surfed) }
                                    td data-figure="week-coped" { (w.coped) }
                                    td data-figure="week-acted" { (w.acted) }
                                    td { (w.unrecorded) }
                                }
                            }
                        }
                    }
                }))
            }
        },
        Block::Shown(Urges::Summaries(weeks)) => html! {
            p.hint { "From the client's weekly summaries (numbers only; individual urges are not shared)." }
            table.weeks {
                caption { "Each week, newest first" }
                thead { tr {
                    th scope="col" { "Week" } th scope="col" { "Urges" } th scope="col" { "Mean intensity" }
                    th scope="col" { "Ridden out" } th scope="col" { "Acted on" } th scope="col" { "Slips" }
                    th scope="col" { "Days without acting out" } th scope="col" { "Check-in means: mood, stress, loneliness, sleep" }
                } }
                tbody {
                    @for w in weeks {
                        tr data-week=(w.week_start.to_string()) {
                            th scope="row" { (words::week(w.week_start)) }
                            td data-figure="week-urges" { (w.urges) }
                            td data-figure="week-intensity" { (words::mean(w.intensity_mean)) }
                            td { (w.urges_surfed) }
                            td { (w.urges_acted) }
                            td { (w.slips) }
                            td { (w.days_without_acting_out) " of " (w.days_tracked) }
                            td { (words::mean(w.mood_mean)) ", " (words::mean(w.stress_mean)) ", " (words::mean(w.loneliness_mean)) ", " (words::mean(w.sleep_mean)) }
                        }
                    }
                }
            }
        },
    };
    section("urges", "Urges per week", body)
}

fn acting_out_section(b: &Block<ActingOut>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(a) => html! {
            p.big {
                span data-figure="days-without" { (a.summary.days_without) } " of "
                span data-figure="days-tracked" { (a.summary.days_tracked) } " days without acting out"
            }
            p.hint { "Days are counted from the client's first shared entry up to their today. A slip is information to learn from; nothing here resets." }
            @if !a.missing.is_empty() {
                p.note { "Counted from what is shared: "
                    (a.missing.iter().map(|c| words::category_title(*c).to_lowercase()).collect::<Vec<_>>().join(" and "))
                    " not shared, so times of acting out recorded there are not counted." }
            }
            @if a.summary.intervals.count > 0 {
                p {
                    "Between times of acting out: "
                    (a.summary.intervals.median_secs.map(|s| words::duration(s.max(0) as u64)).unwrap_or_default()) " typically, "
                    (a.summary.intervals.longest_secs.map(|s| words::duration(s.max(0) as u64)).unwrap_or_default()) " at the longest."
                }
            }
            @if !a.weeks.is_empty() {
                ul { @for (w, without, tracked) in &a.weeks { li { (words::week(*w)) ": " (without) " of " (tracked) } } }
            }
        },
    };
    section("acting-out", "Days without acting out", body)
}

fn heatmap_section(b: &Block<HourGrid>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(g) if g.max == 0 => html! { p.empty { "No urges logged in these days." } },
        Block::Shown(g) => html! {
            (figure(&charts::heatmap("heatmap-chart", g),
                "Darker cells hold more urges; each cell with urges shows its count. Local time where each urge happened.",
                html! {
                details {
                    summary { "The grid as a table" }
                    table.grid {
                        caption { "Urges by weekday (rows) and hour (columns)" }
                        thead { tr { th scope="col" { "Day" } @for h in 0..24 { th scope="col" { (format!("{h:02}")) } } } }
                        tbody {
                            @for d in 0..7usize {
                                tr {
                                    th scope="row" { (words::weekday_short(d)) }
                                    @for h in 0..24usize { td data-figure="cell" data-day=(d) data-hour=(h) { (g.get(d, h)) } }
                                }
                            }
                        }
                    }
                }
            }))
        },
    };
    section("when", "When urges come", body)
}

/// What helped for a trigger, matched by its name ignoring case and spacing.
fn helped_for<'a>(helped: &'a [TriggerStrategies], trigger: &str) -> Option<&'a TriggerStrategies> {
    helped.iter().find(|t| t.trigger.as_deref().map(fold).as_deref() == Some(fold(trigger).as_str()))
}

fn triggers_section(b: &Block<Triggers>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(t) if t.top.is_empty() => html! { p.empty { "No triggers named in these days." } },
        Block::Shown(t) => html! {
            table.triggers {
                caption { "Most frequent triggers, and the strategies used with them (helped: the urge passed without acting)" }
                thead { tr {
                    th scope="col" { "Trigger" } th scope="col" { "Urges" } th scope="col" { "Acted on" }
                    th scope="col" { "Mean intensity" } th scope="col" { "What helped" }
                } }
                tbody {
                    @for s in &t.top {
                        tr data-trigger=(s.trigger) {
                            th scope="row" { (s.trigger) }
                            td data-figure="trigger-urges" { (s.urges) }
                            td data-figure="trigger-acted" { (s.acted) }
                            td { (format!("{:.1}", s.intensity_mean)) }
                            td {
                                @match helped_for(&t.helped, &s.trigger) {
                                    Some(h) => ul.helped { @for e in &h.strategies {
                                        li data-strategy=(e.strategy) { (e.strategy) ": helped "
                                            span data-figure="strategy-helped" { (e.helped) } " of "
                                            span data-figure="strategy-used" { (e.used) } }
                                    } },
                                    None => span.none { "No strategy recorded" },
                                }
                            }
                        }
                    }
                }
            }
            @if !t.plan_shared {
                p.note { "The coping plan is not shared, so strategies are grouped by their words as typed." }
            }
        },
    };
    section("triggers", "Top triggers and what helped", body)
}

fn waves_section(b: &Block<Vec<SurfEntry>>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(v) if v.is_empty() => html! { p.empty { "No urge surfing in these days." } },
        Block::Shown(v) => html! {
            div.waves {
                @for (i, w) in v.iter().enumerate() {
                    div.wave data-wave=(w.id) {
                        (figure(&charts::wave(&format!("wave-{i}"), w), &format!(
                            "{}: {} timer; {}.",
                            words::local_time(&w.started),
                            words::duration(u64::from(w.length_secs)),
                            words::surf_outcome(w.outcome)
                        ), html! {
                            p.wave-text { "Ratings (minutes:seconds on the timer): " (crate::terminal::wave_points(&w.points)) }
                        }))
                    }
                }
            }
        },
    };
    section("waves", "Urge surfing: the waves", body)
}

fn check_ins_section(b: &Block<CheckIns>, r: &Report) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(c) if c.days.is_empty() => html! { p.empty { "No check-ins in these days." } },
        Block::Shown(c) => html! {
            dl.figures {
                div { dt { "Days checked in" } dd data-figure="check-in-days" { (c.summary.days) } }
                @for m in &c.summary.measures {
                    div { dt { "Mean " (m.measure.as_str()) } dd data-figure={ "mean-" (m.measure.as_str()) } { (words::mean(m.mean)) } }
                }
            }
            (figure(&charts::check_ins("check-in-chart", &c.days, r.range.from, r.range.to),
                "One panel per rating, 0 (low) to 10 (high); each dot is a day.",
                html! {
                table.weeks {
                    caption { "Weekly means, newest first" }
                    thead { tr { th scope="col" { "Week" } th scope="col" { "Days" }
                        @for m in Measure::ALL { th scope="col" { (words::capitalised(m.as_str())) } } } }
                    tbody {
                        @for w in &c.weeks {
                            tr data-week=(w.week_start.to_string()) {
                                th scope="row" { (words::week(w.week_start)) }
                                td { (w.summary.days) }
                                @for m in &w.summary.measures { td { (words::mean(m.mean)) } }
                            }
                        }
                    }
                }
            }))
            @if !c.halt.is_empty() {
                p { "HALT (0-10) on average: "
                    (c.halt.iter().map(|(n, v)| format!("{n} {v:.1}")).collect::<Vec<_>>().join(", ")) "." }
            }
            @let links: Vec<_> = c.summary.measures.iter().filter_map(|m| m.next_day.map(|n| (m.measure, n))).collect();
            @if !links.is_empty() {
                p.note { "With urges the next day (a link, not a cause): "
                    (links.iter().map(|(m, n)| format!("{} r = {:.2} over {} days", m.as_str(), n.r, n.pairs)).collect::<Vec<_>>().join("; ")) "." }
            }
            table.days {
                caption { "Each day, newest first (0-10)" }
                thead { tr {
                    th scope="col" { "Day" } th scope="col" { "Mood" } th scope="col" { "Stress" }
                    th scope="col" { "Loneliness" } th scope="col" { "Sleep" }
                    @if !c.halt.is_empty() { th scope="col" { "HALT: hungry, angry, lonely, tired" } }
                    th scope="col" { "In their words" }
                } }
                tbody {
                    @for d in &c.days {
                        tr data-check-in=(d.day.to_string()) {
                            th scope="row" { (words::day(d.day)) }
                            td { (opt(d.mood)) } td { (opt(d.stress)) } td { (opt(d.loneliness)) } td { (opt(d.sleep)) }
                            @if !c.halt.is_empty() {
                                td { @if let Some(h) = d.halt { (opt(h.hungry)) ", " (opt(h.angry)) ", " (opt(h.lonely)) ", " (opt(h.tired)) } }
                            }
                            td {
                                @if d.risk { strong.risk { "Words of risk. " } }
                                @if let Some(w) = &d.words { (w) }
                            }
                        }
                    }
                }
            }
        },
    };
    section("check-ins", "Check-in trends", body)
}

fn opt(v: Option<u8>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "–".into())
}

fn goals_section(b: &Block<Vec<GoalEntry>>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(v) if v.is_empty() => html! { p.empty { "No goals yet." } },
        Block::Shown(v) => html! {
            ul.goals {
                @for g in v {
                    li data-goal=(g.id) {
                        strong { (g.text) } @if g.archived { " (archived)" }
                        br;
                        label {
                            (g.current) " of " (g.target) " " (g.measure)
                            @if let Some(p) = g.percent { " (" (format!("{p:.0}")) "%)" }
                            " · " (words::short_day(g.start)) " to " (words::day(g.end))
                            progress max=(g.target.max(1)) value=(g.current.min(g.target.max(1))) {
                                (g.current) " of " (g.target)
                            }
                        }
                        @if let Some(w) = &g.why { p.why { "Why: " (w) } }
                    }
                }
            }
        },
    };
    section("goals", "Goals and progress", body)
}

/// A slip as a narrative: what happened, what set it off, the links in order with what to try
/// instead, and the rest of the analysis in the client's words.
pub fn slip_narrative(s: &SlipEntry) -> Markup {
    let c = &s.chain;
    html! {
        article.slip data-slip=(s.id) {
            h3 { (words::local_time(&s.occurred)) }
            p.what { (s.what) }
            @if s.risk { p { strong.risk { "Words of risk in this entry." } } }
            @if !c.vulnerabilities.is_empty() {
                p { strong { "What made it harder that day: " }
                    @for (i, v) in c.vulnerabilities.iter().enumerate() {
                        @if i > 0 { "; " }
                        (words::vulnerability(v.factor)) @if let Some(n) = &v.note { " (" (n) ")" }
                    }
                }
            }
            @if let Some(p) = &c.prompting_event { p { strong { "What set it off: " } (p) } }
            @if !c.links.is_empty() {
                ol.links {
                    @for l in &c.links {
                        li {
                            span.kind { (words::link_kind(l.kind)) ": " } (l.text)
                            @if let Some(i) = &l.instead { br; span.instead { "Next time instead: " (i) } }
                        }
                    }
                }
            }
            @if let Some(v) = &c.consequences { p { strong { "Afterwards: " } (v) } }
            @if let Some(v) = &c.repair { p { strong { "To set right: " } (v) } }
            @if let Some(v) = &c.commitment { p { strong { "From here: " } (v) } }
            @if let Some(v) = &c.self_compassion { p { strong { "A kind word to self: " } (v) } }
            p.status { @if s.chain_completed { "Chain analysis complete." }
                @else if c.answered.is_empty() && c.skipped.is_empty() { "No chain analysis yet." }
                @else { "Chain analysis in progress." } }
        }
    }
}

fn slips_section(b: &Block<Vec<SlipEntry>>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(v) if v.is_empty() => html! { p.empty { "No slips in these days." } },
        Block::Shown(v) => html! {
            p.hint { "Each slip in the client's words, newest first: something to learn from." }
            @for s in v { (slip_narrative(s)) }
        },
    };
    section("slips", "Slips", body)
}

fn exercises_section(b: &Block<Vec<ExerciseEntry>>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(v) if v.is_empty() => html! { p.empty { "No exercises in these days." } },
        Block::Shown(v) => html! {
            table {
                caption { "Guided exercises, newest first (distress 0-10)" }
                thead { tr { th scope="col" { "When" } th scope="col" { "Exercise" } th scope="col" { "Time" }
                    th scope="col" { "Distress before" } th scope="col" { "After" } } }
                tbody {
                    @for e in v {
                        tr {
                            th scope="row" { (words::local_time(&e.started)) }
                            td { (e.title) @if !e.completed { " (not finished)" } }
                            td { (words::duration(e.active_secs)) }
                            td { (opt(e.distress_before)) }
                            td { (opt(e.distress_after)) }
                        }
                    }
                }
            }
        },
    };
    section("exercises", "Exercises", body)
}

fn notes_section(b: &Block<Vec<NoteEntry>>) -> Markup {
    let body = match b {
        Block::NotShared(c) => not_shared(c),
        Block::Shown(v) if v.is_empty() => html! { p.empty { "No notes in these days." } },
        Block::Shown(v) => html! {
            ul.notes {
                @for n in v {
                    li {
                        strong { (words::local_time(&n.occurred)) }
                        @if n.risk { " " strong.risk { "(words of risk)" } }
                        @if let Some(t) = &n.note { blockquote { (t) } }
                        @if let Some(p) = &n.place { " Where: " (p) "." }
                        @if let Some(a) = &n.activity { " Doing: " (a) "." }
                    }
                }
            }
        },
    };
    section("notes", "Notes written with urges", body)
}
