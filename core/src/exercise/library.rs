//! The built-in exercises, in our own plain words.
//!
//! Timings follow the protocol facts in the product brief: box breathing 4-4-4-4 for 4-10
//! minutes; 4-7-8 after a full exhale, four rounds; paced breathing about 6 a minute (adjustable);
//! 5-4-3-2-1 grounding; progressive muscle relaxation tensing 5-10 s and releasing 15-30 s, in a
//! short 4-group and a long 16-group form; Marlatt's SOBER for urge surfing; a self-compassion
//! break. Change a text or a timing only together with its `version`.

use super::definition::{Category, ExerciseDef, Origin};
use super::timeline::{Block, PaceRange, Phase, Step};

fn step(secs: u32, phase: Phase, text: &str) -> Step {
    Step { text: text.to_string(), duration_ms: secs * 1000, phase }
}

fn rest(secs: u32, text: &str) -> Step {
    step(secs, Phase::Rest, text)
}

fn once(steps: Vec<Step>) -> Block {
    Block { steps, repeat: 1, adjustable: false }
}

fn rounds(repeat: u32, steps: Vec<Step>) -> Block {
    Block { steps, repeat, adjustable: true }
}

#[allow(clippy::too_many_arguments)]
fn def(
    key: &str,
    version: u32,
    title: &str,
    summary: &str,
    category: Category,
    blocks: Vec<Block>,
    pace: Option<PaceRange>,
) -> ExerciseDef {
    ExerciseDef {
        key: key.to_string(),
        version,
        title: title.to_string(),
        summary: summary.to_string(),
        category,
        blocks,
        pace,
        origin: Origin::BuiltIn,
    }
}

/// Keys of the built-in exercises, in the order they are listed.
pub const BUILTIN_KEYS: [&str; 8] =
    ["box", "4-7-8", "paced", "5-4-3-2-1", "pmr-short", "pmr-long", "sober", "self-compassion"];

/// Other names people may type for a built-in exercise.
pub fn alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "box" | "box-breathing" | "square" => "box",
        "4-7-8" | "478" | "relaxing-breath" => "4-7-8",
        "paced" | "paced-breathing" | "resonance" | "resonant" => "paced",
        "5-4-3-2-1" | "54321" | "grounding" | "senses" => "5-4-3-2-1",
        "pmr-short" | "pmr" | "muscle-relaxation" => "pmr-short",
        "pmr-long" | "pmr-16" => "pmr-long",
        "sober" | "urge-surfing" | "surf" => "sober",
        "self-compassion" | "compassion" | "kindness" => "self-compassion",
        _ => return None,
    })
}

/// The built-in exercise with this key (or alias).
pub fn builtin(name: &str) -> Option<ExerciseDef> {
    Some(match alias(name)? {
        "box" => box_breathing(),
        "4-7-8" => four_seven_eight(),
        "paced" => paced(),
        "5-4-3-2-1" => five_senses(),
        "pmr-short" => pmr_short(),
        "pmr-long" => pmr_long(),
        "sober" => sober(),
        "self-compassion" => self_compassion(),
        _ => return None,
    })
}

/// Every built-in exercise.
pub fn builtins() -> Vec<ExerciseDef> {
    BUILTIN_KEYS.iter().filter_map(|k| builtin(k)).collect()
}

fn box_breathing() -> ExerciseDef {
    def(
        "box",
        1,
        "Box breathing",
        "In, hold, out, hold: four seconds each. Steadies body and mind in a few minutes.",
        Category::Breathing,
        vec![
            once(vec![rest(
                5,
                "Sit or stand comfortably and let your shoulders drop. We will breathe in four equal parts, \
                 like tracing the sides of a box.",
            )]),
            rounds(
                15,
                vec![
                    step(4, Phase::Inhale, "Breathe in slowly through your nose."),
                    step(4, Phase::Hold, "Hold the breath gently. No strain."),
                    step(4, Phase::Exhale, "Breathe out slowly, letting your body soften."),
                    step(4, Phase::Hold, "Rest with your lungs empty, calm and still."),
                ],
            ),
            once(vec![rest(5, "Let your breath find its own rhythm again. Notice how your body feels now.")]),
        ],
        None,
    )
}

fn four_seven_eight() -> ExerciseDef {
    def(
        "4-7-8",
        1,
        "4-7-8 breathing",
        "In for 4, hold for 7, out for 8. A long, slow out-breath that tells the body it can settle.",
        Category::Breathing,
        vec![
            once(vec![step(
                4,
                Phase::Exhale,
                "First, breathe all the way out through your mouth, with a soft whoosh.",
            )]),
            Block {
                steps: vec![
                    step(4, Phase::Inhale, "Close your mouth and breathe in quietly through your nose."),
                    step(7, Phase::Hold, "Hold your breath. Stay relaxed."),
                    step(8, Phase::Exhale, "Breathe out through your mouth, slow and complete."),
                ],
                repeat: 4,
                adjustable: true,
            },
            once(vec![rest(
                5,
                "Breathe normally. If you feel light-headed, that is common at first and passes quickly.",
            )]),
        ],
        None,
    )
}

fn paced() -> ExerciseDef {
    def(
        "paced",
        1,
        "Paced breathing",
        "Slow, even breaths, about six a minute, with a longer out-breath. You can change the pace.",
        Category::Breathing,
        vec![
            once(vec![rest(
                5,
                "Rest a hand on your belly. Breathe so that your belly rises and falls, not your shoulders.",
            )]),
            rounds(
                30,
                vec![
                    step(4, Phase::Inhale, "Breathe in slowly and let your belly rise."),
                    step(6, Phase::Exhale, "Breathe out a little longer than you breathed in."),
                ],
            ),
        ],
        Some(PaceRange { default_tenths: 60, min_tenths: 30, max_tenths: 100 }),
    )
}

fn five_senses() -> ExerciseDef {
    def(
        "5-4-3-2-1",
        1,
        "5-4-3-2-1 grounding",
        "Use your senses to come back to the room you are in, right now.",
        Category::Grounding,
        vec![once(vec![
            rest(10, "Pause for a moment. You are here, in this place, right now. Let your senses bring you back."),
            rest(
                40,
                "Look around and name five things you can see. Take each one in: its colour, its shape, its edges.",
            ),
            rest(
                35,
                "Now four things you can touch or feel: your feet on the floor, the seat under you, the fabric of \
                 your clothes, the air on your skin.",
            ),
            rest(30, "Three things you can hear. Sounds nearby, sounds far away, even the quiet between them."),
            rest(25, "Two things you can smell. If nothing comes, think of a smell you like."),
            rest(20, "One thing you can taste. Or take a sip of water and notice it."),
            rest(15, "Take one slow breath. You are here, and this moment is already passing."),
        ])],
        None,
    )
}

/// Tense and release steps for one muscle group.
fn group(tense: u32, release: u32, how: &str) -> Vec<Step> {
    vec![
        rest(tense, how),
        rest(release, "And let go. Feel the tension drain away, and notice the difference between tense and relaxed."),
    ]
}

fn pmr(key: &str, title: &str, summary: &str, groups: &[&str], tense: u32, release: u32) -> ExerciseDef {
    let mut steps = vec![rest(
        10,
        "Find a comfortable position and close your eyes if you like. We will tense each group of muscles for a \
         few seconds, then let it go. Tense firmly but never to the point of pain; skip any part that hurts.",
    )];
    for g in groups {
        steps.extend(group(tense, release, g));
    }
    steps.push(rest(
        15,
        "Let your whole body rest. Breathe slowly and enjoy the heaviness and warmth. Take your time before you get up.",
    ));
    def(key, 1, title, summary, Category::Relaxation, vec![once(steps)], None)
}

fn pmr_short() -> ExerciseDef {
    pmr(
        "pmr-short",
        "Muscle relaxation (short)",
        "Tense and release four muscle groups, a little over two minutes.",
        &[
            "Hands and arms: make fists and tighten your arms. Hold the tension.",
            "Face, neck and shoulders: scrunch your face and lift your shoulders towards your ears. Hold.",
            "Chest, back and belly: take a breath, pull your shoulder blades together and tighten your belly. Hold.",
            "Legs and feet: press your feet into the floor and tighten your thighs and calves. Hold.",
        ],
        7,
        20,
    )
}

fn pmr_long() -> ExerciseDef {
    pmr(
        "pmr-long",
        "Muscle relaxation (long)",
        "Tense and release sixteen muscle groups, one by one, about nine minutes.",
        &[
            "Your dominant hand and forearm: make a tight fist. Hold.",
            "Your dominant upper arm: bend your arm and press your elbow down. Hold.",
            "Your other hand and forearm: make a tight fist. Hold.",
            "Your other upper arm: bend your arm and press your elbow down. Hold.",
            "Your forehead: raise your eyebrows as high as they go. Hold.",
            "Your eyes and cheeks: squeeze your eyes shut and wrinkle your nose. Hold.",
            "Your jaw: clench your teeth gently and pull the corners of your mouth back. Hold.",
            "Your neck: press your chin down towards your chest, without touching it. Hold.",
            "Your chest, shoulders and upper back: pull your shoulder blades together. Hold.",
            "Your belly: make your stomach hard, as if bracing for a push. Hold.",
            "Your dominant thigh: tighten the muscles on top and underneath. Hold.",
            "Your dominant calf: pull your toes up towards your face. Hold.",
            "Your dominant foot: point your toes and curl them down. Hold.",
            "Your other thigh: tighten the muscles on top and underneath. Hold.",
            "Your other calf: pull your toes up towards your face. Hold.",
            "Your other foot: point your toes and curl them down. Hold.",
        ],
        7,
        25,
    )
}

fn sober() -> ExerciseDef {
    def(
        "sober",
        1,
        "SOBER: surfing an urge",
        "Stop, Observe, Breathe, Expand, Respond: ride the wave of an urge without acting on it.",
        Category::Mindfulness,
        vec![
            once(vec![
                rest(
                    20,
                    "Stop. Whatever you are doing, pause. You do not have to do anything about this urge right now.",
                ),
                rest(
                    45,
                    "Observe. Where do you feel the urge in your body? Notice its pressure, its heat, how it moves. \
                     Notice your thoughts as thoughts. Just watch, with curiosity.",
                ),
            ]),
            rounds(
                6,
                vec![
                    step(4, Phase::Inhale, "Breathe in slowly."),
                    step(6, Phase::Exhale, "Breathe out, and let the urge be there without feeding it."),
                ],
            ),
            once(vec![
                rest(
                    45,
                    "Expand your awareness: your whole body, the room, the sounds around you. The urge is one part of \
                     this moment, not all of it.",
                ),
                rest(
                    40,
                    "Respond mindfully. What do you need right now, and what matters to you? Choose your next step on \
                     purpose: a glass of water, a walk, a message to someone on your list.",
                ),
                rest(
                    15,
                    "Urges rise, peak and pass, like waves. Whatever you feel now, you gave yourself a moment of choice.",
                ),
            ]),
        ],
        None,
    )
}

fn self_compassion() -> ExerciseDef {
    def(
        "self-compassion",
        1,
        "Self-compassion break",
        "A few kind words for a hard moment: for after a slip, or whenever you are being hard on yourself.",
        Category::Compassion,
        vec![
            once(vec![
                rest(10, "Put a hand on your chest, or anywhere that feels comforting. Notice its warmth."),
                rest(30, "Say to yourself: this is a moment of difficulty. It is hard right now, and that is okay to admit."),
                rest(
                    30,
                    "Difficulty is part of being human. Many people struggle the way you do. You are not alone in this.",
                ),
                rest(
                    30,
                    "May I be kind to myself. Say it quietly, or find words that fit: may I be patient with myself, may I \
                     forgive myself, may I give myself what I need.",
                ),
            ]),
            rounds(
                3,
                vec![
                    step(4, Phase::Inhale, "Breathe in kindness for yourself."),
                    step(6, Phase::Exhale, "Breathe out, and soften."),
                ],
            ),
            once(vec![rest(15, "Notice how you feel now. You can come back to these words any time.")]),
        ],
        None,
    )
}
