//! Test fixture: a well-behaved command that uses every kind of output.

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;

struct Normal;

impl Command for Normal {
    fn describe() -> Info {
        Info::new("normal", "1.2.3", "Fixture: prints a small fleet table")
            .description("A test fixture that emits a table, a record, a text line and a warning.")
            .option(Opt::value("count", "N", "how many VMs to show").default("3"))
            .option(
                Opt::value(
                    "resource-group",
                    "NAME",
                    "resource group to label rows with",
                )
                .long("resource-group")
                .alias("rg"),
            )
            .option(Opt::flag("fail", "fail with a hint and exit code 3"))
            .option(Opt::flag("fail-late", "fail after printing everything"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        if args.flag("fail") {
            return Err(Failure::new("the fixture was asked to fail")
                .hint("run it without --fail")
                .exit_code(3));
        }
        let count: i64 = args.parse("count")?.unwrap_or(3);
        let group = args.value("resource-group").map(str::to_string);
        let region = host::config("default_region")?.unwrap_or_else(|| "westus2".into());
        let mut table = Table::begin(
            "vms",
            vec![
                column("name", "Name"),
                column("resource_group", "Resource Group"),
                column("region", "Region"),
                number_column("cpus", "CPU"),
                column("running", "Running"),
                number_column("uptime", "Uptime"),
            ],
        )?;
        for i in 1..=count {
            table.row(vec![
                format!("vm-{i}").into(),
                group.clone().into(),
                region.as_str().into(),
                (2 * i).into(),
                (i % 2 == 1).into(),
                Value::DurationMs(i as u64 * 90_000),
            ])?;
        }
        output::record(
            "summary",
            vec![
                ("total".into(), count.into()),
                ("host_version".into(), host::version().into()),
            ],
        )?;
        output::text(&format!("Total: {count} VMs"));
        output::warn("this output comes from a test fixture");
        if args.flag("fail-late") {
            return Err(Failure::new("the fixture failed after its output"));
        }
        Ok(())
    }
}

azlin_sdk::export_command!(Normal);
