//! `azlin:host/output`: turns the plugin's output calls into run events,
//! checking tables and records are well formed.

use super::HostError;
use super::views::OutputView;
use crate::exchange::Answer;
use crate::exchange::events::{self, Event};
use crate::plugin::bindings::output::{Align, Column, Host, Progress};
use crate::plugin::bindings::types::{Error, Value};
use std::collections::HashSet;

impl Host for OutputView<'_> {
    async fn begin_table(&mut self, name: String, columns: Vec<Column>) -> Result<(), HostError> {
        self.claim_name(&name)?;
        if columns.is_empty() {
            return Err(invalid(format!("table '{name}' has no columns")).into());
        }
        let mut keys = HashSet::new();
        if let Some(column) = columns
            .iter()
            .find(|column| !keys.insert(column.key.as_str()))
        {
            return Err(invalid(format!(
                "table '{name}' has two columns with key '{}'",
                column.key
            ))
            .into());
        }
        self.output.table_width = Some(columns.len());
        let columns = columns.into_iter().map(column).collect();
        self.output
            .send(events::Event::Table { name, columns })
            .await?;
        Ok(())
    }

    async fn row(&mut self, cells: Vec<Value>) -> Result<(), HostError> {
        self.rows(vec![cells]).await
    }

    async fn rows(&mut self, rows: Vec<Vec<Value>>) -> Result<(), HostError> {
        for cells in rows {
            self.fits_table(&cells)?;
            self.output
                .send(events::Event::Row(cells.into_iter().map(value).collect()))
                .await?;
        }
        Ok(())
    }

    async fn record(
        &mut self,
        name: String,
        fields: Vec<(String, Value)>,
    ) -> Result<(), HostError> {
        self.claim_name(&name)?;
        let mut keys = HashSet::new();
        if let Some((key, _)) = fields.iter().find(|(key, _)| !keys.insert(key.as_str())) {
            return Err(invalid(format!("record '{name}' has two fields named '{key}'")).into());
        }
        let fields = fields
            .into_iter()
            .map(|(key, field)| (key, value(field)))
            .collect();
        self.output
            .send(events::Event::Record { name, fields })
            .await?;
        Ok(())
    }

    async fn text(&mut self, line: String) -> wasmtime::Result<()> {
        self.output.send(events::Event::Text(line)).await
    }

    async fn warn(&mut self, message: String) -> wasmtime::Result<()> {
        self.output.send(events::Event::Warning(message)).await
    }

    async fn report_progress(&mut self, progress: Progress) -> wasmtime::Result<()> {
        let Progress { label, done, total } = progress;
        self.output
            .send(events::Event::Progress(events::Progress {
                label,
                done,
                total,
            }))
            .await
    }

    async fn end_frame(&mut self) -> wasmtime::Result<()> {
        self.output.end_frame().await
    }

    async fn confirm(&mut self, question: String) -> Result<bool, HostError> {
        match self.put(Event::Question(question)).await? {
            Answer::Confirm(yes) => Ok(yes),
            _ => Err(unanswered().into()),
        }
    }

    async fn choose(
        &mut self,
        question: String,
        choices: Vec<String>,
    ) -> Result<Option<u32>, HostError> {
        if choices.is_empty() || choices.len() > MOST_CHOICES {
            return Err(invalid(format!(
                "a choice needs 1 to {MOST_CHOICES} choices, not {}",
                choices.len()
            ))
            .into());
        }
        let offered = choices.len();
        match self.put(Event::Choice { question, choices }).await? {
            // Whatever answered, the plugin only ever gets an index it offered.
            Answer::Choice(picked) => Ok(picked.filter(|&index| (index as usize) < offered)),
            _ => Err(unanswered().into()),
        }
    }
}

/// The most choices one question offers.
const MOST_CHOICES: usize = 1_000;

fn unanswered() -> Error {
    Error::Unavailable("the question could not be put to the user".into())
}

impl OutputView<'_> {
    /// Puts a question to the user, if there is a terminal to ask on.
    async fn put(&mut self, question: Event) -> Result<Answer, HostError> {
        if !self.context.invocation.can_ask {
            return Err(Error::Unavailable(
                "cannot ask: input or error output is not a terminal".into(),
            )
            .into());
        }
        Ok(self.output.ask(question).await?.ok_or_else(unanswered)?)
    }

    /// Reserves a table or record name for this run.
    fn claim_name(&mut self, name: &str) -> Result<(), Error> {
        if name.is_empty() {
            return Err(invalid("a table or record needs a name".into()));
        }
        if !self.output.names.insert(name.into()) {
            return Err(invalid(format!(
                "the name '{name}' is already used in this run"
            )));
        }
        Ok(())
    }

    /// Checks a row fits the table begun last.
    fn fits_table(&self, cells: &[Value]) -> Result<(), Error> {
        match self.output.table_width {
            None => Err(invalid("row added before any table was begun".into())),
            Some(width) if width != cells.len() => Err(invalid(format!(
                "row has {} cells but the table has {width} columns",
                cells.len()
            ))),
            Some(_) => Ok(()),
        }
    }
}

fn invalid(why: String) -> Error {
    Error::InvalidInput(why)
}

fn column(column: Column) -> events::Column {
    let align = match column.align {
        Align::Left => events::Align::Left,
        Align::Right => events::Align::Right,
    };
    events::Column {
        key: column.key,
        title: column.title,
        align,
    }
}

fn value(value: Value) -> events::Value {
    match value {
        Value::Empty => events::Value::Empty,
        Value::Text(text) => events::Value::Text(text),
        Value::Integer(number) => events::Value::Integer(number),
        Value::Number(number) => events::Value::Number(number),
        Value::Boolean(flag) => events::Value::Boolean(flag),
        Value::DurationMs(ms) => events::Value::DurationMs(ms),
        Value::Bytes(bytes) => events::Value::Bytes(bytes),
        Value::Texts(texts) => events::Value::Texts(texts),
    }
}
