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
    spares: Vec<String>,
}

impl SshdSetup {
    /// Starts `hosts` sshd processes for existing VMs and `spares` more for
    /// VMs yet to be created; with a non-zero `one_way` delay each is
    /// reached through a [`DelayProxy`] on a spare address of the fleet's
    /// block. The client files name `resource_group` as azlin's default.
    pub fn start(
        hosts: usize,
        spares: usize,
        one_way: Duration,
        resource_group: &str,
    ) -> Result<SshdSetup, SshdError> {
        let fleet = Fleet::try_start(hosts + spares)?;
        let proxies = if one_way.is_zero() {
            Vec::new()
        } else {
            (0..hosts + spares)
                .map(|i| {
                    let listen = IpAddr::V4(fleet.spare_ip(i));
                    DelayProxy::try_start(fleet.socket_address(i), listen, one_way)
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let mut addresses = if proxies.is_empty() {
            fleet.addresses()
        } else {
            proxies
                .iter()
                .map(|proxy| proxy.address().ip().to_string())
                .collect()
        };
        let user = process::user()?;
        let files = ClientFiles::write(&fleet, &addresses, hosts, &user, resource_group)?;
        let spares = addresses.split_off(hosts);
        Ok(SshdSetup {
            files,
            _proxies: proxies,
            fleet,
            addresses,
            spares,
        })
    }

    /// Where clients reach each host for an existing VM, in order: its sshd or its proxy.
    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }

    /// Where clients reach each spare host, for VMs created later
    /// (`Options::spare_addresses`).
    pub fn spares(&self) -> &[String] {
        &self.spares
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Needs root and sshd, like every test that starts a fleet: it fails
    /// (rather than passing unseen) where they are missing.
    #[test]
    fn spare_hosts_are_known_but_not_listed() {
        let setup =
            SshdSetup::start(1, 1, Duration::ZERO, "rg-0").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(setup.addresses().len(), 1);
        assert_eq!(setup.spares().len(), 1);
        let known = std::fs::read_to_string(setup.files().known_hosts()).expect("known_hosts");
        for address in setup.addresses().iter().chain(setup.spares()) {
            assert!(
                known.contains(&format!("{address} ssh-ed25519 ")),
                "{known}"
            );
        }
        let hosts = std::fs::read_to_string(setup.files().hosts()).expect("hosts");
        assert_eq!(hosts, format!("{}\n", setup.addresses()[0]));
        let keys = std::fs::read_to_string(setup.fleet().authorized_keys()).expect("keys");
        assert!(keys.starts_with("ssh-ed25519 "), "{keys}");
        let spare: std::net::SocketAddr = format!("{}:22", setup.spares()[0])
            .parse()
            .expect("an address");
        assert!(
            std::net::TcpStream::connect(spare).is_ok(),
            "the spare sshd listens"
        );
    }
}
