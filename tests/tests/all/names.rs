//! Names and scope: `session`, `context`, `tag` and `show` through the built
//! binary against the simulator, in-process and through the agent.

use azlin_sim::{Options, SUBSCRIPTION, Sim};
use azlin_tests::sim::{azlin, azlin_at, start};
use azlin_tests::{Env, Output};
use std::path::Path;

/// The second subscription the simulator serves, context `b`'s.
const OTHER: &str = "00000000-0000-0000-0000-0000000000b2";

async fn sim() -> Sim {
    start(Options {
        vms: 10,
        subscriptions: vec![OTHER.into()],
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

fn names(listed: &serde_json::Value) -> Vec<String> {
    listed["vms"]
        .as_array()
        .unwrap_or_else(|| panic!("a vms table in {listed}"))
        .iter()
        .map(|vm| vm["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Runs go through an agent in a runtime directory of the test's own,
/// stopped when the test ends (passing or not).
struct Agent<'a> {
    env: &'a Env,
    sim: &'a Sim,
    runtime: tempfile::TempDir,
}

impl<'a> Agent<'a> {
    fn new(env: &'a Env, sim: &'a Sim) -> Self {
        Self {
            env,
            sim,
            runtime: tempfile::tempdir().expect("a runtime dir"),
        }
    }

    async fn run(&self, args: &[&str]) -> Output {
        let run = azlin_at(self.env, self.sim, args).through_agent(self.runtime.path());
        tokio::task::spawn_blocking(move || run.output())
            .await
            .expect("the run finishes")
    }
}

impl Drop for Agent<'_> {
    fn drop(&mut self) {
        let _ = azlin_at(self.env, self.sim, &["agent", "stop"])
            .through_agent(self.runtime.path())
            .output();
    }
}

/// A user with contexts `a` (the simulator's first subscription, active)
/// and `b` (the other one).
fn user_with_two_contexts() -> Env {
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    let contexts = env.config_dir().join("contexts");
    std::fs::create_dir_all(&contexts).expect("contexts dir");
    for (name, subscription) in [("a", SUBSCRIPTION), ("b", OTHER)] {
        std::fs::write(
            contexts.join(format!("{name}.toml")),
            format!(
                "# {name}'s context\nname = \"{name}\"\nsubscription_id = \"{subscription}\"\n"
            ),
        )
        .expect("write a context");
    }
    std::fs::write(env.config_dir().join("active-context"), "a\n").expect("make a active");
    env
}

/// Switches from `a` to `b` with `run` and checks the next `list` asks
/// ARM under `b`'s subscription only.
async fn switching_contexts_moves_the_next_list(sim: &Sim, run: impl AsyncFn(&[&str]) -> Output) {
    let before = run(&["list", "-o", "json"]).await;
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert!(sim.state.subscriptions().contains_key(SUBSCRIPTION));
    assert!(!sim.state.subscriptions().contains_key(OTHER));

    let switched = run(&["context", "use", "b"]).await;
    assert_eq!(switched.code, 0, "{}", switched.stderr);
    assert!(
        switched.stdout.contains("Switched to context 'b'"),
        "{}",
        switched.stdout
    );
    sim.state.reset_counts();
    let after = run(&["list", "-o", "json"]).await;
    assert_eq!(after.code, 0, "{}", after.stderr);
    assert!(
        !after.stderr.contains("in this process"),
        "no fallback from the agent: {}",
        after.stderr
    );
    let asked: Vec<String> = sim.state.subscriptions().into_keys().collect();
    assert_eq!(asked, [OTHER], "{:?}", sim.state.counts());
    assert!(!names(&json(&after)).is_empty(), "{}", after.stdout);

    let shown = json(&run(&["context", "show", "-o", "json"]).await);
    assert_eq!(shown["context"]["subscription_id"], OTHER, "{shown}");
    let listed = json(&run(&["context", "list", "-o", "json"]).await);
    let active: Vec<&str> = listed["contexts"]
        .as_array()
        .expect("contexts")
        .iter()
        .filter(|context| context["active"] == true)
        .map(|context| context["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(active, ["b"], "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_use_makes_the_next_list_use_the_new_subscription() {
    let sim = sim().await;
    let env = user_with_two_contexts();
    switching_contexts_moves_the_next_list(&sim, async |args| azlin(&env, &sim, args).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_use_through_the_agent_makes_the_next_list_use_the_new_subscription() {
    let sim = sim().await;
    let env = user_with_two_contexts();
    let agent = Agent::new(&env, &sim);
    switching_contexts_moves_the_next_list(&sim, async |args| agent.run(args).await).await;
    let status = json(&agent.run(&["agent", "status", "-o", "json"]).await);
    assert!(status["agent"]["pid"].is_u64(), "the agent ran: {status}");
}

#[test]
fn contexts_are_created_renamed_and_deleted_with_active_context_kept_in_step() {
    let env = user_with_two_contexts();
    env.azlin([
        "context",
        "create",
        "staging",
        "--subscription-id",
        OTHER,
        "--rg",
        "rg-stage",
        "--region",
        "eastus",
    ])
    .success();
    let created = std::fs::read_to_string(env.config_dir().join("contexts/staging.toml"))
        .expect("the context file");
    assert!(
        created.contains("resource_group = \"rg-stage\""),
        "{created}"
    );
    env.azlin(["context", "create", "staging", "--subscription-id", OTHER])
        .code(1);

    env.azlin(["context", "rename", "a", "alpha"]).success();
    let marker =
        std::fs::read_to_string(env.config_dir().join("active-context")).expect("active-context");
    assert_eq!(marker.trim(), "alpha");
    let renamed = std::fs::read_to_string(env.config_dir().join("contexts/alpha.toml"))
        .expect("the renamed file");
    assert!(renamed.starts_with("# a's context\n"), "{renamed}");
    assert!(renamed.contains("name = \"alpha\""), "{renamed}");
    assert!(!env.config_dir().join("contexts/a.toml").exists());

    let refused = env.azlin(["context", "delete", "alpha"]).code(1);
    assert!(
        refused.stderr.contains("'alpha' is the active context"),
        "{}",
        refused.stderr
    );
    env.azlin(["context", "delete", "staging"]).success();
    env.azlin(["context", "delete", "alpha", "--force"])
        .success();
    assert!(!env.config_dir().join("active-context").exists());
    let shown = env.azlin(["context", "show"]).success();
    assert!(
        shown.stdout.contains("no context is active"),
        "{}",
        shown.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_rewrites_config_toml_keeping_comments_and_unknown_keys() {
    let sim = sim().await;
    let env = Env::new();
    env.write_config(
        "# my fleet\ndefault_resource_group = \"rg-0\"\nfuture_setting = \"kept\" # not azlin's yet\n\n[session_names]\nvm-0001 = \"old\"\n",
    );
    let set = azlin(&env, &sim, &["session", "vm-0002", "build-box"]).await;
    assert_eq!(set.code, 0, "{}", set.stderr);
    let text = std::fs::read_to_string(env.config_file()).expect("config.toml");
    assert!(text.starts_with("# my fleet\n"), "{text}");
    assert!(
        text.contains("future_setting = \"kept\" # not azlin's yet\n"),
        "{text}"
    );
    assert!(text.contains("vm-0001 = \"old\"\n"), "{text}");
    assert!(text.contains("vm-0002 = \"build-box\"\n"), "{text}");

    let shown = json(&azlin(&env, &sim, &["session", "build-box", "-o", "json"]).await);
    assert_eq!(shown["session"]["vm"], "vm-0002", "{shown}");
    assert_eq!(shown["session"]["session"], "build-box", "{shown}");

    let taken = azlin(&env, &sim, &["session", "vm-0003", "build-box"]).await;
    assert_eq!(taken.code, 1, "{}", taken.stderr);
    assert!(
        taken.stderr.contains("already VM 'vm-0002'"),
        "{}",
        taken.stderr
    );

    let cleared = azlin(&env, &sim, &["session", "vm-0001", "--clear"]).await;
    assert_eq!(cleared.code, 0, "{}", cleared.stderr);
    let text = std::fs::read_to_string(env.config_file()).expect("config.toml");
    assert!(!text.contains("vm-0001"), "{text}");
    assert!(text.contains("# not azlin's yet"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_through_the_agent_writes_the_config_file_the_client_named() {
    let sim = sim().await;
    let env = Env::new();
    let other = env.config_dir().join("other.toml");
    std::fs::write(&other, "# other\ndefault_resource_group = \"rg-0\"\n").expect("write");
    let agent = Agent::new(&env, &sim);
    let config = other.to_str().expect("utf-8");
    let run = async |args: &[&str]| agent.run(args).await;
    let set = run(&["session", "vm-0004", "web", "--config", config]).await;
    assert_eq!(set.code, 0, "{}", set.stderr);
    let text = std::fs::read_to_string(&other).expect("other.toml");
    assert!(text.starts_with("# other\n"), "{text}");
    assert!(text.contains("vm-0004 = \"web\""), "{text}");
    assert!(
        !env.config_file().exists(),
        "the default config.toml is untouched"
    );
    let shown = run(&["session", "vm-0004", "--config", config, "-o", "json"]).await;
    assert_eq!(
        json(&shown)["session"]["session"],
        "web",
        "{}",
        shown.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_add_and_remove_show_in_the_next_list_without_refresh() {
    let sim = sim().await;
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    let warm = azlin(&env, &sim, &["list", "-o", "json"]).await;
    assert_eq!(warm.code, 0, "{}", warm.stderr);
    let added = azlin(
        &env,
        &sim,
        &[
            // Options go first: the tags take every argument after the VM.
            "-o",
            "json",
            "tag",
            "add",
            "vm-0002",
            "owner=alice",
            "team=core",
        ],
    )
    .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert_eq!(sim.state.counts().get("vm.update"), Some(&1));
    let tags = json(&added)["tags"].clone();
    assert!(
        tags.as_array()
            .expect("tags")
            .iter()
            .any(|tag| tag["key"] == "owner" && tag["value"] == "alice"),
        "{tags}"
    );
    let tagged = azlin(&env, &sim, &["list", "--tag", "owner=alice", "-o", "json"]).await;
    assert_eq!(names(&json(&tagged)), ["vm-0002"], "{}", tagged.stderr);
    let kept = azlin(&env, &sim, &["list", "--tag", "env=dev", "-o", "json"]).await;
    assert!(names(&json(&kept)).contains(&"vm-0002".to_string()));

    let removed = azlin(&env, &sim, &["tag", "remove", "vm-0002", "owner"]).await;
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    let untagged = azlin(&env, &sim, &["list", "--tag", "owner", "-o", "json"]).await;
    assert!(names(&json(&untagged)).is_empty(), "{}", untagged.stdout);
    let listed = json(&azlin(&env, &sim, &["tag", "list", "vm-0002", "-o", "json"]).await);
    let keys: Vec<&str> = listed["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|tag| tag["key"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(keys, ["azlin-session", "env", "team"], "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_gives_one_vms_whole_record() {
    let sim = sim().await;
    let env = Env::new();
    env.write_config(
        "default_resource_group = \"rg-0\"\n[session_names]\nvm-0002 = \"build-box\"\n",
    );
    let shown = json(&azlin(&env, &sim, &["show", "build-box", "-o", "json"]).await);
    let vm = &shown["vm"];
    assert_eq!(vm["name"], "vm-0002", "{shown}");
    assert_eq!(vm["session"], "build-box");
    assert_eq!(vm["status"], "Running");
    assert_eq!(vm["provisioning_state"], "Succeeded");
    assert_eq!(vm["resource_group"], "rg-0");
    assert_eq!(vm["subscription_id"], SUBSCRIPTION);
    assert_eq!(vm["region"], "westus2");
    assert_eq!(vm["size"], "Standard_E16as_v5");
    assert_eq!(vm["cpu"], 16);
    assert_eq!(vm["memory"], 131072u64 << 20);
    assert_eq!(vm["os_type"], "Linux");
    assert_eq!(vm["public_ip"], "20.0.0.2");
    assert_eq!(vm["private_ip"], "10.0.0.6");
    assert!(
        vm["id"].as_str().is_some_and(|id| id
            .ends_with("/resourceGroups/rg-0/providers/Microsoft.Compute/virtualMachines/vm-0002")),
        "{shown}"
    );
    assert!(
        vm["tags"]
            .as_array()
            .is_some_and(|tags| tags.contains(&serde_json::json!("env=dev"))),
        "{shown}"
    );
    let table = azlin(&env, &sim, &["show", "vm-0002"]).await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let memory = table
        .stdout
        .lines()
        .find(|line| line.starts_with("memory "))
        .unwrap_or_else(|| panic!("a memory line in {}", table.stdout));
    assert_eq!(
        memory.split_whitespace().skip(1).collect::<Vec<_>>(),
        ["128.0", "GiB"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_vms_and_session_names_exit_1_with_the_nearest_names() {
    let sim = sim().await;
    let env = Env::new();
    env.write_config(
        "default_resource_group = \"rg-0\"\n[session_names]\nvm-0002 = \"build-box\"\n",
    );
    let vm = azlin(&env, &sim, &["show", "vm-0021"]).await;
    assert_eq!(vm.code, 1, "{}", vm.stderr);
    assert!(
        vm.stderr.contains("no VM or session named 'vm-0021'") && vm.stderr.contains("'vm-0001'"),
        "{}",
        vm.stderr
    );
    let session = azlin(&env, &sim, &["session", "biuld-box"]).await;
    assert_eq!(session.code, 1, "{}", session.stderr);
    assert!(
        session.stderr.contains("did you mean 'build-box'"),
        "{}",
        session.stderr
    );
}

/// Checks `run` listed VMs having asked ARM under `subscription` only.
fn asked_only(sim: &Sim, run: &Output, subscription: &str) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!names(&json(run)).is_empty(), "{}", run.stdout);
    let asked: Vec<String> = sim.state.subscriptions().into_keys().collect();
    assert_eq!(asked, [subscription], "{:?}", sim.state.counts());
    sim.state.reset_counts();
}

/// Writes auth profile `name` as existing azlin's `auth setup` does.
fn write_profile(env: &Env, name: &str, subscription: &str) {
    let dir = env.config_dir().join("profiles");
    std::fs::create_dir_all(&dir).expect("profiles dir");
    std::fs::write(
        dir.join(format!("{name}.json")),
        format!(
            r#"{{"tenant_id": "00000000-0000-0000-0000-0000000000aa", "client_id": "c", "subscription_id": "{subscription}"}}"#
        ),
    )
    .expect("write a profile");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_profile_pins_the_subscription_over_the_active_context_for_that_command_only() {
    let sim = sim().await;
    let env = user_with_two_contexts();
    write_profile(&env, "other", OTHER);
    let agent = Agent::new(&env, &sim);
    let in_process = azlin(
        &env,
        &sim,
        &["--auth-profile", "other", "list", "-o", "json"],
    )
    .await;
    asked_only(&sim, &in_process, OTHER);
    let through_agent = agent
        .run(&[
            "list",
            "-o",
            "json",
            "--auth-profile",
            "other",
            "--no-cache",
        ])
        .await;
    asked_only(&sim, &through_agent, OTHER);
    let plain = agent.run(&["list", "-o", "json"]).await;
    asked_only(&sim, &plain, SUBSCRIPTION);

    let missing = azlin(&env, &sim, &["--auth-profile", "othr", "list"]).await;
    assert_ne!(missing.code, 0);
    assert!(
        missing.stderr.contains("there is no auth profile 'othr'")
            && missing.stderr.contains("did you mean 'other'"),
        "{}",
        missing.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_contexts_and_tags_are_refused_naming_the_problem() {
    let sim = sim().await;
    let env = user_with_two_contexts();
    let missing = azlin(&env, &sim, &["context", "use", "bb"]).await;
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("there is no context 'bb'")
            && missing.stderr.contains("did you mean 'b'"),
        "{}",
        missing.stderr
    );
    let marker = env.config_dir().join("active-context");
    assert_eq!(
        std::fs::read_to_string(&marker).expect("marker").trim(),
        "a"
    );

    let escaping = azlin(&env, &sim, &["context", "use", "../a"]).await;
    assert_eq!(escaping.code, 2, "{}", escaping.stderr);
    assert!(
        escaping.stderr.contains("not a valid context name"),
        "{}",
        escaping.stderr
    );

    write_broken(&env.config_dir().join("contexts/broken.toml"));
    let broken = azlin(&env, &sim, &["context", "use", "broken"]).await;
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("contexts/broken.toml") && broken.stderr.contains("line 2"),
        "{}",
        broken.stderr
    );
    std::fs::write(&marker, "broken\n").expect("make the broken context active");
    let listed = azlin(&env, &sim, &["list"]).await;
    assert_eq!(listed.code, 1, "{}", listed.stderr);
    assert!(
        listed.stderr.contains("contexts/broken.toml") && listed.stderr.contains("line 2"),
        "{}",
        listed.stderr
    );
    std::fs::write(&marker, "a\n").expect("back to a");

    let not_a_tag = azlin(&env, &sim, &["tag", "add", "vm-0002", "notakeyvalue"]).await;
    assert_eq!(not_a_tag.code, 2, "{}", not_a_tag.stderr);
    assert!(
        not_a_tag.stderr.contains("'notakeyvalue' is not a tag"),
        "{}",
        not_a_tag.stderr
    );
    let bad_key = azlin(&env, &sim, &["tag", "add", "vm-0002", "a/b=1"]).await;
    assert_eq!(bad_key.code, 2, "{}", bad_key.stderr);
    assert_eq!(sim.state.counts().get("vm.update"), None);
}

fn write_broken(path: &Path) {
    std::fs::write(path, "name = \"broken\"\nsubscription_id = \n").expect("break a context");
}
