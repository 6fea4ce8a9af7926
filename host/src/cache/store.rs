//! The cache itself: a sled database under the user's cache directory.

use super::derived::Derived;
use super::entry::{self, Header};
use super::journal::Journal;
use super::quota::Scopes;
use super::{Bounds, CacheError, Key, Operation, OperationStats, Pattern, Ttls};
use crate::clock::now_ms;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Fewest puts between two passes over the whole cache for its bounds.
const BOUNDS_EVERY: u64 = 32;
/// Pause between attempts to open a database another process holds.
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// The persistent cache. Reads never fail: a missing, expired, unreadable or
/// old-schema entry is a miss.
pub struct Cache {
    path: PathBuf,
    db: sled::Db,
    pub(super) entries: sled::Tree,
    counters: sled::Tree,
    ttls: Ttls,
    bounds: Bounds,
    /// Hits and misses of this process, added to the stored counts on drop.
    session: Mutex<BTreeMap<Operation, (u64, u64)>>,
    /// Puts and bytes left before the bounds are next enforced.
    bounds_due: Mutex<(u64, u64)>,
    /// What plugins' scopes hold, for their quotas.
    pub(super) scopes: Scopes,
    /// Where processes that cannot open the cache record their changes.
    pub(super) journal: Option<Journal>,
    /// Bytes of the journal applied so far.
    pub(super) journal_read: Mutex<u64>,
    pub(super) derived: Derived,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish()
    }
}

impl Cache {
    /// Opens (or creates) the cache in `dir`. If another process holds it,
    /// retries for up to `wait`, then fails with [`CacheError::Locked`].
    pub fn open(
        dir: &Path,
        ttls: Ttls,
        bounds: Bounds,
        wait: Duration,
    ) -> Result<Self, CacheError> {
        let started = Instant::now();
        let db = loop {
            match sled::Config::new().path(dir).open() {
                Ok(db) => break db,
                Err(error) if is_lock(&error) => {
                    if started.elapsed() >= wait {
                        return Err(CacheError::Locked { path: dir.into() });
                    }
                    std::thread::sleep(LOCK_RETRY);
                }
                Err(source) => {
                    return Err(CacheError::Open {
                        path: dir.into(),
                        source,
                    });
                }
            }
        };
        let cache = Self {
            path: dir.into(),
            entries: db.open_tree("entries")?,
            counters: db.open_tree("counters")?,
            db,
            ttls,
            bounds,
            session: Mutex::default(),
            bounds_due: Mutex::new((BOUNDS_EVERY, bounds.max_bytes / 4)),
            scopes: Scopes::default(),
            journal: Some(Journal::beside(dir)),
            journal_read: Mutex::new(0),
            derived: Derived::default(),
        };
        cache.catch_up_on_open();
        Ok(cache)
    }

    /// The fresh value under `key`, counting a hit or a miss.
    pub fn get<T: DeserializeOwned>(&self, key: &Key) -> Option<T> {
        let value = self.get_encoded(key, &entry::writer::<T>())?;
        postcard::from_bytes(&value).ok()
    }

    /// The encoded value under `key` if it is fresh and `writer` wrote it,
    /// counting a hit or a miss; a stale or foreign entry is dropped.
    pub fn get_encoded(&self, key: &Key, writer: &str) -> Option<Vec<u8>> {
        self.catch_up();
        let bytes = key.bytes();
        let stored = self.entries.get(&bytes).ok().flatten();
        let found = stored
            .as_deref()
            .and_then(Header::decode)
            .filter(|(header, _)| header.fresh(now_ms()) && header.writer == writer)
            .map(|(_, value)| value.to_vec());
        if stored.is_some() && found.is_none() {
            let _ = self.entries.remove(&bytes);
            self.forget(&bytes);
        }
        self.count(key.operation, found.is_some());
        found
    }

    /// The stamp of the fresh entry under `key`: a number unique to each
    /// put, so an unchanged stamp means unchanged bytes. Counts nothing.
    pub fn stamp(&self, key: &Key) -> Option<u64> {
        let stored = self.entries.get(key.bytes()).ok().flatten()?;
        let (header, _) = Header::decode(&stored)?;
        header.fresh(now_ms()).then_some(header.seq)
    }

    /// Stores `value` under `key` for the operation's time-to-live.
    pub fn put<T: Serialize>(&self, key: &Key, value: &T) -> Result<(), CacheError> {
        self.put_for(key, value, self.ttls.get(key.operation))
    }

    /// Stores `value` under `key` for `ttl`.
    pub fn put_for<T: Serialize>(
        &self,
        key: &Key,
        value: &T,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let value = postcard::to_stdvec(value)?;
        self.put_encoded(key, &entry::writer::<T>(), &value, ttl)
    }

    /// Stores `value`, encoded by `writer`, under `key` for `ttl`.
    pub fn put_encoded(
        &self,
        key: &Key,
        writer: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let entry = self.encode(key, writer, value, ttl)?;
        self.insert(key.bytes(), entry)
    }

    /// The stored form of `value`, encoded by `writer`, under `key` for `ttl`.
    pub(super) fn encode(
        &self,
        key: &Key,
        writer: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Vec<u8>, CacheError> {
        let now = now_ms();
        let header = Header {
            stored_at: now,
            seq: self.db.generate_id()?,
            expires_at: now.saturating_add(ttl.as_millis() as u64),
            params: key.params.clone(),
            writer: writer.to_string(),
        };
        Ok(header.encode(value)?)
    }

    /// Stores an encoded entry, then enforces the bounds if they are due.
    fn insert(&self, key: Vec<u8>, entry: Vec<u8>) -> Result<(), CacheError> {
        let size = (key.len() + entry.len()) as u64;
        self.entries.insert(key, entry)?;
        self.after_put(size)
    }

    /// Enforces the bounds once enough puts or bytes went in since the last
    /// pass: half as many puts as entries were kept then (at least
    /// [`BOUNDS_EVERY`]), or a quarter of the byte bound, so a put costs a
    /// constant share of a pass however large the cache is.
    pub(super) fn after_put(&self, size: u64) -> Result<(), CacheError> {
        let due = {
            let mut left = self.bounds_due.lock().unwrap_or_else(|e| e.into_inner());
            left.0 = left.0.saturating_sub(1);
            left.1 = left.1.saturating_sub(size);
            left.0 == 0 || left.1 == 0
        };
        if due {
            let kept = self.enforce_bounds()?;
            *self.bounds_due.lock().unwrap_or_else(|e| e.into_inner()) =
                ((kept / 2).max(BOUNDS_EVERY), self.bounds.max_bytes / 4);
        }
        Ok(())
    }

    /// Removes the entries `pattern` matches; returns how many.
    pub fn invalidate(&self, pattern: &Pattern) -> Result<usize, CacheError> {
        let mut removed = 0;
        for item in self.entries.scan_prefix(prefix(pattern.operation)) {
            let (key, raw) = item?;
            let matches =
                Header::decode(&raw).is_none_or(|(header, _)| pattern.matches(&header.params));
            if matches {
                self.entries.remove(&key)?;
                self.forget(&key);
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Removes every entry and resets the counts; returns how many entries.
    pub fn clear(&self) -> Result<usize, CacheError> {
        let removed = self.entries.len();
        self.entries.clear()?;
        self.scopes.forget_all();
        self.counters.clear()?;
        self.session.lock().expect("session lock").clear();
        Ok(removed)
    }

    /// Counts per operation: hits and misses so far (all processes), and the
    /// entries and bytes stored now.
    pub fn stats(&self) -> Result<BTreeMap<Operation, OperationStats>, CacheError> {
        let mut stats: BTreeMap<Operation, OperationStats> = Operation::ALL
            .into_iter()
            .map(|operation| (operation, OperationStats::default()))
            .collect();
        for (operation, stat) in &mut stats {
            let (hits, misses) = self.stored_counts(*operation)?;
            let (session_hits, session_misses) = self
                .session
                .lock()
                .expect("session lock")
                .get(operation)
                .copied()
                .unwrap_or_default();
            stat.hits = hits + session_hits;
            stat.misses = misses + session_misses;
            for item in self.entries.scan_prefix(prefix(*operation)) {
                let (key, value) = item?;
                stat.entries += 1;
                stat.bytes += (key.len() + value.len()) as u64;
            }
        }
        Ok(stats)
    }

    /// Drops expired and unreadable entries, then the oldest, until the
    /// cache is within its bounds; returns how many entries are kept.
    pub fn enforce_bounds(&self) -> Result<u64, CacheError> {
        let now = now_ms();
        let mut kept = Vec::new();
        for item in self.entries.iter() {
            let (key, raw) = item?;
            match Header::decode(&raw).filter(|(header, _)| header.fresh(now)) {
                Some((header, _)) => kept.push((header.seq, key, raw.len() as u64)),
                None => {
                    self.entries.remove(&key)?;
                    self.forget(&key);
                }
            }
        }
        kept.sort_by_key(|(seq, _, _)| *seq);
        let mut entries = kept.len() as u64;
        let mut bytes: u64 = kept
            .iter()
            .map(|(_, key, size)| key.len() as u64 + size)
            .sum();
        for (_, key, size) in kept {
            if entries <= self.bounds.max_entries && bytes <= self.bounds.max_bytes {
                break;
            }
            self.entries.remove(&key)?;
            self.forget(&key);
            entries -= 1;
            bytes -= key.len() as u64 + size;
        }
        Ok(entries)
    }

    /// Writes this process's counts and flushes to disk.
    pub fn flush(&self) -> Result<(), CacheError> {
        let session = std::mem::take(&mut *self.session.lock().expect("session lock"));
        for (operation, (hits, misses)) in session {
            let (stored_hits, stored_misses) = self.stored_counts(operation)?;
            let counts = [stored_hits + hits, stored_misses + misses];
            self.counters
                .insert(operation.name(), serde_json::to_vec(&counts)?)?;
        }
        self.db.flush()?;
        Ok(())
    }

    fn stored_counts(&self, operation: Operation) -> Result<(u64, u64), CacheError> {
        let counts = self
            .counters
            .get(operation.name())?
            .and_then(|raw| serde_json::from_slice::<[u64; 2]>(&raw).ok())
            .unwrap_or_default();
        Ok((counts[0], counts[1]))
    }

    pub(super) fn count(&self, operation: Operation, hit: bool) {
        crate::perf::lookup(operation.name(), hit);
        let mut session = self.session.lock().expect("session lock");
        let counts = session.entry(operation).or_default();
        if hit {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        if let Err(error) = self.flush() {
            tracing::warn!("cannot save the cache at {}: {error}", self.path.display());
        }
    }
}

fn prefix(operation: Operation) -> Vec<u8> {
    format!("{}/", operation.name()).into_bytes()
}

/// Whether opening failed because another process holds the database.
fn is_lock(error: &sled::Error) -> bool {
    match error {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::WouldBlock
                || io.to_string().contains("could not acquire lock")
        }
        _ => false,
    }
}
