//! `companion share ...` and `companion sync`: pairing with a clinician, consent, preview,
//! withdrawal, status, and syncing.

use clap::{Args, Subcommand};
use companion_core::share::{Category, ConsentRequest, ShareState};
use companion_core::sync::http::HttpTransport;
use companion_core::time::parse_date;
use serde_json::json;

use crate::app::{confirm, print_json, CliResult, Ctx, Failure};
use crate::format::count;

#[derive(Subcommand)]
pub enum ShareCommand {
    /// Pair with a clinician using the invite they gave you (a link or text starting with
    /// companion-invite:). Compare the code shown with theirs.
    Pair { invite: String },
    /// Agree to share categories with someone you are paired with. Shows what will be sent
    /// and asks first (pass --yes to skip the question).
    Consent(ConsentArgs),
    /// Show exactly what would be sent for some categories, and what never is.
    Preview(PreviewArgs),
    /// Stop sharing with someone (all categories, or those given). Nothing more is sent; the
    /// next sync asks the server to erase what it holds. Your own data stays.
    Revoke {
        /// Who (their name as paired).
        name: String,
        /// Only these categories (comma-separated).
        #[arg(long, value_delimiter = ',')]
        categories: Vec<String>,
        #[arg(long)]
        yes: bool,
    },
    /// Who you are paired with, what you share, and how syncing goes.
    Status,
    /// Every consent given or withdrawn, with the wording version you saw.
    Receipts,
}

#[derive(Args)]
pub struct ConsentArgs {
    /// Who to share with (their name as paired).
    #[arg(long)]
    to: String,
    /// Categories, comma-separated: weekly-summaries, urges, notes, surf-waves, exercise-sessions,
    /// slips, check-ins, goals, coping-plan.
    #[arg(long, value_delimiter = ',', required = true)]
    categories: Vec<String>,
    /// Also share what you recorded before today (otherwise only from today on).
    #[arg(long)]
    include_history: bool,
    /// Stop sharing automatically after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Do not ask.
    #[arg(long)]
    yes: bool,
}

#[derive(Args)]
pub struct PreviewArgs {
    /// Categories (default: all).
    #[arg(long, value_delimiter = ',')]
    categories: Vec<String>,
    #[arg(long)]
    include_history: bool,
}

fn categories(list: &[String]) -> CliResult<Vec<Category>> {
    Ok(list.iter().map(|c| Category::parse(c)).collect::<Result<_, _>>()?)
}

pub fn run(ctx: &Ctx, c: ShareCommand) -> CliResult {
    match c {
        ShareCommand::Pair { invite } => pair(ctx, &invite),
        ShareCommand::Consent(a) => consent(ctx, a),
        ShareCommand::Preview(a) => preview(ctx, a),
        ShareCommand::Revoke { name, categories: cats, yes } => revoke(ctx, &name, &cats, yes),
        ShareCommand::Status => status(ctx),
        ShareCommand::Receipts => receipts(ctx),
    }
}

fn pair(ctx: &Ctx, invite: &str) -> CliResult {
    let store = ctx.open()?;
    let p = store.pair(invite, &HttpTransport::default())?;
    if ctx.json {
        return print_json(
            &json!({ "pairing": p.id.to_text(), "clinician": p.clinician_name, "fingerprint": p.fingerprint, "server": p.server }),
        );
    }
    println!("Paired with {} at {}.", p.clinician_name, p.server);
    println!("Their key code: {}", p.fingerprint);
    println!("Compare it with the code they see; if it differs, revoke and ask for a new invite.");
    println!(
        "Nothing is shared until you consent: companion share consent --to \"{}\" --categories ...",
        p.clinician_name
    );
    Ok(())
}

fn consent(ctx: &Ctx, a: ConsentArgs) -> CliResult {
    let store = ctx.open()?;
    let pairing = store.pairing_named(&a.to)?;
    let cats = categories(&a.categories)?;
    let until = a.until.as_deref().map(|u| parse_date(u, store.clock().today())).transpose()?;
    let previews = store.preview_consent(&cats, a.include_history)?;
    if !ctx.json {
        println!("You are about to share with {} ({}):", pairing.clinician_name, pairing.fingerprint);
        for p in &previews {
            println!("\n  {} ({} entries now)", p.category, p.entries);
            println!("    {}", p.wording);
            println!("    Never sent with it: {}", p.never_sent.join("; "));
        }
        println!(
            "\n{}. You can withdraw any time with: companion share revoke \"{}\"",
            if a.include_history { "Including what you recorded before today" } else { "From today on" },
            pairing.clinician_name
        );
    }
    if !a.yes && !confirm("Share this?") {
        return Err(Failure::new("nothing shared (pass --yes to agree without the question)"));
    }
    let made = store.grant_consent(&ConsentRequest {
        pairing: pairing.id,
        categories: cats,
        include_history: a.include_history,
        until,
    })?;
    if ctx.json {
        return print_json(
            &json!({ "shares": made.iter().map(|s| json!({"id": s.id.to_text(), "category": s.category.as_str()})).collect::<Vec<_>>() }),
        );
    }
    println!("Consent recorded. It will be sent, end-to-end encrypted, at the next sync (companion sync).");
    Ok(())
}

fn preview(ctx: &Ctx, a: PreviewArgs) -> CliResult {
    let store = ctx.open()?;
    let cats = if a.categories.is_empty() { Category::ALL.to_vec() } else { categories(&a.categories)? };
    let previews = store.preview_consent(&cats, a.include_history)?;
    if ctx.json {
        let v: Vec<serde_json::Value> = previews
            .iter()
            .map(|p| {
                json!({
                    "category": p.category.as_str(),
                    "wording": p.wording,
                    "entries": p.entries,
                    "document": serde_json::from_str::<serde_json::Value>(&p.json).unwrap_or(serde_json::Value::Null),
                    "never_sent": p.never_sent,
                })
            })
            .collect();
        return print_json(&serde_json::Value::Array(v));
    }
    for p in previews {
        println!("== {} ({} entries)", p.category, p.entries);
        println!("{}", p.wording);
        println!("Never sent with it: {}", p.never_sent.join("; "));
        println!("{}\n", p.json);
    }
    Ok(())
}

fn revoke(ctx: &Ctx, name: &str, cats: &[String], yes: bool) -> CliResult {
    let store = ctx.open()?;
    let pairing = store.pairing_named(name)?;
    let cats = categories(cats)?;
    if !yes && !confirm(&format!("Stop sharing with {}?", pairing.clinician_name)) {
        return Err(Failure::new("nothing changed (pass --yes to stop sharing without the question)"));
    }
    let changed = store.withdraw_consent(pairing.id, &cats)?;
    if ctx.json {
        return print_json(&json!({ "withdrawn": changed.iter().map(|s| s.category.as_str()).collect::<Vec<_>>() }));
    }
    println!(
        "Stopped sharing {} with {}.",
        changed.iter().map(|s| s.category.as_str()).collect::<Vec<_>>().join(", "),
        pairing.clinician_name
    );
    println!("Nothing more will be sent. The next sync asks the server to erase what it holds; your own data stays.");
    Ok(())
}

fn status(ctx: &Ctx) -> CliResult {
    let store = ctx.open()?;
    let (pairings, shares) = (store.pairings()?, store.shares()?);
    ctx.report_unreadable(&pairings.unreadable);
    ctx.report_unreadable(&shares.unreadable);
    let (pairings, shares) = (pairings.records, shares.records);
    if ctx.json {
        return print_json(&json!({
            "pairings": pairings.iter().map(|p| json!({"id": p.id.to_text(), "clinician": p.clinician_name, "fingerprint": p.fingerprint, "server": p.server})).collect::<Vec<_>>(),
            "shares": shares.iter().map(|s| json!({
                "id": s.id.to_text(),
                "recipient": pairings.iter().find(|p| p.id == s.pairing).map(|p| p.clinician_name.clone()),
                "category": s.category.as_str(),
                "state": format!("{:?}", s.state).to_lowercase(),
                "from": s.from.map(|d| d.to_string()),
                "until": s.until.map(|d| d.to_string()),
                "last_synced": s.last_synced.as_ref().map(|t| t.to_rfc3339()),
                "pending_chunks": s.pending_len(),
                "last_error": s.last_error,
                "suggestions": s.suggestions.iter().map(|g| json!({"from": g.from, "summary": g.summary, "received": g.received.to_rfc3339()})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }));
    }
    if pairings.is_empty() {
        println!("You are not paired with anyone. Nothing is shared; everything stays on this device.");
        return Ok(());
    }
    for p in &pairings {
        println!("{} ({}), code {}", p.clinician_name, p.server, p.fingerprint);
        let mine: Vec<_> = shares.iter().filter(|s| s.pairing == p.id).collect();
        if mine.is_empty() {
            println!("  nothing shared");
        }
        for s in mine {
            let state = match s.state {
                ShareState::Active => "shared",
                ShareState::Withdrawn => "withdrawn, erasing at next sync",
                ShareState::Erased => "withdrawn and erased",
            };
            let since = s.from.map(|d| format!(" from {d}")).unwrap_or_else(|| " including history".into());
            let synced =
                s.last_synced.as_ref().map(|t| format!(", last synced {}", t.to_rfc3339())).unwrap_or_default();
            println!("  {:<18} {state}{since}{synced}", s.category.as_str());
            if let Some(e) = &s.last_error {
                println!("    last problem: {e} (it will be retried)");
            }
            for g in &s.suggestions {
                println!("    suggestion from {}: {}", g.from, g.summary);
            }
        }
    }
    Ok(())
}

fn receipts(ctx: &Ctx) -> CliResult {
    let store = ctx.open()?;
    let list = store.consent_receipts()?;
    ctx.report_unreadable(&list.unreadable);
    let list = list.records;
    if ctx.json {
        return print_json(&json!(list
            .iter()
            .map(|r| json!({
                "action": format!("{:?}", r.action).to_lowercase(),
                "category": r.category.as_str(),
                "recipient": r.recipient,
                "fingerprint": r.recipient_fingerprint,
                "at": r.at.to_rfc3339(),
                "from": r.from.map(|d| d.to_string()),
                "until": r.until.map(|d| d.to_string()),
                "wording_version": r.wording_version,
                "wording_sha256": r.wording_sha256,
            }))
            .collect::<Vec<_>>()));
    }
    for r in list {
        println!(
            "{}  {:?} {} for {} (wording {})",
            r.at.to_rfc3339(),
            r.action,
            r.category,
            r.recipient,
            r.wording_version
        );
    }
    Ok(())
}

/// `companion sync`.
pub fn sync(ctx: &Ctx) -> CliResult {
    let store = ctx.open()?;
    let r = store.sync(&HttpTransport::default(), true)?;
    ctx.report_unreadable(&r.unreadable);
    if ctx.json {
        return print_json(&json!({
            "shares_synced": r.shares_synced,
            "shares_erased": r.shares_erased,
            "chunks_sent": r.chunks_sent,
            "chunks_received": r.chunks_received,
            "bytes_sent": r.bytes_sent,
            "bytes_received": r.bytes_received,
            "suggestions": r.suggestions,
            "errors": r.errors,
        }));
    }
    if r.shares_synced == 0 && r.shares_erased == 0 && r.errors.is_empty() {
        println!("Nothing to sync: nothing is shared.");
    } else {
        println!(
            "Synced {} ({} sent, {} received).",
            count(r.shares_synced, "share", "shares"),
            count(r.chunks_sent, "update", "updates"),
            count(r.chunks_received, "update", "updates")
        );
    }
    if r.shares_erased > 0 {
        println!("Erased {} on the server.", count(r.shares_erased, "withdrawn share", "withdrawn shares"));
    }
    for s in &r.suggestions {
        println!("Suggested by {s}");
    }
    for e in &r.errors {
        eprintln!("companion: could not sync {e}; it will be retried");
    }
    if !r.errors.is_empty() {
        return Err(Failure::new("some shares could not be synced"));
    }
    Ok(())
}
