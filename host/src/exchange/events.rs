//! What a run produces, independent of how it is rendered: the stream a
//! command's output travels in, in-process or (later) over the agent socket.

use super::terminal::TerminalOutput;
use serde::{Deserialize, Serialize};

/// How a column's cells are aligned in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Align {
    Left,
    Right,
}

/// A column of a table: machine `key` (JSON, CSV) and human `title` (tables).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    pub title: String,
    pub align: Align,
}

impl Column {
    /// A column with machine `key`, human `title` and `align`ment.
    pub fn new(key: &str, title: &str, align: Align) -> Self {
        Self {
            key: key.into(),
            title: title.into(),
            align,
        }
    }
}

/// A typed cell or field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    DurationMs(u64),
    Bytes(u64),
    Texts(Vec<String>),
}

/// Progress of a named piece of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub label: String,
    pub done: u64,
    pub total: Option<u64>,
}

/// The user's answer to one of a run's questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// To an [`Event::Question`]: yes or no.
    Confirm(bool),
    /// To an [`Event::Choice`]: the index of the choice picked, if any.
    Choice(Option<u32>),
}

/// One piece of output, in the order the command emitted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A table starts; the `Row`s that follow belong to it.
    Table {
        name: String,
        columns: Vec<Column>,
    },
    Row(Vec<Value>),
    Record {
        name: String,
        fields: Vec<(String, Value)>,
    },
    /// A line for people (summaries, footers).
    Text(String),
    /// A warning for stderr.
    Warning(String),
    Progress(Progress),
    /// The end of one snapshot of a refreshing command (`top`); what
    /// follows replaces it.
    Frame,
    /// A yes-or-no question for the user; the answer goes back through the
    /// run's answer channel.
    Question(String),
    /// A question whose answer is one of `choices` (or none); the answer
    /// goes back through the run's answer channel.
    Choice {
        question: String,
        choices: Vec<String>,
    },
    /// Terminal traffic of `connect`; not output of the plugin, so not
    /// charged to its budget.
    Terminal(TerminalOutput),
    /// The run did not succeed. Sent by the host after the plugin's last
    /// event, so a document format can write nothing, or mark what it has
    /// as partial.
    Failed,
}

impl Event {
    /// Approximate size in bytes, charged to the run's output budget.
    pub fn weight(&self) -> usize {
        match self {
            Event::Table { name, columns } => {
                name.len()
                    + columns
                        .iter()
                        .map(|c| c.key.len() + c.title.len() + 8)
                        .sum::<usize>()
            }
            Event::Row(cells) => cells.iter().map(Value::weight).sum::<usize>() + 8,
            Event::Record { name, fields } => {
                name.len()
                    + fields
                        .iter()
                        .map(|(key, value)| key.len() + value.weight())
                        .sum::<usize>()
            }
            Event::Text(text) | Event::Warning(text) | Event::Question(text) => text.len() + 8,
            Event::Choice { question, choices } => {
                question.len() + choices.iter().map(|choice| choice.len() + 8).sum::<usize>()
            }
            Event::Progress(progress) => progress.label.len() + 24,
            Event::Frame | Event::Failed => 8,
            Event::Terminal(TerminalOutput::Stdout(bytes) | TerminalOutput::Stderr(bytes)) => {
                bytes.len() + 8
            }
            Event::Terminal(_) => 8,
        }
    }
}

impl Value {
    fn weight(&self) -> usize {
        match self {
            Value::Text(text) => text.len() + 8,
            Value::Texts(texts) => texts.iter().map(|text| text.len() + 8).sum::<usize>() + 8,
            _ => 16,
        }
    }
}
