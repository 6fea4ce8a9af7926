//! A fleet of real OpenSSH `sshd` processes on loopback addresses, port 22,
//! so the SSH pool meets the server it will meet on a VM.

use std::fs::{self, OpenOptions};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::{SshdError, process};

pub use super::process::KeyType;

/// Where Debian's `openssh-server` puts the daemon.
pub const SSHD: &str = "/usr/sbin/sshd";

/// The most hosts one fleet holds: 127.A.B.2 … .121; .130 … are spare.
pub const MAX_HOSTS: usize = 120;

/// How long an sshd may take to start listening before the start fails.
const START_DEADLINE: Duration = Duration::from_secs(10);

/// Fleets started by this process so far; picks each fleet's address block.
static FLEETS: AtomicU32 = AtomicU32::new(0);

/// Real sshd processes, one per loopback address, sharing one client key.
/// Dropping the fleet kills every sshd and its sessions.
#[derive(Debug)]
pub struct Fleet {
    dir: tempfile::TempDir,
    block: [u8; 2],
    hosts: Vec<Host>,
}

/// One sshd: its address, files and process.
#[derive(Debug)]
struct Host {
    ip: Ipv4Addr,
    dir: PathBuf,
    child: Option<Child>,
}

impl Fleet {
    /// Starts `n` sshd processes and waits until each accepts connections.
    ///
    /// # Panics
    /// With [`Fleet::try_start`]'s error: a convenience for tests.
    pub fn start(n: usize) -> Fleet {
        Fleet::try_start(n).unwrap_or_else(|error| panic!("{error}"))
    }

    /// Starts `n` sshd processes and waits until each accepts connections;
    /// fails if this machine cannot run them (no sshd, not root) or one of
    /// them does not come up.
    pub fn try_start(n: usize) -> Result<Fleet, SshdError> {
        if n > MAX_HOSTS {
            return Err(SshdError::TooManyHosts {
                asked: n,
                most: MAX_HOSTS,
            });
        }
        Fleet::preflight()?;
        let dir = tempfile::Builder::new()
            .prefix("azlin-sshd-")
            .tempdir()
            .map_err(SshdError::io("create the fleet's temp dir"))?;
        let client_key = dir.path().join("client_key");
        process::keygen(&client_key)?;
        fs::copy(
            client_key.with_extension("pub"),
            dir.path().join("authorized_keys"),
        )
        .map_err(SshdError::io("write authorized_keys"))?;
        let block = free_block(n)?;
        let mut fleet = Fleet {
            dir,
            block,
            hosts: Vec::with_capacity(n),
        };
        for i in 0..n {
            let host_dir = fleet.dir.path().join(format!("host{i}"));
            fs::create_dir(&host_dir).map_err(SshdError::io("create a host dir"))?;
            process::keygen(&host_dir.join("host_key"))?;
            fleet.hosts.push(Host {
                ip: fleet.ip(2 + i),
                dir: host_dir,
                child: None,
            });
            fleet.write_config(i)?;
            fleet.launch(i)?;
        }
        for i in 0..n {
            fleet.wait_ready(i)?;
        }
        Ok(fleet)
    }

    /// Fails with the fix when this machine cannot run a fleet: no sshd at
    /// [`SSHD`], or not root.
    pub fn preflight() -> Result<(), SshdError> {
        if !Path::new(SSHD).is_file() {
            return Err(SshdError::SshdMissing { path: SSHD.into() });
        }
        if !process::is_root() {
            return Err(SshdError::NotRoot);
        }
        fs::create_dir_all("/run/sshd").map_err(SshdError::io(
            "create /run/sshd (sshd's privilege separation dir)",
        ))
    }

    /// The user the fleet accepts: whoever runs it (root).
    ///
    /// # Panics
    /// If `id -un` cannot run.
    pub fn user() -> String {
        process::user().unwrap_or_else(|error| panic!("{error}"))
    }

    /// Each host's IP address, in order.
    pub fn addresses(&self) -> Vec<String> {
        self.hosts.iter().map(|host| host.ip.to_string()).collect()
    }

    /// Host `i`'s sshd: its address and port 22.
    pub fn socket_address(&self, i: usize) -> SocketAddr {
        SocketAddr::from((self.hosts[i].ip, 22))
    }

    /// The `authorized_keys` every host reads (at each login), holding the
    /// client key; append a key to let it log in too.
    pub fn authorized_keys(&self) -> PathBuf {
        self.dir.path().join("authorized_keys")
    }

    /// The private key every host accepts.
    pub fn client_key(&self) -> PathBuf {
        self.dir.path().join("client_key")
    }

    /// A fresh private key that no host accepts.
    ///
    /// # Panics
    /// If `ssh-keygen` fails.
    pub fn stranger_key(&self) -> PathBuf {
        let path = self.dir.path().join("stranger_key");
        if !path.exists() {
            process::keygen(&path).unwrap_or_else(|error| panic!("{error}"));
        }
        path
    }

    /// Host `i`'s public key as a `known_hosts` would hold it: `ssh-ed25519 AAAA…`
    /// (or the type [`Fleet::replace_host_key_with`] gave it).
    ///
    /// # Panics
    /// If the key file cannot be read.
    pub fn host_public_key(&self, i: usize) -> String {
        self.read_host_public_key(i)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// [`Fleet::host_public_key`], with the error.
    pub(crate) fn read_host_public_key(&self, i: usize) -> Result<String, SshdError> {
        let line = fs::read_to_string(self.hosts[i].dir.join("host_key.pub"))
            .map_err(SshdError::io("read a host's public key"))?;
        Ok(line
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" "))
    }

    /// An address in this fleet's block that no sshd uses, for proxies in front of it.
    ///
    /// # Panics
    /// Past the block's end (`i` ≥ 126).
    pub fn spare_ip(&self, i: usize) -> Ipv4Addr {
        assert!(i < 256 - 130, "no spare address {i}");
        self.ip(130 + i)
    }

    /// The process ids of the listening sshds (their sessions are their descendants).
    pub fn pids(&self) -> Vec<u32> {
        self.hosts
            .iter()
            .filter_map(|host| host.child.as_ref().map(Child::id))
            .collect()
    }

    /// Kills host `i`'s sshd, its open sessions and their commands: the
    /// address refuses connections. Its tmux server (each host has its own,
    /// under `TMUX_TMPDIR` in the host's directory) is ended too: it left
    /// the session's process tree when it started.
    pub fn stop(&mut self, i: usize) {
        process::end_tmux(&self.hosts[i].dir);
        let Some(mut child) = self.hosts[i].child.take() else {
            return;
        };
        // Per-connection sshds run in sessions of their own: kill them by pid.
        process::kill(&process::descendants(child.id()));
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Cuts every connection host `i` serves, as a network drop would,
    /// while its sshd keeps listening and its tmux sessions live on.
    pub fn drop_connections(&self, i: usize) {
        if let Some(child) = &self.hosts[i].child {
            process::kill(&process::descendants(child.id()));
        }
    }

    /// Stops host `i` (if running) and starts it again with the same host key.
    ///
    /// # Panics
    /// If it does not come back.
    pub fn restart(&mut self, i: usize) {
        self.stop(i);
        self.relaunch(i).unwrap_or_else(|error| panic!("{error}"));
    }

    /// Gives host `i` a new host key and restarts it, as a rebuilt VM would.
    ///
    /// # Panics
    /// If the key cannot be replaced or the host does not come back.
    pub fn replace_host_key(&mut self, i: usize) {
        self.replace_host_key_with(i, KeyType::Ed25519);
    }

    /// Gives host `i` a new host key of type `kind`, its only one, and
    /// restarts it: a man in the middle offering a key of another type.
    ///
    /// # Panics
    /// If the key cannot be replaced or the host does not come back.
    pub fn replace_host_key_with(&mut self, i: usize, kind: KeyType) {
        self.stop(i);
        let key = self.hosts[i].dir.join("host_key");
        let replaced = fs::remove_file(&key)
            .and_then(|()| fs::remove_file(key.with_extension("pub")))
            .map_err(SshdError::io("remove the old host key"))
            .and_then(|()| process::keygen_of(kind, &key))
            .and_then(|()| self.relaunch(i));
        replaced.unwrap_or_else(|error| panic!("{error}"));
    }

    /// Everything host `i`'s sshd logged (LogLevel VERBOSE), across restarts.
    pub fn log(&self, i: usize) -> String {
        fs::read_to_string(self.log_path(i)).unwrap_or_default()
    }

    /// How many logins host `i` accepted: one per SSH connection.
    pub fn accepted_connections(&self, i: usize) -> usize {
        self.log(i).matches("Accepted publickey").count()
    }

    fn ip(&self, last: usize) -> Ipv4Addr {
        let last = u8::try_from(last).expect("an address byte");
        Ipv4Addr::new(127, self.block[0], self.block[1], last)
    }

    /// Where host `i`'s SFTP sessions start (relative paths land here, not
    /// in the real home of the user the fleet logs in as).
    pub fn sftp_home(&self, i: usize) -> PathBuf {
        self.hosts[i].dir.join("home")
    }

    fn log_path(&self, i: usize) -> PathBuf {
        self.hosts[i].dir.join("sshd.log")
    }

    fn write_config(&self, i: usize) -> Result<(), SshdError> {
        let host = &self.hosts[i];
        let config = format!(
            "ListenAddress {ip}:22\n\
             HostKey {dir}/host_key\n\
             PidFile {dir}/sshd.pid\n\
             AuthorizedKeysFile {keys}\n\
             PasswordAuthentication no\n\
             KbdInteractiveAuthentication no\n\
             UsePAM no\n\
             StrictModes no\n\
             PermitRootLogin prohibit-password\n\
             SetEnv SHLVL=1 TMUX_TMPDIR={dir}\n\
             MaxStartups 200\n\
             MaxSessions 100\n\
             LogLevel VERBOSE\n\
             PrintMotd no\n\
             Subsystem sftp internal-sftp -d {dir}/home\n",
            ip = host.ip,
            dir = host.dir.display(),
            keys = self.dir.path().join("authorized_keys").display(),
        );
        fs::create_dir_all(host.dir.join("home")).map_err(SshdError::io("make the SFTP home"))?;
        fs::write(host.dir.join("sshd_config"), config).map_err(SshdError::io("write sshd_config"))
    }

    fn relaunch(&mut self, i: usize) -> Result<(), SshdError> {
        self.launch(i)?;
        self.wait_ready(i)
    }

    fn launch(&mut self, i: usize) -> Result<(), SshdError> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path(i))
            .map_err(SshdError::io("open the sshd log"))?;
        let host = &mut self.hosts[i];
        let _ = fs::remove_file(host.dir.join("sshd.pid"));
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(host.dir.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(SshdError::io(format!("start {SSHD}")))?;
        host.child = Some(child);
        Ok(())
    }

    /// Polls until sshd has written its PidFile (after binding) and accepts a
    /// TCP connection; fails at once if it exited.
    fn wait_ready(&mut self, i: usize) -> Result<(), SshdError> {
        let started = Instant::now();
        let address = self.socket_address(i);
        let pid_file = self.hosts[i].dir.join("sshd.pid");
        loop {
            let child = self.hosts[i].child.as_mut().expect("a launched sshd");
            if let Some(status) = child.try_wait().map_err(SshdError::io("poll sshd"))? {
                self.hosts[i].child = None;
                return Err(SshdError::Exited {
                    address,
                    status,
                    log: self.log(i),
                });
            }
            if pid_file.exists()
                && TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
            {
                return Ok(());
            }
            if started.elapsed() >= START_DEADLINE {
                return Err(SshdError::NotListening {
                    address,
                    after: START_DEADLINE,
                    log: self.log(i),
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for i in 0..self.hosts.len() {
            self.stop(i);
        }
    }
}

/// An address block 127.A.B.* for a new fleet: unique among this process's
/// fleets, mixed with the pid across processes, and skipped if anything
/// (say, an sshd left over from a killed run) already answers there.
fn free_block(n: usize) -> Result<[u8; 2], SshdError> {
    let pid = std::process::id();
    loop {
        let sequence = FLEETS.fetch_add(1, Ordering::Relaxed);
        if sequence >= 1024 {
            return Err(SshdError::NoFreeBlock { hosts: n });
        }
        let a = 1 + (pid % 250) as u8;
        let b = (sequence % 256) as u8;
        let taken = (0..n).any(|i| {
            let ip = Ipv4Addr::new(127, a, b, 2 + i as u8);
            TcpStream::connect_timeout(&SocketAddr::from((ip, 22)), Duration::from_millis(200))
                .is_ok()
        });
        if !taken {
            return Ok([a, b]);
        }
    }
}
