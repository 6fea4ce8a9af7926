//! JSON for scripts: one object, a key per table (an array of row objects)
//! and per record (an object), and `messages` for text lines.

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
}

impl Sink for JsonSink {
    fn event(&mut self, event: Event, _out: &mut dyn Write) -> io::Result<()> {
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
            Event::Warning(_) | Event::Progress(_) => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.messages.is_empty() {
            self.document.insert(
                "messages".into(),
                Json::Array(std::mem::take(&mut self.messages)),
            );
        }
        serde_json::to_writer_pretty(&mut *out, &self.document)?;
        writeln!(out)
    }
}
