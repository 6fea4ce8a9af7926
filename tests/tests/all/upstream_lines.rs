//! Command lines existing azlin's own tests parse (azlin 2.7.3's CLI crate),
//! typed here as its users type them: each must parse and do what it names,
//! against the simulator (and real sshd where SSH is involved).

use azlin_sim::{Options, SUBSCRIPTION, Sim};
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, resources, start, start_for};
use azlin_tests::{Env, Output};
use base64::Engine;

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("JSON ({error}): {}\n{}", output.stdout, output.stderr))
}

/// Calls of `operation` the simulator has served.
fn served(sim: &Sim, operation: &str) -> u64 {
    sim.state.counts().get(operation).copied().unwrap_or(0)
}

/// The VMs of resource group `group` in `state` (`PowerState/running`, …).
fn in_state(sim: &Sim, group: &str, state: &str) -> usize {
    sim.state
        .fleet()
        .iter()
        .filter(|vm| vm.resource_group == group && vm.power == state)
        .count()
}

async fn ten_vms() -> Sim {
    start(Options {
        vms: 10,
        ..Options::default()
    })
    .await
}

/// A simulator of one VM, as `options` says otherwise, whose created VMs
/// take a real sshd's address, and a user whose key `new` authorises.
async fn for_new(options: Options) -> (Fleet, Sim, Env) {
    let fleet = Fleet::start(1);
    let sim = start(Options {
        vms: 1,
        spare_addresses: fleet.addresses(),
        ..options
    })
    .await;
    let env = Env::reaching(&fleet);
    (fleet, sim, env)
}

fn in_rg0() -> Env {
    let env = Env::new();
    env.write_config("default_resource_group = \"rg-0\"\n");
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_start_and_stop_take_every_vm_without_a_selection_and_confirm_as_yes() {
    let sim = ten_vms().await;
    let env = in_rg0();
    let running = in_state(&sim, "rg-0", "PowerState/running");
    assert!(running > 1, "the fleet has running VMs in rg-0");

    let unasked = azlin(&env, &sim, &["batch", "stop", "--rg", "rg-0"]).await;
    assert_eq!(unasked.code, 1, "nobody could confirm: {}", unasked.stderr);
    assert_eq!(served(&sim, "vm.deallocate"), 0, "nothing stopped unasked");

    let stopped = azlin(
        &env,
        &sim,
        &[
            "batch",
            "stop",
            "--rg",
            "rg-0",
            "--confirm",
            "--max-workers",
            "4",
        ],
    )
    .await;
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert_eq!(served(&sim, "vm.deallocate"), running as u64);
    assert_eq!(in_state(&sim, "rg-0", "PowerState/running"), 0);

    let started = azlin(&env, &sim, &["batch", "start", "-y", "--max-workers", "2"]).await;
    assert_eq!(started.code, 0, "{}", started.stderr);
    assert!(
        served(&sim, "vm.start") >= running as u64,
        "{:?}",
        sim.state.counts()
    );
    assert_eq!(in_state(&sim, "rg-0", "PowerState/deallocated"), 0);

    let command = azlin(&env, &sim, &["batch", "command", "uptime"]).await;
    assert_eq!(
        command.code, 2,
        "a command still needs a selection: {}",
        command.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_takes_deallocate_true_or_false() {
    let sim = ten_vms().await;
    let env = in_rg0();
    let off = azlin(&env, &sim, &["stop", "vm-0000", "--deallocate", "false"]).await;
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert_eq!(
        (served(&sim, "vm.powerOff"), served(&sim, "vm.deallocate")),
        (1, 0)
    );
    let deallocated = azlin(&env, &sim, &["stop", "vm-0001", "--deallocate", "true"]).await;
    assert_eq!(deallocated.code, 0, "{}", deallocated.stderr);
    assert_eq!(served(&sim, "vm.deallocate"), 1);
    for wrong in [
        &["stop", "vm-0002", "--deallocate", "maybe"][..],
        &["stop", "vm-0002", "--deallocate", "true", "--no-deallocate"],
    ] {
        let refused = azlin(&env, &sim, wrong).await;
        assert_eq!(refused.code, 2, "{wrong:?}: {}", refused.stderr);
    }
    assert_eq!(
        served(&sim, "vm.deallocate") + served(&sim, "vm.powerOff"),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_compact_and_show_tmux() {
    let fleet = Fleet::start(2);
    let sim = start_for(&fleet, 2).await;
    let env = Env::reaching(&fleet);
    for compact in ["-c", "--compact"] {
        let table = azlin(&env, &sim, &["list", compact, "--no-tmux"]).await;
        assert_eq!(table.code, 0, "{}", table.stderr);
        let header = table.stdout.lines().nth(1).unwrap_or_default();
        assert!(
            header.contains("Session") && header.contains("IP"),
            "{header}"
        );
        assert!(
            !header.contains("OS") && !header.contains("Mem"),
            "{header}"
        );
        assert!(!table.stdout.contains("(public)"), "{}", table.stdout);
    }
    let without = json(&azlin(&env, &sim, &["list", "--show-tmux", "false", "-o", "json"]).await);
    assert!(without["vms"][0].get("tmux").is_none(), "{without}");
    assert_eq!(
        fleet.accepted_connections(0),
        0,
        "no SSH without the column"
    );
    let bare = json(&azlin(&env, &sim, &["list", "--show-tmux", "-o", "json"]).await);
    assert!(bare["vms"][0]["tmux"].is_array(), "{bare}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_refreshes_with_interval_or_tui() {
    let fleet = Fleet::start(2);
    let sim = start_for(&fleet, 2).await;
    let env = Env::reaching(&fleet);
    for line in [
        &["health", "--interval", "1", "-n", "2", "-o", "json"][..],
        &[
            "health",
            "--tui",
            "--interval",
            "1",
            "-n",
            "2",
            "-o",
            "json",
        ],
    ] {
        let health = azlin(&env, &sim, line).await;
        assert_eq!(health.code, 0, "{line:?}: {}", health.stderr);
        let snapshots: Vec<serde_json::Value> = health
            .stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line per snapshot"))
            .collect();
        assert_eq!(snapshots.len(), 2, "{}", health.stdout);
        for snapshot in &snapshots {
            assert_eq!(
                snapshot["vms"].as_array().map(Vec::len),
                Some(2),
                "{snapshot}"
            );
        }
    }
    let zero = azlin(&env, &sim, &["health", "--interval", "0"]).await;
    assert_eq!(zero.code, 2, "{}", zero.stderr);
}

#[test]
fn config_set_refuses_unknown_keys_unless_forced_and_init_and_diff_work() {
    let env = Env::new();
    let typo = env
        .azlin(["config", "set", "resource_group", "rg-9"])
        .output();
    assert_eq!(typo.code, 2, "{}", typo.stderr);
    assert!(
        typo.stderr
            .contains("did you mean 'default_resource_group'"),
        "{}",
        typo.stderr
    );
    assert!(!env.config_file().exists(), "nothing written");
    env.azlin(["config", "set", "resource_group", "rg-9", "--force"])
        .success();
    env.azlin(["config", "set", "ssh.user", "me"]).success();

    let again = env.azlin(["config", "init", "--rg", "rg-1"]).output();
    assert_eq!(again.code, 1, "an existing file is kept: {}", again.stderr);
    env.azlin([
        "config", "init", "--rg", "rg-1", "--region", "eastus", "--force",
    ])
    .success();
    let written = std::fs::read_to_string(env.config_file()).expect("config.toml");
    assert!(
        written.contains("default_resource_group = \"rg-1\""),
        "{written}"
    );
    assert!(
        !written.contains("resource_group = \"rg-9\"\n"),
        "{written}"
    );

    let diff = env.azlin(["config", "diff", "--format", "json"]).success();
    let rows: serde_json::Value = serde_json::from_str(&diff.stdout).expect("JSON");
    let keys: Vec<&str> = rows["settings"]
        .as_array()
        .expect("a settings table")
        .iter()
        .filter_map(|row| row["key"].as_str())
        .collect();
    assert_eq!(keys, ["default_region", "default_resource_group"], "{rows}");
    assert_eq!(rows["settings"][0]["baseline"], "westus2", "{rows}");

    let all = env
        .azlin(["config", "diff", "--all", "-o", "json"])
        .success();
    let all: serde_json::Value = serde_json::from_str(&all.stdout).expect("JSON");
    let rows = all["settings"].as_array().expect("a settings table");
    assert!(
        rows.iter().any(|row| row["key"] == "default_vm_size"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_create_takes_the_active_subscription_and_delete_takes_f() {
    let sim = ten_vms().await;
    let env = Env::new();
    let created = azlin(
        &env,
        &sim,
        &[
            "context",
            "create",
            "staging",
            "--resource-group",
            "rg-1",
            "--region",
            "eastus",
        ],
    )
    .await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let file = env.config_dir().join("contexts/staging.toml");
    let text = std::fs::read_to_string(&file).expect("the context file");
    assert!(
        text.contains(SUBSCRIPTION) && text.contains("rg-1"),
        "{text}"
    );
    azlin(&env, &sim, &["context", "use", "staging"]).await;
    let deleted = azlin(&env, &sim, &["context", "delete", "staging", "-f"]).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert!(!file.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_takes_existing_azlins_flags_and_names_do_not_collide() {
    let (_fleet, sim, env) = for_new(Options::default()).await;
    let created = azlin(
        &env,
        &sim,
        &[
            "new",
            "--name",
            "box",
            "--size",
            "xl",
            "--vm-family",
            "e",
            "--os",
            "22.04",
            "--no-tmux",
            "--tmux-session",
            "work",
            "--nfs-storage",
            "homes1",
            "-y",
            "--no-auto-connect",
        ],
    )
    .await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let vm = sim
        .state
        .fleet()
        .into_iter()
        .find(|vm| vm.name == "box")
        .expect("box was created");
    assert_eq!(vm.size, "Standard_E32as_v5");
    assert_eq!(
        vm.image.as_deref(),
        Some("Canonical:ubuntu-22_04-lts:server:latest")
    );
    let cloud_init = base64::engine::general_purpose::STANDARD
        .decode(vm.custom_data.expect("cloud-init was sent"))
        .expect("base64");
    let cloud_init = String::from_utf8(cloud_init).expect("text");
    assert!(!cloud_init.contains("- tmux"), "{cloud_init}");
    assert!(
        cloud_init.contains("homes1.file.core.windows.net:/homes1/home /home"),
        "{cloud_init}"
    );
    let session = azlin(&env, &sim, &["config", "get", "session_names.box"]).await;
    assert_eq!(session.stdout.trim(), "work", "{}", session.stderr);

    let (first, second) = tokio::join!(
        azlin(&env, &sim, &["new", "--size", "xs"]),
        azlin(&env, &sim, &["new", "--size", "xs"]),
    );
    assert_eq!(
        (first.code, second.code),
        (0, 0),
        "{}\n{}",
        first.stderr,
        second.stderr
    );
    let generated: Vec<String> = sim
        .state
        .fleet()
        .into_iter()
        .map(|vm| vm.name)
        .filter(|name| name.starts_with("azlin-vm-"))
        .collect();
    assert_eq!(generated.len(), 2, "two names: {generated:?}");

    let bad = azlin(&env, &sim, &["new", "--os", "windows"]).await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn completions_install_where_the_shell_loads_them() {
    let env = Env::new();
    let home = env.config_dir().parent().expect("the home").to_path_buf();
    env.azlin(["completions", "bash", "--install"]).success();
    let bash = std::fs::read_to_string(home.join(".local/share/bash-completion/completions/azlin"))
        .expect("the bash script");
    assert!(
        bash.contains("_azlin") && bash.contains("health"),
        "plugin commands complete"
    );
    env.azlin(["completions", "zsh", "--install"]).success();
    assert!(home.join(".zfunc/_azlin").is_file());
    let unsupported = env
        .azlin(["completions", "powershell", "--install"])
        .output();
    assert_eq!(unsupported.code, 2, "{}", unsupported.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_quota_shows_each_listed_regions_vcpus() {
    let sim = ten_vms().await;
    let env = in_rg0();
    let listed = json(&azlin(&env, &sim, &["list", "-q", "--no-tmux", "-o", "json"]).await);
    let quotas = listed["quotas"].as_array().expect("a quotas table");
    for region in ["eastus", "westus2"] {
        let allocated: u64 = sim
            .state
            .fleet()
            .iter()
            .filter(|vm| vm.location == region && vm.power != "PowerState/deallocated")
            .map(|vm| match vm.size.as_str() {
                "Standard_D2s_v5" => 2,
                "Standard_D4s_v5" => 4,
                _ => 16,
            })
            .sum();
        let total = quotas
            .iter()
            .find(|row| row["region"] == region && row["quota"] == "Total Regional vCPUs")
            .unwrap_or_else(|| panic!("{region}'s total in {listed}"));
        assert_eq!(total["used"], allocated, "{total}");
        assert_eq!(total["limit"], 350, "{total}");
    }
    assert_eq!(served(&sim, "usages.list"), 2, "one usage list per region");
    let table = azlin(&env, &sim, &["list", "--quota", "--no-tmux"]).await;
    assert!(
        table.stdout.contains("Total Regional vCPUs"),
        "{}",
        table.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_region_fit_skips_a_region_without_room() {
    let (_fleet, sim, env) = for_new(Options {
        quota_limits: vec![("westus2".into(), "standardEASv5Family".into(), 16)],
        ..Options::default()
    })
    .await;
    let line = [
        "new",
        "--name",
        "fit",
        "--size",
        "xl",
        "--vm-family",
        "e",
        "--region",
        "westus2",
        "--region-fit",
    ];
    let created = azlin(&env, &sim, &line).await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let vm = sim
        .state
        .fleet()
        .into_iter()
        .find(|vm| vm.name == "fit")
        .expect("fit");
    assert_eq!(
        vm.location, "eastus",
        "westus2 had 16 of 32 vCPUs: {}",
        created.stdout
    );
    assert!(
        created.stdout.contains("region-fit: eastus"),
        "{}",
        created.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_migrate_moves_contexts_out_of_config_toml() {
    let sim = ten_vms().await;
    let env = Env::new();
    let legacy = format!(
        "current_context = \"prod\"\n\n[contexts.prod]\nsubscription_id = \"{SUBSCRIPTION}\"\nresource_group = \"rg-0\"\n\n[contexts.dev]\nsubscription_id = \"{SUBSCRIPTION}\"\nregion = \"eastus\"\n"
    );
    env.write_config(&legacy);
    let migrated = json(&azlin(&env, &sim, &["context", "migrate", "-o", "json"]).await);
    let rows = migrated["migrated"].as_array().expect("a table");
    assert_eq!(rows.len(), 2, "{migrated}");
    assert!(
        rows.iter().all(|row| row["status"] == "created"),
        "{migrated}"
    );
    let active = std::fs::read_to_string(env.config_dir().join("active-context")).expect("marker");
    assert_eq!(active.trim(), "prod");
    let listed = json(&azlin(&env, &sim, &["list", "--no-tmux", "-o", "json"]).await);
    assert!(
        !listed["vms"].as_array().expect("vms").is_empty(),
        "prod's rg-0 is listed"
    );
    assert_eq!(
        std::fs::read_to_string(env.config_file()).expect("config"),
        legacy,
        "kept"
    );

    std::fs::write(
        env.config_dir().join("contexts/dev.toml"),
        "name = \"dev\"\nsubscription_id = \"00000000-0000-0000-0000-00000000000d\"\n",
    )
    .expect("edit dev");
    let again = json(&azlin(&env, &sim, &["context", "migrate", "-o", "json"]).await);
    assert!(
        again["migrated"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|row| row["status"]
                .as_str()
                .is_some_and(|status| status.starts_with("kept"))),
        "{again}"
    );
    let forced = json(&azlin(&env, &sim, &["context", "migrate", "--force", "-o", "json"]).await);
    assert!(forced["migrated"][0]["status"] == "replaced", "{forced}");
    let dev = std::fs::read_to_string(env.config_dir().join("contexts/dev.toml")).expect("dev");
    assert!(
        dev.contains(SUBSCRIPTION) && dev.contains("eastus"),
        "{dev}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_disks_for_home_and_tmp_are_made_mounted_and_killed_with_the_vm() {
    let (_fleet, sim, env) = for_new(Options::default()).await;
    let line = [
        "new",
        "--name",
        "disky",
        "--size",
        "xs",
        "--home-disk-size",
        "64",
        "--tmp-disk-size",
        "16",
    ];
    let created = azlin(&env, &sim, &line).await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let disks = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .filter(|id| id.contains("/disks/disky-disk"))
            .cloned()
            .collect()
    };
    let made = disks(&resources(&sim).await);
    assert_eq!(made.len(), 2, "{made:?}");
    let vm = sim
        .state
        .fleet()
        .into_iter()
        .find(|vm| vm.name == "disky")
        .expect("disky");
    let cloud_init = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(vm.custom_data.expect("cloud-init"))
            .expect("base64"),
    )
    .expect("text");
    for mount in [
        "[/dev/disk/azure/scsi1/lun0-part1, /home,",
        "[/dev/disk/azure/scsi1/lun1-part1, /tmp,",
    ] {
        assert!(cloud_init.contains(mount), "{cloud_init}");
    }
    let killed = azlin(&env, &sim, &["kill", "disky", "--force"]).await;
    assert_eq!(killed.code, 0, "{}", killed.stderr);
    assert_eq!(disks(&resources(&sim).await), Vec::<String>::new());

    for wrong in [
        &["new", "--home-disk-size", "64", "--no-home-disk"][..],
        &["new", "--home-disk-size", "64", "--nfs-storage", "homes1"],
        &["new", "--tmp-disk-size", "0"],
    ] {
        let refused = azlin(&env, &sim, wrong).await;
        assert_eq!(refused.code, 2, "{wrong:?}: {}", refused.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_template_gives_size_and_region_unless_flags_do() {
    let (_fleet, sim, env) = for_new(Options::default()).await;
    let dir = env.config_dir().join("templates");
    std::fs::create_dir_all(&dir).expect("templates dir");
    std::fs::write(
        dir.join("gpu.toml"),
        "name = \"gpu\"\nvm_size = \"Standard_D8s_v5\"\nregion = \"northeurope\"\n",
    )
    .expect("a template");
    let line = ["new", "--name", "t1", "--template", "gpu"];
    assert_eq!(azlin(&env, &sim, &line).await.code, 0);
    let line = [
        "new",
        "--name",
        "t2",
        "--template",
        "gpu",
        "--size",
        "xs",
        "--region",
        "eastus",
    ];
    assert_eq!(azlin(&env, &sim, &line).await.code, 0);
    let fleet_now = sim.state.fleet();
    let vm = |name: &str| fleet_now.iter().find(|vm| vm.name == name).expect(name);
    assert_eq!(
        (vm("t1").size.as_str(), vm("t1").location.as_str()),
        ("Standard_D8s_v5", "northeurope")
    );
    assert_eq!(
        (vm("t2").size.as_str(), vm("t2").location.as_str()),
        ("Standard_D2s_v5", "eastus")
    );

    let missing = azlin(&env, &sim, &["new", "--template", "nope"]).await;
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("templates/nope.toml"),
        "{}",
        missing.stderr
    );
    let escaping = azlin(&env, &sim, &["new", "--template", "../x"]).await;
    assert_ne!(escaping.code, 0, "{}", escaping.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_sync_pushes_dotfiles_and_azlin_home_but_nothing_leading_out() {
    let fleet = Fleet::start(2);
    let sim = start_for(&fleet, 2).await;
    let env = Env::reaching(&fleet);
    let home = env.config_dir().parent().expect("the home").to_path_buf();
    std::fs::write(home.join(".bashrc"), "# my bashrc\n").expect("a bashrc");
    std::fs::write(home.join(".gitconfig"), "[user]\nname = me\n").expect("a gitconfig");
    let own = env.config_dir().join("home");
    std::fs::create_dir_all(&own).expect("~/.azlin/home");
    std::fs::write(own.join("notes.txt"), "notes\n").expect("notes");
    std::os::unix::fs::symlink(fleet.client_key(), own.join("key")).expect("a link out");

    let dry = azlin(
        &env,
        &sim,
        &["batch", "sync", "--all", "--dry-run", "-o", "json"],
    )
    .await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        !fleet.sftp_home(0).join(".bashrc").exists(),
        "a dry run pushes nothing"
    );

    let synced = azlin(
        &env,
        &sim,
        &["batch", "sync", "--all", "--max-workers", "2", "-o", "json"],
    )
    .await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let pushed = json(&synced);
    assert_eq!(
        pushed["pushed"].as_array().map(Vec::len),
        Some(6),
        "{pushed}"
    );
    for i in 0..2 {
        let remote = fleet.sftp_home(i);
        let read = |name: &str| std::fs::read_to_string(remote.join(name)).unwrap_or_default();
        assert_eq!(read(".bashrc"), "# my bashrc\n");
        assert_eq!(read(".gitconfig"), "[user]\nname = me\n");
        assert_eq!(read("notes.txt"), "notes\n");
        assert!(!remote.join("key").exists(), "the key never leaves");
    }
    assert!(synced.stderr.contains("is not pushed"), "{}", synced.stderr);
}
