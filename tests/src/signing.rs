//! A plugin publisher for tests: a minisign key pair that signs files the
//! way `minisign -S` does, with the public key line a policy lists.

use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A publisher's key pair.
pub struct Publisher {
    keys: minisign::KeyPair,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("key", &self.key())
            .finish()
    }
}

impl Default for Publisher {
    fn default() -> Self {
        Self::new()
    }
}

impl Publisher {
    /// A fresh key pair.
    pub fn new() -> Self {
        Self {
            keys: minisign::KeyPair::generate_unencrypted_keypair().expect("generate a key pair"),
        }
    }

    /// The public key as a policy's `[[publisher]] key` holds it.
    pub fn key(&self) -> String {
        self.keys.pk.to_base64()
    }

    /// Signs `bytes` and writes the signature to `signature`.
    pub fn sign_bytes(&self, bytes: &[u8], signature: &Path) {
        let signed = minisign::sign(
            Some(&self.keys.pk),
            &self.keys.sk,
            Cursor::new(bytes),
            Some("azlin test plugin"),
            None,
        )
        .expect("sign");
        std::fs::write(signature, signed.into_string()).expect("write the signature");
    }

    /// Signs `file`, writing `<file>.minisig` beside it as minisign does.
    pub fn sign(&self, file: &Path) -> PathBuf {
        let signature = PathBuf::from(format!("{}.minisig", file.display()));
        self.sign_bytes(
            &std::fs::read(file).expect("read the file to sign"),
            &signature,
        );
        signature
    }
}
