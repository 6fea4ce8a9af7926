//! Why the agent could not be reached, started or used.

use std::path::PathBuf;
use std::time::Duration;

/// Errors of the agent layer; the client answers most of them by running
/// the command in its own process, with the message as a warning.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(
        "the agent directory {dir} is not safe: {why}; it must be yours with mode 700 \
         (`chmod 700 {dir}`), or run with --no-agent"
    )]
    UnsafeDir { dir: PathBuf, why: String },
    #[error("cannot prepare the agent directory {dir}: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the azlin agent: {0}")]
    Spawn(std::io::Error),
    #[error("the azlin agent did not start within {after:?}; its log is {log}")]
    NoStart { after: Duration, log: PathBuf },
    #[error("another azlin agent already serves {0}")]
    AlreadyRunning(PathBuf),
    #[error("the azlin agent refused this client: {0}")]
    Refused(String),
    #[error("cannot talk to the azlin agent at {socket}: {source}")]
    Io {
        socket: PathBuf,
        source: std::io::Error,
    },
    #[error("the azlin agent answered out of turn: {0}")]
    Protocol(String),
}
