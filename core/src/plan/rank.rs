//! Order of plan entries that survives concurrent edits.
//!
//! Every ordered entry (a trigger, a strategy, a contact...) is a map entry keyed by its own
//! stable id and holds a numeric `rank`; a list is its entries sorted by (rank, id). Adding an
//! entry creates a new key; moving one writes only its own `rank`; renaming writes only its own
//! text. So on two offline copies, a move on one and an add or rename on the other touch
//! different registers and merge with both kept. Two concurrent moves of the *same* entry keep
//! one of them (last writer wins), and two concurrent adds at the same spot are ordered by id.
//!
//! A new rank is drawn at a random point of the middle of the gap (so two devices inserting at
//! one spot rarely pick the same number). When a gap becomes too small to split (after dozens of
//! moves into one spot), the list is renumbered.

/// Smallest gap still split; below it the list is renumbered.
const MIN_GAP: f64 = 1e-9;

/// A rank strictly between `prev` and `next` (either may be open), or `None` when the gap is
/// too small (renumber, then ask again). `jitter` is a random number in [0, 1).
pub(crate) fn between(prev: Option<f64>, next: Option<f64>, jitter: f64) -> Option<f64> {
    let j = jitter.clamp(0.0, 1.0);
    let r = match (prev, next) {
        (None, None) => j * 0.5,
        (Some(a), None) => a + 1.0 + j * 0.5,
        (None, Some(b)) => b - 1.0 - j * 0.5,
        (Some(a), Some(b)) => {
            let gap = b - a;
            if gap.is_nan() || gap <= MIN_GAP || !gap.is_finite() {
                return None;
            }
            a + gap * (0.35 + 0.3 * j)
        }
    };
    // Guard against rounding at the edges of a tiny gap and against non-finite input.
    let ok = r.is_finite() && prev.is_none_or(|a| r > a) && next.is_none_or(|b| r < b);
    ok.then_some(r)
}

/// Sort key: rank, then id text (deterministic on every device). Non-finite ranks sort last.
pub(crate) fn cmp(a: (f64, &str), b: (f64, &str)) -> std::cmp::Ordering {
    let fa = if a.0.is_finite() { a.0 } else { f64::MAX };
    let fb = if b.0.is_finite() { b.0 } else { f64::MAX };
    fa.total_cmp(&fb).then_with(|| a.1.cmp(b.1))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn between_is_strictly_between() {
        assert!(between(None, None, 0.3).is_some());
        let r = between(Some(1.0), None, 0.9).unwrap();
        assert!(r > 1.0);
        let r = between(None, Some(1.0), 0.9).unwrap();
        assert!(r < 1.0);
        let mut lo = 0.0;
        let hi = 1.0;
        // Repeated inserts into one spot eventually ask for renumbering, never a wrong order.
        let mut n = 0;
        while let Some(r) = between(Some(lo), Some(hi), 0.99) {
            assert!(r > lo && r < hi);
            lo = r;
            n += 1;
            assert!(n < 200);
        }
        assert!(n > 15, "{n}");
        assert_eq!(between(Some(1.0), Some(1.0), 0.5), None);
        assert_eq!(between(Some(f64::NAN), Some(1.0), 0.5), None);
        assert_eq!(between(Some(2.0), Some(1.0), 0.5), None);
    }

    #[test]
    fn ties_break_by_id() {
        use std::cmp::Ordering;
        assert_eq!(cmp((1.0, "A"), (1.0, "B")), Ordering::Less);
        assert_eq!(cmp((0.5, "Z"), (1.0, "A")), Ordering::Less);
        assert_eq!(cmp((f64::NAN, "A"), (1.0, "B")), Ordering::Greater);
    }
}
