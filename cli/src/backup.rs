//! `export` and `import`: encrypted backups the person controls.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use companion_core::crypto::KdfCost;
use companion_core::export::ExportContents;
use companion_core::Error;
use serde_json::json;

use crate::app::{print_json, read_secret, say, CliResult, Ctx, Failure};

#[derive(Args)]
pub struct ExportArgs {
    /// Where to write the backup.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    /// A backup written by `companion export`.
    file: PathBuf,
}

const EXPORT_PASS_ENV: &str = "COMPANION_EXPORT_PASSPHRASE";

pub fn export(ctx: &Ctx, a: ExportArgs) -> CliResult {
    if a.out.exists() && !a.force {
        return Err(Failure::new(format!("{} exists; pass --force to replace it", a.out.display())));
    }
    let store = ctx.open()?;
    let pass = read_secret(EXPORT_PASS_ENV, "Passphrase for the backup: ", true)?;
    let report = store.export(&pass, KdfCost::DEFAULT)?;
    ctx.report_unreadable(&report.unreadable);
    write_private(&a.out, &report.bytes)?;
    if ctx.json {
        return print_json(
            &json!({ "file": a.out.display().to_string(), "records": report.records, "bytes": report.bytes.len() }),
        );
    }
    println!("Saved an encrypted backup of {} records to {}.", report.records, a.out.display());
    say(ctx, "It opens only with the backup passphrase you just chose.");
    Ok(())
}

/// Write a file readable only by its owner, atomically (temp file, fsync, rename).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> CliResult {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(".{}.partial", path.file_name().and_then(|n| n.to_str()).unwrap_or("export")));
    let result = (|| -> std::io::Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::from(e).into());
    }
    Ok(())
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> CliResult {
    let bytes =
        std::fs::read(&a.file).map_err(|e| Failure::new(format!("cannot read {}: {}", a.file.display(), e.kind())))?;
    if !companion_core::export::is_export_file(&bytes) {
        return Err(Error::Export("it is not a companion export file").into());
    }
    let pass = read_secret(EXPORT_PASS_ENV, "Backup passphrase: ", false)?;
    // Open the backup before touching any store, so a wrong passphrase changes nothing.
    let contents = ExportContents::open(&bytes, &pass)?;
    let store = if ctx.store_path().exists() { ctx.open()? } else { ctx.create(KdfCost::DEFAULT)? };
    let n = store.restore_export(contents)?;
    if ctx.json {
        return print_json(&json!({ "records": n }));
    }
    println!("Restored {n} records.");
    Ok(())
}
