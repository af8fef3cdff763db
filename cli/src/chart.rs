//! Terminal charts in plain Unicode block characters: readable without colour, in any font
//! with the block elements, and sized to the terminal's width.

use std::io::IsTerminal;

/// Width of the terminal when stdout is one, else `$COLUMNS`, else 80; kept within 40..=160.
pub fn term_width() -> usize {
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            return usize::from(w).clamp(40, 160);
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).unwrap_or(80).clamp(40, 160)
}

const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// A horizontal bar of `value / max` of `width` cells, in eighths of a cell. A non-zero value
/// always shows at least a sliver.
pub fn hbar(value: u64, max: u64, width: usize) -> String {
    if max == 0 || width == 0 {
        return String::new();
    }
    let eighths = (value.min(max) * width as u64 * 8).div_ceil(max) as usize;
    let eighths = if value > 0 { eighths.max(1) } else { 0 };
    let mut s = "█".repeat(eighths / 8);
    s.push_str(EIGHTHS[eighths % 8]);
    s
}

/// Rows of "label  bar  tail", bars scaled to the largest value and sized so the longest row
/// fits `width` (bars at most `max_bar` cells, at least 3). Labels are clipped to `label_w`.
pub fn labelled_bars(rows: &[(String, u64, String)], label_w: usize, width: usize, max_bar: usize) -> Vec<String> {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let tail_w = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
    let bar_w = width.saturating_sub(2 + label_w + 1 + tail_w).clamp(3, max_bar.max(3));
    rows.iter()
        .map(|(label, value, tail)| {
            format!("  {} {}{}", pad(&clip(label, label_w), label_w), pad(&hbar(*value, max, bar_w), bar_w), tail)
        })
        .collect()
}

/// Pad `s` with spaces to `width` display columns (block characters are one column each).
pub fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Cut `s` to at most `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Word-wrap a line to `width` columns; continuation lines keep the line's indentation plus
/// two spaces. Lines without spaces to break at are left as they are.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let indent = line.chars().take_while(|c| *c == ' ').count();
    let cont = " ".repeat(indent + 2);
    let mut out: Vec<String> = Vec::new();
    let mut cur = " ".repeat(indent);
    for word in line.split_whitespace() {
        let fits = cur.trim().is_empty() || cur.chars().count() + 1 + word.chars().count() <= width;
        if !fits {
            out.push(std::mem::replace(&mut cur, cont.clone()));
        }
        if !cur.trim().is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push(cur);
    out
}

/// A progress bar: "████████░░░░░░░░░░░░".
pub fn progress(current: u64, target: u64, width: usize) -> String {
    let filled = (current.min(target) * width as u64).checked_div(target).map_or(width, |f| f as usize);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// Shades for the grid, from none to most.
pub const SHADES: [char; 5] = ['·', '░', '▒', '▓', '█'];

/// The shade of a grid cell: `·` for none, then four steps up to the busiest cell.
pub fn shade(count: u32, max: u32) -> char {
    if count == 0 || max == 0 {
        return SHADES[0];
    }
    let level = (u64::from(count) * 4).div_ceil(u64::from(max)).clamp(1, 4) as usize;
    SHADES[level]
}

/// The weekday-by-hour grid: a header of hours, then one row per weekday. Each hour takes two
/// columns when the terminal is wide enough, else one.
pub fn hour_grid(rows: &[(&str, Vec<u32>)], max: u32, width: usize) -> Vec<String> {
    let cell = if width >= 5 + 24 * 2 { 2 } else { 1 };
    let mut header = String::from("     ");
    for h in (0..24).step_by(if cell == 2 { 3 } else { 6 }) {
        let label = format!("{h:02}");
        header.push_str(&pad(&label, 6));
    }
    let mut out = vec![header.trim_end().to_string()];
    for (name, cells) in rows {
        let mut line = format!("{} ", pad(name, 4));
        for c in cells {
            let ch = shade(*c, max);
            line.push(ch);
            if cell == 2 {
                line.push(ch);
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_never_hide_a_nonzero_value() {
        assert_eq!(hbar(10, 10, 4), "████");
        assert_eq!(hbar(5, 10, 4), "██");
        assert_eq!(hbar(1, 1000, 4), "▏");
        assert_eq!(hbar(0, 10, 4), "");
        assert_eq!(hbar(3, 0, 4), "");
        assert_eq!(progress(3, 10, 10), "███░░░░░░░");
        assert_eq!(progress(30, 10, 10), "██████████");
    }

    #[test]
    fn shades_step_up_to_the_busiest_cell() {
        assert_eq!(shade(0, 9), '·');
        assert_eq!(shade(1, 100), '░');
        assert_eq!(shade(50, 100), '▒');
        assert_eq!(shade(100, 100), '█');
    }

    #[test]
    fn grid_fits_the_width() {
        let rows: Vec<(&str, Vec<u32>)> = vec![("Mon", vec![1; 24]), ("Tue", vec![0; 24])];
        for w in [40, 80, 120] {
            for line in hour_grid(&rows, 1, w) {
                assert!(line.chars().count() <= w, "{line:?} wider than {w}");
            }
        }
        assert_eq!(hour_grid(&rows, 1, 80)[1].chars().count(), 5 + 48);
        assert_eq!(hour_grid(&rows, 1, 40)[1].chars().count(), 5 + 24);
    }

    #[test]
    fn labelled_bars_fit_the_width() {
        let rows = vec![("a".to_string(), 10, " 10".to_string()), ("bb".to_string(), 5, " 5 (2 acted)".to_string())];
        for w in [40, 80] {
            let out = labelled_bars(&rows, 4, w, 200);
            assert!(out.iter().all(|l| l.chars().count() <= w));
            // The row with the longest tail fills the width exactly.
            assert_eq!(out[1].chars().count(), w);
        }
    }

    #[test]
    fn wrap_keeps_indentation() {
        let w = wrap("  one two three four five", 12);
        assert_eq!(w, vec!["  one two", "    three", "    four", "    five"]);
        assert_eq!(wrap("short", 12), vec!["short"]);
    }

    #[test]
    fn clip_and_pad() {
        assert_eq!(clip("a  b\nc", 10), "a b c");
        assert_eq!(clip("abcdefghij", 5), "abcd…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
