//! The persistent API cache (sled): deterministic keys, per-operation
//! time-to-live, invalidation by pattern, bounded size, and hit/miss counts
//! that survive the process; plugins' own entries live in it too, each
//! plugin's within a quota.

mod derived;
mod entry;
mod error;
mod journal;
mod key;
mod quota;
mod scoped;
mod stats;
mod store;

pub use error::CacheError;
pub use journal::Journal;
pub use key::{Key, Operation, Pattern};
pub use scoped::PLUGIN_QUOTA;
pub use stats::OperationStats;
pub use store::{Bounds, Cache, Ttls};
