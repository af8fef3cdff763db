//! `companion insights`: progress, urges per week, the weekday-by-hour grid, high-risk
//! windows, triggers, strategies that helped, check-in links and slips, as text with charts
//! sized to the terminal, or as JSON; `--summaries` prints the weekly summaries.

use chrono::Duration;
use clap::Args;
use companion_core::checkin::Measure;
use companion_core::insights::{stretch_words, week_start, DaySpan, Insights, SummaryOptions, Weekday, WeeklySummary};
use companion_core::time::parse_date;
use serde_json::json;

use crate::app::{print_json, CliResult, Ctx, Failure};
use crate::{chart, format};

#[derive(Args)]
pub struct InsightsArgs {
    /// How many weeks back, this week included.
    #[arg(long, value_name = "N", default_value_t = 12, conflicts_with = "from")]
    weeks: u32,
    /// From this local day (YYYY-MM-DD) instead of --weeks.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Up to this local day (default today).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Print the weekly summaries (numbers only: what you may later choose to share).
    #[arg(long)]
    summaries: bool,
    /// With --summaries: include the week's most frequent trigger names (your own words).
    #[arg(long, requires = "summaries")]
    include_trigger_names: bool,
}

fn range(a: &InsightsArgs, today: chrono::NaiveDate) -> CliResult<DaySpan> {
    let to = a.to.as_deref().map(|d| parse_date(d, today)).transpose()?.unwrap_or(today);
    let from = match &a.from {
        Some(f) => parse_date(f, today)?,
        None => {
            if a.weeks == 0 {
                return Err(Failure::new("--weeks must be at least 1"));
            }
            week_start(to) - Duration::weeks(i64::from(a.weeks) - 1)
        }
    };
    Ok(DaySpan::new(from, to)?)
}

pub fn run(ctx: &Ctx, a: InsightsArgs) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let r = range(&a, today)?;
    if a.summaries {
        let opts = SummaryOptions { include_trigger_names: a.include_trigger_names };
        let report = store.weekly_summaries(r, opts)?;
        ctx.report_unreadable(&report.unreadable);
        if ctx.json {
            let v = serde_json::to_value(&report.value).map_err(|_| Failure::new("could not format the output"))?;
            return print_json(&v);
        }
        print_summaries(&report.value);
        return Ok(());
    }
    // One read of the whole history serves the range and progress.
    let data = store.insight_data(None)?;
    ctx.report_unreadable(&data.unreadable);
    let insights = data.insights(r)?;
    let progress = data.progress()?;
    let strategies = store.strategy_effectiveness(r)?;
    ctx.report_unreadable(&strategies.unreadable);
    if ctx.json {
        return print_json(&json!({
            "insights": insights,
            "progress": progress,
            "strategy_effectiveness": strategies.value,
        }));
    }
    let width = chart::term_width();
    let mut out: Vec<String> = Vec::new();
    out.push(format!("Insights, {} to {} ({} days)", format::day_heading(r.from), format::day_heading(r.to), r.days()));
    let prog = progress.sentences();
    if !prog.is_empty() {
        out.push(String::new());
        out.push("Progress".into());
        out.extend(prog.iter().map(|l| format!("  {l}")));
    }
    if insights.urges.total == 0 && insights.slips.slips == 0 && insights.check_ins.days == 0 {
        out.push(String::new());
        out.push("Nothing logged in these days yet. Each urge you log adds to this picture.".into());
        print_wrapped(&out, width);
        return Ok(());
    }
    urges_section(&insights, width, &mut out);
    weeks_section(&insights, width, &mut out);
    grid_section(&insights, width, &mut out);
    windows_section(&insights, &mut out);
    triggers_section(&insights, width, &mut out);
    strategies_section(&strategies.value, width, &mut out);
    check_ins_section(&insights, &mut out);
    slips_section(&insights, &mut out);
    print_wrapped(&out, width);
    Ok(())
}

fn print_wrapped(lines: &[String], width: usize) {
    for l in lines {
        for w in chart::wrap(l, width) {
            println!("{w}");
        }
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn urges_section(i: &Insights, _width: usize, out: &mut Vec<String>) {
    let u = &i.urges;
    out.push(String::new());
    out.push("Urges".into());
    if u.per_day_mean >= 1.0 {
        out.push(format!("  {} logged, {:.1} a day on average.", u.total, u.per_day_mean));
    } else {
        out.push(format!("  {} logged, {:.1} a week on average.", u.total, u.per_day_mean * 7.0));
    }
    if let (Some(m), Some(p)) = (u.intensity_mean, u.intensity_peak) {
        out.push(format!("  Intensity: {m:.1} on average, {p} at the strongest (0-10)."));
    }
    if let Some(d) = u.median_duration_secs {
        out.push(format!(
            "  Half of them passed within {} (of {} with a length noted).",
            format::duration(d),
            u.with_duration
        ));
    }
    if let Some(s) = u.surfed_share {
        out.push(format!(
            "  Ridden out without acting: {} of those with an outcome ({} surfed, {} with a strategy).",
            pct(s),
            u.surfed,
            u.coped
        ));
    }
    let a = &i.acting_out;
    if a.days_tracked > 0 {
        out.push(format!("  Days without acting out: {} of {}.", a.days_without, a.days_tracked));
    }
    if let (Some(m), Some(l)) = (a.intervals.median_secs, a.intervals.longest_secs) {
        out.push(format!(
            "  Between times of acting out: {} typically, {} at the longest.",
            stretch_words(m),
            stretch_words(l)
        ));
    }
}

fn weeks_section(i: &Insights, width: usize, out: &mut Vec<String>) {
    if i.per_week.is_empty() {
        return;
    }
    out.push(String::new());
    out.push("Urges per week".into());
    let num_w = i.per_week.iter().map(|w| w.urges).max().unwrap_or(0).to_string().len();
    let rows: Vec<(String, u64, String)> = i
        .per_week
        .iter()
        .map(|w| {
            let mut tail = format!(" {:>num_w$}", w.urges);
            if w.acting_out > 0 {
                tail.push_str(&format!("  ({} acted)", w.acting_out));
            }
            if w.days < 7 {
                tail.push_str(&format!("  [{} day{}]", w.days, if w.days == 1 { "" } else { "s" }));
            }
            (w.week_start.format("%a %-d %b").to_string(), u64::from(w.urges), tail)
        })
        .collect();
    out.extend(chart::labelled_bars(&rows, 10, width, width));
}

fn grid_section(i: &Insights, width: usize, out: &mut Vec<String>) {
    let g = &i.hour_grid;
    if g.max == 0 {
        return;
    }
    out.push(String::new());
    out.push("When urges come (weekday by hour, local time where each happened)".into());
    let rows: Vec<(&str, Vec<u32>)> =
        Weekday::ALL.iter().map(|d| (d.short(), g.cells.get(d.index()).cloned().unwrap_or_default())).collect();
    for line in chart::hour_grid(&rows, g.max, width.saturating_sub(2)) {
        out.push(format!("  {line}"));
    }
    out.push(format!(
        "  {} none  {} a few  {} some  {} many  {} most (up to {} in one hour)",
        chart::SHADES[0],
        chart::SHADES[1],
        chart::SHADES[2],
        chart::SHADES[3],
        chart::SHADES[4],
        g.max
    ));
}

fn hhmm(h: u8, m: u8) -> String {
    format!("{h:02}:{m:02}")
}

fn windows_section(i: &Insights, out: &mut Vec<String>) {
    if i.high_risk_windows.is_empty() {
        return;
    }
    out.push(String::new());
    out.push("Times that have often been hard".into());
    for w in &i.high_risk_windows {
        let end = (usize::from(w.start.hour) + usize::from(w.hours)) % 24;
        let end = if end == 0 { "midnight".to_string() } else { hhmm(end as u8, 0) };
        out.push(format!(
            "  {} {}-{}: {} of urges. A gentle check-in at {} {} could help.",
            w.start.weekday.name(),
            hhmm(w.start.hour, 0),
            end,
            pct(w.share),
            w.check_in.weekday.name(),
            hhmm(w.check_in.hour, w.check_in.minute)
        ));
    }
}

fn triggers_section(i: &Insights, width: usize, out: &mut Vec<String>) {
    if i.top_triggers.is_empty() {
        return;
    }
    out.push(String::new());
    out.push("Top triggers".into());
    let name_w = i.top_triggers.iter().map(|t| t.trigger.chars().count()).max().unwrap_or(0).min(width / 3);
    let rows: Vec<(String, u64, String)> = i
        .top_triggers
        .iter()
        .map(|t| {
            let acted = if t.acted > 0 { format!(", {} acted", t.acted) } else { String::new() };
            (t.trigger.clone(), u64::from(t.urges), format!(" {} (intensity {:.1}{acted})", t.urges, t.intensity_mean))
        })
        .collect();
    out.extend(chart::labelled_bars(&rows, name_w, width, 40));
}

fn strategies_section(s: &[companion_core::insights::TriggerStrategies], width: usize, out: &mut Vec<String>) {
    if s.is_empty() {
        return;
    }
    out.push(String::new());
    out.push("What helped, by trigger (the urge passed without acting)".into());
    for t in s.iter().take(8) {
        out.push(format!("  {}", t.trigger.as_deref().unwrap_or("no trigger named")));
        for e in t.strategies.iter().take(4) {
            out.push(format!(
                "    {} {} of {}",
                chart::pad(
                    &chart::clip(&e.strategy, width.saturating_sub(20).min(40)),
                    width.saturating_sub(20).min(40)
                ),
                e.helped,
                e.used
            ));
        }
    }
}

fn check_ins_section(i: &Insights, out: &mut Vec<String>) {
    let c = &i.check_ins;
    if c.days == 0 {
        return;
    }
    out.push(String::new());
    out.push(format!("Check-ins ({} days)", c.days));
    for m in &c.measures {
        let Some(mean) = m.mean else { continue };
        let mut line = format!("  {}: {:.1} on average", m.measure.as_str(), mean);
        if let Some(n) = m.next_day.filter(|n| n.r.abs() >= 0.2) {
            let worse = if m.measure.higher_is_better() { n.r < 0.0 } else { n.r > 0.0 };
            let what = match (m.measure, worse) {
                (Measure::Sleep, true) => "after poorer nights, the next day tended to bring more urges",
                (Measure::Sleep, false) => "after poorer nights, the next day tended to bring fewer urges",
                (_, true) => "harder days tended to be followed by more urges",
                (_, false) => "harder days tended to be followed by fewer urges",
            };
            line.push_str(&format!("; {what} (r = {:.2} over {} days)", n.r, n.pairs));
        }
        line.push('.');
        out.push(line);
    }
    if c.measures.iter().any(|m| m.next_day.is_some_and(|n| n.r.abs() >= 0.2)) {
        out.push("  A link is not a cause, but it can show where a little extra care goes furthest.".into());
    }
}

fn slips_section(i: &Insights, out: &mut Vec<String>) {
    let s = &i.slips;
    if s.slips == 0 {
        return;
    }
    out.push(String::new());
    out.push(format!(
        "Slips: {} ({} analysed{})",
        s.slips,
        s.analyses_complete,
        if s.analyses_in_progress > 0 { format!(", {} part-way", s.analyses_in_progress) } else { String::new() }
    ));
    if !s.factors.is_empty() {
        let f: Vec<String> =
            s.factors.iter().take(4).map(|f| format!("{} ({})", f.factor.describe(), f.slips)).collect();
        out.push(format!("  What made you vulnerable most often: {}.", f.join(", ")));
    }
}

fn opt1(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.1}"))
}

fn print_summaries(weeks: &[WeeklySummary]) {
    if weeks.is_empty() {
        println!("No weeks in that range yet.");
        return;
    }
    println!("week of       urges  ridden out  acted  days clear  slips  check-ins  mood  stress  lonely  sleep");
    for w in weeks {
        println!(
            "{:<12} {:>6} {:>11} {:>6} {:>11} {:>6} {:>10} {:>5} {:>7} {:>7} {:>6}",
            w.week_start.to_string(),
            w.urges,
            w.urges_surfed,
            w.acting_out,
            format!("{}/{}", w.days_without_acting_out, w.days_tracked),
            w.slips,
            w.check_in_days,
            opt1(w.mood_mean),
            opt1(w.stress_mean),
            opt1(w.loneliness_mean),
            opt1(w.sleep_mean)
        );
    }
}
