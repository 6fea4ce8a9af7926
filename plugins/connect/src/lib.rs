//! `azlin connect [VM] [-- COMMAND…]`: the terminal joined to a VM over the
//! host's pooled SSH connection, in the VM's tmux session by default. The
//! plugin picks the VM and what runs; the host carries the keystrokes.

use azlin_sdk::PowerState;
use azlin_sdk::prelude::*;
use azlin_sdk::terminal::{AttachOptions, Destination};
use azlin_sdk::vms::{in_scope, reference, session_name};
use std::net::IpAddr;

/// Existing azlin's `--max-retries` default.
const DEFAULT_RETRIES: u32 = 3;

struct Connect;

impl Command for Connect {
    fn describe() -> Info {
        Info::new(
            "connect",
            env!("CARGO_PKG_VERSION"),
            "Open a terminal on a VM",
        )
        .description(
            "Joins this terminal to a VM (by VM name, session name or IP address; with \
                 none named, the running one, or the one picked from a list) over the \
                 pooled SSH connection, attaching to or creating its tmux session (named \
                 for its session name, else the VM) unless --no-tmux. After `--`, runs that \
                 command instead and exits with its status. An interactive session whose \
                 connection drops is opened again, up to --max-retries times.",
        )
        .positional(Positional::new(
            "vm",
            "VM",
            "VM name, session name or IP address (default: the running one)",
        ))
        .positional(
            Positional::new(
                "command",
                "COMMAND",
                "run this instead of a shell (after --)",
            )
            .multiple(),
        )
        .option(Opt::value("resource-group", "NAME", "resource group of the VM").alias("rg"))
        .option(Opt::flag(
            "no-tmux",
            "open a plain shell, not the tmux session",
        ))
        .option(Opt::value(
            "tmux-session",
            "NAME",
            "tmux session to attach to or create",
        ))
        .option(Opt::value(
            "user",
            "USER",
            "remote user (default: the configured one)",
        ))
        .option(Opt::value("key", "PATH", "private key to log in with"))
        .option(Opt::flag(
            "no-reconnect",
            "do not reconnect a dropped session",
        ))
        .option(Opt::value(
            "max-retries",
            "N",
            "reconnects of a dropped session (default 3)",
        ))
        .option(Opt::flag("yes", "start the VM first if it is stopped, without asking").short('y'))
        .option(Opt::flag(
            "no-status",
            "do not print the line naming the VM, address and session before an interactive session",
        ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let typed = Typed::read(&args);
        let (destination, session) =
            destination(typed.vm, args.value("resource-group"), args.flag("yes"))?;
        // A command given is never run twice behind the user's back.
        let interactive = typed.command.is_empty();
        let reconnects = if interactive && !args.flag("no-reconnect") {
            args.parse("max-retries")?.unwrap_or(DEFAULT_RETRIES)
        } else {
            0
        };
        let command = command(&args, &typed.command, session);
        if interactive && !args.flag("no-status") {
            output::text(&status(&destination, command.as_deref()));
        }
        let options = AttachOptions {
            command,
            user: args.value("user").map(str::to_string),
            key: args.value("key").map(str::to_string),
            reconnects,
        };
        match terminal::attach(&destination, &options)? {
            Some(0) => Ok(()),
            // The remote status is the exit code, with nothing more to say.
            Some(status) => Err(Failure::new("").exit_code(status.clamp(1, 255) as u8)),
            None => Err(Failure::new("the remote side was ended by a signal").exit_code(255)),
        }
    }
}

/// What runs on the VM: the command after `--`, else the tmux session
/// (`tmux new-session -A -s NAME`, as azlin users know it), else the login
/// shell.
fn command(args: &Args, given: &[&str], session: Option<String>) -> Option<String> {
    if !given.is_empty() {
        return Some(given.join(" "));
    }
    if args.flag("no-tmux") {
        return None;
    }
    let name = args
        .value("tmux-session")
        .map(str::to_string)
        .or(session)
        .unwrap_or_else(|| "azlin".into());
    Some(format!(
        "tmux new-session -A -s {}",
        azlin_sdk::shell::word(&name)
    ))
}

/// The line shown before an interactive session: where it goes, and into
/// which tmux session.
fn status(destination: &Destination, command: Option<&str>) -> String {
    let place = match destination {
        Destination::Vm(vm) => format!("{} ({})", vm.name, vm.resource_group),
        Destination::Address(address) => address.clone(),
    };
    match command {
        Some(tmux) => format!("connecting to {place}: {tmux}"),
        None => format!("connecting to {place}: a login shell"),
    }
}

/// Where to attach, and the tmux session named for the VM (none for an
/// address): the VM typed (started first if the user agrees), else the one
/// running.
fn destination(
    typed: Option<&str>,
    group: Option<&str>,
    yes: bool,
) -> Result<(Destination, Option<String>), Failure> {
    let vm = match typed {
        Some(address) if address.parse::<IpAddr>().is_ok() => {
            return Ok((Destination::Address(address.to_string()), None));
        }
        Some(name) => {
            let vm = vms::find(name, group)?;
            ensure_running(&vm, yes)?;
            vm
        }
        None => running_vm(group)?,
    };
    let session = session_name(&vm.name).unwrap_or_else(|| vm.name.clone());
    Ok((Destination::Vm(reference(&vm)), Some(session)))
}

/// What the user typed: the VM, if they named one, and the command after
/// `--`. Both are positionals, so `connect -- uptime` fills `vm` with
/// `uptime`; the words after `--` say whether it came after it.
struct Typed<'a> {
    vm: Option<&'a str>,
    command: Vec<&'a str>,
}

impl<'a> Typed<'a> {
    fn read(args: &'a Args) -> Self {
        let vm = args.value("vm");
        let command = args.values("command");
        match args.separated() {
            Some(after) if vm.is_some() && after.len() == command.len() + 1 => Self {
                vm: None,
                command: after,
            },
            _ => Self { vm, command },
        }
    }
}

/// With no VM named: the one running VM of `group` (or of the
/// subscription); with several, the one the user picks on a terminal, else
/// a failure naming them.
fn running_vm(group: Option<&str>) -> Result<azlin_sdk::Vm, Failure> {
    let mut running: Vec<azlin_sdk::Vm> = vms::list(&in_scope(group, false))?
        .into_iter()
        .filter(|vm| vm.power_state == PowerState::Running)
        .collect();
    match running.len() {
        0 => Err(Failure::new("no VM is running to connect to")
            .hint("azlin list --all shows the VMs; azlin start NAME starts one")),
        1 => Ok(running.remove(0)),
        _ => {
            let names: Vec<String> = running.iter().map(|vm| vm.name.clone()).collect();
            let unasked = Failure::usage(format!(
                "{} VMs are running; name the one to connect to: {}",
                names.len(),
                names.join(", ")
            ))
            .hint("azlin connect NAME");
            match output::choose("Connect to which VM?", &names, unasked)? {
                Some(index) => Ok(running.swap_remove(index)),
                None => Err(Failure::new("no VM picked")),
            }
        }
    }
}

/// Starts a stopped VM when the user says so (`--yes`, or yes when asked).
fn ensure_running(vm: &azlin_sdk::Vm, yes: bool) -> Result<(), Failure> {
    if vm.power_state == PowerState::Running {
        return Ok(());
    }
    let question = format!("VM '{}' is not running; start it?", vm.name);
    let hint = format!("start it with `azlin start {}` or add --yes", vm.name);
    if !yes && !output::confirm(&question, &hint)? {
        return Err(Failure::new(format!("VM '{}' is not running", vm.name)).hint(hint));
    }
    vms::start(&reference(vm))?;
    Ok(())
}

azlin_sdk::export_command!(Connect);
