//! The README's terminal tour, read as a person would copy it: no secret and no words about
//! the person on any command line (shell history keeps them), and every command that takes
//! words works with them coming from standard input instead.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

const README: &str = include_str!("../../README.md");

/// Options whose values are a person's words.
const WORD_OPTIONS: &[&str] = &[
    "--note",
    "--trigger",
    "--feeling",
    "--strategy",
    "--place",
    "--activity",
    "--text",
    "--what",
    "--self-compassion",
];

/// The shell commands of the terminal-client section: the lines of its code blocks and the
/// `companion ...` commands quoted in its text (comments left out).
fn tour_commands() -> Vec<String> {
    let start = README.find("## The terminal client").expect("the README has a terminal-client section");
    let end = README[start..].find("\n## Layout").map(|e| start + e).unwrap_or(README.len());
    let section = &README[start..end];
    let mut out = Vec::new();
    let mut in_code = false;
    for line in section.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            let command = line.split(" #").next().unwrap_or("").trim();
            if !command.is_empty() {
                out.push(command.to_string());
            }
        } else {
            out.extend(line.split('`').skip(1).step_by(2).filter(|c| c.starts_with("companion ")).map(String::from));
        }
    }
    out
}

#[test]
fn the_tour_puts_no_secret_and_no_words_about_the_person_on_a_command_line() {
    let commands = tour_commands();
    assert!(commands.len() >= 14, "{commands:?}");
    for c in &commands {
        let exported = c.starts_with("export ") || c.contains("; export ") || c.contains("&& export ");
        assert!(!exported && !c.to_uppercase().contains("PASSPHRASE="), "a secret in {c:?}");
        if !c.starts_with("companion share") {
            assert!(!c.contains('"') && !c.contains('\''), "quoted words in {c:?}");
        }
        for o in WORD_OPTIONS {
            let value = c.split(o).nth(1).map(|rest| rest.trim_start().split(' ').next().unwrap_or(""));
            assert!(value.is_none() || value == Some("-"), "{o} with words in {c:?}");
        }
    }
}

#[test]
fn the_tours_commands_that_take_words_read_them_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let feed = |args: &[&str], words: &str| {
        let mut child =
            cmd(&dir).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(words.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let commands = tour_commands();
    for (tour, words) in [
        ("companion urge log --intensity 7", ""),
        ("companion plan find --intensity 8", "cant sleep, lonely"),
        ("companion slip log", "watched porn after the party"),
    ] {
        assert!(commands.iter().any(|c| c == tour), "{tour} is in the tour");
        let args: Vec<&str> = tour.split(' ').skip(1).collect();
        feed(&args, words);
    }
    let found = feed(&["--json", "plan", "find"], "cant sleep, lonely");
    assert!(found.contains("\"strategies\""), "{found}");
    let slips = json(&dir, &["slip", "list"]);
    assert_eq!(slips[0]["what"], "watched porn after the party");
    feed(&["urge", "log", "--intensity", "5", "--note", "-"], "phone in bed again");
    let urges = json(&dir, &["urge", "list"]);
    assert!(urges.as_array().unwrap().iter().any(|u| u["note"] == "phone in bed again"), "{urges}");
}
