//! Errors of the configuration layer.

use std::path::PathBuf;

/// Why the configuration could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "config file {path} is not valid TOML: {message}\nfix the file, or move it aside to start from defaults"
    )]
    Parse { path: PathBuf, message: String },
    #[error("setting '{key}' in {path} should be {expected}")]
    Type {
        path: PathBuf,
        key: String,
        expected: &'static str,
    },
    #[error("cannot write config file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("'{key}' is not a valid setting name: {why}")]
    Key { key: String, why: &'static str },
    #[error(
        "the active context '{name}' (named in {marker}) has no file {path}\nhint: create the file, or name an existing context in {marker}"
    )]
    MissingContext {
        name: String,
        path: PathBuf,
        marker: PathBuf,
    },
    #[error("no home directory found: set AZLIN_CONFIG_DIR, or pass --config PATH")]
    NoHome,
}
