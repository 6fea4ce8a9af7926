//! Performance counters: each operation's count, errors and latency (ARM
//! requests, SSH connects and execs, commands), cache hits and misses,
//! measured in memory and added to a small file after every run, for
//! `azlin perf report`.

mod histogram;
mod store;
mod tally;

pub use histogram::Histogram;
pub use store::{PerfError, Store};
pub use tally::{MAX_OPERATIONS, OTHER, Tally, Timing};

use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// This process's measurements not yet added to the file.
fn pending() -> &'static Mutex<Tally> {
    static PENDING: OnceLock<Mutex<Tally>> = OnceLock::new();
    PENDING.get_or_init(Mutex::default)
}

/// Counts one finished operation, e.g. `arm GET virtualMachines`.
pub fn time(operation: &str, elapsed: Duration, ok: bool) {
    pending()
        .lock()
        .expect("perf lock")
        .time(operation, elapsed, ok);
}

/// Counts one cache lookup of `operation`.
pub fn lookup(operation: &str, hit: bool) {
    pending().lock().expect("perf lock").lookup(operation, hit);
}

/// Adds what was measured since the last flush to the counters in
/// `cache_dir`. Failing to is only worth a debug line: they are statistics.
pub fn flush(cache_dir: &Path) {
    let tally = std::mem::take(&mut *pending().lock().expect("perf lock"));
    if tally.is_empty() {
        return;
    }
    if let Err(error) = Store::new(cache_dir).add(&tally) {
        tracing::debug!("{error}");
    }
}
