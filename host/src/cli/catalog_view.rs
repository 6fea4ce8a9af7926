//! The commands a user can run, as the CLI needs them for help, completion,
//! aliases and suggestions: built-in commands plus every plugin that loads.

use super::args::Cli;
use super::plugin_args;
use crate::plugin::{Loaded, PluginError};
use crate::runtime::{LoadError, Runtime};
use clap::{Command, CommandFactory};
use std::sync::Arc;

/// Every catalog entry loaded: the plugin, or why it would not load.
pub async fn load_all(
    runtime: &Runtime,
) -> Result<Vec<(crate::plugin::Entry, Result<Arc<Loaded>, LoadError>)>, PluginError> {
    let mut loaded = Vec::new();
    for entry in runtime.catalog().entries()? {
        if entry.shadowed {
            continue;
        }
        let result = runtime.load_entry(&entry).await;
        loaded.push((entry, result));
    }
    Ok(loaded)
}

/// Plugins that load, skipping (with a debug note) those that do not.
pub async fn plugins(runtime: &Runtime) -> Vec<Arc<Loaded>> {
    let Ok(all) = load_all(runtime).await else {
        return Vec::new();
    };
    all.into_iter()
        .filter_map(|(entry, result)| match result {
            Ok(loaded) => Some(loaded),
            Err(error) => {
                tracing::debug!("skipping plugin {}: {error}", entry.label());
                None
            }
        })
        .collect()
}

/// The plugin whose name or alias is `name`.
pub async fn by_alias(runtime: &Runtime, name: &str) -> Option<Arc<Loaded>> {
    plugins(runtime)
        .await
        .into_iter()
        .find(|loaded| loaded.info.aliases.iter().any(|alias| alias == name))
}

/// The root command with every plugin as a subcommand: for help and completions.
pub async fn root_command(runtime: &Runtime, full: bool) -> Command {
    let mut root = Cli::command();
    for loaded in plugins(runtime).await {
        let sub = if full {
            plugin_args::command(&loaded.info, &loaded.info.name)
        } else {
            Command::new(loaded.name.clone()).about(loaded.info.summary.clone())
        };
        root = root.subcommand(sub);
    }
    root
}

/// Names a user might have meant: meta-commands, plugins and their aliases.
pub async fn command_names(runtime: &Runtime) -> Vec<String> {
    let mut names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for loaded in plugins(runtime).await {
        names.push(loaded.name.clone());
        names.extend(loaded.info.aliases.iter().cloned());
    }
    names
}
