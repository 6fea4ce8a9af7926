//! `azlin batch`: one command over many VMs at once (`batch command "CMD"`),
//! or start/stop them (`batch start|stop`), chosen by `--all`, `--tag k=v`
//! or `--vm-pattern GLOB` within a resource group.

use azlin_sdk::PowerState;
use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::remote::{self as fleet, ExecOutput, Host};
use azlin_sdk::vms::{VmFilter, announce, power_label, reference};

/// Existing azlin's default per-host time limit.
const DEFAULT_TIMEOUT_SECONDS: u32 = 300;

struct Batch;

impl Command for Batch {
    fn describe() -> Info {
        Info::new(
            "batch",
            env!("CARGO_PKG_VERSION"),
            "Run a command on, start or stop many VMs at once",
        )
        .description(
            "Chooses VMs with --all, --tag KEY=VALUE or --vm-pattern GLOB within the resource group \
             (--rg, else the default). `batch command` runs over pooled SSH connections, as many \
             hosts at once as the fleet and machine allow (cap with --max-workers); one host's \
             failure never stops the others, and the exit status is 1 if any host failed.",
        )
        .subcommand(selection(
            Sub::new("command", "Run a shell command on every chosen running VM")
                .positional(Positional::new("command", "CMD", "the command line to run").required())
                .option(Opt::value("max-workers", "N", "hosts at most at once (default: adaptive)"))
                .option(Opt::value("timeout", "SECONDS", "per-host time limit (default 300)"))
                .option(Opt::flag("show-output", "show each host's stdout and stderr")),
        ))
        .subcommand(
            selection(Sub::new(
                "sync",
                "Push your dotfiles and ~/.azlin/home to every chosen running VM",
            ))
            .option(Opt::flag("dry-run", "show what would be pushed, push nothing"))
            .option(Opt::value(
                "max-workers",
                "N",
                "accepted for existing azlin's command lines; VMs are synced one after another",
            )),
        )
        .subcommand(power_options(selection(Sub::new(
            "start",
            "Start every chosen VM that is not running (no selection: every VM, after asking)",
        ))))
        .subcommand(power_options(
            selection(Sub::new(
                "stop",
                "Stop (deallocate) every chosen running VM (no selection: every VM, after asking)",
            ))
            .option(Opt::flag(
                "no-deallocate",
                "only power off; the VMs stay allocated (and billed)",
            )),
        ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let chosen = chosen_vms(&args)?;
        match args.subcommand() {
            Some("command") => command(&args, chosen),
            Some("start") => power(&args, chosen, Power::Start),
            Some("stop") => power(&args, chosen, Power::Stop),
            Some("sync") => sync(&args, chosen),
            _ => Err(Failure::usage(
                "choose a subcommand: command, sync, start or stop",
            )),
        }
    }
}

/// Adds the selection options every subcommand takes.
fn selection(sub: Sub) -> Sub {
    sub.option(Opt::value("resource-group", "NAME", "resource group").alias("rg"))
        .option(Opt::flag("all", "every VM of the resource group"))
        .option(Opt::value("tag", "KEY=VALUE", "VMs with this tag").multiple())
        .option(Opt::value(
            "vm-pattern",
            "GLOB",
            "VMs whose name matches, e.g. 'dev-*'",
        ))
}

/// Adds what `start` and `stop` take beside the selection.
fn power_options(sub: Sub) -> Sub {
    sub.option(Opt::flag("yes", "do it without asking").short('y').alias("confirm"))
        .option(Opt::value(
            "max-workers",
            "N",
            "accepted for existing azlin's command lines; VMs are started or stopped one after another, each waited for",
        ))
}

/// The VMs `--all`, `--tag` or `--vm-pattern` choose, whatever their state;
/// `start` and `stop` without any choose every VM (and ask first).
fn chosen_vms(args: &Args) -> Result<Vec<azlin_sdk::Vm>, Failure> {
    let tags: Vec<(String, Option<String>)> = args
        .values("tag")
        .iter()
        .map(|tag| match tag.split_once('=') {
            Some((key, value)) => (key.to_string(), Some(value.to_string())),
            None => (tag.to_string(), None),
        })
        .collect();
    let pattern = args.value("vm-pattern").map(str::to_string);
    let everything = matches!(args.subcommand(), Some("start" | "stop"));
    if !args.flag("all") && tags.is_empty() && pattern.is_none() && !everything {
        return Err(Failure::usage(
            "choose VMs with --all, --tag KEY=VALUE or --vm-pattern GLOB",
        ));
    }
    let filter = VmFilter {
        resource_group: args.value("resource-group").map(str::to_string),
        all_resource_groups: false,
        include_stopped: true,
        name_pattern: pattern,
        tags,
        refresh: false,
    };
    let mut vms = vms::list(&filter)?;
    vms.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(vms)
}

fn command(args: &Args, chosen: Vec<azlin_sdk::Vm>) -> Result<(), Failure> {
    let line = args.value("command").unwrap_or_default();
    let skipped = chosen
        .iter()
        .filter(|vm| vm.power_state != PowerState::Running)
        .count();
    let hosts = fleet::running(chosen)?;
    let seconds = args
        .parse::<u32>("timeout")?
        .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
    let workers = args.parse::<u32>("max-workers")?;
    if workers == Some(0) {
        return Err(Failure::usage("--max-workers must be at least 1"));
    }
    let show_output = args.flag("show-output");
    let mut results = Vec::new();
    for result in fleet::fan_out(&hosts, line, &fleet::timeout(Some(seconds)), workers) {
        results.push(result?);
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let failed = report(&hosts, &results, show_output)?;
    let mut summary = format!(
        "{} succeeded, {failed} failed of {} hosts",
        results.len() - failed,
        hosts.len()
    );
    if skipped > 0 {
        summary.push_str(&format!(" ({skipped} chosen VMs not running, skipped)"));
    }
    output::text(&summary);
    if failed > 0 {
        return Err(Failure::new(format!("the command failed on {failed} hosts")).exit_code(1));
    }
    Ok(())
}

/// One row per host; returns how many failed.
fn report(
    hosts: &[Host],
    results: &[(String, Result<ExecOutput, Failure>)],
    show_output: bool,
) -> Result<usize, Failure> {
    let mut columns = vec![
        column("vm", "VM"),
        column("ip", "IP"),
        number_column("exit_code", "Exit"),
        column("duration", "Time"),
        column("error", "Error"),
    ];
    if show_output {
        columns.extend([column("stdout", "Output"), column("stderr", "Stderr")]);
    }
    let mut table = Table::begin("results", columns)?;
    let mut failed = 0;
    for (label, outcome) in results {
        let address = hosts
            .iter()
            .find(|host| host.label == *label)
            .and_then(|host| host.address.clone());
        let mut cells: Vec<Value> = vec![label.as_str().into(), address.into()];
        match outcome {
            Ok(output) => {
                if output.exit_code != Some(0) {
                    failed += 1;
                }
                cells.extend([
                    output.exit_code.map(i64::from).into(),
                    Value::DurationMs(u64::from(output.duration_ms)),
                    Value::Empty,
                ]);
                if show_output {
                    cells.extend([
                        fleet::text(&output.stdout).trim_end().to_string().into(),
                        fleet::text(&output.stderr).trim_end().to_string().into(),
                    ]);
                }
            }
            Err(failure) => {
                failed += 1;
                cells.extend([Value::Empty, Value::Empty, failure.to_string().into()]);
                if show_output {
                    cells.extend([Value::Empty, Value::Empty]);
                }
            }
        }
        table.row(cells)?;
    }
    Ok(failed)
}

/// `batch sync`: the host's dotfiles push to each chosen running VM, one
/// row per file; exit 1 if any VM failed.
fn sync(args: &Args, chosen: Vec<azlin_sdk::Vm>) -> Result<(), Failure> {
    let options = azlin_sdk::transfer::CopyOptions {
        user: None,
        dry_run: args.flag("dry-run"),
    };
    let running: Vec<azlin_sdk::Vm> = chosen
        .into_iter()
        .filter(|vm| vm.power_state == PowerState::Running)
        .collect();
    let mut table = Table::begin(
        "pushed",
        vec![
            column("vm", "VM"),
            column("file", "File"),
            number_column("bytes", "Bytes"),
            column("error", "Error"),
        ],
    )?;
    let mut failed = 0;
    for vm in &running {
        match azlin_sdk::transfer::push_dotfiles(&reference(vm), &options) {
            Ok(pushed) => {
                for file in pushed {
                    table.row(vec![
                        vm.name.as_str().into(),
                        file.destination.trim_start_matches("./").into(),
                        Value::Bytes(file.bytes),
                        Value::Empty,
                    ])?;
                }
            }
            Err(failure) => {
                failed += 1;
                table.row(vec![
                    vm.name.as_str().into(),
                    Value::Empty,
                    Value::Empty,
                    failure.to_string().into(),
                ])?;
            }
        }
    }
    let verb = if options.dry_run {
        "would be synced"
    } else {
        "synced"
    };
    output::text(&format!(
        "{} of {} VMs {verb}",
        running.len() - failed,
        running.len()
    ));
    if failed > 0 {
        return Err(Failure::new(format!("the push failed on {failed} VMs")).exit_code(1));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Power {
    Start,
    Stop,
}

fn power(args: &Args, chosen: Vec<azlin_sdk::Vm>, action: Power) -> Result<(), Failure> {
    let targets: Vec<_> = chosen
        .into_iter()
        .filter(|vm| (vm.power_state == PowerState::Running) == (action == Power::Stop))
        .collect();
    let verb = if action == Power::Start {
        "start"
    } else {
        "stop"
    };
    if targets.is_empty() {
        output::text(&format!(
            "nothing to {verb}: no chosen VM is in a state to {verb}"
        ));
        return Ok(());
    }
    let names: Vec<&str> = targets.iter().map(|vm| vm.name.as_str()).collect();
    let question = format!("{verb} {} VMs ({})?", targets.len(), names.join(", "));
    if !args.flag("yes") && !output::confirm(&question, "add --yes to go ahead without asking")? {
        let done = if action == Power::Start {
            "started"
        } else {
            "stopped"
        };
        return Err(Failure::new(format!("cancelled: no VM was {done}")));
    }
    let total = targets.len() as u64;
    for (done, vm) in targets.iter().enumerate() {
        let reference = reference(vm);
        let reached = match action {
            Power::Start => vms::start(&reference)?,
            Power::Stop if args.flag("no-deallocate") => vms::power_off(&reference)?,
            Power::Stop => vms::deallocate(&reference)?,
        };
        output::progress("VMs", done as u64 + 1, Some(total));
        announce(vm, reached);
    }
    output::text(&format!(
        "{} VMs now {}",
        total,
        power_label(if action == Power::Start {
            PowerState::Running
        } else if args.flag("no-deallocate") {
            PowerState::Stopped
        } else {
            PowerState::Deallocated
        })
        .to_lowercase()
    ));
    Ok(())
}

azlin_sdk::export_command!(Batch);
