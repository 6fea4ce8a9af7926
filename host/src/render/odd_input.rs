//! Generated odd output, fed to every renderer in every style: no plugin
//! output, however wide, empty, ragged or unprintable, may panic the host.

use super::{Style, render};
use crate::runtime::{Align, Column, Event, Format, Value};
use proptest::collection::vec;
use proptest::prelude::*;
use tokio::sync::mpsc;

/// Text as a plugin might send it: empty, wide, combining, control, bidi,
/// multi-line, or one very long line.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{1,12}",
        "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202e}\\u{2066}é東\u{0301}\\n\\r\\t ]{0,24}",
        (1usize..4096).prop_map(|n| "東".repeat(n)),
        Just("x".repeat(70_000)),
        Just("=cmd|' /C calc'!A0".to_string()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Empty),
        text().prop_map(Value::Text),
        any::<i64>().prop_map(Value::Integer),
        any::<f64>().prop_map(Value::Number),
        any::<bool>().prop_map(Value::Boolean),
        any::<u64>().prop_map(Value::DurationMs),
        any::<u64>().prop_map(Value::Bytes),
        vec(text(), 0..3).prop_map(Value::Texts),
    ]
}

fn column() -> impl Strategy<Value = Column> {
    (text(), text(), any::<bool>()).prop_map(|(key, title, right)| {
        let align = if right { Align::Right } else { Align::Left };
        Column::new(&key, &title, align)
    })
}

/// A run's events: tables with rows of any length (ragged, too), records,
/// text, warnings and snapshot ends, in any order.
fn events() -> impl Strategy<Value = Vec<Event>> {
    let event = prop_oneof![
        (text(), vec(column(), 0..5)).prop_map(|(name, columns)| Event::Table { name, columns }),
        vec(value(), 0..7).prop_map(Event::Row),
        (text(), vec((text(), value()), 0..4))
            .prop_map(|(name, fields)| Event::Record { name, fields }),
        text().prop_map(Event::Text),
        text().prop_map(Event::Warning),
        Just(Event::Frame),
    ];
    vec(event, 0..12)
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), prop::option::of(0u16..300)).prop_map(
        |(color, terminal, width)| Style {
            color,
            color_stderr: color,
            progress: false,
            terminal,
            ask: false,
            width,
        },
    )
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Table),
        Just(Format::Json),
        Just(Format::Csv),
        Just(Format::Tsv),
    ]
}

/// Renders `events` and returns what reached stdout.
fn rendered(events: Vec<Event>, format: Format, style: Style) -> Vec<u8> {
    let (sender, mut receiver) = mpsc::channel(events.len().max(1));
    for event in events {
        sender.try_send(event).expect("room in the channel");
    }
    drop(sender);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(render(
            &mut receiver,
            None,
            format,
            style,
            &mut out,
            &mut err,
        ))
        .expect("rendered into memory");
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_output_panics_a_renderer(events in events(), format in format(), style in style()) {
        let out = rendered(events, format, style);
        if !style.terminal && !style.color {
            prop_assert!(!out.contains(&0x1b), "an escape reached a pipe");
        }
    }
}

#[test]
fn a_cell_far_wider_than_a_narrow_terminal_is_drawn() {
    let events = vec![
        Event::Table {
            name: "output".into(),
            columns: vec![
                Column::new("vm", "VM", Align::Left),
                Column::new("out", "Output", Align::Left),
            ],
        },
        Event::Row(vec![
            Value::Text("vm-1".into()),
            Value::Text("x".repeat(70_000)),
        ]),
    ];
    let style = Style {
        width: Some(80),
        ..Style::plain()
    };
    let out = String::from_utf8(rendered(events, Format::Table, style)).expect("UTF-8");
    assert_eq!(out.matches('x').count(), 70_000, "every character is shown");
}
