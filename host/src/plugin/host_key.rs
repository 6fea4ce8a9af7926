//! The host key: 32 random bytes only this azlin user holds, with which
//! azlin seals what it caches (precompiled artifacts' proofs, plugin
//! descriptions) so it later trusts only files it wrote itself.
//!
//! It lives in the configuration directory, not beside the cache it
//! protects: the cache is rebuildable data that gets shared, synced and
//! restored from elsewhere, and a key travelling with the files it vouches
//! for would vouch for anything. No plugin can read or write the
//! configuration directory (`runtime::protected`).

use rand::RngCore;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Length of the key in bytes.
const LEN: usize = 32;
/// The key's file name in the configuration directory.
const FILE: &str = ".host-key";

/// Why the host key could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("cannot create azlin's host key {path}: {source}\nhint: make {dir} writable; until then azlin compiles every plugin on each run", dir = path.parent().unwrap_or(path).display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The secret key azlin seals its cache with.
#[derive(Clone)]
pub struct HostKey([u8; LEN]);

impl std::fmt::Debug for HostKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostKey(..)")
    }
}

impl HostKey {
    /// Where the key of the user whose configuration is in `config_dir` lives.
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join(FILE)
    }

    /// The key in `config_dir`, if there is a well-formed one. A reader
    /// without a key trusts no cached file, so it never makes one.
    pub fn read(config_dir: &Path) -> Option<Self> {
        let mut file = std::fs::File::open(Self::path(config_dir)).ok()?;
        let mut key = [0; LEN];
        file.read_exact(&mut key).ok()?;
        let mut more = [0; 1];
        matches!(file.read(&mut more), Ok(0)).then_some(Self(key))
    }

    /// The key in `config_dir`, made (mode 0600) on first use. A malformed
    /// key file is replaced, which only makes every sealed file stale.
    pub fn load_or_create(config_dir: &Path) -> Result<Self, HostKeyError> {
        if let Some(key) = Self::read(config_dir) {
            return Ok(key);
        }
        let path = Self::path(config_dir);
        let create = |source| HostKeyError::Create {
            path: path.clone(),
            source,
        };
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(config_dir)
            .map_err(create)?;
        let mut key = [0; LEN];
        rand::rng().fill_bytes(&mut key);
        // A temporary file is created with mode 0600, filled, then linked
        // in place without replacing: a racing azlin's key wins whole.
        let mut file = tempfile::NamedTempFile::new_in(config_dir).map_err(create)?;
        std::io::Write::write_all(&mut file, &key).map_err(create)?;
        let replace = path.exists();
        let placed = if replace {
            file.persist(&path).map(drop)
        } else {
            file.persist_noclobber(&path).map(drop)
        };
        match placed {
            Ok(()) => Ok(Self(key)),
            Err(error) if error.error.kind() == ErrorKind::AlreadyExists => {
                Self::read(config_dir).ok_or_else(|| create(error.error))
            }
            Err(error) => Err(create(error.error)),
        }
    }

    /// The key's bytes, for the MAC.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_key_is_made_once_private_and_then_read_back() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let config = dir.path().join("azlin");
        assert!(HostKey::read(&config).is_none(), "no key yet");
        let made = HostKey::load_or_create(&config).expect("a key is made");
        let mode = std::fs::metadata(HostKey::path(&config))
            .expect("the key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let again = HostKey::load_or_create(&config).expect("the key is read");
        assert_eq!(made.bytes(), again.bytes());
    }

    #[test]
    fn a_malformed_key_is_not_used_and_is_replaced() {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::write(HostKey::path(dir.path()), [7; LEN + 1]).expect("write");
        assert!(HostKey::read(dir.path()).is_none(), "too long");
        let fresh = HostKey::load_or_create(dir.path()).expect("a key is made");
        assert_ne!(fresh.bytes(), &[7; LEN][..]);
        assert_eq!(
            HostKey::read(dir.path()).map(|key| key.bytes().to_vec()),
            Some(fresh.bytes().to_vec())
        );
    }
}
