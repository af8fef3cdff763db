//! `companion-clinician`: the clinician's side in a terminal (the reference for the web
//! dashboard). Create an account from an admin invite, invite clients, read what they
//! consented to share, and suggest changes to a shared coping plan.
//!
//! The passphrase comes from COMPANION_CLINICIAN_PASSPHRASE, otherwise a prompt without echo;
//! it never leaves this machine (only a key derived from it is sent).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use clap::{Parser, Subcommand};
use companion_core::clinician::{Clinician, SharedView};
use companion_core::plan::{PlanEdit, StrategyKind};
use companion_core::protocol::CLINICIAN_KDF_ITERATIONS;
use companion_core::sync::http::HttpTransport;
use zeroize::Zeroizing;

mod render;

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
    /// Make a single-use invite for a client (give it as a link, QR code or text).
    Invite,
    /// The shares clients have given you.
    Shares,
    /// Read what a client shares (one share by id prefix, or all).
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
        /// ...with these words.
        #[arg(long)]
        strategy: Option<String>,
        /// Or add a reason for recovery.
        #[arg(long)]
        reason: Option<String>,
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
    let first = rpassword::prompt_password("Passphrase: ").unwrap_or_else(|_| fail("could not read the passphrase"));
    if confirm {
        let again = rpassword::prompt_password("Repeat it: ").unwrap_or_else(|_| fail("could not read the passphrase"));
        if again != first {
            fail("the two passphrases differ");
        }
    }
    Zeroizing::new(first.into_bytes())
}

fn main() {
    let cli = Cli::parse();
    let net = HttpTransport::default();
    let email = || cli.email.clone().unwrap_or_else(|| fail("give --email (or COMPANION_CLINICIAN_EMAIL)"));
    let login = || Clinician::login(&net, &cli.server, &email(), &passphrase(false)).unwrap_or_else(|e| fail(e));
    match &cli.command {
        Command::Register { invite, name } => {
            let c = Clinician::register(
                &net,
                &cli.server,
                invite,
                &email(),
                name,
                &passphrase(true),
                CLINICIAN_KDF_ITERATIONS,
            )
            .unwrap_or_else(|e| fail(e));
            println!("Account created for {}. Your key code: {}", c.account.display_name, c.account.fingerprint);
            println!("Clients compare this code when they pair with you.");
        }
        Command::Invite => {
            let c = login();
            let invite = c.invite().unwrap_or_else(|e| fail(e));
            if cli.json {
                println!("{}", serde_json::json!({ "invite": invite, "fingerprint": c.account.fingerprint }));
            } else {
                println!("{invite}");
                eprintln!("Give this to one client. Your key code, to compare with them: {}", c.account.fingerprint);
            }
        }
        Command::Shares => {
            let c = login();
            let shares = c.shares().unwrap_or_else(|e| fail(e));
            if cli.json {
                let v: Vec<_> = shares
                    .iter()
                    .map(|s| serde_json::json!({"share": s.share_id.to_string(), "device": s.device_id, "last_seq": s.last_seq}))
                    .collect();
                println!("{}", serde_json::Value::Array(v));
            } else if shares.is_empty() {
                println!("No client shares anything with you yet.");
            } else {
                for s in shares {
                    let noun = if s.last_seq == 1 { "update" } else { "updates" };
                    println!("{}  from device {}  ({} {noun})", s.share_id, s.device_id, s.last_seq);
                }
            }
        }
        Command::Read { share } => {
            let c = login();
            let shares = c.shares().unwrap_or_else(|e| fail(e));
            let chosen: Vec<_> = shares
                .iter()
                .filter(|s| share.as_ref().is_none_or(|p| s.share_id.to_string().starts_with(p.as_str())))
                .collect();
            if chosen.is_empty() {
                fail("no such share");
            }
            let mut out = Vec::new();
            for s in chosen {
                let doc = c.open(s).unwrap_or_else(|e| fail(e));
                let view = doc.view().unwrap_or_else(|e| fail(e));
                if cli.json {
                    out.push(serde_json::json!({ "share": s.share_id.to_string(), "device": s.device_id, "content": view.to_json() }));
                } else {
                    println!("Share {} from device {}", s.share_id, s.device_id);
                    println!("{}", render::view_text(&view));
                }
            }
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
        }
        Command::Suggest { share, trigger, strategy, reason } => {
            let c = login();
            let info = c
                .shares()
                .unwrap_or_else(|e| fail(e))
                .into_iter()
                .find(|s| s.share_id.to_string().starts_with(share.as_str()))
                .unwrap_or_else(|| fail("no such share"));
            let mut doc = c.open(&info).unwrap_or_else(|e| fail(e));
            let SharedView::Plan(plan) = doc.view().unwrap_or_else(|e| fail(e)) else {
                fail("that share is not a coping plan");
            };
            let mut edits = Vec::new();
            if let (Some(t), Some(text)) = (trigger, strategy) {
                let item =
                    plan.find_item(t).unwrap_or_else(|| fail("the plan has no trigger or warning sign by that name"));
                edits.push(PlanEdit::AddStrategy {
                    for_item: Some(item.id),
                    text: text.clone(),
                    kind: Some(StrategyKind::guess(text)),
                });
            }
            if let Some(r) = reason {
                edits.push(PlanEdit::AddReason { text: r.clone() });
            }
            if edits.is_empty() {
                fail("say what to suggest: --trigger and --strategy, or --reason");
            }
            doc.suggest(&edits).unwrap_or_else(|e| fail(e));
            doc.push(&c).unwrap_or_else(|e| fail(e));
            println!("Suggested. The client sees it, with your name, at their next sync.");
        }
    }
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
}
