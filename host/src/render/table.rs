//! Tables for people: aligned columns, records as key/value lists, text after;
//! on a terminal, snapshots of a refreshing command drawn in place.

use super::screen::Screen;
use super::{Sink, Style, grid, neutral, value};
use crate::runtime::{Align, Column, Event, Value};
use comfy_table::{Attribute, Cell, CellAlignment, ContentArrangement, Table, presets};
use std::borrow::Cow;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Buffers the current table (its widths depend on every row) and writes
/// everything else in order.
pub struct TableSink {
    style: Style,
    current: Option<(Vec<Column>, Vec<Vec<Value>>)>,
    wrote_block: bool,
    /// On a terminal, output waits here until its snapshot ends.
    screen: Option<Screen>,
}

impl TableSink {
    pub fn new(style: Style) -> Self {
        Self {
            style,
            current: None,
            wrote_block: false,
            screen: style.terminal.then(Screen::default),
        }
    }

    /// Runs `draw` on `out`, or on a terminal into the screen, which
    /// decides when the bytes reach `out`.
    fn drawn(
        &mut self,
        out: &mut dyn Write,
        draw: impl FnOnce(&mut Self, &mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let Some(mut screen) = self.screen.take() else {
            return draw(self, out);
        };
        let mut bytes = Vec::new();
        let written = draw(self, &mut bytes).and_then(|()| screen.write(&bytes, out));
        self.screen = Some(screen);
        written
    }

    /// Ends a snapshot: drawn over the last one on a terminal, else
    /// followed by the next after an empty line.
    fn end_frame(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.drawn(out, Self::flush_table)?;
        if let Some(screen) = &mut self.screen {
            screen.show(out)?;
            self.wrote_block = false;
        }
        Ok(())
    }

    fn new_table(&self) -> Table {
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED);
        match self.style.width {
            Some(width) => {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(width);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        if self.style.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table
    }

    fn flush_table(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some((columns, rows)) = self.current.take() else {
            return Ok(());
        };
        let titles: Vec<String> = columns
            .iter()
            .map(|column| neutral::line(&column.title).into_owned())
            .collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(cell).collect())
            .collect();
        if self.style.width.is_none() {
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            let aligns: Vec<Align> = columns.iter().map(|column| column.align).collect();
            self.block(out)?;
            return writeln!(
                out,
                "{}",
                grid::draw(&titles, &aligns, &cells, self.style.color)
            );
        }
        let mut table = self.new_table();
        table.set_header(titles.iter().map(|title| {
            let cell = Cell::new(title);
            if self.style.color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
        for row in cells {
            table.add_row(row.into_iter().zip(&columns).map(|(cell, column)| {
                let alignment = match column.align {
                    Align::Left => CellAlignment::Left,
                    Align::Right => CellAlignment::Right,
                };
                Cell::new(cell).set_alignment(alignment)
            }));
        }
        self.block(out)?;
        writeln!(out, "{table}")
    }

    fn record(&mut self, fields: &[(String, Value)], out: &mut dyn Write) -> io::Result<()> {
        let keys: Vec<_> = fields.iter().map(|(key, _)| neutral::line(key)).collect();
        let width = keys.iter().map(|key| key.width()).max().unwrap_or(0);
        self.block(out)?;
        for (key, (_, field)) in keys.iter().zip(fields) {
            // Padded by hand: std's formatter panics past 65 535 columns.
            let pad = " ".repeat(width - key.width());
            writeln!(out, "{key}{pad}  {}", cell(field))?;
        }
        Ok(())
    }

    /// Separates consecutive blocks with an empty line.
    fn block(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.wrote_block {
            writeln!(out)?;
        }
        self.wrote_block = true;
        Ok(())
    }
}

/// A cell as people read it: newlines kept (drawn inside the cell's
/// borders), every other control or bidi character escaped.
fn cell(value: &Value) -> String {
    let human = value::human(value);
    match neutral::lines(&human) {
        Cow::Borrowed(_) => human,
        Cow::Owned(escaped) => escaped,
    }
}

impl Sink for TableSink {
    fn event(&mut self, event: Event, out: &mut dyn Write) -> io::Result<()> {
        match event {
            Event::Frame => self.end_frame(out),
            event => self.drawn(out, |sink, out| sink.draw(event, out)),
        }
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.drawn(out, Self::flush_table)?;
        match &mut self.screen {
            Some(screen) => screen.finish(out),
            None => Ok(()),
        }
    }
}

impl TableSink {
    fn draw(&mut self, event: Event, out: &mut dyn Write) -> io::Result<()> {
        if let Event::Row(cells) = event {
            if let Some((_, rows)) = &mut self.current {
                rows.push(cells);
            }
            return Ok(());
        }
        self.flush_table(out)?;
        match event {
            Event::Table { columns, .. } => self.current = Some((columns, Vec::new())),
            Event::Record { fields, .. } => self.record(&fields, out)?,
            Event::Text(line) => writeln!(out, "{}", neutral::lines(&line))?,
            Event::Row(_)
            | Event::Warning(_)
            | Event::Progress(_)
            | Event::Frame
            | Event::Failed
            | Event::Question(_)
            | Event::Choice { .. }
            | Event::Terminal(_) => {}
        }
        Ok(())
    }
}
