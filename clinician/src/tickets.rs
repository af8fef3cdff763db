//! Login tickets kept on this machine between runs of `companion-clinician`.
//!
//! Every successful login returns a ticket; the next login from the same machine sends it, and
//! the server then charges that login to the ticket's own allowance instead of the account's.
//! Without it each command would be a first login, and a clinician running a dozen commands
//! before a session would use up the account's allowance (after which every answer looks like
//! a wrong passphrase). A ticket is not a credential: the passphrase is still needed.
//!
//! One file per server and account under the state directory (`COMPANION_CLINICIAN_STATE`,
//! else `$XDG_STATE_HOME/companion-clinician`, else `~/.local/state/companion-clinician`), named
//! by a hash of both so that neither appears in a file name; the directory is 0700 and the
//! files 0600, replaced atomically. A missing, unreadable or malformed file is simply no ticket.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Longest ticket accepted from a file (a real one is far shorter).
const MAX_TICKET_LEN: usize = 512;

/// Where tickets are kept.
pub struct TicketStore {
    dir: PathBuf,
}

impl TicketStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        TicketStore { dir: dir.into() }
    }

    /// The state directory from the environment, if there is one.
    pub fn from_env() -> Option<Self> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let dir = var("COMPANION_CLINICIAN_STATE")
            .or_else(|| var("XDG_STATE_HOME").map(|d| d.join("companion-clinician")))
            .or_else(|| var("HOME").map(|h| h.join(".local/state/companion-clinician")))?;
        Some(TicketStore::new(dir))
    }

    fn path(&self, server: &str, email: &str) -> PathBuf {
        let key = format!("{}\n{}", server.trim_end_matches('/'), email.trim().to_lowercase());
        let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
        let name: String = digest.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("ticket-{name}"))
    }

    /// The ticket the last login to `server` as `email` left here, if any.
    pub fn load(&self, server: &str, email: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.path(server, email)).ok()?;
        let ticket = text.trim();
        let well_formed = !ticket.is_empty()
            && ticket.len() <= MAX_TICKET_LEN
            && ticket.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=');
        well_formed.then(|| ticket.to_string())
    }

    /// Keep `ticket` for the next login to `server` as `email`.
    pub fn save(&self, server: &str, email: &str, ticket: &str) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let path = self.path(server, email);
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(ticket.as_bytes())?;
        tmp.as_file().sync_all()?;
        // NamedTempFile is created 0600 on Unix.
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_saved_ticket_is_found_for_the_same_server_and_account_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = TicketStore::new(dir.path().join("state"));
        assert_eq!(store.load("https://sync.example", "dr@example.org"), None);
        store.save("https://sync.example", "dr@example.org", "tIcKeT_1-").unwrap();
        assert_eq!(store.load("https://sync.example/", "Dr@Example.org").as_deref(), Some("tIcKeT_1-"));
        assert_eq!(store.load("https://other.example", "dr@example.org"), None);
        assert_eq!(store.load("https://sync.example", "someone@example.org"), None);
        store.save("https://sync.example", "dr@example.org", "second").unwrap();
        assert_eq!(store.load("https://sync.example", "dr@example.org").as_deref(), Some("second"));
        // Neither the server nor the email is in a file name.
        for entry in std::fs::read_dir(dir.path().join("state")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(name.starts_with("ticket-") && !name.contains("example"), "{name}");
        }
    }

    #[test]
    fn malformed_files_are_no_ticket() {
        let dir = tempfile::tempdir().unwrap();
        let store = TicketStore::new(dir.path());
        let path = store.path("https://sync.example", "dr@example.org");
        for bad in ["", "   ", "has space", "\u{1b}[2J", &"a".repeat(MAX_TICKET_LEN + 1)] {
            std::fs::write(&path, bad).unwrap();
            assert_eq!(store.load("https://sync.example", "dr@example.org"), None, "{bad:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn tickets_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = TicketStore::new(dir.path().join("state"));
        store.save("https://sync.example", "dr@example.org", "t").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("state")), 0o700);
        assert_eq!(mode(&store.path("https://sync.example", "dr@example.org")), 0o600);
    }
}
