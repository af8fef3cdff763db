//! `companion ground [EXERCISE]`: a guided exercise, live, with the breathing phase shown; and
//! `companion exercises`: list, show, add, remove, and the history of sessions done.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use companion_core::exercise::definition::{parse_pace, tenths};
use companion_core::exercise::{Adjust, ExerciseDef, ExerciseRun, Origin, Phase, Position};
use companion_core::Store;
use serde_json::{json, Value};

use crate::app::{print_json, say, CliResult, Ctx, Failure};
use crate::format;
use crate::term::{self, Key, NumberField, Screen};

#[derive(Args)]
pub struct GroundArgs {
    /// Which exercise (see `companion exercises`); asked when missing.
    exercise: Option<String>,
    /// Rounds of the repeating part (breaths, boxes...).
    #[arg(long, value_name = "N")]
    rounds: Option<u32>,
    /// Repeat the breathing part for at least this many minutes.
    #[arg(long, value_name = "N", conflicts_with = "rounds")]
    minutes: Option<u32>,
    /// Breaths a minute, for paced breathing (default 6; for example 5.5).
    #[arg(long, value_name = "BPM")]
    pace: Option<String>,
    /// Distress before you start, 0-10 (asked when missing).
    #[arg(long, value_name = "0-10")]
    before: Option<u8>,
    /// Print the steps and their timings instead of running the exercise.
    #[arg(long)]
    preview: bool,
}

#[derive(Args)]
pub struct ExercisesArgs {
    #[command(subcommand)]
    command: Option<ExercisesCommand>,
}

#[derive(Subcommand)]
enum ExercisesCommand {
    /// List every exercise (the default).
    List,
    /// Show one exercise's steps, or its JSON definition with --json.
    Show { name: String },
    /// Add your own exercise from a JSON definition file (see docs/exercises.md).
    Add {
        file: PathBuf,
        /// It was written by your clinician.
        #[arg(long)]
        clinician: bool,
        /// Replace your exercise with the same key (its version goes up).
        #[arg(long)]
        replace: bool,
    },
    /// Remove one of your own exercises (sessions done with it stay in the history).
    Remove { name: String },
    /// Exercises you have done, with distress before and after.
    History,
}

fn adjust(a: &GroundArgs) -> CliResult<Adjust> {
    Ok(Adjust { rounds: a.rounds, minutes: a.minutes, pace_tenths: a.pace.as_deref().map(parse_pace).transpose()? })
}

pub fn ground(ctx: &Ctx, a: GroundArgs) -> CliResult {
    let store = ctx.open()?;
    let def = match &a.exercise {
        Some(name) => store.find_exercise(name)?,
        None if term::interactive() && !a.preview && !ctx.json => choose(&store)?,
        None => return Err(Failure::new("name an exercise; `companion exercises` lists them")),
    };
    let adjust = adjust(&a)?;
    if a.preview {
        return preview(ctx, &def, &adjust);
    }
    if !term::interactive() || ctx.json {
        return Err(Failure::new(
            "exercises run live in a terminal; use --preview to print the steps, or `exercises show`",
        ));
    }
    let before = match a.before {
        Some(v) => Some(companion_core::text::rating("distress before", v, 10)?),
        None => term::ask_rating("Before we begin: how much distress do you feel, 0-10? (Enter to skip)")?,
    };
    let now = store.clock().now().timestamp_millis();
    let mut run = ExerciseRun::start(&def, adjust, now, before)?;
    let mut screen = Screen::enter()?;
    let mut field = NumberField::default();
    let mut asking_after = false;
    let mut stopped_early = false;
    let after: Option<u8> = loop {
        if screen.stopped() {
            break None;
        }
        let now = store.clock().now().timestamp_millis();
        let pos = run.position(now);
        if pos.finished && !asking_after {
            asking_after = true;
        }
        screen.draw(&if asking_after {
            after_frame(&def, stopped_early, &field)
        } else {
            exercise_frame(&def, &run, &pos)
        });
        let Some(key) = screen.key(Duration::from_millis(100)) else { continue };
        if asking_after {
            match key {
                Key::Interrupt => break None,
                k => {
                    if let Some(v) = field.feed(k, 10) {
                        break v;
                    }
                }
            }
            continue;
        }
        match key {
            Key::Interrupt | Key::Char('q') | Key::Escape => {
                stopped_early = true;
                asking_after = true;
                run.pause(now);
            }
            Key::Char(' ') | Key::Char('p') => {
                if run.is_paused() {
                    run.resume(now)
                } else {
                    run.pause(now)
                }
            }
            Key::Char('n') | Key::Char('s') => {
                let _ = run.skip(now);
            }
            _ => {}
        }
    };
    drop(screen);
    let saved = store.save_exercise(&run, after, None)?;
    println!(
        "{}: {} of {}{}.",
        def.title,
        term::mmss(saved.active_ms),
        term::mmss(saved.planned_ms),
        if saved.completed { "" } else { ", stopped early (that is fine)" }
    );
    match (saved.distress_before, saved.distress_after) {
        (Some(b), Some(a)) if a < b => println!("Distress {b} → {a}. Well done for taking this time."),
        (Some(b), Some(a)) => {
            println!("Distress {b} → {a}. Some moments are hard; another exercise or your plan may help.")
        }
        _ => println!("Saved. Well done for taking this time."),
    }
    if def.key == "delay" {
        return decide(ctx, &store);
    }
    Ok(())
}

/// The delay timer ends with a choice, made on purpose.
fn decide(ctx: &Ctx, store: &Store) -> CliResult {
    println!("What do you choose now?");
    println!("  1. Surf what is left of the urge");
    println!("  2. Open my plan for this moment");
    println!("  3. It has passed: carry on with my day");
    match term::pick("Press 1-3:", 3)? {
        Some(0) => crate::surf::run(ctx, crate::surf::SurfArgs::start()),
        Some(1) => crate::plan::find_now(ctx, store),
        _ => {
            println!("Well done: you gave yourself the time to choose.");
            Ok(())
        }
    }
}

fn choose(store: &Store) -> CliResult<ExerciseDef> {
    let (all, bad) = store.exercises()?;
    for u in &bad {
        eprintln!("companion: warning: {}", u.to_error());
    }
    println!("Which exercise?");
    for (i, d) in all.iter().enumerate() {
        println!("  {:>2}  {:<28} {}", i + 1, d.title, d.summary);
    }
    loop {
        print!("Number (Enter to cancel): ");
        let _ = std::io::Write::flush(&mut std::io::stdout());
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|_| Failure::new("could not read the answer"))?;
        let t = line.trim();
        if t.is_empty() {
            return Err(Failure::new("no exercise chosen"));
        }
        if let Some(d) = t.parse::<usize>().ok().and_then(|n| all.get(n.wrapping_sub(1))) {
            return Ok(d.clone());
        }
        if let Ok(d) = store.find_exercise(t) {
            return Ok(d);
        }
    }
}

/// The breathing shape: a bar that fills on the in-breath, stays on a hold, empties on the out-breath.
fn breath_bar(phase: Phase, progress: f32, last_fill: f32, width: usize) -> String {
    let fill = match phase {
        Phase::Inhale => progress,
        Phase::Exhale => 1.0 - progress,
        Phase::Hold => last_fill,
        Phase::Rest => 0.0,
    };
    term::bar(fill, width)
}

fn exercise_frame(def: &ExerciseDef, run: &ExerciseRun, pos: &Position) -> Vec<String> {
    let t = run.timeline();
    let mut l = Vec::new();
    let round = if pos.rounds > 1 { format!("round {} of {}", pos.round + 1, pos.rounds) } else { String::new() };
    l.push(format!(" {}   {round}", def.title));
    l.push(String::new());
    let secs_left = pos.to_next_ms.div_ceil(1000);
    if pos.phase == Phase::Rest {
        l.push(format!("     {secs_left:>3} s"));
        l.push(String::new());
    } else {
        // A hold after breathing in stays full; after breathing out it stays empty.
        let prev_full =
            t.steps().get((pos.step as usize).wrapping_sub(1)).map(|s| s.phase == Phase::Inhale).unwrap_or(true);
        let cue = pos.phase.cue().to_uppercase();
        l.push(format!("     {cue:<12} {secs_left}"));
        l.push(format!("     {}", breath_bar(pos.phase, pos.progress, if prev_full { 1.0 } else { 0.0 }, 30)));
    }
    l.push(String::new());
    for line in wrap(t.text(pos), 70) {
        l.push(format!(" {line}"));
    }
    l.push(String::new());
    l.push(format!(
        " [{}] {} of {}{}",
        term::bar(pos.overall, 30),
        term::mmss(pos.elapsed_ms),
        term::mmss(pos.total_ms),
        if run.is_paused() { "   paused" } else { "" }
    ));
    l.push(String::new());
    l.push(" [space] pause   [n] next step   [q] stop".into());
    l
}

fn after_frame(def: &ExerciseDef, stopped: bool, field: &NumberField) -> Vec<String> {
    vec![
        format!(" {}", def.title),
        String::new(),
        if stopped { " Stopping here is fine.".into() } else { " Done. Take a moment before you move on.".into() },
        String::new(),
        format!(" How much distress do you feel now, 0-10? (Enter to skip): {}_", field.text),
    ]
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn preview(ctx: &Ctx, def: &ExerciseDef, adjust: &Adjust) -> CliResult {
    let t = def.timeline(adjust)?;
    let starts = t.boundaries_ms();
    if ctx.json {
        let steps: Vec<Value> = starts
            .iter()
            .map(|ms| {
                let p = t.at(*ms);
                json!({ "start_ms": ms, "phase": p.phase.as_str(), "ms": p.to_next_ms, "text": t.text(&p) })
            })
            .collect();
        return print_json(
            &json!({ "key": def.key, "version": def.version, "total_ms": t.total_ms(), "steps": steps }),
        );
    }
    println!("{} ({}), {}", def.title, def.key, term::mmss(t.total_ms()));
    for ms in starts {
        let p = t.at(ms);
        if p.rounds > 1 && p.round > 0 {
            continue;
        }
        let phase = if p.phase == Phase::Rest { String::new() } else { format!("{:<7}", p.phase.as_str()) };
        let rounds = if p.rounds > 1 { format!(" ×{}", p.rounds) } else { String::new() };
        println!("  {:>6}  {:>4.1} s{rounds:<5} {phase} {}", term::mmss(ms), p.to_next_ms as f64 / 1000.0, t.text(&p));
    }
    Ok(())
}

pub fn exercises(ctx: &Ctx, a: ExercisesArgs) -> CliResult {
    let store = ctx.open()?;
    match a.command.unwrap_or(ExercisesCommand::List) {
        ExercisesCommand::List => list(ctx, &store),
        ExercisesCommand::Show { name } => {
            let d = store.find_exercise(&name)?;
            if ctx.json {
                return print_json(&d.to_json());
            }
            println!("{}: {}", d.title, d.summary);
            preview(ctx, &d, &Adjust::default())
        }
        ExercisesCommand::Add { file, clinician, replace } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::new(format!("cannot read {}: {}", file.display(), e.kind())))?;
            let origin = if clinician { Origin::Clinician } else { Origin::Mine };
            let def = ExerciseDef::from_json(&text, origin)?;
            let c = store.add_exercise(def, replace)?;
            if ctx.json {
                return print_json(&json!({ "id": c.id.to_text(), "key": c.def.key, "version": c.def.version }));
            }
            println!(
                "Added “{}” (version {}). Start it with `companion ground {}`.",
                c.def.title, c.def.version, c.def.key
            );
            Ok(())
        }
        ExercisesCommand::Remove { name } => {
            store.remove_exercise(&name)?;
            say(ctx, "Removed. Sessions you did with it stay in your history.");
            if ctx.json {
                print_json(&json!({ "removed": name }))?;
            }
            Ok(())
        }
        ExercisesCommand::History => history(ctx, &store),
    }
}

fn list(ctx: &Ctx, store: &Store) -> CliResult {
    let (all, bad) = store.exercises()?;
    ctx.report_unreadable(&bad);
    if ctx.json {
        let v: Vec<Value> = all
            .iter()
            .map(|d| {
                let ms = d.timeline(&Adjust::default()).map(|t| t.total_ms()).unwrap_or(0);
                json!({
                    "key": d.key,
                    "version": d.version,
                    "title": d.title,
                    "summary": d.summary,
                    "category": d.category.as_str(),
                    "origin": d.origin.as_str(),
                    "default_ms": ms,
                    "adjustable": d.adjustable().is_some(),
                    "pace": d.pace.map(|p| json!({
                        "default": f64::from(p.default_tenths) / 10.0,
                        "min": f64::from(p.min_tenths) / 10.0,
                        "max": f64::from(p.max_tenths) / 10.0,
                    })),
                })
            })
            .collect();
        return print_json(&Value::Array(v));
    }
    for d in &all {
        let ms = d.timeline(&Adjust::default()).map(|t| t.total_ms()).unwrap_or(0);
        let who = match d.origin {
            Origin::BuiltIn => String::new(),
            o => format!(" ({})", o.as_str()),
        };
        println!("  {:<16} {:>6}  {}{who}", d.key, term::mmss(ms), d.title);
        println!("  {:<16} {:>6}  {}", "", "", d.summary);
        if let Some(p) = d.pace {
            println!(
                "  {:<16} {:>6}  pace {} a minute by default; --pace {} to {}",
                "",
                "",
                tenths(p.default_tenths),
                tenths(p.min_tenths),
                tenths(p.max_tenths)
            );
        }
    }
    println!("\nStart one with `companion ground NAME` (for example `companion ground box --minutes 5`).");
    Ok(())
}

fn history(ctx: &Ctx, store: &Store) -> CliResult {
    let listing = store.exercise_sessions(None, None)?;
    ctx.report_unreadable(&listing.unreadable);
    if ctx.json {
        let v: Vec<Value> = listing
            .sessions
            .iter()
            .map(|s| {
                json!({
                    "id": s.id.to_text(),
                    "exercise": s.key,
                    "version": s.version,
                    "title": s.title,
                    "started_at": s.started.to_rfc3339(),
                    "ended_at": s.ended.to_rfc3339(),
                    "active_ms": s.active_ms,
                    "planned_ms": s.planned_ms,
                    "completed": s.completed,
                    "skipped_steps": s.skipped_steps,
                    "distress_before": s.distress_before,
                    "distress_after": s.distress_after,
                    "note": s.note,
                })
            })
            .collect();
        return print_json(&Value::Array(v));
    }
    if listing.sessions.is_empty() {
        println!("No exercises done yet. `companion exercises` lists them.");
        return Ok(());
    }
    for s in &listing.sessions {
        let distress = match (s.distress_before, s.distress_after) {
            (Some(b), Some(a)) => format!("distress {b} → {a}"),
            (Some(b), None) => format!("distress {b} before"),
            (None, Some(a)) => format!("distress {a} after"),
            (None, None) => String::new(),
        };
        println!(
            "{}  {:<28} {:>6}{}  {distress}  [{}]",
            s.started.local().format("%Y-%m-%d %H:%M"),
            s.title,
            term::mmss(s.active_ms),
            if s.completed { "" } else { " (stopped early)" },
            format::short_id(&s.id)
        );
    }
    Ok(())
}
