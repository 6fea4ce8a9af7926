//! `azlin status`: the power state of the VMs of a resource group, or of one VM.

use azlin_sdk::bindings::azlin::host::types::Vm;
use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::{VmFilter, power_label, session_name};

struct Status;

impl Command for Status {
    fn describe() -> Info {
        Info::new(
            "status",
            env!("CARGO_PKG_VERSION"),
            "Show the state of VMs, or of one with --vm",
        )
        .option(Opt::value(
            "vm",
            "NAME",
            "one VM, by VM name or session name",
        ))
        .option(Opt::value("resource-group", "NAME", "resource group").alias("rg"))
        .option(Opt::flag("no-cache", "ask Azure instead of using cached answers").alias("refresh"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let group = args.value("resource-group");
        if let Some(name) = args.value("vm") {
            let vm = vms::find(name, group)?;
            return output::record("vm", fields(&vm));
        }
        let filter = VmFilter {
            resource_group: group.map(str::to_string),
            all_resource_groups: false,
            include_stopped: true,
            name_pattern: None,
            tags: Vec::new(),
            refresh: args.flag("no-cache"),
        };
        let mut listed = vms::list(&filter)?;
        listed.sort_by(|a, b| a.name.cmp(&b.name));
        let mut table = Table::begin(
            "vms",
            vec![
                column("name", "VM Name"),
                column("session", "Session"),
                column("status", "Status"),
                column("resource_group", "Resource Group"),
                column("sku", "SKU"),
                number_column("cpu", "CPU"),
            ],
        )?;
        table.rows(
            listed
                .iter()
                .map(|vm| {
                    vec![
                        vm.name.as_str().into(),
                        session_name(&vm.name).into(),
                        power_label(vm.power_state).into(),
                        vm.resource_group.as_str().into(),
                        vm.size.as_str().into(),
                        vm.vcpus.into(),
                    ]
                })
                .collect(),
        )?;
        Ok(())
    }
}

fn fields(vm: &Vm) -> Vec<(String, Value)> {
    vec![
        ("name".into(), vm.name.as_str().into()),
        ("session".into(), session_name(&vm.name).into()),
        ("status".into(), power_label(vm.power_state).into()),
        ("resource_group".into(), vm.resource_group.as_str().into()),
        ("region".into(), vm.location.as_str().into()),
        ("sku".into(), vm.size.as_str().into()),
        ("cpu".into(), vm.vcpus.into()),
        (
            "memory".into(),
            vm.memory_mib
                .map_or(Value::Empty, |mib| Value::Bytes(mib << 20)),
        ),
        ("public_ip".into(), vm.public_ip.clone().into()),
        ("private_ip".into(), vm.private_ip.clone().into()),
        (
            "os".into(),
            vm.os_image
                .clone()
                .unwrap_or_else(|| vm.os_type.clone())
                .into(),
        ),
        (
            "provisioning_state".into(),
            vm.provisioning_state.as_str().into(),
        ),
    ]
}

azlin_sdk::export_command!(Status);
