//! Values computed from cache entries (the joined VM list), kept in memory
//! while every entry they came from is unchanged: a resident agent then
//! answers a hit without decoding or joining again.

use super::{Cache, Key};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Values remembered at most; past it the memo starts over.
const MOST: usize = 64;

/// One remembered value and the entries (key, stamp) it was computed from.
struct Remembered {
    sources: Vec<(Key, u64)>,
    value: Arc<dyn Any + Send + Sync>,
}

/// Derived values by name.
#[derive(Default)]
pub(super) struct Derived(Mutex<HashMap<String, Remembered>>);

impl Cache {
    /// The value remembered under `name`, if each entry it came from is
    /// still stored, fresh and unchanged; counts a hit for each of them.
    pub fn recall<T: Any + Send + Sync>(&self, name: &str) -> Option<Arc<T>> {
        self.catch_up();
        let memo = self.derived.0.lock().unwrap_or_else(|e| e.into_inner());
        let remembered = memo.get(name)?;
        let unchanged = remembered
            .sources
            .iter()
            .all(|(key, stamp)| self.stamp(key) == Some(*stamp));
        let value = unchanged.then(|| remembered.value.clone().downcast::<T>().ok())??;
        for (key, _) in &remembered.sources {
            self.count(key.operation, true);
        }
        Some(value)
    }

    /// Remembers `value` as computed from `sources`, each entry with the
    /// stamp it had before it was read (see [`Cache::stamp`]).
    pub fn remember<T: Any + Send + Sync>(
        &self,
        name: String,
        sources: Vec<(Key, u64)>,
        value: Arc<T>,
    ) {
        let mut memo = self.derived.0.lock().unwrap_or_else(|e| e.into_inner());
        if memo.len() >= MOST && !memo.contains_key(&name) {
            memo.clear();
        }
        memo.insert(name, Remembered { sources, value });
    }
}
