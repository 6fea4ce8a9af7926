//! Questions on the terminal: yes or no, e.g. before `batch stop` acts, or
//! one of a numbered list, e.g. which VM `connect` should join.

use super::neutral;
use crate::runtime::{Answer, Event};
use std::io::{self, BufRead, Write};
use tokio::sync::oneshot;

/// Puts `question` (an [`Event::Question`] or [`Event::Choice`]) to the
/// user and reads their answer.
pub async fn answer(question: Event, err: &mut dyn Write) -> io::Result<Answer> {
    match question {
        Event::Choice { question, choices } => {
            Ok(Answer::Choice(choose(&question, &choices, err).await?))
        }
        Event::Question(question) => Ok(Answer::Confirm(ask(&question, err).await?)),
        other => Err(io::Error::other(format!("{other:?} is not a question"))),
    }
}

/// Asks `question` on stderr (on one line, its control characters
/// escaped) and reads the answer from stdin; only `y` or `yes` (any case)
/// is a yes. The line is read on a thread of its own, so a Ctrl-C while the
/// user thinks still reaches the run.
pub async fn ask(question: &str, err: &mut dyn Write) -> io::Result<bool> {
    write!(err, "{} [y/N] ", neutral::line(question))?;
    err.flush()?;
    Ok(is_yes(&read_line().await?))
}

/// Shows `question` and `choices` numbered from 1 on stderr (each on one
/// line, its control characters escaped) and reads the number picked; an
/// empty line, or anything but one of the numbers, picks none. Returns the
/// picked choice's index.
pub async fn choose(
    question: &str,
    choices: &[String],
    err: &mut dyn Write,
) -> io::Result<Option<u32>> {
    writeln!(err, "{}", neutral::line(question))?;
    for (number, choice) in choices.iter().enumerate() {
        writeln!(err, "  {}) {}", number + 1, neutral::line(choice))?;
    }
    write!(err, "number (1-{}, Enter for none): ", choices.len())?;
    err.flush()?;
    Ok(picked(&read_line().await?, choices.len()))
}

/// A line from stdin, read on a thread of its own so a Ctrl-C while the
/// user thinks still reaches the run.
async fn read_line() -> io::Result<String> {
    let (sender, answer) = oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line).map(|_| line);
        let _ = sender.send(read);
    });
    answer
        .await
        .map_err(|_| io::Error::other("the answer was lost"))?
}

fn picked(line: &str, choices: usize) -> Option<u32> {
    let number: usize = line.trim().parse().ok()?;
    (1..=choices).contains(&number).then(|| (number - 1) as u32)
}

fn is_yes(line: &str) -> bool {
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::{is_yes, picked};

    #[test]
    fn only_y_or_yes_is_a_yes() {
        assert!(is_yes("y\n") && is_yes("YES\n") && is_yes(" Yes "));
        assert!(!is_yes("\n") && !is_yes("n\n") && !is_yes("yess") && !is_yes(""));
    }

    #[test]
    fn a_choice_is_one_of_the_numbers_shown() {
        assert_eq!(picked("1\n", 3), Some(0));
        assert_eq!(picked(" 3 ", 3), Some(2));
        assert_eq!(picked("\n", 3), None);
        assert_eq!(picked("0", 3), None);
        assert_eq!(picked("4", 3), None);
        assert_eq!(picked("vm-1", 3), None);
    }
}
