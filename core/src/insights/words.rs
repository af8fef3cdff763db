//! Progress in plain, compassionate sentences, decided once here so every front end says the
//! same thing in the same order.
//!
//! The order is the point (PRODUCT.md, "Slips are learning"): the longer view comes first
//! (days without acting out in the last 30, against the 30 before), then the longest stretch,
//! which never resets, then urges ridden out. The current stretch is never the headline; right
//! after a slip it is left out altogether (it would read "less than an hour" at the moment of
//! most shame), and the self-compassion prompt follows instead.

use super::acting::Progress;

/// "23 days", "4 days 3 hours", "5 hours", "less than an hour".
pub fn stretch_words(secs: i64) -> String {
    let hours = secs / 3600;
    if hours < 1 {
        return "less than an hour".into();
    }
    if hours < 24 {
        return format!("{hours} hour{}", plural(hours));
    }
    let days = hours / 24;
    let rest = hours % 24;
    let d = format!("{days} day{}", plural(days));
    if days < 7 && rest > 0 {
        format!("{d} {rest} hour{}", plural(rest))
    } else {
        d
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl Progress {
    /// Progress for an insights screen: the longer view first, the current stretch last.
    pub fn sentences(&self) -> Vec<String> {
        let mut out = self.longer_view();
        if let Some(line) = self.current_stretch() {
            out.push(line);
        }
        out.extend(self.ridden_out());
        out
    }

    /// Progress right after a slip: the longer view and the longest stretch, never the
    /// current stretch.
    pub fn sentences_after_slip(&self) -> Vec<String> {
        let mut out = self.longer_view();
        out.extend(self.ridden_out());
        out
    }

    /// Days without acting out in the last 30 (and the 30 before), then the longest stretch.
    fn longer_view(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.tracking_since.is_none() {
            return out;
        }
        let last = &self.last_30_days;
        if last.days_tracked > 0 {
            let mut s = format!(
                "Last 30 days: {} of {} days without acting out",
                last.days_without_acting_out, last.days_tracked
            );
            let prev = &self.previous_30_days;
            if prev.days_tracked > 0 {
                s.push_str(&format!(
                    " (the 30 days before: {} of {})",
                    prev.days_without_acting_out, prev.days_tracked
                ));
            }
            s.push('.');
            out.push(s);
        }
        if let (Some(longest), true) = (self.longest_interval_secs, self.acting_out_total > 0) {
            out.push(format!("Longest stretch without acting out so far: {}. It stays yours.", stretch_words(longest)));
        }
        out
    }

    /// The current stretch, said last (or the only stretch, when nothing was ever acted on).
    fn current_stretch(&self) -> Option<String> {
        let since = self.tracking_since?;
        let current = self.current_interval_secs?;
        Some(if self.acting_out_total == 0 {
            format!(
                "Without acting out since you started on {}: {}.",
                since.format("%A %-d %B %Y"),
                stretch_words(current)
            )
        } else if self.current_is_longest {
            format!("Current stretch: {}, your longest so far.", stretch_words(current))
        } else {
            format!("Current stretch: {}.", stretch_words(current))
        })
    }

    fn ridden_out(&self) -> Option<String> {
        if self.urges_surfed_total == 0 {
            return None;
        }
        let recent = self.last_30_days.urges_surfed;
        Some(format!(
            "Urges ridden out without acting: {} so far{}.",
            self.urges_surfed_total,
            if recent > 0 { format!(", {recent} in the last 30 days") } else { String::new() }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_read_naturally() {
        assert_eq!(stretch_words(59 * 60), "less than an hour");
        assert_eq!(stretch_words(3600), "1 hour");
        assert_eq!(stretch_words(5 * 3600), "5 hours");
        assert_eq!(stretch_words(24 * 3600), "1 day");
        assert_eq!(stretch_words(4 * 86_400 + 3 * 3600), "4 days 3 hours");
        assert_eq!(stretch_words(23 * 86_400 + 5 * 3600), "23 days");
    }
}
