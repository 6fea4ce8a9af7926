//! What is stored under a key: a small JSON header (schema version, expiry,
//! parameters for invalidation by pattern) framed ahead of the answer in
//! postcard, so bookkeeping reads only the header and a hit decodes the
//! answer once, from a compact binary form.

use serde::{Deserialize, Serialize};

/// Version of the entry layout and of the cached models; an entry written
/// under another version is a miss.
pub const SCHEMA: u32 = 2;

/// Bytes before the header: schema and header length, both u32 little-endian.
const PREFIX: usize = 8;

/// The bookkeeping part of a stored entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Milliseconds since the Unix epoch.
    pub stored_at: u64,
    /// Write order across processes (sled's monotonic id), for eviction.
    pub seq: u64,
    pub expires_at: u64,
    pub params: Vec<(String, String)>,
    /// The azlin version and Rust type that wrote the value: postcard is not
    /// self-describing, so a value is only read back as the type, and by the
    /// build, that wrote it; anything else is a miss.
    pub writer: String,
}

/// The `writer` of a value of type `T` written by this build.
pub fn writer<T: ?Sized>() -> String {
    format!(
        "{} {}",
        env!("CARGO_PKG_VERSION"),
        std::any::type_name::<T>()
    )
}

impl Header {
    /// Whether the entry is still fresh at `now` (ms since the epoch).
    pub fn fresh(&self, now: u64) -> bool {
        now < self.expires_at
    }

    /// The stored bytes: prefix, header, then `value` (already encoded).
    pub fn encode(&self, value: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
        let header = serde_json::to_vec(self)?;
        let mut bytes = Vec::with_capacity(PREFIX + header.len() + value.len());
        bytes.extend_from_slice(&SCHEMA.to_le_bytes());
        bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(value);
        Ok(bytes)
    }

    /// The header and the value's bytes; `None` for bytes of another schema
    /// or no entry at all.
    pub fn decode(bytes: &[u8]) -> Option<(Self, &[u8])> {
        let schema = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
        if schema != SCHEMA {
            return None;
        }
        let length = u32::from_le_bytes(bytes.get(4..PREFIX)?.try_into().ok()?) as usize;
        let end = PREFIX.checked_add(length)?;
        let header = serde_json::from_slice(bytes.get(PREFIX..end)?).ok()?;
        Some((header, &bytes[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_round_trips_and_foreign_bytes_do_not_decode() {
        let header = Header {
            stored_at: 1,
            seq: 2,
            expires_at: 3,
            params: vec![("kind".into(), "vms".into())],
            writer: writer::<u32>(),
        };
        let bytes = header.encode(b"[1,2]").expect("encode");
        assert_eq!(Header::decode(&bytes), Some((header, &b"[1,2]"[..])));
        assert_eq!(Header::decode(b"{\"schema\":1}"), None);
        assert_eq!(Header::decode(&bytes[..10]), None);
    }
}
