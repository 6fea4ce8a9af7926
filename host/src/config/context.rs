//! Contexts as existing azlin keeps them: one file per context,
//! `~/.azlin/contexts/<name>.toml`, the active one named in
//! `~/.azlin/active-context`.

use super::ConfigError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One context: a subscription and the defaults that go with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub resource_group: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub key_vault_name: Option<String>,
}

impl Context {
    /// The active context under `config_dir`, if one is named and exists.
    /// A named context whose file is missing or malformed is an error.
    pub fn active(config_dir: &Path) -> Result<Option<(String, Context)>, ConfigError> {
        let marker = config_dir.join("active-context");
        let name = match std::fs::read_to_string(&marker) {
            Ok(text) => text.trim().to_string(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: marker,
                    source,
                });
            }
        };
        if name.is_empty() {
            return Ok(None);
        }
        let path = Self::path(config_dir, &name);
        let text = std::fs::read_to_string(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::MissingContext {
                name: name.clone(),
                path: path.clone(),
                marker,
            },
            _ => ConfigError::Read {
                path: path.clone(),
                source,
            },
        })?;
        let context: Context = toml::from_str(&text).map_err(|error| ConfigError::Parse {
            path,
            message: error.to_string(),
        })?;
        Ok(Some((name, context)))
    }

    /// Where context `name` is stored.
    pub fn path(config_dir: &Path, name: &str) -> PathBuf {
        config_dir.join("contexts").join(format!("{name}.toml"))
    }
}
