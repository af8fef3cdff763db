//! The live terminal screen of `surf` and `ground`: raw mode only while a live screen is up,
//! and the terminal restored on every way out (return, error, panic, SIGTERM, SIGHUP).
//!
//! Raw mode turns Ctrl-C into a key press, so the screens decide what it means (pause and
//! leave); termination signals set a flag the loop checks; a panic hook restores the terminal
//! before the message is printed.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, terminal};

use crate::app::{CliResult, Failure};

/// A key, as the screens care about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Backspace,
    Escape,
    /// Ctrl-C (or Ctrl-D): leave.
    Interrupt,
}

/// Whether a live screen can run here (stdin and stdout are terminals).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn restore() {
    let mut out = std::io::stdout();
    let _ = execute!(out, cursor::Show, terminal::LeaveAlternateScreen);
    let _ = terminal::disable_raw_mode();
}

/// A live full-screen view. Dropping it restores the terminal.
pub struct Screen {
    stop: Arc<AtomicBool>,
    signals: Vec<signal_hook::SigId>,
}

impl Screen {
    pub fn enter() -> CliResult<Screen> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut signals = Vec::new();
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
            let id = signal_hook::flag::register(sig, Arc::clone(&stop))
                .map_err(|_| Failure::new("could not watch for termination signals"))?;
            signals.push(id);
        }
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            default(info);
        }));
        terminal::enable_raw_mode().map_err(|_| Failure::new("this terminal does not support a live screen"))?;
        let mut out = std::io::stdout();
        if execute!(out, terminal::EnterAlternateScreen, cursor::Hide).is_err() {
            restore();
            return Err(Failure::new("this terminal does not support a live screen"));
        }
        Ok(Screen { stop, signals })
    }

    /// True once SIGTERM or SIGHUP arrived: the loop should leave (the session stays saved).
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Replace the screen with `lines` (each cut to the terminal's width).
    pub fn draw(&mut self, lines: &[String]) {
        let (cols, rows) = terminal::size().unwrap_or((80, 24));
        let mut out = std::io::stdout();
        let _ = queue!(out, cursor::MoveTo(0, 0), terminal::Clear(terminal::ClearType::All));
        for (i, l) in lines.iter().take(rows as usize).enumerate() {
            let cut: String = l.chars().take(cols as usize).collect();
            let _ = queue!(out, cursor::MoveTo(0, i as u16));
            let _ = out.write_all(cut.as_bytes());
        }
        let _ = out.flush();
    }

    /// The next key press, waiting at most `wait`.
    pub fn key(&mut self, wait: Duration) -> Option<Key> {
        if !event::poll(wait).unwrap_or(false) {
            return None;
        }
        let Ok(Event::Key(k)) = event::read() else { return None };
        if k.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('c') | KeyCode::Char('d') if ctrl => Some(Key::Interrupt),
            KeyCode::Char(c) if !ctrl => Some(Key::Char(c)),
            KeyCode::Enter => Some(Key::Enter),
            KeyCode::Backspace => Some(Key::Backspace),
            KeyCode::Esc => Some(Key::Escape),
            _ => None,
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
        for id in self.signals.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        let _ = std::panic::take_hook();
    }
}

/// What a person types into a small number field on a live screen.
#[derive(Default)]
pub struct NumberField {
    pub text: String,
}

impl NumberField {
    /// Feed a key; returns `Some(Some(n))` on Enter with a number, `Some(None)` on Enter when
    /// empty (skip), `None` otherwise.
    pub fn feed(&mut self, key: Key, max: u8) -> Option<Option<u8>> {
        match key {
            Key::Char(c) if c.is_ascii_digit() && self.text.len() < 2 => {
                self.text.push(c);
                None
            }
            Key::Backspace => {
                self.text.pop();
                None
            }
            Key::Enter => {
                let t = std::mem::take(&mut self.text);
                if t.is_empty() {
                    return Some(None);
                }
                match t.parse::<u8>() {
                    Ok(v) if v <= max => Some(Some(v)),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// "6:05" for milliseconds.
pub fn mmss(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A progress bar of `width` cells for 0..1.
pub fn bar(fraction: f32, width: usize) -> String {
    let filled = ((fraction.clamp(0.0, 1.0) * width as f32).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// Ask a 0-10 question on a plain (not raw) terminal line; Enter alone skips.
pub fn ask_rating(question: &str) -> CliResult<Option<u8>> {
    loop {
        print!("{question} ");
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).map_err(|_| Failure::new("could not read the answer"))? == 0 {
            return Ok(None);
        }
        let t = line.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<u8>() {
            Ok(v) if v <= 10 => return Ok(Some(v)),
            _ => println!("Please type a number from 0 to 10, or just press Enter to skip."),
        }
    }
}

/// Raw mode for one key press; restored when dropped.
struct RawKey;

impl RawKey {
    fn enter() -> CliResult<RawKey> {
        terminal::enable_raw_mode().map_err(|_| Failure::new("this terminal cannot read a single key"))?;
        Ok(RawKey)
    }
}

impl Drop for RawKey {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Ask the person to pick one of `n` numbered choices with one key (1-9); Enter, Esc, `q`
/// or Ctrl-C skips. Without a terminal, nothing is picked.
pub fn pick(question: &str, n: usize) -> CliResult<Option<usize>> {
    if !interactive() || n == 0 {
        return Ok(None);
    }
    print!("{question} ");
    let _ = std::io::stdout().flush();
    let picked = {
        let _raw = RawKey::enter()?;
        loop {
            let Ok(Event::Key(k)) = event::read() else { continue };
            if k.kind != KeyEventKind::Press {
                continue;
            }
            match k.code {
                KeyCode::Char('c' | 'd') if k.modifiers.contains(KeyModifiers::CONTROL) => break None,
                KeyCode::Char(c) if c.is_ascii_digit() => {
                    let v = c.to_digit(10).map(|d| d as usize).unwrap_or(0);
                    if (1..=n).contains(&v) {
                        break Some(v - 1);
                    }
                }
                KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q') => break None,
                _ => {}
            }
        }
    };
    println!("{}", picked.map(|i| (i + 1).to_string()).unwrap_or_default());
    Ok(picked)
}
