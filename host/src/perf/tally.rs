//! What was measured: per operation a count, errors and a latency
//! histogram; per cache operation hits and misses. Bounded: at most
//! [`MAX_OPERATIONS`] operation names, the rest counted as `other`.

use super::histogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Distinct operation names kept; later ones are counted under [`OTHER`].
pub const MAX_OPERATIONS: usize = 256;
/// Where operations past the bound are counted.
pub const OTHER: &str = "other";

/// Counts and latencies of one operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub count: u64,
    pub errors: u64,
    pub max_us: u64,
    pub latency: Histogram,
}

/// Measurements since the counters were last reset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Milliseconds since the Unix epoch of the first measurement.
    #[serde(default)]
    pub since_ms: Option<u64>,
    #[serde(default)]
    pub operations: BTreeMap<String, Timing>,
    /// Cache operation → [hits, misses].
    #[serde(default)]
    pub cache: BTreeMap<String, [u64; 2]>,
}

impl Tally {
    /// Whether nothing was measured.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.cache.is_empty()
    }

    /// Counts one finished operation.
    pub fn time(&mut self, operation: &str, elapsed: Duration, ok: bool) {
        self.started();
        let timing = self.slot(operation);
        timing.count += 1;
        timing.errors += u64::from(!ok);
        timing.max_us = timing.max_us.max(elapsed.as_micros() as u64);
        timing.latency.record(elapsed);
    }

    /// Counts one cache lookup.
    pub fn lookup(&mut self, operation: &str, hit: bool) {
        self.started();
        let counts = self.cache.entry(operation.into()).or_default();
        counts[usize::from(!hit)] += 1;
    }

    /// Adds `other`'s measurements.
    pub fn merge(&mut self, other: &Tally) {
        self.since_ms = match (self.since_ms, other.since_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (operation, timing) in &other.operations {
            let mine = self.slot(operation);
            mine.count += timing.count;
            mine.errors += timing.errors;
            mine.max_us = mine.max_us.max(timing.max_us);
            mine.latency.merge(&timing.latency);
        }
        for (operation, [hits, misses]) in &other.cache {
            let mine = self.cache.entry(operation.clone()).or_default();
            mine[0] += hits;
            mine[1] += misses;
        }
    }

    fn started(&mut self) {
        self.since_ms.get_or_insert_with(crate::clock::now_ms);
    }

    fn slot(&mut self, operation: &str) -> &mut Timing {
        let name = if self.operations.contains_key(operation)
            || self.operations.len() < MAX_OPERATIONS - 1
        {
            operation
        } else {
            OTHER
        };
        self.operations.entry(name.into()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_OPERATIONS, OTHER, Tally};
    use std::time::Duration;

    #[test]
    fn operation_names_are_bounded() {
        let mut tally = Tally::default();
        for index in 0..MAX_OPERATIONS + 10 {
            tally.time(&format!("op {index}"), Duration::from_millis(1), true);
        }
        assert_eq!(tally.operations.len(), MAX_OPERATIONS);
        assert_eq!(
            tally.operations[OTHER].count, 11,
            "the rest, and 'other' itself"
        );
    }

    #[test]
    fn merging_adds_counts_errors_and_lookups() {
        let mut a = Tally::default();
        a.time("list", Duration::from_millis(3), true);
        a.lookup("vm_list", false);
        let mut b = Tally::default();
        b.time("list", Duration::from_millis(9), false);
        b.lookup("vm_list", true);
        a.merge(&b);
        assert_eq!(
            (a.operations["list"].count, a.operations["list"].errors),
            (2, 1)
        );
        assert_eq!(a.operations["list"].max_us, 9_000);
        assert_eq!(a.cache["vm_list"], [1, 1]);
    }
}
