//! The API cache as a run reaches it: open in this process, or held by
//! another (the agent) and used through it. Either way a run reads and
//! writes the same entries, under the same keys, TTLs and quotas.

use super::entry::writer;
use super::sharing::Holder;
use super::{Cache, CacheError, Key, Pattern};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

/// A run's way to the API cache.
#[derive(Debug, Clone)]
pub enum ApiCache {
    /// Opened by this process.
    Open(Arc<Cache>),
    /// Held by another process of this build, which answers each call.
    Held(Arc<Holder>),
}

impl ApiCache {
    /// The cache when this process has it open.
    pub fn open(&self) -> Option<&Arc<Cache>> {
        match self {
            Self::Open(cache) => Some(cache),
            Self::Held(_) => None,
        }
    }

    /// The fresh value under `key`, counting a hit or a miss.
    pub fn get<T: DeserializeOwned>(&self, key: &Key) -> Option<T> {
        Some(self.get_stamped(key)?.0)
    }

    /// The fresh value under `key` with the stamp its entry had before it
    /// was read (see [`Cache::stamp`]), for [`ApiCache::remember`]; counts a
    /// hit or a miss. Through a holder there is no stamp (nothing derived
    /// is remembered there), so no second round trip is made for one.
    pub fn get_stamped<T: DeserializeOwned>(&self, key: &Key) -> Option<(T, Option<u64>)> {
        match self {
            Self::Open(cache) => {
                let stamp = cache.stamp(key);
                Some((cache.get(key)?, stamp))
            }
            Self::Held(holder) => {
                let found = holder
                    .get(key, &writer::<T>())
                    .and_then(|value| postcard::from_bytes(&value).ok());
                crate::perf::lookup(key.operation.name(), found.is_some());
                Some((found?, None))
            }
        }
    }

    /// Stores `value` under `key` for the operation's time-to-live.
    pub fn put<T: Serialize>(&self, key: &Key, value: &T) -> Result<(), CacheError> {
        match self {
            Self::Open(cache) => cache.put(key, value),
            Self::Held(holder) => {
                let ttl = holder.ttls.get(key.operation);
                holder.put(key, &writer::<T>(), postcard::to_stdvec(value)?, ttl, None)
            }
        }
    }

    /// Stores `value` under the named `key` for `ttl` within `quota` bytes
    /// of its scope (see [`Cache::put_within`]).
    pub fn put_within<T: Serialize>(
        &self,
        key: &Key,
        value: &T,
        ttl: Duration,
        quota: u64,
    ) -> Result<(), CacheError> {
        match self {
            Self::Open(cache) => cache.put_within(key, value, ttl, quota),
            Self::Held(holder) => {
                let value = postcard::to_stdvec(value)?;
                holder.put(key, &writer::<T>(), value, ttl, Some(quota))
            }
        }
    }

    /// Removes the entries `pattern` matches; returns how many.
    pub fn invalidate(&self, pattern: &Pattern) -> Result<usize, CacheError> {
        match self {
            Self::Open(cache) => cache.invalidate(pattern),
            Self::Held(holder) => holder.invalidate(pattern),
        }
    }

    /// Removes the entries of `scope` whose names start with `prefix`.
    pub fn invalidate_prefix(&self, scope: &Key, prefix: &str) -> Result<usize, CacheError> {
        match self {
            Self::Open(cache) => cache.invalidate_prefix(scope, prefix),
            Self::Held(holder) => holder.invalidate_prefix(scope, prefix),
        }
    }

    /// A value derived from unchanged entries (see [`Cache::recall`]); a run
    /// using another process's cache derives afresh.
    pub fn recall<T: Any + Send + Sync>(&self, name: &str) -> Option<Arc<T>> {
        self.open()?.recall(name)
    }

    /// Remembers a derived value (see [`Cache::remember`]) when the cache
    /// is open here.
    pub fn remember<T: Any + Send + Sync>(
        &self,
        name: String,
        sources: Vec<(Key, u64)>,
        value: Arc<T>,
    ) {
        if let Some(cache) = self.open() {
            cache.remember(name, sources, value);
        }
    }
}
