//! Per-run limits (memory, CPU and wall-clock time, output size) and how
//! they are enforced: a resource limiter and a shared output budget (time is
//! measured by [`super::meter`]).

pub use crate::config::Limits;
use crate::memory::Account;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use wasmtime::ResourceLimiter;

/// A limit the plugin ran into; raised as a trap, which ends the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    #[error("it tried to use more than {} of memory", mib(*limit as u64))]
    Memory { limit: usize },
    #[error("it ran for more than {} of CPU time", seconds(*limit))]
    Cpu { limit: Duration },
    #[error("it ran for more than {} in all", seconds(*limit))]
    Wall { limit: Duration },
    #[error("it wrote more than {} of output", mib(*limit))]
    Output { limit: u64 },
    #[error("its tables grew past {limit} elements")]
    Table { limit: usize },
}

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// Enforces [`Limits::memory_bytes`], shared with what the host holds for
/// the run, and a table size bound on a store.
#[derive(Debug)]
pub struct StoreLimiter {
    memory: Arc<Account>,
    table_elements: usize,
}

impl StoreLimiter {
    /// A limiter for the run whose memory `memory` counts.
    pub fn new(memory: Arc<Account>) -> Self {
        Self {
            memory,
            table_elements: 100_000,
        }
    }
}

impl ResourceLimiter for StoreLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if !self.memory.guest_grows_to(desired as u64) {
            return Err(LimitExceeded::Memory {
                limit: self.memory.limit() as usize,
            }
            .into());
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.table_elements {
            return Err(LimitExceeded::Table {
                limit: self.table_elements,
            }
            .into());
        }
        Ok(true)
    }
}

/// Output bytes one run may still emit, shared by the output interface and the
/// captured stdout/stderr.
#[derive(Debug, Clone)]
pub struct OutputBudget {
    used: Arc<AtomicU64>,
    limit: u64,
}

impl OutputBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Self {
        Self {
            used: Arc::new(AtomicU64::new(0)),
            limit,
        }
    }

    /// Charges `bytes`; fails once the total passes the limit.
    pub fn charge(&self, bytes: usize) -> Result<(), LimitExceeded> {
        let used = self.used.fetch_add(bytes as u64, Ordering::Relaxed) + bytes as u64;
        if used > self.limit {
            return Err(LimitExceeded::Output { limit: self.limit });
        }
        Ok(())
    }

    /// Gives back `bytes` charged before, e.g. for a snapshot already shown.
    pub fn refund(&self, bytes: u64) {
        let _ = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                Some(used.saturating_sub(bytes))
            });
    }
}
