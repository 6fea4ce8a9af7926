//! Which subscription, resource group and region a command works in when the
//! user does not say: the active context first, then `config.toml`; an auth
//! profile chosen with `--auth-profile` pins the subscription and tenant.

use super::{Config, ConfigError, Context, Paths};
use serde::{Deserialize, Serialize};

/// The scope of one run, resolved once where the run starts: a broken
/// context fails only the runs that need the scope, with the file's own error.
pub type RunScope = Result<Scope, ScopeUnreadable>;

/// Why the scope could not be resolved (the config error's message, kept so
/// the run can travel to the agent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{0}")]
pub struct ScopeUnreadable(String);

impl From<ConfigError> for ScopeUnreadable {
    fn from(error: ConfigError) -> Self {
        Self(error.to_string())
    }
}

/// The defaults a command falls back on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// The active context's name, if any.
    pub context: Option<String>,
    pub subscription: Option<String>,
    pub tenant: Option<String>,
    pub resource_group: Option<String>,
    pub region: Option<String>,
}

impl Scope {
    /// The scope of a run for the user at `paths` with `config`.
    pub fn for_run(paths: &Paths, config: &Config) -> RunScope {
        Ok(Self::resolve(paths, config)?)
    }

    /// Resolves the defaults of the user at `paths` with `config`.
    pub fn resolve(paths: &Paths, config: &Config) -> Result<Self, ConfigError> {
        let active = Context::active(&paths.config_dir)?;
        let (name, context) = match active {
            Some((name, context)) => (Some(name), context),
            None => (None, Context::default()),
        };
        let from_config = |key: &str| config.string(key).map(str::to_string);
        let (subscription, tenant) = match config.profile() {
            Some(profile) => (
                Some(profile.subscription_id.clone()),
                profile.tenant_id.clone(),
            ),
            None => (context.subscription_id, context.tenant_id),
        };
        Ok(Self {
            context: name,
            subscription,
            tenant,
            resource_group: context
                .resource_group
                .or_else(|| from_config("default_resource_group")),
            region: context.region.or_else(|| from_config("default_region")),
        })
    }
}
