//! The persistent API cache (sled): deterministic keys, per-operation
//! time-to-live, invalidation by pattern, bounded size, and hit/miss counts
//! that survive the process; plugins' own entries live in it too, each
//! plugin's within a quota.

mod access;
mod derived;
mod entry;
mod error;
mod journal;
mod key;
mod quota;
mod scoped;
mod sharing;
mod stats;
mod store;

pub use crate::config::{Bounds, Operation, PLUGIN_QUOTA, Ttls};
pub use access::ApiCache;
pub use error::CacheError;
pub use journal::Journal;
pub use key::{Key, Pattern};
pub use sharing::{Holder, Server};
pub use stats::OperationStats;
pub use store::Cache;
