//! The user's azlin configuration: where its files live and what
//! `config.toml` says, read as existing azlin users have it.

mod context;
mod error;
mod file;
mod paths;
mod scope;
mod sections;

pub use context::Context;
pub use error::ConfigError;
pub use file::{Config, PLUGIN_READABLE, PluginRead, display_value, edit, write_atomically};
pub use paths::Paths;
pub use scope::Scope;
