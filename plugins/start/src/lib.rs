//! `azlin start VM`: start a VM and wait until Azure reports it done.

use azlin_sdk::prelude::*;

struct Start;

impl Command for Start {
    fn describe() -> Info {
        Info::new("start", env!("CARGO_PKG_VERSION"), "Start a VM")
            .positional(Positional::new("vm", "VM", "VM name or session name").required())
            .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let name = args.value("vm").unwrap_or_default();
        let vm = vms::find(name, args.value("resource-group"))?;
        let state = vms::start(&vms::reference(&vm))?;
        vms::announce(&vm, state);
        Ok(())
    }
}

azlin_sdk::export_command!(Start);
