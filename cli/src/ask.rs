//! Asking questions one line at a time: the question on stderr, the answer from stdin (a
//! terminal, or a pipe for scripts and tests). An empty line skips; `stop` or the end of input
//! stops, keeping every answer given so far.

use std::io::{BufRead, Write};

use companion_core::RecordId;
use serde_json::json;

use crate::app::{confirm, print_json, CliResult, Ctx, Failure};

/// What the person answered.
pub enum Answer {
    Text(String),
    /// An empty line: skip this question.
    Skip,
    /// `stop`, or the end of input: continue another time.
    Stop,
}

pub struct Asker {
    input: std::io::StdinLock<'static>,
}

impl Asker {
    pub fn new() -> Self {
        Asker { input: std::io::stdin().lock() }
    }

    /// Show `lines` (a question and its hints), then read one answer.
    pub fn ask(&mut self, lines: &[&str]) -> Answer {
        let mut err = std::io::stderr();
        for l in lines {
            let _ = writeln!(err, "{l}");
        }
        let _ = write!(err, "> ");
        let _ = err.flush();
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                let _ = writeln!(err);
                Answer::Stop
            }
            Ok(_) => {
                let t = line.trim();
                if t.is_empty() {
                    Answer::Skip
                } else if t.eq_ignore_ascii_case("stop") {
                    Answer::Stop
                } else {
                    Answer::Text(t.to_string())
                }
            }
        }
    }

    /// Several answers, one per line, until an empty line (`Skip` when none was given).
    pub fn ask_many(&mut self, lines: &[&str]) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let mut first = true;
        loop {
            let shown: &[&str] = if first { lines } else { &[] };
            first = false;
            match self.ask(shown) {
                Answer::Text(t) => out.push(t),
                Answer::Skip => return (out, false),
                Answer::Stop => return (out, true),
            }
        }
    }
}

/// Print a line for people on stderr (used around questions, so stdout stays data).
pub fn tell(line: &str) {
    eprintln!("{line}");
}

/// Delete after asking (unless `yes`): `what` names the record ("this goal"). Prints the
/// result for people or as JSON.
pub fn delete_confirmed(
    ctx: &Ctx,
    yes: bool,
    what: &str,
    id: RecordId,
    delete: impl FnOnce() -> companion_core::Result<()>,
) -> CliResult {
    if !yes && !confirm(&format!("Delete {what}? It cannot be undone.")) {
        return Err(Failure::new("nothing deleted (pass --yes to delete without asking)"));
    }
    delete()?;
    if ctx.json {
        return print_json(&json!({ "deleted": id.to_text() }));
    }
    println!("Deleted.");
    Ok(())
}
