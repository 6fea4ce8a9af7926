//! What is stored under a key: the answer plus its schema version, expiry
//! and parameters (for invalidation by pattern).

use serde::{Deserialize, Serialize};

/// Version of the entry layout and of the cached models; an entry written
/// under another version is a miss.
pub const SCHEMA: u32 = 1;

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub schema: u32,
    /// Milliseconds since the Unix epoch.
    pub stored_at: u64,
    /// Write order across processes (sled's monotonic id), for eviction.
    pub seq: u64,
    pub expires_at: u64,
    pub params: Vec<(String, String)>,
    pub value: serde_json::Value,
}

impl Entry {
    /// Reads an entry; `None` for bytes of another schema or no entry at all.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Entry>(bytes)
            .ok()
            .filter(|entry| entry.schema == SCHEMA)
    }

    /// Whether the entry is still fresh at `now` (ms since the epoch).
    pub fn fresh(&self, now: u64) -> bool {
        now < self.expires_at
    }
}
