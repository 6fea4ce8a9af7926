//! What a run is asked to do: the command, its parsed arguments, and facts
//! about the invocation the plugin may read.

use crate::config::{Config, Paths};
use crate::plugin::Limits;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The output format the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Tsv,
}

/// Facts about an invocation, given to the plugin through `host-info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invocation {
    /// The command name as typed (may be an alias).
    pub command: String,
    pub format: Format,
    /// Whether stdout is a terminal.
    pub interactive: bool,
    /// Whether the user can be asked a question (stdin and stderr are terminals).
    #[serde(default)]
    pub can_ask: bool,
    /// Terminal width, when stdout is a terminal.
    pub width: Option<u16>,
    /// `-v` count.
    pub verbosity: u8,
    /// The directory azlin was started in: local paths a plugin names are
    /// relative to it, also when the agent runs the plugin.
    #[serde(default)]
    pub cwd: Option<std::path::PathBuf>,
}

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
    /// Limits this run is held to.
    pub limits: Limits,
}
