//! Wall-clock time as azlin stores it: milliseconds since the Unix epoch
//! (cache entries' expiry, performance counters, `host-info.now-ms`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch; 0 for a clock set before it.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}
