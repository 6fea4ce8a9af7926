//! The columns `list` reads from the VMs themselves: one pooled exec per
//! running VM, all at once, and round trips for `--with-latency`. A VM that
//! cannot be reached gets one warning and empty cells, never a failed list.

use crate::probe::{self, Reading, Wanted};
use azlin_sdk::bindings::azlin::host::types::{PowerState, Vm};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, Host};

/// Per-VM time limit of the probe, connecting included: a column is not
/// worth waiting longer for (existing azlin's `top` gives a VM 5 s too).
const PROBE_TIMEOUT_MS: u32 = 5_000;

/// Warnings given one per VM; past that many, the rest are counted in one.
const WARNED_EACH: usize = 10;

/// What was learned about one VM.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// The probe's reading; `None` if the VM was not probed or did not answer.
    pub reading: Option<Reading>,
    /// One SSH round trip, in microseconds.
    pub latency_us: Option<u32>,
}

/// Readings of the running VMs among `vms`, in the order of `vms`.
pub fn gather(vms: &[&Vm], wanted: Wanted, latency: bool) -> Vec<Extra> {
    let mut extras = vec![Extra::default(); vms.len()];
    if !wanted.any() && !latency {
        return extras;
    }
    let mut warnings = Vec::new();
    let running: Vec<(usize, Host)> = vms
        .iter()
        .enumerate()
        .filter(|(_, vm)| vm.power_state == PowerState::Running)
        .map(|(index, vm)| {
            let host = Host {
                label: index.to_string(),
                ..Host::of_vm(vm)
            };
            (index, host)
        })
        .collect();
    if running.is_empty() {
        return extras;
    }
    let mut answered: Vec<(usize, Host)> = running.clone();
    if wanted.any() {
        answered = probe_all(vms, &running, wanted, &mut extras, &mut warnings);
    }
    if latency && !answered.is_empty() {
        let hosts: Vec<Host> = answered.iter().map(|(_, host)| host.clone()).collect();
        let trips = fleet::round_trips(&hosts, Some(PROBE_TIMEOUT_MS));
        for ((index, _), trip) in answered.iter().zip(trips) {
            match trip {
                Ok(micros) => extras[*index].latency_us = Some(micros),
                Err(failure) => warnings.push(warning(vms[*index], "latency", &failure)),
            }
        }
    }
    for line in warnings.iter().take(WARNED_EACH) {
        output::warn(line);
    }
    if warnings.len() > WARNED_EACH {
        output::warn(&format!(
            "{} more VMs did not answer (their cells show -)",
            warnings.len() - WARNED_EACH
        ));
    }
    extras
}

/// Runs the probe on every host of `running`; returns those that answered.
fn probe_all(
    vms: &[&Vm],
    running: &[(usize, Host)],
    wanted: Wanted,
    extras: &mut [Extra],
    warnings: &mut Vec<String>,
) -> Vec<(usize, Host)> {
    let hosts: Vec<Host> = running.iter().map(|(_, host)| host.clone()).collect();
    let options = fleet::ExecOptions {
        timeout_ms: Some(PROBE_TIMEOUT_MS),
        user: None,
        stdin: None,
    };
    // Every VM at once: the probe mostly waits on the network, and the pool
    // bounds the connections it opens.
    let workers = u32::try_from(hosts.len()).unwrap_or(u32::MAX);
    let mut answered = Vec::new();
    for result in fleet::fan_out(&hosts, &probe::command(wanted), &options, Some(workers)) {
        let (label, outcome) = match result {
            Ok(answer) => answer,
            Err(failure) => {
                output::warn(&format!(
                    "{} not read from the VMs: {}",
                    what(wanted),
                    first_line(&failure)
                ));
                return Vec::new();
            }
        };
        let Ok(index) = label.parse::<usize>() else {
            continue;
        };
        match outcome {
            Ok(output) => {
                extras[index].reading = Some(probe::parse(&fleet::text(&output.stdout)));
                if let Some(found) = running.iter().find(|(at, _)| *at == index) {
                    answered.push(found.clone());
                }
            }
            Err(failure) => warnings.push(warning(vms[index], &what(wanted), &failure)),
        }
    }
    answered.sort_by_key(|(index, _)| *index);
    answered
}

/// The columns a probe fills, for warnings.
fn what(wanted: Wanted) -> String {
    let parts: Vec<&str> = [
        (wanted.tmux, "tmux sessions"),
        (wanted.health, "health"),
        (wanted.procs, "process count"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    parts.join(", ")
}

/// The warning for a VM that did not answer: its name and the first line
/// of why (the rest is a hint that would repeat for every VM).
fn warning(vm: &Vm, what: &str, failure: &Failure) -> String {
    format!("{}: {what} unknown: {}", vm.name, first_line(failure))
}

fn first_line(failure: &Failure) -> String {
    failure
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}
