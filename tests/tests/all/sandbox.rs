//! WASI is linked locked down: a plugin reaches no file, socket, name
//! service, environment variable, argument or stdin byte.

use azlin_tests::{Env, fixtures};

fn probes() -> serde_json::Value {
    let env = Env::new();
    env.install(fixtures::SANDBOX, "sandbox");
    let output = env
        .azlin(["sandbox", "-o", "json"])
        .env("AZLIN_SECRET", "hunter2")
        .success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    json["probes"].clone()
}

fn denied(probes: &serde_json::Value, probe: &str) {
    let result = probes[probe].as_str().unwrap_or_default();
    assert!(result.starts_with("denied:"), "{probe}: {result}");
}

#[test]
fn a_plugin_cannot_read_list_or_write_files() {
    let probes = probes();
    denied(&probes, "read_file");
    denied(&probes, "list_root");
    denied(&probes, "write_file");
    assert!(
        !std::path::Path::new("/tmp/azlin-sandbox-probe").exists(),
        "the write escaped"
    );
}

#[test]
fn a_plugin_cannot_open_a_socket_or_resolve_names() {
    let probes = probes();
    denied(&probes, "tcp_connect");
    denied(&probes, "name_lookup");
}

#[test]
fn a_plugin_sees_no_environment_arguments_or_stdin() {
    let probes = probes();
    assert_eq!(probes["env_vars"], 0);
    assert_eq!(probes["args"], 0);
    assert_eq!(
        probes["stdin_bytes"], "allowed: 0",
        "stdin is closed: reading gives nothing"
    );
}
