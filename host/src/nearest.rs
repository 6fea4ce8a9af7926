//! "Did you mean": the nearest known name (command, plugin) to a mistyped one.

/// The candidate most similar to `typed`, if any is close enough.
pub fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(typed, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn suggests_a_close_command() {
        assert_eq!(nearest("lst", ["list", "status", "config"]), Some("list"));
        assert_eq!(
            nearest("confg", ["list", "status", "config"]),
            Some("config")
        );
    }

    #[test]
    fn suggests_nothing_for_a_distant_word() {
        assert_eq!(nearest("xyzzy", ["list", "status"]), None);
    }
}
