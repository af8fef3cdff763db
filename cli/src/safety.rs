//! The crisis step and next steps on a terminal: shown before anything else, never silent;
//! the person picks a next step with one key. `companion safety ...`: help now, and the
//! safety settings (emergency number, high mark).

use clap::{Args, Subcommand};
use companion_core::plan::ContactStep;
use companion_core::safety::REGIONS;
use companion_core::safety::{CrisisStep, EmergencyNumber, FlaggedListing, NextStepOffer, NextSteps, RiskConcern};
use companion_core::time::parse_date;
use companion_core::{RecordId, RecordKind, Store};
use serde_json::{json, Value};

use crate::app::{print_json, say, CliResult, Ctx};
use crate::format::short_id;
use crate::term;

fn contact_line(c: &ContactStep) -> String {
    let mut s = format!("  • {}", c.contact.name);
    if c.contact.crisis_line {
        s.push_str(" (crisis line)");
    }
    if let Some(h) = &c.contact.how {
        s.push_str(&format!(" · {h}"));
    }
    s.push_str(if c.reachable_now { " · reachable now" } else { " · not reachable now" });
    s
}

fn emergency_lines(e: &EmergencyNumber) -> Vec<String> {
    let mut out = vec![e.sentence()];
    if let Some(line) = &e.crisis_line {
        out.push(format!("{}: {} (crisis line).", line.name, line.number));
    }
    out
}

/// The crisis step for people.
pub fn crisis_text(c: &CrisisStep) -> Vec<String> {
    let mut out = vec!["━━ Please reach out now ━━".to_string(), c.message.clone()];
    out.extend(emergency_lines(&c.emergency));
    if !c.contacts.is_empty() {
        out.push("From your plan, crisis lines and professionals:".into());
        out.extend(c.contacts.iter().map(contact_line));
    }
    if !c.people_now.is_empty() {
        out.push("People you can reach now:".into());
        out.extend(c.people_now.iter().map(contact_line));
    }
    out.push(c.not_an_emergency_service.clone());
    out.push(String::new());
    out
}

/// Print the crisis step first (stdout; in JSON mode the caller puts [`crisis_json`] in its
/// output instead).
pub fn show_crisis(ctx: &Ctx, c: &CrisisStep) {
    if ctx.json {
        return;
    }
    for l in crisis_text(c) {
        println!("{l}");
    }
}

fn contact_json(c: &ContactStep) -> Value {
    json!({
        "name": c.contact.name,
        "how": c.contact.how,
        "crisis_line": c.contact.crisis_line,
        "professional": c.professional,
        "reachable_now": c.reachable_now,
    })
}

fn emergency_json(e: &EmergencyNumber) -> Value {
    json!({
        "region": e.region,
        "region_name": e.region_name,
        "number": e.number,
        "crisis_line": e.crisis_line.as_ref().map(|l| json!({ "name": l.name, "number": l.number })),
        "sentence": e.sentence(),
    })
}

/// The stable JSON form of a crisis step.
pub fn crisis_json(c: &CrisisStep) -> Value {
    json!({
        "concern": c.concern.map(|k| format!("{k:?}").to_lowercase()),
        "message": c.message,
        "contacts": c.contacts.iter().map(contact_json).collect::<Vec<_>>(),
        "people_now": c.people_now.iter().map(contact_json).collect::<Vec<_>>(),
        "emergency": emergency_json(&c.emergency),
        "not_an_emergency_service": c.not_an_emergency_service,
    })
}

/// The stable JSON form of next steps.
pub fn next_steps_json(n: &NextSteps) -> Value {
    json!({
        "message": n.message,
        "steps": n.steps.iter().map(|s| {
            let kind = match s {
                NextStepOffer::Crisis { .. } => "crisis",
                NextStepOffer::SurfNow { .. } => "surf",
                NextStepOffer::PlanStrategy { .. } => "plan_strategy",
                NextStepOffer::ReachOut { .. } => "reach_out",
                NextStepOffer::CrisisLines { .. } => "crisis_lines",
                NextStepOffer::LogSlip { .. } => "log_slip",
            };
            let mut v = json!({ "kind": kind, "title": s.title() });
            match s {
                NextStepOffer::Crisis { step } => v["crisis"] = crisis_json(step),
                NextStepOffer::SurfNow { urge } => v["urge"] = json!(urge.to_text()),
                NextStepOffer::PlanStrategy { strategy } => v["strategy_id"] = json!(strategy.id.map(|i| i.to_text())),
                NextStepOffer::ReachOut { contact } => v["contact"] = contact_json(contact),
                NextStepOffer::CrisisLines { contacts, emergency } => {
                    v["contacts"] = json!(contacts.iter().map(contact_json).collect::<Vec<_>>());
                    v["emergency"] = emergency_json(emergency);
                }
                NextStepOffer::LogSlip { urge } => v["urge"] = json!(urge.map(|u| u.to_text())),
            }
            v
        }).collect::<Vec<_>>(),
    })
}

/// What the person chose to do next.
pub enum Chosen {
    Surf(RecordId),
    Strategy(RecordId),
    LogSlip(Option<RecordId>),
    /// Shown, nothing more to run.
    Nothing,
}

/// Print the crisis step of `next`, if it has one: call this before printing anything else.
pub fn show_crisis_first(ctx: &Ctx, next: &NextSteps) {
    for s in &next.steps {
        if let NextStepOffer::Crisis { step } = s {
            show_crisis(ctx, step);
        }
    }
}

/// Show the next steps other than the crisis step (shown first by [`show_crisis_first`]) and
/// let the person pick one with a key. Without a terminal, each step is listed with the
/// command that does it.
pub fn offer(ctx: &Ctx, next: &NextSteps) -> CliResult<Chosen> {
    if ctx.json {
        return Ok(Chosen::Nothing);
    }
    let numbered: Vec<&NextStepOffer> =
        next.steps.iter().filter(|s| !matches!(s, NextStepOffer::Crisis { .. })).collect();
    if numbered.is_empty() {
        return Ok(Chosen::Nothing);
    }
    if !next.message.is_empty() {
        println!("{}", next.message);
    }
    for (i, s) in numbered.iter().enumerate() {
        println!("  {}. {}", i + 1, s.title());
        if let NextStepOffer::CrisisLines { contacts, emergency } = s {
            for c in contacts {
                println!("     {}", contact_line(c).trim_start());
            }
            println!("     {}", emergency.sentence());
        }
        if !term::interactive() {
            if let Some(cmd) = command_for(s) {
                println!("     ({cmd})");
            }
        }
    }
    let picked =
        term::pick(&format!("Press 1-{} to choose, Enter to skip:", numbered.len().min(9)), numbered.len().min(9))?;
    Ok(match picked.and_then(|i| numbered.get(i)) {
        Some(NextStepOffer::SurfNow { urge }) => Chosen::Surf(*urge),
        Some(NextStepOffer::PlanStrategy { strategy }) => strategy.id.map(Chosen::Strategy).unwrap_or(Chosen::Nothing),
        Some(NextStepOffer::LogSlip { urge }) => Chosen::LogSlip(*urge),
        Some(NextStepOffer::ReachOut { contact }) => {
            match &contact.contact.how {
                Some(how) => println!(
                    "Reach {} now: {how}. You do not have to explain everything; \"Can you talk?\" is enough.",
                    contact.contact.name
                ),
                None => println!(
                    "Reach {} now. You do not have to explain everything; \"Can you talk?\" is enough.",
                    contact.contact.name
                ),
            }
            Chosen::Nothing
        }
        _ => Chosen::Nothing,
    })
}

/// The command that does a step, for when no key can be read.
fn command_for(s: &NextStepOffer) -> Option<String> {
    match s {
        NextStepOffer::SurfNow { urge } => Some(format!("companion surf --urge {}", short_id(urge))),
        NextStepOffer::PlanStrategy { strategy } => {
            strategy.id.map(|id| format!("companion plan use {}", short_id(&id)))
        }
        NextStepOffer::LogSlip { urge: Some(u) } => {
            Some(format!("companion slip log --urge {} --analyze", short_id(u)))
        }
        NextStepOffer::LogSlip { urge: None } => Some("companion slip log --analyze".into()),
        _ => None,
    }
}

/// `companion safety ...`: help now, and the person's safety settings.
#[derive(Subcommand)]
pub enum SafetyCommand {
    /// Help now: crisis lines and professionals from your plan, people you can reach now,
    /// and the emergency number.
    Now,
    /// Your safety settings: the emergency number shown, and from which intensity an urge
    /// counts as strong.
    Settings,
    /// Change your safety settings (what you leave out stays as it is).
    Set(SetArgs),
    /// Entries whose words spoke of suicide or self-harm, oldest first (to find those moments
    /// again, or to bring to your therapist).
    Flagged {
        /// First day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
    },
}

#[derive(Args)]
pub struct SetArgs {
    /// The region whose emergency number to show (a code such as GB or US), instead of the
    /// one of your time zone.
    #[arg(long, value_name = "CODE", conflicts_with = "clear_region")]
    region: Option<String>,
    /// Forget the chosen region (your time zone decides again).
    #[arg(long)]
    clear_region: bool,
    /// An emergency number of your own, for a place the table does not hold.
    #[arg(long, value_name = "NUMBER", conflicts_with = "clear_number")]
    number: Option<String>,
    /// Forget your own emergency number.
    #[arg(long)]
    clear_number: bool,
    /// The intensity (0-10) from which an urge is strong and next steps are offered.
    #[arg(long, value_name = "N", conflicts_with = "default_high_mark")]
    high_mark: Option<u8>,
    /// Use the default high mark again.
    #[arg(long)]
    default_high_mark: bool,
}

pub fn run(ctx: &Ctx, c: SafetyCommand) -> CliResult {
    let store = ctx.open()?;
    match c {
        SafetyCommand::Now => {
            let step = store.crisis_step()?;
            if ctx.json {
                return print_json(&crisis_json(&step));
            }
            show_crisis(ctx, &step);
            Ok(())
        }
        SafetyCommand::Settings => show_settings(ctx, &store),
        SafetyCommand::Flagged { from, to } => {
            let today = store.clock().today();
            let from = from.as_deref().map(|d| parse_date(d, today)).transpose()?;
            let to = to.as_deref().map(|d| parse_date(d, today)).transpose()?;
            show_flagged(ctx, &store.flagged_entries(from, to)?)
        }
        SafetyCommand::Set(a) => {
            let mut s = store.safety_settings().unwrap_or_else(|e| {
                eprintln!("Your earlier safety settings could not be read ({e}); these replace them.");
                Default::default()
            });
            replace(&mut s.emergency_region, a.region, a.clear_region);
            replace(&mut s.own_emergency_number, a.number, a.clear_number);
            replace(&mut s.high_mark, a.high_mark, a.default_high_mark);
            store.set_safety_settings(s)?;
            say(ctx, "Saved.");
            show_settings(ctx, &store)
        }
    }
}

/// A setting given on the command line replaces the stored one; `clear` forgets it.
fn replace<T>(stored: &mut Option<T>, given: Option<T>, clear: bool) {
    if clear {
        *stored = None;
    } else if given.is_some() {
        *stored = given;
    }
}

fn kind_word(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Urge => "urge",
        RecordKind::Slip => "slip",
        RecordKind::CheckIn => "check-in",
        RecordKind::SurfSession => "surf",
        _ => "entry",
    }
}

fn show_flagged(ctx: &Ctx, listing: &FlaggedListing) -> CliResult {
    if ctx.json {
        let entries: Vec<Value> = listing
            .entries
            .iter()
            .map(|e| {
                json!({
                    "kind": kind_word(e.kind),
                    "id": e.id.to_text(),
                    "day": e.day.to_string(),
                    "concern": format!("{:?}", e.concern).to_lowercase(),
                })
            })
            .collect();
        print_json(&json!({ "entries": entries }))?;
    } else if listing.entries.is_empty() {
        println!("No entry spoke of suicide or self-harm.");
    } else {
        println!("These entries spoke of suicide or self-harm. If those thoughts are with you now, `companion safety now` shows who to reach.");
        for e in &listing.entries {
            let concern = match e.concern {
                RiskConcern::Suicide => "thoughts of suicide",
                RiskConcern::SelfHarm => "self-harm",
            };
            println!("  {}  {:<8} {}  ({concern})", e.day, kind_word(e.kind), short_id(&e.id));
        }
    }
    ctx.report_unreadable(&listing.unreadable);
    Ok(())
}

fn show_settings(ctx: &Ctx, store: &Store) -> CliResult {
    let s = store.safety_settings()?;
    let emergency = store.emergency_number();
    let high_mark = s.high_mark_or_default();
    if ctx.json {
        return print_json(&json!({
            "emergency_region": s.emergency_region,
            "own_emergency_number": s.own_emergency_number,
            "high_mark": s.high_mark,
            "high_mark_in_force": high_mark,
            "emergency": emergency_json(&emergency),
        }));
    }
    println!("{}", emergency.sentence());
    if let Some(line) = &emergency.crisis_line {
        println!("{}: {} (crisis line).", line.name, line.number);
    }
    let chosen = if s.high_mark.is_some() { "your choice" } else { "the default" };
    println!("Next steps are offered for urges from intensity {high_mark} ({chosen}).");
    let codes: Vec<&str> = REGIONS.iter().map(|r| r.code).collect();
    println!(
        "Change them with `companion safety set --region CODE` ({}), `--number NUMBER` or `--high-mark N`.",
        codes.join(", ")
    );
    Ok(())
}
