//! `azlin cache stats|clear` as events: what the persistent API cache holds
//! and how often it answered, or a fresh start. A runtime operation, so the
//! agent answers it on the cache it holds without reaching into the CLI.

use super::{Align, Column, Event, Runtime, Value};
use crate::azure::Session;
use crate::cache::{Cache, CacheError, Operation};
use crate::config::{Config, Paths, Scope};
use std::sync::Arc;

impl Runtime {
    /// The report on the cache this runtime keeps for `paths` (opening it
    /// if it has not yet), or why there is none.
    pub fn kept_cache_report(
        &self,
        paths: Paths,
        config: Arc<Config>,
        clear: bool,
    ) -> Result<Vec<Event>, String> {
        // The report reads the cache alone, so it needs no scope.
        let scope = Ok(Scope::default());
        let session = Session::sharing(
            paths,
            config,
            scope,
            self.shared_azure().unwrap_or_default(),
        );
        match session.api_cache().as_ref().and_then(|cache| cache.open()) {
            Some(cache) => cache_report(cache, clear).map_err(|error| error.to_string()),
            None => Err("the API cache could not be opened; see the agent's log".into()),
        }
    }
}

/// What `cache stats` (or `clear`, which empties it) shows for `cache`.
pub fn cache_report(cache: &Cache, clear: bool) -> Result<Vec<Event>, CacheError> {
    if clear {
        let removed = cache.clear()?;
        return Ok(vec![Event::Text(format!(
            "removed {removed} cached answers"
        ))]);
    }
    stats(cache)
}

fn stats(cache: &Cache) -> Result<Vec<Event>, CacheError> {
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
