//! Text from plugins (and anything else shown) made harmless before it
//! reaches a terminal or a spreadsheet: control and bidirectional formatting
//! characters are written as visible escapes, so a plugin cannot set the
//! window title, switch screens, write the clipboard, redraw a question or
//! reorder what the user reads.
//!
//! Every sink uses these functions. What is escaped ([`is_unsafe`]): the C0
//! controls, DEL and the C1 controls (U+0080–U+009F, which includes the
//! one-byte CSI U+009B), and the bidirectional formatting characters: the
//! embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069, and
//! the marks U+200E, U+200F and U+061C (a mark can reorder the punctuation
//! around a name, so it is escaped too). How: `\n`, `\r` and `\t` by name,
//! other ASCII controls as `\x1b`, the rest as `\u{202e}`, the way Rust
//! writes them in a string literal. A newline is kept only where it is
//! structure: a multi-line text or message, and a table cell (drawn inside
//! its borders; `batch command --show-output` shows many lines there).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is shown as an escape rather than as itself: a C0 or C1
/// control, DEL, or a bidirectional formatting character.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

/// Whether `c` is a bidirectional formatting character (an embedding,
/// override, isolate or mark).
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` for one line: every unsafe character escaped, newlines included.
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// `text` that may span lines: newlines kept, every other unsafe
/// character escaped.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// A text cell for a spreadsheet (CSV, TSV): as [`lines`], and a cell that
/// starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return)
/// prefixed with `'`, as OWASP recommends against CSV injection. For text
/// only: numbers typed as numbers are written as they are.
pub fn spreadsheet(text: &str) -> Cow<'_, str> {
    let text = lines(text);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        text
    }
}

/// The first character of `text` that [`line`] (or, with `keep_newlines`,
/// [`lines`]) would escape.
pub fn first_unsafe(text: &str, keep_newlines: bool) -> Option<char> {
    text.chars().find(|&c| escaped(c, keep_newlines))
}

/// Whether `c` is written as an escape, newlines kept or not.
fn escaped(c: char, keep_newlines: bool) -> bool {
    is_unsafe(c) && !(keep_newlines && c == '\n')
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let escaped = |c: char| escaped(c, keep_newlines);
    if first_unsafe(text, keep_newlines).is_none() {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            push_escape(&mut safe, c);
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

fn push_escape(text: &mut String, c: char) {
    let _ = match c {
        '\n' => text.write_str("\\n"),
        '\r' => text.write_str("\\r"),
        '\t' => text.write_str("\\t"),
        c if c.is_ascii() => write!(text, "\\x{:02x}", u32::from(c)),
        c => write!(text, "\\u{{{:x}}}", u32::from(c)),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\x1b]0;owned\x07b\x1b[?1049h\u{9b}31m\u{202e}c\u{2066}\x7f";

    #[test]
    fn controls_and_bidi_characters_become_visible_escapes() {
        assert_eq!(
            line(HOSTILE),
            "a\\x1b]0;owned\\x07b\\x1b[?1049h\\u{9b}31m\\u{202e}c\\u{2066}\\x7f"
        );
        assert!(!line(HOSTILE).chars().any(is_unsafe));
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for plain in ["", "vm-1", "東京 région ✓", "a \\x1b literal"] {
            assert!(matches!(line(plain), Cow::Borrowed(same) if same == plain));
        }
    }

    #[test]
    fn newlines_are_kept_only_in_lines() {
        assert_eq!(line("one\ntwo\r\n\tthree"), "one\\ntwo\\r\\n\\tthree");
        assert_eq!(lines("one\ntwo\r\n\tthree"), "one\ntwo\\r\n\\tthree");
    }

    #[test]
    fn every_c1_control_and_bidi_override_and_isolate_is_escaped() {
        let escaped = (0x80..=0x9f)
            .chain(0x202a..=0x202e)
            .chain(0x2066..=0x2069)
            .chain([0x200e, 0x200f, 0x061c])
            .filter_map(char::from_u32);
        for c in escaped {
            assert_eq!(line(&c.to_string()), format!("\\u{{{:x}}}", u32::from(c)));
        }
        for c in (0..0x20).chain([0x7f]).filter_map(char::from_u32) {
            assert!(line(&c.to_string()).starts_with('\\'), "{c:?}");
        }
    }

    #[test]
    fn spreadsheet_cells_that_start_like_formulas_are_prefixed() {
        assert_eq!(spreadsheet("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        for formula in ["+1", "-1", "@SUM(A1)"] {
            assert_eq!(spreadsheet(formula), format!("'{formula}"));
        }
        assert_eq!(
            spreadsheet("\tx"),
            "\\tx",
            "an escaped tab is not a formula"
        );
        assert_eq!(spreadsheet("a=b"), "a=b");
        assert_eq!(spreadsheet("\x1b[2J"), "\\x1b[2J");
    }
}
