//! `[plugin_limits]` in config.toml as the plugin runtime takes it: what one
//! run of a plugin may use.

use std::time::Duration;

/// Limits of one run of a plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Linear memory the plugin may grow to, in bytes.
    pub memory_bytes: usize,
    /// Time the run may keep the host busy: the plugin's own code and the
    /// host's work for it (counted by the plugin runtime's meter).
    pub cpu_time: Duration,
    /// Time the run may last, waiting included.
    pub wall_time: Duration,
    /// Bytes of output (events and captured stdout/stderr) the plugin may emit.
    pub output_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            memory_bytes: 256 << 20,
            cpu_time: Duration::from_secs(30),
            wall_time: Duration::from_secs(24 * 3600),
            output_bytes: 64 << 20,
        }
    }
}
