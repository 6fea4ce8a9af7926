//! Test fixture: a hostile plugin granted file-transfer, terminal and
//! vm-control that reaches past what the user gave it (local files it was
//! not handed, azlin's own state, VMs of other resource groups, key files)
//! and records what each attempt got, so tests can assert every one failed.

use azlin_sdk::HostError;
use azlin_sdk::bindings::azlin::host::{terminal, transfer, vm_control};
use azlin_sdk::prelude::*;
use azlin_sdk::{Sub, VmRef};

struct Trespass;

impl Command for Trespass {
    fn describe() -> Info {
        Info::new("trespass", "0.1.0", "Fixture: reaches past its grant")
            .subcommand(
                Sub::new("files", "read and write local files it was not given")
                    .option(Opt::value("vm", "VM", "a VM in scope to copy to and from"))
                    .option(Opt::value("group", "NAME", "the VM's resource group"))
                    .option(Opt::value(
                        "given",
                        "PATH",
                        "a path the user typed (tries it, and paths made from it)",
                    )),
            )
            .subcommand(
                Sub::new("arm", "act on VMs outside its resource groups")
                    .option(Opt::value("group", "NAME", "the group it may use"))
                    .option(Opt::value(
                        "victim-group",
                        "NAME",
                        "a group outside its scope",
                    ))
                    .option(Opt::value("victim", "VM", "a VM of that group")),
            )
            .subcommand(
                Sub::new("key", "log in with key files it was not given")
                    .option(Opt::value("vm", "VM", "a VM in scope"))
                    .option(Opt::value("group", "NAME", "the VM's resource group")),
            )
    }

    fn run(args: Args) -> Result<(), Failure> {
        let attempts = match args.subcommand() {
            Some("files") => files(&args),
            Some("arm") => arm(&args),
            Some("key") => key(&args),
            _ => Vec::new(),
        };
        output::record(
            "attempts",
            attempts
                .into_iter()
                .map(|(what, got)| (what, Value::Text(got)))
                .collect(),
        )?;
        Ok(())
    }
}

/// What one host call gave back: `ok: …`, or the error's case and text.
fn outcome<T: std::fmt::Debug>(result: Result<T, HostError>) -> String {
    match result {
        Ok(value) => format!("ok: {value:?}"),
        Err(HostError::AccessDenied(why)) => format!("access-denied: {why}"),
        Err(HostError::InvalidInput(why)) => format!("invalid-input: {why}"),
        Err(other) => format!("other: {other:?}"),
    }
}

fn vm(args: &Args) -> transfer::Machine {
    transfer::Machine::Vm(VmRef {
        resource_group: args.value("group").unwrap_or("rg-0").into(),
        name: args.value("vm").unwrap_or("vm-0000").into(),
    })
}

/// Local paths the user never typed, or made from one they did.
fn untyped(given: &str) -> Vec<String> {
    vec![
        "/etc/hostname".into(),
        "~/.ssh/azlin_key".into(),
        "~/.bashrc".into(),
        "../outside".into(),
        format!("{given}/../outside"),
        format!("{given}/./x"),
        format!("./{given}"),
        format!("{given}/"),
    ]
}

fn files(args: &Args) -> Vec<(String, String)> {
    let given = args.value("given").unwrap_or("given");
    let options = transfer::CopyOptions {
        user: None,
        dry_run: false,
    };
    let remote = |path: &str| transfer::Place::Remote((vm(args), path.into()));
    let local = |path: &str| transfer::Place::Local(path.into());
    let mut attempts = Vec::new();
    let mut paths = untyped(given);
    paths.push(given.to_string());
    for path in paths {
        let up = transfer::copy(&[local(&path)], &remote("/tmp/trespass-up"), &options);
        attempts.push((format!("upload {path}"), outcome(up)));
        let down = transfer::copy(&[remote("/etc/hostname")], &local(&path), &options);
        attempts.push((format!("download to {path}"), outcome(down)));
    }
    for name in ["/tmp/..", "/tmp/."] {
        let into = transfer::copy(&[remote(name)], &local(given), &options);
        attempts.push((format!("download {name} into {given}"), outcome(into)));
    }
    attempts
}

fn arm(args: &Args) -> Vec<(String, String)> {
    let group = args.value("group").unwrap_or("rg-1");
    let victim_group = args.value("victim-group").unwrap_or("rg-0");
    let victim = args.value("victim").unwrap_or("vm-0000");
    let path = format!("providers/Microsoft.Compute/virtualMachines/{victim}");
    let refs = [
        (group.to_string(), format!("../../{victim_group}/{path}")),
        (
            group.to_string(),
            format!("%2e%2e/%2e%2e/{victim_group}/{path}"),
        ),
        (
            group.to_string(),
            format!("x/..%2f..%2f{victim_group}%2f{path}"),
        ),
        (format!("{group}/../{victim_group}"), victim.to_string()),
        (format!("{group}/%2E%2E/{victim_group}"), victim.to_string()),
        (victim_group.to_uppercase(), victim.to_string()),
        (victim_group.to_string(), victim.to_string()),
    ];
    let mut attempts = Vec::new();
    for (resource_group, name) in refs {
        let vm = VmRef {
            resource_group,
            name,
        };
        let label = |action: &str| format!("{action} {}/{}", vm.resource_group, vm.name);
        attempts.push((label("start"), outcome(vm_control::start(&vm))));
        attempts.push((label("stop"), outcome(vm_control::stop(&vm))));
        attempts.push((label("deallocate"), outcome(vm_control::deallocate(&vm))));
        attempts.push((label("restart"), outcome(vm_control::restart(&vm))));
        let tags = vm_control::set_tags(&vm, &[("owned".into(), "yes".into())], &[]);
        attempts.push((label("set-tags"), outcome(tags)));
        attempts.push((label("delete"), outcome(vm_control::delete(&vm, true))));
    }
    attempts
}

fn key(args: &Args) -> Vec<(String, String)> {
    let destination = terminal::Destination::Vm(VmRef {
        resource_group: args.value("group").unwrap_or("rg-0").into(),
        name: args.value("vm").unwrap_or("vm-0000").into(),
    });
    [
        "~/.ssh/id_rsa",
        "/etc/hostname",
        "/no/such/key",
        "~/.azlin/config.toml",
    ]
    .into_iter()
    .map(|key| {
        let options = terminal::AttachOptions {
            command: Some("true".into()),
            user: None,
            key: Some(key.into()),
            reconnects: 0,
        };
        let attached = terminal::attach(&destination, &options);
        (format!("attach with {key}"), outcome(attached))
    })
    .collect()
}

azlin_sdk::export_command!(Trespass);
