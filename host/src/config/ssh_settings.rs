//! `[ssh]` in config.toml as the SSH pool takes it: how it connects,
//! authenticates and keeps connections.

use super::ConfigError;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the pool connects, authenticates and keeps connections.
#[derive(Debug, Clone)]
pub struct SshSettings {
    /// Login user when a destination names none.
    pub user: String,
    /// Private key used for every login.
    pub key: PathBuf,
    /// known_hosts file: host keys are checked against it and learned into it.
    pub known_hosts: PathBuf,
    /// Port when a destination names none.
    pub port: u16,
    /// Most time for TCP connect plus SSH handshake and login; the pool
    /// waits less once it has seen how fast hosts answer (its `ConnectLimit`).
    pub connect_timeout: Duration,
    /// Interval of SSH keepalives on a quiet connection.
    pub keepalive: Duration,
    /// An unused connection is closed after this long.
    pub idle_timeout: Duration,
    /// Most connections open at once; the least recently used idle one makes room.
    pub max_connections: usize,
}

impl SshSettings {
    /// azlin's defaults for a user whose home directory is `home`: user
    /// `azureuser`, key `~/.ssh/azlin_key` (else `id_ed25519`, else `id_rsa`).
    pub fn defaults(home: &Path) -> Self {
        let ssh_dir = home.join(".ssh");
        let key = ["azlin_key", "id_ed25519", "id_rsa"]
            .iter()
            .map(|name| ssh_dir.join(name))
            .find(|path| path.is_file())
            .unwrap_or_else(|| ssh_dir.join("azlin_key"));
        Self {
            user: "azureuser".to_string(),
            key,
            known_hosts: ssh_dir.join("known_hosts"),
            port: 22,
            connect_timeout: Duration::from_secs(10),
            keepalive: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(300),
            max_connections: 256,
        }
    }
}

impl super::Config {
    /// `[ssh]` for the user running azlin, over the defaults of their home
    /// directory; the error as the user reads it.
    pub fn ssh_for_user(&self) -> Result<SshSettings, ConfigError> {
        let home = dirs::home_dir().ok_or(ConfigError::NoHomeForSsh)?;
        self.ssh(&home)
    }
}
