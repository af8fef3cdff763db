//! Built-in words for finding the plan from what a person types: a small English stemmer,
//! words that carry no meaning for lookup, and a synonym map from everyday words for hard
//! moments (HALT and the triggers and warning signs in PRODUCT.md) to shared concepts.
//!
//! Kept deliberately small and readable: the point is "stressed" finding "Stress at work" and
//! "can't sleep" finding "Insomnia", not general language understanding.

/// Strip common English suffixes so inflected forms share a stem: "stressed", "stresses" and
/// "stressful" all become "stress"; "loneliness" and "lonely" become "lone". Not a full Porter
/// stemmer: derivational suffixes once, then inflections once, then a final "e" and doubled
/// consonants.
pub(crate) fn stem(word: &str) -> String {
    let mut w: String = word.to_string();
    if w.chars().count() <= 3 || !w.is_ascii() {
        return w;
    }
    let strip = |w: &mut String, suffix: &str, with: &str, min_left: usize| -> bool {
        if w.ends_with(suffix) && w.len() - suffix.len() >= min_left {
            let n = w.len() - suffix.len();
            w.truncate(n);
            w.push_str(with);
            true
        } else {
            false
        }
    };
    // Derivational suffixes (one of them).
    let _ = strip(&mut w, "iness", "y", 3)
        || strip(&mut w, "fulness", "", 3)
        || strip(&mut w, "ness", "", 3)
        || strip(&mut w, "ful", "", 3)
        || strip(&mut w, "ment", "", 3)
        || strip(&mut w, "dom", "", 3)
        || strip(&mut w, "ation", "", 3);
    // Inflections (one of them).
    let _ = strip(&mut w, "ies", "y", 2)
        || strip(&mut w, "ied", "y", 2)
        || strip(&mut w, "ing", "", 3)
        || strip(&mut w, "ed", "", 3)
        || (w.ends_with("sses") && strip(&mut w, "es", "", 3))
        || (w.ends_with("xes") && strip(&mut w, "es", "", 3))
        || (w.ends_with("ches") && strip(&mut w, "es", "", 3))
        || (w.ends_with("shes") && strip(&mut w, "es", "", 3))
        || (!w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") && strip(&mut w, "s", "", 3));
    let _ = strip(&mut w, "ly", "", 3);
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    if w.ends_with('y') && w.len() > 3 {
        w.pop();
        w.push('i');
    }
    // "running" -> "runn" -> "run"; keep ll, ss, zz, ff ("scroll", "stress").
    let b = w.as_bytes();
    if b.len() >= 3 {
        let (x, y) = (b[b.len() - 1], b[b.len() - 2]);
        if x == y && matches!(x, b'b' | b'd' | b'g' | b'm' | b'n' | b'p' | b'r' | b't') {
            w.pop();
        }
    }
    w
}

/// Words that say nothing about *which* moment this is. Dropped from queries and plan labels.
pub(crate) const STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "being", "bit", "but", "by", "cause", "do", "doing", "dont", "feel", "feeling", "feelings", "feels",
    "felt", "for", "from", "get", "getting", "go", "going", "got", "had", "has", "have", "having", "how", "i", "id",
    "if", "im", "in", "into", "is", "it", "its", "ive", "just", "kind", "kinda", "like", "lot", "lots", "me", "much",
    "my", "need", "now", "of", "on", "or", "out", "pretty", "quite", "really", "right", "so", "some", "sort", "still",
    "super", "that", "the", "then", "there", "this", "to", "too", "very", "want", "wanna", "was", "what", "when",
    "with", "urge", "urges", "craving", "cravings", "strong", "bad", "help", "ill", "gonna",
];

/// Concepts and the words and phrases that mean them. Phrases are written as people type them;
/// they are tokenised and stemmed like everything else.
pub(crate) const CONCEPTS: &[(&str, &[&str])] = &[
    (
        "lonely",
        &[
            "lonely",
            "loneliness",
            "alone",
            "isolated",
            "isolation",
            "lonesome",
            "nobody",
            "no one",
            "by myself",
            "disconnected",
            "left out",
            "no friends",
            "on my own",
            "solitary",
        ],
    ),
    (
        "stress",
        &[
            "stress",
            "stressed",
            "stressful",
            "pressure",
            "overwhelmed",
            "overwhelm",
            "tense",
            "tension",
            "deadline",
            "burnout",
            "burned out",
            "burnt out",
            "overworked",
            "swamped",
            "frazzled",
        ],
    ),
    ("bored", &["bored", "boredom", "boring", "nothing to do", "idle", "understimulated", "dull"]),
    (
        "tired",
        &[
            "tired",
            "exhausted",
            "exhaustion",
            "fatigue",
            "fatigued",
            "sleepy",
            "drained",
            "worn out",
            "weary",
            "no energy",
            "knackered",
            "can't sleep",
            "cant sleep",
            "cannot sleep",
            "couldn't sleep",
            "insomnia",
            "sleepless",
            "lying awake",
            "awake at night",
            "no sleep",
            "not sleeping",
            "trouble sleeping",
            "sleep",
        ],
    ),
    (
        "anxious",
        &[
            "anxious",
            "anxiety",
            "worried",
            "worry",
            "nervous",
            "panic",
            "panicky",
            "panicking",
            "scared",
            "afraid",
            "fear",
            "uneasy",
            "on edge",
            "restless",
            "jittery",
            "agitated",
        ],
    ),
    (
        "sad",
        &[
            "sad",
            "sadness",
            "down",
            "depressed",
            "depression",
            "low",
            "blue",
            "unhappy",
            "miserable",
            "grief",
            "grieving",
            "crying",
            "hopeless",
            "empty",
            "numb",
        ],
    ),
    (
        "angry",
        &[
            "angry",
            "anger",
            "mad",
            "furious",
            "irritated",
            "annoyed",
            "resentful",
            "resentment",
            "frustrated",
            "frustration",
            "rage",
            "irritable",
        ],
    ),
    (
        "conflict",
        &[
            "argument",
            "argue",
            "arguing",
            "fight",
            "fighting",
            "conflict",
            "row",
            "quarrel",
            "fell out",
            "falling out",
            "shouting",
        ],
    ),
    (
        "rejected",
        &[
            "rejected",
            "rejection",
            "abandoned",
            "dumped",
            "ignored",
            "unwanted",
            "turned down",
            "unappreciated",
            "unloved",
            "left on read",
            "ghosted",
        ],
    ),
    ("ashamed", &["ashamed", "shame", "guilt", "guilty", "embarrassed", "worthless", "self-hatred", "disgusted"]),
    (
        "night",
        &[
            "night",
            "late",
            "late night",
            "late-night",
            "midnight",
            "tonight",
            "bedtime",
            "in bed",
            "after midnight",
            "up late",
            "nighttime",
        ],
    ),
    (
        "scrolling",
        &[
            "scroll",
            "scrolling",
            "browsing",
            "browse",
            "feed",
            "social media",
            "instagram",
            "tiktok",
            "reddit",
            "twitter",
            "youtube",
            "swiping",
            "dating app",
            "dating apps",
            "tinder",
            "internet",
            "online",
        ],
    ),
    ("screen", &["phone", "laptop", "computer", "tablet", "screen", "device", "devices"]),
    ("home", &["home", "house", "flat", "apartment", "bedroom", "room"]),
    (
        "alcohol",
        &[
            "alcohol", "drunk", "drinking", "drink", "drinks", "beer", "wine", "tipsy", "hungover", "hangover", "high",
            "weed", "drugs", "stoned",
        ],
    ),
    ("travel", &["travel", "travelling", "traveling", "hotel", "business trip", "trip", "away from home", "airport"]),
    ("payday", &["payday", "paid", "salary", "pay day", "money"]),
    ("celebrating", &["celebrate", "celebrating", "celebration", "party", "success", "good news", "reward"]),
    (
        "procrastinating",
        &["procrastinating", "procrastinate", "procrastination", "avoiding", "putting off", "avoidance"],
    ),
    (
        "cue",
        &[
            "image",
            "images",
            "ad",
            "ads",
            "advert",
            "advertisement",
            "picture",
            "pictures",
            "photo",
            "photos",
            "video",
            "pic",
            "pics",
            "triggering image",
        ],
    ),
    ("work", &["work", "job", "boss", "office", "email", "emails", "colleague", "coworker", "shift"]),
    ("hungry", &["hungry", "hunger", "starving", "skipped lunch", "skipped dinner"]),
    ("partner", &["partner", "wife", "husband", "girlfriend", "boyfriend", "spouse", "relationship"]),
    ("sick", &["sick", "ill", "pain", "headache", "unwell", "hurting"]),
    // Strategy words, so a person can also look for a strategy by what it is.
    ("breathe", &["breathe", "breathing", "breath", "breaths", "box breathing", "4-7-8"]),
    ("ground", &["ground", "grounding", "5-4-3-2-1", "senses"]),
    ("call", &["call", "phone call", "ring", "text", "message", "talk", "reach out", "contact"]),
    (
        "exercise",
        &[
            "run", "running", "jog", "jogging", "walk", "walking", "gym", "workout", "exercise", "swim", "cycle",
            "cycling", "bike",
        ],
    ),
    ("wait", &["wait", "delay", "pause", "timer", "minutes"]),
    ("shower", &["shower", "cold shower", "bath", "cold water"]),
    ("pray", &["pray", "prayer", "meditate", "meditation", "mindfulness"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        for group in [
            &["stress", "stressed", "stresses", "stressful", "stressing"][..],
            &["lonely", "loneliness"],
            &["bored", "bore", "boredom", "bores"],
            &["tired", "tire", "tires"],
            &["scroll", "scrolling", "scrolled", "scrolls"],
            &["run", "running", "runs"],
            &["argue", "arguing", "argued", "argues"],
            &["worry", "worried", "worries"],
            &["trigger", "triggers", "triggered", "triggering"],
            &["night", "nights"],
            &["empty", "emptiness"],
        ] {
            let s = stem(group[0]);
            for w in group {
                assert_eq!(stem(w), s, "{w} vs {}", group[0]);
            }
        }
        assert_ne!(stem("stress"), stem("street"));
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("ok"), "ok");
    }
}
