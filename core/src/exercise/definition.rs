//! Exercise definitions: what an exercise is made of, how it is checked, and the JSON form in
//! which people and clinicians write their own.
//!
//! A definition is versioned data: a key, a title, blocks of steps (text, duration, breathing
//! phase), one block optionally adjustable (rounds, minutes, or breathing pace). Every check
//! names the field and the rule, never the text someone wrote.
//!
//! The JSON form (format 1):
//! ```json
//! { "format": 1, "key": "evening-calm", "title": "Evening calm", "summary": "Slow breaths",
//!   "category": "breathing",
//!   "blocks": [
//!     { "steps": [ { "text": "Settle in.", "seconds": 5 } ] },
//!     { "repeat": 6, "adjustable": true,
//!       "steps": [ { "text": "In", "seconds": 4, "phase": "inhale" },
//!                  { "text": "Out", "seconds": 6, "phase": "exhale" } ] } ] }
//! ```
//! A plain `"steps": [...]` list may stand instead of `"blocks"` (one block, played once).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::timeline::{Adjust, Block, PaceRange, Phase, Step, Timeline, MAX_ROUNDS, MAX_TOTAL_MS};
use crate::error::{Error, Result};
use crate::text;

/// The definition format this build reads and writes.
pub const FORMAT: u64 = 1;
/// Most steps one definition may hold (repeats not counted).
pub const MAX_STEPS: usize = 1000;
/// Most blocks one definition may hold.
pub const MAX_BLOCKS: usize = 50;
/// Shortest step: anything shorter cannot be followed.
pub const MIN_STEP_MS: u32 = 1000;
/// Longest step.
pub const MAX_STEP_MS: u32 = 30 * 60 * 1000;
/// Longest step text.
pub const MAX_STEP_TEXT: usize = 1000;
/// Longest key.
pub const MAX_KEY: usize = 40;
/// Pace limits in tenths of a breath a minute.
pub const MIN_PACE_TENTHS: u32 = 10;
pub const MAX_PACE_TENTHS: u32 = 300;

/// What kind of exercise, for grouping in lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Category {
    Breathing,
    Grounding,
    Relaxation,
    Mindfulness,
    Compassion,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Breathing, Category::Grounding, Category::Relaxation, Category::Mindfulness, Category::Compassion];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Breathing => "breathing",
            Category::Grounding => "grounding",
            Category::Relaxation => "relaxation",
            Category::Mindfulness => "mindfulness",
            Category::Compassion => "compassion",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Who wrote an exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Origin {
    /// Ships with the app.
    BuiltIn,
    /// Written by the client.
    Mine,
    /// Written by the client's clinician.
    Clinician,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::BuiltIn => "built-in",
            Origin::Mine => "mine",
            Origin::Clinician => "clinician",
        }
    }
}

/// An exercise definition.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExerciseDef {
    /// Short name to start it by ("box", "4-7-8", "evening-calm").
    pub key: String,
    /// Version of this definition; bumped whenever its steps change.
    pub version: u32,
    pub title: String,
    /// One line saying what it is for.
    pub summary: String,
    pub category: Category,
    pub blocks: Vec<Block>,
    /// Present when the adjustable block is one breath whose pace can change.
    pub pace: Option<PaceRange>,
    pub origin: Origin,
}

impl fmt::Debug for ExerciseDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.origin {
            Origin::BuiltIn => write!(f, "ExerciseDef({} v{})", self.key, self.version),
            _ => write!(f, "ExerciseDef(custom v{}, <redacted>)", self.version),
        }
    }
}

fn bad(field: &'static str, problem: impl Into<String>) -> Error {
    Error::invalid(field, problem)
}

/// "step 3" or "block 2, step 3" for messages.
fn step_name(blocks: usize, b: usize, s: usize) -> String {
    if blocks == 1 {
        format!("step {}", s + 1)
    } else {
        format!("block {}, step {}", b + 1, s + 1)
    }
}

/// Check a key: lower-case letters, digits and dashes.
pub fn check_key(key: &str) -> Result<()> {
    let n = key.chars().count();
    if n == 0 {
        return Err(bad("key", "cannot be empty"));
    }
    if n > MAX_KEY {
        return Err(bad("key", format!("is {n} characters long; the limit is {MAX_KEY}")));
    }
    let ok = key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok || key.starts_with('-') || key.ends_with('-') {
        return Err(bad("key", "use lower-case letters, digits and dashes, such as evening-calm"));
    }
    Ok(())
}

impl ExerciseDef {
    /// Check every rule. Custom definitions pass through here before they are stored.
    pub fn validate(&self) -> Result<()> {
        check_key(&self.key)?;
        if self.version == 0 {
            return Err(bad("version", "must be 1 or more"));
        }
        text::label("title", &self.title, text::LABEL_MAX_CHARS)?;
        if self.summary.chars().count() > text::LINE_MAX_CHARS {
            return Err(bad("summary", format!("the limit is {} characters", text::LINE_MAX_CHARS)));
        }
        if self.blocks.is_empty() || self.blocks.iter().all(|b| b.steps.is_empty()) {
            return Err(bad("steps", "an exercise needs at least one step"));
        }
        if self.blocks.len() > MAX_BLOCKS {
            return Err(bad("blocks", format!("at most {MAX_BLOCKS} blocks; this one has {}", self.blocks.len())));
        }
        let steps: usize = self.blocks.iter().map(|b| b.steps.len()).sum();
        if steps > MAX_STEPS {
            return Err(bad("steps", format!("an exercise can have at most {MAX_STEPS} steps; this one has {steps}")));
        }
        let n = self.blocks.len();
        for (bi, b) in self.blocks.iter().enumerate() {
            if b.steps.is_empty() {
                return Err(bad("steps", format!("block {} has no steps", bi + 1)));
            }
            if b.repeat == 0 || b.repeat > MAX_ROUNDS {
                return Err(bad("repeat", format!("block {}: must be between 1 and {MAX_ROUNDS}", bi + 1)));
            }
            for (si, s) in b.steps.iter().enumerate() {
                check_step_duration(i64::from(s.duration_ms), &step_name(n, bi, si))?;
                check_step_text(&s.text, &step_name(n, bi, si))?;
            }
        }
        let adjustable = self.blocks.iter().filter(|b| b.adjustable).count();
        if adjustable > 1 {
            return Err(bad("adjustable", "only one block can be adjustable"));
        }
        if let Some(p) = self.pace {
            if adjustable == 0 {
                return Err(bad("pace", "a pace needs an adjustable block (one breath)"));
            }
            if p.min_tenths < MIN_PACE_TENTHS || p.max_tenths > MAX_PACE_TENTHS || p.min_tenths > p.max_tenths {
                return Err(bad(
                    "pace",
                    format!(
                        "the range must lie between {} and {} breaths a minute",
                        tenths(MIN_PACE_TENTHS),
                        tenths(MAX_PACE_TENTHS)
                    ),
                ));
            }
            if !(p.min_tenths..=p.max_tenths).contains(&p.default_tenths) {
                return Err(bad("pace", "the default must lie inside the range"));
            }
        }
        // Compiles at its defaults, within the length limit.
        self.timeline(&Adjust::default()).map(|_| ())
    }

    /// The adjustable block, if any.
    pub fn adjustable(&self) -> Option<&Block> {
        self.blocks.iter().find(|b| b.adjustable)
    }

    /// Compile into a timeline with the person's adjustments.
    pub fn timeline(&self, adjust: &Adjust) -> Result<Timeline> {
        let wants = adjust.rounds.is_some() || adjust.minutes.is_some() || adjust.pace_tenths.is_some();
        let Some(block) = self.adjustable() else {
            if wants {
                return Err(bad("rounds", "this exercise has a fixed length"));
            }
            return Timeline::compile(&self.blocks, None, None);
        };
        let pace = match (adjust.pace_tenths, self.pace) {
            (Some(p), Some(range)) => {
                if !(range.min_tenths..=range.max_tenths).contains(&p) {
                    return Err(bad(
                        "pace",
                        format!(
                            "must be between {} and {} breaths a minute",
                            tenths(range.min_tenths),
                            tenths(range.max_tenths)
                        ),
                    ));
                }
                Some(p)
            }
            (Some(_), None) => return Err(bad("pace", "this exercise has no breathing pace to adjust")),
            (None, Some(range)) => Some(range.default_tenths),
            (None, None) => None,
        };
        let rounds = match (adjust.rounds, adjust.minutes) {
            (Some(r), _) => {
                if r == 0 || r > MAX_ROUNDS {
                    return Err(bad("rounds", format!("must be between 1 and {MAX_ROUNDS}")));
                }
                Some(r)
            }
            (None, Some(m)) => {
                if m == 0 || u64::from(m) * 60_000 > MAX_TOTAL_MS {
                    return Err(bad("minutes", format!("must be between 1 and {}", MAX_TOTAL_MS / 60_000)));
                }
                // Whole rounds covering at least `m` minutes.
                let r = match pace {
                    // One pass is one breath: m minutes at p/10 breaths a minute.
                    Some(p) => (u64::from(m) * u64::from(p)).div_ceil(10),
                    None => (u64::from(m) * 60_000).div_ceil(block.cycle_ms().max(1)),
                };
                Some(r.clamp(1, u64::from(MAX_ROUNDS)) as u32)
            }
            (None, None) => None,
        };
        Timeline::compile(&self.blocks, rounds, pace)
    }

    /// Parse a definition written as JSON (see the module docs). The key must be free; the
    /// caller checks it against the library.
    pub fn from_json(text: &str, origin: Origin) -> Result<ExerciseDef> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            bad("exercise definition", format!("is not valid JSON (line {}, column {})", e.line(), e.column()))
        })?;
        let Value::Object(o) = v else {
            return Err(bad("exercise definition", "must be a JSON object"));
        };
        match o.get("format") {
            None => {}
            Some(Value::Number(n)) if n.as_u64() == Some(FORMAT) => {}
            Some(_) => return Err(bad("format", format!("this version of the app reads format {FORMAT}"))),
        }
        let key = req_str(&o, "key")?;
        let title = req_str(&o, "title")?;
        let summary = opt_str(&o, "summary")?.unwrap_or_default();
        let category = match opt_str(&o, "category")? {
            None => Category::Mindfulness,
            Some(c) => Category::parse(&c)
                .ok_or_else(|| bad("category", "use breathing, grounding, relaxation, mindfulness or compassion"))?,
        };
        let version = match o.get("version") {
            None => 1,
            Some(v) => v
                .as_u64()
                .filter(|n| (1..=u64::from(u32::MAX)).contains(n))
                .ok_or_else(|| bad("version", "must be a whole number, 1 or more"))? as u32,
        };
        let blocks = match (o.get("blocks"), o.get("steps")) {
            (Some(_), Some(_)) => return Err(bad("steps", "give either \"steps\" or \"blocks\", not both")),
            (Some(Value::Array(bs)), None) => {
                if bs.len() > MAX_BLOCKS {
                    return Err(bad("blocks", format!("at most {MAX_BLOCKS} blocks; this one has {}", bs.len())));
                }
                let n = bs.len();
                let mut out = Vec::with_capacity(n);
                for (bi, b) in bs.iter().enumerate() {
                    out.push(parse_block(b, bi, n)?);
                }
                out
            }
            (Some(_), None) => return Err(bad("blocks", "must be a list")),
            (None, Some(steps)) => {
                vec![Block { steps: parse_steps(steps, 0, 1)?, repeat: 1, adjustable: false }]
            }
            (None, None) => return Err(bad("steps", "an exercise needs at least one step")),
        };
        let pace = match o.get("pace") {
            None => None,
            Some(Value::Object(p)) => Some(PaceRange {
                default_tenths: pace_field(p, "default")?,
                min_tenths: pace_field(p, "min")?,
                max_tenths: pace_field(p, "max")?,
            }),
            Some(_) => return Err(bad("pace", "must be an object with default, min and max breaths a minute")),
        };
        let def = ExerciseDef { key, version, title, summary, category, blocks, pace, origin };
        def.validate()?;
        Ok(def)
    }

    /// The JSON form (round-trips through [`ExerciseDef::from_json`]).
    pub fn to_json(&self) -> Value {
        let blocks: Vec<Value> = self
            .blocks
            .iter()
            .map(|b| {
                let steps: Vec<Value> = b
                    .steps
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "text": s.text,
                            "seconds": f64::from(s.duration_ms) / 1000.0,
                            "phase": s.phase.as_str(),
                        })
                    })
                    .collect();
                serde_json::json!({ "repeat": b.repeat, "adjustable": b.adjustable, "steps": steps })
            })
            .collect();
        let mut v = serde_json::json!({
            "format": FORMAT,
            "key": self.key,
            "version": self.version,
            "title": self.title,
            "summary": self.summary,
            "category": self.category.as_str(),
            "blocks": blocks,
        });
        if let (Some(p), Value::Object(m)) = (self.pace, &mut v) {
            m.insert(
                "pace".into(),
                serde_json::json!({
                    "default": f64::from(p.default_tenths) / 10.0,
                    "min": f64::from(p.min_tenths) / 10.0,
                    "max": f64::from(p.max_tenths) / 10.0,
                }),
            );
        }
        v
    }
}

/// "6" or "6.5".
#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` needs Rust 1.87; the MSRV is 1.85.
pub fn tenths(t: u32) -> String {
    if t % 10 == 0 {
        format!("{}", t / 10)
    } else {
        format!("{}.{}", t / 10, t % 10)
    }
}

/// Parse a pace typed by a person ("6", "5.5") into tenths of a breath a minute.
pub fn parse_pace(s: &str) -> Result<u32> {
    let v: f64 = s.trim().parse().map_err(|_| bad("pace", "use breaths a minute, such as 6 or 5.5"))?;
    pace_tenths(v)
}

fn pace_tenths(v: f64) -> Result<u32> {
    let t = (v * 10.0).round();
    if !v.is_finite() || (t - v * 10.0).abs() > 1e-6 || t < 1.0 || t > f64::from(MAX_PACE_TENTHS) {
        return Err(bad(
            "pace",
            format!("use breaths a minute up to {} with at most one decimal, such as 5.5", MAX_PACE_TENTHS / 10),
        ));
    }
    Ok(t as u32)
}

fn check_step_duration(ms: i64, name: &str) -> Result<()> {
    if ms <= 0 {
        return Err(bad("step duration", format!("{name}: must be more than zero")));
    }
    if ms < i64::from(MIN_STEP_MS) {
        return Err(bad("step duration", format!("{name}: must be at least one second")));
    }
    if ms > i64::from(MAX_STEP_MS) {
        return Err(bad("step duration", format!("{name}: must be at most {} minutes", MAX_STEP_MS / 60_000)));
    }
    Ok(())
}

fn check_step_text(t: &str, name: &str) -> Result<()> {
    if t.trim().is_empty() {
        return Err(bad("step text", format!("{name}: cannot be empty")));
    }
    if t.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(bad("step text", format!("{name}: contains control characters")));
    }
    let n = t.chars().count();
    if n > MAX_STEP_TEXT {
        return Err(bad("step text", format!("{name}: is {n} characters long; the limit is {MAX_STEP_TEXT}")));
    }
    Ok(())
}

fn req_str(o: &Map<String, Value>, field: &'static str) -> Result<String> {
    opt_str(o, field)?.ok_or_else(|| bad(field, "is missing"))
}

fn opt_str(o: &Map<String, Value>, field: &'static str) -> Result<Option<String>> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(_) => Err(bad(field, "must be text")),
    }
}

fn pace_field(p: &Map<String, Value>, name: &str) -> Result<u32> {
    match p.get(name).and_then(Value::as_f64) {
        Some(v) => pace_tenths(v),
        None => Err(bad("pace", "needs default, min and max breaths a minute")),
    }
}

fn parse_block(v: &Value, bi: usize, blocks: usize) -> Result<Block> {
    let Value::Object(o) = v else {
        return Err(bad("blocks", format!("block {} must be an object with steps", bi + 1)));
    };
    let repeat = match o.get("repeat") {
        None => 1,
        Some(Value::Number(n)) => match n.as_i64() {
            Some(r) if (1..=i64::from(MAX_ROUNDS)).contains(&r) => r as u32,
            _ => return Err(bad("repeat", format!("block {}: must be between 1 and {MAX_ROUNDS}", bi + 1))),
        },
        Some(_) => return Err(bad("repeat", format!("block {}: must be a whole number", bi + 1))),
    };
    let adjustable = match o.get("adjustable") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("adjustable", format!("block {}: must be true or false", bi + 1))),
    };
    let steps = o.get("steps").ok_or_else(|| bad("steps", format!("block {} has no steps", bi + 1)))?;
    Ok(Block { steps: parse_steps(steps, bi, blocks)?, repeat, adjustable })
}

fn parse_steps(v: &Value, bi: usize, blocks: usize) -> Result<Vec<Step>> {
    let Value::Array(items) = v else {
        return Err(bad("steps", "must be a list"));
    };
    if items.is_empty() {
        return Err(bad("steps", "an exercise needs at least one step"));
    }
    if items.len() > MAX_STEPS {
        return Err(bad(
            "steps",
            format!("an exercise can have at most {MAX_STEPS} steps; this one has {}", items.len()),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (si, item) in items.iter().enumerate() {
        let name = step_name(blocks, bi, si);
        let Value::Object(o) = item else {
            return Err(bad("steps", format!("{name}: must be an object with text and seconds")));
        };
        let text = match o.get("text") {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(_) => return Err(bad("step text", format!("{name}: must be text"))),
            None => return Err(bad("step text", format!("{name}: is missing"))),
        };
        check_step_text(&text, &name)?;
        let ms: i64 = match (o.get("seconds"), o.get("ms")) {
            (Some(_), Some(_)) => return Err(bad("step duration", format!("{name}: give seconds or ms, not both"))),
            (Some(Value::Number(n)), None) => match n.as_f64() {
                Some(s) if s.is_finite() => {
                    let ms = (s * 1000.0).round();
                    if (ms - s * 1000.0).abs() > 1e-6 {
                        return Err(bad("step duration", format!("{name}: use whole milliseconds")));
                    }
                    ms.clamp(i64::MIN as f64, i64::MAX as f64) as i64
                }
                _ => return Err(bad("step duration", format!("{name}: must be a number of seconds"))),
            },
            (None, Some(Value::Number(n))) => match n.as_i64() {
                Some(ms) => ms,
                None => return Err(bad("step duration", format!("{name}: must be whole milliseconds"))),
            },
            (None, None) => return Err(bad("step duration", format!("{name}: is missing (give seconds)"))),
            _ => return Err(bad("step duration", format!("{name}: must be a number"))),
        };
        check_step_duration(ms, &name)?;
        let phase = match o.get("phase") {
            None | Some(Value::Null) => Phase::Rest,
            Some(Value::String(p)) => {
                Phase::parse(p).ok_or_else(|| bad("phase", format!("{name}: use inhale, hold, exhale or rest")))?
            }
            Some(_) => return Err(bad("phase", format!("{name}: use inhale, hold, exhale or rest"))),
        };
        out.push(Step { text, duration_ms: ms as u32, phase });
    }
    Ok(out)
}
