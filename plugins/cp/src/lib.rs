//! `azlin cp SOURCE… DEST`: files between this machine and a VM, either
//! way, `VM:PATH` naming the VM's side (a VM name, session name or IP).

use azlin_sdk::output::{Table, column, number_column};
use azlin_sdk::prelude::*;
use azlin_sdk::transfer::{self, CopyOptions, Machine, Place};
use azlin_sdk::vms::reference;
use std::net::IpAddr;

struct Cp;

impl Command for Cp {
    fn describe() -> Info {
        Info::new(
            "cp",
            env!("CARGO_PKG_VERSION"),
            "Copy files to or from a VM",
        )
        .description(
            "Copies files over SFTP on the pooled connection: `cp FILE… VM:PATH` uploads, \
                 `cp VM:PATH… DIR` downloads (VM is a VM name, session name or IP address). A \
                 file is written under a .azlin-part name and renamed into place when complete, \
                 so a copy cut off midway never leaves a partial file under the final name.",
        )
        .positional(
            Positional::new("paths", "PATH", "sources, then the destination")
                .required()
                .multiple(),
        )
        .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
        .option(Opt::value(
            "user",
            "USER",
            "remote user (default: the configured one)",
        ))
        .option(Opt::flag(
            "dry-run",
            "show what would be copied; copy nothing",
        ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let typed = args.values("paths");
        let Some((destination, sources)) = typed.split_last().filter(|(_, s)| !s.is_empty()) else {
            return Err(
                Failure::usage("cp needs at least one source and a destination")
                    .hint("azlin cp FILE… VM:PATH, or azlin cp VM:PATH… DIR"),
            );
        };
        let group = args.value("resource-group");
        let sources = sources
            .iter()
            .map(|path| place(path, group))
            .collect::<Result<Vec<_>, _>>()?;
        let destination = place(destination, group)?;
        let options = CopyOptions {
            user: args.value("user").map(str::to_string),
            dry_run: args.flag("dry-run"),
        };
        let copied = transfer::copy(&sources, &destination, &options)?;
        let title = if options.dry_run {
            "would copy"
        } else {
            "copied"
        };
        let mut table = Table::begin(
            "copied",
            vec![
                column("source", "Source"),
                column("destination", "Destination"),
                number_column("bytes", "Bytes"),
            ],
        )?;
        table.rows(
            copied
                .iter()
                .map(|file| {
                    vec![
                        file.source.as_str().into(),
                        file.destination.as_str().into(),
                        Value::Bytes(file.bytes),
                    ]
                })
                .collect(),
        )?;
        output::text(&format!("{title} {} file(s)", copied.len()));
        Ok(())
    }
}

/// `typed` as one end of the copy: `VM:PATH` (no `/` before the colon), or
/// a local path.
fn place(typed: &str, group: Option<&str>) -> Result<Place, Failure> {
    let Some((host, path)) = typed
        .split_once(':')
        .filter(|(host, _)| !host.contains('/'))
    else {
        return Ok(Place::Local(typed.to_string()));
    };
    if host.is_empty() || path.is_empty() {
        return Err(Failure::usage(format!(
            "'{typed}' is not VM:PATH: {} is empty",
            if host.is_empty() {
                "the VM"
            } else {
                "the path"
            }
        ))
        .hint("e.g. azlin cp notes.txt myvm:/home/azureuser/"));
    }
    let host = match host.parse::<IpAddr>() {
        Ok(_) => Machine::Address(host.to_string()),
        Err(_) => Machine::Vm(reference(&vms::find(host, group)?)),
    };
    Ok(Place::Remote((host, path.to_string())))
}

azlin_sdk::export_command!(Cp);
