//! `companion checkin`: today's check-in (four 0-10 ratings and optional words), asked one by
//! one on a terminal or given as options; `checkin list|edit|delete` for earlier ones.

use std::io::IsTerminal;

use chrono::Duration;
use clap::{Args, Subcommand};
use companion_core::checkin::{CheckIn, CheckInEdit, CheckInField, Measure, NewCheckIn, MAX_SCORE};
use companion_core::time::parse_date;
use companion_core::{RecordKind, Store};
use serde_json::{json, Value};

use crate::app::{print_json, say, CliResult, Ctx, Failure};
use crate::ask::{delete_confirmed, tell, Answer, Asker};
use crate::{format, safety, words};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CheckinArgs {
    #[command(subcommand)]
    command: Option<CheckinCommand>,
    #[command(flatten)]
    fields: Fields,
}

#[derive(Subcommand)]
pub enum CheckinCommand {
    /// List check-ins.
    List(ListArgs),
    /// Correct a check-in.
    Edit(EditArgs),
    /// Delete a check-in.
    Delete {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// The four ratings, 0-10 each; any may be left out.
#[derive(Args)]
pub struct Ratings {
    /// Mood: 0 very low .. 10 very good.
    #[arg(long, value_name = "0-10")]
    mood: Option<u8>,
    /// Stress: 0 none at all .. 10 the most stressed you can imagine.
    #[arg(long, value_name = "0-10")]
    stress: Option<u8>,
    /// Loneliness: 0 connected, not lonely .. 10 as lonely as you have ever felt.
    #[arg(long, value_name = "0-10")]
    loneliness: Option<u8>,
    /// Last night's sleep: 0 hardly slept or very poorly .. 10 slept very well.
    #[arg(long, value_name = "0-10")]
    sleep: Option<u8>,
}

impl Ratings {
    fn get(&self, m: Measure) -> Option<u8> {
        match m {
            Measure::Mood => self.mood,
            Measure::Stress => self.stress,
            Measure::Loneliness => self.loneliness,
            Measure::Sleep => self.sleep,
        }
    }
}

/// A check-in given as options.
#[derive(Args)]
pub struct Fields {
    #[command(flatten)]
    ratings: Ratings,
    /// A few words about today, added after any words already written today ("-": read them
    /// from standard input or a prompt, so they stay out of your shell history).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// The day it is for (YYYY-MM-DD, today, yesterday); default today.
    #[arg(long, value_name = "DATE")]
    day: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    /// How many days back, today included.
    #[arg(long, value_name = "N", default_value_t = 14, conflicts_with = "since")]
    days: u32,
    /// From this local day on.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this local day (default today).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

#[derive(Args)]
pub struct EditArgs {
    /// The check-in's id, or its day (YYYY-MM-DD, today, yesterday).
    which: String,
    #[command(flatten)]
    ratings: Ratings,
    /// Replace the words.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Clear a rating or the words (mood, stress, loneliness, sleep, note).
    #[arg(long, value_name = "FIELD")]
    clear: Vec<String>,
}

pub fn run(ctx: &Ctx, a: CheckinArgs) -> CliResult {
    match a.command {
        Some(CheckinCommand::List(l)) => list(ctx, l),
        Some(CheckinCommand::Edit(e)) => edit(ctx, e),
        Some(CheckinCommand::Delete { id, yes }) => delete(ctx, &id, yes),
        None => check_in(ctx, a.fields),
    }
}

/// Ask each rating on the terminal (Enter leaves one out).
fn ask_ratings(new: &mut NewCheckIn) -> CliResult<bool> {
    tell("A short check-in. Rate each from 0 to 10, or press Enter to leave it out.");
    let mut asker = Asker::new();
    for m in Measure::ALL {
        loop {
            let q = format!("{} (0 = {}, 10 = {})", m.question(), m.low_anchor(), m.high_anchor());
            match asker.ask(&[&q]) {
                Answer::Stop => return Ok(false),
                Answer::Skip => break,
                Answer::Text(t) => match t.parse::<u8>() {
                    Ok(v) if v <= MAX_SCORE => {
                        match m {
                            Measure::Mood => new.mood = Some(v),
                            Measure::Stress => new.stress = Some(v),
                            Measure::Loneliness => new.loneliness = Some(v),
                            Measure::Sleep => new.sleep = Some(v),
                        }
                        break;
                    }
                    _ => tell("Please type a whole number from 0 to 10."),
                },
            }
        }
    }
    if let Answer::Text(t) = asker.ask(&["Anything you want to say about today? (Enter to finish)"]) {
        new.note = Some(t);
    }
    Ok(true)
}

fn check_in(ctx: &Ctx, f: Fields) -> CliResult {
    let store = ctx.open()?;
    let day = f.day.as_deref().map(|d| parse_date(d, store.clock().today())).transpose()?;
    let mut f = f;
    if f.note.as_deref() == Some("-") {
        f.note = words::read(ctx, None, words::Source::Prompt("A few words about today?"))?;
    }
    let r = &f.ratings;
    let mut new = NewCheckIn {
        day,
        mood: r.mood,
        stress: r.stress,
        loneliness: r.loneliness,
        sleep: r.sleep,
        note: f.note.clone(),
    };
    let nothing = Measure::ALL.iter().all(|m| r.get(*m).is_none()) && f.note.is_none();
    if nothing {
        if ctx.json || !std::io::stdin().is_terminal() {
            return Err(Failure::new(
                "give at least one rating (--mood, --stress, --loneliness, --sleep) or --note; run on a terminal to be asked",
            ));
        }
        if !ask_ratings(&mut new)? {
            return Err(Failure::new("nothing saved"));
        }
    }
    let crisis = store.check_words(new.note.as_slice())?;
    let saved = store.check_in(new)?;
    if ctx.json {
        let mut v = check_in_json(&saved.check_in);
        v["updated"] = json!(saved.updated);
        v["crisis"] = crisis.as_ref().map(safety::crisis_json).unwrap_or(Value::Null);
        return print_json(&v);
    }
    if let Some(c) = &crisis {
        safety::show_crisis(ctx, c);
    }
    let c = &saved.check_in;
    let when = if c.day == store.clock().today() { "today".to_string() } else { format::day_heading(c.day) };
    if saved.updated {
        println!("Updated the check-in for {when}: the new ratings replace the earlier ones; earlier words are kept.");
    } else {
        println!("Checked in for {when}.");
    }
    println!("{}", line(c));
    say(ctx, "Thank you for taking a moment for yourself.");
    Ok(())
}

/// "Mon 15 Jun  mood 6  stress 8  loneliness -  sleep 4  ✎".
fn line(c: &CheckIn) -> String {
    let mut s = format!("{}", c.day.format("%a %-d %b %Y"));
    for m in Measure::ALL {
        let v = c.score(m).map_or("-".to_string(), |v| v.to_string());
        s.push_str(&format!("  {} {:>2}", m.as_str(), v));
    }
    if c.note.is_some() {
        s.push_str("  ✎");
    }
    s
}

fn list(ctx: &Ctx, a: ListArgs) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let to = a.until.as_deref().map(|d| parse_date(d, today)).transpose()?.unwrap_or(today);
    let from = match &a.since {
        Some(s) => parse_date(s, today)?,
        None => to - Duration::days(i64::from(a.days.max(1)) - 1),
    };
    let listing = store.check_ins(from, to, true)?;
    ctx.report_unreadable(&listing.unreadable);
    if ctx.json {
        return print_json(&Value::Array(listing.check_ins.iter().map(check_in_json).collect()));
    }
    if listing.check_ins.is_empty() {
        println!("No check-ins from {} to {}.", format::day_heading(from), format::day_heading(to));
        return Ok(());
    }
    for c in &listing.check_ins {
        println!("{}  [{}]", line(c), format::short_id(&c.id));
        if let Some(n) = &c.note {
            for l in n.lines() {
                println!("    {l}");
            }
        }
    }
    Ok(())
}

/// A check-in by id prefix, or by day.
fn find(store: &Store, which: &str) -> CliResult<CheckIn> {
    if let Ok(day) = parse_date(which, store.clock().today()) {
        return store
            .check_in_on(day)?
            .ok_or_else(|| Failure::new(format!("no check-in on {}", format::day_heading(day))));
    }
    Ok(store.check_in_by_id(store.resolve_id(RecordKind::CheckIn, which)?)?)
}

fn edit(ctx: &Ctx, a: EditArgs) -> CliResult {
    let store = ctx.open()?;
    let c = find(&store, &a.which)?;
    let mut clear = Vec::new();
    for f in &a.clear {
        clear.push(match f.trim().to_ascii_lowercase().as_str() {
            "mood" => CheckInField::Mood,
            "stress" => CheckInField::Stress,
            "loneliness" => CheckInField::Loneliness,
            "sleep" => CheckInField::Sleep,
            "note" | "words" => CheckInField::Note,
            _ => return Err(Failure::new("--clear takes mood, stress, loneliness, sleep or note")),
        });
    }
    let e = store.edit_check_in(
        c.id,
        CheckInEdit {
            mood: a.ratings.mood,
            stress: a.ratings.stress,
            loneliness: a.ratings.loneliness,
            sleep: a.ratings.sleep,
            note: a.note,
            clear,
        },
    )?;
    if ctx.json {
        return print_json(&check_in_json(&e));
    }
    println!("{}", line(&e));
    Ok(())
}

fn delete(ctx: &Ctx, which: &str, yes: bool) -> CliResult {
    let store = ctx.open()?;
    let c = find(&store, which)?;
    delete_confirmed(ctx, yes, "this check-in", c.id, || store.delete_check_in(c.id))
}

/// The stable JSON form of a check-in.
pub fn check_in_json(c: &CheckIn) -> Value {
    json!({
        "id": c.id.to_text(),
        "day": c.day.to_string(),
        "first_at": c.first_at.to_rfc3339(),
        "saved_at": c.at.to_rfc3339(),
        "mood": c.mood,
        "stress": c.stress,
        "loneliness": c.loneliness,
        "sleep": c.sleep,
        "note": c.note,
        "saves": c.saves,
    })
}
