//! Test fixture: a command that imports `azlin:host/vms` (capability
//! azure-read), to test capabilities derived from imports.

use azlin_sdk::bindings::azlin::host::vms::{self, VmFilter};
use azlin_sdk::prelude::*;

struct Reader;

impl Command for Reader {
    fn describe() -> Info {
        Info::new(
            "reader",
            "0.1.0",
            "Fixture: lists VMs through azlin:host/vms",
        )
        .option(Opt::value(
            "refresh",
            "N",
            "list N times, each asking the host to re-read Azure",
        ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let times: u32 = args.parse("refresh")?.unwrap_or(1);
        let filter = VmFilter {
            resource_group: None,
            all_resource_groups: true,
            include_stopped: true,
            name_pattern: None,
            tags: Vec::new(),
            refresh: args.value("refresh").is_some(),
        };
        let mut listed = Vec::new();
        for _ in 0..times {
            listed = vms::list_vms(&filter)?;
        }
        output::text(&format!("{} VMs", listed.len()));
        Ok(())
    }
}

azlin_sdk::export_command!(Reader);
