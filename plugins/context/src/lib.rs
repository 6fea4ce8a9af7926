//! `azlin context list|show|use|create|delete|rename|migrate`: the contexts existing
//! azlin keeps in `~/.azlin/contexts/<name>.toml`, the active one named in
//! `~/.azlin/active-context`. The next command after `use` works in the new
//! context's subscription.

use azlin_sdk::output::{Table, column};
use azlin_sdk::prelude::*;
use azlin_sdk::settings::Context as Stored;

struct Context;

impl Command for Context {
    fn describe() -> Info {
        let name = || Positional::new("name", "NAME", "the context's name").required();
        Info::new(
            "context",
            env!("CARGO_PKG_VERSION"),
            "List, show, switch, create, delete or rename contexts (subscriptions)",
        )
        .description(
            "A context is a subscription with its tenant, resource group and region, kept in \
             ~/.azlin/contexts/NAME.toml. `use` makes one active: every later command works in its \
             subscription. The active context is only deleted with --force, which leaves no \
             context active.",
        )
        .subcommand(Sub::new(
            "list",
            "List the contexts; the active one is marked",
        ))
        .subcommand(Sub::new("show", "Show the active context").alias("current"))
        .subcommand(
            Sub::new("use", "Make a context the active one")
                .alias("switch")
                .positional(name()),
        )
        .subcommand(
            Sub::new("create", "Create a context (not made active)")
                .positional(name())
                .option(Opt::value(
                    "subscription-id",
                    "GUID",
                    "its subscription (default: the one commands work in now)",
                ))
                .option(Opt::value("tenant-id", "GUID", "its tenant"))
                .option(
                    Opt::value("resource-group", "NAME", "its default resource group").alias("rg"),
                )
                .option(Opt::value(
                    "region",
                    "REGION",
                    "its default region, e.g. westus2",
                ))
                .option(Opt::value("key-vault-name", "NAME", "its key vault")),
        )
        .subcommand(
            Sub::new("delete", "Delete a context")
                .positional(name())
                .option(Opt::flag("force", "delete it even if it is the active one").short('f')),
        )
        .subcommand(
            Sub::new(
                "migrate",
                "Move contexts older versions kept in config.toml into contexts/",
            )
            .option(Opt::flag(
                "force",
                "write over context files of the same name",
            )),
        )
        .subcommand(
            Sub::new("rename", "Rename a context")
                .positional(Positional::new("old", "OLD", "its current name").required())
                .positional(Positional::new("new", "NEW", "its new name").required()),
        )
    }

    fn run(args: Args) -> Result<(), Failure> {
        let name = || args.value("name").unwrap_or_default();
        match args.subcommand() {
            Some("list") => list(),
            Some("show") => match settings::current_context()? {
                Some(context) => output::record("context", fields(&context)),
                None => {
                    output::text("no context is active (azlin context use NAME chooses one)");
                    Ok(())
                }
            },
            Some("use") => {
                let context = settings::use_context(name())?;
                let subscription = context.subscription_id.as_deref().unwrap_or("none set");
                output::text(&format!(
                    "Switched to context '{}' (subscription {subscription})",
                    context.name
                ));
                Ok(())
            }
            Some("create") => {
                let wanted = Stored {
                    name: name().to_string(),
                    subscription_id: args.value("subscription-id").map(str::to_string),
                    tenant_id: args.value("tenant-id").map(str::to_string),
                    resource_group: args.value("resource-group").map(str::to_string),
                    region: args.value("region").map(str::to_string),
                    key_vault_name: args.value("key-vault-name").map(str::to_string),
                    active: false,
                };
                let created = settings::create_context(&wanted)?;
                output::text(&format!(
                    "Created context '{0}'; `azlin context use {0}` makes it active",
                    created.name
                ));
                Ok(())
            }
            Some("delete") => {
                settings::delete_context(name(), args.flag("force"))?;
                output::text(&format!("Deleted context '{}'", name()));
                Ok(())
            }
            Some("rename") => {
                let old = args.value("old").unwrap_or_default();
                let renamed = settings::rename_context(old, args.value("new").unwrap_or_default())?;
                output::text(&format!("Renamed context '{old}' to '{}'", renamed.name));
                Ok(())
            }
            Some("migrate") => migrate(args.flag("force")),
            _ => Err(Failure::usage(
                "choose a subcommand: list, show, use, create, delete, rename or migrate",
            )
            .hint("azlin context --help")),
        }
    }
}

/// `migrate`: each context found in config.toml and what became of it.
fn migrate(force: bool) -> Result<(), Failure> {
    let done = settings::migrate_contexts(force)?;
    if done.is_empty() {
        output::text("config.toml holds no contexts to migrate");
        return Ok(());
    }
    let mut table = Table::begin(
        "migrated",
        vec![column("name", "Context"), column("status", "Status")],
    )?;
    for (name, migration) in &done {
        let status = match migration {
            settings::Migration::Created => "created",
            settings::Migration::Replaced => "replaced",
            settings::Migration::Kept => "kept (exists; --force replaces it)",
        };
        table.row(vec![name.as_str().into(), status.into()])?;
    }
    Ok(())
}

/// Every context as a table; the active one marked `*`.
fn list() -> Result<(), Failure> {
    let contexts = settings::contexts()?;
    let mut table = Table::begin(
        "contexts",
        vec![
            column("active", "Active"),
            column("name", "Name"),
            column("subscription_id", "Subscription"),
            column("tenant_id", "Tenant"),
            column("resource_group", "Resource Group"),
            column("region", "Region"),
        ],
    )?;
    for context in &contexts {
        table.row(vec![
            context.active.into(),
            context.name.as_str().into(),
            context.subscription_id.clone().into(),
            context.tenant_id.clone().into(),
            context.resource_group.clone().into(),
            context.region.clone().into(),
        ])?;
    }
    if contexts.is_empty() {
        output::text("no contexts (azlin context create NAME --subscription-id GUID makes one)");
    }
    Ok(())
}

/// A context as the fields of a record.
fn fields(context: &Stored) -> Vec<(String, Value)> {
    vec![
        ("name".into(), context.name.as_str().into()),
        (
            "subscription_id".into(),
            context.subscription_id.clone().into(),
        ),
        ("tenant_id".into(), context.tenant_id.clone().into()),
        (
            "resource_group".into(),
            context.resource_group.clone().into(),
        ),
        ("region".into(), context.region.clone().into()),
        (
            "key_vault_name".into(),
            context.key_vault_name.clone().into(),
        ),
    ]
}

azlin_sdk::export_command!(Context);
