//! The built-in exercises, in our own plain words.
//!
//! Timings follow the protocol facts in the product brief: box breathing 4-4-4-4 for 4-10
//! minutes; 4-7-8 after a full exhale, four rounds; paced breathing about 6 a minute (adjustable);
//! 5-4-3-2-1 grounding; progressive muscle relaxation tensing 5-10 s and releasing 15-30 s, in a
//! short 4-group and a long 16-group form; Marlatt's SOBER for urge surfing; a self-compassion
//! break; a body scan (about 10 minutes, the length of brief scans used for cravings); DBT's
//! opposite action; a delay timer (15 minutes by default, adjustable) that ends with a choice;
//! a self-compassionate letter. Sources and timings: docs/exercises.md. Change a text or a
//! timing only together with its `version`.

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
pub const BUILTIN_KEYS: [&str; 12] = [
    "box",
    "4-7-8",
    "paced",
    "5-4-3-2-1",
    "pmr-short",
    "pmr-long",
    "sober",
    "self-compassion",
    "body-scan",
    "opposite-action",
    "delay",
    "compassionate-letter",
];

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
        "body-scan" | "bodyscan" | "scan" => "body-scan",
        "opposite-action" | "opposite" => "opposite-action",
        "delay" | "delay-timer" | "wait" | "timer" => "delay",
        "compassionate-letter" | "letter" | "self-compassionate-letter" => "compassionate-letter",
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
        "body-scan" => body_scan(),
        "opposite-action" => opposite_action(),
        "delay" => delay(),
        "compassionate-letter" => compassionate_letter(),
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

fn body_scan() -> ExerciseDef {
    let part = |secs: u32, text: &str| rest(secs, text);
    def(
        "body-scan",
        1,
        "Body scan",
        "Move your attention slowly through the body, noticing without changing anything: about 10 minutes.",
        Category::Mindfulness,
        vec![once(vec![
            part(40, "Lie down or sit comfortably. Let your eyes close or rest on one spot. Feel the weight of your body held by what is under you."),
            part(30, "Notice your breath, without changing it. In, and out."),
            part(50, "Bring your attention to your feet: toes, soles, heels. Warmth, coolness, tingling, or nothing at all. Whatever is there is fine."),
            part(50, "Move up to your lower legs and knees. Notice any tension, and let it be."),
            part(50, "Your thighs and hips. Notice where they touch the chair or the floor."),
            part(50, "Your belly. Feel it rise and fall with each breath."),
            part(50, "Your chest and upper back. If you notice an urge or a strong feeling somewhere, notice it as a sensation: where it is, its size, whether it moves."),
            part(50, "Your hands and arms, from your fingertips to your shoulders."),
            part(50, "Your shoulders and neck: places that often hold stress. Breathe into them, without forcing anything."),
            part(50, "Your face: jaw, mouth, eyes, forehead. Let your jaw soften."),
            part(50, "Now your whole body at once, breathing. When your mind wanders, that is what minds do: gently come back."),
            part(30, "Notice how you feel now. When you are ready, open your eyes and move slowly."),
        ])],
        None,
    )
}

fn opposite_action() -> ExerciseDef {
    def(
        "opposite-action",
        1,
        "Opposite action",
        "Name the emotion and the urge it brings, then act the opposite way, all the way (DBT): about 7 minutes.",
        Category::Mindfulness,
        vec![once(vec![
            rest(45, "Name the emotion you feel right now, as precisely as you can: shame, loneliness, anger, fear, sadness, boredom. Say it to yourself: \"I notice shame.\""),
            rest(45, "Check the facts: does the emotion, or its strength, fit what is actually happening? If acting on it would not help you, opposite action can."),
            rest(40, "Notice what the emotion urges you to do: hide, withdraw, attack, escape into the screen or the urge."),
            rest(60, "Name the opposite action. Shame or guilt that does not fit the facts: face people, do not hide. Loneliness or sadness: get active, reach out. Anger: be gentle, step away. Fear: approach. Boredom: do something that matters to you."),
            rest(150, "Do the opposite action now, all the way: with your body, your voice and your thoughts, not only on the outside. Keep going even if the feeling does not change at once."),
            rest(45, "Notice what changed in the emotion and in the urge. Rate your distress now. Opposite action works by repetition: each time counts."),
        ])],
        None,
    )
}

fn delay() -> ExerciseDef {
    def(
        "delay",
        1,
        "Wait 15 minutes, then decide",
        "Put time between the urge and any action: a timer (5-30 minutes), then a choice made on purpose.",
        Category::Mindfulness,
        vec![
            once(vec![rest(
                20,
                "You do not have to decide anything now. For the next minutes, the only task is to wait. Urges rise, peak and pass.",
            )]),
            Block {
                steps: vec![rest(60, "Wait. Do something with your hands, drink some water, or just watch the urge. One minute at a time.")],
                repeat: 15,
                adjustable: true,
            },
            once(vec![rest(
                40,
                "Time is up. Notice how strong the urge is now. Then decide on purpose: surf what is left of it, open your plan, reach someone, or carry on with your day.",
            )]),
        ],
        None,
    )
}

fn compassionate_letter() -> ExerciseDef {
    def(
        "compassionate-letter",
        1,
        "A self-compassionate letter",
        "Write yourself a letter from a kind, understanding friend: about 15 minutes, on paper or in a note.",
        Category::Compassion,
        vec![once(vec![
            rest(60, "Think of something about yourself, or something you did, that makes you feel ashamed or not good enough. Notice the feelings it brings, without pushing them away."),
            rest(60, "Now imagine a friend who is unconditionally kind, accepting and wise. They know everything about you, your history and what you are struggling with, and they care about you."),
            rest(480, "Write a letter to yourself from that friend's point of view. What would they say about this? How would they remind you that you are human, that everyone has struggles? What would they gently suggest you do next?"),
            rest(120, "Put the letter down for a moment. Then read it again slowly, letting the words in, as if a friend had written them to you."),
            rest(60, "Keep the letter somewhere you can find it. You can read it again after a hard moment or a slip."),
        ])],
        None,
    )
}
