//! Rendering a run's events for people and scripts: a table, JSON, CSV or
//! TSV on stdout; warnings and progress on stderr. Every piece of text,
//! whoever wrote it, passes [`neutral`] on its way to the terminal.

mod delimited;
mod grid;
mod json;
pub use crate::exchange::neutral;
mod progress;
mod prompt;
pub use prompt::ask;
mod screen;
mod table;
mod terminal;
mod value;

#[cfg(test)]
mod odd_input;

use crate::runtime::{Answer, Event, Format, TerminalInput, TerminalOutput};
use std::io::{self, Write};
use tokio::sync::mpsc;

/// How output looks on this terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Colour on stdout (a terminal, and `NO_COLOR` unset).
    pub color: bool,
    /// Colour on stderr.
    pub color_stderr: bool,
    /// Progress bars on stderr (an interactive stderr).
    pub progress: bool,
    /// Stdout is a terminal: snapshots are redrawn in place.
    pub terminal: bool,
    /// Questions can be asked: stdin and stderr are terminals.
    pub ask: bool,
    /// Width of the terminal, when stdout is one.
    pub width: Option<u16>,
}

impl Style {
    /// No colour, no progress, no width: what pipes and tests get.
    pub fn plain() -> Self {
        Self {
            color: false,
            color_stderr: false,
            progress: false,
            terminal: false,
            ask: false,
            width: None,
        }
    }
}

/// Writes events in one format as they arrive.
trait Sink {
    fn event(&mut self, event: Event, out: &mut dyn Write) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// Where a run takes what the user says: answers to its questions, and a
/// terminal session's keystrokes.
#[derive(Debug, Clone, Copy)]
pub struct Replies<'a> {
    pub answers: &'a mpsc::Sender<Answer>,
    pub terminal: &'a mpsc::Sender<TerminalInput>,
}

/// Reads every event of a run and renders it, answering its questions and
/// joining its terminal sessions through `replies`. Returns the first write
/// error (a closed pipe shows up here as `BrokenPipe`).
pub async fn render(
    events: &mut mpsc::Receiver<Event>,
    replies: Option<Replies<'_>>,
    format: Format,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    let mut sink: Box<dyn Sink> = match format {
        Format::Table => Box::new(table::TableSink::new(style)),
        Format::Json => Box::new(json::JsonSink::default()),
        Format::Csv => Box::new(delimited::DelimitedSink::new(b',')),
        Format::Tsv => Box::new(delimited::DelimitedSink::new(b'\t')),
    };
    let mut bars = progress::Bars::new(style.progress);
    while let Some(event) = events.recv().await {
        match event {
            Event::Warning(message) => warn(err, &message, style.color_stderr)?,
            Event::Progress(progress) => bars.update(progress),
            question @ (Event::Question(_) | Event::Choice { .. }) => {
                bars.finish();
                let answer = prompt::answer(question, err).await?;
                if let Some(replies) = replies {
                    // A run that ended meanwhile no longer needs the answer.
                    let _ = replies.answers.send(answer).await;
                }
            }
            Event::Terminal(TerminalOutput::Open) => {
                bars.finish();
                out.flush()?;
                if let Some(replies) = replies {
                    terminal::session(events, replies.terminal, out, err).await?;
                }
            }
            Event::Frame => {
                // Snapshots redraw the screen; a bar would draw over them.
                bars.disable();
                sink.event(Event::Frame, out)?;
                out.flush()?;
            }
            event => sink.event(event, out)?,
        }
    }
    bars.finish();
    sink.finish(out)?;
    out.flush()
}

/// Prints a warning on stderr, its control characters escaped.
pub fn warn(err: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    let label = if color {
        "\x1b[33mwarning:\x1b[0m"
    } else {
        "warning:"
    };
    writeln!(err, "{label} {}", neutral::lines(message))
}

/// Prints an error (and its hint lines) on stderr, its control characters
/// escaped: a plugin's failure, panic and trap messages come here.
pub fn error(err: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    let label = if color {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    writeln!(err, "{label} {}", neutral::lines(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Align, Column};

    /// Two snapshots of a one-column table, rendered as `format` off a terminal.
    fn two_snapshots(format: Format) -> String {
        let (sender, mut events) = mpsc::channel(16);
        let column = Column::new("cpu", "CPU", Align::Right);
        for cpu in [10, 20] {
            for event in [
                Event::Table {
                    name: "hosts".into(),
                    columns: vec![column.clone()],
                },
                Event::Row(vec![crate::runtime::Value::Integer(cpu)]),
                Event::Frame,
            ] {
                sender.try_send(event).expect("room in the channel");
            }
        }
        drop(sender);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime
            .block_on(render(
                &mut events,
                None,
                format,
                Style::plain(),
                &mut out,
                &mut err,
            ))
            .expect("rendered");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn snapshots_are_json_lines_and_csv_rows_under_one_header() {
        assert_eq!(
            two_snapshots(Format::Json),
            "{\"hosts\":[{\"cpu\":10}]}\n{\"hosts\":[{\"cpu\":20}]}\n"
        );
        assert_eq!(two_snapshots(Format::Csv), "cpu\n10\n20\n");
    }

    #[test]
    fn snapshots_off_a_terminal_follow_each_other() {
        let text = two_snapshots(Format::Table);
        assert_eq!(text.matches("CPU").count(), 2, "{text}");
        assert!(
            text.find("10") < text.find("20") && !text.contains('\x1b'),
            "{text}"
        );
    }
}
