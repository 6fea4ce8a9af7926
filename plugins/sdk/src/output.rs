//! Structured output: tables, records, text, warnings and progress. The host
//! renders them as a table, JSON, CSV or TSV.

use crate::bindings::azlin::host::output as wit;
use crate::bindings::azlin::host::types::Error as HostError;
use crate::failure::Failure;

pub use crate::bindings::azlin::host::output::{Align, Column};
pub use crate::bindings::azlin::host::types::Value;

/// A column with a machine `key` (JSON, CSV) and a human `title` (tables).
pub fn column(key: &str, title: &str) -> Column {
    Column {
        key: key.into(),
        title: title.into(),
        align: Align::Left,
    }
}

/// A right-aligned column, for numbers.
pub fn number_column(key: &str, title: &str) -> Column {
    Column {
        align: Align::Right,
        ..column(key, title)
    }
}

/// A table being written; rows go to the host as they are added.
#[derive(Debug)]
pub struct Table {
    width: usize,
}

impl Table {
    /// Begins a table named `name` (its key in JSON output).
    pub fn begin(name: &str, columns: Vec<Column>) -> Result<Self, Failure> {
        let width = columns.len();
        wit::begin_table(name, &columns)?;
        Ok(Self { width })
    }

    /// Adds a row; it must have one cell per column.
    pub fn row(&mut self, cells: Vec<Value>) -> Result<(), Failure> {
        debug_assert_eq!(cells.len(), self.width, "row width must match the columns");
        wit::row(&cells)?;
        Ok(())
    }

    /// Adds many rows in one crossing to the host: for long tables, where a
    /// call per row costs more than the rows.
    pub fn rows(&mut self, rows: Vec<Vec<Value>>) -> Result<(), Failure> {
        debug_assert!(
            rows.iter().all(|cells| cells.len() == self.width),
            "row width must match the columns"
        );
        wit::rows(&rows)?;
        Ok(())
    }
}

/// Emits a record: named fields, shown as a list in tables and an object in JSON.
pub fn record(name: &str, fields: Vec<(String, Value)>) -> Result<(), Failure> {
    wit::record(name, &fields)?;
    Ok(())
}

/// A line for people (a summary or footer); left out of CSV.
pub fn text(line: &str) {
    wit::text(line);
}

/// A warning on stderr.
pub fn warn(message: &str) {
    wit::warn(message);
}

/// Progress of `label`: `done` of `total`.
pub fn progress(label: &str, done: u64, total: Option<u64>) {
    wit::report_progress(&wit::Progress {
        label: label.into(),
        done,
        total,
    });
}

/// Ends one snapshot of a refreshing command (such as `top`): the host draws
/// the next snapshot over it on a terminal, and writes each snapshot as one
/// JSON line with `-o json`. Tables and records may reuse their names in the
/// next snapshot.
pub fn end_frame() {
    wit::end_frame();
}

/// Ends the snapshot begun at `started_ms` (`host::now_ms`) and waits out
/// the rest of `interval_seconds`, for a command that refreshes (`top`,
/// `health --interval`).
pub fn next_snapshot(started_ms: u64, interval_seconds: u32) {
    end_frame();
    let spent = crate::host::now_ms().saturating_sub(started_ms);
    let pause = u64::from(interval_seconds) * 1000;
    std::thread::sleep(std::time::Duration::from_millis(
        pause.saturating_sub(spent),
    ));
}

/// Asks the user `question` (yes or no; no by default). Fails when there is
/// no terminal to ask on; `hint` then says how to go ahead without asking,
/// e.g. "add --yes to go ahead".
pub fn confirm(question: &str, hint: &str) -> Result<bool, Failure> {
    wit::confirm(question).map_err(|error| {
        let why = match error {
            HostError::Unavailable(why) => why,
            other => Failure::from(other).to_string(),
        };
        Failure::new(format!("{question} ({why})")).hint(hint.to_string())
    })
}

/// Asks the user to pick one of `choices`, shown numbered; the index of the
/// one picked, or `None` if they picked none. Where there is no terminal to
/// ask on it fails with `unasked`, which should say what to type instead.
pub fn choose(
    question: &str,
    choices: &[String],
    unasked: Failure,
) -> Result<Option<usize>, Failure> {
    match wit::choose(question, choices) {
        Ok(picked) => Ok(picked.map(|index| index as usize)),
        Err(HostError::Unavailable(_)) => Err(unasked),
        Err(other) => Err(other.into()),
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.into())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Integer(number)
    }
}

impl From<u32> for Value {
    fn from(number: u32) -> Self {
        Value::Integer(number.into())
    }
}

impl From<f64> for Value {
    fn from(number: f64) -> Self {
        Value::Number(number)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Boolean(flag)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Empty, Into::into)
    }
}
