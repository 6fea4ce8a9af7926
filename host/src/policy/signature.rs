//! Publisher signatures: a minisign `.minisig` file beside a plugin,
//! verified against the publisher keys the policies trust.

use super::file::Publisher;
use std::path::{Path, PathBuf};

/// What the signature beside a plugin says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// No signature file.
    Unsigned,
    /// Verified with the key of this trusted publisher.
    By(String),
    /// A signature made with a key no policy trusts, or unreadable: why.
    Untrusted(String),
    /// A trusted key's signature that does not match the bytes: tampering.
    Invalid(String),
}

impl Signed {
    /// The verified publisher, if any.
    pub fn publisher(&self) -> Option<&str> {
        match self {
            Signed::By(name) => Some(name),
            _ => None,
        }
    }
}

/// The signature file of a plugin file: `<file>.minisig`, as minisign names it.
pub fn path_for(plugin: &Path) -> PathBuf {
    let mut name = plugin.as_os_str().to_owned();
    name.push(".minisig");
    PathBuf::from(name)
}

/// Checks the signature at `signature` (if it exists) over `bytes`.
pub fn check(bytes: &[u8], signature: &Path, trusted: &[&Publisher]) -> Signed {
    let text = match std::fs::read_to_string(signature) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Signed::Unsigned,
        Err(error) => {
            return Signed::Untrusted(format!("cannot read {}: {error}", signature.display()));
        }
    };
    let Ok(decoded) = minisign_verify::Signature::decode(&text) else {
        return Signed::Untrusted(format!(
            "{} is not a minisign signature",
            signature.display()
        ));
    };
    if trusted.is_empty() {
        return Signed::Untrusted("no policy lists a [[publisher]] key to verify it with".into());
    }
    for publisher in trusted {
        match publisher.key.verify(bytes, &decoded, false) {
            Ok(()) => return Signed::By(publisher.name.clone()),
            Err(minisign_verify::Error::InvalidSignature) => {
                return Signed::Invalid(format!(
                    "it carries the key of '{}' but does not match the bytes (made over other bytes, or altered)",
                    publisher.name
                ));
            }
            Err(minisign_verify::Error::UnexpectedAlgorithm) => {
                return Signed::Untrusted(
                    "it is a legacy (not prehashed) minisign signature: sign again with a current minisign".into(),
                );
            }
            Err(_) => {}
        }
    }
    let names: Vec<&str> = trusted
        .iter()
        .map(|publisher| publisher.name.as_str())
        .collect();
    Signed::Untrusted(format!(
        "it was made with a key no policy trusts (trusted: {})",
        names.join(", ")
    ))
}
