//! `companion`: the terminal client of the recovery companion, on the same core as the apps.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::large_enum_variant)] // parsed once per process

mod app;
mod ask;
mod backup;
mod chart;
mod checkin;
mod format;
mod goal;
mod ground;
mod insights;
mod keys;
mod plan;
mod plan_view;
mod safety;
mod share;
mod slip;
mod surf;
mod term;
mod urge;
mod words;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use app::{CliResult, Ctx, PassphraseSource};

const AFTER_HELP: &str = "\
What it is: a private companion for your therapy. It is not an emergency service: if you might
harm yourself or someone else, call your local emergency number now.

Your passphrase is asked at a prompt that does not echo. Scripts can hand it over on a file
descriptor (--passphrase-fd 3 3<~/.companion-pass) or in a file only you can read
(--passphrase-file PATH); never put it on the command line or in an exported variable, where
shell history and other programs can see it. Words about you (notes, slips, what you search
for) are asked at a prompt, or read from standard input, when you leave them out.

The data directory defaults to $COMPANION_DATA_DIR, then $XDG_DATA_HOME/companion, then
~/.local/share/companion.

Exit status: 0 success; 1 error (one line on stderr: wrong passphrase, no store, bad input...);
2 unrecognised command line; 3 done, but some entries could not be opened (each named on
stderr; nothing is deleted).";

/// A private companion for riding out urges, learning from them, and following your plan.
/// It is not an emergency service.
#[derive(Parser)]
#[command(name = "companion", version, after_help = AFTER_HELP, propagate_version = true)]
struct Cli {
    /// Read the passphrase from this open file descriptor (its first line), for scripts.
    #[arg(long, global = true, value_name = "FD", conflicts_with = "passphrase_file")]
    passphrase_fd: Option<i32>,

    /// Read the passphrase from the first line of this file (keep it readable only by you).
    #[arg(long, global = true, value_name = "PATH")]
    passphrase_file: Option<PathBuf>,

    /// Directory holding the encrypted store.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Time zone for "today" and for times you type (IANA name such as Europe/Berlin, or an
    /// offset such as +02:00). Defaults to $TZ, then the system zone.
    #[arg(long, global = true, value_name = "ZONE", env = "COMPANION_TZ")]
    tz: Option<String>,

    /// Print machine-readable JSON (stable field names) instead of text for people.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new encrypted store.
    Init(keys::InitArgs),
    /// Log, list, show, edit and delete urges.
    #[command(subcommand)]
    Urge(urge::UrgeCommand),
    /// Your coping plan: show it, edit it, and find what helps now.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Log a slip, learn from it with a chain analysis, and add what you learn to your plan.
    #[command(subcommand)]
    Slip(slip::SlipCommand),
    /// A short daily check-in: mood, stress, loneliness and sleep (0-10), and a few words.
    Checkin(checkin::CheckinArgs),
    /// SMART goals and their progress.
    #[command(subcommand)]
    Goal(goal::GoalCommand),
    /// Progress, urges per week, when urges come, what helps, and weekly summaries.
    Insights(insights::InsightsArgs),
    /// Write an encrypted, passphrase-protected backup of everything.
    Export(backup::ExportArgs),
    /// Restore a backup into a new, empty store.
    Import(backup::ImportArgs),
    /// Change how the store is unlocked.
    #[command(subcommand)]
    Passphrase(keys::PassphraseCommand),
    /// Show what the store holds (counts only) and how it is protected.
    Info,
    /// Ride out an urge: a timer, check-ins, and the wave drawn as it rises, peaks and passes.
    Surf(surf::SurfArgs),
    /// Do a guided breathing or grounding exercise, live.
    Ground(ground::GroundArgs),
    /// List the exercises; show, add or remove your own; see the ones you have done.
    Exercises(ground::ExercisesArgs),
    /// Share chosen categories with your clinician, end-to-end encrypted, only with consent.
    #[command(subcommand)]
    Share(share::ShareCommand),
    /// Send and receive what you share (only when you have consented to share something).
    Sync,
    /// Help now (crisis lines, people, the emergency number), and your safety settings.
    #[command(subcommand)]
    Safety(safety::SafetyCommand),
}

fn run(cli: Cli) -> CliResult {
    let passphrase = match (cli.passphrase_fd, cli.passphrase_file) {
        (Some(fd), _) => PassphraseSource::Fd(fd),
        (None, Some(path)) => PassphraseSource::File(path),
        (None, None) => PassphraseSource::Prompt,
    };
    let ctx = Ctx::new(cli.data_dir, cli.tz, cli.json, passphrase)?;
    match cli.command {
        Command::Init(a) => keys::init(&ctx, a),
        Command::Urge(c) => urge::run(&ctx, c),
        Command::Plan(c) => plan::run(&ctx, c),
        Command::Slip(c) => slip::run(&ctx, c),
        Command::Checkin(a) => checkin::run(&ctx, a),
        Command::Goal(c) => goal::run(&ctx, c),
        Command::Insights(a) => insights::run(&ctx, a),
        Command::Export(a) => backup::export(&ctx, a),
        Command::Import(a) => backup::import(&ctx, a),
        Command::Passphrase(c) => keys::passphrase(&ctx, c),
        Command::Info => keys::info(&ctx),
        Command::Surf(a) => surf::run(&ctx, a),
        Command::Safety(c) => safety::run(&ctx, c),
        Command::Ground(a) => ground::ground(&ctx, a),
        Command::Exercises(a) => ground::exercises(&ctx, a),
        Command::Share(c) => share::run(&ctx, c),
        Command::Sync => share::sync(&ctx),
    }?;
    if ctx.unreadable_seen.get() {
        std::process::exit(app::EXIT_UNREADABLE);
    }
    Ok(())
}

/// When a reader closes the pipe early (`companion urge list --json | head`), printing fails;
/// that is not an error of ours, so leave quietly instead of reporting a panic.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") || msg.contains("os error 32") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() {
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    if let Err(f) = run(cli) {
        eprintln!("companion: {}", f.message);
        std::process::exit(f.status);
    }
}
