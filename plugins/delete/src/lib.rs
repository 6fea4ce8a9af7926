//! `azlin delete VM` removes the VM; `azlin kill VM` removes it with its
//! NIC, public IP and OS disk. Both ask first unless `-f/--force`.

use azlin_sdk::output::{Table, column};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::reference;

struct Delete;

impl Command for Delete {
    fn describe() -> Info {
        Info::new(
            "delete",
            env!("CARGO_PKG_VERSION"),
            "Delete a VM (kill: with its NIC, IP and disk)",
        )
        .alias("kill")
        .description(
            "`delete VM` deletes the VM and leaves its NIC, public IP and OS disk; `kill VM` \
                 deletes those too. Either asks first unless --force, waits until Azure is done, \
                 and lists what it deleted.",
        )
        .positional(Positional::new("vm", "VM", "VM name or session name").required())
        .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
        .option(Opt::flag("force", "do it without asking").short('f'))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let vm = vms::find(
            args.value("vm").unwrap_or_default(),
            args.value("resource-group"),
        )?;
        let with_resources = host::invocation().command == "kill";
        let what = if with_resources {
            "with its NIC, public IP and OS disk"
        } else {
            "(its NIC, public IP and OS disk stay)"
        };
        let question = format!("Delete VM '{}' in {} {what}?", vm.name, vm.resource_group);
        if !args.flag("force") && !output::confirm(&question, "add --force to go ahead")? {
            return Err(Failure::new(format!("VM '{}' was not deleted", vm.name)));
        }
        let deleted = vms::delete(&reference(&vm), with_resources)?;
        let mut table = Table::begin("deleted", vec![column("id", "Deleted")])?;
        table.rows(deleted.iter().map(|id| vec![id.as_str().into()]).collect())?;
        Ok(())
    }
}

azlin_sdk::export_command!(Delete);
