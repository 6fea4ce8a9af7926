//! The command line around plugins: help, version, plugin listing, completions.

use azlin_tests::{Env, fixtures};
use sha2::{Digest, Sha256};

#[test]
fn root_help_lists_meta_commands_and_plugins() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env.azlin(["--help"]).success();
    for command in ["plugin", "config", "completions", "doctor", "normal"] {
        assert!(
            output.stdout.contains(&format!("  {command} ")),
            "{command} missing:\n{}",
            output.stdout
        );
    }
}

#[test]
fn help_for_a_plugin_shows_its_options() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env.azlin(["help", "normal"]).success();
    assert!(output.stdout.contains("--count <N>"), "{}", output.stdout);
    assert!(
        output.stdout.contains("--resource-group <NAME>"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("--rg"), "{}", output.stdout);
    assert!(
        output.stdout.contains("how many VMs to show"),
        "{}",
        output.stdout
    );
    let direct = env.azlin(["normal", "--help"]).success();
    assert!(direct.stdout.contains("--count <N>"), "{}", direct.stdout);
}

#[test]
fn a_command_alias_is_named_as_typed_in_help_and_usage() {
    let env = Env::new();
    for args in [&["kill", "--help"][..], &["help", "kill"]] {
        let help = env.azlin(args).success();
        assert!(
            help.stdout.contains("Usage: azlin kill [OPTIONS] <VM>"),
            "{args:?}: {}",
            help.stdout
        );
    }
    let missing = env.azlin(["kill"]).code(2);
    assert!(
        missing.stderr.contains("Usage: azlin kill <VM>"),
        "{}",
        missing.stderr
    );
    let delete = env.azlin(["delete", "--help"]).success();
    assert!(
        delete.stdout.contains("Usage: azlin delete"),
        "{}",
        delete.stdout
    );
}

#[test]
fn an_option_alias_reaches_the_plugin() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env
        .azlin(["normal", "--count", "1", "--rg", "prod", "-o", "csv"])
        .success();
    assert!(output.stdout.contains("vm-1,prod,"), "{}", output.stdout);
}

#[test]
fn version_prints_the_package_version() {
    let output = Env::new().azlin(["--version"]).success();
    assert_eq!(
        output.stdout,
        format!("azlin {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn plugin_list_shows_name_version_sha256_and_capabilities() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    env.install(fixtures::READER, "reader");
    env.install(fixtures::CACHE, "cache-user");
    let output = env.azlin(["plugin", "list", "-o", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let plugins = json["plugins"].as_array().expect("a plugins table");
    let find = |name: &str| {
        plugins
            .iter()
            .find(|row| row["name"] == name)
            .cloned()
            .expect(name)
    };

    let doctor = find("doctor");
    assert_eq!(doctor["source"], "built-in");
    assert_eq!(doctor["status"], "ok");

    let normal = find("normal");
    let sha256 = hex::encode(Sha256::digest(
        std::fs::read(fixtures::NORMAL).expect("fixture"),
    ));
    assert_eq!(normal["version"], "1.2.3");
    assert_eq!(normal["sha256"], sha256);
    assert_eq!(normal["capabilities"], serde_json::json!([]));

    let reader = find("reader");
    assert_eq!(reader["capabilities"], serde_json::json!(["azure-read"]));
    assert_eq!(reader["status"], "ok");
    let cache_user = find("cache-user");
    assert_eq!(cache_user["capabilities"], serde_json::json!(["cache"]));
    assert_eq!(cache_user["status"], "ok");
}

#[test]
fn plugin_list_table_has_the_columns_users_read() {
    let env = Env::new();
    let output = env.azlin(["plugin", "list"]).success();
    let header = output.stdout.lines().nth(1).expect("a header row");
    for title in [
        "Name",
        "Version",
        "Source",
        "Capabilities",
        "SHA-256",
        "Status",
    ] {
        assert!(header.contains(title), "{title} missing: {header}");
    }
}

#[test]
fn completions_know_plugin_commands_and_their_flags() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let output = env.azlin(["completions", "bash"]).success();
    assert!(output.stdout.contains("doctor"), "built-in plugin missing");
    assert!(output.stdout.contains("normal"), "user plugin missing");
    assert!(output.stdout.contains("--count"), "plugin flag missing");
}

#[test]
fn the_builtin_doctor_runs_without_installing_anything() {
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-dev\"\n");
    let output = env.azlin(["doctor", "-o", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(json["azlin"]["output"], "json");
    let settings = json["settings"].as_array().expect("settings table");
    assert_eq!(settings[0]["key"], "default_resource_group");
    assert_eq!(settings[0]["value"], "rg-dev");
    assert_eq!(settings[1]["value"], serde_json::Value::Null);
}

#[test]
fn a_command_admits_its_plugin_once() {
    // The first run parses its command line with the plugin loaded (no
    // description is cached yet), the second with the cached description.
    let env = Env::new();
    for run in ["first", "second"] {
        let output = env
            .azlin(["doctor"])
            .env("AZLIN_LOG", "azlin=debug")
            .success();
        let admissions = output.stderr.matches("admitted plugin 'doctor'").count();
        assert_eq!(admissions, 1, "{run} run: {}", output.stderr);
    }
}
