//! What a runtime that serves many runs (the agent) keeps between them: SSH
//! pools by settings, so a later run reuses open connections, and warm Azure
//! clients and caches.

use crate::azure::SharedAzure;
use crate::config::{Config, ConfigError};
use crate::ssh::Pool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Pools and Azure state shared by every run of one runtime.
#[derive(Debug, Default)]
pub struct Shared {
    pub(super) azure: Arc<SharedAzure>,
    /// By the `Debug` form of their settings: runs with the same SSH
    /// settings share connections, others get their own.
    pools: Mutex<HashMap<String, Arc<Pool>>>,
}

/// What [`Shared`] holds now, for `azlin agent status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedStats {
    pub pools: usize,
    pub connections: usize,
    pub caches: usize,
}

impl Shared {
    /// The pool for `config`'s SSH settings, made on first use.
    pub(super) fn pool(&self, config: &Config) -> Result<Arc<Pool>, Arc<ConfigError>> {
        let settings = config.ssh_for_user().map_err(Arc::new)?;
        let key = format!("{settings:?}");
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        Ok(pools
            .entry(key)
            .or_insert_with(|| Arc::new(Pool::new(settings)))
            .clone())
    }

    /// Pools, open connections and caches held now.
    pub fn stats(&self) -> SharedStats {
        let pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        SharedStats {
            pools: pools.len(),
            connections: pools.values().map(|pool| pool.stats().open_now).sum(),
            caches: self.azure.open_caches(),
        }
    }
}
