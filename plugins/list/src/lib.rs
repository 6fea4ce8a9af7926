//! `azlin list`: the VMs of a resource group (or all of them), with the
//! columns and flags existing azlin users know.

mod extras;
mod probe;
mod quota;

use azlin_sdk::bindings::azlin::host::types::{PowerState, Vm};
use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::{VmFilter, power_label, session_name};
use extras::Extra;
use probe::Wanted;

struct List;

impl Command for List {
    fn describe() -> Info {
        Info::new("list", env!("CARGO_PKG_VERSION"), "List VMs with their state, IP, region and size")
            .description(
                "Lists the VMs of a resource group (--rg, else the active context's or the configured \
                 default), or of every resource group with --show-all-vms. Stopped and deallocated VMs \
                 are hidden unless --all; the footer counts them. The Tmux column (off with \
                 --no-tmux) and the --with-latency, --with-health and --show-procs columns come \
                 from one pooled SSH exec per running VM, all at once; a VM that does not answer \
                 shows `-` and one warning.",
            )
            .option(Opt::value("resource-group", "NAME", "resource group to list").alias("rg"))
            .option(Opt::flag("show-all-vms", "list every resource group of the subscription").short('a'))
            .option(Opt::flag("all", "show stopped and deallocated VMs too").alias("include-stopped"))
            .option(Opt::value("tag", "KEY[=VALUE]", "only VMs with this tag").multiple())
            .option(Opt::value("vm-pattern", "GLOB", "only VMs whose name matches, e.g. 'dev-*'"))
            .option(Opt::flag("wide", "add the VM Name and SKU columns").short('w'))
            .option(Opt::flag("no-cache", "ask Azure instead of using cached answers").alias("refresh"))
            .option(Opt::flag("no-tmux", "leave out the Tmux column (no SSH to the VMs)"))
            .option(
                Opt::value("show-tmux", "BOOL", "existing azlin's spelling: false is --no-tmux")
                    .choices(&["true", "false"])
                    .default("true"),
            )
            .option(
                Opt::flag(
                    "restore",
                    "then the command that reattaches each tmux session found (azlin cannot open your terminal's windows)",
                )
                .short('r'),
            )
            .option(
                Opt::flag(
                    "quota",
                    "then the vCPU quota (total and per family in use) of each region listed",
                )
                .short('q'),
            )
            .option(
                Opt::flag(
                    "compact",
                    "a narrower table: no OS, CPU and Mem columns, addresses without (public)/(private)",
                )
                .short('c'),
            )
            .option(Opt::flag("with-latency", "add the SSH round trip to each VM"))
            .option(Opt::flag(
                "with-health",
                "add Agent (waagent running), CPU%, Mem% and Disk% of each VM",
            ))
            .option(Opt::flag("show-procs", "add the number of processes on each VM"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        if args.flag("restore") && args.flag("no-tmux") {
            return Err(Failure::usage(
                "--restore reads the tmux sessions, which --no-tmux leaves out; pass one",
            ));
        }
        let filter = VmFilter {
            resource_group: args.value("resource-group").map(str::to_string),
            all_resource_groups: args.flag("show-all-vms"),
            include_stopped: true,
            name_pattern: args.value("vm-pattern").map(str::to_string),
            tags: args
                .values("tag")
                .iter()
                .map(|tag| parse_tag(tag))
                .collect(),
            refresh: args.flag("no-cache"),
        };
        let mut vms = azlin_sdk::vms::list(&filter)?;
        vms.sort_by(|a, b| (&a.resource_group, &a.name).cmp(&(&b.resource_group, &b.name)));
        let show_all = args.flag("all");
        let running = vms
            .iter()
            .filter(|vm| vm.power_state == PowerState::Running)
            .count();
        let (shown, hidden): (Vec<&Vm>, Vec<&Vm>) = vms
            .iter()
            .partition(|vm| show_all || azlin_sdk::vms::is_up(vm));
        let scripted = host::invocation().format != host::OutputFormat::Table;
        let layout = Layout {
            wide: args.flag("wide") || scripted,
            scripted,
            wanted: Wanted {
                tmux: args.flag("restore")
                    || (!args.flag("no-tmux") && args.value("show-tmux") != Some("false")),
                health: args.flag("with-health"),
                procs: args.flag("show-procs"),
            },
            latency: args.flag("with-latency"),
            compact: args.flag("compact") && !scripted,
        };
        let extras = extras::gather(&shown, layout.wanted, layout.latency);
        Table::begin("vms", columns(&layout))?.rows(
            shown
                .iter()
                .zip(&extras)
                .map(|(vm, extra)| row(vm, extra, &layout))
                .collect(),
        )?;
        let mut footer = format!(
            "Total: {} VMs | {running} running | {} hidden",
            vms.len(),
            hidden.len()
        );
        if scripted {
            output::record("filters", filters(&filter, show_all))?;
        } else if let Some(narrowed) = narrowed_by(&filter) {
            footer.push_str(&format!(" | only {narrowed}"));
        }
        output::text(&footer);
        if args.flag("quota") {
            quota::show(&shown)?;
        }
        if args.flag("restore") {
            restore(&shown, &extras)?;
        }
        Ok(())
    }
}

fn parse_tag(tag: &str) -> (String, Option<String>) {
    match tag.split_once('=') {
        Some((key, value)) => (key.into(), Some(value.into())),
        None => (tag.into(), None),
    }
}

/// `--restore`: one row per tmux session found, with the command that
/// reattaches it from here.
fn restore(shown: &[&Vm], extras: &[extras::Extra]) -> Result<(), Failure> {
    let mut table = Table::begin(
        "restore",
        vec![
            column("vm", "VM"),
            column("session", "Session"),
            column("command", "Reattach with"),
        ],
    )?;
    for (vm, extra) in shown.iter().zip(extras) {
        let sessions = extra.reading.iter().flat_map(|reading| &reading.tmux);
        for session in sessions {
            table.row(vec![
                vm.name.as_str().into(),
                session.as_str().into(),
                format!(
                    "azlin connect {} --tmux-session {}",
                    vm.name,
                    azlin_sdk::shell::word(session)
                )
                .into(),
            ])?;
        }
    }
    Ok(())
}

/// Which columns a run shows.
struct Layout {
    /// VM Name and SKU.
    wide: bool,
    /// JSON or CSV: raw values, and the address and group columns.
    scripted: bool,
    wanted: Wanted,
    latency: bool,
    /// A table for a narrow terminal: no OS, CPU or Mem, bare addresses.
    compact: bool,
}

fn columns(layout: &Layout) -> Vec<Column> {
    let (wide, scripted) = (layout.wide, layout.scripted);
    let mut columns = vec![column("session", "Session")];
    if wide {
        columns.push(column("name", "VM Name"));
    }
    if !layout.compact {
        columns.push(column("os", "OS"));
    }
    columns.extend([
        column("status", "Status"),
        column("ip", "IP"),
        column("region", "Region"),
    ]);
    if wide {
        columns.push(column("sku", "SKU"));
    }
    if !layout.compact {
        columns.extend([number_column("cpu", "CPU"), number_column("mem", "Mem")]);
    }
    if scripted {
        columns.extend([
            column("resource_group", "Resource Group"),
            column("public_ip", "Public IP"),
            column("private_ip", "Private IP"),
        ]);
    }
    // Last, so scripts reading CSV by position find the columns they had
    // where they were.
    columns.extend(extra_columns(layout));
    columns
}

/// The columns read from the VMs, in existing azlin's order.
fn extra_columns(layout: &Layout) -> Vec<Column> {
    let mut columns = Vec::new();
    if layout.wanted.tmux {
        columns.push(column("tmux", "Tmux"));
    }
    if layout.latency {
        columns.push(number_column("latency_ms", "Latency"));
    }
    if layout.wanted.health {
        columns.extend([
            column("agent", "Agent"),
            number_column("cpu_percent", "CPU%"),
            number_column("mem_percent", "Mem%"),
            number_column("disk_percent", "Disk%"),
        ]);
    }
    if layout.wanted.procs {
        columns.push(number_column("procs", "Procs"));
    }
    columns
}

/// The cells of [`extra_columns`] for one VM.
fn extra_cells(vm: &Vm, extra: &Extra, layout: &Layout) -> Vec<Value> {
    let reading = extra.reading.as_ref();
    let mut cells = Vec::new();
    if layout.wanted.tmux {
        cells.push(tmux_cell(
            vm,
            reading.map(|r| r.tmux.as_slice()),
            layout.scripted,
        ));
    }
    if layout.latency {
        cells.push(extra.latency_us.map_or(Value::Empty, |micros| {
            let ms = f64::from(micros) / 1000.0;
            if layout.scripted {
                Value::Number(ms)
            } else {
                Value::Text(format!("{ms:.1} ms"))
            }
        }));
    }
    if layout.wanted.health {
        cells.push(
            reading
                .and_then(|r| r.agent)
                .map(|running| if running { "running" } else { "stopped" })
                .into(),
        );
        cells.extend([
            percent(reading.and_then(|r| r.saturation.cpu_percent)),
            percent(reading.and_then(|r| r.saturation.mem_percent)),
            percent(reading.and_then(|r| r.saturation.disk_percent)),
        ]);
    }
    if layout.wanted.procs {
        cells.push(reading.and_then(|r| r.procs).into());
    }
    cells
}

/// Sessions joined for people, a list for scripts; nothing for a VM that is
/// not running (it has none), `-` (null) for one that did not answer.
fn tmux_cell(vm: &Vm, sessions: Option<&[String]>, scripted: bool) -> Value {
    let sessions = match (vm.power_state, sessions) {
        (PowerState::Running, None) => return Value::Empty,
        (PowerState::Running, Some(sessions)) => sessions.to_vec(),
        _ => Vec::new(),
    };
    if scripted {
        Value::Texts(sessions)
    } else {
        Value::Text(sessions.join(", "))
    }
}

/// A percentage to one decimal, or empty.
fn percent(value: Option<f64>) -> Value {
    value.map_or(Value::Empty, |value| {
        Value::Number((value * 10.0).round() / 10.0)
    })
}

fn row(vm: &Vm, extra: &Extra, layout: &Layout) -> Vec<Value> {
    let (wide, scripted) = (layout.wide, layout.scripted);
    let mut cells = vec![session_name(&vm.name).into()];
    if wide {
        cells.push(vm.name.as_str().into());
    }
    let ip = match (&vm.public_ip, &vm.private_ip, layout.compact) {
        (Some(address), _, true) | (None, Some(address), true) => Some(address.clone()),
        (Some(public), _, false) => Some(format!("{public} (public)")),
        (None, Some(private), false) => Some(format!("{private} (private)")),
        (None, None, _) => None,
    };
    if !layout.compact {
        cells.push(
            vm.os_image
                .clone()
                .unwrap_or_else(|| vm.os_type.clone())
                .into(),
        );
    }
    cells.extend([
        power_label(vm.power_state).into(),
        ip.into(),
        vm.location.as_str().into(),
    ]);
    if wide {
        cells.push(vm.size.as_str().into());
    }
    if !layout.compact {
        cells.push(vm.vcpus.into());
        cells.push(
            vm.memory_mib
                .map_or(Value::Empty, |mib| Value::Bytes(mib << 20)),
        );
    }
    if scripted {
        cells.extend([
            vm.resource_group.as_str().into(),
            vm.public_ip.clone().into(),
            vm.private_ip.clone().into(),
        ]);
    }
    cells.extend(extra_cells(vm, extra, layout));
    cells
}

/// What left VMs out of the listing, for the table's footer: the name
/// pattern and the tags (the resource group is the listing's scope).
fn narrowed_by(filter: &VmFilter) -> Option<String> {
    let pattern = filter
        .name_pattern
        .as_ref()
        .map(|pattern| format!("names matching {pattern}"));
    let tags = filter.tags.iter().map(|(key, value)| match value {
        Some(value) => format!("tag {key}={value}"),
        None => format!("tag {key}"),
    });
    let parts: Vec<String> = pattern.into_iter().chain(tags).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn filters(filter: &VmFilter, show_all: bool) -> Vec<(String, Value)> {
    let tags: Vec<String> = filter
        .tags
        .iter()
        .map(|(key, value)| {
            value
                .as_ref()
                .map_or(key.clone(), |value| format!("{key}={value}"))
        })
        .collect();
    vec![
        (
            "resource_group".into(),
            filter.resource_group.clone().into(),
        ),
        (
            "all_resource_groups".into(),
            filter.all_resource_groups.into(),
        ),
        ("include_stopped".into(), show_all.into()),
        ("tags".into(), Value::Texts(tags)),
        ("vm_pattern".into(), filter.name_pattern.clone().into()),
    ]
}

azlin_sdk::export_command!(List);
