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
mod insights;
mod keys;
mod slip;
mod urge;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use app::{CliResult, Ctx};

const AFTER_HELP: &str = "\
The passphrase comes from COMPANION_PASSPHRASE when it is set, otherwise from a prompt that
does not echo. The data directory defaults to $COMPANION_DATA_DIR, then
$XDG_DATA_HOME/companion, then ~/.local/share/companion.

Exit status: 0 success; 1 error (one line on stderr: wrong passphrase, no store, bad input...);
2 unrecognised command line; 3 done, but some entries could not be opened (each named on
stderr; nothing is deleted).";

/// A private companion for riding out urges, learning from them, and following your plan.
#[derive(Parser)]
#[command(name = "companion", version, after_help = AFTER_HELP, propagate_version = true)]
struct Cli {
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
}

fn run(cli: Cli) -> CliResult {
    let ctx = Ctx::new(cli.data_dir, cli.tz, cli.json)?;
    match cli.command {
        Command::Init(a) => keys::init(&ctx, a),
        Command::Urge(c) => urge::run(&ctx, c),
        Command::Slip(c) => slip::run(&ctx, c),
        Command::Checkin(a) => checkin::run(&ctx, a),
        Command::Goal(c) => goal::run(&ctx, c),
        Command::Insights(a) => insights::run(&ctx, a),
        Command::Export(a) => backup::export(&ctx, a),
        Command::Import(a) => backup::import(&ctx, a),
        Command::Passphrase(c) => keys::passphrase(&ctx, c),
        Command::Info => keys::info(&ctx),
    }?;
    if ctx.unreadable_seen.get() {
        std::process::exit(app::EXIT_UNREADABLE);
    }
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    if let Err(f) = run(cli) {
        eprintln!("companion: {}", f.message);
        std::process::exit(f.status);
    }
}
