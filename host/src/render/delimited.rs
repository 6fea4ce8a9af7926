//! CSV and TSV for spreadsheets and `cut`: a header of column keys, then
//! rows; records as `field,value` blocks; blocks separated by an empty line;
//! text left out. A table that comes again in a later snapshot of a
//! refreshing command goes on under its first header. Text is neutralised
//! for spreadsheets ([`neutral::spreadsheet`]); numbers are written as they are.

use super::{Sink, neutral, value};
use crate::runtime::{Event, Value};
use std::collections::HashMap;
use std::io::{self, Write};

pub struct DelimitedSink {
    delimiter: u8,
    blocks: usize,
    /// Column keys of each table written in an earlier snapshot.
    headers: HashMap<String, Vec<String>>,
    framed: bool,
}

impl DelimitedSink {
    pub fn new(delimiter: u8) -> Self {
        Self {
            delimiter,
            blocks: 0,
            headers: HashMap::new(),
            framed: false,
        }
    }

    fn write_record<I, S>(&self, out: &mut dyn Write, fields: I) -> io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .from_writer(out);
        writer.write_record(fields).map_err(io::Error::other)?;
        writer.flush()
    }

    fn start_block(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.blocks > 0 {
            writeln!(out)?;
        }
        self.blocks += 1;
        Ok(())
    }
}

/// A cell's text: text neutralised and guarded against formulas, numbers
/// (and yes/no, sizes, durations) as they are.
fn cell(value: &Value) -> String {
    let raw = value::raw(value);
    match value {
        Value::Text(_) | Value::Texts(_) => neutral::spreadsheet(&raw).into_owned(),
        _ => raw,
    }
}

impl Sink for DelimitedSink {
    fn event(&mut self, event: Event, out: &mut dyn Write) -> io::Result<()> {
        match event {
            Event::Table { name, columns } => {
                let keys: Vec<String> = columns
                    .into_iter()
                    .map(|column| neutral::spreadsheet(&column.key).into_owned())
                    .collect();
                if self.framed && self.headers.get(&name) == Some(&keys) {
                    return Ok(());
                }
                self.start_block(out)?;
                self.write_record(out, &keys)?;
                self.headers.insert(name, keys);
                Ok(())
            }
            Event::Row(cells) => self.write_record(out, cells.iter().map(cell)),
            Event::Record { fields, .. } => {
                self.start_block(out)?;
                self.write_record(out, ["field", "value"])?;
                for (key, field) in &fields {
                    let key = neutral::spreadsheet(key).into_owned();
                    self.write_record(out, [key, cell(field)])?;
                }
                Ok(())
            }
            Event::Frame => {
                self.framed = true;
                Ok(())
            }
            Event::Text(_)
            | Event::Failed
            | Event::Warning(_)
            | Event::Progress(_)
            | Event::Question(_)
            | Event::Choice { .. }
            | Event::Terminal(_) => Ok(()),
        }
    }

    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
