//! Existing azlin users' files, written as AZLIN_COMPAT.md describes them,
//! are read as they are.

use azlin::config::{Config, ConfigError, Paths, Scope};
use azlin_tests::Env;

/// A `~/.azlin` as an existing azlin 2.7.3 user has it.
fn existing_user() -> Env {
    let env = Env::new();
    env.write_config(
        r#"# azlin settings
default_resource_group = "rg-from-config"
default_region = "westus2"
default_vm_size = "Standard_E16as_v5"
last_vm_name = "dev-box"
notification_command = "notify-send"
ssh_auto_sync_keys = true
ssh_sync_method = "auto"
restore_mode = "tab"
bastion_pip_ip_tags = ["a", "b"]
some_future_key = { nested = 1 }

[session_names]
dev-box = "main"
azlin-vm-1234 = "ml-training"
"#,
    );
    let contexts = env.config_dir().join("contexts");
    std::fs::create_dir_all(&contexts).expect("contexts dir");
    std::fs::write(
        contexts.join("dev.toml"),
        "name = \"dev\"\nsubscription_id = \"11111111-1111-1111-1111-111111111111\"\ntenant_id = \"t1\"\n",
    )
    .expect("dev context");
    std::fs::write(
        contexts.join("prod.toml"),
        "name = \"prod\"\nsubscription_id = \"22222222-2222-2222-2222-222222222222\"\ntenant_id = \"t2\"\nresource_group = \"rg-prod\"\nregion = \"eastus\"\nkey_vault_name = \"kv-prod\"\n",
    )
    .expect("prod context");
    std::fs::write(env.config_dir().join("active-context"), "prod\n").expect("active context");
    env
}

fn scope(env: &Env) -> Result<Scope, ConfigError> {
    let paths: Paths = env.paths();
    let config = Config::load(&paths.config_file)?;
    Scope::resolve(&paths, &config)
}

#[test]
fn the_active_contexts_subscription_and_group_win() {
    let scope = scope(&existing_user()).expect("scope resolves");
    assert_eq!(scope.context.as_deref(), Some("prod"));
    assert_eq!(
        scope.subscription.as_deref(),
        Some("22222222-2222-2222-2222-222222222222")
    );
    assert_eq!(scope.resource_group.as_deref(), Some("rg-prod"));
    assert_eq!(scope.region.as_deref(), Some("eastus"));
}

#[test]
fn a_context_without_a_group_falls_back_to_the_config_default() {
    let env = existing_user();
    std::fs::write(env.config_dir().join("active-context"), "dev").expect("switch context");
    let scope = scope(&env).expect("scope resolves");
    assert_eq!(
        scope.subscription.as_deref(),
        Some("11111111-1111-1111-1111-111111111111")
    );
    assert_eq!(scope.resource_group.as_deref(), Some("rg-from-config"));
    assert_eq!(scope.region.as_deref(), Some("westus2"));
}

#[test]
fn session_names_and_unknown_keys_are_read_as_they_are() {
    let env = existing_user();
    let config = Config::load(&env.config_file()).expect("config loads");
    assert_eq!(
        config.string("session_names.azlin-vm-1234"),
        Some("ml-training")
    );
    assert_eq!(config.string("default_vm_size"), Some("Standard_E16as_v5"));
    assert!(config.get("some_future_key").is_some());
    let output = env
        .azlin(["config", "get", "session_names.dev-box"])
        .success();
    assert_eq!(output.stdout, "main\n");
}

#[test]
fn a_malformed_context_names_its_file_and_line() {
    let env = existing_user();
    std::fs::write(
        env.config_dir().join("contexts/prod.toml"),
        "name = \"prod\"\nsubscription_id = \n",
    )
    .expect("break the context");
    let message = scope(&env)
        .expect_err("a malformed context is an error")
        .to_string();
    assert!(message.contains("contexts/prod.toml"), "{message}");
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn an_active_context_without_a_file_says_so() {
    let env = existing_user();
    std::fs::write(env.config_dir().join("active-context"), "staging")
        .expect("name a missing context");
    let message = scope(&env)
        .expect_err("a missing context is an error")
        .to_string();
    assert!(
        message.contains("the active context 'staging'"),
        "{message}"
    );
    assert!(message.contains("contexts/staging.toml"), "{message}");
}

#[test]
fn no_active_context_uses_config_defaults_only() {
    let env = existing_user();
    std::fs::remove_file(env.config_dir().join("active-context")).expect("no active context");
    let scope = scope(&env).expect("scope resolves");
    assert_eq!(scope.context, None);
    assert_eq!(scope.subscription, None);
    assert_eq!(scope.resource_group.as_deref(), Some("rg-from-config"));
}
