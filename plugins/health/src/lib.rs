//! `azlin health`: each running VM's golden signals — latency (an SSH round
//! trip), errors (failed systemd units, or no answer), load (load average
//! per CPU) and saturation (CPU, memory, disk) — from one pooled exec and
//! one round trip per VM, all VMs at once.

mod scope;
mod signals;

use azlin_sdk::bindings::azlin::host::types::Vm;
use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, ExecOptions, Host};
use signals::{Signals, Verdict};

/// Per-VM limit of the reading and of the round trip, connecting included.
const DEFAULT_TIMEOUT_SECONDS: u32 = 5;
/// Seconds between snapshots with `--tui` and no `--interval`.
const DEFAULT_INTERVAL_SECONDS: u32 = 10;

struct Health;

impl Command for Health {
    fn describe() -> Info {
        Info::new(
            "health",
            env!("CARGO_PKG_VERSION"),
            "Show each running VM's latency, errors, load and saturation",
        )
        .description(
            "Measures every running VM of the resource group (--rg, else the default; every \
             group with -a), or one VM (--vm): the SSH round trip on its pooled connection, \
             failed systemd units, the 1-minute load average per CPU, and CPU, memory and root \
             disk use. Status is critical at 95 % saturation or a load of 2 per CPU, a warning \
             at 80 %, a load of 1 per CPU or any failed unit; a VM that does not answer is \
             unreachable and makes the command exit 1.",
        )
        .option(Opt::value("resource-group", "NAME", "resource group").alias("rg"))
        .option(Opt::flag("show-all-vms", "every resource group of the subscription").short('a'))
        .option(Opt::value(
            "vm",
            "NAME",
            "one VM, by VM name or session name",
        ))
        .option(
            Opt::value("timeout", "SECONDS", "per-VM time limit")
                .short('t')
                .default("5"),
        )
        .option(Opt::value(
            "interval",
            "SECONDS",
            "measure again every SECONDS, redrawn in place, until Ctrl-C (-o json: a line per snapshot)",
        ))
        .option(Opt::flag(
            "tui",
            "keep the table on screen and refresh it (every 10 s unless --interval): existing azlin's dashboard, as a redrawn table",
        ))
        .option(
            Opt::value(
                "iterations",
                "N",
                "with --interval or --tui, stop after N snapshots",
            )
            .short('n'),
        )
    }

    fn run(args: Args) -> Result<(), Failure> {
        let timeout = match args
            .parse::<u32>("timeout")?
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS)
        {
            0 => return Err(Failure::usage("--timeout must be at least 1 second")),
            seconds => seconds.saturating_mul(1000),
        };
        let interval = match (args.parse::<u32>("interval")?, args.flag("tui")) {
            (Some(0), _) => return Err(Failure::usage("--interval must be at least 1 second")),
            (Some(seconds), _) => Some(seconds),
            (None, true) => Some(DEFAULT_INTERVAL_SECONDS),
            (None, false) => None,
        };
        let iterations = args.parse::<u64>("iterations")?;
        if iterations == Some(0) {
            return Err(Failure::usage("--iterations must be at least 1"));
        }
        let vms = scope::running_vms(&args)?;
        let Some(interval) = interval else {
            return measure(&vms, timeout);
        };
        let mut snapshot = 0;
        loop {
            snapshot += 1;
            let started = host::now_ms();
            let outcome = measure(&vms, timeout);
            if iterations.is_some_and(|n| snapshot >= n) {
                return outcome;
            }
            if let Err(failure) = outcome {
                output::warn(&failure.to_string());
            }
            output::next_snapshot(started, interval);
        }
    }
}

/// One snapshot: every VM of `vms` measured, as one table; an error when
/// some did not answer.
fn measure(vms: &[Vm], timeout: u32) -> Result<(), Failure> {
    let hosts: Vec<Host> = vms
        .iter()
        .enumerate()
        .map(|(index, vm)| Host {
            label: index.to_string(),
            ..Host::of_vm(vm)
        })
        .collect();
    let readings = read_all(&hosts, timeout)?;
    let trips = fleet::round_trips(&hosts, Some(timeout));
    let mut table = Table::begin("vms", columns())?;
    let mut unreachable = 0;
    for ((vm, reading), trip) in vms.iter().zip(readings).zip(trips) {
        let cells = match reading {
            Ok(signals) => cells(vm, &signals, trip.ok()),
            Err(failure) => {
                unreachable += 1;
                output::warn(&format!("{}: {failure}", vm.name));
                unreachable_cells(vm)
            }
        };
        table.row(cells)?;
    }
    if unreachable > 0 {
        return Err(
            Failure::new(format!("{unreachable} of {} VMs did not answer", vms.len())).exit_code(1),
        );
    }
    Ok(())
}

fn columns() -> Vec<Column> {
    vec![
        column("vm", "VM"),
        column("status", "Status"),
        number_column("latency_ms", "Latency ms"),
        number_column("failed_units", "Errors"),
        number_column("load", "Load 1m"),
        number_column("load_per_cpu", "Load/CPU"),
        number_column("cpu_percent", "CPU%"),
        number_column("mem_percent", "Mem%"),
        number_column("disk_percent", "Disk%"),
    ]
}

/// Each host's signals (or why it gave none), in the order of `hosts`.
fn read_all(hosts: &[Host], timeout_ms: u32) -> Result<Vec<Result<Signals, Failure>>, Failure> {
    let options = ExecOptions {
        timeout_ms: Some(timeout_ms),
        user: None,
        stdin: None,
    };
    let mut readings: Vec<Result<Signals, Failure>> =
        vec![Err(Failure::new("no answer")); hosts.len()];
    let workers = u32::try_from(hosts.len()).unwrap_or(u32::MAX);
    for result in fleet::fan_out(hosts, &signals::command(), &options, Some(workers)) {
        let (label, outcome) = result?;
        let Ok(index) = label.parse::<usize>() else {
            continue;
        };
        readings[index] = outcome
            .and_then(|output| fleet::succeeded("health", output))
            .map(|output| signals::parse(&fleet::text(&output.stdout)));
    }
    Ok(readings)
}

fn cells(vm: &Vm, signals: &Signals, trip_us: Option<u32>) -> Vec<Value> {
    vec![
        label(vm).into(),
        signals.verdict(vm.vcpus).label().into(),
        trip_us.map_or(Value::Empty, |micros| {
            Value::Number(round(f64::from(micros) / 1000.0, 100.0))
        }),
        signals.failed_units.into(),
        tenth(signals.load),
        signals
            .load_per_cpu(vm.vcpus)
            .map_or(Value::Empty, |load| Value::Number(round(load, 100.0))),
        tenth(signals.saturation.cpu_percent),
        tenth(signals.saturation.mem_percent),
        tenth(signals.saturation.disk_percent),
    ]
}

fn unreachable_cells(vm: &Vm) -> Vec<Value> {
    let mut cells = vec![label(vm).into(), Verdict::Unreachable.label().into()];
    cells.resize(columns().len(), Value::Empty);
    cells
}

/// The VM as users know it: its session name, else its name.
fn label(vm: &Vm) -> String {
    azlin_sdk::vms::session_name(&vm.name).unwrap_or_else(|| vm.name.clone())
}

fn tenth(value: Option<f64>) -> Value {
    value.map_or(Value::Empty, |value| Value::Number(round(value, 10.0)))
}

fn round(value: f64, scale: f64) -> f64 {
    (value * scale).round() / scale
}

azlin_sdk::export_command!(Health);
