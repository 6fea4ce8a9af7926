//! `config.toml`: every key optional, unknown keys kept, edits that keep the
//! user's comments and layout.

use super::{AuthProfile, ConfigError};
use std::path::{Path, PathBuf};

/// Settings of existing azlin that plugins may read through `host-info`.
pub const PLUGIN_READABLE: &[&str] = &[
    "default_resource_group",
    "default_region",
    "default_vm_size",
    "default_vm_image",
    "last_vm_name",
    "session_names",
    "vm_storage",
    "default_nfs_storage",
    "ssh_connect_timeout",
    "resource_group_auto_detect",
];

/// Why a plugin may not read a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginRead {
    /// The key is not one plugins may read.
    Denied,
    /// The key is malformed.
    Invalid(&'static str),
}

/// The user's configuration as read from `config.toml`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Config {
    path: PathBuf,
    table: toml::Table,
    /// The auth profile the command line chose (`--auth-profile`); it
    /// travels with the settings so the agent runs under it too.
    #[serde(default)]
    profile: Option<AuthProfile>,
}

impl Config {
    /// Reads `path`; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = read_optional(path)?;
        let table = text
            .parse::<toml::Table>()
            .map_err(|error| ConfigError::Parse {
                path: path.into(),
                message: error.to_string(),
            })?;
        Ok(Self {
            path: path.into(),
            table,
            profile: None,
        })
    }

    /// This configuration under auth profile `profile`.
    pub fn with_profile(self, profile: AuthProfile) -> Self {
        Self {
            profile: Some(profile),
            ..self
        }
    }

    /// The auth profile chosen for this command, if any.
    pub fn profile(&self) -> Option<&AuthProfile> {
        self.profile.as_ref()
    }

    /// The file this configuration came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every setting, as a TOML table.
    pub fn table(&self) -> &toml::Table {
        &self.table
    }

    /// The setting at `key`, dotted for tables (`session_names.dev-vm`).
    pub fn get(&self, key: &str) -> Option<&toml::Value> {
        let (head, rest) = split_key(key);
        let value = self.table.get(head)?;
        match rest {
            None => Some(value),
            Some(rest) => value.as_table()?.get(rest),
        }
    }

    /// A string setting, e.g. `default_resource_group`.
    pub fn string(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(toml::Value::as_str)
    }

    /// The error for a setting `key` that is not what it should be.
    pub(super) fn type_error(&self, key: &str, expected: &'static str) -> ConfigError {
        ConfigError::Type {
            path: self.path.clone(),
            key: key.into(),
            expected,
        }
    }

    /// A setting as a plugin sees it: scalars as text, tables and arrays as JSON.
    pub fn plugin_value(&self, key: &str) -> Result<Option<String>, PluginRead> {
        if key.is_empty() {
            return Err(PluginRead::Invalid("the key is empty"));
        }
        if !PLUGIN_READABLE.contains(&split_key(key).0) {
            return Err(PluginRead::Denied);
        }
        Ok(self.get(key).map(display_value))
    }
}

/// The file's text; a missing file reads as empty.
pub(super) fn read_optional(path: &Path) -> Result<String, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(ConfigError::Read {
            path: path.into(),
            source,
        }),
    }
}

/// Splits `table.key` at its first dot.
fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (key, None),
    }
}

/// A TOML value as text: strings bare, other scalars as written, tables and arrays as JSON.
pub fn display_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Table(_) | toml::Value::Array(_) => {
            serde_json::to_string(value).unwrap_or_default()
        }
        other => other.to_string(),
    }
}

/// Sets (or with `None` removes) `key` in the file at `path`, keeping comments
/// and the order of everything else. Values that read as integers or booleans
/// are stored as such; anything else as a string.
pub fn edit(path: &Path, key: &str, value: Option<&str>) -> Result<bool, ConfigError> {
    rewrite(path, |document| apply_edit(document, key, value))
}

/// The TOML file at `path` (a missing one is empty) as an editable document
/// that keeps its comments and layout.
pub(super) fn document(path: &Path) -> Result<toml_edit::DocumentMut, ConfigError> {
    read_optional(path)?
        .parse::<toml_edit::DocumentMut>()
        .map_err(|error| ConfigError::Parse {
            path: path.into(),
            message: error.to_string(),
        })
}

/// Lets `change` edit the file at `path` in place and writes it back
/// atomically if `change` says it changed anything; returns that.
pub(super) fn rewrite(
    path: &Path,
    change: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<bool, ConfigError>,
) -> Result<bool, ConfigError> {
    let mut document = document(path)?;
    let changed = change(&mut document)?;
    if changed {
        crate::atomic_file::write(path, document.to_string().as_bytes()).map_err(|source| {
            ConfigError::Write {
                path: path.into(),
                source,
            }
        })?;
    }
    Ok(changed)
}

fn apply_edit(
    document: &mut toml_edit::DocumentMut,
    key: &str,
    value: Option<&str>,
) -> Result<bool, ConfigError> {
    let (head, rest) = split_key(key);
    let valid = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    };
    if !valid(head) || rest.is_some_and(|rest| !valid(rest)) {
        return Err(ConfigError::Key {
            key: key.into(),
            why: "use letters, digits, '_', '-' and one '.'",
        });
    }
    let table = match rest {
        None => document.as_table_mut(),
        Some(_) => {
            let entry = document.entry(head).or_insert_with(toml_edit::table);
            entry.as_table_mut().ok_or(ConfigError::Key {
                key: key.into(),
                why: "its first part names a setting that is not a table",
            })?
        }
    };
    let leaf = rest.unwrap_or(head);
    Ok(match value {
        Some(raw) => {
            table.insert(leaf, toml_edit::value(typed(raw)));
            true
        }
        None => table.remove(leaf).is_some(),
    })
}

fn typed(raw: &str) -> toml_edit::Value {
    if let Ok(number) = raw.parse::<i64>() {
        return number.into();
    }
    match raw {
        "true" => true.into(),
        "false" => false.into(),
        _ => raw.into(),
    }
}
