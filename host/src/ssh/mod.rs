//! SSH to the fleet's VMs: a pool of russh connections keyed by
//! `user@host:port`, each carrying many exec channels at once, and
//! interactive sessions on the same connections.

mod config;
mod connection;
mod error;
mod exec;
mod known_hosts;
mod latency;
mod limit;
mod pool;
mod sftp;
mod shell;
mod unreachable;

pub use crate::config::SshSettings;
pub use config::Destination;
pub use error::{ErrorKind, SshError};
pub use exec::{ExecOutput, ExecRequest};
pub use limit::ConnectLimit;
pub use pool::{Pool, PoolStats};
pub use sftp::Sftp;
pub use shell::{PtyRequest, ShellEnd, ShellInput, ShellIo, ShellRequest};
