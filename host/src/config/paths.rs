//! Where azlin keeps its files: `~/.azlin` (or `$AZLIN_CONFIG_DIR`) for the
//! user's settings and plugins, `~/.cache/azlin` (or `$AZLIN_CACHE_DIR`) for
//! what can be rebuilt.

use super::ConfigError;
use std::path::{Path, PathBuf};

/// The directory this process's user's agents live in (not made):
/// `$XDG_RUNTIME_DIR/azlin`, else `azlin-<uid>` in the temporary directory.
pub fn agent_dir() -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        Some(runtime) if runtime.is_absolute() && runtime.is_dir() => runtime.join("azlin"),
        _ => std::env::temp_dir().join(format!("azlin-{}", rustix::process::getuid().as_raw())),
    }
}

/// The directories and files of one azlin user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Paths {
    /// `~/.azlin`: config, contexts, profiles.
    pub config_dir: PathBuf,
    /// The config file in use (`--config` or `<config_dir>/config.toml`).
    pub config_file: PathBuf,
    /// User plugins: `$AZLIN_PLUGIN_DIR` or `<config_dir>/plugins`.
    pub plugin_dir: PathBuf,
    /// Rebuildable data: precompiled plugins, the API cache.
    pub cache_dir: PathBuf,
}

impl Paths {
    /// A user whose files all live under `root`: `root/azlin` for settings
    /// and plugins, `root/cache` for the rest (tests and benchmarks).
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("azlin"),
            config_file: root.join("azlin/config.toml"),
            plugin_dir: root.join("azlin/plugins"),
            cache_dir: root.join("cache"),
        }
    }

    /// The API cache's database directory.
    pub fn api_cache(&self) -> PathBuf {
        self.cache_dir.join("api")
    }

    /// Resolves the paths from the environment, with `config_file` from `--config`.
    pub fn resolve(config_file: Option<PathBuf>) -> Result<Self, ConfigError> {
        let home = dirs::home_dir();
        let config_dir = match std::env::var_os("AZLIN_CONFIG_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => home.as_ref().ok_or(ConfigError::NoHome)?.join(".azlin"),
        };
        let cache_dir = match std::env::var_os("AZLIN_CACHE_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::cache_dir()
                .or_else(|| home.map(|home| home.join(".cache")))
                .ok_or(ConfigError::NoHome)?
                .join("azlin"),
        };
        let plugin_dir = std::env::var_os("AZLIN_PLUGIN_DIR")
            .map_or_else(|| config_dir.join("plugins"), PathBuf::from);
        let config_file = config_file.unwrap_or_else(|| config_dir.join("config.toml"));
        Ok(Self {
            config_dir,
            config_file,
            plugin_dir,
            cache_dir,
        })
    }
}
