//! A fleet of real OpenSSH `sshd` processes on loopback addresses, port 22, so
//! the SSH pool is tested against the server it will meet on a VM.

use std::fs::{self, OpenOptions};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Where Debian's `openssh-server` puts the daemon.
const SSHD: &str = "/usr/sbin/sshd";

/// How long an sshd may take to start listening before the test gives up.
const START_DEADLINE: Duration = Duration::from_secs(10);

/// Fleets started by this process so far; picks each fleet's address block.
static FLEETS: AtomicU32 = AtomicU32::new(0);

/// The most hosts one fleet holds: 127.A.B.2 … .121; .130 … are spare.
const MAX_HOSTS: usize = 120;

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
    pub fn start(n: usize) -> Fleet {
        assert!(n <= MAX_HOSTS, "a fleet holds at most {MAX_HOSTS} hosts");
        preflight();
        let dir = tempfile::tempdir().expect("create the fleet's temp dir");
        let client_key = dir.path().join("client_key");
        keygen(&client_key);
        fs::copy(
            client_key.with_extension("pub"),
            dir.path().join("authorized_keys"),
        )
        .expect("write authorized_keys");
        let block = free_block(n);
        let mut fleet = Fleet {
            dir,
            block,
            hosts: Vec::with_capacity(n),
        };
        for i in 0..n {
            let host_dir = fleet.dir.path().join(format!("host{i}"));
            fs::create_dir(&host_dir).expect("create a host dir");
            keygen(&host_dir.join("host_key"));
            fleet.hosts.push(Host {
                ip: fleet.ip(2 + i),
                dir: host_dir,
                child: None,
            });
            fleet.write_config(i);
            fleet.launch(i);
        }
        for i in 0..n {
            fleet.wait_ready(i);
        }
        fleet
    }

    /// The user the fleet accepts: whoever runs the tests (root).
    pub fn user() -> String {
        command_output("id", &["-un"])
    }

    /// Each host's IP address, in order.
    pub fn addresses(&self) -> Vec<String> {
        self.hosts.iter().map(|host| host.ip.to_string()).collect()
    }

    /// The private key every host accepts.
    pub fn client_key(&self) -> PathBuf {
        self.dir.path().join("client_key")
    }

    /// A fresh private key that no host accepts.
    pub fn stranger_key(&self) -> PathBuf {
        let path = self.dir.path().join("stranger_key");
        if !path.exists() {
            keygen(&path);
        }
        path
    }

    /// Host `i`'s public key as a `known_hosts` would hold it: `ssh-ed25519 AAAA…`.
    pub fn host_public_key(&self, i: usize) -> String {
        let line = fs::read_to_string(self.hosts[i].dir.join("host_key.pub"))
            .expect("read the host's public key");
        line.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// An address in this fleet's block that no sshd uses, for proxies in front of it.
    pub fn spare_ip(&self, i: usize) -> Ipv4Addr {
        assert!(i < 256 - 130, "no spare address {i}");
        self.ip(130 + i)
    }

    /// Kills host `i`'s sshd, its open sessions and their commands: the
    /// address refuses connections.
    pub fn stop(&mut self, i: usize) {
        let Some(mut child) = self.hosts[i].child.take() else {
            return;
        };
        // Per-connection sshds run in sessions of their own: kill them by pid.
        let sessions = descendants(child.id());
        if !sessions.is_empty() {
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(sessions.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Stops host `i` (if running) and starts it again with the same host key.
    pub fn restart(&mut self, i: usize) {
        self.stop(i);
        self.launch(i);
        self.wait_ready(i);
    }

    /// Gives host `i` a new host key and restarts it, as a rebuilt VM would.
    pub fn replace_host_key(&mut self, i: usize) {
        self.stop(i);
        let key = self.hosts[i].dir.join("host_key");
        fs::remove_file(&key).expect("remove the old host key");
        fs::remove_file(key.with_extension("pub")).expect("remove the old host key");
        keygen(&key);
        self.launch(i);
        self.wait_ready(i);
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

    fn log_path(&self, i: usize) -> PathBuf {
        self.hosts[i].dir.join("sshd.log")
    }

    fn write_config(&self, i: usize) {
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
             SetEnv SHLVL=1\n\
             MaxStartups 200\n\
             MaxSessions 100\n\
             LogLevel VERBOSE\n\
             PrintMotd no\n",
            ip = host.ip,
            dir = host.dir.display(),
            keys = self.dir.path().join("authorized_keys").display(),
        );
        fs::write(host.dir.join("sshd_config"), config).expect("write sshd_config");
    }

    fn launch(&mut self, i: usize) {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path(i))
            .expect("open the sshd log");
        let host = &mut self.hosts[i];
        let _ = fs::remove_file(host.dir.join("sshd.pid"));
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(host.dir.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("start {SSHD}: {error}"));
        host.child = Some(child);
    }

    /// Polls until sshd has written its PidFile (after binding) and accepts a
    /// TCP connection; fails at once if it exited.
    fn wait_ready(&mut self, i: usize) {
        let started = Instant::now();
        let address = SocketAddr::from((self.hosts[i].ip, 22));
        let pid_file = self.hosts[i].dir.join("sshd.pid");
        loop {
            let child = self.hosts[i].child.as_mut().expect("a launched sshd");
            if let Some(status) = child.try_wait().expect("poll sshd") {
                panic!("sshd on {address} exited ({status}):\n{}", self.log(i));
            }
            if pid_file.exists()
                && TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
            {
                return;
            }
            assert!(
                started.elapsed() < START_DEADLINE,
                "sshd on {address} did not listen within {START_DEADLINE:?}:\n{}",
                self.log(i)
            );
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

/// Fails with the fix when this machine cannot run a fleet.
fn preflight() {
    assert!(
        Path::new(SSHD).is_file(),
        "{SSHD} is missing: run scripts/setup (it installs openssh-server)"
    );
    assert!(
        command_output("id", &["-u"]) == "0",
        "the sshd fleet binds port 22 on 127.x addresses: run the tests as root"
    );
    fs::create_dir_all("/run/sshd").expect("create /run/sshd (sshd's privilege separation dir)");
}

/// An address block 127.A.B.* for a new fleet: unique among this process's
/// fleets, mixed with the pid across processes, and skipped if anything
/// (say, an sshd left over from a killed run) already answers there.
fn free_block(n: usize) -> [u8; 2] {
    let pid = std::process::id();
    loop {
        let sequence = FLEETS.fetch_add(1, Ordering::Relaxed);
        let a = 1 + (pid % 250) as u8;
        let b = (sequence % 256) as u8;
        let taken = (0..n).any(|i| {
            let ip = Ipv4Addr::new(127, a, b, 2 + i as u8);
            TcpStream::connect_timeout(&SocketAddr::from((ip, 22)), Duration::from_millis(200))
                .is_ok()
        });
        if !taken {
            return [a, b];
        }
        assert!(sequence < 1024, "no free 127.x address block for a fleet");
    }
}

/// Writes a new passphrase-less ed25519 key pair: `path` and `path.pub`.
fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "azlin-test", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .expect("run ssh-keygen (openssh-client)");
    assert!(status.success(), "ssh-keygen failed for {}", path.display());
}

/// Every process below `pid`: sshd's per-connection children and what they run.
fn descendants(pid: u32) -> Vec<u32> {
    let parents = parent_table();
    let mut found = vec![pid];
    let mut next = 0;
    while next < found.len() {
        let parent = found[next];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        next += 1;
    }
    found.remove(0);
    found
}

/// (pid, parent pid) of every process.
fn parent_table() -> Vec<(u32, u32)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid = entry.ok()?.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // Fields after the parenthesised command name: state, ppid, …
            let (_, rest) = stat.rsplit_once(')')?;
            let parent = rest.split_whitespace().nth(1)?.parse::<u32>().ok()?;
            Some((pid, parent))
        })
        .collect()
}

fn command_output(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("run {program}: {error}"));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}
