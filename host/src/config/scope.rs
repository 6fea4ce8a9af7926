//! Which subscription, resource group and region a command works in when the
//! user does not say: the active context first, then `config.toml`; an auth
//! profile chosen with `--auth-profile` pins the subscription and tenant.

use super::{Config, ConfigError, Context, Paths};

/// The defaults a command falls back on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The active context's name, if any.
    pub context: Option<String>,
    pub subscription: Option<String>,
    pub tenant: Option<String>,
    pub resource_group: Option<String>,
    pub region: Option<String>,
}

impl Scope {
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
