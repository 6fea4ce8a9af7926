//! The WIT contract's versions: plugins built against the 0.1 line keep
//! running on this 0.2 host, every 0.1 interface included.

use azlin_sim::Options;
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, start};
use azlin_tests::{Env, fixtures};
use wasmtime::component::Component;
use wasmtime::{Config, Engine};

/// The azlin interfaces a component imports, with their versions.
fn azlin_imports(path: &str) -> Vec<String> {
    let engine = Engine::new(&Config::new()).expect("an engine");
    let component = Component::from_file(&engine, path).expect("a component");
    let mut imports: Vec<String> = component
        .component_type()
        .imports(&engine)
        .map(|(name, _)| name.to_string())
        .filter(|name| name.starts_with("azlin:"))
        .collect();
    imports.sort();
    imports
}

#[test]
fn a_plugin_built_against_0_1_0_runs_on_a_0_2_host() {
    assert_eq!(
        azlin_imports(fixtures::V010),
        [
            "azlin:host/host-info@0.1.0",
            "azlin:host/output@0.1.0",
            "azlin:host/types@0.1.0"
        ],
        "the fixture really is built against 0.1.0"
    );
    assert!(
        azlin_imports(fixtures::NORMAL).contains(&"azlin:host/output@0.2.1".to_string()),
        "plugins built now use 0.2.1"
    );
    let env = Env::new();
    env.install(fixtures::V010, "v010");
    let ran = env.azlin(["v010"]).success();
    assert_eq!(
        ran.stdout.trim(),
        format!(
            "built against 0.1.0, running on azlin {}",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_built_against_0_2_0_runs_and_lists_on_a_0_2_1_host() {
    assert_eq!(
        azlin_imports(fixtures::V020),
        [
            "azlin:host/host-info@0.2.0",
            "azlin:host/output@0.2.0",
            "azlin:host/types@0.2.0",
            "azlin:host/vms@0.2.0"
        ],
        "the fixture really is built against 0.2.0, vms (which 0.2.1 extended) included"
    );
    let sim = azlin_tests::sim::start(azlin_sim::Options::default()).await;
    let env = Env::new();
    env.install(fixtures::V020, "v020");
    let ran = azlin_tests::sim::azlin(&env, &sim, &["v020"]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout.trim(),
        format!(
            "built against 0.2.0, running on azlin {}",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_built_against_0_1_1_reaches_vms_ssh_the_cache_and_power_on_a_0_2_host() {
    assert_eq!(
        azlin_imports(fixtures::V011),
        [
            "azlin:host/cache@0.1.1",
            "azlin:host/host-info@0.1.1",
            "azlin:host/output@0.1.1",
            "azlin:host/remote@0.1.1",
            "azlin:host/types@0.1.1",
            "azlin:host/vm-control@0.1.1",
            "azlin:host/vms@0.1.1",
        ],
        "the fixture really is built against 0.1.1"
    );
    let fleet = Fleet::start(4);
    let sim = start(Options {
        vms: 4,
        addresses: fleet.addresses(),
        ..Options::default()
    })
    .await;
    let env = Env::reaching(&fleet);
    env.install(fixtures::V011, "v011");

    let ran = azlin(&env, &sim, &["v011", "-o", "json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    let rows = json["vms"].as_array().expect("a vms table");
    assert_eq!(rows.len(), 4, "{json}");
    let running = rows.iter().filter(|row| row["state"] == "running").count();
    assert!(running > 0, "some VM runs: {json}");
    for row in rows {
        let expected = if row["state"] == "running" {
            serde_json::json!("from-v011")
        } else {
            serde_json::Value::Null
        };
        assert_eq!(row["answer"], expected, "batch answer of {row}");
    }
    let checks = &json["checks"];
    assert_eq!(checks["exec"], "exec-ok", "{json}");
    assert_eq!(checks["cache"], "v011", "{json}");
    assert_eq!(checks["json"], true, "{json}");
    let first = rows
        .iter()
        .find(|row| row["state"] == "running")
        .expect("a running VM");
    assert_eq!(
        checks["restarted"],
        format!("{}: running", first["vm"].as_str().expect("a name")),
        "{json}"
    );
    assert_eq!(
        sim.state.counts().get("vm.restart"),
        Some(&1),
        "{:?}",
        sim.state.counts()
    );
}

#[test]
fn a_plugin_built_against_a_version_this_host_does_not_serve_is_refused_naming_the_ones_it_does() {
    assert_eq!(azlin_imports(fixtures::FUTURE), ["azlin:host/vms@0.3.0"]);
    let env = Env::new();
    let refused = env
        .azlin(["plugin", "install", fixtures::FUTURE, "--yes"])
        .code(1);
    assert!(
        refused.stderr.contains(
            "imports azlin:host/vms@0.3.0, a version of azlin's contract this azlin does not serve (it serves 0.1.0–0.1.1, 0.2.0–0.2.1)"
        ),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("hint: rebuild the plugin"),
        "{}",
        refused.stderr
    );
    assert!(
        !env.plugin_dir().join("future.wasm").exists(),
        "nothing installed"
    );
}
