//! `companion-clinician`: the clinician's side. Create an account from an admin invite, invite
//! clients, read what they consented to share (in a terminal, or in the local dashboard in the
//! browser), and suggest changes to a shared coping plan.
//!
//! The passphrase comes from COMPANION_CLINICIAN_PASSPHRASE, otherwise a prompt without echo;
//! it never leaves this machine (only a key derived from it is sent). Everything decrypted stays
//! in this process's memory.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use companion_clinician::dashboard::{self, DashboardOptions};
use companion_clinician::shared::{self, Session, SuggestionState};
use companion_clinician::suggest::{self, Suggestion};
use companion_clinician::terminal;
use companion_core::clinician::Clinician;
use companion_core::sync::http::HttpTransport;
use companion_core::sync::Transport;
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(name = "companion-clinician", version)]
struct Cli {
    /// The sync server, e.g. https://sync.clinic.example
    #[arg(long, env = "COMPANION_SERVER", default_value = "http://127.0.0.1:8420")]
    server: String,
    /// Your account's email.
    #[arg(long, env = "COMPANION_CLINICIAN_EMAIL")]
    email: Option<String>,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create your account from the invite your clinic's administrator gave you.
    Register {
        /// The invite token (base64url: it may begin with "-").
        #[arg(long, allow_hyphen_values = true)]
        invite: String,
        #[arg(long)]
        name: String,
    },
    /// Move an account made before OPAQUE logins to them, once (it keeps your key and shares).
    UpgradeLogin,
    /// Make a single-use invite for a client (give it as a link, QR code or text).
    Invite,
    /// The shares clients have given you.
    Shares,
    /// Read what a client shares (one share by id prefix, or all), in time order.
    Read {
        /// A share id or its first characters (base64url: it may begin with "-").
        #[arg(long, allow_hyphen_values = true)]
        share: Option<String>,
    },
    /// Suggest a change to a client's shared coping plan.
    Suggest {
        /// A share id or its first characters (base64url: it may begin with "-").
        #[arg(long, allow_hyphen_values = true)]
        share: String,
        /// Add a strategy for this trigger or warning sign (by name)...
        #[arg(long, requires = "strategy")]
        trigger: Option<String>,
        /// ...with these words (without --trigger: a strategy for any moment).
        #[arg(long)]
        strategy: Option<String>,
        /// Or add a reason for recovery.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Open the dashboard: served on this machine only (127.0.0.1), in your browser.
    Dashboard {
        /// Address to listen on (loopback only); default: a free port on 127.0.0.1.
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Forget the keys and everything decrypted after this many minutes without use.
        #[arg(long, value_name = "MINUTES", default_value_t = 15)]
        lock_after: u32,
        /// Do not try to open a browser (print the link only).
        #[arg(long)]
        no_browser: bool,
    },
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("companion-clinician: {msg}");
    std::process::exit(1)
}

fn passphrase(confirm: bool) -> Zeroizing<Vec<u8>> {
    if let Ok(p) = std::env::var("COMPANION_CLINICIAN_PASSPHRASE") {
        return Zeroizing::new(p.into_bytes());
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("Passphrase: ").unwrap_or_else(|_| fail("could not read the passphrase")),
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat it: ").unwrap_or_else(|_| fail("could not read the passphrase")),
        );
        if again != first {
            fail("the two passphrases differ");
        }
    }
    Zeroizing::new(first.as_bytes().to_vec())
}

/// The one HTTP client of this process (sessions borrow it for as long as they live).
fn transport() -> &'static dyn Transport {
    Box::leak(Box::new(HttpTransport::default()))
}

fn main() {
    let cli = Cli::parse();
    let net = transport();
    let email = || cli.email.clone().unwrap_or_else(|| fail("give --email (or COMPANION_CLINICIAN_EMAIL)"));
    let session = || Session::login(net, &cli.server, &email(), &passphrase(false), None).unwrap_or_else(|e| fail(e));
    // Logged in, with every share read.
    let reader = || {
        let mut s = session();
        s.refresh(shared::now_ms()).unwrap_or_else(|e| fail(e));
        s
    };
    match &cli.command {
        Command::Register { invite, name } => {
            let c = Clinician::register(net, &cli.server, invite, &email(), name, &passphrase(true))
                .unwrap_or_else(|e| fail(e));
            println!("Account created for {}. Your key code: {}", c.account.display_name, c.account.fingerprint);
            println!("Clients compare this code when they pair with you.");
        }
        Command::UpgradeLogin => {
            let c = Clinician::upgrade_legacy_login(net, &cli.server, &email(), &passphrase(false))
                .unwrap_or_else(|e| fail(e));
            println!("Your account now logs in with OPAQUE. Your key code is unchanged: {}", c.account.fingerprint);
        }
        Command::Invite => {
            let s = session();
            let invite = s.invite().unwrap_or_else(|e| fail(e));
            let (_, fingerprint) = s.account();
            if cli.json {
                println!("{}", serde_json::json!({ "invite": invite, "fingerprint": fingerprint }));
            } else {
                println!("{invite}");
                eprintln!("Give this to one client. Your key code, to compare with them: {fingerprint}");
            }
        }
        Command::Shares => shares(&reader(), cli.json),
        Command::Read { share } => read(&reader(), share.as_deref(), cli.json),
        Command::Suggest { share, trigger, strategy, reason } => {
            let mut wanted = Vec::new();
            if let Some(text) = strategy {
                wanted.push(Suggestion::Strategy { for_item: trigger.clone(), text: text.clone() });
            }
            if let Some(text) = reason {
                wanted.push(Suggestion::Reason { text: text.clone() });
            }
            if wanted.is_empty() {
                fail("say what to suggest: --strategy (with --trigger), or --reason");
            }
            suggest_cmd(reader(), share, &wanted);
        }
        Command::Dashboard { listen, lock_after, no_browser } => {
            let opts = DashboardOptions {
                server: cli.server.clone(),
                email: email(),
                listen: *listen,
                lock_after: std::time::Duration::from_secs(u64::from((*lock_after).max(1)) * 60),
                open_browser: !no_browser,
            };
            let s = session();
            if let Err(e) = dashboard::serve(net, s, opts) {
                fail(e);
            }
        }
    }
}

fn shares(s: &Session, json: bool) {
    let clients = s.clients();
    if json {
        let v: Vec<_> = clients.iter().flat_map(|c| &c.shares).map(terminal::share_json).collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    if clients.is_empty() {
        println!("No client shares anything with you yet.");
    }
    for c in &clients {
        for sh in &c.shares {
            let noun = if sh.updates == 1 { "update" } else { "updates" };
            let what = sh.category.map(|c| c.as_str()).unwrap_or("not yet known");
            println!("{}  {what}  from device {}  ({} {noun})", sh.id, sh.device_id, sh.updates);
        }
    }
}

fn read(s: &Session, prefix: Option<&str>, json: bool) {
    let mut clients = s.clients();
    for c in &mut clients {
        c.shares.retain(|sh| prefix.is_none_or(|p| sh.id.to_string().starts_with(p)));
    }
    clients.retain(|c| !c.shares.is_empty());
    if clients.is_empty() {
        fail("no such share");
    }
    if json {
        let v: Vec<_> = clients.iter().flat_map(|c| &c.shares).map(terminal::share_json).collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    for c in &clients {
        print!("{}", terminal::client_text(c));
    }
}

fn suggest_cmd(mut s: Session, prefix: &str, wanted: &[Suggestion]) {
    let clients = s.clients();
    let share = clients
        .iter()
        .flat_map(|c| &c.shares)
        .find(|sh| sh.id.to_string().starts_with(prefix))
        .unwrap_or_else(|| fail("no such share"));
    let shared::Content::CopingPlan(plan) = &*share.content else { fail("that share is not a coping plan") };
    let id = share.id;
    let made: Vec<_> = wanted.iter().map(|w| suggest::edit(plan, w).unwrap_or_else(|e| fail(e))).collect();
    let mut waiting = false;
    for (edit, summary) in made {
        let state = s.suggest(id, &[edit], summary, shared::now_ms()).unwrap_or_else(|e| fail(e));
        waiting |= state == SuggestionState::Waiting;
    }
    if waiting {
        fail("the suggestion could not be sent (the server did not answer); nothing was changed");
    }
    println!("Suggested. The client sees it, with your name, at their next sync.");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Invite tokens and share ids are base64url, so one in 32 begins with "-": they must
    /// still be taken as values, not as unknown options.
    #[test]
    fn values_that_begin_with_a_hyphen_are_accepted() {
        let cli =
            Cli::try_parse_from(["companion-clinician", "register", "--invite", "-Hkev_dpRPJ", "--name", "Dr Example"])
                .expect("register parses");
        assert!(matches!(&cli.command, Command::Register { invite, .. } if invite == "-Hkev_dpRPJ"));
        let cli = Cli::try_parse_from(["companion-clinician", "read", "--share", "-abc"]).expect("read parses");
        assert!(matches!(&cli.command, Command::Read { share: Some(s) } if s == "-abc"));
        let cli = Cli::try_parse_from(["companion-clinician", "suggest", "--share", "--x1", "--reason", "My family"])
            .expect("suggest parses");
        assert!(matches!(&cli.command, Command::Suggest { share, .. } if share == "--x1"));
        // A real option name is still an option when it comes where an option belongs.
        assert!(Cli::try_parse_from(["companion-clinician", "register", "--name", "Dr Example"]).is_err());
    }

    #[test]
    fn dashboard_options_parse() {
        let cli = Cli::try_parse_from([
            "companion-clinician",
            "dashboard",
            "--listen",
            "127.0.0.1:8999",
            "--lock-after",
            "5",
            "--no-browser",
        ])
        .expect("dashboard parses");
        assert!(matches!(&cli.command, Command::Dashboard { lock_after: 5, no_browser: true, listen: Some(_) }));
    }
}
