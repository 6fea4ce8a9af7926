//! The plugin's own small persistent cache (capability cache): wrappers over
//! `azlin:host/cache`. Keys are private to the plugin; the host scopes them.

use crate::bindings::azlin::host::cache as wit;
use crate::bindings::azlin::host::types::Error as HostError;

/// The value under `key`, or `None` if absent or expired. An `Unavailable`
/// error means the cache cannot be used now: carry on without it.
pub fn get(key: &str) -> Result<Option<Vec<u8>>, HostError> {
    wit::get(key)
}

/// Stores `value` under `key` for `ttl_seconds` (at least 1). Keys are 1 to
/// 256 bytes, values at most 1 MiB; `AccessDenied` when the plugin's quota
/// is used up.
pub fn put(key: &str, value: &[u8], ttl_seconds: u32) -> Result<(), HostError> {
    wit::put(key, value, ttl_seconds)
}

/// Removes the entries whose keys start with `prefix` (every entry for an
/// empty one); returns how many were removed.
pub fn invalidate(prefix: &str) -> Result<u32, HostError> {
    wit::invalidate(prefix)
}
