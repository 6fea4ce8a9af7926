//! `azlin cache stats|clear`: what the persistent API cache holds and how
//! often it answered, or a fresh start.

use crate::agent;
use crate::cache::{Cache, Operation};
use crate::cli::args::CacheCommand;
use crate::cli::present;
use crate::cli::settings::Settings;
use crate::runtime::{Align, Column, Event, Value};
use std::time::Duration;

/// How long to wait for another azlin process to release the cache.
const LOCK_WAIT: Duration = Duration::from_millis(500);

/// Runs `azlin cache COMMAND`: on the agent's open cache if an agent runs,
/// else on the cache opened here.
pub async fn run(command: CacheCommand, settings: &Settings) -> anyhow::Result<u8> {
    let clear = matches!(command, CacheCommand::Clear);
    if settings.agent.enabled {
        match agent::cache(&settings.paths, &settings.config, clear).await {
            Ok(Some(events)) => return present::events(events, settings).await,
            Ok(None) => {}
            Err(error) => tracing::warn!("{error}; reading the cache here"),
        }
    }
    let (ttls, bounds) = settings.config.cache()?;
    let cache = Cache::open(&settings.paths.api_cache(), ttls, bounds, LOCK_WAIT)?;
    present::events(events(&cache, clear)?, settings).await
}

/// What `cache stats` (or `clear`, which empties it) shows for `cache`.
pub fn events(cache: &Cache, clear: bool) -> anyhow::Result<Vec<Event>> {
    if clear {
        let removed = cache.clear()?;
        return Ok(vec![Event::Text(format!(
            "removed {removed} cached answers"
        ))]);
    }
    stats(cache)
}

fn stats(cache: &Cache) -> anyhow::Result<Vec<Event>> {
    let mut events = vec![Event::Table {
        name: "operations".into(),
        columns: vec![
            Column::new("operation", "Operation", Align::Left),
            Column::new("hits", "Hits", Align::Right),
            Column::new("misses", "Misses", Align::Right),
            Column::new("hit_ratio", "Hit ratio", Align::Right),
            Column::new("entries", "Entries", Align::Right),
            Column::new("bytes", "Bytes", Align::Right),
        ],
    }];
    for (operation, stats) in cache.stats()? {
        events.push(Event::Row(vec![
            Value::Text(Operation::name(operation).into()),
            Value::Integer(stats.hits as i64),
            Value::Integer(stats.misses as i64),
            stats.hit_ratio().map_or(Value::Empty, Value::Number),
            Value::Integer(stats.entries as i64),
            Value::Bytes(stats.bytes),
        ]));
    }
    Ok(events)
}
