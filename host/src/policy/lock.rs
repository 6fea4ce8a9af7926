//! `plugins.lock`: the plugins the user installed, each pinned to the sha256
//! of the bytes they approved, with the capabilities they granted it.

use super::VettingError;
use crate::plugin::Capability;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HEADER: &str = "# Written by `azlin plugin install|enable|disable|grant|revoke|remove`.\n# Each plugin runs only while its file's sha256 is the one pinned here.\n\n";

/// One approved plugin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pinned {
    pub version: String,
    pub sha256: String,
    /// Capabilities its imports need, by name, as reviewed at install.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Capabilities the user granted, by name.
    #[serde(default)]
    pub grants: Vec<String>,
    /// The trusted publisher whose signature was verified at install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    pub enabled: bool,
}

impl Pinned {
    /// Whether the user granted `capability`.
    pub fn grants(&self, capability: Capability) -> bool {
        self.grants.iter().any(|name| name == capability.name())
    }
}

/// The lock file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    #[serde(default)]
    pub plugins: BTreeMap<String, Pinned>,
}

impl Lock {
    /// The lock file of the user whose settings live in `config_dir`.
    pub fn path(config_dir: &Path) -> PathBuf {
        config_dir.join("plugins.lock")
    }

    /// Reads the lock file; a missing one is empty.
    pub fn load(path: &Path) -> Result<Self, VettingError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => {
                return Err(VettingError::LockRead {
                    path: path.into(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|error| VettingError::LockInvalid {
            path: path.into(),
            message: error.to_string(),
        })
    }

    /// Applies `change` to the file as it is now and writes it back, holding
    /// an exclusive lock on `plugins.lock.guard` beside it meanwhile, so two
    /// `azlin plugin` commands at once each keep their change. Returns the
    /// lock as written.
    pub fn change(path: &Path, change: impl FnOnce(&mut Lock)) -> Result<Lock, VettingError> {
        let guard_path = path.with_extension("lock.guard");
        let held = |source| VettingError::LockWrite {
            path: guard_path.clone(),
            source,
        };
        let guard = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&guard_path)
            .map_err(held)?;
        guard.lock().map_err(held)?;
        let mut lock = Self::load(path)?;
        change(&mut lock);
        lock.save(path)?;
        Ok(lock)
    }

    /// Writes the lock file atomically.
    fn save(&self, path: &Path) -> Result<(), VettingError> {
        let body = toml::to_string(self).map_err(|error| VettingError::LockInvalid {
            path: path.into(),
            message: error.to_string(),
        })?;
        crate::atomic_file::write(path, format!("{HEADER}{body}").as_bytes()).map_err(|source| {
            VettingError::LockWrite {
                path: path.into(),
                source,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned(version: &str) -> Pinned {
        Pinned {
            version: version.into(),
            sha256: "0".repeat(64),
            needs: Vec::new(),
            grants: Vec::new(),
            publisher: None,
            enabled: true,
        }
    }

    #[test]
    fn changes_made_at_once_from_several_threads_are_all_kept() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = Lock::path(dir.path());
        let writers: Vec<_> = (0..4)
            .map(|writer| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for n in 0..25 {
                        Lock::change(&path, |lock| {
                            lock.plugins.insert(format!("p{writer}-{n}"), pinned("1"));
                        })
                        .expect("a change");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().expect("a writer");
        }
        assert_eq!(Lock::load(&path).expect("the lock").plugins.len(), 100);
    }
}
