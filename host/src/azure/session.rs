//! Azure for one run: the inventory is built on first use from the run's
//! configuration and scope, so commands that never touch Azure pay nothing.

use super::{
    ArmClient, AuthMethod, AzureError, Endpoint, Inventory, ListBounds, RetryPolicy, SharedAzure,
    Tokens,
};
use crate::cache::{ApiCache, Cache, CacheError, Holder, Journal};
use crate::config::{Config, Paths, RunScope};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::OnceCell;

/// How long a run waits for another process to release the cache.
const CACHE_WAIT: Duration = Duration::from_millis(300);

/// Azure access for one run.
#[derive(Debug)]
pub struct Session {
    paths: Paths,
    config: Arc<Config>,
    /// The subscription, resource group and context, resolved where the run began.
    scope: RunScope,
    inventory: OnceCell<Result<Arc<Inventory>, Arc<AzureError>>>,
    /// The cache being opened in the background (see [`Session::prepare`]).
    opening: Mutex<Option<JoinHandle<Option<ApiCache>>>>,
    /// The cache once reached (or found unusable): sled admits one opening
    /// at a time, so the inventory and the plugin's own entries share it.
    cache: OnceLock<Option<ApiCache>>,
    /// Clients and caches kept by a process that serves many runs.
    shared: Option<Arc<SharedAzure>>,
}

impl Session {
    /// A session for the user at `paths` with `config`, in `scope`; nothing
    /// happens yet.
    pub fn new(paths: Paths, config: Arc<Config>, scope: RunScope) -> Self {
        Self {
            paths,
            config,
            scope,
            inventory: OnceCell::new(),
            opening: Mutex::new(None),
            cache: OnceLock::new(),
            shared: None,
        }
    }

    /// A session that takes its ARM client and cache from `shared`, and
    /// leaves there the ones it makes, for the runs after it.
    pub fn sharing(
        paths: Paths,
        config: Arc<Config>,
        scope: RunScope,
        shared: Arc<SharedAzure>,
    ) -> Self {
        Self {
            shared: Some(shared),
            ..Self::new(paths, config, scope)
        }
    }

    /// Starts opening the API cache on a background thread, so the several
    /// milliseconds sled takes to start overlap the plugin's own start-up.
    pub fn prepare(&self) {
        if self.shared.is_some() {
            return;
        }
        let (paths, config) = (self.paths.clone(), self.config.clone());
        let opener = std::thread::Builder::new()
            .name("azlin-cache-open".into())
            .spawn(move || reach_cache(&paths, &config, None));
        match opener {
            Ok(handle) => *self.opening.lock().expect("opening lock") = Some(handle),
            Err(error) => tracing::debug!("cache opens on first use: {error}"),
        }
    }

    /// The resource group commands fall back on: the active context's, then
    /// config.toml's `default_resource_group`.
    pub fn default_resource_group(&self) -> Result<Option<String>, AzureError> {
        Ok(self.scope.clone()?.resource_group)
    }

    /// The inventory, built once: scope, endpoint, credentials, cache.
    pub async fn inventory(&self) -> Result<Arc<Inventory>, AzureError> {
        let built = self
            .inventory
            .get_or_init(|| async { self.build().map(Arc::new).map_err(Arc::new) })
            .await;
        built.clone().map_err(AzureError::Unavailable)
    }

    /// The subscription this run works in, and its tenant: the auth
    /// profile's or active context's, else `AZURE_SUBSCRIPTION_ID`.
    pub fn subscription(&self) -> Result<(String, Option<String>), AzureError> {
        let scope = self.scope.clone()?;
        let subscription = scope
            .subscription
            .or_else(|| {
                std::env::var("AZURE_SUBSCRIPTION_ID")
                    .ok()
                    .filter(|id| !id.is_empty())
            })
            .ok_or(AzureError::NoSubscription)?;
        Ok((subscription, scope.tenant))
    }

    fn build(&self) -> Result<Inventory, AzureError> {
        let (subscription, tenant) = self.subscription()?;
        let endpoint = Endpoint::resolve(self.config.string("arm_endpoint"))?;
        let method = AuthMethod::parse(self.config.string("auth_method"))?;
        let (pages, time) = self.config.arm_list()?;
        let defaults = ListBounds::default();
        let bounds = ListBounds {
            max_pages: pages.unwrap_or(defaults.max_pages),
            max_time: time.unwrap_or(defaults.max_time),
        };
        let key = format!(
            "{}|{method:?}|{:?}|{subscription}|{bounds:?}",
            endpoint.join(""),
            tenant
        );
        let make = || {
            let tokens = Tokens::new(method, endpoint.scope(), tenant.clone());
            ArmClient::new(endpoint, tokens, subscription, RetryPolicy::default())
                .with_list_bounds(bounds)
        };
        let client = match &self.shared {
            Some(shared) => shared.client(key, make),
            None => Arc::new(make()),
        };
        let inventory = Inventory::new(client, None);
        let journal = Journal::beside(&self.paths.api_cache());
        Ok(match self.api_cache() {
            Some(cache @ ApiCache::Open(_)) => inventory.through(cache),
            Some(cache @ ApiCache::Held(_)) => inventory.through(cache).recording_to(journal),
            None => inventory.recording_to(journal),
        })
    }

    /// The API cache: kept shared, or reached by [`Session::prepare`], or now
    /// (blocking), once per session; `None` (with a warning) when it cannot
    /// be opened.
    pub fn api_cache(&self) -> Option<ApiCache> {
        let path = self.paths.api_cache();
        if let Some(cache) = self
            .shared
            .as_ref()
            .and_then(|shared| shared.open_cache(&path))
        {
            return Some(ApiCache::Open(cache));
        }
        self.cache
            .get_or_init(|| {
                let opening = self.opening.lock().expect("opening lock").take();
                match opening.map(JoinHandle::join) {
                    Some(Ok(cache)) => cache,
                    Some(Err(_)) | None => {
                        reach_cache(&self.paths, &self.config, self.shared.as_deref())
                    }
                }
            })
            .clone()
    }
}

/// The API cache through the process holding it (the agent), else opened
/// here (and kept in `shared`, if given); none (with one warning) when
/// neither works.
fn reach_cache(paths: &Paths, config: &Config, shared: Option<&SharedAzure>) -> Option<ApiCache> {
    if let Ok((ttls, _)) = config.cache()
        && let Some(holder) = Holder::reach(&paths.api_cache(), ttls)
    {
        return Some(ApiCache::Held(Arc::new(holder)));
    }
    let open = || open_cache(paths, config);
    match shared {
        Some(shared) => shared.cache(&paths.api_cache(), open),
        None => open(),
    }
    .map(ApiCache::Open)
}

/// The API cache opened by this process, or none (with one warning) when it
/// cannot be opened.
fn open_cache(paths: &Paths, config: &Config) -> Option<Arc<Cache>> {
    let (ttls, bounds) = match config.cache() {
        Ok(settings) => settings,
        Err(error) => {
            tracing::warn!("{error}; running without the cache");
            return None;
        }
    };
    match Cache::open(&paths.api_cache(), ttls, bounds, CACHE_WAIT) {
        Ok(cache) => Some(Arc::new(cache)),
        Err(CacheError::Locked { .. }) => {
            tracing::warn!(
                "another azlin process is using the cache; this run asks Azure directly"
            );
            None
        }
        Err(error) => {
            tracing::warn!("{error}; running without the cache");
            None
        }
    }
}
