//! `azlin doctor`: what azlin will use on this machine, and what to set.

use azlin_sdk::output::{Table, column};
use azlin_sdk::prelude::*;

/// Settings of `config.toml` other commands fall back on, and what for.
const SETTINGS: &[(&str, &str)] = &[
    (
        "default_resource_group",
        "resource group when --rg is not given",
    ),
    ("default_region", "region of new VMs"),
    ("default_vm_size", "size of new VMs"),
    ("default_vm_image", "image of new VMs"),
];

struct Doctor;

impl Command for Doctor {
    fn describe() -> Info {
        Info::new(
            "doctor",
            env!("CARGO_PKG_VERSION"),
            "Show the settings azlin will use and what to fix",
        )
        .description(
            "Lists the configuration values other commands fall back on, \
                 and says how to set the ones that are missing.",
        )
    }

    fn run(_args: Args) -> Result<(), Failure> {
        let invocation = host::invocation();
        output::record(
            "azlin",
            vec![
                ("version".into(), host::version().into()),
                ("output".into(), format_name(invocation.format).into()),
                ("interactive".into(), invocation.interactive.into()),
            ],
        )?;
        let mut table = Table::begin(
            "settings",
            vec![
                column("key", "Setting"),
                column("value", "Value"),
                column("used_for", "Used for"),
            ],
        )?;
        let mut missing = Vec::new();
        for (key, used_for) in SETTINGS {
            let value = host::config(key)?;
            if value.is_none() {
                missing.push(*key);
            }
            table.row(vec![(*key).into(), value.into(), (*used_for).into()])?;
        }
        for key in missing {
            output::text(&format!("{key} is not set: azlin config set {key} VALUE"));
        }
        Ok(())
    }
}

fn format_name(format: host::OutputFormat) -> &'static str {
    match format {
        host::OutputFormat::Table => "table",
        host::OutputFormat::Json => "json",
        host::OutputFormat::Csv => "csv",
        host::OutputFormat::Tsv => "tsv",
    }
}

azlin_sdk::export_command!(Doctor);
