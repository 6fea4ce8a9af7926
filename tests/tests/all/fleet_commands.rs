//! `w`, `ps` and `batch` through the built binary: the simulator's VMs point
//! at a real sshd fleet on loopback, one sshd per VM.

use azlin_sim::{Options, Sim};
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, start};
use azlin_tests::{Env, Output};
use std::time::{Duration, Instant};

/// VMs 3 and 7 of the simulator are stopped and deallocated: 8 of 10 run.
const RUNNING_OF_TEN: usize = 8;

/// An azlin user whose SSH settings reach `fleet` as `key`'s owner.
fn user_env(fleet: &Fleet) -> Env {
    let env = Env::new();
    let known_hosts = env.config_dir().join("known_hosts");
    std::fs::write(
        env.config_file(),
        format!(
            "default_resource_group = \"rg-0\"\n\n[ssh]\nuser = \"{}\"\nkey = \"{}\"\nknown_hosts = \"{}\"\n",
            Fleet::user(),
            fleet.client_key().display(),
            known_hosts.display()
        ),
    )
    .expect("write config.toml");
    env
}

async fn sim_for(addresses: Vec<String>) -> Sim {
    start(Options {
        vms: addresses.len(),
        addresses,
        ..Options::default()
    })
    .await
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "JSON on stdout ({error}): {}\n{}",
            output.stdout, output.stderr
        )
    })
}

/// Rows of `table` in `value`, as (vm, field) pairs.
fn column(value: &serde_json::Value, table: &str, field: &str) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = value[table]
        .as_array()
        .unwrap_or_else(|| panic!("a '{table}' table in {value}"))
        .iter()
        .map(|row| {
            (
                row["vm"].as_str().unwrap_or_default().to_string(),
                match &row[field] {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                },
            )
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_command_runs_on_every_running_vm_and_shows_each_hosts_output() {
    let fleet = Fleet::start(10);
    let sim = sim_for(fleet.addresses()).await;
    let env = user_env(&fleet);
    let output = azlin(
        &env,
        &sim,
        &[
            "batch",
            "command",
            "echo $SSH_CONNECTION | cut -d' ' -f3",
            "--all",
            "--show-output",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(output.code, 0, "{}", output.stderr);
    let results = json(&output);
    let answered = column(&results, "results", "stdout");
    assert_eq!(answered.len(), RUNNING_OF_TEN, "{results}");
    for (vm, stdout) in &answered {
        let index: usize = vm.trim_start_matches("vm-").parse().expect("vm-NNNN");
        assert_eq!(
            stdout,
            &fleet.addresses()[index],
            "{vm} ran on its own sshd"
        );
    }
    assert!(
        column(&results, "results", "exit_code")
            .iter()
            .all(|(_, code)| code == "0")
    );
    assert!(
        results["messages"][0]
            .as_str()
            .is_some_and(|line| line.starts_with("8 succeeded, 0 failed of 8 hosts")),
        "{results}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w_and_ps_report_every_running_vm() {
    let fleet = Fleet::start(10);
    let sim = sim_for(fleet.addresses()).await;
    let env = user_env(&fleet);
    let w = azlin(&env, &sim, &["w", "-o", "json"]).await;
    assert_eq!(w.code, 0, "{}", w.stderr);
    let hosts = column(&json(&w), "hosts", "load");
    assert_eq!(hosts.len(), RUNNING_OF_TEN, "{}", w.stdout);
    assert!(
        hosts.iter().all(|(_, load)| load.split(',').count() == 3),
        "three load averages per host: {hosts:?}"
    );

    let ps = azlin(&env, &sim, &["ps", "--vm", "vm-0002", "-o", "json"]).await;
    assert_eq!(ps.code, 0, "{}", ps.stderr);
    let commands = column(&json(&ps), "processes", "command");
    assert!(
        commands.iter().all(|(vm, _)| vm == "vm-0002"),
        "only the chosen VM: {commands:?}"
    );
    assert!(
        commands.iter().any(|(_, command)| command.contains("sshd")),
        "the VM's sshd shows in its processes: {commands:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failing_host_gets_its_own_error_and_the_others_succeed() {
    let mut fleet = Fleet::start(10);
    let stranger = Fleet::start(1);
    let mut addresses = fleet.addresses();
    // vm-0005 points at an sshd that does not know the client key.
    addresses[5] = stranger.addresses()[0].clone();
    let sim = sim_for(addresses.clone()).await;
    let env = user_env(&fleet);
    let first = azlin(
        &env,
        &sim,
        &["batch", "command", "true", "--all", "-o", "json"],
    )
    .await;
    assert_eq!(first.code, 1, "vm-0005 refuses the key: {}", first.stderr);

    fleet.stop(0);
    fleet.replace_host_key(1);
    let hang_on = &addresses[2];
    let command = format!(
        "if [ \"$(echo $SSH_CONNECTION | cut -d' ' -f3)\" = {hang_on} ]; then sleep 60; fi; echo done"
    );
    let started = Instant::now();
    let output = azlin(
        &env,
        &sim,
        &[
            "batch",
            "command",
            &command,
            "--all",
            "--timeout",
            "3",
            "-o",
            "json",
        ],
    )
    .await;
    let took = started.elapsed();
    assert_eq!(output.code, 1, "{}", output.stderr);
    let errors: std::collections::BTreeMap<String, String> =
        column(&json(&output), "results", "error")
            .into_iter()
            .collect();
    assert!(
        errors["vm-0000"].contains("refused") || errors["vm-0000"].contains("connect"),
        "{errors:?}"
    );
    assert!(errors["vm-0001"].contains("host key"), "{errors:?}");
    assert!(errors["vm-0002"].contains("time"), "{errors:?}");
    assert!(errors["vm-0005"].contains("key"), "{errors:?}");
    for ok in ["vm-0004", "vm-0006", "vm-0008", "vm-0009"] {
        assert_eq!(errors[ok], "null", "{ok} succeeded: {errors:?}");
    }
    assert!(
        took < Duration::from_secs(30),
        "the run ends with its per-host timeout, not the hanging command ({took:?})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_stop_asks_for_yes_then_stops_the_chosen_running_vms() {
    let sim = sim_for((0..6).map(|i| format!("127.0.0.{}", 200 + i)).collect()).await;
    let env = Env::new();
    std::fs::write(env.config_file(), "default_resource_group = \"rg-0\"\n").expect("config");
    let asked = azlin(
        &env,
        &sim,
        &["batch", "stop", "--vm-pattern", "vm-000[0-4]"],
    )
    .await;
    assert_eq!(asked.code, 2, "{}", asked.stderr);
    assert!(
        asked
            .stderr
            .contains("this would stop 4 VMs: vm-0000, vm-0001, vm-0002, vm-0004")
            && asked.stderr.contains("--yes"),
        "{}",
        asked.stderr
    );
    let stopped = azlin(
        &env,
        &sim,
        &["batch", "stop", "--vm-pattern", "vm-000[0-4]", "--yes"],
    )
    .await;
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let listed = json(&azlin(&env, &sim, &["list", "--all", "-o", "json"]).await);
    let states: Vec<(String, String)> = listed["vms"]
        .as_array()
        .expect("vms")
        .iter()
        .map(|vm| {
            (
                vm["name"].as_str().unwrap_or_default().to_string(),
                vm["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (name, status) in &states {
        let expected = match name.as_str() {
            "vm-0000" | "vm-0001" | "vm-0002" | "vm-0004" => "Deallocated",
            "vm-0003" => "Stopped",
            _ => "Running",
        };
        assert_eq!(status, expected, "{name}: {states:?}");
    }
}
