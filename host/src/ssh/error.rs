//! Why an SSH operation failed, each message naming the destination and the fix.

use std::path::PathBuf;
use std::time::Duration;

use super::Destination;
use super::limit::{ConnectLimit, short};
use super::unreachable::REMEMBERED;

/// An SSH failure. Connection errors leave the pool usable; a timed-out
/// command leaves its connection usable.
#[derive(Debug, thiserror::Error)]
pub enum SshError {
    /// The TCP connection was refused, or the host is unreachable or unknown.
    #[error(
        "cannot connect to {dest}: {source}\nhint: check that the VM is running and that port {} is open to this machine",
        dest.port
    )]
    Connect {
        dest: Destination,
        source: std::io::Error,
    },
    /// Connecting, the handshake or the login ran past the limit: the
    /// configured `connect_timeout`, or less when the other hosts were fast.
    #[error(
        "gave up connecting to {dest} after {limit}\nhint: check that the VM is running and reachable from this machine (a firewall may drop the connection)"
    )]
    ConnectTimeout {
        dest: Destination,
        limit: ConnectLimit,
    },
    /// The request's own time limit ran out while connecting (a probe that
    /// allows less than the connect limit).
    #[error(
        "gave up connecting to {dest} after {}, the command's time limit\nhint: check that the VM is running and reachable from this machine (a firewall may drop the connection)",
        short(*after)
    )]
    ConnectDeadline { dest: Destination, after: Duration },
    /// The destination gave no answer in time a moment ago; it is not tried
    /// again until that is [`REMEMBERED`] old, so a run does not wait for the
    /// same silence twice.
    #[error(
        "{dest} gave no answer {} ago; azlin tries it again after {}\nhint: check that the VM is running and reachable from this machine (a firewall may drop the connection)",
        short(*ago), short(REMEMBERED)
    )]
    RecentlyUnreachable { dest: Destination, ago: Duration },
    /// The server refused the key for that user.
    #[error(
        "{dest} refused the key {} for user {}\nhint: add {}.pub to ~{}/.ssh/authorized_keys on the VM, or choose another key or user",
        key.display(), dest.user, key.display(), dest.user
    )]
    Auth { dest: Destination, key: PathBuf },
    /// The private key is missing, unreadable, encrypted or malformed.
    #[error(
        "cannot use the SSH key {} to log in to {dest}: {why}\nhint: point the key setting at an unencrypted OpenSSH private key (ssh-keygen -t ed25519 -N '' -f ~/.ssh/azlin_key)",
        path.display()
    )]
    KeyUnreadable {
        dest: Destination,
        path: PathBuf,
        why: String,
    },
    /// The host presented a key other than the one known_hosts records.
    #[error(
        "the host key of {dest} differs from the one recorded at line {line} of {}; refusing to connect\nhint: if the VM was rebuilt, remove line {line} of {} with `ssh-keygen -R {} -f {}`",
        path.display(), path.display(), keygen_host(dest), path.display()
    )]
    HostKeyChanged {
        dest: Destination,
        path: PathBuf,
        line: usize,
    },
    /// The known_hosts file could not be read or written.
    #[error(
        "cannot check the host key of {dest} against {}: {why}\nhint: fix or move that known_hosts file",
        path.display()
    )]
    KnownHosts {
        dest: Destination,
        path: PathBuf,
        why: String,
    },
    /// The command ran past the request's timeout.
    #[error(
        "`{}` on {dest} did not finish within {after:?}; its channel was closed\nhint: give it a longer timeout, or check whether it waits for input",
        brief(command)
    )]
    Timeout {
        dest: Destination,
        command: String,
        after: Duration,
    },
    /// The command printed more than its run may hold; it was stopped.
    #[error(
        "`{}` on {dest} printed more than the run's memory limit ({} MiB) leaves room for; it was stopped\nhint: print less (e.g. pipe it through tail), or raise memory_mib under [plugin_limits] in config.toml",
        brief(command),
        limit >> 20
    )]
    OutputTooLarge {
        dest: Destination,
        command: String,
        limit: u64,
    },
    /// The SSH protocol failed after connecting (a channel refused, the connection dropped).
    #[error("SSH to {dest} failed: {why}\nhint: retry; if it persists, check the VM's sshd log")]
    Protocol { dest: Destination, why: String },
}

/// The few kinds of failure a plugin can tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The host could not be reached, or went away.
    Unavailable,
    /// The host would not let us in, or could not be trusted.
    AccessDenied,
    /// The command ran past its timeout.
    Timeout,
    /// Anything else.
    Other,
}

impl SshError {
    /// The kind of failure, for the plugin interface.
    pub fn kind(&self) -> ErrorKind {
        match self {
            SshError::Connect { .. }
            | SshError::ConnectTimeout { .. }
            | SshError::ConnectDeadline { .. }
            | SshError::RecentlyUnreachable { .. } => ErrorKind::Unavailable,
            SshError::Auth { .. }
            | SshError::KeyUnreadable { .. }
            | SshError::HostKeyChanged { .. } => ErrorKind::AccessDenied,
            SshError::Timeout { .. } => ErrorKind::Timeout,
            SshError::KnownHosts { .. }
            | SshError::Protocol { .. }
            | SshError::OutputTooLarge { .. } => ErrorKind::Other,
        }
    }

    /// Whether the destination gave no answer within the time it had: the
    /// pool remembers it briefly.
    pub fn is_silence(&self) -> bool {
        matches!(
            self,
            SshError::ConnectTimeout { .. } | SshError::ConnectDeadline { .. }
        )
    }

    /// The destination the failure concerns.
    pub fn destination(&self) -> &Destination {
        match self {
            SshError::Connect { dest, .. }
            | SshError::ConnectTimeout { dest, .. }
            | SshError::ConnectDeadline { dest, .. }
            | SshError::RecentlyUnreachable { dest, .. }
            | SshError::Auth { dest, .. }
            | SshError::KeyUnreadable { dest, .. }
            | SshError::HostKeyChanged { dest, .. }
            | SshError::KnownHosts { dest, .. }
            | SshError::Timeout { dest, .. }
            | SshError::OutputTooLarge { dest, .. }
            | SshError::Protocol { dest, .. } => dest,
        }
    }
}

/// The destination as `ssh-keygen -R` takes it, quoted for a shell when it has a port.
fn keygen_host(dest: &Destination) -> String {
    if dest.port == 22 {
        dest.host.clone()
    } else {
        format!("'[{}]:{}'", dest.host, dest.port)
    }
}

/// The command's first line, cut short enough for an error message.
fn brief(command: &str) -> String {
    const LIMIT: usize = 60;
    let first = command.lines().next().unwrap_or_default();
    if first.len() == command.len() && first.chars().count() <= LIMIT {
        return first.to_string();
    }
    let cut: String = first.chars().take(LIMIT).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(port: u16) -> Destination {
        Destination {
            user: "azureuser".to_string(),
            host: "10.0.0.4".to_string(),
            port,
        }
    }

    #[test]
    fn a_changed_host_key_names_the_line_and_the_command_that_removes_it() {
        let error = SshError::HostKeyChanged {
            dest: dest(2222),
            path: PathBuf::from("/home/me/.ssh/known_hosts"),
            line: 7,
        };
        let message = error.to_string();
        assert!(
            message.contains("line 7 of /home/me/.ssh/known_hosts"),
            "{message}"
        );
        assert!(
            message.contains("ssh-keygen -R '[10.0.0.4]:2222' -f /home/me/.ssh/known_hosts"),
            "{message}"
        );
        assert_eq!(error.kind(), ErrorKind::AccessDenied);
    }

    #[test]
    fn a_timeout_quotes_only_the_start_of_a_long_script() {
        let error = SshError::Timeout {
            dest: dest(22),
            command: format!("{}\nsecond line", "x".repeat(100)),
            after: Duration::from_secs(1),
        };
        let message = error.to_string();
        assert!(message.starts_with(&format!("`{}…` on azureuser@10.0.0.4:22", "x".repeat(60))));
        assert!(!message.contains("second line"), "{message}");
    }
}
