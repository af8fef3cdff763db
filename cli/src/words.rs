//! A person's words, never from the command line when they can help it: shell history keeps
//! every argument. When a command's words are not given, they come from standard input (a
//! pipe or a file, for scripts), from `$VISUAL`/`$EDITOR` when asked with `--editor`, or
//! from a prompt on the terminal.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::Command;

use crate::app::{CliResult, Ctx, Failure};
use crate::ask::{Answer, Asker};

/// Longest words read from standard input or an editor (a slip's description is at most
/// 2,000 characters; a little more lets the core say so by name).
const MAX_BYTES: u64 = 64 * 1024;

/// Where words come from when they were not given as an argument.
pub enum Source<'a> {
    /// Ask on the terminal with this question (and read standard input when it is not a
    /// terminal).
    Prompt(&'a str),
    /// Open `$VISUAL` or `$EDITOR` on an empty file in the data directory.
    Editor,
}

/// The words: `given`, else from standard input, the editor or a prompt. `None` when the
/// person gave none (an empty answer).
pub fn read(ctx: &Ctx, given: Option<String>, source: Source<'_>) -> CliResult<Option<String>> {
    if let Some(g) = given {
        return Ok(Some(g));
    }
    if !std::io::stdin().is_terminal() {
        let mut s = String::new();
        std::io::stdin()
            .take(MAX_BYTES)
            .read_to_string(&mut s)
            .map_err(|_| Failure::new("could not read the words from standard input (UTF-8 text expected)"))?;
        return Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty()));
    }
    match source {
        Source::Prompt(question) => Ok(match Asker::new().ask(&[question]) {
            Answer::Text(t) => Some(t),
            Answer::Skip | Answer::Stop => None,
        }),
        Source::Editor => edit(ctx),
    }
}

/// Write nothing, open the editor, read what the person wrote, remove the file. The file
/// lives in the (private) data directory, never in a shared temporary directory.
fn edit(ctx: &Ctx) -> CliResult<Option<String>> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| std::env::var("EDITOR").ok().filter(|e| !e.trim().is_empty()))
        .ok_or_else(|| Failure::new("set $EDITOR (or leave out --editor to type the words at a prompt)"))?;
    std::fs::create_dir_all(&ctx.data_dir).map_err(|e| Failure::new(format!("cannot use the data directory: {e}")))?;
    let path: PathBuf = ctx.data_dir.join(format!(".words-{}.txt", std::process::id()));
    let file = Scratch::create(path)?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = Command::new(program)
        .args(parts)
        .arg(&file.0)
        .status()
        .map_err(|_| Failure::new("could not start the editor"))?;
    if !status.success() {
        return Err(Failure::new("the editor did not finish; nothing was saved"));
    }
    let mut s = String::new();
    std::fs::File::open(&file.0)
        .and_then(|f| f.take(MAX_BYTES).read_to_string(&mut s))
        .map_err(|_| Failure::new("could not read what was written (UTF-8 text expected)"))?;
    Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty()))
}

/// A file only its owner can read, overwritten and removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn create(path: PathBuf) -> CliResult<Scratch> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&path).map_err(|e| Failure::new(format!("cannot create a file for the editor: {e}")))?;
        let _ = f.flush();
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(meta) = std::fs::metadata(&self.0) {
            let _ = std::fs::write(&self.0, vec![0u8; meta.len() as usize]);
        }
        let _ = std::fs::remove_file(&self.0);
    }
}
