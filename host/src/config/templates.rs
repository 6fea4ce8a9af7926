//! VM templates, `~/.azlin/templates/<name>.toml` as existing azlin's
//! `template` command writes them: a size and a region for `new --template`.

use super::ConfigError;
use super::contexts::check_file_name;
use std::path::{Path, PathBuf};

/// What a template sets for a new VM.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    pub vm_size: Option<String>,
    pub region: Option<String>,
}

impl Template {
    /// Where template `name` of the user at `config_dir` lives.
    pub fn path(config_dir: &Path, name: &str) -> PathBuf {
        config_dir.join("templates").join(format!("{name}.toml"))
    }

    /// Template `name`; a missing or malformed file is an error naming it.
    pub fn load(config_dir: &Path, name: &str) -> Result<Self, ConfigError> {
        check_file_name("template", name)?;
        let path = Self::path(config_dir, name);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::NoTemplate {
                    name: name.into(),
                    path,
                });
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let table: toml::Table =
            text.parse()
                .map_err(|error: toml::de::Error| ConfigError::Parse {
                    path: path.clone(),
                    message: error.to_string(),
                })?;
        let text = |key: &str| -> Result<Option<String>, ConfigError> {
            match table.get(key) {
                None => Ok(None),
                Some(toml::Value::String(value)) => Ok(Some(value.clone())),
                Some(_) => Err(ConfigError::Type {
                    key: key.into(),
                    path: path.clone(),
                    expected: "a string",
                }),
            }
        };
        Ok(Self {
            vm_size: text("vm_size")?,
            region: text("region")?,
        })
    }
}
