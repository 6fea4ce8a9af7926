//! `azlin:host/cache`: a plugin's own entries, kept in the API cache under the
//! plugin's name and held to a quota of bytes per plugin.

use super::HostError;
use super::views::CacheView;
use crate::azure::Session;
use crate::cache::{ApiCache, CacheError, Key};
use crate::plugin::bindings::cache::Host;
use crate::plugin::bindings::types::Error;
use crate::plugin::meter::Meter;
use std::sync::Arc;
use std::time::Duration;

/// Longest key, in bytes.
const MAX_KEY: usize = 256;
/// Largest value, in bytes (1 MiB).
const MAX_VALUE: usize = 1 << 20;

impl Host for CacheView<'_> {
    async fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, HostError> {
        check_key(&key)?;
        let key = Key::plugin(self.cache_owner(), &key);
        on_cache(
            self.context.azure.clone(),
            self.meter.clone(),
            move |cache| Ok(cache.get::<Vec<u8>>(&key)),
        )
        .await
    }

    async fn put(
        &mut self,
        key: String,
        value: Vec<u8>,
        ttl_seconds: u32,
    ) -> Result<(), HostError> {
        check_key(&key)?;
        if ttl_seconds == 0 {
            return Err(Error::InvalidInput("the TTL must be at least 1 second".into()).into());
        }
        if value.len() > MAX_VALUE {
            return Err(Error::InvalidInput(format!(
                "the value has {} bytes; an entry holds at most {MAX_VALUE} (1 MiB)",
                value.len()
            ))
            .into());
        }
        let quota = match self.context.config.plugin_cache_quota() {
            Ok(quota) => quota,
            Err(error) => return Err(Error::Unavailable(error.to_string()).into()),
        };
        let key = Key::plugin(self.cache_owner(), &key);
        let ttl = Duration::from_secs(ttl_seconds.into());
        on_cache(self.context.azure.clone(), self.meter.clone(), move |cache| {
            cache
                .put_within(&key, &value, ttl, quota)
                .map_err(|error| match error {
                    CacheError::OverQuota { needed, used, quota } => Error::AccessDenied(format!(
                        "the plugin's cache quota is used up: the entry takes {needed} bytes and {used} of {quota} are in use; invalidate entries first, or raise [cache] plugin_quota_mib in config.toml"
                    )),
                    error => unavailable(&error),
                })
        })
        .await
    }

    async fn invalidate(&mut self, prefix: String) -> Result<u32, HostError> {
        let scope = Key::plugin(self.cache_owner(), "");
        on_cache(
            self.context.azure.clone(),
            self.meter.clone(),
            move |cache| {
                cache
                    .invalidate_prefix(&scope, &prefix)
                    .map(|removed| u32::try_from(removed).unwrap_or(u32::MAX))
                    .map_err(|error| unavailable(&error))
            },
        )
        .await
    }
}

impl CacheView<'_> {
    /// The name this plugin's entries are kept under: its own, whatever
    /// alias the user typed.
    fn cache_owner(&self) -> &str {
        &self.context.plugin
    }
}

/// Why `key` cannot name an entry, if it cannot.
fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::InvalidInput("the cache key is empty".into()));
    }
    if key.len() > MAX_KEY {
        return Err(Error::InvalidInput(format!(
            "the cache key has {} bytes; at most {MAX_KEY} are allowed",
            key.len()
        )));
    }
    Ok(())
}

/// Runs `work` on the run's cache on a blocking thread (sled's calls are
/// synchronous, and opening it may wait for another process), its time
/// charged to the run's busy time.
/// Takes the session and meter by value: a host call's future must not
/// borrow the store data.
async fn on_cache<T: Send + 'static>(
    session: Option<Arc<Session>>,
    meter: Arc<Meter>,
    work: impl FnOnce(&ApiCache) -> Result<T, Error> + Send + 'static,
) -> Result<T, HostError> {
    let done = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let done = on_cache_now(session, work);
        meter.charge(started.elapsed());
        done
    });
    Ok(done.await.map_err(wasmtime::Error::from)??)
}

/// [`on_cache`]'s work, on the calling thread.
fn on_cache_now<T>(
    session: Option<Arc<Session>>,
    work: impl FnOnce(&ApiCache) -> Result<T, Error>,
) -> Result<T, Error> {
    {
        let session = session.ok_or_else(|| {
            Error::Unavailable("the cache is not available while a plugin describes itself".into())
        })?;
        let cache = session.api_cache().ok_or_else(|| {
            Error::Unavailable(
                "azlin's cache cannot be opened (another azlin process may hold it); go on without it"
                    .into(),
            )
        })?;
        work(&cache)
    }
}

/// A storage failure, as the plugin sees it: it may go on without the cache.
fn unavailable(error: &CacheError) -> Error {
    Error::Unavailable(format!("azlin's cache: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::SharedAzure;
    use crate::config::{Config, Paths};
    use crate::plugin::{HostState, Limits, RunContext};

    /// A user's directories under `root`, with `config` as config.toml.
    fn paths(root: &std::path::Path, config: &str) -> (Paths, Arc<Config>) {
        let paths = Paths::under(root);
        std::fs::create_dir_all(&paths.config_dir).expect("config dir");
        std::fs::write(&paths.config_file, config).expect("config.toml");
        let config = Config::load(&paths.config_file).expect("config loads");
        (paths, Arc::new(config))
    }

    /// The store data of a run of plugin `plugin`, on the cache `shared` keeps.
    fn run_of(
        plugin: &str,
        root: &std::path::Path,
        config: &str,
        shared: &Arc<SharedAzure>,
    ) -> HostState {
        let (paths, config) = paths(root, config);
        let mut context = RunContext::describing(plugin);
        let scope = Ok(Default::default());
        context.azure = Some(Arc::new(Session::sharing(
            paths,
            config.clone(),
            scope,
            shared.clone(),
        )));
        context.config = config;
        HostState::new(&Limits::default(), Arc::new(context), None)
    }

    /// What the plugin sees of a host call that did not trap.
    fn seen<T>(call: Result<T, HostError>) -> Result<T, Error> {
        call.map_err(|error| error.into_answer().expect("no trap"))
    }

    /// Whether a host call answered `invalid-input`.
    fn invalid<T>(call: Result<T, HostError>) -> bool {
        matches!(seen(call), Err(Error::InvalidInput(_)))
    }

    #[tokio::test]
    async fn plugins_never_see_or_invalidate_each_others_entries() {
        let root = tempfile::tempdir().expect("temp dir");
        let shared = Arc::new(SharedAzure::default());
        let mut alpha = run_of("alpha", root.path(), "", &shared);
        let mut beta = run_of("beta", root.path(), "", &shared);
        seen(
            alpha
                .cache_view()
                .put("shared".into(), b"a".to_vec(), 3600)
                .await,
        )
        .expect("put");
        assert_eq!(
            seen(beta.cache_view().get("shared".into()).await).expect("get"),
            None
        );
        seen(
            beta.cache_view()
                .put("shared".into(), b"b".to_vec(), 3600)
                .await,
        )
        .expect("put");
        let found = seen(alpha.cache_view().get("shared".into()).await).expect("get");
        assert_eq!(found.as_deref(), Some(&b"a"[..]));
        assert_eq!(
            seen(beta.cache_view().invalidate(String::new()).await).expect("drop"),
            1
        );
        let found = seen(alpha.cache_view().get("shared".into()).await).expect("get");
        assert_eq!(found.as_deref(), Some(&b"a"[..]));
        assert_eq!(
            seen(alpha.cache_view().invalidate("sh".into()).await).expect("drop"),
            1
        );
    }

    #[tokio::test]
    async fn bad_keys_ttls_and_values_are_invalid_input() {
        let root = tempfile::tempdir().expect("temp dir");
        let mut run = run_of("alpha", root.path(), "", &Arc::default());
        assert!(invalid(run.cache_view().get(String::new()).await));
        assert!(invalid(run.cache_view().get("k".repeat(MAX_KEY + 1)).await));
        let longest = "k".repeat(MAX_KEY);
        assert_eq!(
            seen(run.cache_view().get(longest).await).expect("a long key"),
            None
        );
        assert!(invalid(run.cache_view().put("k".into(), vec![1], 0).await));
        let too_big = vec![0; MAX_VALUE + 1];
        assert!(invalid(run.cache_view().put("k".into(), too_big, 60).await));
        let largest = vec![0; MAX_VALUE];
        seen(run.cache_view().put("k".into(), largest, 60).await).expect("1 MiB fits");
    }

    #[tokio::test]
    async fn a_put_past_the_configured_quota_is_access_denied() {
        let root = tempfile::tempdir().expect("temp dir");
        let config = "[cache]\nplugin_quota_mib = 1\n";
        let mut run = run_of("alpha", root.path(), config, &Arc::default());
        let half = vec![0; MAX_VALUE / 2 + 1];
        seen(run.cache_view().put("a".into(), half.clone(), 60).await).expect("within the quota");
        let refused = seen(run.cache_view().put("b".into(), half.clone(), 60).await);
        assert!(
            matches!(refused, Err(Error::AccessDenied(_))),
            "{refused:?}"
        );
        seen(run.cache_view().put("a".into(), half, 60).await).expect("replacing fits");
    }

    #[tokio::test]
    async fn a_describing_plugin_finds_the_cache_unavailable() {
        let context = Arc::new(RunContext::describing("alpha"));
        let mut run = HostState::new(&Limits::default(), context, None);
        let found = seen(run.cache_view().get("k".into()).await);
        assert!(matches!(found, Err(Error::Unavailable(_))), "{found:?}");
    }
}
