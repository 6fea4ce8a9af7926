//! Facts about the host and the run, and the user's configuration.

use crate::bindings::azlin::host::host_info as wit;
use crate::failure::Failure;

pub use crate::bindings::azlin::host::host_info::{InvocationInfo, OutputFormat};

/// The azlin host's version.
pub fn version() -> String {
    wit::host_version()
}

/// How the command was invoked: name, output format, terminal.
pub fn invocation() -> InvocationInfo {
    wit::invocation()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    wit::now_ms()
}

/// A setting of the user's `config.toml`, e.g. `default_resource_group`.
pub fn config(key: &str) -> Result<Option<String>, Failure> {
    Ok(wit::config_value(key)?)
}
