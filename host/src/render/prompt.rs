//! Yes-or-no questions on the terminal, e.g. before `batch stop` acts.

use std::io::{self, BufRead, Write};
use tokio::sync::oneshot;

/// Asks `question` on stderr and reads the answer from stdin; only `y` or
/// `yes` (any case) is a yes. The line is read on a thread of its own, so a
/// Ctrl-C while the user thinks still reaches the run.
pub async fn ask(question: &str, err: &mut dyn Write) -> io::Result<bool> {
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let (sender, answer) = oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line).map(|_| line);
        let _ = sender.send(read);
    });
    let line = answer
        .await
        .map_err(|_| io::Error::other("the answer was lost"))??;
    Ok(is_yes(&line))
}

fn is_yes(line: &str) -> bool {
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::is_yes;

    #[test]
    fn only_y_or_yes_is_a_yes() {
        assert!(is_yes("y\n") && is_yes("YES\n") && is_yes(" Yes "));
        assert!(!is_yes("\n") && !is_yes("n\n") && !is_yes("yess") && !is_yes(""));
    }
}
