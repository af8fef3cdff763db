//! Built-in strategy suggestions, shown (marked as suggestions) when the plan has nothing for
//! the moment: a new client's empty plan, or a feeling the plan does not mention yet. Drawn
//! from relapse-prevention practice (PRODUCT.md): delay, reach out, ground or breathe, surf
//! the urge, change the environment, behavioural activation, self-compassion, reasons.

use super::model::StrategyKind;

type Suggestions = &'static [(&'static str, StrategyKind)];

/// Suggestions for a concept of the synonym map (see `lexicon::CONCEPTS`).
pub(crate) fn for_concept(concept: &str) -> Suggestions {
    use StrategyKind::*;
    match concept {
        "lonely" => &[
            ("Text or call someone you trust, even just to say hello", ReachOut),
            ("Go where there are people: a café, a library, a walk in the park", ChangeEnvironment),
            ("Write down what you are missing right now, in your own words", SelfCompassion),
        ],
        "stress" | "work" => &[
            ("Box breathing: in 4, hold 4, out 4, hold 4, for four minutes", GroundOrBreathe),
            ("Write the three things on your mind, then pick one small next step", Distract),
            ("Step outside for ten minutes of fresh air", ChangeEnvironment),
        ],
        "bored" | "procrastinating" => &[
            ("Do one thing from your list of things you enjoy", ValuedActivity),
            ("Leave the room you are in and do something with your hands", ChangeEnvironment),
            ("Set a 15-minute timer before deciding anything", Delay),
        ],
        "tired" => &[
            ("Put the phone in another room and start winding down", ChangeEnvironment),
            ("Slow breathing, about six breaths a minute, lying down", GroundOrBreathe),
            ("Remind yourself: tired urges feel bigger than they are, and they pass", SurfTheUrge),
        ],
        "anxious" => &[
            (
                "5-4-3-2-1: name 5 things you see, 4 you can touch, 3 you hear, 2 you smell, 1 you taste",
                GroundOrBreathe,
            ),
            ("4-7-8 breathing, four cycles", GroundOrBreathe),
            ("Call someone who calms you", ReachOut),
        ],
        "sad" | "ashamed" | "rejected" => &[
            ("Speak to yourself as you would to a good friend feeling this", SelfCompassion),
            ("Reach out to someone who cares about you", ReachOut),
            ("Read your reasons for recovery", ReasonsAndValues),
        ],
        "angry" | "conflict" | "partner" => &[
            ("Take a 20-minute break before responding", Delay),
            ("Go for a brisk walk to let the anger settle", ValuedActivity),
            ("Name the feeling and where you feel it in your body", GroundOrBreathe),
        ],
        "night" | "scrolling" | "screen" => &[
            ("Put the phone out of reach, in another room", ChangeEnvironment),
            ("Switch on the content blocker or close the app", ChangeEnvironment),
            ("Surf the urge: rate it now and watch it rise, peak and pass", SurfTheUrge),
        ],
        "home" => &[
            ("Leave the house for a while: a walk, a shop, a friend", ChangeEnvironment),
            ("Call someone and stay on the phone for a bit", ReachOut),
        ],
        "alcohol" => &[
            ("Stop drinking for tonight and have water", ChangeEnvironment),
            ("Stay with other people rather than going home alone", ChangeEnvironment),
        ],
        "travel" => &[
            ("Keep the hotel room for sleeping: spend the evening in a public place", ChangeEnvironment),
            ("Check in with someone from home", ReachOut),
        ],
        "cue" => &[
            ("Look away and take three slow breaths", GroundOrBreathe),
            ("Set a 15-minute timer before doing anything", Delay),
        ],
        "hungry" => &[("Eat something, then see how strong the urge is", ChangeEnvironment)],
        "celebrating" | "payday" => {
            &[("Plan a reward that fits your values", ValuedActivity), ("Tell someone your good news", ReachOut)]
        }
        _ => &[],
    }
}

/// General suggestions for any moment, in the order a hard moment needs them.
pub(crate) const GENERAL: Suggestions = &[
    ("Set a 15-minute timer before doing anything; urges rise, peak and pass", StrategyKind::Delay),
    ("Surf the urge: notice it, rate it, breathe, and watch it change", StrategyKind::SurfTheUrge),
    ("Box breathing: in 4, hold 4, out 4, hold 4", StrategyKind::GroundOrBreathe),
    ("Call or text someone you trust right now", StrategyKind::ReachOut),
    ("Leave the room you are in, and leave the phone behind", StrategyKind::ChangeEnvironment),
    ("Do something you enjoy that keeps your hands busy", StrategyKind::ValuedActivity),
    ("Read your reasons for recovery", StrategyKind::ReasonsAndValues),
    ("Be kind to yourself: an urge is information, not an order", StrategyKind::SelfCompassion),
];

/// Shown first at high intensity when the plan names no one to contact.
pub(crate) const CRISIS: Suggestions = &[
    ("Call or text someone you trust right now", StrategyKind::ReachOut),
    ("If you might hurt yourself or someone else, call your local emergency number", StrategyKind::ReachOut),
];
