//! The user's azlin configuration: where its files live and what
//! `config.toml` says, read as existing azlin users have it.

mod cache_settings;
mod context;
mod contexts;
mod error;
mod file;
pub mod known_keys;
mod legacy_contexts;
mod paths;
mod plugin_limits;
mod profile;
mod scope;
mod sections;
mod session_names;
mod ssh_settings;
mod templates;

pub use cache_settings::{Bounds, Operation, PLUGIN_QUOTA, Ttls};
pub use context::Context;
pub use contexts::NewContext;
pub use error::ConfigError;
pub use file::{Config, PLUGIN_READABLE, PluginRead, display_value, edit};
pub use legacy_contexts::{Migration, migrate as migrate_contexts};
pub use paths::{Paths, agent_dir};
pub use plugin_limits::Limits;
pub use profile::AuthProfile;
pub use scope::{RunScope, Scope, ScopeUnreadable};
pub use sections::{AgentSettings, expand_home};
pub use session_names::{session_names, set_session_name};
pub use ssh_settings::SshSettings;
pub use templates::Template;
