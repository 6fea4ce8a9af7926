//! Azure state kept between runs when one process serves many commands (the
//! agent): ARM clients, with their tokens and HTTP connections, and the open
//! API caches. A run in its own process has none of it.

use super::ArmClient;
use crate::cache::{Cache, Server};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Clients by endpoint, identity and subscription; caches by directory.
#[derive(Debug, Default)]
pub struct SharedAzure {
    clients: Mutex<HashMap<String, Arc<ArmClient>>>,
    caches: Mutex<HashMap<PathBuf, Arc<Cache>>>,
    /// Each open cache served to the user's other processes.
    servers: Mutex<Vec<Server>>,
}

impl SharedAzure {
    /// The client kept under `key`, or the one `make` builds, kept from now on.
    pub fn client(&self, key: String, make: impl FnOnce() -> ArmClient) -> Arc<ArmClient> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(key)
            .or_insert_with(|| Arc::new(make()))
            .clone()
    }

    /// The cache open at `path`, if this process opened it.
    pub fn open_cache(&self, path: &Path) -> Option<Arc<Cache>> {
        let caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        caches.get(path).cloned()
    }

    /// The cache open at `path`, or the one `open` opens, kept from now on
    /// (one that could not be opened, say while another process held it,
    /// is tried again next time), and served to this user's other
    /// processes. Settings of later runs (TTLs, bounds) apply once the
    /// process restarts.
    pub fn cache(
        &self,
        path: &Path,
        open: impl FnOnce() -> Option<Arc<Cache>>,
    ) -> Option<Arc<Cache>> {
        let mut caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cache) = caches.get(path) {
            return Some(cache.clone());
        }
        let cache = open()?;
        caches.insert(path.to_path_buf(), cache.clone());
        match Server::start(path, &cache) {
            Ok(server) => self
                .servers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(server),
            Err(error) => tracing::warn!(
                "other azlin processes cannot use the cache at {} through this one: {error}",
                path.display()
            ),
        }
        Some(cache)
    }

    /// How many caches are open.
    pub fn open_caches(&self) -> usize {
        self.caches.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}
