//! The destinations the SSH pool connects to; its settings are read by
//! `config` (`SshSettings`).

use std::fmt;

/// Where a connection goes; the pool keeps one connection per destination.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Destination {
    /// Login user.
    pub user: String,
    /// Name or IP address.
    pub host: String,
    /// TCP port of sshd.
    pub port: u16,
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}@[{}]:{}", self.user, self.host, self.port)
        } else {
            write!(f, "{}@{}:{}", self.user, self.host, self.port)
        }
    }
}
