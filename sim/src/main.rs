//! `azlin-sim`: serve a simulated Azure subscription on loopback and print
//! the environment that points azlin at it; with `--sshd`, also start a real
//! sshd for the running VMs to point at, and print how to log in to them;
//! spare sshds (`--sshd-spare`) await VMs a client creates, whose SSH keys
//! are added to the sshds' authorized_keys.

use std::time::Duration;

use anyhow::Context;
use azlin_sim::sshd::SshdSetup;
use azlin_sim::{Options, Sim, is_running, vms_for_running};
use clap::Parser;
use tokio::signal::unix::{SignalKind, signal};

/// `--sshd` without a number: every running VM, up to this many.
const SSHD_DEFAULT_MOST: usize = 100;

/// Simulated Azure (ARM + token endpoint) for azlin's tests, benchmarks and demo.
#[derive(Debug, Parser)]
#[command(name = "azlin-sim", version)]
struct Args {
    /// Number of VMs, spread over resource groups (see --group-size)
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    vms: u64,
    /// VMs per resource group: rg-0 holds the first this-many
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u64).range(1..))]
    group_size: u64,
    /// Items per page of a list
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    page_size: u64,
    /// Latency added to every ARM request, in milliseconds
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The first N ARM requests answer 429 Too Many Requests
    #[arg(long, default_value_t = 0)]
    throttle: u64,
    /// Seconds in the 429's Retry-After
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// Fraction of ARM requests answering 500, 0.0 to 1.0
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Start a real OpenSSH sshd (127.x.y.z port 22) for each of the first N
    /// running VMs and point those VMs at it; without N, every running VM up
    /// to 100, and --sshd-spare more for VMs a client creates. Needs root and openssh-server. Prints AZLIN_CONFIG_DIR (an
    /// azlin config whose [ssh] logs in to them), AZLIN_SIM_SSH_CONFIG (the
    /// same for `ssh -F`) and AZLIN_SIM_SSH_HOSTS (their addresses)
    #[arg(long, value_name = "N", num_args = 0..=1,
          value_parser = clap::value_parser!(u64).range(1..=120))]
    sshd: Option<Option<u64>>,
    /// With --sshd: further sshd processes for VMs created by PUT, which
    /// take their addresses in order (then synthesised 10.x ones); the keys
    /// such a VM names are added to every sshd's authorized_keys
    #[arg(long, value_name = "N", default_value_t = 2, requires = "sshd",
          value_parser = clap::value_parser!(u64).range(0..=20))]
    sshd_spare: u64,
    /// With --sshd: delay added each way between clients and every sshd, in
    /// milliseconds, through a proxy (the round trip gains twice this)
    #[arg(long, default_value_t = 0, requires = "sshd")]
    ssh_delay_ms: u64,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.fail_rate),
        "--fail-rate must be between 0.0 and 1.0"
    );
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let vms = args.vms as usize;
    let group_size = args.group_size as usize;
    let hosts = sshd_hosts(args.sshd, vms)?;
    let one_way = Duration::from_millis(args.ssh_delay_ms);
    let spares = args.sshd_spare as usize;
    anyhow::ensure!(
        hosts + spares <= azlin_sim::sshd::fleet::MAX_HOSTS,
        "--sshd {hosts} with --sshd-spare {spares} asks for more than {} sshd processes",
        azlin_sim::sshd::fleet::MAX_HOSTS
    );
    let ssh = if hosts == 0 {
        None
    } else {
        let start = move || SshdSetup::start(hosts, spares, one_way, "rg-0");
        let setup = tokio::task::spawn_blocking(start)
            .await?
            .context("start the sshd fleet (--sshd)")?;
        Some(setup)
    };
    let options = Options {
        vms,
        group_size,
        page_size: args.page_size as usize,
        latency: Duration::from_millis(args.latency_ms),
        throttle: args.throttle,
        retry_after: args.retry_after,
        fail_rate: args.fail_rate,
        running_addresses: ssh
            .as_ref()
            .map(|ssh| ssh.addresses().to_vec())
            .unwrap_or_default(),
        spare_addresses: ssh
            .as_ref()
            .map(|ssh| ssh.spares().to_vec())
            .unwrap_or_default(),
        authorized_keys: ssh.as_ref().map(|ssh| ssh.fleet().authorized_keys()),
        ..Options::default()
    };
    let sim = Sim::start(options, args.port).await?;
    let mut environment = ssh.as_ref().map(SshdSetup::environment).unwrap_or_default();
    environment.extend(sim.environment());
    // One write, so a reader waiting for the last line sees all of them.
    let lines: String = environment
        .iter()
        .map(|(name, value)| format!("{name}={value}\n"))
        .collect();
    print!("{lines}");
    eprintln!(
        "azlin-sim: serving {vms} VMs at {url} (request counts: {url}/_sim/stats)",
        url = sim.url()
    );
    if let Some(ssh) = &ssh {
        eprintln!("{}", describe(ssh, group_size, one_way));
    }
    tokio::select! {
        signalled = tokio::signal::ctrl_c() => signalled?,
        _ = terminate.recv() => {}
        _ = hangup.recv() => {}
    }
    drop(sim);
    drop(ssh);
    Ok(())
}

/// How many sshd processes `--sshd` asks for among `vms` VMs.
fn sshd_hosts(asked: Option<Option<u64>>, vms: usize) -> anyhow::Result<usize> {
    let running = (0..vms).filter(|&index| is_running(index)).count();
    match asked {
        None => Ok(0),
        Some(None) => Ok(running.min(SSHD_DEFAULT_MOST)),
        Some(Some(n)) if n as usize <= running => Ok(n as usize),
        Some(Some(n)) => anyhow::bail!(
            "--sshd {n} needs {n} running VMs, but {vms} VMs hold {running}: pass --vms {} or more",
            vms_for_running(n as usize)
        ),
    }
}

/// The stderr line saying which VMs reach an sshd, and how.
fn describe(ssh: &SshdSetup, group_size: usize, one_way: Duration) -> String {
    let indices: Vec<usize> = (0..)
        .filter(|&index| is_running(index))
        .take(ssh.addresses().len())
        .collect();
    let (first, last) = (indices[0], indices[indices.len() - 1]);
    let groups = if last / group_size == 0 {
        "rg-0".to_string()
    } else {
        format!("rg-0 … rg-{}", last / group_size)
    };
    let delay = if one_way.is_zero() {
        String::new()
    } else {
        format!(", {} ms added each way", one_way.as_millis())
    };
    let spares = match ssh.spares() {
        [] => String::new(),
        spares => format!("; {} spare for created VMs ({} …)", spares.len(), spares[0]),
    };
    format!(
        "azlin-sim: {n} sshd processes for the running VMs vm-{first:04} … vm-{last:04} in {groups} \
         ({from} …{delay}){spares}; azlin logs in with [ssh] of $AZLIN_CONFIG_DIR/config.toml, \
         OpenSSH with ssh -F $AZLIN_SIM_SSH_CONFIG",
        n = ssh.addresses().len(),
        from = ssh.addresses()[0],
    )
}
