//! `list`'s columns read from the VMs (Tmux by default, `--with-latency`,
//! `--with-health`, `--show-procs`) and the `health` command, against
//! azlin-sim whose VMs are a real sshd fleet with real tmux sessions.

use azlin_sim::Options;
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, azlin_at, start, start_for};
use azlin_tests::{Env, Output};
use std::process::Command;

/// Of the simulator's first four VMs, 0, 1 and 2 run; 3 is deallocated.
const VMS: usize = 4;

/// Runs `command` on host `i` of `fleet` with OpenSSH, as a user would.
fn ssh(fleet: &Fleet, i: usize, command: &str) {
    let status = Command::new("ssh")
        .args([
            "-n",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
        ])
        .args([
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-i",
        ])
        .arg(fleet.client_key())
        .arg(format!("{}@{}", Fleet::user(), fleet.addresses()[i]))
        .arg(command)
        .status()
        .expect("run ssh");
    assert!(status.success(), "`{command}` on host {i}: {status}");
}

/// Starts detached tmux sessions `names` on host `i`.
fn tmux_sessions(fleet: &Fleet, i: usize, names: &[&str]) {
    for name in names {
        ssh(fleet, i, &format!("tmux new-session -d -s '{name}'"));
    }
}

fn json(output: &Output) -> serde_json::Value {
    assert_eq!(output.code, 0, "{}", output.stderr);
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("JSON on stdout ({error}): {}", output.stdout))
}

/// The header line of a drawn table, and its column titles.
fn titles(table: &str) -> (&str, Vec<&str>) {
    let header = table.lines().nth(1).unwrap_or_default();
    let titles = header
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|title| !title.is_empty())
        .collect();
    (header, titles)
}

/// The row of VM `name` in `list`'s JSON.
fn vm<'a>(listed: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    listed["vms"]
        .as_array()
        .expect("vms")
        .iter()
        .find(|vm| vm["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {listed}"))
}

/// Lines of `stderr` that warn about `vm`.
fn warnings_about(stderr: &str, vm: &str) -> usize {
    stderr
        .lines()
        .filter(|line| line.contains(&format!("{vm}:")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_shows_each_running_vms_tmux_sessions_and_a_dash_for_one_that_refuses() {
    let mut fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    tmux_sessions(&fleet, 0, &["main", "work"]);
    tmux_sessions(&fleet, 1, &["build"]);
    fleet.stop(2);

    let output = azlin(&env, &sim, &["list", "--all", "-o", "json"]).await;
    let listed = json(&output);
    let mut sessions: Vec<String> = vm(&listed, "vm-0000")["tmux"]
        .as_array()
        .expect("a list of sessions")
        .iter()
        .map(|name| name.as_str().unwrap_or_default().to_string())
        .collect();
    sessions.sort();
    assert_eq!(sessions, ["main", "work"]);
    assert_eq!(vm(&listed, "vm-0001")["tmux"], serde_json::json!(["build"]));
    assert_eq!(vm(&listed, "vm-0002")["tmux"], serde_json::Value::Null);
    assert_eq!(
        vm(&listed, "vm-0003")["tmux"],
        serde_json::json!([]),
        "a VM that is not running has no sessions"
    );
    assert_ne!(vm(&listed, "vm-0003")["status"], "Running");
    assert_eq!(
        warnings_about(&output.stderr, "vm-0002"),
        1,
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("cannot connect"),
        "{}",
        output.stderr
    );
    for quiet in ["vm-0000", "vm-0001", "vm-0003"] {
        assert_eq!(
            warnings_about(&output.stderr, quiet),
            0,
            "{}",
            output.stderr
        );
    }

    let table = azlin(&env, &sim, &["list", "-w"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let (header, titles) = titles(&table.stdout);
    let mem = titles
        .iter()
        .position(|t| *t == "Mem")
        .expect("a Mem column");
    assert_eq!(titles.get(mem + 1), Some(&"Tmux"), "{header}");
    let row = |name: &str| {
        table
            .stdout
            .lines()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("a row for {name}:\n{}", table.stdout))
            .to_string()
    };
    assert!(
        row("vm-0000")
            .trim_end_matches(['│', ' '])
            .ends_with("main, work"),
        "{}",
        table.stdout
    );
    assert!(
        row("vm-0001")
            .trim_end_matches(['│', ' '])
            .ends_with("build"),
        "{}",
        table.stdout
    );
    assert!(
        row("vm-0002").trim_end_matches(['│', ' ']).ends_with('-'),
        "{}",
        table.stdout
    );
    assert_eq!(
        warnings_about(&table.stderr, "vm-0002"),
        1,
        "{}",
        table.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tmux_leaves_out_the_column_and_contacts_no_vm() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let output = azlin(&env, &sim, &["list", "--no-tmux", "-o", "json"]).await;
    let listed = json(&output);
    assert!(output.stderr.is_empty(), "{}", output.stderr);
    assert!(vm(&listed, "vm-0000").get("tmux").is_none(), "{listed}");
    let table = azlin(&env, &sim, &["list", "--no-tmux"]).await;
    assert!(!table.stdout.contains("Tmux"), "{}", table.stdout);
    for i in 0..VMS {
        assert_eq!(
            fleet.accepted_connections(i),
            0,
            "host {i}: {}",
            fleet.log(i)
        );
    }

    azlin(&env, &sim, &["list"]).await;
    for i in 0..3 {
        assert_eq!(
            fleet.accepted_connections(i),
            1,
            "host {i} answered the Tmux column"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_health_and_procs_columns_hold_plausible_values() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let flags = ["--with-latency", "--with-health", "--show-procs"];
    let mut args = vec!["list", "-o", "json"];
    args.extend(flags);
    let listed = json(&azlin(&env, &sim, &args).await);
    for name in ["vm-0000", "vm-0001", "vm-0002"] {
        let row = vm(&listed, name);
        let number = |key: &str| {
            row[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{key} of {name}: {row}"))
        };
        assert!(number("latency_ms") > 0.0, "{row}");
        for key in ["cpu_percent", "mem_percent", "disk_percent"] {
            assert!((0.0..=100.0).contains(&number(key)), "{key}: {row}");
        }
        assert!(number("mem_percent") > 0.0, "{row}");
        assert!(number("procs") >= 1.0, "{row}");
        assert_eq!(
            row["agent"], "stopped",
            "no waagent on the test fleet: {row}"
        );
        assert_eq!(row["tmux"], serde_json::json!([]), "{row}");
    }

    let mut args = vec!["list"];
    args.extend(flags);
    let table = azlin(&env, &sim, &args).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let (header, titles) = titles(&table.stdout);
    let mem = titles
        .iter()
        .position(|t| *t == "Mem")
        .expect("a Mem column");
    assert_eq!(
        titles[mem + 1..mem + 8],
        ["Tmux", "Latency", "Agent", "CPU%", "Mem%", "Disk%", "Procs"],
        "{header}"
    );
    assert!(table.stdout.contains(" ms"), "{}", table.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_agent_a_second_list_reuses_the_connections_of_the_first() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let runtime = tempfile::tempdir().expect("a runtime dir");
    tmux_sessions(&fleet, 1, &["agent-made"]);
    let logins: Vec<usize> = (0..3).map(|i| fleet.accepted_connections(i)).collect();
    let list = || {
        let run = azlin_at(&env, &sim, &["list", "--with-latency", "-o", "json"])
            .through_agent(runtime.path());
        run.output()
    };
    let first = json(&list());
    let second = json(&list());
    let _ = azlin_at(&env, &sim, &["agent", "stop"])
        .through_agent(runtime.path())
        .output();
    for listed in [&first, &second] {
        assert_eq!(
            vm(listed, "vm-0001")["tmux"],
            serde_json::json!(["agent-made"])
        );
        assert!(
            vm(listed, "vm-0000")["latency_ms"].as_f64().is_some(),
            "{listed}"
        );
    }
    for (i, before) in logins.iter().enumerate() {
        assert_eq!(
            fleet.accepted_connections(i) - before,
            1,
            "host {i}: one pooled connection"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_every_running_vm_and_one_by_name() {
    let fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    let report = json(&azlin(&env, &sim, &["health", "-o", "json"]).await);
    let rows = report["vms"].as_array().expect("a vms table");
    let names: Vec<&str> = rows.iter().filter_map(|row| row["vm"].as_str()).collect();
    assert_eq!(names, ["vm-0000", "vm-0001", "vm-0002"]);
    for row in rows {
        assert!(
            ["ok", "warning", "critical"].contains(&row["status"].as_str().unwrap_or_default()),
            "{row}"
        );
        assert!(
            row["latency_ms"].as_f64().is_some_and(|ms| ms > 0.0),
            "{row}"
        );
        assert!(
            row["load"].as_f64().is_some_and(|load| load >= 0.0),
            "{row}"
        );
        assert!(row["load_per_cpu"].as_f64().is_some(), "{row}");
        assert!(row["failed_units"].as_i64().is_some(), "{row}");
        for key in ["cpu_percent", "mem_percent", "disk_percent"] {
            let value = row[key].as_f64().unwrap_or(-1.0);
            assert!((0.0..=100.0).contains(&value), "{key}: {row}");
        }
    }

    let table = azlin(&env, &sim, &["health", "--vm", "vm-0001"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let header = table.stdout.lines().nth(1).unwrap_or_default();
    for title in [
        "VM", "Status", "Latency", "Errors", "Load/CPU", "CPU%", "Mem%", "Disk%",
    ] {
        assert!(header.contains(title), "{title} in {header}");
    }
    assert_eq!(
        table.stdout.lines().filter(|l| l.contains("vm-")).count(),
        1,
        "{}",
        table.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_of_an_unknown_vm_names_the_nearest_and_exits_1() {
    let sim = start(Options {
        vms: VMS,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    let output = azlin(&env, &sim, &["health", "--vm", "vm-001"]).await;
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(output.stderr.contains("'vm-001'"), "{}", output.stderr);
    assert!(
        output.stderr.contains("vm-0001"),
        "the nearest name: {}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_marks_a_vm_that_refuses_unreachable_and_exits_1() {
    let mut fleet = Fleet::start(VMS);
    let sim = start_for(&fleet, VMS).await;
    let env = Env::reaching(&fleet);
    fleet.stop(0);
    let output = azlin(&env, &sim, &["health", "-o", "json"]).await;
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output.stderr.contains("1 of 3 VMs did not answer"),
        "{}",
        output.stderr
    );
    let report: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let statuses: Vec<&str> = report["vms"]
        .as_array()
        .expect("vms")
        .iter()
        .filter_map(|row| row["status"].as_str())
        .collect();
    assert_eq!(statuses[0], "unreachable", "{report}");
    assert!(
        statuses[1..].iter().all(|s| *s != "unreachable"),
        "{report}"
    );
}

/// Existing azlin's table ends with its footer alone; what narrowed the
/// listing is said there, and JSON keeps the whole filter record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrowed_table_says_so_in_its_footer_and_json_keeps_the_filters() {
    let sim = start(Options {
        vms: 8,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    let table = azlin(
        &env,
        &sim,
        &["list", "--all", "--no-tmux", "--vm-pattern", "vm-000[0-2]"],
    )
    .await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(
        table.stdout.ends_with(
            "┘\nTotal: 3 VMs | 3 running | 0 hidden | only names matching vm-000[0-2]\n"
        ),
        "the footer follows the table, and nothing else: {}",
        table.stdout
    );
    let json = azlin(
        &env,
        &sim,
        &[
            "list",
            "--all",
            "--no-tmux",
            "--vm-pattern",
            "vm-000[0-2]",
            "-o",
            "json",
        ],
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(json["filters"]["vm_pattern"], "vm-000[0-2]", "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_table_has_existing_azlins_default_columns() {
    let sim = start(Options {
        vms: 8,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n\n[session_names]\nvm-0000 = \"dev\"\n");
    // No SSH key here: every running VM's Tmux cell is `-`, with a warning.
    let output = azlin(&env, &sim, &["list", "--all", "-w"]).await;
    assert_eq!(output.code, 0, "{}", output.stderr);
    azlin_tests::golden("list_table.txt", &output.stdout);
    for vm in ["vm-0000", "vm-0001", "vm-0002", "vm-0004"] {
        assert_eq!(
            warnings_about(&output.stderr, vm),
            1,
            "{vm}: {}",
            output.stderr
        );
    }
    assert_eq!(
        warnings_about(&output.stderr, "vm-0003"),
        0,
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("cannot use the SSH key"),
        "{}",
        output.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_lists_the_command_that_reattaches_each_tmux_session() {
    let fleet = Fleet::start(2);
    let sim = start_for(&fleet, 2).await;
    let env = Env::reaching(&fleet);
    tmux_sessions(&fleet, 0, &["main", "my work"]);
    let listed = json(
        &azlin(
            &env,
            &sim,
            &["list", "-r", "--show-tmux", "false", "-o", "json"],
        )
        .await,
    );
    let mut rows: Vec<(String, String)> = listed["restore"]
        .as_array()
        .expect("a restore table")
        .iter()
        .map(|row| {
            assert_eq!(row["vm"], "vm-0000", "{row}");
            (
                row["session"].as_str().unwrap_or_default().into(),
                row["command"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            (
                "main".to_string(),
                "azlin connect vm-0000 --tmux-session main".to_string()
            ),
            (
                "my work".to_string(),
                "azlin connect vm-0000 --tmux-session 'my work'".to_string()
            ),
        ]
    );
    let both = azlin(&env, &sim, &["list", "--restore", "--no-tmux"]).await;
    assert_eq!(both.code, 2, "{}", both.stderr);
}
