//! `azlin session VM [NAME] [--clear]`: show, set or clear the session name
//! of a VM (kept in `session_names` of config.toml), as existing azlin does.

use azlin_sdk::prelude::*;

struct Session;

impl Command for Session {
    fn describe() -> Info {
        Info::new(
            "session",
            env!("CARGO_PKG_VERSION"),
            "Show, set or clear a VM's session name",
        )
        .description(
            "With a VM only, shows its session name; with NAME, sets it; with --clear, removes it. \
             Session names live in session_names of config.toml, which is rewritten keeping your \
             comments and other settings. The VM may be named by its VM name or its session name.",
        )
        .positional(Positional::new("vm", "VM", "VM name or session name").required())
        .positional(Positional::new(
            "name",
            "NAME",
            "the new session name (letters, digits, '-', '_')",
        ))
        .option(Opt::flag("clear", "remove the VM's session name"))
        .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let clear = args.flag("clear");
        let name = args.value("name");
        if clear && name.is_some() {
            return Err(Failure::usage("give a NAME or --clear, not both")
                .hint("azlin session VM NAME sets it; azlin session VM --clear removes it"));
        }
        let vm = vms::find(
            args.value("vm").unwrap_or_default(),
            args.value("resource-group"),
        )?;
        if clear {
            let line = match settings::set_session_name(&vm.name, None)? {
                true => format!("{}: session name cleared", vm.name),
                false => format!("{}: had no session name", vm.name),
            };
            output::text(&line);
            return Ok(());
        }
        if let Some(name) = name {
            settings::set_session_name(&vm.name, Some(name))?;
            output::text(&format!("{}: session name set to '{name}'", vm.name));
            return Ok(());
        }
        let session = settings::session_name(&vm.name)?;
        output::record(
            "session",
            vec![
                ("vm".into(), vm.name.as_str().into()),
                ("resource_group".into(), vm.resource_group.as_str().into()),
                ("session".into(), session.into()),
            ],
        )?;
        Ok(())
    }
}

azlin_sdk::export_command!(Session);
