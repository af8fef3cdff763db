//! Words the app offers after a slip: a self-compassion prompt and a few plain reminders.
//!
//! Shame after a lapse is what turns one slip into many (the abstinence-violation effect), so
//! everything here speaks to the person as a good friend would: no verdicts, no counters
//! reset, no "failure". The texts are the project's own.

use crate::id::RecordId;

/// Prompts for writing a few kind words to oneself. Each slip gets one, chosen by its id, so
/// the same slip always shows the same prompt and different slips vary.
pub const SELF_COMPASSION_PROMPTS: &[&str] = &[
    "Imagine a close friend told you about this slip, and how hard they had been trying. What would you say to them? Now write it to yourself.",
    "This was a hard moment, and many people in recovery know it well. What do you need to hear right now?",
    "Write down one thing you did well today or this week, however small. A slip does not erase it.",
    "Put a hand on your chest for a moment and breathe out slowly. Then finish this sentence: \"It makes sense that I was struggling, because...\"",
    "You are learning a new way to live with urges, and learning has stumbles. What would it look like to be patient with yourself tonight?",
    "Write a short note from the part of you that wants to heal to the part of you that is hurting.",
    "What would you like to forgive yourself for, and what would you like to carry forward from this?",
];

/// Said when a slip has been logged.
pub const AFTER_LOGGING: &str =
    "Thank you for writing this down. A slip is something to learn from, not a verdict on you, and the days you have already managed still count.";

/// Said when an analysis is finished.
pub const AFTER_ANALYSIS: &str =
    "You looked at this with curiosity instead of blame. That is exactly the skill that makes the next time different.";

/// The self-compassion prompt for one slip.
pub fn prompt_for(id: &RecordId) -> &'static str {
    let b = id.as_bytes();
    let n = usize::from(b[0]) | (usize::from(b[1]) << 8);
    SELF_COMPASSION_PROMPTS.get(n % SELF_COMPASSION_PROMPTS.len()).copied().unwrap_or(AFTER_LOGGING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_never_shaming() {
        let banned = ["fail", "relapse", "reset", "weak", "shame on", "should have known", "disgust", "again?"];
        for t in SELF_COMPASSION_PROMPTS.iter().chain([AFTER_LOGGING, AFTER_ANALYSIS].iter()) {
            let l = t.to_lowercase();
            for b in banned {
                assert!(!l.contains(b), "{b:?} in {t:?}");
            }
        }
    }

    #[test]
    fn the_same_slip_gets_the_same_prompt() {
        let id = RecordId::from_bytes([7; 16]);
        assert_eq!(prompt_for(&id), prompt_for(&id));
        let distinct: std::collections::HashSet<&str> =
            (0u8..=255).map(|i| prompt_for(&RecordId::from_bytes([i; 16]))).collect();
        assert_eq!(distinct.len(), SELF_COMPASSION_PROMPTS.len());
    }
}
