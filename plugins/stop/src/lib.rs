//! `azlin stop VM`: deallocate a VM (no compute billed), or with
//! `--no-deallocate` only power it off, as existing azlin does.

use azlin_sdk::prelude::*;

struct Stop;

impl Command for Stop {
    fn describe() -> Info {
        Info::new(
            "stop",
            env!("CARGO_PKG_VERSION"),
            "Stop a VM (deallocates unless --no-deallocate)",
        )
        .positional(Positional::new("vm", "VM", "VM name or session name").required())
        .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
        .option(Opt::flag(
            "no-deallocate",
            "only power off; the VM stays allocated and billed",
        ))
        .option(
            Opt::value(
                "deallocate",
                "BOOL",
                "existing azlin's spelling: true (the default) deallocates, false only powers off",
            )
            .choices(&["true", "false"]),
        )
    }

    fn run(args: Args) -> Result<(), Failure> {
        let name = args.value("vm").unwrap_or_default();
        let vm = vms::find(name, args.value("resource-group"))?;
        let reference = vms::reference(&vm);
        let deallocate = match (args.flag("no-deallocate"), args.value("deallocate")) {
            (true, Some("true")) => {
                return Err(Failure::usage(
                    "--no-deallocate and --deallocate true contradict each other; pass one",
                ));
            }
            (no, value) => !no && value != Some("false"),
        };
        let state = if !deallocate {
            vms::power_off(&reference)?
        } else {
            vms::deallocate(&reference)?
        };
        vms::announce(&vm, state);
        Ok(())
    }
}

azlin_sdk::export_command!(Stop);
