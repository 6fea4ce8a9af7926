//! What a run is asked to do: the command, its parsed arguments, and facts
//! about the invocation the plugin may read.

use crate::config::{Config, Paths, RunScope};
use crate::exchange::Invocation;
use crate::plugin::Limits;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Arguments parsed against the command's description.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arguments {
    /// The subcommand chosen, if any.
    pub subcommand: Option<String>,
    /// Present options and positionals by name, with their values.
    pub values: Vec<(String, Vec<String>)>,
    /// The values the user typed on the command line (defaults left out):
    /// the only local paths the run may touch.
    #[serde(default)]
    pub typed: Vec<String>,
}

/// One run of a command.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The plugin's name (aliases already resolved).
    pub command: String,
    pub arguments: Arguments,
    pub invocation: Invocation,
    /// The user's configuration for this run (`--config` may differ per run).
    pub config: Arc<Config>,
    /// The user's directories (contexts, cache).
    pub paths: Paths,
    /// Subscription, resource group and context, resolved where the run began.
    pub scope: RunScope,
    /// Limits this run is held to.
    pub limits: Limits,
}
