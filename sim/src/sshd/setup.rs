//! What `azlin-sim --sshd` starts: a fleet of sshd processes, a delay proxy
//! in front of each when asked, and the client files that reach them.

use std::net::IpAddr;
use std::time::Duration;

use super::{ClientFiles, DelayProxy, Fleet, SshdError, process};

/// A running fleet as clients see it; dropping it stops everything.
#[derive(Debug)]
pub struct SshdSetup {
    // Field order is drop order: the files, then the proxies, then the sshds.
    files: ClientFiles,
    _proxies: Vec<DelayProxy>,
    fleet: Fleet,
    addresses: Vec<String>,
}

impl SshdSetup {
    /// Starts `hosts` sshd processes; with a non-zero `one_way` delay each is
    /// reached through a [`DelayProxy`] on a spare address of the fleet's
    /// block. The client files name `resource_group` as azlin's default.
    pub fn start(
        hosts: usize,
        one_way: Duration,
        resource_group: &str,
    ) -> Result<SshdSetup, SshdError> {
        let fleet = Fleet::try_start(hosts)?;
        let proxies = if one_way.is_zero() {
            Vec::new()
        } else {
            (0..hosts)
                .map(|i| {
                    let listen = IpAddr::V4(fleet.spare_ip(i));
                    DelayProxy::try_start(fleet.socket_address(i), listen, one_way)
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let addresses = if proxies.is_empty() {
            fleet.addresses()
        } else {
            proxies
                .iter()
                .map(|proxy| proxy.address().ip().to_string())
                .collect()
        };
        let files = ClientFiles::write(&fleet, &addresses, &process::user()?, resource_group)?;
        Ok(SshdSetup {
            files,
            _proxies: proxies,
            fleet,
            addresses,
        })
    }

    /// Where clients reach each host, in order: its sshd or its proxy.
    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }

    /// The sshd processes.
    pub fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// The client files.
    pub fn files(&self) -> &ClientFiles {
        &self.files
    }

    /// Environment assignments for clients: `AZLIN_CONFIG_DIR` (azlin's
    /// `[ssh]`), `AZLIN_SIM_SSH_CONFIG` (the same for `ssh -F`) and
    /// `AZLIN_SIM_SSH_HOSTS` (the addresses, one a line).
    pub fn environment(&self) -> Vec<(String, String)> {
        let path = |path: std::path::PathBuf| path.display().to_string();
        vec![
            ("AZLIN_CONFIG_DIR".into(), path(self.files.config_dir())),
            ("AZLIN_SIM_SSH_CONFIG".into(), path(self.files.ssh_config())),
            ("AZLIN_SIM_SSH_HOSTS".into(), path(self.files.hosts())),
        ]
    }
}
