//! Rendering: the same plugin output as a table, JSON, CSV and TSV.

use azlin_tests::{Env, Via, fixtures, golden};

fn env_with_normal() -> Env {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    env
}

#[test]
fn normal_fixture_prints_the_expected_table() {
    let env = env_with_normal();
    let output = env.azlin(["normal", "--rg", "dev"]).success();
    golden("normal_table.txt", &output.stdout);
    assert_eq!(
        output.stderr,
        "warning: this output comes from a test fixture\n"
    );
}

#[test]
fn normal_fixture_prints_the_same_data_as_json() {
    let env = env_with_normal();
    let output = env.azlin(["normal", "--rg", "dev", "-o", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("stdout is JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "vms": [
                {"name": "vm-1", "resource_group": "dev", "region": "westus2", "cpus": 2, "running": true, "uptime": 90000},
                {"name": "vm-2", "resource_group": "dev", "region": "westus2", "cpus": 4, "running": false, "uptime": 180000},
                {"name": "vm-3", "resource_group": "dev", "region": "westus2", "cpus": 6, "running": true, "uptime": 270000}
            ],
            "summary": {"total": 3, "host_version": env!("CARGO_PKG_VERSION")},
            "messages": ["Total: 3 VMs"]
        })
    );
    assert!(
        output
            .stderr
            .contains("warning: this output comes from a test fixture")
    );
}

#[test]
fn global_output_flag_works_before_the_command_name() {
    let env = env_with_normal();
    let output = env
        .azlin(["-o", "json", "normal", "--count", "1"])
        .success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("stdout is JSON");
    assert_eq!(json["vms"].as_array().map(Vec::len), Some(1));
}

#[test]
fn csv_has_keys_as_header_and_raw_values() {
    let env = env_with_normal();
    let output = env.azlin(["normal", "--count", "2", "-o", "csv"]).success();
    golden("normal_csv.txt", &output.stdout);
}

#[test]
fn tsv_separates_with_tabs() {
    let env = env_with_normal();
    let output = env.azlin(["normal", "--count", "1", "-o", "tsv"]).success();
    let first = output.stdout.lines().next().expect("a header line");
    assert_eq!(first, "name\tresource_group\tregion\tcpus\trunning\tuptime");
    assert!(output.stdout.contains("vm-1\t\twestus2\t2\ttrue\t90000"));
}

#[test]
fn a_command_failure_prints_message_and_hint_with_its_exit_code() {
    let env = env_with_normal();
    let output = env.azlin(["normal", "--fail"]).code(3);
    assert_eq!(
        output.stderr,
        "error: the fixture was asked to fail\nhint: run it without --fail\n"
    );
    assert!(output.stdout.is_empty());
}

/// On failure stdout carries no empty document; data a command printed
/// before it failed is kept, marked partial.
#[test]
fn a_failed_json_run_prints_nothing_or_a_partial_document() {
    let env = env_with_normal();
    for via in Via::both() {
        let failed = via.azlin(&env, ["normal", "--fail", "-o", "json"]).code(3);
        assert_eq!(failed.stdout, "", "{}: nothing on stdout", via.name());
        let missing = via
            .azlin(&env, ["plugin-that-is-not-there", "-o", "json"])
            .output();
        assert_eq!(missing.stdout, "", "{}: {}", via.name(), missing.stderr);
        let late = via
            .azlin(
                &env,
                ["normal", "--fail-late", "--count", "2", "-o", "json"],
            )
            .code(1);
        let json: serde_json::Value = serde_json::from_str(&late.stdout).expect("JSON");
        assert_eq!(json["partial"], true, "{}: {json}", via.name());
        assert_eq!(json["vms"].as_array().map(Vec::len), Some(2), "{json}");
        let succeeded = via.azlin(&env, ["normal", "-o", "json"]).success();
        let json: serde_json::Value = serde_json::from_str(&succeeded.stdout).expect("JSON");
        assert_eq!(json.get("partial"), None, "{}: {json}", via.name());
    }
}

#[test]
fn a_closed_pipe_exits_zero() {
    let env = Env::new();
    env.install(fixtures::FLOOD, "flood");
    let mut child = std::process::Command::new(azlin_tests::binary())
        .arg("flood")
        .env("AZLIN_CONFIG_DIR", env.config_dir())
        .env("AZLIN_CACHE_DIR", env.cache_dir())
        .env("AZLIN_NO_AGENT", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start azlin");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("some output arrives");
    drop(stdout);
    let output = child.wait_with_output().expect("azlin exits");
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `azlin ARGS` with stdout and stderr on a pseudo-terminal (util-linux `script`).
fn on_a_terminal(env: &Env, args: &str, no_color: bool) -> String {
    let command = format!("{} {args}", azlin_tests::binary().display());
    let mut script = std::process::Command::new("script");
    script
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("AZLIN_CONFIG_DIR", env.config_dir())
        .env("AZLIN_CACHE_DIR", env.cache_dir())
        .env("AZLIN_NO_AGENT", "1")
        .env_remove("NO_COLOR");
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let output = script.output().expect("run script(1)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn colour_appears_on_a_terminal_and_never_with_no_color() {
    let env = env_with_normal();
    let coloured = on_a_terminal(&env, "normal --count 1", false);
    assert!(
        coloured.contains("\x1b["),
        "a terminal gets colour: {coloured:?}"
    );
    assert!(coloured.contains("vm-1"));
    let plain = on_a_terminal(&env, "normal --count 1", true);
    assert!(
        !plain.contains("\x1b["),
        "NO_COLOR turns colour off: {plain:?}"
    );
    assert!(plain.contains("vm-1"));
}

#[test]
fn log_lines_are_coloured_only_on_a_terminal_and_never_with_no_color() {
    let env = env_with_normal();
    let piped = env.azlin(["-vv", "normal", "--count", "1"]).success();
    assert!(piped.stderr.contains("DEBUG "), "{}", piped.stderr);
    assert!(
        !piped.stderr.contains('\x1b'),
        "a pipe gets no colour: {:?}",
        piped.stderr
    );
    let plain = on_a_terminal(&env, "-vv normal --count 1", true);
    assert!(plain.contains("DEBUG"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "NO_COLOR: {plain:?}");
    let coloured = on_a_terminal(&env, "-vv normal --count 1", false);
    assert!(
        coloured.contains("\x1b[34mDEBUG"),
        "a terminal gets coloured log levels: {coloured:?}"
    );
}
