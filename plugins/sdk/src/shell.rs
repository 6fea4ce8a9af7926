//! Text for a POSIX shell: a command line shown to the user, or one run on a VM.

/// `text` as one shell word: as it is when plain (letters, digits, `-_.`),
/// else single-quoted with its quotes escaped.
pub fn word(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::word;

    #[test]
    fn plain_words_stay_and_others_are_quoted() {
        assert_eq!(word("main"), "main");
        assert_eq!(word("my work"), "'my work'");
        assert_eq!(word("it's"), r"'it'\''s'");
        assert_eq!(word(""), "''");
    }
}
