//! Rendering a run's events for people and scripts: a table, JSON, CSV or
//! TSV on stdout; warnings and progress on stderr.

mod delimited;
mod json;
mod progress;
mod table;
mod value;

use crate::runtime::{Event, Format};
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
            width: None,
        }
    }
}

/// Writes events in one format as they arrive.
trait Sink {
    fn event(&mut self, event: Event, out: &mut dyn Write) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// Reads every event of a run and renders it. Returns the first write error
/// (a closed pipe shows up here as `BrokenPipe`).
pub async fn render(
    events: &mut mpsc::Receiver<Event>,
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
            event => sink.event(event, out)?,
        }
    }
    bars.finish();
    sink.finish(out)?;
    out.flush()
}

/// Prints a warning on stderr.
pub fn warn(err: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    let label = if color {
        "\x1b[33mwarning:\x1b[0m"
    } else {
        "warning:"
    };
    writeln!(err, "{label} {message}")
}

/// Prints an error (and its hint lines) on stderr.
pub fn error(err: &mut dyn Write, message: &str, color: bool) -> io::Result<()> {
    let label = if color {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    writeln!(err, "{label} {message}")
}
