//! What can go wrong starting the sshd fleet, its delay proxies and the
//! client files; each message names the thing and the fix.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

/// A failure to start or prepare the real-sshd fleet.
#[derive(Debug, thiserror::Error)]
pub enum SshdError {
    /// OpenSSH's server is not installed.
    #[error("sshd not found at {}: install openssh-server (scripts/setup does)", path.display())]
    SshdMissing {
        /// Where the daemon was looked for.
        path: PathBuf,
    },
    /// Binding port 22 needs root.
    #[error("the sshd fleet binds port 22 on 127.x addresses: run it as root")]
    NotRoot,
    /// More hosts than one address block holds.
    #[error("a fleet holds at most {most} sshd processes, not {asked}")]
    TooManyHosts {
        /// Hosts asked for.
        asked: usize,
        /// The bound.
        most: usize,
    },
    /// Every candidate 127.A.B.* block already answers on port 22.
    #[error(
        "no free 127.x.y.* address block for {hosts} sshd processes: stop leftover sshd processes"
    )]
    NoFreeBlock {
        /// Hosts the block had to hold.
        hosts: usize,
    },
    /// A file or process operation failed.
    #[error("{what}: {cause}")]
    Io {
        /// What was being done, e.g. "write sshd_config".
        what: String,
        /// The operating system's error.
        cause: std::io::Error,
    },
    /// `ssh-keygen` could not make a key.
    #[error("ssh-keygen failed for {}: {detail} (it comes with openssh-client)", path.display())]
    Keygen {
        /// The key file asked for.
        path: PathBuf,
        /// Its exit status or start error, and what it printed.
        detail: String,
    },
    /// An sshd exited before it listened.
    #[error("sshd on {address} exited ({status}); its log:\n{log}")]
    Exited {
        /// Its listen address.
        address: SocketAddr,
        /// How it ended.
        status: ExitStatus,
        /// What it logged.
        log: String,
    },
    /// An sshd did not listen in time.
    #[error("sshd on {address} did not listen within {after:?}; its log:\n{log}")]
    NotListening {
        /// Its listen address.
        address: SocketAddr,
        /// How long it was given.
        after: Duration,
        /// What it logged.
        log: String,
    },
}

impl SshdError {
    /// An `Io` error maker for `map_err`: `.map_err(SshdError::io("write x"))`.
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SshdError {
        let what = what.into();
        move |cause| SshdError::Io { what, cause }
    }
}
