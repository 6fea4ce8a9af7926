//! `w`, `ps` and `batch` through the built binary: the simulator's VMs point
//! at a real sshd fleet on loopback, one sshd per VM.

use azlin_sim::{Options, Sim};
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, azlin_at, start};
use azlin_tests::{Env, Output, Run, wait};
use std::time::{Duration, Instant};

/// VMs 3 and 7 of the simulator are stopped and deallocated: 8 of 10 run.
const RUNNING_OF_TEN: usize = 8;

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
    let env = Env::reaching(&fleet);
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
    let env = Env::reaching(&fleet);
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
    let env = Env::reaching(&fleet);
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
async fn batch_stop_asks_on_a_terminal_and_wants_yes_elsewhere() {
    let sim = sim_for((0..6).map(|i| format!("127.0.0.{}", 200 + i)).collect()).await;
    let env = Env::new();
    std::fs::write(env.config_file(), "default_resource_group = \"rg-0\"\n").expect("config");
    let stop = ["batch", "stop", "--vm-pattern", "vm-000[0-4]"];
    let chosen = "stop 4 VMs (vm-0000, vm-0001, vm-0002, vm-0004)?";
    let piped = azlin(&env, &sim, &stop).await;
    assert_eq!(piped.code, 1, "{}", piped.stderr);
    assert!(
        piped.stderr.contains(chosen) && piped.stderr.contains("add --yes"),
        "without a terminal it says what it would do and how to go ahead: {}",
        piped.stderr
    );
    let declined = on_terminal(&env, &sim, &stop, "n\n").await;
    assert_eq!(declined.code, 1, "{}", declined.stdout);
    assert!(
        declined.stdout.contains(&format!("{chosen} [y/N]"))
            && declined.stdout.contains("cancelled: no VM was stopped"),
        "{}",
        declined.stdout
    );
    assert_eq!(states(&env, &sim).await, expected_states("Running"));
    let accepted = on_terminal(&env, &sim, &stop, "y\n").await;
    assert_eq!(accepted.code, 0, "{}", accepted.stdout);
    assert_eq!(states(&env, &sim).await, expected_states("Deallocated"));
    let started = azlin(
        &env,
        &sim,
        &["batch", "start", "--vm-pattern", "vm-000[0-4]", "--yes"],
    )
    .await;
    assert_eq!(started.code, 0, "{}", started.stderr);
    let states = states(&env, &sim).await;
    assert!(
        states.iter().all(|(_, status)| status == "Running"),
        "--yes starts every chosen VM without asking, the stopped one too: {states:?}"
    );
}

async fn on_terminal(env: &Env, sim: &Sim, args: &[&str], input: &str) -> Output {
    let run = azlin_at(env, sim, args);
    let input = input.to_string();
    tokio::task::spawn_blocking(move || run.on_terminal(&input))
        .await
        .expect("the run finishes")
}

/// Each VM's name and status, as `list --all` shows them.
async fn states(env: &Env, sim: &Sim) -> Vec<(String, String)> {
    let listed = json(&azlin(env, sim, &["list", "--all", "-o", "json"]).await);
    listed["vms"]
        .as_array()
        .expect("vms")
        .iter()
        .map(|vm| {
            (
                vm["name"].as_str().unwrap_or_default().to_string(),
                vm["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The six VMs' states once the four chosen running ones are `chosen`.
fn expected_states(chosen: &str) -> Vec<(String, String)> {
    (0..6)
        .map(|i| {
            let name = format!("vm-000{i}");
            let status = match i {
                0 | 1 | 2 | 4 => chosen,
                3 => "Stopped",
                _ => "Running",
            };
            (name, status.to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_prints_a_json_line_per_snapshot_over_connections_kept_open() {
    let mut fleet = Fleet::start(3);
    fleet.stop(2);
    let sim = sim_for(fleet.addresses()).await;
    let env = Env::reaching(&fleet);
    let top = azlin(
        &env,
        &sim,
        &["top", "-n", "2", "-i", "1", "-t", "5", "-o", "json"],
    )
    .await;
    assert_eq!(
        top.code, 1,
        "a host that never answered fails the run: {}",
        top.stderr
    );
    let snapshots: Vec<serde_json::Value> = top
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON snapshot"))
        .collect();
    assert_eq!(snapshots.len(), 2, "{}", top.stdout);
    for (number, snapshot) in (1..).zip(&snapshots) {
        assert_eq!(snapshot["snapshot"]["number"], number, "{snapshot}");
        let hosts = snapshot["hosts"].as_array().expect("a hosts table");
        assert_eq!(hosts.len(), 3, "{snapshot}");
        for host in &hosts[..2] {
            let cpu = host["cpu_percent"].as_f64().expect("CPU %");
            let mem = host["mem_percent"].as_f64().expect("Mem %");
            assert!(
                (0.0..=100.0).contains(&cpu) && (0.0..=100.0).contains(&mem),
                "{host}"
            );
            assert!(host["mem_total"].as_u64().expect("Mem total") > 0, "{host}");
            assert!(host["load_1m"].as_f64().is_some() && host["cores"].as_u64() >= Some(1));
            assert!(host["error"].is_null(), "{host}");
        }
        assert!(
            hosts[2]["cpu_percent"].is_null() && hosts[2]["error"].is_string(),
            "the stopped sshd has its own error: {}",
            hosts[2]
        );
    }
    for host in 0..2 {
        assert_eq!(
            fleet.accepted_connections(host),
            1,
            "both snapshots of host {host} went over one connection"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_on_a_terminal_redraws_in_place_and_gives_the_screen_back() {
    let fleet = Fleet::start(2);
    let sim = sim_for(fleet.addresses()).await;
    let env = Env::reaching(&fleet);
    let top = on_terminal(&env, &sim, &["top", "-n", "3", "-i", "1"], "").await;
    assert_eq!(top.code, 0, "{}", top.stdout);
    let screen = &top.stdout;
    let entered = screen
        .find("\x1b[?1049h")
        .expect("the alternate screen is used");
    let left = screen.rfind("\x1b[?1049l").expect("and left at the end");
    assert!(entered < left, "{screen:?}");
    assert_eq!(
        screen[entered..left].matches("\x1b[H\x1b[2J").count(),
        2,
        "each snapshot that ended is drawn on the alternate screen: {screen:?}"
    );
    let last = &screen[left..];
    assert!(
        last.contains("CPU history") && last.contains("2 of 2 hosts answered"),
        "the last snapshot stays on the normal screen: {last:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_a_batch_disconnects_from_every_host_and_exits_130() {
    let fleet = Fleet::start(3);
    let sim = sim_for(fleet.addresses()).await;
    let env = Env::reaching(&fleet);
    let child = azlin_at(&env, &sim, &["batch", "command", "sleep 60", "--all"]).spawn();
    for i in 0..3 {
        wait::for_log(&fleet, i, |log| log.contains("Starting session: command"));
    }
    Run::interrupt(&child);
    let ended = wait::for_child(child).await;
    let stderr = String::from_utf8_lossy(&ended.stderr);
    assert_eq!(ended.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    for i in 0..3 {
        let session = |log: &str| {
            let start = log.find("Starting session: command").unwrap_or(0);
            log[start..].to_string()
        };
        let log = wait::for_log(&fleet, i, |log| {
            [
                "Received disconnect from",
                "Connection closed by",
                "Connection reset by",
            ]
            .iter()
            .any(|end| session(log).contains(end))
        });
        assert!(
            session(&log).contains("Received disconnect from"),
            "host {i} was told goodbye, not dropped: {}",
            session(&log)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_output_past_the_runs_memory_limit_is_stopped_at_the_source() {
    let fleet = Fleet::start(4);
    let sim = sim_for(fleet.addresses()).await;
    let env = Env::reaching(&fleet);
    let config = std::fs::read_to_string(env.config_file()).expect("config");
    env.write_config(&format!("{config}\n[plugin_limits]\nmemory_mib = 64\n"));
    // 4 × 40 MB: each fits alone, together they pass the run's 64 MiB.
    let output = azlin(
        &env,
        &sim,
        &[
            "batch",
            "command",
            "head -c 40000000 /dev/zero",
            "--all",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(
        output.code, 1,
        "per-host failures, not a stopped plugin: {}",
        output.stderr
    );
    let errors = column(&json(&output), "results", "error");
    let stopped: Vec<_> = errors
        .iter()
        .filter(|(_, error)| error.contains("printed more than the run's memory limit (64 MiB)"))
        .collect();
    assert!(!stopped.is_empty(), "{errors:?}");
    assert!(stopped.len() < 4, "what fits is delivered: {errors:?}");
}
