//! `init`, `passphrase change`, `info`.

use clap::{Args, Subcommand};
use companion_core::crypto::{KdfCost, Passphrase};
use companion_core::{KeyMethod, Unlock};
use serde_json::json;

use crate::app::{print_json, read_secret, say, CliResult, Ctx};

#[derive(Args)]
pub struct InitArgs {
    /// PBKDF2 iterations for the passphrase (default 600000; at least 100000).
    #[arg(long, value_name = "N")]
    kdf_iterations: Option<u32>,
}

#[derive(Subcommand)]
pub enum PassphraseCommand {
    /// Choose a new passphrase. The data is not re-encrypted: only its key is re-wrapped.
    /// The new passphrase comes from COMPANION_NEW_PASSPHRASE when set, otherwise a prompt.
    Change {
        /// PBKDF2 iterations for the new passphrase (default 600000).
        #[arg(long, value_name = "N")]
        kdf_iterations: Option<u32>,
    },
}

/// The PBKDF2 cost asked for. Below the floor only when COMPANION_ALLOW_WEAK_KDF=1 (tests).
fn kdf(iterations: Option<u32>) -> CliResult<KdfCost> {
    match iterations {
        None => Ok(KdfCost::DEFAULT),
        Some(n) if std::env::var("COMPANION_ALLOW_WEAK_KDF").as_deref() == Ok("1") => {
            Ok(KdfCost::insecure_for_tests(n))
        }
        Some(n) => Ok(KdfCost::iterations(n)?),
    }
}

pub fn init(ctx: &Ctx, a: InitArgs) -> CliResult {
    let store = ctx.create(kdf(a.kdf_iterations)?)?;
    if ctx.json {
        return print_json(&json!({ "store": store.path().display().to_string() }));
    }
    println!("{}", companion_core::safety::ABOUT);
    println!();
    println!("Your private store is ready at {}.", store.path().display());
    println!("Everything in it is encrypted; only your passphrase opens it. Keep the passphrase safe:");
    println!("there is no way to recover the data without it.");
    println!("{}", store.emergency_number().sentence());
    Ok(())
}

pub fn passphrase(ctx: &Ctx, c: PassphraseCommand) -> CliResult {
    match c {
        PassphraseCommand::Change { kdf_iterations } => {
            let store = ctx.open()?;
            let new: Passphrase = read_secret("COMPANION_NEW_PASSPHRASE", "New passphrase: ", true)?;
            store.set_key(Unlock::Passphrase(&new), true, kdf(kdf_iterations)?)?;
            say(ctx, "Passphrase changed. Use the new one from now on.");
            if ctx.json {
                print_json(&json!({ "changed": true }))?;
            }
            Ok(())
        }
    }
}

pub fn info(ctx: &Ctx) -> CliResult {
    let store = ctx.open()?;
    let stats = store.stats()?;
    let methods: Vec<&str> = stats
        .key_methods
        .iter()
        .map(|m| match m {
            KeyMethod::Passphrase => "passphrase",
            KeyMethod::KeyProvider => "device key",
        })
        .collect();
    let iterations = store.passphrase_iterations()?;
    if ctx.json {
        return print_json(&json!({
            "store": store.path().display().to_string(),
            "schema_version": stats.schema_version,
            "records": stats.records,
            "file_bytes": stats.file_bytes,
            "unlock_methods": methods,
            "pbkdf2_iterations": iterations,
            "time_zone": ctx.zone.name(),
        }));
    }
    println!("Store:        {}", store.path().display());
    println!("Protected by: {}", methods.join(", "));
    if let Some(n) = iterations {
        println!("Passphrase:   PBKDF2-HMAC-SHA256, {n} iterations");
    }
    println!("Records:      {}", stats.records);
    println!("Size on disk: {} KiB", stats.file_bytes.div_ceil(1024));
    println!("Time zone:    {}", ctx.zone.name());
    Ok(())
}
