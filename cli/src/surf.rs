//! `companion surf`: ride out an urge with a timer, rating it as it rises, peaks and passes.
//!
//! In a terminal it runs a live screen (a progress bar, the wave drawn as it grows, a prompt
//! for the intensity; `p` pauses, `e` ends, Ctrl-C pauses and leaves; `--resume` continues).
//! Without a terminal, or with `--checkin`, `--end`, `--pause`, `--status`, it does one thing
//! and prints the session (`--json` for scripts).

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::Args;
use companion_core::notify::{NotificationPlan, Wording};
use companion_core::surf::{SurfEnd, SurfOutcome, SurfSession, SurfSettings, SurfStart, SurfState, SurfStatus};
use companion_core::Store;
use serde_json::{json, Value};

use crate::app::{print_json, say, CliResult, Ctx, Failure};
use crate::format;
use crate::term::{self, Key, NumberField, Screen};

#[derive(Args)]
pub struct SurfArgs {
    /// Session length in minutes (default 20).
    #[arg(long, value_name = "N")]
    minutes: Option<u32>,
    /// Minutes between check-in prompts (default 3).
    #[arg(long, value_name = "M")]
    interval: Option<u32>,
    /// Surf an urge you already logged (its id; the first few characters are enough).
    #[arg(long, value_name = "ID")]
    urge: Option<String>,
    /// How strong the urge is right now, 0-10 (asked when missing in a terminal).
    #[arg(long, value_name = "0-10")]
    intensity: Option<u8>,
    /// Continue the session that is under way (after Ctrl-C, or after closing the terminal).
    #[arg(long, conflicts_with_all = ["minutes", "interval", "urge", "intensity"])]
    resume: bool,
    /// Record how strong it is now, 0-10, in the session under way, and return.
    #[arg(long, value_name = "0-10")]
    checkin: Option<u8>,
    /// A note with the check-in or the end.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// End the session under way: passed, still-strong, used-plan or acted.
    #[arg(long, value_name = "OUTCOME")]
    end: Option<String>,
    /// A coping strategy you used (with --end; repeat for several).
    #[arg(long = "strategy", value_name = "TEXT", requires = "end")]
    strategies: Vec<String>,
    /// Pause the session under way and return.
    #[arg(long, conflicts_with_all = ["resume", "end", "checkin"])]
    pause: bool,
    /// Show the session under way and what a phone would schedule as notifications.
    #[arg(long)]
    status: bool,
    /// List past sessions with their waves.
    #[arg(long, conflicts_with_all = ["resume", "end", "checkin", "pause", "status"])]
    list: bool,
    /// Notification wording: neutral (the default: nothing on a lock screen says what it is
    /// about) or explicit.
    #[arg(long, value_name = "WORDING")]
    wording: Option<String>,
    /// Start (or act) and return at once, without the live screen.
    #[arg(long)]
    detach: bool,
}

impl SurfArgs {
    /// A new session with the defaults (asked for its intensity on a terminal).
    pub fn start() -> SurfArgs {
        SurfArgs {
            minutes: None,
            interval: None,
            urge: None,
            intensity: None,
            resume: false,
            checkin: None,
            note: None,
            end: None,
            strategies: Vec::new(),
            pause: false,
            status: false,
            list: false,
            wording: None,
            detach: false,
        }
    }
}

const CALM_LINES: [&str; 4] = [
    "It is a wave: it rises, peaks and passes. You only need to watch it.",
    "Breathe slowly. Notice where you feel it in your body.",
    "An urge is information, not an order. Let it be there without acting on it.",
    "Stay curious: is it stronger, weaker, or changing shape?",
];

pub fn run(ctx: &Ctx, a: SurfArgs) -> CliResult {
    let store = ctx.open()?;
    if let Some(w) = &a.wording {
        let w = Wording::parse(w)?;
        store.set_notification_wording(w)?;
        say(ctx, &format!("Notifications will use {} wording.", w.as_str()));
        if a.checkin.is_none() && a.end.is_none() && !a.pause && !a.status && !a.resume && !a.list {
            if ctx.json {
                print_json(&json!({ "wording": w.as_str() }))?;
            }
            return Ok(());
        }
    }
    if a.list {
        return list(ctx, &store);
    }
    let live = term::interactive() && !ctx.json && !a.detach;
    let acting = a.checkin.is_some() || a.end.is_some() || a.pause || a.status;
    if acting || a.resume {
        let Some(mut s) = store.active_surf()? else {
            return Err(Failure::new("no surf session is under way; start one with `companion surf`"));
        };
        if let Some(v) = a.checkin.filter(|_| a.end.is_none()) {
            s = store.surf_checkin(s.id, v, a.note.as_deref())?;
            say(ctx, &format!("Noted: {v}."));
        }
        if a.pause {
            s = store.pause_surf(s.id)?;
            say(ctx, "Paused. Continue with `companion surf --resume`.");
        }
        if let Some(o) = &a.end {
            let end = SurfEnd {
                outcome: SurfOutcome::parse(o)?,
                intensity: a.checkin,
                note: a.note.clone(),
                strategies: a.strategies.clone(),
            };
            s = store.end_surf(s.id, end)?;
            print_session(ctx, &store, &s, true)?;
            return after_end(ctx, &store, &s);
        }
        if a.resume {
            s = store.resume_surf(s.id)?;
            if live {
                return live_session(ctx, &store, s);
            }
        }
        return print_session(ctx, &store, &s, false);
    }
    // Start a new one.
    if let Some(open) = store.active_surf()? {
        let st = open.status(now_ms(&store));
        return Err(Failure::new(format!(
            "a surf session is already under way ({} of {}, {}); continue it with `companion surf --resume` \
             or end it with `companion surf --end OUTCOME`",
            term::mmss(st.active_ms.min(st.length_ms)),
            term::mmss(st.length_ms),
            st.state.as_str()
        )));
    }
    let urge = a.urge.as_deref().map(|u| crate::urge::resolve(&store, u)).transpose()?;
    let intensity = match a.intensity {
        Some(v) => Some(v),
        None if live && urge.is_none() => match term::ask_rating("How strong is the urge right now, 0-10?")? {
            Some(v) => Some(v),
            None => return Err(Failure::new("nothing started: a surf begins with how strong it is now (0-10)")),
        },
        None => None,
    };
    let settings = SurfSettings::minutes(
        a.minutes.unwrap_or(companion_core::surf::DEFAULT_LENGTH_SECS / 60),
        a.interval.unwrap_or(companion_core::surf::DEFAULT_INTERVAL_SECS / 60),
    );
    let s = store.start_surf(SurfStart { urge, intensity, settings, note: a.note.clone() })?;
    if live {
        return live_session(ctx, &store, s);
    }
    say(ctx, "Started. Check in with `companion surf --checkin N`; end with `companion surf --end OUTCOME`.");
    print_session(ctx, &store, &s, false)
}

fn now_ms(store: &Store) -> i64 {
    store.clock().now().timestamp_millis()
}

fn rfc3339(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The stable JSON form of a session at `now`.
pub fn session_json(s: &SurfSession, st: &SurfStatus, plan: Option<&NotificationPlan>) -> Value {
    let w = s.summary();
    let points: Vec<Value> = s
        .points
        .iter()
        .map(|p| {
            json!({
                "at": rfc3339(p.at_utc_ms),
                "offset_secs": (p.at_utc_ms - s.started.utc_ms) / 1000,
                "timer_secs": p.active_ms / 1000,
                "kind": p.kind.as_str(),
                "prompt": p.prompt,
                "intensity": p.intensity,
                "missed": p.missed(),
                "note": p.note,
            })
        })
        .collect();
    let mut v = json!({
        "id": s.id.to_text(),
        "urge": s.urge.map(|u| u.to_text()),
        "started_at": s.started.to_rfc3339(),
        "length_secs": s.settings.length_secs,
        "interval_secs": s.settings.interval_secs,
        "state": st.state.as_str(),
        "elapsed_secs": st.active_ms / 1000,
        "pending_prompt": st.pending_prompt,
        "next_prompt": st.next_prompt,
        "next_prompt_at": st.next_prompt_at_utc_ms.and_then(rfc3339),
        "time_up_at": st.time_up_at_utc_ms.and_then(rfc3339),
        "closes_at": st.closes_at_utc_ms.and_then(rfc3339),
        "paused_secs": s.pauses.iter().map(|p| (p.to_utc_ms.unwrap_or(p.from_utc_ms) - p.from_utc_ms) / 1000).sum::<i64>(),
        "points": points,
        "note": s.note,
        "ended": s.ending.map(|e| json!({
            "at": rfc3339(e.at_utc_ms),
            "outcome": e.outcome.map(|o| o.as_str()),
            "closed_by": match e.closed_by {
                companion_core::surf::ClosedBy::Person => "person",
                companion_core::surf::ClosedBy::Timeout => "timeout",
            },
        })),
        "summary": {
            "peak": w.peak,
            "time_to_peak_secs": w.time_to_peak_ms.map(|m| m / 1000),
            "peak_to_half_secs": w.peak_to_half_ms.map(|m| m / 1000),
            "first": w.first,
            "last": w.last,
            "ratings": w.ratings,
            "missed": w.missed,
            "passed_without_acting": w.passed_without_acting,
        },
    });
    if let (Some(plan), Value::Object(m)) = (plan, &mut v) {
        let list: Vec<Value> = plan
            .upcoming
            .iter()
            .map(|n| {
                json!({
                    "key": n.key,
                    "at": rfc3339(n.at_utc_ms),
                    "kind": n.kind.as_str(),
                    "title": n.title,
                    "body": n.body,
                })
            })
            .collect();
        m.insert("notifications".into(), json!({ "group": plan.group, "upcoming": list }));
    }
    v
}

fn print_session(ctx: &Ctx, store: &Store, s: &SurfSession, ended_now: bool) -> CliResult {
    let now = now_ms(store);
    let st = s.status(now);
    let plan = s.notification_plan(now, store.notification_wording()?);
    if ctx.json {
        return print_json(&session_json(s, &st, Some(&plan)));
    }
    for l in summary_lines(ctx, s, &st) {
        println!("{l}");
    }
    if !ended_now && st.state != SurfState::Ended {
        if let Some(k) = st.pending_prompt {
            println!("Check-in {k} is due: how strong is it now? (`companion surf --checkin N`)");
        }
        if let Some(at) = st.next_prompt_at_utc_ms {
            println!("Next check-in in {}.", term::mmss((at - now).max(0) as u64));
        }
    }
    Ok(())
}

/// The wave and its figures, for people.
fn summary_lines(ctx: &Ctx, s: &SurfSession, st: &SurfStatus) -> Vec<String> {
    let w = s.summary();
    let mut out = Vec::new();
    let when = s.started.local().format("%H:%M").to_string();
    out.push(format!(
        "Surf session [{}] from {when}: {} of {} ({}).",
        format::short_id(&s.id),
        term::mmss(st.active_ms.min(st.length_ms)),
        term::mmss(st.length_ms),
        match (st.state, s.ending.and_then(|e| e.outcome)) {
            (SurfState::Ended, Some(o)) => o.label().to_string(),
            (SurfState::Ended, None) => "closed after being left open".to_string(),
            (state, _) => state.as_str().replace('-', " "),
        }
    ));
    out.extend(wave_chart(s, st, 40));
    if let Some(p) = w.peak {
        let mut l = format!("Peak {p}/10 after {}", term::mmss(w.time_to_peak_ms.unwrap_or(0)));
        if let Some(h) = w.peak_to_half_ms {
            l.push_str(&format!("; it halved {} later", term::mmss(h)));
        }
        if w.missed > 0 {
            l.push_str(&format!("; {} check-in{} missed", w.missed, if w.missed == 1 { "" } else { "s" }));
        }
        out.push(l + ".");
    }
    if let Some(e) = s.ending {
        out.push(
            match e.outcome {
                Some(SurfOutcome::Passed) => "You watched it rise and pass without acting on it. That is the skill.",
                Some(SurfOutcome::UsedPlan) => "You used your plan. That is what it is there for.",
                Some(SurfOutcome::StillStrong) => {
                    "It is still strong, and you stayed with it this long. Another exercise or your plan can help now."
                }
                Some(SurfOutcome::Acted) => {
                    "Thank you for being honest. What you noticed here is useful for next time; be kind to yourself."
                }
                None => "This session was closed automatically; nothing about its outcome was assumed.",
            }
            .to_string(),
        );
    }
    let _ = ctx;
    out
}

/// The wave as text: rows 10..0, one column per slice of the session.
fn wave_chart(s: &SurfSession, st: &SurfStatus, width: usize) -> Vec<String> {
    let length = st.length_ms.max(st.active_ms).max(1);
    let col = |active: u64| ((active as u128 * (width as u128 - 1)) / length as u128) as usize;
    let mut grid = vec![vec![' '; width]; 11];
    let mut missed = vec![' '; width];
    for p in &s.points {
        let c = col(p.active_ms).min(width - 1);
        match p.intensity {
            Some(v) => grid[10 - usize::from(v.min(10))][c] = '●',
            None => missed[c] = '×',
        }
    }
    let now_col = col(st.active_ms).min(width - 1);
    let mut out = Vec::new();
    for (i, row) in grid.iter().enumerate() {
        let v = 10 - i;
        let label = if v % 2 == 0 { format!("{v:>3} ┤") } else { "    │".to_string() };
        out.push(format!("{label}{}", row.iter().collect::<String>()));
    }
    let axis: String = (0..width)
        .map(|c| {
            if missed[c] != ' ' {
                '×'
            } else if c == now_col && st.state != SurfState::Ended {
                '▲'
            } else {
                '─'
            }
        })
        .collect();
    out.push(format!("    └{axis}"));
    let minutes = length / 60_000;
    let mut scale = vec![' '; width + 8];
    for m in [0, minutes / 2, minutes] {
        let c = col(m * 60_000);
        for (i, ch) in m.to_string().chars().enumerate() {
            if let Some(x) = scale.get_mut(5 + c + i) {
                *x = ch;
            }
        }
    }
    out.push(format!("{} min   ● rating  × missed check-in", scale.iter().collect::<String>().trim_end()));
    out
}

#[derive(PartialEq)]
enum Mode {
    Watching,
    /// Ending: first the last rating, then the outcome.
    FinalRating,
    Outcome(Option<u8>),
}

fn live_session(ctx: &Ctx, store: &Store, mut s: SurfSession) -> CliResult {
    let id = s.id;
    let mut screen = Screen::enter()?;
    let mut field = NumberField::default();
    let mut mode = Mode::Watching;
    let mut message = String::new();
    let mut leave_paused = false;
    let result: CliResult = loop {
        if screen.stopped() {
            break Ok(());
        }
        let now = now_ms(store);
        // Persist what the clock decided (a missed prompt, a timeout) as soon as it happens.
        let mut probe = s.clone();
        if probe.catch_up(now) {
            s = store.reopen_surf(id)?;
        }
        let st = s.status(now);
        if st.state == SurfState::Ended {
            break Ok(());
        }
        if st.state == SurfState::TimeUp && mode == Mode::Watching {
            mode = Mode::FinalRating;
            message = "Time is up. You stayed with it the whole way.".into();
        }
        screen.draw(&frame(&s, now, &st, &mode, &field, &message));
        let Some(key) = screen.key(Duration::from_millis(250)) else { continue };
        match (&mode, key) {
            (_, Key::Interrupt) | (Mode::Watching, Key::Char('q')) => {
                leave_paused = true;
                break Ok(());
            }
            (Mode::Watching, Key::Char('p') | Key::Char(' ')) => {
                s = if s.is_paused() { store.resume_surf(id)? } else { store.pause_surf(id)? };
                message = if s.is_paused() { "Paused. Press p to go on." } else { "Going on." }.into();
            }
            (Mode::Watching, Key::Char('e')) => {
                mode = Mode::FinalRating;
                message.clear();
            }
            (Mode::Watching, k) => {
                if let Some(Some(v)) = field.feed(k, 10) {
                    match store.surf_checkin(id, v, None) {
                        Ok(n) => {
                            s = n;
                            message = format!("Noted: {v}. Keep watching the wave.");
                        }
                        Err(e) => break Err(e.into()),
                    }
                }
            }
            (Mode::FinalRating, Key::Escape) if st.state != SurfState::TimeUp => {
                mode = Mode::Watching;
                field.text.clear();
            }
            (Mode::FinalRating, k) => {
                if let Some(v) = field.feed(k, 10) {
                    mode = Mode::Outcome(v);
                }
            }
            (Mode::Outcome(v), Key::Char(c @ '1'..='4')) => {
                let outcome = SurfOutcome::ALL[(c as u8 - b'1') as usize];
                match store.end_surf(id, SurfEnd { outcome, intensity: *v, note: None, strategies: vec![] }) {
                    Ok(n) => {
                        s = n;
                        break Ok(());
                    }
                    Err(e) => break Err(e.into()),
                }
            }
            (Mode::Outcome(_), Key::Escape) if st.state != SurfState::TimeUp => mode = Mode::Watching,
            _ => {}
        }
    };
    if leave_paused && s.ending.is_none() {
        // Ctrl-C pauses: the timer waits until `companion surf --resume`.
        s = store.pause_surf(id).unwrap_or(s);
    }
    drop(screen);
    result?;
    let st = s.status(now_ms(store));
    for l in summary_lines(ctx, &s, &st) {
        println!("{l}");
    }
    if s.ending.is_none() {
        if leave_paused {
            println!("Paused at {}. Continue with `companion surf --resume`.", term::mmss(st.active_ms));
        } else {
            println!("The session goes on. Continue with `companion surf --resume`.");
        }
        return Ok(());
    }
    after_end(ctx, store, &s)
}

/// After a session ended: the crisis step for risk words in its notes, and for "acted" the
/// slip and its chain analysis, for "still strong" the plan, a person and crisis lines.
fn after_end(ctx: &Ctx, store: &Store, s: &SurfSession) -> CliResult {
    let next = store.after_surf(s.id)?;
    crate::safety::show_crisis_first(ctx, &next);
    match crate::safety::offer(ctx, &next)? {
        crate::safety::Chosen::LogSlip(u) => crate::slip::log_after_urge(ctx, store, u),
        crate::safety::Chosen::Strategy(id) => {
            let used = store.start_strategy(
                id,
                companion_core::plan::UseContext { for_item: None, urge: s.urge, intensity: s.summary().last },
            )?;
            println!("Good choice: {}.", used.strategy_text);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Surf an urge that was just logged: the session continues that entry (one urge, not two).
pub fn surf_logged(ctx: &Ctx, store: &Store, urge: companion_core::RecordId) -> CliResult {
    let intensity = store.urge(urge)?.intensity;
    let s = store.start_surf(SurfStart { urge: Some(urge), intensity: Some(intensity), ..Default::default() })?;
    if term::interactive() && !ctx.json {
        return live_session(ctx, store, s);
    }
    say(ctx, "Started. Check in with `companion surf --checkin N`; end with `companion surf --end OUTCOME`.");
    print_session(ctx, store, &s, false)
}

fn frame(s: &SurfSession, now: i64, st: &SurfStatus, mode: &Mode, field: &NumberField, message: &str) -> Vec<String> {
    let mut l = Vec::new();
    l.push(format!(
        " Urge surfing · {} min · check-ins every {} min",
        s.settings.length_secs / 60,
        s.settings.interval_secs as f32 / 60.0
    ));
    l.push(String::new());
    let status = match st.state {
        SurfState::Paused => "paused".to_string(),
        SurfState::TimeUp => "time is up".to_string(),
        _ => match st.next_prompt_at_utc_ms {
            Some(at) => format!("next check-in in {}", term::mmss((at - now).max(0) as u64)),
            None => format!("{} left", term::mmss(st.length_ms.saturating_sub(st.active_ms))),
        },
    };
    l.push(format!(
        " [{}] {} of {}   {status}",
        term::bar(st.progress, 30),
        term::mmss(st.active_ms.min(st.length_ms)),
        term::mmss(st.length_ms)
    ));
    l.push(String::new());
    l.extend(wave_chart(s, st, 40).into_iter().map(|x| format!(" {x}")));
    l.push(String::new());
    let calm = CALM_LINES[((st.active_ms / 45_000) as usize) % CALM_LINES.len()];
    match mode {
        Mode::Watching => {
            l.push(format!(" {calm}"));
            l.push(String::new());
            if let Some(k) = st.pending_prompt {
                l.push(format!(" Check-in {k}: how strong is it now? (0-10, Enter): {}_", field.text));
            } else {
                l.push(format!(" Intensity now (0-10, Enter), any time: {}_", field.text));
            }
            l.push(format!(" {message}"));
            l.push(" [0-10 Enter] check in   [p] pause   [e] end   [Ctrl-C] pause and leave".into());
        }
        Mode::FinalRating => {
            l.push(format!(" {message}"));
            l.push(String::new());
            l.push(format!(" How strong is it now? (0-10, Enter; Enter alone to skip): {}_", field.text));
            l.push(String::new());
            l.push(" [Esc] back".into());
        }
        Mode::Outcome(_) => {
            l.push(" How did it go?".into());
            l.push(String::new());
            for (i, o) in SurfOutcome::ALL.iter().enumerate() {
                l.push(format!("   {}  {}", i + 1, o.label()));
            }
            l.push(String::new());
            l.push(" Press 1-4. Every answer is useful; none is a failure.".into());
        }
    }
    l
}

fn list(ctx: &Ctx, store: &Store) -> CliResult {
    let listing = store.surf_sessions(None, None)?;
    ctx.report_unreadable(&listing.unreadable);
    let now = now_ms(store);
    if ctx.json {
        return print_json(&Value::Array(
            listing.sessions.iter().map(|s| session_json(s, &s.status(now), None)).collect(),
        ));
    }
    if listing.sessions.is_empty() {
        println!("No surf sessions yet. Start one with `companion surf` when an urge comes.");
        return Ok(());
    }
    for s in &listing.sessions {
        let st = s.status(now);
        let w = s.summary();
        let spark: String = s
            .points
            .iter()
            .map(|p| match p.intensity {
                None => '·',
                Some(v) => ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][usize::from(v.min(10)) * 7 / 10],
            })
            .collect();
        println!(
            "{}  {}  {:<12} peak {:>2}  {:<24} [{}]",
            s.started.local().format("%Y-%m-%d %H:%M"),
            term::mmss(st.active_ms.min(st.length_ms)),
            spark,
            w.peak.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            match (s.ending.and_then(|e| e.outcome), st.state) {
                (Some(o), _) => o.label().to_string(),
                (None, SurfState::Ended) => "closed, no answer".to_string(),
                (None, state) => state.as_str().to_string(),
            },
            format::short_id(&s.id)
        );
    }
    let passed = listing.sessions.iter().filter(|s| s.summary().passed_without_acting == Some(true)).count();
    let n = listing.sessions.len();
    println!("\n{n} {}; {passed} passed without acting.", if n == 1 { "session" } else { "sessions" });
    Ok(())
}
