//! JSON for scripts: one object, a key per table (an array of row objects)
//! and per record (an object), and `messages` for text lines. A refreshing
//! command gives one such object per snapshot, each on a line of its own.
//! Strings stay valid JSON that parses back to what the plugin wrote, with
//! every control and bidi character escaped (`\u009b`, `\u202e`), not only
//! the C0 controls JSON requires.

use super::{Sink, neutral, value};
use crate::runtime::{Column, Event};
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
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
    /// Whether the run failed: an empty document is then not written, and
    /// one with data says it is partial.
    failed: bool,
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
        write(&mut *out, &document, CompactFormatter)?;
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
            Event::Failed => self.failed = true,
            Event::Warning(_)
            | Event::Progress(_)
            | Event::Question(_)
            | Event::Choice { .. }
            | Event::Terminal(_) => {}
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let empty = self.document.is_empty() && self.messages.is_empty();
        if empty && (self.framed || self.failed) {
            return Ok(());
        }
        if self.failed {
            self.document.insert("partial".into(), Json::Bool(true));
        }
        if self.framed {
            return self.write_line(out);
        }
        let document = self.take_document();
        write(&mut *out, &document, PrettyFormatter::new())?;
        writeln!(out)
    }
}

/// Writes `document` as JSON laid out by `layout`, escaping what a terminal
/// would act on.
fn write<F: Formatter>(
    out: &mut dyn Write,
    document: &Map<String, Json>,
    layout: F,
) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Escaping(layout));
    document.serialize(&mut serializer)?;
    Ok(())
}

/// A JSON layout whose strings also escape DEL, the C1 controls and the
/// bidi characters ([`neutral::is_unsafe`]); serde_json escapes C0 itself.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain = 0;
        for (at, c) in fragment.char_indices() {
            if neutral::is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[plain..at])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                plain = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str, pretty: bool) -> String {
        let mut document = Map::new();
        document.insert(text.into(), Json::String(text.into()));
        let mut out = Vec::new();
        match pretty {
            true => write(&mut out, &document, PrettyFormatter::new()),
            false => write(&mut out, &document, CompactFormatter),
        }
        .expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn c1_and_bidi_characters_are_escaped_and_parse_back() {
        let hostile = "csi\u{9b}31m \u{202e}rlo \x1b]0;t\x07 del\x7f ok \u{2066}é";
        for pretty in [false, true] {
            let json = written(hostile, pretty);
            assert_eq!(neutral::lines(&json), json, "only layout newlines are raw");
            assert!(
                json.contains("\\u009b") && json.contains("\\u202e"),
                "{json}"
            );
            assert!(
                json.contains("\\u007f") && json.contains("\\u2066"),
                "{json}"
            );
            let parsed: Map<String, Json> = serde_json::from_str(&json).expect("valid JSON");
            assert_eq!(parsed[hostile], Json::String(hostile.into()), "{json}");
        }
    }

    #[test]
    fn layout_is_serde_jsons_own() {
        let mut document = Map::new();
        document.insert("a".into(), serde_json::json!([1, {"b": "c"}]));
        for pretty in [false, true] {
            let mut out = Vec::new();
            let expected = match pretty {
                true => {
                    write(&mut out, &document, PrettyFormatter::new()).expect("written");
                    serde_json::to_string_pretty(&document)
                }
                false => {
                    write(&mut out, &document, CompactFormatter).expect("written");
                    serde_json::to_string(&document)
                }
            };
            assert_eq!(
                String::from_utf8(out).expect("UTF-8"),
                expected.expect("JSON")
            );
        }
    }
}
