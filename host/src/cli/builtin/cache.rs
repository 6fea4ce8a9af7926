//! `azlin cache stats|clear`: what the persistent API cache holds and how
//! often it answered, or a fresh start.

use crate::agent;
use crate::cache::Cache;
use crate::cli::args::CacheCommand;
use crate::cli::settings::Settings;
use crate::cli::show_run;
use crate::runtime::cache_report;
use std::time::Duration;

/// How long to wait for another azlin process to release the cache.
const LOCK_WAIT: Duration = Duration::from_millis(500);

/// Runs `azlin cache COMMAND`: on the agent's open cache if an agent runs,
/// else on the cache opened here.
pub async fn run(command: CacheCommand, settings: &Settings) -> anyhow::Result<u8> {
    let clear = matches!(command, CacheCommand::Clear);
    if settings.agent.enabled {
        match agent::cache(&settings.paths, &settings.config, clear).await {
            Ok(Some(events)) => return show_run::events(events, settings).await,
            Ok(None) => {}
            Err(error) => tracing::warn!("{error}; reading the cache here"),
        }
    }
    let (ttls, bounds) = settings.config.cache()?;
    let cache = Cache::open(&settings.paths.api_cache(), ttls, bounds, LOCK_WAIT)?;
    show_run::events(cache_report(&cache, clear)?, settings).await
}
