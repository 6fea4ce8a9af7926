//! The plugin boundary as a hostile plugin tries it (`fixture-trespass`), in
//! azlin's own process and through the agent: local files the user did not
//! type or that are azlin's own, VMs of resource groups outside its scope,
//! key files it names itself, and built-in command names. Each attempt is
//! refused and nothing changes: files, simulator state, the lock.

use azlin_sim::Sim;
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin_at, start, start_for};
use azlin_tests::{Env, Via, fixtures};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// Runs `args` as `env`'s user against `sim`, `via` the runtime, from `cwd`.
async fn run(env: &Env, sim: &Sim, via: &Via, cwd: &Path, args: &[&str]) -> azlin_tests::Output {
    let command = via.run(azlin_at(env, sim, args).current_dir(cwd));
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the run finishes")
}

/// What a plugin must never change: the user's files and azlin's approvals
/// (azlin's own caches and known_hosts may change as it works).
fn guarded(env: &Env, home: &Path, key: &Path) -> BTreeMap<String, String> {
    let mut files = snapshot(&env.plugin_dir());
    for file in [
        home.join(".bashrc"),
        env.config_file(),
        env.config_dir().join("plugins.lock"),
        key.to_path_buf(),
    ] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        files.insert(
            file.display().to_string(),
            hex::encode(Sha256::digest(&bytes)),
        );
    }
    files
}

/// Every file under `dir` with the sha256 of its bytes (symlinks as links).
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path).unwrap_or_default();
                files.insert(
                    path.display().to_string(),
                    hex::encode(Sha256::digest(&bytes)),
                );
            }
        }
    }
    files
}

/// A simulator of two resource groups (`rg-0`, `rg-1`, four VMs each) and
/// a user whose system policy holds `plugin` to `rg-1`.
async fn scoped_to_rg1(plugin: &str) -> (Sim, Env) {
    let sim = start(azlin_sim::Options {
        vms: 8,
        group_size: 4,
        ..azlin_sim::Options::default()
    })
    .await;
    let env = Env::new();
    env.write_system_policy(&format!(
        "[[plugin]]\nname = \"{plugin}\"\nlimits = {{ resource_groups = [\"rg-1\"] }}\n"
    ));
    (sim, env)
}

/// The attempts record of a `trespass` run: what each attempt got.
fn attempts(output: &azlin_tests::Output) -> BTreeMap<String, String> {
    assert_eq!(output.code, 0, "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", output.stdout));
    json["attempts"]
        .as_object()
        .expect("an attempts record")
        .iter()
        .map(|(what, got)| (what.clone(), got.as_str().unwrap_or_default().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_touches_no_local_file_the_user_did_not_type_nor_azlins_own() {
    let fleet = Fleet::start(1);
    let sim = start_for(&fleet, 1).await;
    let env = Env::reaching(&fleet);
    env.install(fixtures::TRESPASS, "trespass");
    let home = env.config_dir().parent().expect("home").to_path_buf();
    std::fs::write(home.join(".bashrc"), "echo mine\n").expect("write .bashrc");
    let work = tempfile::tempdir().expect("a working directory");
    let key = fleet.client_key();
    let given_paths = [
        env.plugin_dir().display().to_string(),
        env.config_file().display().to_string(),
        env.cache_dir().display().to_string(),
        key.display().to_string(),
        "~/.azlin/plugins".to_string(),
    ];
    for via in Via::both() {
        for given in &given_paths {
            let before = (guarded(&env, &home, &key), snapshot(work.path()));
            let output = run(
                &env,
                &sim,
                &via,
                work.path(),
                &[
                    "trespass", "files", "--vm", "vm-0000", "--group", "rg-0", "--given", given,
                    "-o", "json",
                ],
            )
            .await;
            for (what, got) in attempts(&output) {
                let typed_and_ours =
                    what == format!("upload {given}") || what == format!("download to {given}");
                let expected = if what.contains("/tmp/..") || what.contains("/tmp/.") {
                    got.starts_with("access-denied") || got.starts_with("invalid-input")
                } else if typed_and_ours {
                    got.starts_with("access-denied")
                        && got.contains("no plugin may read or write it")
                } else {
                    got.starts_with("access-denied")
                };
                assert!(expected, "{} given {given}: {what}: {got}", via.name());
            }
            let after = (guarded(&env, &home, &key), snapshot(work.path()));
            assert_eq!(
                before.0,
                after.0,
                "{}: files under HOME changed",
                via.name()
            );
            assert_eq!(
                before.1,
                after.1,
                "{}: the working directory changed",
                via.name()
            );
            assert!(
                !Path::new("/tmp/trespass-up").exists(),
                "{}: a file was uploaded",
                via.name()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_named_key_file_is_refused_without_saying_whether_it_exists() {
    let fleet = Fleet::start(1);
    let sim = start_for(&fleet, 1).await;
    let env = Env::reaching(&fleet);
    env.install(fixtures::TRESPASS, "trespass");
    let work = tempfile::tempdir().expect("a working directory");
    for via in Via::both() {
        let output = run(
            &env,
            &sim,
            &via,
            work.path(),
            &[
                "trespass", "key", "--vm", "vm-0000", "--group", "rg-0", "-o", "json",
            ],
        )
        .await;
        let got = attempts(&output);
        assert_eq!(got.len(), 4, "{got:?}");
        for (what, result) in &got {
            assert!(
                result.starts_with("access-denied")
                    && result.contains("was not typed on the command line"),
                "{}: {what}: {result}",
                via.name()
            );
            assert!(!result.contains("No such file"), "{what}: {result}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_plugin_changes_no_vm_outside_its_resource_groups() {
    let (sim, env) = scoped_to_rg1("trespass").await;
    env.install(fixtures::TRESPASS, "trespass");
    let work = tempfile::tempdir().expect("a working directory");
    let before = format!("{:?}", sim.state.fleet());
    for via in Via::both() {
        sim.state.reset_counts();
        let output = run(
            &env,
            &sim,
            &via,
            work.path(),
            &[
                "trespass",
                "arm",
                "--group",
                "rg-1",
                "--victim-group",
                "rg-0",
                "--victim",
                "vm-0000",
                "-o",
                "json",
            ],
        )
        .await;
        let got = attempts(&output);
        assert_eq!(got.len(), 7 * 6, "{got:?}");
        for (what, result) in &got {
            assert!(
                result.starts_with("access-denied") || result.starts_with("invalid-input"),
                "{}: {what}: {result}",
                via.name()
            );
        }
        let writes: Vec<_> = sim
            .state
            .counts()
            .into_keys()
            .filter(|operation| {
                [
                    "start",
                    "powerOff",
                    "deallocate",
                    "restart",
                    "delete",
                    "update",
                    "create",
                ]
                .iter()
                .any(|verb| operation.ends_with(verb))
            })
            .collect();
        assert!(
            writes.is_empty(),
            "{}: writes reached ARM: {writes:?}",
            via.name()
        );
        assert_eq!(format!("{:?}", sim.state.fleet()), before, "{}", via.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_0_2_1_added_refuses_hostile_names_sizes_counts_and_other_groups() {
    let (sim, env) = scoped_to_rg1("trespass").await;
    env.install(fixtures::TRESPASS, "trespass");
    let work = tempfile::tempdir().expect("a working directory");
    let before = format!("{:?}", sim.state.fleet());
    for via in Via::both() {
        sim.state.reset_counts();
        let line = [
            "trespass",
            "added",
            "--group",
            "rg-1",
            "--victim-group",
            "rg-0",
            "-o",
            "json",
        ];
        let got = attempts(&run(&env, &sim, &via, work.path(), &line).await);
        assert_eq!(got.len(), 4 + 5 + 1 + 4 + 1, "{got:?}");
        for (what, result) in &got {
            let refused = if what.contains("outside its groups") {
                result.starts_with("access-denied")
            } else {
                result.starts_with("invalid-input")
            };
            assert!(refused, "{}: {what}: {result}", via.name());
        }
        assert!(
            got["create with nine disks"].contains("at most 8"),
            "{got:?}"
        );
        assert!(
            got["create with LUN 64"].contains("LUNs are 0 to 63"),
            "{got:?}"
        );
        assert!(
            got["create with LUN 0 twice"].contains("two data disks at LUN 0"),
            "{got:?}"
        );
        let counts = sim.state.counts();
        assert_eq!(
            counts.get("usages.list"),
            None,
            "{}: {counts:?}",
            via.name()
        );
        assert_eq!(counts.get("vm.create"), None, "{}: {counts:?}", via.name());
        assert_eq!(format!("{:?}", sim.state.fleet()), before, "{}", via.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fence_still_lets_a_scoped_plugin_act_inside_its_groups() {
    let (sim, env) = scoped_to_rg1("stop").await;
    let work = tempfile::tempdir().expect("a working directory");
    let inside = sim
        .state
        .fleet()
        .into_iter()
        .find(|vm| vm.resource_group == "rg-1" && vm.power == "PowerState/running")
        .expect("a running VM in rg-1");
    for via in Via::both() {
        let output = run(
            &env,
            &sim,
            &via,
            work.path(),
            &["stop", &inside.name, "--rg", "rg-1"],
        )
        .await;
        assert_eq!(output.code, 0, "{}: {}", via.name(), output.stderr);
        let now = sim
            .state
            .fleet()
            .into_iter()
            .find(|vm| vm.name == inside.name)
            .expect("the VM");
        assert_ne!(now.power, "PowerState/running", "{}", via.name());
        let started = run(
            &env,
            &sim,
            &via,
            work.path(),
            &["start", &inside.name, "--rg", "rg-1"],
        )
        .await;
        assert_eq!(started.code, 0, "{}: {}", via.name(), started.stderr);
    }
}

#[test]
fn a_plugin_cannot_take_a_builtin_name_or_alias() {
    let env = Env::new();
    let lock = env.config_dir().join("plugins.lock");
    for (fixture, file, refusal) in [
        (
            fixtures::IMPOSTOR,
            "kill.wasm",
            "'kill' is a built-in or reserved command name",
        ),
        (
            fixtures::IMPOSTOR_ALIAS,
            "impostor.wasm",
            "its alias 'kill' is a built-in or reserved command name",
        ),
    ] {
        let download = env.write_file(&std::fs::read(fixture).expect("fixture"), file);
        let before = (snapshot(&env.plugin_dir()), std::fs::read(&lock).ok());
        let install = env
            .azlin([
                "plugin",
                "install",
                &download.display().to_string(),
                "--yes",
            ])
            .output();
        assert_ne!(install.code, 0, "{file}: {}", install.stdout);
        assert!(
            install.stderr.contains(refusal),
            "{file}: {}",
            install.stderr
        );
        assert_eq!(
            (snapshot(&env.plugin_dir()), std::fs::read(&lock).ok()),
            before,
            "{file}: a refused install changed the plugin dir or the lock"
        );

        // Copied into the plugin directory by hand, it still never runs.
        let planted = env.drop_plugin(
            &std::fs::read(fixture).expect("fixture"),
            file.trim_end_matches(".wasm"),
        );
        for via in Via::both() {
            let ran = via.run(env.azlin(["kill", "--help"])).output();
            assert_eq!(ran.code, 0, "{}: {}", via.name(), ran.stderr);
            assert!(
                ran.stdout.contains("Usage: azlin kill") && !ran.stdout.contains("impostor"),
                "{}: {file} took `kill`: {}",
                via.name(),
                ran.stdout
            );
            let snapshot_command = via.run(env.azlin(["snapshot"])).output();
            assert!(
                !snapshot_command.stdout.contains("the impostor ran"),
                "{}: {}",
                via.name(),
                snapshot_command.stdout
            );
        }
        std::fs::remove_file(planted).expect("remove the planted plugin");
    }
}
