//! Commands on VMs over the host's pooled SSH connections (capability
//! ssh-exec). Plugins name VMs; the host holds the keys and connections.

use crate::bindings::azlin::host::remote;
use crate::bindings::azlin::host::types::{PowerState, Vm};
use crate::failure::Failure;
use crate::vms::{self, VmFilter, reference, session_name};
use crate::{Args, Opt, output};

pub use crate::bindings::azlin::host::remote::{BatchResult, ExecOptions, ExecOutput, Target};

/// One host a fleet command works on, with the names users know it by.
#[derive(Debug, Clone)]
pub struct Host {
    /// Session name, else VM name, else the address typed.
    pub label: String,
    /// The VM's name, if the host is a VM.
    pub vm: Option<String>,
    /// The address the host will connect to, when known.
    pub address: Option<String>,
    pub target: Target,
}

impl Host {
    /// The host for `vm`, labelled by its session name, else its name.
    pub fn of_vm(vm: &Vm) -> Self {
        Host {
            label: session_name(&vm.name).unwrap_or_else(|| vm.name.clone()),
            vm: Some(vm.name.clone()),
            address: vm.public_ip.clone().or_else(|| vm.private_ip.clone()),
            target: Target::Vm(reference(vm)),
        }
    }

    fn of_address(address: &str) -> Self {
        Host {
            label: address.to_string(),
            vm: None,
            address: Some(address.to_string()),
            target: Target::Address(address.to_string()),
        }
    }
}

/// The options `w`, `ps` and `top` share: `--rg`, `--vm NAME`, `--ip ADDR`.
pub fn host_options() -> Vec<Opt> {
    vec![
        Opt::value("resource-group", "NAME", "resource group").alias("rg"),
        Opt::value("vm", "NAME", "one VM, by VM name or session name"),
        Opt::value("ip", "ADDR", "one host by IP address, VM or not"),
    ]
}

/// The hosts `--ip`, `--vm` or the running VMs of the resource group name.
pub fn hosts(args: &Args) -> Result<Vec<Host>, Failure> {
    if let Some(address) = args.value("ip") {
        return Ok(vec![Host::of_address(address)]);
    }
    let group = args.value("resource-group");
    if let Some(name) = args.value("vm") {
        let vm = vms::find(name, group)?;
        return Ok(vec![Host::of_vm(&vm)]);
    }
    let filter = VmFilter {
        resource_group: group.map(str::to_string),
        all_resource_groups: false,
        include_stopped: false,
        name_pattern: None,
        tags: Vec::new(),
        refresh: false,
    };
    running(vms::list(&filter)?)
}

/// Hosts for the running VMs among `vms`, sorted by label.
pub fn running(vms: Vec<Vm>) -> Result<Vec<Host>, Failure> {
    let mut hosts: Vec<Host> = vms
        .iter()
        .filter(|vm| vm.power_state == PowerState::Running)
        .map(Host::of_vm)
        .collect();
    if hosts.is_empty() {
        return Err(Failure::new("no running VMs in scope")
            .hint("run `azlin list --all` to see them, `azlin start NAME` to start one"));
    }
    hosts.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(hosts)
}

/// Runs `command` on one host.
pub fn exec(host: &Host, command: &str, options: &ExecOptions) -> Result<ExecOutput, Failure> {
    Ok(remote::exec(&host.target, command, options)?)
}

/// A fan-out of `command` over `hosts`; iterate it for each host's result
/// as hosts finish, with the host's index. Progress is reported as it goes.
pub fn fan_out(
    hosts: &[Host],
    command: &str,
    options: &ExecOptions,
    max_workers: Option<u32>,
) -> FanOut {
    let targets: Vec<Target> = hosts.iter().map(|host| host.target.clone()).collect();
    FanOut {
        batch: remote::Batch::new(&targets, command, options, max_workers),
        labels: hosts
            .iter()
            .map(|host| (key(&host.target), host.label.clone()))
            .collect(),
        done: 0,
    }
}

/// Results of [`fan_out`], in the order hosts finish.
pub struct FanOut {
    batch: remote::Batch,
    /// Each target's key and label.
    labels: Vec<(String, String)>,
    done: u64,
}

/// A target as a comparable string (WIT types carry no `PartialEq`).
fn key(target: &Target) -> String {
    match target {
        Target::Vm(vm) => format!("vm:{}/{}", vm.resource_group, vm.name),
        Target::Address(address) => format!("ip:{address}"),
    }
}

impl Iterator for FanOut {
    /// The host's label and its outcome.
    type Item = Result<(String, Result<ExecOutput, Failure>), Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = match self.batch.next() {
            Ok(next) => next?,
            Err(error) => return Some(Err(error.into())),
        };
        self.done += 1;
        output::progress("hosts", self.done, Some(self.labels.len() as u64));
        let wanted = key(&next.target);
        let label = self
            .labels
            .iter()
            .find(|(key, _)| *key == wanted)
            .map_or(wanted.clone(), |(_, label)| label.clone());
        Some(Ok((label, next.outcome.map_err(Failure::from))))
    }
}

/// One SSH round trip to each host over its pooled connection, measured at
/// once, in microseconds; answers follow the order of `hosts`.
pub fn round_trips(hosts: &[Host], timeout_ms: Option<u32>) -> Vec<Result<u32, Failure>> {
    let targets: Vec<Target> = hosts.iter().map(|host| host.target.clone()).collect();
    remote::round_trips(&targets, timeout_ms)
        .into_iter()
        .map(|answer| answer.map_err(Failure::from))
        .collect()
}

/// `output` if the command exited 0; else a failure naming `what`, how it
/// ended and what it printed on stderr.
pub fn succeeded(what: &str, output: ExecOutput) -> Result<ExecOutput, Failure> {
    if output.exit_code == Some(0) {
        return Ok(output);
    }
    let ended = output
        .exit_code
        .map_or("killed by a signal".into(), |code| format!("exit {code}"));
    Err(Failure::new(format!(
        "`{what}` failed ({ended}): {}",
        text(&output.stderr).trim()
    )))
}

/// Text of a command's output, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Options with a per-host timeout in seconds.
pub fn timeout(seconds: Option<u32>) -> ExecOptions {
    ExecOptions {
        timeout_ms: seconds.map(|seconds| seconds.saturating_mul(1000)),
        user: None,
        stdin: None,
    }
}
