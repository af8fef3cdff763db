//! `companion plan ...`: the coping plan. `show` prints it, `edit` changes it, `find` looks up
//! what helps at a hard moment, `use`/`done` record which strategy was used and whether the
//! urge passed (so the plan learns), `stats` shows what has helped.
//!
//! Entries are named by their words ("lonely", "Call Sam"), by the short id `show --ids`
//! prints, or, for a strategy, as ITEM/N (the Nth strategy of a trigger or warning sign).

use clap::{Args, Subcommand};
use companion_core::plan::{
    Availability, CopingPlan, DayRange, LookupQuery, PlanEdit, StrategyKind, UseContext, HIGH_INTENSITY,
};
use companion_core::time::parse_date;
use companion_core::{RecordId, RecordKind, Store};
use serde_json::json;

use crate::app::{confirm, print_json, say, CliResult, Ctx, Failure};
use crate::{plan_view, safety, words};

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Print the plan.
    Show {
        /// Also print each entry's short id.
        #[arg(long)]
        ids: bool,
    },
    /// Change the plan.
    #[command(subcommand)]
    Edit(EditCommand),
    /// What helps now: strategies for what you type (a trigger, a feeling, free words such as
    /// "cant sleep, lonely"), best first, and who you can reach now.
    Find(FindArgs),
    /// "I'm using this strategy now": record it, so the plan learns what helps you.
    Use(UseArgs),
    /// Say how it went after `plan use`: did the urge pass?
    Done(DoneArgs),
    /// What has helped, per trigger.
    Stats {
        /// From this local day (YYYY-MM-DD, today, yesterday).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Up to this local day.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
    },
}

fn kind_arg(s: &str) -> Result<StrategyKind, String> {
    StrategyKind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = StrategyKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("use one of: {}", names.join(", "))
    })
}

fn availability_arg(s: &str) -> Result<Availability, String> {
    Availability::parse(s).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
pub enum EditCommand {
    /// Add a warning sign (a thought, mood or habit that says a hard moment may be coming).
    AddWarningSign { name: String },
    /// Add a trigger (a situation that tends to set off urges).
    AddTrigger { name: String },
    /// Add a coping strategy, for a trigger or warning sign (--for) or for any moment.
    AddStrategy {
        text: String,
        /// The trigger or warning sign it is for (created as a trigger if new).
        #[arg(long = "for", value_name = "ITEM")]
        for_item: Option<String>,
        /// delay, distract, reach_out, ground_or_breathe, surf_the_urge, change_environment,
        /// valued_activity, self_compassion, reasons_and_values (guessed when left out).
        #[arg(long, value_parser = kind_arg)]
        kind: Option<StrategyKind>,
        /// Where in the list (1 = first; default last).
        #[arg(long, value_name = "N")]
        position: Option<u32>,
    },
    /// Add a person or place that distracts.
    AddDistraction { text: String },
    /// Add a person who can help.
    AddPerson(ContactArgs),
    /// Add a professional or crisis line.
    AddProfessional {
        #[command(flatten)]
        contact: ContactArgs,
        /// It is a crisis line.
        #[arg(long)]
        crisis_line: bool,
    },
    /// Add a way to make the environment safer (devices, apps, routes, times).
    AddEnvironment { text: String },
    /// Add a reason for recovery, in your own words.
    AddReason { text: String },
    /// Change an entry's words (a trigger's name, a strategy, a person's name, a reason...).
    Rename { entry: String, new: String },
    /// Move an entry within its list (1 = first).
    Move { entry: String, position: u32 },
    /// Remove an entry (a trigger or warning sign goes with its strategies).
    Remove {
        entry: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Change what kind of strategy an entry is.
    SetKind {
        entry: String,
        #[arg(value_parser = kind_arg)]
        kind: StrategyKind,
    },
    /// Change how to reach someone (leave out to clear).
    SetContact { entry: String, how: Option<String> },
    /// Change when someone can be reached (leave out for any time).
    SetAvailable {
        entry: String,
        #[arg(value_parser = availability_arg, value_name = "WHEN")]
        when: Vec<Availability>,
    },
    /// Mark a professional as a crisis line (or not, with --no).
    SetCrisisLine {
        entry: String,
        #[arg(long)]
        no: bool,
    },
}

#[derive(Args)]
pub struct ContactArgs {
    name: String,
    /// How to reach them: a number, an address, "text first".
    #[arg(long, value_name = "HOW")]
    contact: Option<String>,
    /// When they can be reached, in your local time: "mon-fri 9-17", "daily 18:00-22:00",
    /// "weekends", "any time" (repeat for several windows; default any time).
    #[arg(long = "available", value_name = "WHEN", value_parser = availability_arg)]
    available: Vec<Availability>,
}

#[derive(Args)]
pub struct FindArgs {
    /// What is going on, in any words. Leave it out to be asked (or to read standard input),
    /// so it stays out of your shell history.
    text: Option<String>,
    /// How strong the urge is, 0-10. From 8, reaching out comes first.
    #[arg(long, value_name = "0-10")]
    intensity: Option<u8>,
    /// Show at most N strategies (default 10).
    #[arg(long, value_name = "N", conflicts_with = "all")]
    limit: Option<u32>,
    /// Show every strategy.
    #[arg(long)]
    all: bool,
}

#[derive(Args)]
pub struct UseArgs {
    /// The strategy (its words, short id, or ITEM/N).
    strategy: String,
    /// The trigger or warning sign you are using it for (default: its own).
    #[arg(long = "for", value_name = "ITEM")]
    for_item: Option<String>,
    /// The urge entry you are coping with (its id), if logged.
    #[arg(long, value_name = "ID")]
    urge: Option<String>,
    /// How strong the urge is now, 0-10.
    #[arg(long, value_name = "0-10")]
    intensity: Option<u8>,
}

#[derive(Args)]
pub struct DoneArgs {
    /// The id `plan use` printed.
    id: String,
    /// The urge passed without acting.
    #[arg(long, conflicts_with = "acted", required_unless_present = "acted")]
    passed: bool,
    /// You acted on it (that is information, not a verdict).
    #[arg(long)]
    acted: bool,
    /// Link to the urge entry you logged for it (its outcome then counts instead).
    #[arg(long, value_name = "ID")]
    urge: Option<String>,
}

pub fn run(ctx: &Ctx, c: PlanCommand) -> CliResult {
    match c {
        PlanCommand::Show { ids } => show(ctx, ids),
        PlanCommand::Edit(e) => edit(ctx, e),
        PlanCommand::Find(a) => find(ctx, a),
        PlanCommand::Use(a) => use_strategy(ctx, a),
        PlanCommand::Done(a) => done(ctx, a),
        PlanCommand::Stats { since, until } => stats(ctx, since, until),
    }
}

fn load(ctx: &Ctx, store: &Store) -> CliResult<CopingPlan> {
    let l = store.plan()?;
    ctx.report_unreadable(&l.unreadable);
    Ok(l.plan)
}

fn show(ctx: &Ctx, ids: bool) -> CliResult {
    let store = ctx.open()?;
    let plan = load(ctx, &store)?;
    if ctx.json {
        return print_json(&plan.to_json());
    }
    println!("{}", plan_view::plan_text(&plan, ids));
    Ok(())
}

/// The entry `text` names (see [`CopingPlan::resolve_entry`]), with a hint where to find ids.
fn resolve(p: &CopingPlan, text: &str) -> CliResult<RecordId> {
    p.resolve_entry(text)
        .map(|e| e.id)
        .map_err(|e| Failure::new(format!("{e}; `companion plan show --ids` lists every entry")))
}

/// A trigger or warning sign by its words, meaning or short id ("loneliness" finds "Lonely").
fn resolve_item(p: &CopingPlan, text: &str) -> CliResult<RecordId> {
    Ok(p.resolve_item(text)?.id)
}

fn describe(p: &CopingPlan, id: RecordId) -> String {
    p.named_entries()
        .into_iter()
        .find(|e| e.id == id)
        .map(|e| format!("{} \"{}\"", e.kind.describe(), e.words.lines().next().unwrap_or_default()))
        .unwrap_or_else(|| "entry".to_string())
}

fn apply(ctx: &Ctx, store: &Store, edits: Vec<PlanEdit>, done: &str) -> CliResult<(CopingPlan, Vec<RecordId>)> {
    let (plan, added) = store.edit_plan(&edits)?;
    if ctx.json {
        print_json(&json!({
            "added": added.iter().map(|a| a.to_text()).collect::<Vec<_>>(),
            "plan": plan.to_json(),
        }))?;
    } else {
        println!("{done}");
    }
    Ok((plan, added))
}

fn edit(ctx: &Ctx, e: EditCommand) -> CliResult {
    let store = ctx.open()?;
    let plan = load(ctx, &store)?;
    match e {
        EditCommand::AddWarningSign { name } => {
            apply(ctx, &store, vec![PlanEdit::AddWarningSign { name }], "Added the warning sign.")?;
        }
        EditCommand::AddTrigger { name } => {
            apply(ctx, &store, vec![PlanEdit::AddTrigger { name }], "Added the trigger.")?;
        }
        EditCommand::AddStrategy { text, for_item, kind, position } => {
            add_strategy(ctx, &store, &plan, text, for_item, kind, position)?;
        }
        EditCommand::AddDistraction { text } => {
            apply(ctx, &store, vec![PlanEdit::AddDistraction { text }], "Added.")?;
        }
        EditCommand::AddPerson(c) => {
            let e = PlanEdit::AddPerson { name: c.name, how: c.contact, availability: c.available };
            apply(ctx, &store, vec![e], "Added to the people who can help.")?;
        }
        EditCommand::AddProfessional { contact: c, crisis_line } => {
            let e = PlanEdit::AddProfessional { name: c.name, how: c.contact, availability: c.available, crisis_line };
            apply(ctx, &store, vec![e], "Added to professionals and crisis lines.")?;
        }
        EditCommand::AddEnvironment { text } => {
            apply(ctx, &store, vec![PlanEdit::AddEnvironmentChange { text }], "Added.")?;
        }
        EditCommand::AddReason { text } => {
            apply(ctx, &store, vec![PlanEdit::AddReason { text }], "Added to your reasons.")?;
        }
        EditCommand::Rename { entry, new } => {
            let id = resolve(&plan, &entry)?;
            let what = describe(&plan, id);
            apply(ctx, &store, vec![PlanEdit::Rename { id, text: new }], &format!("Renamed the {what}."))?;
        }
        EditCommand::Move { entry, position } => {
            if position == 0 {
                return Err(Failure::new("positions start at 1"));
            }
            let id = resolve(&plan, &entry)?;
            let what = describe(&plan, id);
            apply(ctx, &store, vec![PlanEdit::Move { id, position: position - 1 }], &format!("Moved the {what}."))?;
        }
        EditCommand::Remove { entry, yes } => {
            let id = resolve(&plan, &entry)?;
            let what = describe(&plan, id);
            let with = plan.items().find(|i| i.id == id).map(|i| i.strategies.len()).unwrap_or(0);
            let question = if with > 0 {
                format!("Remove the {what} and its {with} strategies?")
            } else {
                format!("Remove the {what}?")
            };
            if !yes && !confirm(&question) {
                return Err(Failure::new("nothing removed (pass --yes to remove without asking)"));
            }
            apply(ctx, &store, vec![PlanEdit::Remove { id }], &format!("Removed the {what}."))?;
        }
        EditCommand::SetKind { entry, kind } => {
            let id = resolve(&plan, &entry)?;
            apply(ctx, &store, vec![PlanEdit::SetKind { id, kind }], &format!("Now marked as {}.", kind.label()))?;
        }
        EditCommand::SetContact { entry, how } => {
            let id = resolve(&plan, &entry)?;
            apply(ctx, &store, vec![PlanEdit::SetHow { id, how }], "Updated.")?;
        }
        EditCommand::SetAvailable { entry, when } => {
            let id = resolve(&plan, &entry)?;
            apply(ctx, &store, vec![PlanEdit::SetAvailability { id, availability: when }], "Updated.")?;
        }
        EditCommand::SetCrisisLine { entry, no } => {
            let id = resolve(&plan, &entry)?;
            apply(ctx, &store, vec![PlanEdit::SetCrisisLine { id, crisis_line: !no }], "Updated.")?;
        }
    }
    Ok(())
}

fn add_strategy(
    ctx: &Ctx,
    store: &Store,
    plan: &CopingPlan,
    text: String,
    for_item: Option<String>,
    kind: Option<StrategyKind>,
    position: Option<u32>,
) -> CliResult {
    if position == Some(0) {
        return Err(Failure::new("positions start at 1"));
    }
    // Check the words first, so a new trigger is never left without its strategy.
    companion_core::text::label("coping strategy", &text, companion_core::text::LINE_MAX_CHARS)?;
    let (item, done) = match &for_item {
        None => (None, "Added a strategy for any moment.".to_string()),
        Some(name) => match resolve_item(plan, name) {
            Ok(id) => (Some(id), format!("Added a strategy for the {}.", describe(plan, id))),
            Err(_) => {
                let (_, ids) = store.edit_plan(&[PlanEdit::AddTrigger { name: name.clone() }])?;
                (ids.first().copied(), format!("Added the trigger \"{}\" with this strategy.", name.trim()))
            }
        },
    };
    let add = PlanEdit::AddStrategy { for_item: item, text, kind };
    match position {
        None => apply(ctx, store, vec![add], &done)?,
        Some(p) => {
            let (_, ids) = store.edit_plan(&[add])?;
            let moves = ids.into_iter().map(|id| PlanEdit::Move { id, position: p - 1 }).collect();
            apply(ctx, store, moves, &done)?
        }
    };
    Ok(())
}

/// `plan find` on an open store, asking what is going on.
pub fn find_now(ctx: &Ctx, store: &Store) -> CliResult {
    find_in(ctx, store, FindArgs { text: None, intensity: None, limit: None, all: false })
}

fn find(ctx: &Ctx, a: FindArgs) -> CliResult {
    let store = ctx.open()?;
    find_in(ctx, &store, a)
}

fn find_in(ctx: &Ctx, store: &Store, a: FindArgs) -> CliResult {
    let question = "What is going on? A few words (Enter for everything that can help now):";
    let text = words::read(ctx, a.text, words::Source::Prompt(question))?.unwrap_or_default();
    let limit = if a.all { None } else { Some(a.limit.unwrap_or(10)) };
    let l = store.find_in_plan(&LookupQuery { text: text.clone(), item: None, intensity: a.intensity, limit })?;
    ctx.report_unreadable(&store.plan()?.unreadable);
    if ctx.json {
        let mut v = plan_view::lookup_json(&l);
        v["crisis"] = l.crisis.as_ref().map(safety::crisis_json).unwrap_or(serde_json::Value::Null);
        return print_json(&v);
    }
    if let Some(c) = &l.crisis {
        safety::show_crisis(ctx, c);
    }
    println!("{}", plan_view::lookup_text(&text, &l));
    if a.intensity.is_some_and(|i| i >= HIGH_INTENSITY) {
        return Ok(());
    }
    if l.strategies.iter().any(|s| !s.is_suggestion()) {
        say(ctx, "\nWhen you pick one: companion plan use \"WORDS\" (so your plan learns what helps).");
    }
    Ok(())
}

fn use_strategy(ctx: &Ctx, a: UseArgs) -> CliResult {
    let store = ctx.open()?;
    let plan = load(ctx, &store)?;
    let id = resolve(&plan, &a.strategy)?;
    if plan.strategy(id).is_none() {
        let what = plan.named_entries().into_iter().find(|e| e.id == id).map(|e| e.kind.describe()).unwrap_or("entry");
        return Err(Failure::new(format!("that entry is a {what}, not a coping strategy")));
    }
    let for_item = a.for_item.as_deref().map(|t| resolve_item(&plan, t)).transpose()?;
    let urge = a.urge.as_deref().map(|u| store.resolve_id(RecordKind::Urge, u)).transpose()?;
    let u = store.start_strategy(id, UseContext { for_item, urge, intensity: a.intensity })?;
    if ctx.json {
        return print_json(&json!({ "id": u.id.to_text() }));
    }
    println!("{}", u.id);
    say(
        ctx,
        &format!(
            "Good choice: {}. Urges rise, peak and pass. Afterwards: companion plan done {} --passed (or --acted).",
            u.strategy_text,
            crate::format::short_id(&u.id)
        ),
    );
    Ok(())
}

fn done(ctx: &Ctx, a: DoneArgs) -> CliResult {
    let store = ctx.open()?;
    let id = store.resolve_id(RecordKind::StrategyOutcome, &a.id)?;
    let mut u = store.finish_strategy(id, a.passed && !a.acted)?;
    if let Some(urge) = &a.urge {
        let urge = store.resolve_id(RecordKind::Urge, urge)?;
        u = store.link_strategy_use(id, urge)?;
    }
    if ctx.json {
        return print_json(&json!({ "id": u.id.to_text(), "helped": u.helped }));
    }
    if a.acted {
        println!("Noted. That is information to learn from, not a verdict; be kind to yourself.");
    } else {
        println!("Noted: {} helped. Well done riding it out.", u.strategy_text);
    }
    Ok(())
}

fn stats(ctx: &Ctx, since: Option<String>, until: Option<String>) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let from = since.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let to = until.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let s = store.strategy_stats(DayRange { from, to })?;
    ctx.report_unreadable(&s.unreadable);
    if ctx.json {
        return print_json(&plan_view::stats_json(&s));
    }
    println!("{}", plan_view::stats_text(&s));
    Ok(())
}
