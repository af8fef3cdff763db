//! The live screens, used as a person would: `companion surf` and `companion ground box` run
//! inside tmux (a real terminal), keys are typed in, and the screen is captured and checked.
//! Then the stored records are read back through `--json` to check what the keys did.
//!
//! Needs tmux (Debian package `tmux`). Each test runs its own tmux server on a private socket
//! and kills only that server.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Start `args` of `companion` in a new 100×32 terminal; the pane stays open afterwards
    /// (the exit status is printed) so the final output can be read.
    fn start(name: &str, dir: &Path, args: &str) -> Tmux {
        let have = Command::new("tmux").arg("-V").output().map(|o| o.status.success()).unwrap_or(false);
        assert!(have, "tmux is required for the live-screen tests (apt-get install tmux)");
        let socket = format!("companion-test-{}-{name}", std::process::id());
        let shell = format!(
            "cd / && env COMPANION_PASSPHRASE='{PASS}' COMPANION_ALLOW_WEAK_KDF=1 TZ=Europe/Berlin TERM=xterm-256color \
             '{}' --data-dir '{}' {args}; echo \"EXITED $?\"; sleep 600",
            bin().display(),
            dir.display()
        );
        let t = Tmux { socket };
        let out = t.tmux(&["new-session", "-d", "-s", "main", "-x", "100", "-y", "32", &shell]);
        assert!(out.status.success(), "tmux: {}", String::from_utf8_lossy(&out.stderr));
        t
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "main"]).stdout).into_owned()
    }

    /// Type keys (tmux key names: "Enter", "C-c", or literal text).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.tmux(&["send-keys", "-t", "main", k]);
            assert!(out.status.success());
            std::thread::sleep(Duration::from_millis(120));
        }
    }

    /// Wait until the screen shows `text`; returns the screen.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "the screen never showed {text:?}; it shows:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The chart row of `value` (rows 10, 9, ..., 0 under the progress bar).
fn chart_row(screen: &str, value: u8) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains(" 10 ┤")).expect("the wave chart is on screen");
    lines[top + usize::from(10 - value)].to_string()
}

#[test]
fn surf_live_as_a_person_would() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let t = Tmux::start("surf", dir.path(), "surf --minutes 10 --interval 2");
    t.wait_for("How strong is the urge right now, 0-10?");
    t.keys(&["6", "Enter"]);
    let s = t.wait_for("Urge surfing · 10 min · check-ins every 2 min");
    // A progress bar, the time, the next prompt, the wave with its first point, the keys.
    assert!(s.contains("[░░░░░░"), "{s}");
    assert!(s.contains("of 10:00") && s.contains("next check-in in 1:5"), "{s}");
    assert!(chart_row(&s, 6).contains('●'), "{s}");
    assert!(s.contains("[p] pause") && s.contains("[e] end"), "{s}");
    // A check-in at any moment is drawn on the wave.
    t.keys(&["8", "Enter"]);
    let s = t.wait_for("Noted: 8.");
    assert!(chart_row(&s, 8).contains('●'), "{s}");
    // Pause and go on.
    t.keys(&["p"]);
    t.wait_for("Paused. Press p to go on.");
    t.keys(&["p"]);
    t.wait_for("Going on.");
    // End: the last rating, then how it went.
    t.keys(&["e"]);
    t.wait_for("How strong is it now?");
    t.keys(&["2", "Enter"]);
    t.wait_for("How did it go?");
    t.keys(&["1"]);
    let s = t.wait_for("EXITED 0");
    assert!(s.contains("the wave passed") && s.contains("Peak 8/10"), "{s}");
    assert!(s.contains("You watched it rise and pass without acting on it."), "{s}");

    // The wave was stored, and the urge it created carries the outcome.
    let list = json(dir.path(), &["surf", "--list"]);
    let sess = &list[0];
    let ratings: Vec<u64> =
        sess["points"].as_array().unwrap().iter().map(|p| p["intensity"].as_u64().unwrap()).collect();
    assert_eq!(ratings, vec![6, 8, 2]);
    assert_eq!(sess["ended"]["outcome"], "passed");
    assert_eq!(sess["summary"]["peak"], 8);
    let urges = json(dir.path(), &["urge", "list"]);
    assert_eq!(urges[0]["outcome"], "surfed");
    assert_eq!(urges[0]["surf_session"], sess["id"]);

    // Ctrl-C pauses and leaves; `--resume` continues; ending without a last rating works.
    drop(t);
    let t = Tmux::start("surf2", dir.path(), "surf --intensity 5");
    t.wait_for("Urge surfing · 20 min · check-ins every 3 min");
    t.keys(&["C-c"]);
    let s = t.wait_for("EXITED 0");
    assert!(s.contains("Continue with `companion surf --resume`"), "{s}");
    let st = json(dir.path(), &["surf", "--status"]);
    assert_eq!(st["state"], "paused");
    drop(t);
    let t = Tmux::start("surf3", dir.path(), "surf --resume");
    t.wait_for("next check-in in");
    t.keys(&["e"]);
    t.wait_for("How strong is it now?");
    t.keys(&["Enter"]);
    t.wait_for("How did it go?");
    t.keys(&["2"]);
    // Still strong: the next steps are offered; Enter skips them.
    let s = t.wait_for("Press 1-");
    assert!(s.contains("it is still strong") && s.contains("Crisis lines and professionals"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("EXITED 0");
}

#[test]
fn a_strong_urge_offers_next_steps_surfing_keeps_one_entry_and_acting_offers_the_slip() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    ok(dir.path(), &["plan", "edit", "add-person", "Brother Example", "--contact", "+00 0000 0003"]);
    // Logged at 9, with the words asked at prompts (none on the command line).
    let t = Tmux::start("next", dir.path(), "urge log --intensity 9");
    t.wait_for("What set it off?");
    t.keys(&["lonely", "Enter"]);
    t.wait_for("What are you feeling?");
    t.keys(&["Enter"]);
    t.wait_for("Anything else you want to remember about it?");
    t.keys(&["Enter"]);
    let s = t.wait_for("Press 1-");
    assert!(s.contains("This is a strong urge.") && s.contains("1. Surf it now"), "{s}");
    assert!(s.contains("Reach Brother Example now: +00 0000 0003"), "{s}");
    // One key: surf it now. The session continues the logged urge.
    t.keys(&["1"]);
    t.wait_for("Urge surfing · 20 min");
    t.keys(&["e"]);
    t.wait_for("How strong is it now?");
    t.keys(&["7", "Enter"]);
    t.wait_for("How did it go?");
    t.keys(&["4"]);
    // Acted: the slip and its chain analysis are offered.
    let s = t.wait_for("Press 1-");
    assert!(s.contains("Write down the slip and learn from it"), "{s}");
    t.keys(&["1"]);
    t.wait_for("What happened?");
    t.keys(&["opened the hookup app", "Enter"]);
    t.wait_for("Looking back at the slip");
    t.keys(&["stop", "Enter"]);
    let s = t.wait_for("EXITED 0");
    assert!(!s.contains("Current stretch"), "{s}");
    let urges = json(dir.path(), &["urge", "list"]);
    assert_eq!(urges.as_array().unwrap().len(), 1, "surfing the logged urge keeps one entry: {urges}");
    assert_eq!(urges[0]["triggers"][0], "lonely");
    assert_eq!(urges[0]["outcome"], "acted");
    let slips = json(dir.path(), &["slip", "list"]);
    assert_eq!(slips[0]["what"], "opened the hookup app");
    assert_eq!(slips[0]["urge"], urges[0]["id"]);
}

#[test]
fn ground_box_live_as_a_person_would() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let t = Tmux::start("ground", dir.path(), "ground box --rounds 2");
    t.wait_for("how much distress do you feel, 0-10?");
    t.keys(&["7", "Enter"]);
    let s = t.wait_for("Box breathing");
    assert!(s.contains("Sit or stand comfortably"), "{s}");
    assert!(s.contains("of 0:42"), "{s}");
    // Skip the opening: the breathing phase is shown, with its count and its bar.
    t.keys(&["n"]);
    let s = t.wait_for("BREATHE IN");
    assert!(s.contains("round 1 of 2"), "{s}");
    assert!(s.contains("Breathe in slowly through your nose."), "{s}");
    // The hold follows the in-breath after four seconds, with a full bar.
    let s = t.wait_for("HOLD");
    assert!(s.contains("██████████████████████████████"), "{s}");
    assert!(s.contains("Hold the breath gently."), "{s}");
    // Pause shows as paused.
    t.keys(&["Space"]);
    t.wait_for("paused");
    t.keys(&["Space", "q"]);
    t.wait_for("How much distress do you feel now, 0-10?");
    t.keys(&["3", "Enter"]);
    let s = t.wait_for("EXITED 0");
    assert!(s.contains("stopped early (that is fine)") && s.contains("Distress 7 → 3"), "{s}");
    let h = json(dir.path(), &["exercises", "history"]);
    assert_eq!(h[0]["exercise"], "box");
    assert_eq!((h[0]["distress_before"].as_u64(), h[0]["distress_after"].as_u64()), (Some(7), Some(3)));
    assert_eq!(h[0]["skipped_steps"], 1);
    assert_eq!(h[0]["completed"], false);
}
