//! `companion urge ...`: the urge log.

use chrono::Duration;
use clap::{Args, Subcommand, ValueEnum};
use companion_core::time::{parse_date, LocalStamp};
use std::io::IsTerminal;

use companion_core::plan::UseContext;
use companion_core::safety::NextSteps;
use companion_core::urge::{Company, NewUrge, Outcome, UrgeEdit, UrgeField, UrgeQuery};
use companion_core::{Error, RecordId, RecordKind, Store};
use serde_json::json;

use crate::app::{confirm, print_json, say, CliResult, Ctx, Failure};
use crate::ask::{tell, Answer, Asker};
use crate::safety::{self, Chosen};
use crate::{format, words};

#[derive(Subcommand)]
pub enum UrgeCommand {
    /// Log an urge (prints the new entry's id).
    Log(LogArgs),
    /// List entries, by the local day each happened.
    List(ListArgs),
    /// Show one entry in full.
    Show {
        /// The entry's id (the first few characters are enough).
        id: String,
    },
    /// Change an entry.
    Edit(EditArgs),
    /// Delete an entry; it is removed from the file, not just hidden.
    Delete {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Suggested triggers and feelings (your own words first).
    Suggestions,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    /// You noticed it and let it pass.
    Surfed,
    /// You used a coping strategy (name it with --strategy).
    Coped,
    /// You acted on it.
    Acted,
}

impl From<OutcomeArg> for Outcome {
    fn from(o: OutcomeArg) -> Outcome {
        match o {
            OutcomeArg::Surfed => Outcome::Surfed,
            OutcomeArg::Coped => Outcome::Coped,
            OutcomeArg::Acted => Outcome::Acted,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CompanyArg {
    Alone,
    WithOthers,
}

impl From<CompanyArg> for Company {
    fn from(c: CompanyArg) -> Company {
        match c {
            CompanyArg::Alone => Company::Alone,
            CompanyArg::WithOthers => Company::WithOthers,
        }
    }
}

/// Fields shared by `log` and `edit`.
#[derive(Args)]
pub struct Fields {
    /// How strong, 0 (none) to 10 (the strongest you can imagine).
    #[arg(long, value_name = "0-10")]
    intensity: Option<u8>,
    /// What set it off (repeat for several).
    #[arg(long = "trigger", value_name = "TEXT")]
    triggers: Vec<String>,
    /// What you felt (repeat for several).
    #[arg(long = "feeling", value_name = "TEXT")]
    feelings: Vec<String>,
    /// Anything you want to remember about it ("-": read it from standard input or a
    /// prompt, so it stays out of your shell history; on a terminal you are asked anyway).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// When it began: 2026-03-29T23:30:00+02:00, "2026-03-29 23:30", or 23:30 (the most recent 23:30).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// What happened.
    #[arg(long, value_enum)]
    outcome: Option<OutcomeArg>,
    /// A coping strategy you used (repeat for several).
    #[arg(long = "strategy", value_name = "TEXT")]
    strategies: Vec<String>,
    /// Where you were.
    #[arg(long, value_name = "TEXT")]
    place: Option<String>,
    /// Alone or with others.
    #[arg(long, value_enum)]
    company: Option<CompanyArg>,
    /// What you were doing.
    #[arg(long, value_name = "TEXT")]
    activity: Option<String>,
    /// How long it lasted, in minutes.
    #[arg(long, value_name = "MINUTES", conflicts_with = "ended")]
    duration: Option<u32>,
    /// When it ended (same forms as --at).
    #[arg(long, value_name = "TIME")]
    ended: Option<String>,
}

#[derive(Args)]
pub struct LogArgs {
    #[command(flatten)]
    fields: Fields,
}

#[derive(Args)]
pub struct EditArgs {
    id: String,
    #[command(flatten)]
    fields: Fields,
    /// Add a trigger to the existing ones.
    #[arg(long = "add-trigger", value_name = "TEXT")]
    add_triggers: Vec<String>,
    /// Remove a trigger.
    #[arg(long = "remove-trigger", value_name = "TEXT")]
    remove_triggers: Vec<String>,
    /// Clear a field.
    #[arg(long, value_enum, value_name = "FIELD")]
    clear: Vec<ClearArg>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ClearArg {
    Place,
    Company,
    Activity,
    Note,
    Duration,
    Outcome,
    Triggers,
    Feelings,
    Strategies,
}

impl From<ClearArg> for UrgeField {
    fn from(c: ClearArg) -> UrgeField {
        match c {
            ClearArg::Place => UrgeField::Place,
            ClearArg::Company => UrgeField::Company,
            ClearArg::Activity => UrgeField::Activity,
            ClearArg::Note => UrgeField::Note,
            ClearArg::Duration => UrgeField::Duration,
            ClearArg::Outcome => UrgeField::Outcome,
            ClearArg::Triggers => UrgeField::Triggers,
            ClearArg::Feelings => UrgeField::Feelings,
            ClearArg::Strategies => UrgeField::Strategies,
        }
    }
}

#[derive(Args)]
pub struct ListArgs {
    /// Only this local day (YYYY-MM-DD, today, yesterday).
    #[arg(long, value_name = "DATE", conflicts_with_all = ["since", "all"])]
    day: Option<String>,
    /// From this local day on.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this local day (with --since).
    #[arg(long, value_name = "DATE", requires = "since")]
    until: Option<String>,
    /// Every entry ever logged.
    #[arg(long, conflicts_with = "since")]
    all: bool,
    /// Only entries with this trigger.
    #[arg(long, value_name = "TEXT")]
    trigger: Option<String>,
}

pub fn run(ctx: &Ctx, c: UrgeCommand) -> CliResult {
    match c {
        UrgeCommand::Log(a) => log(ctx, a),
        UrgeCommand::List(a) => list(ctx, a),
        UrgeCommand::Show { id } => show(ctx, &id),
        UrgeCommand::Edit(a) => edit(ctx, a),
        UrgeCommand::Delete { id, yes } => delete(ctx, &id, yes),
        UrgeCommand::Suggestions => suggestions(ctx),
    }
}

fn parse_time(ctx: &Ctx, store: &Store, t: &str) -> CliResult<LocalStamp> {
    Ok(LocalStamp::parse_user(t, &ctx.zone, store.clock().now())?)
}

/// Resolve a typed id or prefix to an urge entry id.
pub fn resolve(store: &Store, text: &str) -> CliResult<RecordId> {
    Ok(store.resolve_id(RecordKind::Urge, text)?)
}

fn log(ctx: &Ctx, a: LogArgs) -> CliResult {
    let mut f = a.fields;
    let Some(intensity) = f.intensity else {
        return Err(Failure::new("--intensity is required: how strong was it, 0 to 10?"));
    };
    let store = ctx.open()?;
    ask_words(ctx, &mut f)?;
    let occurred = f.at.as_deref().map(|t| parse_time(ctx, &store, t)).transpose()?;
    let ended = f.ended.as_deref().map(|t| parse_time(ctx, &store, t)).transpose()?;
    let new = NewUrge {
        intensity,
        occurred,
        triggers: f.triggers,
        feelings: f.feelings,
        place: f.place,
        company: f.company.map(Into::into),
        activity: f.activity,
        note: f.note,
        duration_secs: f.duration.map(minutes_to_secs).transpose()?,
        ended,
        outcome: f.outcome.map(Into::into),
        strategies: f.strategies,
    };
    let urge = store.log_urge(new)?;
    let next = store.after_urge(urge.id)?;
    if ctx.json {
        return print_json(&json!({ "id": urge.id.to_text(), "next": safety::next_steps_json(&next) }));
    }
    safety::show_crisis_first(ctx, &next);
    println!("{}", urge.id);
    say(
        ctx,
        match urge.outcome {
            Some(Outcome::Acted) => "Saved. Writing it down is how the next one gets easier; be kind to yourself.",
            Some(_) => "Saved. You noticed it and rode it out: that is the skill.",
            None => "Saved. Noticing an urge is information, not an order.",
        },
    );
    follow(ctx, &store, &next, urge.id, Some(intensity))
}

/// Do the next step the person picked.
pub fn follow(ctx: &Ctx, store: &Store, next: &NextSteps, urge: RecordId, intensity: Option<u8>) -> CliResult {
    match safety::offer(ctx, next)? {
        Chosen::Surf(u) => crate::surf::surf_logged(ctx, store, u),
        Chosen::Strategy(id) => {
            let used = store.start_strategy(id, UseContext { for_item: None, urge: Some(urge), intensity })?;
            println!(
                "Good choice: {}. Afterwards: companion plan done {} --passed (or --acted).",
                used.strategy_text,
                format::short_id(&used.id)
            );
            Ok(())
        }
        Chosen::LogSlip(u) => crate::slip::log_after_urge(ctx, store, u),
        Chosen::Nothing => Ok(()),
    }
}

/// On a terminal, ask for the words left out (what set it off, feelings, a note), so they
/// need not be typed on the command line; `--note -` reads the note from standard input.
fn ask_words(ctx: &Ctx, f: &mut Fields) -> CliResult {
    if f.note.as_deref() == Some("-") {
        f.note = words::read(ctx, None, words::Source::Prompt("Anything you want to remember about it?"))?;
        return Ok(());
    }
    let nothing_given = f.triggers.is_empty() && f.feelings.is_empty() && f.note.is_none();
    if ctx.json || !nothing_given || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    let mut asker = Asker::new();
    tell("A few words help you and your plan later; press Enter to skip any question.");
    if let Answer::Text(t) = asker.ask(&["What set it off? (separate several with commas)"]) {
        f.triggers = t.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
    }
    if let Answer::Text(t) = asker.ask(&["What are you feeling? (separate several with commas)"]) {
        f.feelings = t.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
    }
    if let Answer::Text(t) = asker.ask(&["Anything else you want to remember about it?"]) {
        f.note = Some(t);
    }
    Ok(())
}

fn minutes_to_secs(m: u32) -> CliResult<u32> {
    m.checked_mul(60).ok_or_else(|| Error::invalid("duration", "one entry can cover at most 24 hours").into())
}

fn list(ctx: &Ctx, a: ListArgs) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let (from, to, heading) = if let Some(d) = &a.day {
        let d = parse_date(d, today)?;
        (Some(d), Some(d), format::day_heading(d))
    } else if let Some(s) = &a.since {
        let from = parse_date(s, today)?;
        let to = a.until.as_deref().map(|u| parse_date(u, today)).transpose()?;
        (Some(from), to, format!("Since {}", format::day_heading(from)))
    } else if a.all {
        (None, None, "Every entry".to_string())
    } else {
        (Some(today - Duration::days(6)), Some(today), "The last 7 days".to_string())
    };
    let listing = store.urges(&UrgeQuery { from, to, trigger: a.trigger.clone(), with_details: true })?;
    ctx.report_unreadable(&listing.unreadable);
    if ctx.json {
        return print_json(&serde_json::Value::Array(listing.urges.iter().map(format::urge_json).collect()));
    }
    println!("{heading}");
    if listing.urges.is_empty() {
        println!("  No urges logged{}.", if a.trigger.is_some() { " with that trigger" } else { "" });
        return Ok(());
    }
    let mut current = None;
    for u in &listing.urges {
        let d = u.local_date();
        if current != Some(d) {
            println!();
            println!("{}", format::day_heading(d));
            current = Some(d);
        }
        println!("{}", format::urge_line(u));
    }
    let surfed = listing.urges.iter().filter(|u| matches!(u.outcome, Some(o) if !o.acted())).count();
    println!();
    let n = listing.urges.len();
    println!("{n} {}, {surfed} ridden out without acting.", if n == 1 { "urge" } else { "urges" });
    Ok(())
}

fn show(ctx: &Ctx, id: &str) -> CliResult {
    let store = ctx.open()?;
    let id = resolve(&store, id)?;
    let u = store.urge(id)?;
    if ctx.json {
        return print_json(&format::urge_json(&u));
    }
    println!("{}", format::urge_detail(&u));
    Ok(())
}

fn edit(ctx: &Ctx, a: EditArgs) -> CliResult {
    let store = ctx.open()?;
    let id = resolve(&store, &a.id)?;
    let f = a.fields;
    let edit = UrgeEdit {
        intensity: f.intensity,
        occurred: f.at.as_deref().map(|t| parse_time(ctx, &store, t)).transpose()?,
        triggers: (!f.triggers.is_empty()).then_some(f.triggers),
        feelings: (!f.feelings.is_empty()).then_some(f.feelings),
        place: f.place,
        company: f.company.map(Into::into),
        activity: f.activity,
        note: f.note,
        duration_secs: f.duration.map(minutes_to_secs).transpose()?,
        ended: f.ended.as_deref().map(|t| parse_time(ctx, &store, t)).transpose()?,
        outcome: f.outcome.map(Into::into),
        strategies: (!f.strategies.is_empty()).then_some(f.strategies),
        clear: a.clear.into_iter().map(Into::into).collect(),
        add_triggers: a.add_triggers,
        remove_triggers: a.remove_triggers,
    };
    let u = store.edit_urge(id, edit)?;
    if ctx.json {
        return print_json(&format::urge_json(&u));
    }
    println!("{}", format::urge_detail(&u));
    Ok(())
}

fn delete(ctx: &Ctx, id: &str, yes: bool) -> CliResult {
    let store = ctx.open()?;
    let id = resolve(&store, id)?;
    if !yes && !confirm("Delete this entry? It cannot be undone.") {
        return Err(Failure::new("nothing deleted (pass --yes to delete without asking)"));
    }
    store.delete_urge(id)?;
    if ctx.json {
        return print_json(&json!({ "deleted": id.to_text() }));
    }
    println!("Deleted.");
    Ok(())
}

fn suggestions(ctx: &Ctx) -> CliResult {
    let store = ctx.open()?;
    let triggers = store.trigger_suggestions(90)?;
    let feelings = store.feeling_suggestions(90)?;
    if ctx.json {
        return print_json(&json!({ "triggers": triggers, "feelings": feelings }));
    }
    println!("Triggers: {}", triggers.join(", "));
    println!("Feelings: {}", feelings.join(", "));
    Ok(())
}
