//! `[cache]` in config.toml as the API cache takes it: the kinds of answers
//! it keeps, a time-to-live for each, size bounds and plugins' quota.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// What kind of answer an entry holds; each has its own time-to-live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Operation {
    /// The VMs of a scope (model data: names, sizes, NIC ids, tags).
    VmList,
    /// Power states of a scope's VMs.
    PowerState,
    /// NICs and public IPs of a scope.
    Ips,
    /// Slow-changing metadata: VM sizes of a region, resource groups.
    Metadata,
    /// A plugin's own entries (`azlin:host/cache`).
    Plugin,
}

impl Operation {
    /// Every operation, in display order.
    pub const ALL: [Operation; 5] = [
        Operation::VmList,
        Operation::PowerState,
        Operation::Ips,
        Operation::Metadata,
        Operation::Plugin,
    ];

    /// Name in keys, stats and config: `vm_list`, `power_state`, …
    pub fn name(self) -> &'static str {
        match self {
            Operation::VmList => "vm_list",
            Operation::PowerState => "power_state",
            Operation::Ips => "ips",
            Operation::Metadata => "metadata",
            Operation::Plugin => "plugin",
        }
    }

    /// Time-to-live when the configuration does not set one.
    pub fn default_ttl(self) -> Duration {
        Duration::from_secs(match self {
            Operation::VmList => 300,
            Operation::PowerState => 60,
            Operation::Ips => 600,
            Operation::Metadata => 1800,
            Operation::Plugin => 300,
        })
    }

    /// The operation named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|operation| operation.name() == name)
    }
}

/// Time-to-live per operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ttls(BTreeMap<Operation, Duration>);

impl Default for Ttls {
    fn default() -> Self {
        Self(
            Operation::ALL
                .into_iter()
                .map(|operation| (operation, operation.default_ttl()))
                .collect(),
        )
    }
}

impl Ttls {
    /// Sets the time-to-live of `operation`.
    pub fn set(&mut self, operation: Operation, ttl: Duration) {
        self.0.insert(operation, ttl);
    }

    /// The time-to-live of `operation`.
    pub fn get(&self, operation: Operation) -> Duration {
        self.0
            .get(&operation)
            .copied()
            .unwrap_or_else(|| operation.default_ttl())
    }
}

/// Size bounds; past them, expired entries go first, then the oldest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub max_entries: u64,
    pub max_bytes: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            max_entries: 20_000,
            max_bytes: 64 << 20,
        }
    }
}

/// Bytes of entries a plugin may keep when config.toml sets no
/// `[cache] plugin_quota_mib`.
pub const PLUGIN_QUOTA: u64 = 16 << 20;
