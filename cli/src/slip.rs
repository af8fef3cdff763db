//! `companion slip ...`: log a slip, walk through (or continue) its chain analysis, add what
//! it showed to the coping plan, and list, show, edit or delete slips.

use std::io::IsTerminal;

use clap::{Args, Subcommand};
use companion_core::plan::StrategyKind;
use companion_core::slip::{
    compassion, ChainAnswer, ChainStatus, ChainStep, LinkAlternative, LinkKind, NewChainLink, NewSlip, PlanPart,
    PlanSuggestion, Slip, SlipEdit, Vulnerability, VulnerabilityFactor,
};
use companion_core::time::{parse_date, LocalStamp};
use companion_core::{Error, RecordId, RecordKind, Store};
use serde_json::{json, Value};

use crate::app::{print_json, say, CliResult, Ctx, Failure};
use crate::ask::{delete_confirmed, tell, Answer, Asker};
use crate::{chart, format, safety, words};

#[derive(Subcommand)]
pub enum SlipCommand {
    /// Log a slip, in your own words (prints the new entry's id).
    Log(LogArgs),
    /// Walk through a chain analysis of a slip, or continue one; answers can also be given
    /// as options.
    Analyze(AnalyzeArgs),
    /// Add what a chain analysis showed to your coping plan.
    Plan(PlanArgs),
    /// List slips.
    List(ListArgs),
    /// Show one slip and its analysis.
    Show {
        /// The slip's id (the first few characters are enough).
        id: String,
    },
    /// Change when or what happened, or the urge it is linked to.
    Edit(EditArgs),
    /// Delete a slip and its analysis (a linked urge entry stays).
    Delete {
        id: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args)]
pub struct LogArgs {
    /// What happened, in a few words. Leave it out to be asked (or to read standard input),
    /// so it stays out of your shell history.
    what: Option<String>,
    /// Write what happened in $VISUAL or $EDITOR.
    #[arg(long, conflicts_with = "what")]
    editor: bool,
    /// When: 2026-03-29T23:30:00+02:00, "2026-03-29 23:30" or 23:30 (defaults to the linked
    /// urge's time, else now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// The urge entry this slip followed (its id or the first characters of it).
    #[arg(long, value_name = "ID")]
    urge: Option<String>,
    /// Start the chain analysis straight away.
    #[arg(long)]
    analyze: bool,
}

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The slip (default: the analysis you left unfinished most recently, else the latest slip).
    id: Option<String>,
    /// What made you more vulnerable: FACTOR or FACTOR:NOTE (sleep, stress, loneliness,
    /// substances, hunger, illness, conflict, boredom, exhaustion, other). Repeat for several.
    #[arg(long = "vulnerability", value_name = "FACTOR[:NOTE]")]
    vulnerabilities: Vec<String>,
    /// What set the chain off.
    #[arg(long, value_name = "TEXT")]
    prompting_event: Option<String>,
    /// One link, in order: KIND:TEXT (thought, feeling, sensation, action, event). Repeat for
    /// each link; replaces the links given before.
    #[arg(long = "link", value_name = "KIND:TEXT")]
    links: Vec<String>,
    /// What happened afterwards.
    #[arg(long, value_name = "TEXT")]
    consequences: Option<String>,
    /// What to try at link N next time: N:TEXT (links are numbered from 1). Repeat for several.
    #[arg(long = "instead", value_name = "N:TEXT")]
    instead: Vec<String>,
    /// What you would like to set right.
    #[arg(long, value_name = "TEXT")]
    repair: Option<String>,
    /// What you will do from here.
    #[arg(long, value_name = "TEXT")]
    commitment: Option<String>,
    /// A few kind words to yourself.
    #[arg(long, value_name = "TEXT")]
    self_compassion: Option<String>,
    /// Leave a step out (vulnerabilities, prompting-event, links, consequences, alternatives,
    /// repair, commitment, self-compassion).
    #[arg(long, value_name = "STEP")]
    skip: Vec<String>,
    /// Remove a step's answer, so it is asked again.
    #[arg(long, value_name = "STEP")]
    clear: Vec<String>,
}

impl AnalyzeArgs {
    fn has_answers(&self) -> bool {
        !self.vulnerabilities.is_empty()
            || self.prompting_event.is_some()
            || !self.links.is_empty()
            || self.consequences.is_some()
            || !self.instead.is_empty()
            || self.repair.is_some()
            || self.commitment.is_some()
            || self.self_compassion.is_some()
            || !self.skip.is_empty()
            || !self.clear.is_empty()
    }
}

#[derive(Args)]
pub struct PlanArgs {
    /// The slip (default: the latest slip).
    id: Option<String>,
    /// Add suggestion N (as numbered in the list). Repeat for several.
    #[arg(long = "add", value_name = "N")]
    add: Vec<usize>,
    /// Add every suggestion.
    #[arg(long, conflicts_with = "add")]
    all: bool,
    /// Your own words for the one suggestion added.
    #[arg(long, value_name = "TEXT")]
    text: Option<String>,
    /// For a strategy: the trigger or warning sign it is for.
    #[arg(long = "for", value_name = "NAME")]
    for_item: Option<String>,
    /// For a strategy: its kind (delay, distract, reach-out, ground, surf, environment,
    /// activity, compassion, reasons).
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    /// From this local day on (YYYY-MM-DD, today, yesterday).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Up to this local day.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
}

#[derive(Args)]
pub struct EditArgs {
    id: String,
    /// New words for what happened.
    #[arg(long, value_name = "TEXT")]
    what: Option<String>,
    /// A new time (same forms as `slip log --at`).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Link to this urge entry.
    #[arg(long, value_name = "ID", conflicts_with = "unlink_urge")]
    urge: Option<String>,
    /// Remove the link to an urge entry.
    #[arg(long)]
    unlink_urge: bool,
}

pub fn run(ctx: &Ctx, c: SlipCommand) -> CliResult {
    match c {
        SlipCommand::Log(a) => log(ctx, a),
        SlipCommand::Analyze(a) => analyze(ctx, a),
        SlipCommand::Plan(a) => plan(ctx, a),
        SlipCommand::List(a) => list(ctx, a),
        SlipCommand::Show { id } => show(ctx, &id),
        SlipCommand::Edit(a) => edit(ctx, a),
        SlipCommand::Delete { id, yes } => delete(ctx, &id, yes),
    }
}

fn resolve(store: &Store, text: &str) -> CliResult<RecordId> {
    Ok(store.resolve_id(RecordKind::Slip, text)?)
}

fn parse_time(ctx: &Ctx, store: &Store, t: &str) -> CliResult<LocalStamp> {
    Ok(LocalStamp::parse_user(t, &ctx.zone, store.clock().now())?)
}

fn log(ctx: &Ctx, a: LogArgs) -> CliResult {
    let store = ctx.open()?;
    let urge = a.urge.as_deref().map(|u| crate::urge::resolve(&store, u)).transpose()?;
    let occurred = a.at.as_deref().map(|t| parse_time(ctx, &store, t)).transpose()?;
    let source = if a.editor { words::Source::Editor } else { words::Source::Prompt(WHAT_HAPPENED) };
    let what = words::read(ctx, a.what, source)?
        .ok_or_else(|| Failure::new("nothing saved: a few words about what happened are enough"))?;
    log_slip(ctx, &store, NewSlip { what, occurred, urge }, a.analyze)
}

const WHAT_HAPPENED: &str = "What happened? A few words are enough; this is for learning, not judging.";

/// Log a slip and say what comes next: the crisis step first for risk words, then the longer
/// view of progress and the self-compassion prompt (never "current stretch: less than an
/// hour"), then the chain analysis (at once with `analyze`).
fn log_slip(ctx: &Ctx, store: &Store, new: NewSlip, analyze: bool) -> CliResult {
    let crisis = store.check_words(std::slice::from_ref(&new.what))?;
    let slip = store.log_slip(new)?;
    if ctx.json {
        let crisis = crisis.as_ref().map(safety::crisis_json).unwrap_or(Value::Null);
        return print_json(&json!({ "id": slip.id.to_text(), "crisis": crisis }));
    }
    if let Some(c) = &crisis {
        safety::show_crisis(ctx, c);
    }
    println!("{}", slip.id);
    say(ctx, compassion::AFTER_LOGGING);
    let p = store.progress()?;
    ctx.report_unreadable(&p.unreadable);
    for line in p.value.sentences_after_slip() {
        say(ctx, &line);
    }
    say(ctx, &format!("A prompt for you: {}", slip.compassion_prompt()));
    if analyze {
        return guided(ctx, store, slip.id);
    }
    say(
        ctx,
        &format!(
            "When you are ready, `companion slip analyze {}` walks through what led here; you can stop at any step and continue later.",
            format::short_id(&slip.id)
        ),
    );
    Ok(())
}

/// After acting on an urge (a next step picked after `urge log` or `surf`): ask what
/// happened, log the slip linked to the urge, and walk through the chain analysis.
pub fn log_after_urge(ctx: &Ctx, store: &Store, urge: Option<RecordId>) -> CliResult {
    let Some(what) = words::read(ctx, None, words::Source::Prompt(WHAT_HAPPENED))? else {
        say(ctx, "Nothing saved. `companion slip log` is there when you are ready.");
        return Ok(());
    };
    log_slip(ctx, store, NewSlip { what, occurred: None, urge }, true)
}

/// The slip to analyse when none is named (see [`Store::slip_to_analyze`]).
fn default_slip(store: &Store) -> CliResult<RecordId> {
    store.slip_to_analyze()?.ok_or_else(|| Failure::new("no slips logged yet"))
}

fn analyze(ctx: &Ctx, a: AnalyzeArgs) -> CliResult {
    let store = ctx.open()?;
    let id = match &a.id {
        Some(t) => resolve(&store, t)?,
        None => default_slip(&store)?,
    };
    if !a.has_answers() {
        if ctx.json {
            return Err(Failure::new("the guided analysis asks questions; give answers as options with --json"));
        }
        return guided(ctx, &store, id);
    }
    let answers = answers_from_flags(&a)?;
    let crisis = store.check_words(&answers.iter().flat_map(answer_words).collect::<Vec<_>>())?;
    if let Some(c) = &crisis {
        safety::show_crisis(ctx, c);
    }
    for answer in answers {
        store.answer_chain(id, answer)?;
    }
    let slip = store.slip(id)?;
    if ctx.json {
        return print_json(&slip_json(&slip));
    }
    println!("{}", status_words(&slip));
    if slip.chain.is_complete() {
        say(ctx, compassion::AFTER_ANALYSIS);
        suggest_plan(ctx, &store, &slip);
    }
    Ok(())
}

fn step_of(s: &str) -> CliResult<ChainStep> {
    Ok(ChainStep::parse(s)?)
}

fn vulnerability(s: &str) -> CliResult<Vulnerability> {
    let (f, note) = match s.split_once(':') {
        Some((f, n)) => (f, Some(n.trim().to_string()).filter(|n| !n.is_empty())),
        None => (s, None),
    };
    Ok(Vulnerability { factor: VulnerabilityFactor::parse(f)?, note })
}

fn link(s: &str) -> CliResult<NewChainLink> {
    let Some((k, t)) = s.split_once(':') else {
        return Err(Error::invalid("link", "write it as KIND:TEXT, for example thought:just this once").into());
    };
    Ok(NewChainLink { kind: LinkKind::parse(k)?, text: t.trim().to_string(), instead: None })
}

fn alternative(s: &str) -> CliResult<LinkAlternative> {
    let bad = || Failure::from(Error::invalid("link number", "write it as N:TEXT, with N the link's number from 1"));
    let (n, t) = s.split_once(':').ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    Ok(LinkAlternative { link: n.checked_sub(1).ok_or_else(bad)?, instead: t.trim().to_string() })
}

/// Answers from options, in the order of the steps.
fn answers_from_flags(a: &AnalyzeArgs) -> CliResult<Vec<ChainAnswer>> {
    let mut out = Vec::new();
    for c in &a.clear {
        out.push(ChainAnswer::Clear { step: step_of(c)? });
    }
    if !a.vulnerabilities.is_empty() {
        let items = a.vulnerabilities.iter().map(|v| vulnerability(v)).collect::<CliResult<Vec<_>>>()?;
        out.push(ChainAnswer::Vulnerabilities { items });
    }
    if let Some(t) = &a.prompting_event {
        out.push(ChainAnswer::PromptingEvent { text: t.clone() });
    }
    if !a.links.is_empty() {
        let links = a.links.iter().map(|l| link(l)).collect::<CliResult<Vec<_>>>()?;
        out.push(ChainAnswer::Links { links });
    }
    if let Some(t) = &a.consequences {
        out.push(ChainAnswer::Consequences { text: t.clone() });
    }
    if !a.instead.is_empty() {
        let items = a.instead.iter().map(|i| alternative(i)).collect::<CliResult<Vec<_>>>()?;
        out.push(ChainAnswer::Alternatives { items });
    }
    if let Some(t) = &a.repair {
        out.push(ChainAnswer::Repair { text: t.clone() });
    }
    if let Some(t) = &a.commitment {
        out.push(ChainAnswer::Commitment { text: t.clone() });
    }
    if let Some(t) = &a.self_compassion {
        out.push(ChainAnswer::SelfCompassion { text: t.clone() });
    }
    for s in &a.skip {
        out.push(ChainAnswer::Skip { step: step_of(s)? });
    }
    Ok(out)
}

/// Parse "1, 3: an argument; stress" (numbers or names, a note after a colon).
fn vulnerabilities_typed(t: &str) -> CliResult<Vec<Vulnerability>> {
    let mut out = Vec::new();
    for part in t.split([',', ';']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (f, note) = match part.split_once(':') {
            Some((f, n)) => (f.trim(), Some(n.trim().to_string()).filter(|n| !n.is_empty())),
            None => (part, None),
        };
        let factor = match f.parse::<usize>() {
            Ok(n) => *VulnerabilityFactor::ALL
                .get(n.wrapping_sub(1))
                .ok_or_else(|| Failure::from(Error::invalid("vulnerability factor", "use a number from the list")))?,
            Err(_) => VulnerabilityFactor::parse(f)?,
        };
        out.push(Vulnerability { factor, note });
    }
    Ok(out)
}

/// One step's answer from what was typed.
fn typed_answer(step: ChainStep, slip: &Slip, asker: &mut Asker) -> CliResult<Option<ChainAnswer>> {
    let q = step.question();
    let h = step.hint();
    let text = |a: Answer| -> Option<Option<String>> {
        match a {
            Answer::Text(t) => Some(Some(t)),
            Answer::Skip => Some(None),
            Answer::Stop => None,
        }
    };
    let skip = Some(ChainAnswer::Skip { step });
    // `Ok(None)` means stop here.
    Ok(match step {
        ChainStep::Vulnerabilities => {
            let list: Vec<String> = VulnerabilityFactor::ALL
                .iter()
                .enumerate()
                .map(|(i, f)| format!("  {}. {}", i + 1, f.describe()))
                .collect();
            let mut lines = vec![q, h];
            lines.extend(list.iter().map(String::as_str));
            lines.push("Type numbers or words, a note after a colon: 1, 3: an argument with my brother");
            match text(asker.ask(&lines)) {
                None => return Ok(None),
                Some(None) => skip,
                Some(Some(t)) => Some(ChainAnswer::Vulnerabilities { items: vulnerabilities_typed(&t)? }),
            }
        }
        ChainStep::Links => {
            let (lines, stopped) = asker.ask_many(&[
                q,
                h,
                "One link per line, starting with thought:, feeling:, sensation:, action: or event:. An empty line ends the list.",
            ]);
            if lines.is_empty() {
                return Ok(if stopped { None } else { skip });
            }
            let links = lines
                .iter()
                .map(|l| match link(l) {
                    Ok(x) => x,
                    Err(_) => NewChainLink { kind: LinkKind::Event, text: l.clone(), instead: None },
                })
                .collect();
            Some(ChainAnswer::Links { links })
        }
        ChainStep::Alternatives => {
            tell(q);
            tell(h);
            let mut items = Vec::new();
            for (i, l) in slip.chain.links.iter().enumerate() {
                let prompt = format!(
                    "Link {} ({}: {}): what could you try here?",
                    i + 1,
                    l.kind.as_str(),
                    chart::clip(&l.text, 60)
                );
                match asker.ask(&[&prompt]) {
                    Answer::Text(t) => items.push(LinkAlternative { link: i as u32, instead: t }),
                    Answer::Skip => {}
                    Answer::Stop => {
                        if items.is_empty() {
                            return Ok(None);
                        }
                        break;
                    }
                }
            }
            if items.is_empty() {
                skip
            } else {
                Some(ChainAnswer::Alternatives { items })
            }
        }
        _ => {
            let prompt = slip.compassion_prompt();
            let lines: Vec<&str> = if step == ChainStep::SelfCompassion { vec![q, prompt] } else { vec![q, h] };
            match text(asker.ask(&lines)) {
                None => return Ok(None),
                Some(None) => skip,
                Some(Some(t)) => Some(match step {
                    ChainStep::PromptingEvent => ChainAnswer::PromptingEvent { text: t },
                    ChainStep::Consequences => ChainAnswer::Consequences { text: t },
                    ChainStep::Repair => ChainAnswer::Repair { text: t },
                    ChainStep::Commitment => ChainAnswer::Commitment { text: t },
                    _ => ChainAnswer::SelfCompassion { text: t },
                }),
            }
        }
    })
}

/// Every word of an answer (for the risk check).
fn answer_words(a: &ChainAnswer) -> Vec<String> {
    match a {
        ChainAnswer::Vulnerabilities { items } => items.iter().filter_map(|v| v.note.clone()).collect(),
        ChainAnswer::PromptingEvent { text }
        | ChainAnswer::Consequences { text }
        | ChainAnswer::Repair { text }
        | ChainAnswer::Commitment { text }
        | ChainAnswer::SelfCompassion { text } => vec![text.clone()],
        ChainAnswer::Links { links } => {
            links.iter().flat_map(|l| std::iter::once(l.text.clone()).chain(l.instead.clone())).collect()
        }
        ChainAnswer::Alternatives { items } => items.iter().map(|i| i.instead.clone()).collect(),
        ChainAnswer::Skip { .. } | ChainAnswer::Clear { .. } => Vec::new(),
    }
}

/// The guided analysis: asks each step not yet answered or skipped, saving each answer.
fn guided(ctx: &Ctx, store: &Store, id: RecordId) -> CliResult {
    let first = store.slip(id)?;
    if first.chain.is_complete() {
        tell("This analysis is finished. To change a step, answer it again with an option (see `companion slip analyze --help`), or clear it with --clear STEP.");
        println!("{}", status_words(&first));
        return Ok(());
    }
    tell(&format!(
        "Looking back at the slip of {}, with curiosity rather than blame. Press Enter to skip a step; type `stop` to continue another time. Each answer is saved as you go.",
        format::day_heading(first.local_date())
    ));
    let mut asker = Asker::new();
    loop {
        let slip = store.slip(id)?;
        let Some(step) = slip.chain.next_step() else { break };
        tell("");
        match typed_answer(step, &slip, &mut asker)? {
            None => {
                tell(&format!("Saved. `companion slip analyze {}` continues from here.", format::short_id(&id)));
                println!("{}", status_words(&slip));
                return Ok(());
            }
            Some(answer) => {
                if let Some(c) = store.check_words(&answer_words(&answer))? {
                    safety::show_crisis(ctx, &c);
                }
                if let Err(e) = store.answer_chain(id, answer) {
                    // Ask the same step again, saying what to change.
                    tell(&format!("companion: {e}"));
                }
            }
        }
    }
    let slip = store.slip(id)?;
    tell("");
    tell(compassion::AFTER_ANALYSIS);
    println!("{}", status_words(&slip));
    suggest_plan_to_stderr(store, &slip);
    Ok(())
}

fn status_words(s: &Slip) -> String {
    let answered = s.chain.answered.len();
    match s.chain.status() {
        ChainStatus::NotStarted => "Analysis: not started.".to_string(),
        ChainStatus::InProgress { next } => format!(
            "Analysis: {answered} of {} steps answered; continues at \"{}\".",
            ChainStep::ALL.len(),
            next.question()
        ),
        ChainStatus::Complete => {
            format!("Analysis: finished ({answered} steps answered, {} skipped).", s.chain.skipped.len())
        }
    }
}

fn suggestion_words(s: &PlanSuggestion) -> String {
    match (s.part, &s.for_item) {
        (PlanPart::Strategy, Some(f)) => format!(
            "strategy for \"{}\"{}: {}",
            f,
            s.kind.map(|k| format!(" ({})", k.label())).unwrap_or_default(),
            s.text
        ),
        (PlanPart::WarningSign, _) => format!("warning sign: {}", s.text),
        (PlanPart::Trigger, _) => format!("trigger: {}", s.text),
        (PlanPart::EnvironmentChange, _) => format!("safer surroundings: {}", s.text),
        (PlanPart::Reason, _) => format!("reason for recovery: {}", s.text),
        (PlanPart::Strategy, None) => format!("strategy: {}", s.text),
    }
}

fn suggest_plan(ctx: &Ctx, store: &Store, s: &Slip) {
    let n = store.slip_plan_suggestions(s.id).map(|v| v.len()).unwrap_or(0);
    if n > 0 {
        say(
            ctx,
            &format!(
                "`companion slip plan {}` can add what you learned to your coping plan ({n} suggestion{}).",
                format::short_id(&s.id),
                if n == 1 { "" } else { "s" }
            ),
        );
    }
}

fn suggest_plan_to_stderr(store: &Store, s: &Slip) {
    let n = store.slip_plan_suggestions(s.id).map(|v| v.len()).unwrap_or(0);
    if n > 0 {
        tell(&format!(
            "`companion slip plan {}` can add what you learned to your coping plan ({n} suggestion{}).",
            format::short_id(&s.id),
            if n == 1 { "" } else { "s" }
        ));
    }
}

fn plan(ctx: &Ctx, a: PlanArgs) -> CliResult {
    let store = ctx.open()?;
    let id = match &a.id {
        Some(t) => resolve(&store, t)?,
        None => {
            store.slips(None, None)?.slips.last().map(|s| s.id).ok_or_else(|| Failure::new("no slips logged yet"))?
        }
    };
    let slip = store.slip(id)?;
    let offered = store.slip_plan_suggestions(id)?;
    let mut picks: Vec<usize> = if a.all { (1..=offered.len()).collect() } else { a.add.clone() };
    if picks.is_empty() && !ctx.json {
        if offered.is_empty() {
            println!("Nothing new to add from this slip's analysis.");
            if !slip.plan_additions.is_empty() {
                println!("Already added: {}.", slip.plan_additions.len());
            }
            return Ok(());
        }
        println!("From this slip's analysis, you could add to your coping plan:");
        for (i, s) in offered.iter().enumerate() {
            println!("  {}. {}", i + 1, suggestion_words(s));
            if !s.why.is_empty() {
                println!("     {}", s.why);
            }
        }
        if !std::io::stdin().is_terminal() {
            println!("Add with --add N (repeat for several), or --all.");
            return Ok(());
        }
        match Asker::new().ask(&["Which would you like to add? Numbers, separated by spaces; Enter for none."]) {
            Answer::Text(t) => {
                for w in t.split([' ', ',']).filter(|w| !w.is_empty()) {
                    picks.push(w.parse().map_err(|_| Failure::new("type the numbers of the suggestions to add"))?);
                }
            }
            Answer::Skip | Answer::Stop => return Ok(()),
        }
    }
    if picks.is_empty() && ctx.json {
        return print_json(&json!({ "suggestions": offered.iter().map(suggestion_json).collect::<Vec<_>>() }));
    }
    if (a.text.is_some() || a.for_item.is_some() || a.kind.is_some()) && picks.len() != 1 {
        return Err(Failure::new("--text, --for and --kind change one suggestion: add one at a time"));
    }
    let mut chosen = Vec::new();
    for n in &picks {
        let mut s = n
            .checked_sub(1)
            .and_then(|i| offered.get(i))
            .cloned()
            .ok_or_else(|| Failure::new(format!("there is no suggestion {n}; see `companion slip plan`")))?;
        if let Some(t) = &a.text {
            s.text = t.clone();
        }
        if let Some(f) = &a.for_item {
            s.for_item = Some(f.clone());
        }
        if let Some(k) = &a.kind {
            s.kind = Some(StrategyKind::parse(k).ok_or_else(|| {
                Failure::from(Error::invalid(
                    "kind",
                    "use delay, distract, reach-out, ground, surf, environment, activity, compassion or reasons",
                ))
            })?);
        }
        chosen.push(s);
    }
    let mut last = slip;
    for s in chosen {
        last = store.add_to_plan_from_slip(id, s.clone())?;
        if !ctx.json {
            println!("Added to your plan: {}", suggestion_words(&s));
        }
    }
    if ctx.json {
        return print_json(&slip_json(&last));
    }
    Ok(())
}

fn list(ctx: &Ctx, a: ListArgs) -> CliResult {
    let store = ctx.open()?;
    let today = store.clock().today();
    let from = a.since.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let to = a.until.as_deref().map(|d| parse_date(d, today)).transpose()?;
    let listing = store.slips(from, to)?;
    ctx.report_unreadable(&listing.unreadable);
    if ctx.json {
        return print_json(&Value::Array(listing.slips.iter().map(slip_json).collect()));
    }
    if listing.slips.is_empty() {
        println!("No slips logged{}.", if from.is_some() || to.is_some() { " in that time" } else { "" });
        return Ok(());
    }
    let width = chart::term_width();
    for s in &listing.slips {
        let status = match s.chain.status() {
            ChainStatus::NotStarted => "not analysed yet".to_string(),
            ChainStatus::InProgress { .. } => {
                format!("analysis {} of {} steps", s.chain.answered.len(), ChainStep::ALL.len())
            }
            ChainStatus::Complete => "analysed".to_string(),
        };
        let head = format!("{} {}  ", s.local_date().format("%a %-d %b %Y"), format::clock_time(&s.occurred));
        let tail = format!("  · {status}  [{}]", format::short_id(&s.id));
        let room = width.saturating_sub(head.chars().count() + tail.chars().count()).max(10);
        println!("{head}{}{tail}", chart::clip(&s.what, room));
    }
    let p = store.progress()?;
    println!();
    for line in p.value.sentences() {
        println!("{line}");
    }
    Ok(())
}

fn show(ctx: &Ctx, id: &str) -> CliResult {
    let store = ctx.open()?;
    let s = store.slip(resolve(&store, id)?)?;
    if ctx.json {
        return print_json(&slip_json(&s));
    }
    let mut out = vec![
        format!("Slip {}", s.id),
        format!("When:      {} at {}", format::day_heading(s.local_date()), format::clock_time(&s.occurred)),
        format!("What:      {}", s.what),
    ];
    if let Some(u) = s.urge {
        let linked = match store.urge(u) {
            Ok(_) => format!("[{}]", format::short_id(&u)),
            Err(_) => "an urge entry that was since deleted".to_string(),
        };
        out.push(format!("Urge:      {linked}"));
    }
    out.push(status_words(&s));
    let c = &s.chain;
    if !c.vulnerabilities.is_empty() {
        out.push("Vulnerable because of:".into());
        for v in &c.vulnerabilities {
            out.push(match &v.note {
                Some(n) => format!("  - {}: {n}", v.factor.describe()),
                None => format!("  - {}", v.factor.describe()),
            });
        }
    }
    if let Some(p) = &c.prompting_event {
        out.push(format!("Set off by: {p}"));
    }
    if !c.links.is_empty() {
        out.push("The chain:".into());
        for (i, l) in c.links.iter().enumerate() {
            out.push(format!("  {}. {}: {}", i + 1, l.kind.as_str(), l.text));
            if let Some(t) = &l.instead {
                out.push(format!("     next time: {t}"));
            }
        }
    }
    for (label, v) in [
        ("Afterwards", &c.consequences),
        ("Repair", &c.repair),
        ("From here", &c.commitment),
        ("To myself", &c.self_compassion),
    ] {
        if let Some(t) = v {
            out.push(format!("{label}: {t}"));
        }
    }
    if c.self_compassion.is_none() {
        out.push(format!("A prompt for you: {}", s.compassion_prompt()));
    }
    if !s.plan_additions.is_empty() {
        out.push("Added to your plan:".into());
        for a in &s.plan_additions {
            out.push(format!("  - {}", suggestion_words(&a.as_suggestion())));
        }
    }
    println!("{}", out.join("\n"));
    Ok(())
}

fn edit(ctx: &Ctx, a: EditArgs) -> CliResult {
    let store = ctx.open()?;
    let id = resolve(&store, &a.id)?;
    let edit = SlipEdit {
        what: a.what,
        occurred: a.at.as_deref().map(|t| parse_time(ctx, &store, t)).transpose()?,
        urge: a.urge.as_deref().map(|u| crate::urge::resolve(&store, u)).transpose()?,
        unlink_urge: a.unlink_urge,
    };
    let s = store.edit_slip(id, edit)?;
    if ctx.json {
        return print_json(&slip_json(&s));
    }
    println!("Saved.");
    Ok(())
}

fn delete(ctx: &Ctx, id: &str, yes: bool) -> CliResult {
    let store = ctx.open()?;
    let id = resolve(&store, id)?;
    delete_confirmed(ctx, yes, "this slip and its analysis", id, || store.delete_slip(id))
}

fn utc_ms_rfc3339(ms: i64) -> Option<String> {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn suggestion_json(s: &PlanSuggestion) -> Value {
    json!({
        "part": s.part.as_str(),
        "text": s.text,
        "for": s.for_item,
        "kind": s.kind.map(|k| k.as_str()),
        "why": s.why,
    })
}

/// The stable JSON form of a slip.
pub fn slip_json(s: &Slip) -> Value {
    let c = &s.chain;
    let (status, next) = match c.status() {
        ChainStatus::NotStarted => ("not_started", None),
        ChainStatus::InProgress { next } => ("in_progress", Some(next.as_str())),
        ChainStatus::Complete => ("complete", None),
    };
    json!({
        "id": s.id.to_text(),
        "occurred_at": s.occurred.to_rfc3339(),
        "local_date": s.local_date().to_string(),
        "time_zone": s.occurred.zone,
        "logged_at": s.logged.to_rfc3339(),
        "edited_at": s.edited_utc_ms.and_then(utc_ms_rfc3339),
        "what": s.what,
        "urge": s.urge.map(|u| u.to_text()),
        "chain": {
            "status": status,
            "next_step": next,
            "vulnerabilities": c.vulnerabilities.iter().map(|v| json!({ "factor": v.factor.as_str(), "note": v.note })).collect::<Vec<_>>(),
            "prompting_event": c.prompting_event,
            "links": c.links.iter().map(|l| json!({ "kind": l.kind.as_str(), "text": l.text, "instead": l.instead })).collect::<Vec<_>>(),
            "consequences": c.consequences,
            "repair": c.repair,
            "commitment": c.commitment,
            "self_compassion": c.self_compassion,
            "answered": c.answered.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            "skipped": c.skipped.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
        },
        "chain_completed_at": s.chain_completed.as_ref().map(|c| c.to_rfc3339()),
        "plan_additions": s.plan_additions.iter().map(|a| json!({
            "part": a.part.as_str(),
            "text": a.text,
            "for": a.for_item,
            "kind": a.kind.map(|k| k.as_str()),
            "added_at": utc_ms_rfc3339(a.added_utc_ms),
        })).collect::<Vec<_>>(),
        "plan_suggestions": s.plan_suggestions().iter().map(suggestion_json).collect::<Vec<_>>(),
        "compassion_prompt": s.compassion_prompt(),
    })
}
