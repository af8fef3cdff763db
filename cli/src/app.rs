//! What every command needs: where the store is, how to unlock it, the clock, and how to
//! report results and errors.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use companion_core::clock::{Clock, SystemClock, Zone};
use companion_core::crypto::{KdfCost, Passphrase};
use companion_core::store::{CreateOptions, Unreadable};
use companion_core::{Error, ManualClock, Store, Unlock};
use zeroize::Zeroize;

/// Exit statuses (also listed in `companion --help`).
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 3;

/// File name of the store inside the data directory.
pub const STORE_FILE: &str = "companion.db";

/// A failure to report: one line on stderr and an exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub status: i32,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let message = match &e {
            Error::NoStore => "no store here yet; run `companion init` first".to_string(),
            other => other.to_string(),
        };
        Failure { message, status: EXIT_ERROR }
    }
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), status: EXIT_ERROR }
    }
}

pub type CliResult<T = ()> = Result<T, Failure>;

/// Where the store's passphrase comes from, besides the no-echo prompt.
#[derive(Clone, Debug, Default)]
pub enum PassphraseSource {
    /// The prompt (or `COMPANION_PASSPHRASE`, for test harnesses).
    #[default]
    Prompt,
    /// The first line read from this open file descriptor (`--passphrase-fd 3 3<file`).
    Fd(i32),
    /// The first line of this file (`--passphrase-file`), which only its owner should read.
    File(PathBuf),
}

/// Global options shared by every command.
pub struct Ctx {
    pub data_dir: PathBuf,
    pub passphrase: PassphraseSource,
    pub json: bool,
    pub zone: Zone,
    clock: Arc<dyn Clock>,
    /// Set when some records could not be opened; the process exits with status 3.
    pub unreadable_seen: std::cell::Cell<bool>,
}

impl Ctx {
    pub fn new(
        data_dir: Option<PathBuf>,
        tz: Option<String>,
        json: bool,
        passphrase: PassphraseSource,
    ) -> CliResult<Ctx> {
        let data_dir = match data_dir {
            Some(d) => d,
            None => default_data_dir()?,
        };
        let zone = match tz {
            Some(t) => Zone::parse(&t)?,
            None => Zone::detect(std::env::var("TZ").ok().as_deref()),
        };
        // COMPANION_NOW (RFC 3339) pins "now" for tests and demonstrations.
        let clock: Arc<dyn Clock> = match std::env::var("COMPANION_NOW") {
            Ok(t) if !t.is_empty() => {
                let at = chrono::DateTime::parse_from_rfc3339(&t)
                    .map_err(|_| Failure::new("COMPANION_NOW must be an RFC 3339 time"))?;
                Arc::new(ManualClock::new(at.with_timezone(&chrono::Utc), zone))
            }
            _ => Arc::new(SystemClock::new(zone)),
        };
        Ok(Ctx { data_dir, passphrase, json, zone, clock, unreadable_seen: std::cell::Cell::new(false) })
    }

    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join(STORE_FILE)
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    /// Open the store, asking for the passphrase when it is not in the environment.
    pub fn open(&self) -> CliResult<Store> {
        let path = self.store_path();
        if !path.is_file() {
            return Err(Error::NoStore.into());
        }
        let pass = self.read_passphrase("Passphrase: ", false)?;
        Ok(Store::open(&path, Unlock::Passphrase(&pass), self.clock())?)
    }

    /// Create a new store in the data directory.
    pub fn create(&self, kdf: KdfCost) -> CliResult<Store> {
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| Failure::new(format!("cannot create the data directory: {e}")))?;
        restrict_dir(&self.data_dir);
        let path = self.store_path();
        if path.exists() {
            return Err(Error::AlreadyExists.into());
        }
        let pass = self.read_passphrase("Choose a passphrase: ", true)?;
        let opts = CreateOptions { kdf, ..CreateOptions::default() };
        Ok(Store::create(&path, Unlock::Passphrase(&pass), self.clock(), opts)?)
    }

    /// Report records that could not be opened (never silently dropped).
    pub fn report_unreadable(&self, bad: &[Unreadable]) {
        if bad.is_empty() {
            return;
        }
        self.unreadable_seen.set(true);
        for u in bad {
            eprintln!("companion: warning: {}", u.to_error());
        }
    }
}

#[cfg(unix)]
fn restrict_dir(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_dir(_p: &Path) {}

fn default_data_dir() -> CliResult<PathBuf> {
    if let Ok(d) = std::env::var("COMPANION_DATA_DIR") {
        if !d.is_empty() {
            return Ok(PathBuf::from(d));
        }
    }
    if let Ok(d) = std::env::var("XDG_DATA_HOME") {
        if !d.is_empty() {
            return Ok(PathBuf::from(d).join("companion"));
        }
    }
    match std::env::var("HOME") {
        Ok(h) if !h.is_empty() => Ok(PathBuf::from(h).join(".local/share/companion")),
        _ => Err(Failure::new("no data directory: pass --data-dir DIR")),
    }
}

impl Ctx {
    /// The store's passphrase: from `--passphrase-fd` or `--passphrase-file` when given, else
    /// `COMPANION_PASSPHRASE` when set, else a prompt without echo (asked twice when `confirm`).
    pub fn read_passphrase(&self, prompt: &str, confirm: bool) -> CliResult<Passphrase> {
        match &self.passphrase {
            PassphraseSource::Prompt => read_secret("COMPANION_PASSPHRASE", prompt, confirm),
            PassphraseSource::Fd(fd) => first_line(&format!("/dev/fd/{fd}"), "--passphrase-fd"),
            PassphraseSource::File(path) => first_line(&path.display().to_string(), "--passphrase-file"),
        }
    }
}

/// The first line of a file or descriptor, as a passphrase (the line break dropped).
fn first_line(path: &str, option: &str) -> CliResult<Passphrase> {
    use std::io::{BufRead, BufReader};
    let file = std::fs::File::open(path).map_err(|e| Failure::new(format!("{option}: cannot read it ({e})")))?;
    let mut line = Vec::new();
    BufReader::new(file.take(4096))
        .read_until(b'\n', &mut line)
        .map_err(|e| Failure::new(format!("{option}: cannot read it ({e})")))?;
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    if line.is_empty() {
        return Err(Failure::new(format!("{option}: the first line is empty")));
    }
    Ok(Passphrase::new(line)?)
}

/// A secret from `env_var` or a no-echo prompt on the terminal.
pub fn read_secret(env_var: &str, prompt: &str, confirm: bool) -> CliResult<Passphrase> {
    if let Ok(v) = std::env::var(env_var) {
        return Ok(Passphrase::new(v.into_bytes())?);
    }
    if !std::io::stdin().is_terminal() && !Path::new("/dev/tty").exists() {
        return Err(Failure::new(format!("no passphrase: set {env_var} or run in a terminal")));
    }
    let mut first = rpassword::prompt_password(prompt).map_err(|_| Failure::new("could not read the passphrase"))?;
    if confirm {
        let mut again =
            rpassword::prompt_password("Repeat it: ").map_err(|_| Failure::new("could not read the passphrase"))?;
        let same = first == again;
        again.zeroize();
        if !same {
            first.zeroize();
            return Err(Failure::new("the two passphrases differ; nothing was changed"));
        }
    }
    let bytes = std::mem::take(&mut first).into_bytes();
    Ok(Passphrase::new(bytes)?)
}

/// Ask a yes/no question on the terminal. Without a terminal the answer is "no".
pub fn confirm(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Print a JSON value on stdout.
pub fn print_json(v: &serde_json::Value) -> CliResult {
    let s = serde_json::to_string_pretty(v).map_err(|_| Failure::new("could not format the output"))?;
    println!("{s}");
    Ok(())
}

/// A friendly line for people, on stderr when stdout is a pipe (so scripts read only data).
pub fn say(ctx: &Ctx, line: &str) {
    if ctx.json {
        return;
    }
    if std::io::stdout().is_terminal() {
        println!("{line}");
    } else if std::io::stderr().is_terminal() {
        eprintln!("{line}");
    }
}
