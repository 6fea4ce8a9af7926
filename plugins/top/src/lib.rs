//! `azlin top`: CPU, memory and load of every running VM, one reading per
//! VM over pooled SSH connections (reused from one refresh to the next),
//! redrawn in place every `--interval` seconds; one JSON line per snapshot
//! with `-o json`.

mod history;
mod sample;

use azlin_sdk::bindings::azlin::host::host_info::OutputFormat;
use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, ExecOutput, Host};
use history::History;
use sample::Sample;

/// Existing azlin's defaults: refresh every 10 s, give each VM 5 s.
const DEFAULT_INTERVAL_SECONDS: u32 = 10;
const DEFAULT_TIMEOUT_SECONDS: u32 = 5;

struct Top;

impl Command for Top {
    fn describe() -> Info {
        let info = Info::new(
            "top",
            env!("CARGO_PKG_VERSION"),
            "Show CPU, memory and load of every running VM, refreshed",
        )
        .description(
            "Reads /proc on every running VM of the resource group (--rg, else the default), \
             or on one VM (--vm) or address (--ip), in parallel over pooled SSH connections \
             that stay open between refreshes. On a terminal the view is redrawn in place \
             until Ctrl-C; with -o json each snapshot is one JSON line.",
        )
        .option(
            Opt::value("interval", "SECONDS", "seconds between refreshes")
                .short('i')
                .default("10"),
        )
        .option(
            Opt::value("timeout", "SECONDS", "per-VM time limit for one reading")
                .short('t')
                .default("5"),
        )
        .option(
            Opt::value(
                "iterations",
                "N",
                "stop after N snapshots (default: until Ctrl-C)",
            )
            .short('n'),
        );
        fleet::host_options().into_iter().fold(info, Info::option)
    }

    fn run(args: Args) -> Result<(), Failure> {
        let interval = positive(&args, "interval", DEFAULT_INTERVAL_SECONDS)?;
        let timeout = positive(&args, "timeout", DEFAULT_TIMEOUT_SECONDS)?;
        let iterations = args.parse::<u64>("iterations")?;
        if iterations == Some(0) {
            return Err(Failure::usage("--iterations must be at least 1"));
        }
        let hosts = fleet::hosts(&args)?;
        let view = View::for_format(host::invocation().format);
        let mut history = History::default();
        let mut snapshot = 0;
        loop {
            snapshot += 1;
            let started = host::now_ms();
            let failed = refresh(&hosts, timeout, &mut history, view, snapshot, interval)?;
            if iterations.is_some_and(|n| snapshot >= n) {
                if failed > 0 {
                    return Err(Failure::new(format!("{failed} hosts did not answer")).exit_code(1));
                }
                return Ok(());
            }
            output::next_snapshot(started, interval);
        }
    }
}

/// A positive whole number of seconds from option `name`.
fn positive(args: &Args, name: &str, default: u32) -> Result<u32, Failure> {
    match args.parse::<u32>(name)?.unwrap_or(default) {
        0 => Err(Failure::usage(format!(
            "--{name} must be at least 1 second"
        ))),
        seconds => Ok(seconds),
    }
}

/// What a snapshot shows beyond the numbers.
#[derive(Clone, Copy, PartialEq)]
enum View {
    /// People: a CPU sparkline and a footer.
    Terminal,
    /// Scripts: a snapshot record with its number and time.
    Data,
}

impl View {
    fn for_format(format: OutputFormat) -> Self {
        match format {
            OutputFormat::Table => View::Terminal,
            _ => View::Data,
        }
    }
}

/// Reads every host once and emits one snapshot; returns how many failed.
fn refresh(
    hosts: &[Host],
    timeout: u32,
    history: &mut History,
    view: View,
    snapshot: u64,
    interval: u32,
) -> Result<usize, Failure> {
    let mut readings = Vec::with_capacity(hosts.len());
    let options = fleet::timeout(Some(timeout));
    let (fresh, known): (Vec<Host>, Vec<Host>) = hosts
        .iter()
        .cloned()
        .partition(|host| !history.knows(&host.label));
    for (group, first) in [(fresh, true), (known, false)] {
        if group.is_empty() {
            continue;
        }
        for result in fleet::fan_out(&group, &sample::command(first), &options, None) {
            readings.push(result?);
        }
    }
    readings.sort_by(|a, b| a.0.cmp(&b.0));
    let failed = emit(&readings, history, view)?;
    match view {
        View::Terminal => output::text(&format!(
            "{} of {} hosts answered · every {interval} s · Ctrl-C to quit",
            readings.len() - failed,
            hosts.len()
        )),
        View::Data => output::record(
            "snapshot",
            vec![
                ("number".into(), Value::Integer(snapshot as i64)),
                ("time_ms".into(), Value::Integer(host::now_ms() as i64)),
                ("hosts".into(), Value::Integer(hosts.len() as i64)),
                ("failed".into(), Value::Integer(failed as i64)),
            ],
        )?,
    }
    Ok(failed)
}

/// The snapshot's table; returns how many hosts failed.
fn emit(
    readings: &[(String, Result<ExecOutput, Failure>)],
    history: &mut History,
    view: View,
) -> Result<usize, Failure> {
    let mut columns = vec![column("vm", "VM"), number_column("cpu_percent", "CPU %")];
    if view == View::Terminal {
        columns.push(column("cpu_history", "CPU history"));
    }
    columns.extend([
        number_column("mem_percent", "Mem %"),
        number_column("mem_used", "Mem used"),
        number_column("mem_total", "Mem total"),
        number_column("load_1m", "Load 1m"),
        number_column("load_5m", "5m"),
        number_column("load_15m", "15m"),
        number_column("cores", "Cores"),
        column("tasks", "Tasks"),
        column("top_process", "Top process"),
        column("error", "Error"),
    ]);
    let width = columns.len();
    let mut table = Table::begin("hosts", columns)?;
    let mut failed = 0;
    for (label, outcome) in readings {
        let reading = outcome
            .clone()
            .and_then(|output| fleet::succeeded("top", output))
            .and_then(|output| sample::parse(&fleet::text(&output.stdout)).map_err(Failure::new));
        let mut cells: Vec<Value> = vec![label.as_str().into()];
        match reading {
            Ok(sample) => {
                let cpu = history.record(label, &sample);
                cells.push(percent(cpu));
                if view == View::Terminal {
                    cells.push(history.sparkline(label).into());
                }
                cells.extend(numbers(&sample));
                cells.push(Value::Empty);
            }
            Err(failure) => {
                failed += 1;
                history.lost(label);
                cells.resize(width - 1, Value::Empty);
                if view == View::Terminal {
                    cells[2] = history.sparkline(label).into();
                }
                cells.push(failure.to_string().into());
            }
        }
        table.row(cells)?;
    }
    Ok(failed)
}

/// Memory, load, cores, tasks and busiest process of a reading.
fn numbers(sample: &Sample) -> Vec<Value> {
    let used = sample
        .mem_total_kib
        .saturating_sub(sample.mem_available_kib);
    vec![
        percent(sample.mem_percent()),
        Value::Bytes(used * 1024),
        Value::Bytes(sample.mem_total_kib * 1024),
        Value::Number(sample.load[0]),
        Value::Number(sample.load[1]),
        Value::Number(sample.load[2]),
        sample.cores.map(i64::from).into(),
        sample
            .tasks
            .map(|(running, total)| format!("{running}/{total}"))
            .into(),
        sample
            .top_process
            .as_ref()
            .map(|(cpu, name)| format!("{name} ({cpu:.1}%)"))
            .into(),
    ]
}

/// A percentage rounded to one decimal, or empty.
fn percent(value: Option<f64>) -> Value {
    value.map_or(Value::Empty, |value| {
        Value::Number((value * 10.0).round() / 10.0)
    })
}

azlin_sdk::export_command!(Top);
