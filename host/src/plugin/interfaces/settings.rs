//! `azlin:host/settings`: session names and contexts, read and written by
//! the host in the files of the user who ran the command (the client's
//! config directory and `--config`, also when the agent runs the plugin).

use super::HostError;
use super::azure_errors::to_wit as to_wit_azure;
use super::views::ContextView;
use crate::azure::AzureError;
use crate::config::{self, ConfigError, Context as Stored, NewContext, Paths};
use crate::plugin::bindings::settings::{Context, Host, Migration, VmTemplate};
use crate::plugin::bindings::types::Error;

/// A settings call's answer to the plugin.
type Answer<T> = Result<T, HostError>;

impl Host for ContextView<'_> {
    async fn session_name(&mut self, vm: String) -> Answer<Option<String>> {
        Ok(self.with_paths(|paths| {
            Ok(config::session_names(&paths.config_file)?
                .into_iter()
                .find(|(named, _)| *named == vm)
                .map(|(_, session)| session))
        })?)
    }

    async fn session_names(&mut self) -> Answer<Vec<(String, String)>> {
        Ok(self.with_paths(|paths| config::session_names(&paths.config_file))?)
    }

    async fn set_session_name(&mut self, vm: String, name: Option<String>) -> Answer<bool> {
        if vm.is_empty() {
            return Err(Error::InvalidInput("the VM name is empty".into()).into());
        }
        Ok(self.with_paths(|paths| {
            config::set_session_name(&paths.config_file, &vm, name.as_deref())
        })?)
    }

    async fn list_contexts(&mut self) -> Answer<Vec<Context>> {
        Ok(self.with_paths(|paths| {
            let active = Stored::active_name(&paths.config_dir)?;
            Ok(Stored::list(&paths.config_dir)?
                .into_iter()
                .map(|(name, stored)| {
                    let is_active = active.as_deref() == Some(name.as_str());
                    wit(name, stored, is_active)
                })
                .collect())
        })?)
    }

    async fn current_context(&mut self) -> Answer<Option<Context>> {
        Ok(self.with_paths(|paths| {
            Ok(Stored::active(&paths.config_dir)?.map(|(name, stored)| wit(name, stored, true)))
        })?)
    }

    async fn use_context(&mut self, name: String) -> Answer<Context> {
        Ok(self.with_paths(|paths| {
            let stored = Stored::switch(&paths.config_dir, &name)?;
            Ok(wit(name.clone(), stored, true))
        })?)
    }

    async fn create_context(&mut self, context: Context) -> Answer<Context> {
        let (subscription_id, tenant_id) = match context.subscription_id.clone() {
            Some(subscription) => (subscription, context.tenant_id),
            None => self.active_subscription(context.tenant_id)?,
        };
        let new = NewContext {
            name: context.name.clone(),
            subscription_id,
            tenant_id,
            resource_group: context.resource_group,
            region: context.region,
            key_vault_name: context.key_vault_name,
        };
        Ok(self.with_paths(|paths| {
            let stored = Stored::create(&paths.config_dir, &new)?;
            let active =
                Stored::active_name(&paths.config_dir)?.as_deref() == Some(new.name.as_str());
            Ok(wit(new.name.clone(), stored, active))
        })?)
    }

    async fn delete_context(&mut self, name: String, force: bool) -> Answer<()> {
        Ok(self.with_paths(|paths| Stored::delete(&paths.config_dir, &name, force))?)
    }

    async fn rename_context(&mut self, old: String, new: String) -> Answer<Context> {
        Ok(self.with_paths(|paths| {
            let stored = Stored::rename(&paths.config_dir, &old, &new)?;
            let active = Stored::active_name(&paths.config_dir)?.as_deref() == Some(new.as_str());
            Ok(wit(new.clone(), stored, active))
        })?)
    }

    async fn template(&mut self, name: String) -> Answer<VmTemplate> {
        let template = self.with_paths(|paths| config::Template::load(&paths.config_dir, &name))?;
        Ok(VmTemplate {
            vm_size: template.vm_size,
            region: template.region,
        })
    }

    async fn migrate_contexts(&mut self, force: bool) -> Answer<Vec<(String, Migration)>> {
        let config = self.context.config.clone();
        let done =
            self.with_paths(|paths| config::migrate_contexts(&paths.config_dir, &config, force))?;
        Ok(done
            .into_iter()
            .map(|(name, migration)| {
                let migration = match migration {
                    config::Migration::Created => Migration::Created,
                    config::Migration::Replaced => Migration::Replaced,
                    config::Migration::Kept => Migration::Kept,
                };
                (name, migration)
            })
            .collect())
    }
}

impl ContextView<'_> {
    /// The subscription (and tenant, unless `tenant` is given) this run
    /// works in, for a context created without `--subscription-id`.
    fn active_subscription(
        &self,
        tenant: Option<String>,
    ) -> Result<(String, Option<String>), Error> {
        let session = self.context.azure.as_ref().ok_or_else(|| {
            Error::Unavailable("settings are not available while a plugin describes itself".into())
        })?;
        match session.subscription() {
            Ok((subscription, active_tenant)) => Ok((subscription, tenant.or(active_tenant))),
            Err(AzureError::NoSubscription) => Err(Error::InvalidInput(
                "no subscription: pass --subscription-id GUID, or make a context with one active first"
                    .into(),
            )),
            Err(error) => Err(to_wit_azure(error)),
        }
    }

    /// Runs `work` on the user's paths, with its errors as the plugin sees them.
    fn with_paths<T>(
        &self,
        work: impl FnOnce(&Paths) -> Result<T, ConfigError>,
    ) -> Result<T, Error> {
        let paths = self.context.paths.as_ref().ok_or_else(|| {
            Error::Unavailable("settings are not available while a plugin describes itself".into())
        })?;
        work(paths).map_err(to_wit)
    }
}

/// The WIT record of a stored context.
fn wit(name: String, stored: Stored, active: bool) -> Context {
    Context {
        name,
        subscription_id: stored.subscription_id,
        tenant_id: stored.tenant_id,
        resource_group: stored.resource_group,
        region: stored.region,
        key_vault_name: stored.key_vault_name,
        active,
    }
}

/// A configuration failure as the plugin sees it: a bad file or name is the
/// user's to fix (invalid input), a missing context is not found, I/O is
/// unavailable.
fn to_wit(error: ConfigError) -> Error {
    let message = error.to_string();
    match error {
        ConfigError::NoContext { .. }
        | ConfigError::NoTemplate { .. }
        | ConfigError::MissingContext { .. }
        | ConfigError::NoProfile { .. } => Error::NotFound(message),
        ConfigError::Read { .. }
        | ConfigError::Write { .. }
        | ConfigError::NoHome
        | ConfigError::NoHomeForSsh => Error::Unavailable(message),
        // A malformed value the user typed: a usage error (exit 2).
        ConfigError::Key { .. } | ConfigError::Name { .. } | ConfigError::NotGuid { .. } => {
            Error::InvalidInput(message)
        }
        // The user's files or their state refuse it: the command failed (exit 1).
        ConfigError::Parse { .. }
        | ConfigError::Type { .. }
        | ConfigError::SessionTaken { .. }
        | ConfigError::ContextExists { .. }
        | ConfigError::ActiveContext { .. }
        | ConfigError::ProfileParse { .. }
        | ConfigError::ProfileWithoutSubscription { .. } => Error::Remote(message),
    }
}
