//! `azlin tag add|remove|list VM …`: a VM's Azure tags, changed with one
//! `Virtual Machines - Update` each; the next `list` shows the change
//! without `--refresh`.

use azlin_sdk::output::{Table, column};
use azlin_sdk::prelude::*;

struct Tag;

impl Command for Tag {
    fn describe() -> Info {
        let vm = || Positional::new("vm", "VM", "VM name or session name").required();
        let group = || Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg");
        Info::new(
            "tag",
            env!("CARGO_PKG_VERSION"),
            "Add, remove or list a VM's tags",
        )
        .subcommand(
            Sub::new("add", "Set tags on a VM (KEY=VALUE …), keeping its others")
                .positional(vm())
                .positional(
                    Positional::new("tags", "KEY=VALUE", "tags to set")
                        .required()
                        .multiple(),
                )
                .option(group()),
        )
        .subcommand(
            Sub::new("remove", "Remove tags from a VM by key")
                .positional(vm())
                .positional(
                    Positional::new("keys", "KEY", "tags to remove")
                        .required()
                        .multiple(),
                )
                .option(group()),
        )
        .subcommand(
            Sub::new("list", "List a VM's tags")
                .positional(vm())
                .option(group()),
        )
    }

    fn run(args: Args) -> Result<(), Failure> {
        let subcommand = args.subcommand().unwrap_or_default();
        if !["add", "remove", "list"].contains(&subcommand) {
            return Err(
                Failure::usage("choose a subcommand: add, remove or list").hint("azlin tag --help")
            );
        }
        let set = match subcommand {
            "add" => args
                .values("tags")
                .into_iter()
                .map(parse_pair)
                .collect::<Result<Vec<_>, _>>()?,
            _ => Vec::new(),
        };
        let remove: Vec<String> = match subcommand {
            "remove" => args
                .values("keys")
                .into_iter()
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        let vm = vms::find(
            args.value("vm").unwrap_or_default(),
            args.value("resource-group"),
        )?;
        let mut tags = match subcommand {
            "list" => vm.tags.clone(),
            _ => vms::set_tags(&vms::reference(&vm), &set, &remove)?,
        };
        tags.sort();
        let mut table = Table::begin("tags", vec![column("key", "Key"), column("value", "Value")])?;
        for (key, value) in &tags {
            table.row(vec![key.as_str().into(), value.as_str().into()])?;
        }
        for key in &remove {
            if !vm.tags.iter().any(|(had, _)| had.eq_ignore_ascii_case(key)) {
                output::warn(&format!("{} had no tag '{key}'", vm.name));
            }
        }
        Ok(())
    }
}

/// `KEY=VALUE` as a pair; the value may be empty, the key may not.
fn parse_pair(raw: &str) -> Result<(String, String), Failure> {
    match raw.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(
            Failure::usage(format!("'{raw}' is not a tag: write KEY=VALUE"))
                .hint("e.g. azlin tag add my-vm owner=alice env=dev"),
        ),
    }
}

azlin_sdk::export_command!(Tag);
