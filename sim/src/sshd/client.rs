//! The client side of a fleet, written to files: an azlin config dir whose
//! `[ssh]` reaches the fleet, and the same settings for OpenSSH clients
//! (`ssh -F`), with a known_hosts that already holds every host key.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Fleet, SshdError};

/// Files that let azlin and OpenSSH-based tools log in to a fleet alike.
#[derive(Debug)]
pub struct ClientFiles {
    dir: tempfile::TempDir,
}

impl ClientFiles {
    /// Writes the files for `fleet` as reached at `addresses` (host `i` at
    /// `addresses[i]`: the sshd itself or a proxy in front of it), logging
    /// in as `user` with the fleet's client key. known_hosts holds every
    /// address; the hosts file only the first `listed` (the spares after
    /// them await created VMs). azlin's config names `resource_group` as
    /// the default, where the fleet's VMs are.
    pub fn write(
        fleet: &Fleet,
        addresses: &[String],
        listed: usize,
        user: &str,
        resource_group: &str,
    ) -> Result<ClientFiles, SshdError> {
        let dir = tempfile::Builder::new()
            .prefix("azlin-sim-ssh-")
            .tempdir()
            .map_err(SshdError::io("create the client files' temp dir"))?;
        let files = ClientFiles { dir };
        let key = fleet.client_key();
        let mut known_hosts = String::new();
        for (i, address) in addresses.iter().enumerate() {
            known_hosts.push_str(&format!("{address} {}\n", fleet.read_host_public_key(i)?));
        }
        write(&files.known_hosts(), &known_hosts)?;
        let listed = &addresses[..listed.min(addresses.len())];
        write(&files.hosts(), &(listed.join("\n") + "\n"))?;
        write(
            &files.ssh_config(),
            &format!(
                "# Written by azlin-sim: the same login as azlin's [ssh] (ssh -F this-file).\n\
                 Host *\n\
                 \x20   User {user}\n\
                 \x20   Port 22\n\
                 \x20   IdentityFile {key}\n\
                 \x20   IdentitiesOnly yes\n\
                 \x20   UserKnownHostsFile {known_hosts}\n\
                 \x20   GlobalKnownHostsFile /dev/null\n\
                 \x20   StrictHostKeyChecking accept-new\n\
                 \x20   UpdateHostKeys no\n\
                 \x20   BatchMode yes\n\
                 \x20   ConnectTimeout 10\n\
                 \x20   LogLevel ERROR\n",
                key = key.display(),
                known_hosts = files.known_hosts().display(),
            ),
        )?;
        fs::create_dir(files.config_dir()).map_err(SshdError::io("create the azlin config dir"))?;
        write(
            &files.config_dir().join("config.toml"),
            &format!(
                "# Written by azlin-sim: log in to the simulated VMs' real sshd processes.\n\
                 default_resource_group = {group}\n\n\
                 [ssh]\n\
                 user = {user}\n\
                 key = {key}\n\
                 known_hosts = {known_hosts}\n",
                group = toml_string(resource_group),
                user = toml_string(user),
                key = toml_string(&key.display().to_string()),
                known_hosts = toml_string(&files.known_hosts().display().to_string()),
            ),
        )?;
        Ok(files)
    }

    /// An azlin config dir (for `AZLIN_CONFIG_DIR`) holding `config.toml`.
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("azlin")
    }

    /// OpenSSH client settings with the same user, key and known_hosts.
    pub fn ssh_config(&self) -> PathBuf {
        self.dir.path().join("ssh_config")
    }

    /// Every host's address and key, one `address key` line each.
    pub fn known_hosts(&self) -> PathBuf {
        self.dir.path().join("known_hosts")
    }

    /// The hosts' addresses, one a line (for `parallel-ssh -h`, `pdsh -w ^FILE`).
    pub fn hosts(&self) -> PathBuf {
        self.dir.path().join("hosts")
    }
}

fn write(path: &Path, text: &str) -> Result<(), SshdError> {
    fs::write(path, text).map_err(SshdError::io(format!("write {}", path.display())))
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
