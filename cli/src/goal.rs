//! `companion goal ...`: SMART goals and their progress.

use clap::{Args, Subcommand};
use companion_core::goal::{frame, GoalEdit, GoalMeasure, GoalState, GoalWithProgress, NewGoal};
use companion_core::time::parse_date;
use companion_core::{Error, RecordId, RecordKind, Store};
use serde_json::{json, Value};

use crate::app::{print_json, CliResult, Ctx, Failure};
use crate::ask::delete_confirmed;
use crate::{chart, format};

const MEASURES: &str = "urges-surfed, urges-logged, check-in-days, chain-analyses, days-without-acting-out, \
strategy:NAME (times you used a coping strategy) or manual:UNIT (counted by hand, e.g. manual:meetings)";

#[derive(Subcommand)]
pub enum GoalCommand {
    /// Set a goal: what, how it is measured, a target and a time frame.
    Add(AddArgs),
    /// Current goals and how far along each is.
    List {
        /// Include goals you have put away.
        #[arg(long)]
        all: bool,
    },
    /// One goal in full.
    Show { id: String },
    /// Add progress to a goal counted by hand.
    Progress {
        id: String,
        /// How much (default 1).
        #[arg(default_value_t = 1)]
        amount: u32,
        /// The day it happened (default today).
        #[arg(long, value_name = "DATE")]
        day: Option<String>,
    },
    /// Take back the last progress added by hand.
    Undo { id: String },
    /// Change a goal's words, target or time frame.
    Edit(EditArgs),
    /// Put a goal away (it is kept; `goal list --all` shows it), or bring it back with --undo.
    Archive {
        id: String,
        #[arg(long)]
        undo: bool,
    },
    /// Delete a goal.
    Delete {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// The goal, specifically ("ride out urges without acting").
    text: String,
    /// How it is measured.
    #[arg(long, value_name = "MEASURE", long_help = format!("How it is measured: {MEASURES}."))]
    measure: String,
    /// The number to reach.
    #[arg(long, value_name = "N")]
    target: u32,
    /// Why it matters to you.
    #[arg(long, value_name = "TEXT")]
    why: Option<String>,
    /// This week, Monday to Sunday.
    #[arg(long, group = "frame")]
    this_week: bool,
    /// This calendar month.
    #[arg(long, group = "frame")]
    this_month: bool,
    /// N days starting today.
    #[arg(long, value_name = "N", group = "frame")]
    days: Option<u32>,
    /// Up to this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", group = "frame")]
    until: Option<String>,
    /// Starting on this day instead of today (with --until).
    #[arg(long, value_name = "DATE", requires = "until")]
    from: Option<String>,
}

#[derive(Args)]
pub struct EditArgs {
    id: String,
    #[arg(long, value_name = "TEXT")]
    text: Option<String>,
    #[arg(long, value_name = "TEXT", conflicts_with = "clear_why")]
    why: Option<String>,
    #[arg(long)]
    clear_why: bool,
    #[arg(long, value_name = "N")]
    target: Option<u32>,
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

pub fn run(ctx: &Ctx, c: GoalCommand) -> CliResult {
    match c {
        GoalCommand::Add(a) => add(ctx, a),
        GoalCommand::List { all } => list(ctx, all),
        GoalCommand::Show { id } => {
            let store = ctx.open()?;
            let g = store.goal(resolve(&store, &id)?)?;
            print_one(ctx, &g, true)
        }
        GoalCommand::Progress { id, amount, day } => {
            let store = ctx.open()?;
            let day = day.as_deref().map(|d| parse_date(d, store.clock().today())).transpose()?;
            let g = store.add_goal_progress(resolve(&store, &id)?, amount, day)?;
            print_one(ctx, &g, false)
        }
        GoalCommand::Undo { id } => {
            let store = ctx.open()?;
            let g = store.undo_goal_progress(resolve(&store, &id)?)?;
            print_one(ctx, &g, false)
        }
        GoalCommand::Edit(a) => edit(ctx, a),
        GoalCommand::Archive { id, undo } => {
            let store = ctx.open()?;
            let g = store.edit_goal(resolve(&store, &id)?, GoalEdit { archived: Some(!undo), ..Default::default() })?;
            if !ctx.json {
                println!(
                    "{}",
                    if undo {
                        "Back among your goals."
                    } else {
                        "Put away. `companion goal list --all` still shows it."
                    }
                );
                return Ok(());
            }
            print_one(ctx, &g, false)
        }
        GoalCommand::Delete { id, yes } => {
            let store = ctx.open()?;
            let id = resolve(&store, &id)?;
            delete_confirmed(ctx, yes, "this goal", id, || store.delete_goal(id))
        }
    }
}

fn resolve(store: &Store, text: &str) -> CliResult<RecordId> {
    Ok(store.resolve_id(RecordKind::Goal, text)?)
}

fn parse_measure(s: &str) -> CliResult<GoalMeasure> {
    let (kind, arg) = match s.split_once(':') {
        Some((k, a)) => (k.trim().to_ascii_lowercase(), Some(a.trim().to_string())),
        None => (s.trim().to_ascii_lowercase(), None),
    };
    Ok(match (kind.replace('_', "-").as_str(), arg) {
        ("urges-surfed" | "surfed", None) => GoalMeasure::UrgesSurfed,
        ("urges-logged" | "logged", None) => GoalMeasure::UrgesLogged,
        ("check-in-days" | "check-ins" | "checkins", None) => GoalMeasure::CheckInDays,
        ("chain-analyses" | "analyses", None) => GoalMeasure::ChainAnalyses,
        ("days-without-acting-out" | "clear-days", None) => GoalMeasure::DaysWithoutActingOut,
        ("strategy", Some(name)) => GoalMeasure::StrategyUsed { strategy: name },
        ("manual", Some(unit)) => GoalMeasure::Manual { unit },
        _ => return Err(Error::invalid("measure", format!("use {MEASURES}")).into()),
    })
}

fn add(ctx: &Ctx, a: AddArgs) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let (start, end) = if a.this_week {
        frame::this_week(today)
    } else if a.this_month {
        frame::this_month(today)
    } else if let Some(n) = a.days {
        frame::next_days(today, n)
    } else if let Some(u) = &a.until {
        let from = a.from.as_deref().map(|f| parse_date(f, today)).transpose()?.unwrap_or(today);
        (from, parse_date(u, today)?)
    } else {
        return Err(Failure::new("give a time frame: --this-week, --this-month, --days N or --until DATE"));
    };
    let g = store.create_goal(NewGoal {
        text: a.text,
        why: a.why,
        measure: parse_measure(&a.measure)?,
        target: a.target,
        start: Some(start),
        end,
    })?;
    if ctx.json {
        return print_json(&goal_json(&g));
    }
    println!("{}", g.goal.id);
    print_one(ctx, &g, false)
}

fn edit(ctx: &Ctx, a: EditArgs) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let id = resolve(&store, &a.id)?;
    let g = store.edit_goal(
        id,
        GoalEdit {
            text: a.text,
            why: a.why,
            clear_why: a.clear_why,
            target: a.target,
            start: a.from.as_deref().map(|d| parse_date(d, today)).transpose()?,
            end: a.until.as_deref().map(|d| parse_date(d, today)).transpose()?,
            archived: None,
        },
    )?;
    print_one(ctx, &g, false)
}

fn state_words(g: &GoalWithProgress) -> String {
    let p = &g.progress;
    match p.state {
        GoalState::Upcoming => format!("starts {}", format::day_heading(g.goal.start)),
        GoalState::Active => format!("{} day{} left", p.days_left, if p.days_left == 1 { "" } else { "s" }),
        GoalState::Reached => "reached".to_string(),
        GoalState::Ended => format!(
            "ended {} with {} of {}: that progress is yours",
            format::day_heading(g.goal.end),
            p.current,
            p.target
        ),
    }
}

fn summary_line(g: &GoalWithProgress, width: usize) -> String {
    let p = &g.progress;
    let bar_w = (width / 4).clamp(10, 30);
    format!(
        "{} {:>3}%  {} of {} {} · {}{}",
        chart::progress(u64::from(p.current), u64::from(p.target), bar_w),
        p.percent,
        p.current,
        p.target,
        g.goal.measure.unit(),
        state_words(g),
        if p.incomplete { " (some entries could not be opened)" } else { "" }
    )
}

fn print_one(ctx: &Ctx, g: &GoalWithProgress, full: bool) -> CliResult {
    if ctx.json {
        return print_json(&goal_json(g));
    }
    let width = chart::term_width();
    println!("{}  [{}]", g.goal.text, format::short_id(&g.goal.id));
    println!("  {}", summary_line(g, width));
    if full {
        if let Some(w) = &g.goal.why {
            println!("  Why it matters: {w}");
        }
        println!("  From {} to {}.", format::day_heading(g.goal.start), format::day_heading(g.goal.end));
        if !g.goal.measure.is_tracked() {
            println!("  Counted by hand: `companion goal progress {} [AMOUNT]`.", format::short_id(&g.goal.id));
        }
    }
    Ok(())
}

fn list(ctx: &Ctx, all: bool) -> CliResult {
    let store = ctx.open()?;
    let listing = store.goals(all)?;
    ctx.report_unreadable(&listing.unreadable);
    if ctx.json {
        return print_json(&Value::Array(listing.goals.iter().map(goal_json).collect()));
    }
    if listing.goals.is_empty() {
        println!("No goals yet. `companion goal add` sets one (for example with your therapist).");
        return Ok(());
    }
    let width = chart::term_width();
    for g in &listing.goals {
        println!(
            "{}{}  [{}]",
            g.goal.text,
            if g.goal.archived { " (put away)" } else { "" },
            format::short_id(&g.goal.id)
        );
        println!("  {}", summary_line(g, width));
    }
    Ok(())
}

fn state_json(s: GoalState) -> &'static str {
    match s {
        GoalState::Upcoming => "upcoming",
        GoalState::Active => "active",
        GoalState::Reached => "reached",
        GoalState::Ended => "ended",
    }
}

/// The stable JSON form of a goal and its progress.
pub fn goal_json(g: &GoalWithProgress) -> Value {
    let (strategy, unit) = match &g.goal.measure {
        GoalMeasure::StrategyUsed { strategy } => (Some(strategy.clone()), None),
        GoalMeasure::Manual { unit } => (None, Some(unit.clone())),
        _ => (None, None),
    };
    let p = &g.progress;
    json!({
        "id": g.goal.id.to_text(),
        "text": g.goal.text,
        "why": g.goal.why,
        "measure": g.goal.measure.kind_str(),
        "strategy": strategy,
        "unit": unit,
        "target": g.goal.target,
        "start": g.goal.start.to_string(),
        "end": g.goal.end.to_string(),
        "archived": g.goal.archived,
        "entries": g.goal.entries.iter().map(|e| json!({ "day": e.day.to_string(), "amount": e.amount })).collect::<Vec<_>>(),
        "progress": {
            "current": p.current,
            "target": p.target,
            "percent": p.percent,
            "state": state_json(p.state),
            "days_total": p.days_total,
            "days_elapsed": p.days_elapsed,
            "days_left": p.days_left,
            "incomplete": p.incomplete,
        },
    })
}
