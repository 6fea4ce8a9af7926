//! `azlin perf report [--reset]`: what every command, ARM request, SSH
//! connect and exec cost so far, and how often the cache and the SSH pool
//! saved one.

use crate::cli::args::PerfCommand;
use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::perf::{Store, Tally, Timing};
use crate::runtime::{Align, Column, Event, Value};
use std::time::Duration;

/// Operations of SSH execs, on a pooled connection and on a new one.
const REUSED_EXEC: &str = "ssh exec (reused connection)";
const NEW_EXEC: &str = "ssh exec (new connection)";

/// Shows the counters (then forgets them with `--reset`).
pub async fn run(command: PerfCommand, settings: &Settings) -> anyhow::Result<u8> {
    let PerfCommand::Report { reset } = command;
    let store = Store::new(&settings.paths.cache_dir);
    let tally = store.read()?;
    let mut events = report(&tally, &store);
    if reset {
        store.reset()?;
        events.push(Event::Warning("the counters were reset".into()));
    }
    show_run::events(events, settings).await
}

fn report(tally: &Tally, store: &Store) -> Vec<Event> {
    let lookups: (u64, u64) = tally
        .cache
        .values()
        .fold((0, 0), |(hits, misses), [h, m]| (hits + h, misses + m));
    let count = |name: &str| tally.operations.get(name).map_or(0, |timing| timing.count);
    let (reused, new) = (count(REUSED_EXEC), count(NEW_EXEC));
    let commands: u64 = tally
        .operations
        .iter()
        .filter(|(name, _)| name.starts_with("command "))
        .map(|(_, timing)| timing.count)
        .sum();
    let mut events = vec![Event::Record {
        name: "summary".into(),
        fields: vec![
            ("since".into(), since(tally.since_ms)),
            ("commands".into(), Value::Integer(commands as i64)),
            (
                "cache_hit_ratio".into(),
                ratio(lookups.0, lookups.0 + lookups.1),
            ),
            ("ssh_reuse_ratio".into(), ratio(reused, reused + new)),
            (
                "file".into(),
                Value::Text(store.path().display().to_string()),
            ),
        ],
    }];
    events.push(Event::Table {
        name: "operations".into(),
        columns: vec![
            Column::new("operation", "Operation", Align::Left),
            Column::new("count", "Count", Align::Right),
            Column::new("errors", "Errors", Align::Right),
            Column::new("p50_ms", "p50 ms", Align::Right),
            Column::new("p95_ms", "p95 ms", Align::Right),
            Column::new("max_ms", "Max ms", Align::Right),
        ],
    });
    events.extend(
        tally
            .operations
            .iter()
            .map(|(name, timing)| operation_row(name, timing)),
    );
    events.push(Event::Table {
        name: "cache".into(),
        columns: vec![
            Column::new("operation", "Cache", Align::Left),
            Column::new("hits", "Hits", Align::Right),
            Column::new("misses", "Misses", Align::Right),
            Column::new("hit_ratio", "Hit ratio", Align::Right),
        ],
    });
    events.extend(tally.cache.iter().map(|(name, [hits, misses])| {
        Event::Row(vec![
            Value::Text(name.clone()),
            Value::Integer(*hits as i64),
            Value::Integer(*misses as i64),
            ratio(*hits, hits + misses),
        ])
    }));
    events
}

fn operation_row(name: &str, timing: &Timing) -> Event {
    let max = Duration::from_micros(timing.max_us);
    // A quantile is its bucket's upper edge, which may lie above the slowest.
    let millis = |duration: Option<Duration>| {
        duration.map_or(Value::Empty, |duration| {
            Value::Number(rounded(duration.min(max).as_secs_f64() * 1e3))
        })
    };
    Event::Row(vec![
        Value::Text(name.into()),
        Value::Integer(timing.count as i64),
        Value::Integer(timing.errors as i64),
        millis(timing.latency.quantile(0.5)),
        millis(timing.latency.quantile(0.95)),
        millis(Some(max)),
    ])
}

fn ratio(part: u64, whole: u64) -> Value {
    match whole {
        0 => Value::Empty,
        whole => Value::Number(rounded(part as f64 / whole as f64)),
    }
}

/// Three significant decimals: enough for milliseconds and ratios.
fn rounded(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// How long ago the first measurement was.
fn since(since_ms: Option<u64>) -> Value {
    let Some(since_ms) = since_ms else {
        return Value::Empty;
    };
    let minutes = crate::clock::now_ms().saturating_sub(since_ms) / 60_000;
    Value::Text(match minutes {
        0 => "less than a minute ago".into(),
        m if m < 120 => format!("{m} min ago"),
        m if m < 48 * 60 => format!("{} h ago", m / 60),
        m => format!("{} days ago", m / (24 * 60)),
    })
}
