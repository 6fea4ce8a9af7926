//! `azlin context migrate`: contexts older azlin versions kept inside
//! config.toml (`[contexts.<name>]` tables, or a top-level `subscription_id`
//! standing for one context) moved to `contexts/<name>.toml`, where existing
//! azlin and this one read them. config.toml is not changed.

use super::contexts::NewContext;
use super::{Config, ConfigError, Context};
use std::path::Path;

/// What became of one context found in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migration {
    Created,
    /// Written over a file of the same name (`force`).
    Replaced,
    /// A file of that name exists; left as it is.
    Kept,
}

/// Moves the contexts `config` holds into `config_dir/contexts/`; makes the
/// one it names current active when none is.
pub fn migrate(
    config_dir: &Path,
    config: &Config,
    force: bool,
) -> Result<Vec<(String, Migration)>, ConfigError> {
    let (found, current) = legacy(config);
    let mut done = Vec::new();
    for context in &found {
        super::contexts::check_name(&context.name)?;
        let exists = Context::path(config_dir, &context.name).exists();
        let migration = match (exists, force) {
            (true, false) => Migration::Kept,
            (true, true) => {
                Context::replace(config_dir, context)?;
                Migration::Replaced
            }
            (false, _) => {
                Context::create(config_dir, context)?;
                Migration::Created
            }
        };
        done.push((context.name.clone(), migration));
    }
    if let Some(current) = current.filter(|name| found.iter().any(|c| &c.name == name))
        && Context::active_name(config_dir)?.is_none()
    {
        Context::switch(config_dir, &current)?;
    }
    Ok(done)
}

/// The contexts in `config`, and the name of the current one.
fn legacy(config: &Config) -> (Vec<NewContext>, Option<String>) {
    let table = config.table();
    let text = |table: &toml::Table, key: &str| {
        table
            .get(key)
            .and_then(|value| value.as_str())
            .map(str::to_string)
    };
    let mut found = Vec::new();
    let mut current = text(table, "current_context");
    if let Some(contexts) = table.get("contexts").and_then(|value| value.as_table()) {
        current = current.or_else(|| text(contexts, "current"));
        for (name, entry) in contexts {
            let Some(entry) = entry.as_table() else {
                continue;
            };
            if let Some(subscription) = text(entry, "subscription_id") {
                found.push(NewContext {
                    name: name.clone(),
                    subscription_id: subscription,
                    tenant_id: text(entry, "tenant_id"),
                    resource_group: text(entry, "resource_group"),
                    region: text(entry, "region"),
                    key_vault_name: text(entry, "key_vault_name"),
                });
            }
        }
    }
    if let Some(subscription) = text(table, "subscription_id")
        && !found.iter().any(|context| context.name == "default")
    {
        found.push(NewContext {
            name: "default".into(),
            subscription_id: subscription,
            tenant_id: text(table, "tenant_id"),
            resource_group: text(table, "default_resource_group"),
            region: text(table, "default_region"),
            key_vault_name: None,
        });
        current = current.or(Some("default".into()));
    }
    (found, current)
}
