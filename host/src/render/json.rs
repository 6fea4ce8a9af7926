//! JSON for scripts: one object, a key per table (an array of row objects)
//! and per record (an object), and `messages` for text lines. A refreshing
//! command gives one such object per snapshot, each on a line of its own.

use super::{Sink, value};
use crate::runtime::{Column, Event};
use serde_json::{Map, Value as Json};
use std::io::{self, Write};

#[derive(Default)]
pub struct JsonSink {
    document: Map<String, Json>,
    /// Name and columns of the table rows currently go to.
    current: Option<(String, Vec<Column>)>,
    messages: Vec<Json>,
    /// Whether a snapshot has ended: objects are then written one per line.
    framed: bool,
}

impl JsonSink {
    /// The object built so far, with its text lines; the sink starts afresh.
    fn take_document(&mut self) -> Map<String, Json> {
        let mut document = std::mem::take(&mut self.document);
        if !self.messages.is_empty() {
            document.insert(
                "messages".into(),
                Json::Array(std::mem::take(&mut self.messages)),
            );
        }
        self.current = None;
        document
    }

    fn write_line(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let document = self.take_document();
        serde_json::to_writer(&mut *out, &document)?;
        writeln!(out)
    }
}

impl Sink for JsonSink {
    fn event(&mut self, event: Event, out: &mut dyn Write) -> io::Result<()> {
        match event {
            Event::Table { name, columns } => {
                self.document.insert(name.clone(), Json::Array(Vec::new()));
                self.current = Some((name, columns));
            }
            Event::Row(cells) => {
                let Some((name, columns)) = &self.current else {
                    return Ok(());
                };
                let row: Map<String, Json> = columns
                    .iter()
                    .zip(&cells)
                    .map(|(column, cell)| (column.key.clone(), value::json(cell)))
                    .collect();
                if let Some(Json::Array(rows)) = self.document.get_mut(name) {
                    rows.push(Json::Object(row));
                }
            }
            Event::Record { name, fields } => {
                let record: Map<String, Json> = fields
                    .iter()
                    .map(|(key, field)| (key.clone(), value::json(field)))
                    .collect();
                self.document.insert(name, Json::Object(record));
            }
            Event::Text(line) => self.messages.push(Json::String(line)),
            Event::Frame => {
                self.framed = true;
                self.write_line(out)?;
            }
            Event::Warning(_)
            | Event::Progress(_)
            | Event::Question(_)
            | Event::Choice { .. }
            | Event::Terminal(_) => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.framed {
            if self.document.is_empty() && self.messages.is_empty() {
                return Ok(());
            }
            return self.write_line(out);
        }
        let document = self.take_document();
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}
