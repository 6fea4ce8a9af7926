//! The WIT contract's versions: plugins built against an older minor
//! version keep running on this host.

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
fn a_plugin_built_against_0_1_0_runs_on_a_0_1_2_host() {
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
        azlin_imports(fixtures::NORMAL).contains(&"azlin:host/output@0.1.2".to_string()),
        "plugins built now use 0.1.2"
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
