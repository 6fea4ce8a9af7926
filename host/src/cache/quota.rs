//! What each plugin's scope holds, counted once per process and then kept
//! up to date on every write and removal, so a put within a quota costs the
//! same whether the plugin keeps ten entries or a hundred thousand.

use super::entry::Header;
use super::{Cache, CacheError, Key};
use crate::clock::now_ms;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

/// The entries of one scope: bytes stored, each entry's size and expiry by
/// name, and the names by expiry, so expired entries go oldest first.
#[derive(Default)]
pub(super) struct Usage {
    bytes: u64,
    entries: HashMap<Box<[u8]>, (u64, u64)>,
    by_expiry: BTreeSet<(u64, Box<[u8]>)>,
}

impl Usage {
    /// Bytes the scope's entries take, the one named `except` left out.
    pub(super) fn bytes_except(&self, except: &[u8]) -> u64 {
        self.bytes - self.entries.get(except).map_or(0, |(size, _)| *size)
    }

    /// Records the entry `name` of `size` bytes, fresh until `expires_at`.
    fn add(&mut self, name: &[u8], size: u64, expires_at: u64) {
        self.remove(name);
        self.bytes += size;
        self.entries.insert(name.into(), (size, expires_at));
        self.by_expiry.insert((expires_at, name.into()));
    }

    /// Forgets the entry `name`, if recorded.
    fn remove(&mut self, name: &[u8]) {
        if let Some((size, expires_at)) = self.entries.remove(name) {
            self.bytes -= size;
            self.by_expiry.remove(&(expires_at, Box::from(name)));
        }
    }

    /// Removes the first recorded entry that expired before `now`; its name.
    fn pop_expired(&mut self, now: u64) -> Option<Box<[u8]>> {
        let (expires_at, _) = self.by_expiry.first()?;
        if *expires_at > now {
            return None;
        }
        let (_, name) = self.by_expiry.pop_first()?;
        if let Some((size, _)) = self.entries.remove(&name) {
            self.bytes -= size;
        }
        Some(name)
    }
}

/// One scope's usage, `None` until counted; locked on its own.
type Slot = Arc<Mutex<Option<Usage>>>;

/// The counted scopes, by their key prefix.
#[derive(Default)]
pub(super) struct Scopes(Mutex<HashMap<Vec<u8>, Slot>>);

impl Scopes {
    fn of(&self, prefix: &[u8]) -> Slot {
        let mut scopes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        scopes.entry(prefix.to_vec()).or_default().clone()
    }

    /// Forgets every count: the next write of each scope counts it afresh.
    pub(super) fn forget_all(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// A counted scope, locked for one write: expired entries gone, stored
/// bytes known.
pub(super) struct Held<'a> {
    cache: &'a Cache,
    prefix: Vec<u8>,
    usage: MutexGuard<'a, Option<Usage>>,
}

impl Cache {
    /// Runs `write` with `scope`'s usage, counted (once per process) and
    /// cleared of expired entries first.
    pub(super) fn within_scope<T>(
        &self,
        scope: &Key,
        write: impl FnOnce(&mut Held<'_>) -> Result<T, CacheError>,
    ) -> Result<T, CacheError> {
        let prefix = scope.prefix("");
        let slot = self.scopes.of(&prefix);
        let usage = slot.lock().unwrap_or_else(|e| e.into_inner());
        let mut held = Held {
            cache: self,
            prefix,
            usage,
        };
        if held.usage.is_none() {
            *held.usage = Some(held.count()?);
        }
        held.drop_expired()?;
        write(&mut held)
    }

    /// Tells the counted scope that holds `key`, if any, that it is gone.
    pub(super) fn forget(&self, key: &[u8]) {
        let width = Key::plugin("", "").prefix("").len();
        let (Some(prefix), Some(name)) = (key.get(..width), key.get(width..)) else {
            return;
        };
        let slot = {
            let scopes = self.scopes.0.lock().unwrap_or_else(|e| e.into_inner());
            scopes.get(prefix).cloned()
        };
        if let Some(slot) = slot
            && let Some(usage) = slot.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
        {
            usage.remove(name);
        }
    }
}

impl Held<'_> {
    /// The scope's usage (always counted once held).
    pub(super) fn usage(&self) -> &Usage {
        self.usage.as_ref().expect("counted when held")
    }

    /// Stores `entry` under `key` of this scope and counts it (the caller
    /// enforces the bounds once the scope is let go: [`Cache::after_put`]).
    pub(super) fn store(&mut self, key: Vec<u8>, entry: Vec<u8>) -> Result<(), CacheError> {
        let size = (key.len() + entry.len()) as u64;
        let expires_at = Header::decode(&entry).map_or(0, |(header, _)| header.expires_at);
        let name = key[self.prefix.len()..].to_vec();
        self.cache.entries.insert(key, entry)?;
        self.usage
            .as_mut()
            .expect("counted")
            .add(&name, size, expires_at);
        Ok(())
    }

    /// Removes the entries whose names start with `name_prefix`; returns how
    /// many were still fresh.
    pub(super) fn remove_prefix(&mut self, name_prefix: &str) -> Result<usize, CacheError> {
        let now = now_ms();
        let mut fresh = 0;
        let mut start = self.prefix.clone();
        start.extend_from_slice(name_prefix.as_bytes());
        for item in self.cache.entries.scan_prefix(start) {
            let (key, raw) = item?;
            if Header::decode(&raw).is_some_and(|(header, _)| header.fresh(now)) {
                fresh += 1;
            }
            self.cache.entries.remove(&key)?;
            let name = &key[self.prefix.len()..];
            self.usage.as_mut().expect("counted").remove(name);
        }
        Ok(fresh)
    }

    /// Reads the scope once: counts fresh entries, removes the rest.
    fn count(&self) -> Result<Usage, CacheError> {
        let now = now_ms();
        let mut usage = Usage::default();
        for item in self.cache.entries.scan_prefix(&self.prefix) {
            let (key, raw) = item?;
            match Header::decode(&raw).filter(|(header, _)| header.fresh(now)) {
                Some((header, _)) => usage.add(
                    &key[self.prefix.len()..],
                    (key.len() + raw.len()) as u64,
                    header.expires_at,
                ),
                None => {
                    self.cache.entries.remove(&key)?;
                }
            }
        }
        Ok(usage)
    }

    /// Removes the entries that expired since they were counted.
    fn drop_expired(&mut self) -> Result<(), CacheError> {
        let now = now_ms();
        let usage = self.usage.as_mut().expect("counted");
        while let Some(name) = usage.pop_expired(now) {
            let mut key = self.prefix.clone();
            key.extend_from_slice(&name);
            self.cache.entries.remove(key)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::cache::{Bounds, Cache, Key, Ttls};
    use std::time::Duration;

    const HOUR: Duration = Duration::from_secs(3600);

    /// What a fresh count of plugin `p`'s scope finds, in bytes.
    fn counted_afresh(cache: &Cache) -> u64 {
        cache.scopes.forget_all();
        cache
            .within_scope(&Key::plugin("p", ""), |scope| Ok(scope.usage().bytes))
            .expect("count")
    }

    fn kept(cache: &Cache) -> u64 {
        cache
            .within_scope(&Key::plugin("p", ""), |scope| Ok(scope.usage().bytes))
            .expect("usage")
    }

    #[test]
    fn the_kept_count_follows_bounds_expiry_and_removal_elsewhere() {
        let dir = tempfile::tempdir().expect("temp dir");
        let bounds = Bounds {
            max_entries: 50,
            max_bytes: 64 << 20,
        };
        let cache = Cache::open(dir.path(), Ttls::default(), bounds, Duration::ZERO).expect("open");
        for i in 0..200 {
            let ttl = if i % 7 == 0 { Duration::ZERO } else { HOUR };
            let key = Key::plugin("p", &format!("k{i}"));
            cache
                .put_within(&key, &vec![1u8; i], ttl, u64::MAX)
                .expect("put");
        }
        let expired = Key::plugin("p", "k0");
        assert_eq!(
            cache.get::<Vec<u8>>(&expired),
            None,
            "an expired entry is a miss"
        );
        cache
            .invalidate_prefix(&Key::plugin("p", ""), "k19")
            .expect("drop");
        cache.enforce_bounds().expect("bounds");
        let kept = kept(&cache);
        assert!(kept > 0);
        assert_eq!(kept, counted_afresh(&cache));
    }
}
