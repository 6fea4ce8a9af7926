//! Sealed files: a payload after an HMAC-SHA256 under the host key, bound
//! to what the file is for, so azlin trusts a cached file only if it wrote
//! that file for that purpose. The MAC is checked before the payload is
//! parsed.

use super::host_key::HostKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex characters of the MAC, then a newline, then the payload.
const MAC_HEX: usize = 64;

fn mac(key: &HostKey, purpose: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.bytes()).expect("HMAC takes a key of any length");
    mac.update(&(purpose.len() as u64).to_le_bytes());
    mac.update(purpose.as_bytes());
    mac.update(payload);
    mac
}

/// `payload` sealed for `purpose` (e.g. naming the plugin digest it is about).
pub fn seal(key: &HostKey, purpose: &str, payload: &[u8]) -> Vec<u8> {
    let tag = hex::encode(mac(key, purpose, payload).finalize().into_bytes());
    let mut sealed = Vec::with_capacity(MAC_HEX + 1 + payload.len());
    sealed.extend_from_slice(tag.as_bytes());
    sealed.push(b'\n');
    sealed.extend_from_slice(payload);
    sealed
}

/// The payload of `sealed` if it was sealed with `key` for `purpose`.
pub fn open<'a>(key: &HostKey, purpose: &str, sealed: &'a [u8]) -> Option<&'a [u8]> {
    if sealed.len() <= MAC_HEX || sealed[MAC_HEX] != b'\n' {
        return None;
    }
    let tag = hex::decode(&sealed[..MAC_HEX]).ok()?;
    let payload = &sealed[MAC_HEX + 1..];
    mac(key, purpose, payload)
        .verify_slice(&tag)
        .ok()
        .map(|()| payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(dir: &tempfile::TempDir) -> HostKey {
        HostKey::load_or_create(dir.path()).expect("a key")
    }

    #[test]
    fn a_sealed_payload_opens_only_with_its_key_and_purpose_unchanged() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let other = tempfile::tempdir().expect("a temp dir");
        let (key, other_key) = (key(&dir), key(&other));
        let sealed = seal(&key, "description aa", b"{\"name\":\"list\"}");
        assert_eq!(
            open(&key, "description aa", &sealed),
            Some(&b"{\"name\":\"list\"}"[..])
        );
        assert_eq!(open(&key, "description bb", &sealed), None, "purpose");
        assert_eq!(open(&other_key, "description aa", &sealed), None, "key");
        let mut changed = sealed.clone();
        *changed.last_mut().expect("a byte") ^= 1;
        assert_eq!(open(&key, "description aa", &changed), None, "payload");
        assert_eq!(open(&key, "description aa", &sealed[..40]), None, "short");
        assert_eq!(open(&key, "description aa", b""), None, "empty");
    }
}
