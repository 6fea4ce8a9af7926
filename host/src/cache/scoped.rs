//! Entries named within a scope (a plugin's, for `azlin:host/cache`): a quota
//! on the bytes each scope keeps, and invalidation by name prefix.

use super::entry::writer;
use super::{Cache, CacheError, Key};
use serde::Serialize;
use std::time::Duration;

impl Cache {
    /// Stores `value` under the named `key` for `ttl`, unless the fresh
    /// entries of its scope would then take more than `quota` bytes (stored
    /// keys and entries, as [`Cache::stats`] counts them; the entry it
    /// replaces does not count). Expired entries of the scope go on the way.
    /// Costs the same however many entries the scope holds.
    pub fn put_within<T: Serialize>(
        &self,
        key: &Key,
        value: &T,
        ttl: Duration,
        quota: u64,
    ) -> Result<(), CacheError> {
        let value = postcard::to_stdvec(value)?;
        self.put_within_encoded(key, &writer::<T>(), &value, ttl, quota)
    }

    /// [`Cache::put_within`] for a value already encoded by `writer`.
    pub fn put_within_encoded(
        &self,
        key: &Key,
        writer: &str,
        value: &[u8],
        ttl: Duration,
        quota: u64,
    ) -> Result<(), CacheError> {
        let bytes = key.bytes();
        let entry = self.encode(key, writer, value, ttl)?;
        let needed = (bytes.len() + entry.len()) as u64;
        let name = &bytes[bytes.len() - key.name.len()..];
        self.within_scope(key, |scope| {
            let used = scope.usage().bytes_except(name);
            if used.saturating_add(needed) > quota {
                return Err(CacheError::OverQuota {
                    needed,
                    used,
                    quota,
                });
            }
            scope.store(bytes.clone(), entry)
        })?;
        self.after_put(needed)
    }

    /// Removes the entries of `scope` whose names start with `prefix` (every
    /// named entry for an empty prefix); returns how many were still fresh.
    pub fn invalidate_prefix(&self, scope: &Key, prefix: &str) -> Result<usize, CacheError> {
        self.within_scope(scope, |scope| scope.remove_prefix(prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Bounds, Operation, Ttls};

    const HOUR: Duration = Duration::from_secs(3600);

    fn open(dir: &std::path::Path) -> Cache {
        Cache::open(dir, Ttls::default(), Bounds::default(), Duration::ZERO).expect("cache opens")
    }

    /// What one entry of `value` under plugin `plugin`'s `name` takes.
    fn size(cache: &Cache, plugin: &str, name: &str, value: &[u8]) -> u64 {
        let key = Key::plugin(plugin, name);
        let value = postcard::to_stdvec(&value.to_vec()).expect("postcard");
        let entry = cache
            .encode(&key, &writer::<Vec<u8>>(), &value, HOUR)
            .expect("encode");
        (key.bytes().len() + entry.len()) as u64
    }

    #[test]
    fn a_put_past_the_quota_is_refused_but_replacing_an_entry_is_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = open(dir.path());
        let value = vec![7u8; 1000];
        // Two entries fit (sizes differ by a digit or so of their headers).
        let quota = size(&cache, "p", "a", &value) * 2 + 10;
        for name in ["a", "b", "a", "b"] {
            let key = Key::plugin("p", name);
            cache.put_within(&key, &value, HOUR, quota).expect("within");
        }
        let refused = cache.put_within(&Key::plugin("p", "c"), &value, HOUR, quota);
        assert!(
            matches!(refused, Err(CacheError::OverQuota { used, .. }) if used <= quota),
            "{refused:?}"
        );
        // Another plugin has a quota of its own.
        let other = Key::plugin("q", "c");
        cache
            .put_within(&other, &value, HOUR, quota)
            .expect("q's own");
        assert_eq!(
            cache
                .invalidate_prefix(&Key::plugin("p", ""), "b")
                .expect("drop"),
            1
        );
        let key = Key::plugin("p", "c");
        cache
            .put_within(&key, &value, HOUR, quota)
            .expect("room again");
    }

    #[test]
    fn expired_entries_take_no_quota_and_are_not_counted_as_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = open(dir.path());
        let value = vec![7u8; 1000];
        let quota = size(&cache, "p", "a", &value) + 10;
        let old = Key::plugin("p", "a");
        cache
            .put_within(&old, &value, Duration::ZERO, quota)
            .expect("put");
        let new = Key::plugin("p", "b");
        cache
            .put_within(&new, &value, HOUR, quota)
            .expect("the expired one is gone");
        assert_eq!(cache.invalidate_prefix(&new, "").expect("drop"), 1);
    }

    #[test]
    fn invalidating_a_prefix_stays_within_the_scope() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = open(dir.path());
        for (plugin, name) in [("p", "vm/1"), ("p", "vm/2"), ("p", "other"), ("q", "vm/1")] {
            let key = Key::plugin(plugin, name);
            cache.put_for(&key, &b"x".to_vec(), HOUR).expect("put");
        }
        let api = Key::new(Operation::Plugin, &[("plugin", "p")]);
        cache
            .put(&api, &1u32)
            .expect("an unnamed entry of the same scope");
        assert_eq!(cache.invalidate_prefix(&api, "vm/").expect("drop"), 2);
        assert_eq!(cache.get::<Vec<u8>>(&Key::plugin("p", "vm/1")), None);
        assert_eq!(cache.get(&Key::plugin("p", "other")), Some(b"x".to_vec()));
        assert_eq!(cache.get(&Key::plugin("q", "vm/1")), Some(b"x".to_vec()));
        assert_eq!(cache.invalidate_prefix(&api, "").expect("drop"), 1);
        assert_eq!(cache.get::<u32>(&api), Some(1), "only named entries go");
    }
}
