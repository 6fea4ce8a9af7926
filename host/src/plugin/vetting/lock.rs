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

    /// Writes the lock file atomically.
    pub fn save(&self, path: &Path) -> Result<(), VettingError> {
        let body = toml::to_string(self).map_err(|error| VettingError::LockInvalid {
            path: path.into(),
            message: error.to_string(),
        })?;
        crate::config::write_atomically(path, format!("{HEADER}{body}").as_bytes()).map_err(
            |source| VettingError::LockWrite {
                path: path.into(),
                source,
            },
        )
    }
}
