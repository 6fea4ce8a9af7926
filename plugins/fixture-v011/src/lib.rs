//! Test fixture: a plugin built against the frozen azlin:host@0.1.1 contract
//! the host still serves (`wit/v0.1`), calling every 0.1 interface with a
//! capability, to prove each still works on a 0.2 host.

wit_bindgen::generate!({ path: "../../wit/v0.1", world: "azlin:host/command" });

use azlin::host::host_info::OutputFormat;
use azlin::host::output::{self, Align, Column};
use azlin::host::remote::{self, Batch, ExecOptions, Target};
use azlin::host::types::{PowerState, Value, Vm, VmRef};
use azlin::host::{cache, host_info, vm_control, vms};
use std::collections::HashMap;

struct V011;

impl Guest for V011 {
    fn describe() -> CommandInfo {
        CommandInfo {
            name: "v011".into(),
            version: "0.1.1".into(),
            summary: "Fixture: built against azlin:host@0.1.1".into(),
            description: String::new(),
            aliases: Vec::new(),
            options: Vec::new(),
            positionals: Vec::new(),
            subcommands: Vec::new(),
        }
    }

    fn run(_args: ParsedArgs) -> Result<(), Failure> {
        let listed = vms::list_vms(&vms::VmFilter {
            resource_group: None,
            all_resource_groups: true,
            include_stopped: true,
            name_pattern: None,
            tags: Vec::new(),
            refresh: false,
        })
        .map_err(failure)?;
        let running: Vec<&Vm> = listed
            .iter()
            .filter(|vm| vm.power_state == PowerState::Running)
            .collect();
        let answers = fan_out(&running)?;
        table(&listed, &answers)?;
        let first = running.first().ok_or_else(|| failure("no running VM"))?;
        let exec = remote::exec(&target(first), "echo exec-ok", &options()).map_err(failure)?;
        cache::put("probe", b"v011", 60).map_err(failure)?;
        let cached = cache::get("probe").map_err(failure)?.unwrap_or_default();
        let restarted = vm_control::restart(&vm_ref(first)).map_err(failure)?;
        output::record(
            "checks",
            &[
                ("exec".into(), Value::Text(text(&exec.stdout))),
                ("cache".into(), Value::Text(text(&cached))),
                (
                    "restarted".into(),
                    Value::Text(format!("{}: {}", first.name, state(restarted))),
                ),
                (
                    "json".into(),
                    Value::Boolean(host_info::invocation().format == OutputFormat::Json),
                ),
            ],
        )
        .map_err(failure)
    }
}

/// `echo from-v011` on every running VM through a batch, by VM name.
fn fan_out(running: &[&Vm]) -> Result<HashMap<String, String>, Failure> {
    let targets: Vec<Target> = running.iter().map(|vm| target(vm)).collect();
    let batch = Batch::new(&targets, "echo from-v011", &options(), None);
    let mut answers = HashMap::new();
    while let Some(done) = batch.next().map_err(failure)? {
        let Target::Vm(vm) = done.target else {
            return Err(failure("a batch result for an address"));
        };
        let output = done.outcome.map_err(failure)?;
        output::report_progress(&output::Progress {
            label: "fan-out".into(),
            done: answers.len() as u64 + 1,
            total: Some(targets.len() as u64),
        });
        answers.insert(vm.name, text(&output.stdout));
    }
    Ok(answers)
}

fn table(listed: &[Vm], answers: &HashMap<String, String>) -> Result<(), Failure> {
    let column = |key: &str, align| Column {
        key: key.into(),
        title: key.into(),
        align,
    };
    output::begin_table(
        "vms",
        &[
            column("vm", Align::Left),
            column("state", Align::Left),
            column("answer", Align::Right),
        ],
    )
    .map_err(failure)?;
    for vm in listed {
        let answer = answers
            .get(&vm.name)
            .map_or(Value::Empty, |text| Value::Text(text.clone()));
        let state = Value::Text(state(vm.power_state).into());
        output::row(&[Value::Text(vm.name.clone()), state, answer]).map_err(failure)?;
    }
    Ok(())
}

fn state(power: PowerState) -> &'static str {
    match power {
        PowerState::Running => "running",
        _ => "not running",
    }
}

fn vm_ref(vm: &Vm) -> VmRef {
    VmRef {
        resource_group: vm.resource_group.clone(),
        name: vm.name.clone(),
    }
}

fn target(vm: &Vm) -> Target {
    Target::Vm(vm_ref(vm))
}

fn options() -> ExecOptions {
    ExecOptions {
        timeout_ms: Some(20_000),
        user: None,
        stdin: None,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

fn failure(error: impl std::fmt::Debug) -> Failure {
    Failure {
        message: format!("{error:?}"),
        hint: None,
        exit_code: 1,
    }
}

export!(V011);
