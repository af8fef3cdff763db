//! Guided exercises: a small data-driven engine, the built-in library, custom exercises
//! written by clients and clinicians, and the record of sessions done.
//!
//! - [`timeline`]: steps with a breathing phase, compiled into exact integer-millisecond
//!   boundaries; "where are we at this moment" without allocating (every animation frame).
//! - [`definition`]: what an exercise is, its checks, and the JSON form for custom ones.
//! - [`library`]: the built-in exercises, in our own words.
//! - [`run`]: a running exercise (pause, resume, skip), pure.
//! - [`records`]: stored custom exercises and completed sessions (distress 0-10 before and
//!   after, the SUDS scale), encrypted like every record.

pub mod definition;
pub mod library;
pub mod records;
pub mod run;
mod stored;
pub mod timeline;

pub use definition::{Category, ExerciseDef, Origin};
pub use records::{CustomExercise, CustomListing, ExerciseSession, ExerciseSessionListing};
pub use run::{ExerciseRun, MAX_DISTRESS};
pub use timeline::{Adjust, Block, PaceRange, Phase, Position, Step, Timeline};

#[cfg(test)]
mod tests;
