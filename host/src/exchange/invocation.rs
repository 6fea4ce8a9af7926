//! Facts about an invocation the plugin may read: how it was typed, the
//! output format, the terminal.

use serde::{Deserialize, Serialize};

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
