//! `azlin list`: the VMs of a resource group (or all of them), with the
//! columns and flags existing azlin users know.

use azlin_sdk::bindings::azlin::host::types::{PowerState, Vm};
use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::{VmFilter, power_label, session_name};

struct List;

impl Command for List {
    fn describe() -> Info {
        Info::new("list", env!("CARGO_PKG_VERSION"), "List VMs with their state, IP, region and size")
            .description(
                "Lists the VMs of a resource group (--rg, else the active context's or the configured \
                 default), or of every resource group with --show-all-vms. Stopped and deallocated VMs \
                 are hidden unless --all; the footer counts them.",
            )
            .option(Opt::value("resource-group", "NAME", "resource group to list").alias("rg"))
            .option(Opt::flag("show-all-vms", "list every resource group of the subscription").short('a'))
            .option(Opt::flag("all", "show stopped and deallocated VMs too").alias("include-stopped"))
            .option(Opt::value("tag", "KEY[=VALUE]", "only VMs with this tag").multiple())
            .option(Opt::value("vm-pattern", "GLOB", "only VMs whose name matches, e.g. 'dev-*'"))
            .option(Opt::flag("wide", "add the VM Name and SKU columns").short('w'))
            .option(Opt::flag("no-cache", "ask Azure instead of using cached answers").alias("refresh"))
    }

    fn run(args: Args) -> Result<(), Failure> {
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
        let hidden = if show_all {
            0
        } else {
            vms.iter().filter(|vm| !is_up(vm)).count()
        };
        let scripted = host::invocation().format != host::OutputFormat::Table;
        let wide = args.flag("wide") || scripted;
        Table::begin("vms", columns(wide, scripted))?.rows(
            vms.iter()
                .filter(|vm| show_all || is_up(vm))
                .map(|vm| row(vm, wide, scripted))
                .collect(),
        )?;
        output::record("filters", filters(&filter, show_all))?;
        output::text(&format!(
            "Total: {} VMs | {running} running | {hidden} hidden",
            vms.len()
        ));
        Ok(())
    }
}

/// Up, or on its way up: what `list` shows without `--all`.
fn is_up(vm: &Vm) -> bool {
    matches!(vm.power_state, PowerState::Running | PowerState::Starting)
}

fn parse_tag(tag: &str) -> (String, Option<String>) {
    match tag.split_once('=') {
        Some((key, value)) => (key.into(), Some(value.into())),
        None => (tag.into(), None),
    }
}

fn columns(wide: bool, scripted: bool) -> Vec<Column> {
    let mut columns = vec![column("session", "Session")];
    if wide {
        columns.push(column("name", "VM Name"));
    }
    columns.extend([
        column("os", "OS"),
        column("status", "Status"),
        column("ip", "IP"),
        column("region", "Region"),
    ]);
    if wide {
        columns.push(column("sku", "SKU"));
    }
    columns.extend([number_column("cpu", "CPU"), number_column("mem", "Mem")]);
    if scripted {
        columns.extend([
            column("resource_group", "Resource Group"),
            column("public_ip", "Public IP"),
            column("private_ip", "Private IP"),
        ]);
    }
    columns
}

fn row(vm: &Vm, wide: bool, scripted: bool) -> Vec<Value> {
    let mut cells = vec![session_name(&vm.name).into()];
    if wide {
        cells.push(vm.name.as_str().into());
    }
    let ip = match (&vm.public_ip, &vm.private_ip) {
        (Some(public), _) => Some(format!("{public} (public)")),
        (None, Some(private)) => Some(format!("{private} (private)")),
        (None, None) => None,
    };
    cells.extend([
        vm.os_image
            .clone()
            .unwrap_or_else(|| vm.os_type.clone())
            .into(),
        power_label(vm.power_state).into(),
        ip.into(),
        vm.location.as_str().into(),
    ]);
    if wide {
        cells.push(vm.size.as_str().into());
    }
    cells.push(vm.vcpus.into());
    cells.push(
        vm.memory_mib
            .map_or(Value::Empty, |mib| Value::Bytes(mib << 20)),
    );
    if scripted {
        cells.extend([
            vm.resource_group.as_str().into(),
            vm.public_ip.clone().into(),
            vm.private_ip.clone().into(),
        ]);
    }
    cells
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
