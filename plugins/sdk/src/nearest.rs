//! "Did you mean": the known names closest to one the user mistyped, by
//! edit distance (small enough to keep the SDK free of dependencies).

/// Up to three of `names` within a few edits of `typed`, the closest first.
pub fn nearest<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let typed = typed.to_lowercase();
    let most = (typed.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .map(|name| (distance(&typed, &name.to_lowercase()), name))
        .filter(|(distance, _)| *distance <= most)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, name)| name.to_string())
        .collect()
}

/// `; did you mean 'a' or 'b'?`, or nothing when no name is near.
pub fn did_you_mean(nearest: &[String]) -> String {
    let quoted: Vec<String> = nearest.iter().map(|name| format!("'{name}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [rest @ .., last] => format!("; did you mean {} or {last}?", rest.join(", ")),
    }
}

/// Levenshtein distance between `a` and `b`, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_come_first_and_far_ones_not_at_all() {
        let names = ["vm-0001", "vm-0002", "build-box", "database"];
        assert_eq!(nearest("vm-0010", names), ["vm-0001", "vm-0002"]);
        assert_eq!(nearest("vm-0003", names), ["vm-0001", "vm-0002"]);
        assert_eq!(nearest("vm-002", names), ["vm-0002", "vm-0001"]);
        assert_eq!(nearest("biuld-box", names), ["build-box"]);
        assert!(nearest("zzzzzzzzzzzz", names).is_empty());
        assert_eq!(
            did_you_mean(&["a".into(), "b".into()]),
            "; did you mean 'a' or 'b'?"
        );
    }
}
