//! How a run ended, and the exit code that stands for it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Exit code of a plugin that crashed or ran into a limit (EX_SOFTWARE).
pub const EXIT_STOPPED: u8 = 70;

/// Exit code of a run the user interrupted (128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;

/// A failure the command itself reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub exit_code: u8,
}

/// Why the host stopped a plugin before it finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// It ran into one of the run's limits.
    Limit(String),
    /// It panicked; the message and location come from its captured stderr.
    Panic(String),
    /// It trapped for another reason.
    Trap(String),
    /// Whoever read its output went away (a closed pipe).
    OutputClosed,
    /// The user interrupted the run (Ctrl-C).
    Interrupted,
    /// The agent running it went away (it was killed, or crashed).
    AgentLost,
}

impl fmt::Display for Stop {
    /// What happened, as the end of a sentence starting with the plugin's name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Limit(limit) => write!(f, "was stopped: {limit}"),
            Stop::Panic(message) => write!(f, "panicked: {message}"),
            Stop::Trap(message) => write!(f, "crashed: {message}"),
            Stop::OutputClosed => f.write_str("stopped: its output was closed"),
            Stop::Interrupted => f.write_str("was interrupted"),
            Stop::AgentLost => f.write_str(
                "stopped: the azlin agent running it went away (was it killed?); \
                 run the command again and a new agent starts",
            ),
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Success,
    /// The command returned an error.
    Failed(Failure),
    /// The host stopped the plugin.
    Stopped(Stop),
    /// The plugin could not be found or loaded.
    NotLoaded(String),
}

/// The end of a run: its status and the plugin's captured stdout/stderr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The plugin's name.
    pub command: String,
    pub status: Status,
    /// What the plugin wrote to WASI stdout and stderr (its last 64 KiB).
    pub log: String,
}

impl Outcome {
    /// The process exit code for this outcome.
    pub fn exit_code(&self) -> u8 {
        match &self.status {
            Status::Success | Status::Stopped(Stop::OutputClosed) => 0,
            Status::Failed(failure) => failure.exit_code.max(1),
            Status::Stopped(Stop::Interrupted) => EXIT_INTERRUPTED,
            Status::Stopped(_) => EXIT_STOPPED,
            Status::NotLoaded(_) => 1,
        }
    }
}

impl fmt::Display for Outcome {
    /// The message for the user, or nothing for success.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.command;
        match &self.status {
            Status::Success | Status::Stopped(Stop::OutputClosed) => Ok(()),
            Status::Failed(failure) => {
                f.write_str(&failure.message)?;
                match &failure.hint {
                    Some(hint) => write!(f, "\nhint: {hint}"),
                    None => Ok(()),
                }
            }
            Status::Stopped(stop @ Stop::Limit(_)) => write!(
                f,
                "plugin '{name}' {stop}\nhint: raise the limit under [plugin_limits] in config.toml if the command needs more"
            ),
            Status::Stopped(Stop::Interrupted) => f.write_str("interrupted"),
            Status::Stopped(stop) => write!(f, "plugin '{name}' {stop}"),
            Status::NotLoaded(message) => f.write_str(message),
        }
    }
}
