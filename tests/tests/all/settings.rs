//! `azlin config` and the settings plugins may read.

use azlin_tests::{Env, fixtures};

#[test]
fn config_set_keeps_the_users_comments_and_unknown_keys() {
    let env = Env::new();
    env.write_config(
        "# my azlin settings\ndefault_region = \"westus2\" # where I work\nfuture_key = 7\n",
    );
    env.azlin(["config", "set", "default_resource_group", "rg-dev"])
        .success();
    env.azlin(["config", "set", "session_names.dev-vm", "main"])
        .success();
    let text = std::fs::read_to_string(env.config_file()).expect("config file");
    assert!(text.contains("# my azlin settings"), "{text}");
    assert!(
        text.contains("default_region = \"westus2\" # where I work"),
        "{text}"
    );
    assert!(text.contains("future_key = 7"), "{text}");
    let get = env
        .azlin(["config", "get", "default_resource_group"])
        .success();
    assert_eq!(get.stdout, "rg-dev\n");
    let nested = env
        .azlin(["config", "get", "session_names.dev-vm"])
        .success();
    assert_eq!(nested.stdout, "main\n");
}

#[test]
fn config_get_of_an_unset_key_fails_naming_it() {
    let output = Env::new()
        .azlin(["config", "get", "default_vm_size"])
        .code(1);
    assert!(
        output.stderr.contains("'default_vm_size' is not set"),
        "{}",
        output.stderr
    );
}

#[test]
fn config_unset_removes_the_key() {
    let env = Env::new();
    env.write_config("default_region = \"eastus\"\n");
    env.azlin(["config", "unset", "default_region"]).success();
    env.azlin(["config", "get", "default_region"]).code(1);
}

#[test]
fn a_plugin_reads_an_allowed_setting_through_host_info() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    env.write_config("default_region = \"northeurope\"\n");
    let output = env.azlin(["normal", "--count", "1", "-o", "csv"]).success();
    assert!(
        output.stdout.contains("vm-1,,northeurope,"),
        "{}",
        output.stdout
    );
}

#[test]
fn an_explicit_config_path_after_the_command_is_used() {
    let env = Env::new();
    env.install(fixtures::NORMAL, "normal");
    let other = env.config_dir().join("other.toml");
    std::fs::write(&other, "default_region = \"japaneast\"\n").expect("write other config");
    let output = env
        .azlin([
            "normal",
            "--count",
            "1",
            "-o",
            "csv",
            "--config",
            other.to_str().expect("utf-8"),
        ])
        .success();
    assert!(output.stdout.contains("japaneast"), "{}", output.stdout);
}
