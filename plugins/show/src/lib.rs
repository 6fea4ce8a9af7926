//! `azlin show VM`: everything azlin knows of one VM, as a record (two
//! columns in a table, an object in JSON).

use azlin_sdk::prelude::*;
use azlin_sdk::vms::{power_label, session_name};

struct Show;

impl Command for Show {
    fn describe() -> Info {
        Info::new("show", env!("CARGO_PKG_VERSION"), "Show one VM in full")
            .description(
                "Shows a VM's name, session, power and provisioning state, addresses, size with \
                 its CPUs and memory, OS, region, resource group, subscription, ARM id and tags.",
            )
            .positional(Positional::new("vm", "VM", "VM name or session name").required())
            .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let vm = vms::find(
            args.value("vm").unwrap_or_default(),
            args.value("resource-group"),
        )?;
        let tags: Vec<String> = {
            let mut tags: Vec<String> = vm
                .tags
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            tags.sort();
            tags
        };
        let fields: Vec<(String, Value)> = vec![
            ("name".into(), vm.name.as_str().into()),
            ("session".into(), session_name(&vm.name).into()),
            ("status".into(), power_label(vm.power_state).into()),
            (
                "provisioning_state".into(),
                vm.provisioning_state.as_str().into(),
            ),
            ("resource_group".into(), vm.resource_group.as_str().into()),
            ("subscription_id".into(), vm.subscription_id.as_str().into()),
            ("region".into(), vm.location.as_str().into()),
            ("size".into(), vm.size.as_str().into()),
            ("cpu".into(), vm.vcpus.into()),
            (
                "memory".into(),
                vm.memory_mib
                    .map_or(Value::Empty, |mib| Value::Bytes(mib << 20)),
            ),
            ("os_type".into(), vm.os_type.as_str().into()),
            ("os_image".into(), vm.os_image.clone().into()),
            ("public_ip".into(), vm.public_ip.clone().into()),
            ("private_ip".into(), vm.private_ip.clone().into()),
            ("tags".into(), Value::Texts(tags)),
            ("id".into(), vm.id.as_str().into()),
        ];
        output::record("vm", fields)
    }
}

azlin_sdk::export_command!(Show);
