//! Vetting: only approved bytes run, signatures where policy requires them,
//! capabilities granted line by line, system policy over the user's, and
//! scope limits answered with `access-denied`.

use azlin_sim::{Options, TOKEN};
use azlin_tests::signing::Publisher;
use azlin_tests::sim::{azlin_via, start};
use azlin_tests::{Env, Via, fixtures, golden};
use std::path::{Path, PathBuf};

/// A copy of `fixture` outside the plugin directory, as a download would be.
fn download(env: &Env, fixture: &str, name: &str) -> PathBuf {
    env.write_file(&std::fs::read(fixture).expect("fixture"), name)
}

fn path(file: &Path) -> &str {
    file.to_str().expect("a UTF-8 temp path")
}

/// `bytes` with a custom section appended: still a valid component that
/// behaves the same, with another sha256.
fn tampered(bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    let payload = [&[1u8, b'x'][..], b"tampered"].concat();
    bytes.push(0);
    bytes.push(payload.len() as u8);
    bytes.extend(payload);
    bytes
}

#[test]
fn tampered_bytes_are_refused_until_approved_again() {
    for via in Via::both() {
        let env = Env::new();
        let installed = env.install(fixtures::NORMAL, "normal");
        via.azlin(&env, ["normal"]).success();
        std::fs::write(
            &installed,
            tampered(&std::fs::read(&installed).expect("read")),
        )
        .expect("tamper");

        let refused = via.azlin(&env, ["normal"]).code(1);
        assert!(
            refused
                .stderr
                .contains("plugin 'normal' changed since it was approved"),
            "{}",
            refused.stderr
        );
        assert!(
            refused.stdout.is_empty(),
            "it must not run: {}",
            refused.stdout
        );
        let verify = via.azlin(&env, ["plugin", "verify"]).code(1);
        assert!(
            verify.stdout.contains("changed since it was approved"),
            "{}",
            verify.stdout
        );
        let enable = via.azlin(&env, ["plugin", "enable", "normal"]).code(1);
        assert!(
            enable.stderr.contains("changed since it was approved"),
            "{}",
            enable.stderr
        );

        via.azlin(&env, ["plugin", "install", path(&installed), "--yes"])
            .success();
        via.azlin(&env, ["normal"]).success();
        via.azlin(&env, ["plugin", "verify"]).success();
    }
}

#[test]
fn unsigned_plugins_are_refused_where_the_system_policy_requires_signatures() {
    for via in Via::both() {
        let env = Env::new();
        let publisher = Publisher::new();
        let policy = env.write_system_policy(&format!(
            "require_signature = true\n\n[[publisher]]\nname = \"contoso\"\nkey = \"{}\"\n",
            publisher.key()
        ));
        let file = download(&env, fixtures::NORMAL, "normal.wasm");
        let install = env
            .azlin(["plugin", "install", path(&file), "--yes"])
            .success();
        assert!(
            install.stderr.contains("it will not run yet"),
            "{}",
            install.stderr
        );

        let refused = via.azlin(&env, ["normal"]).code(1);
        assert_eq!(
            refused.stderr.trim_end(),
            format!(
                "error: plugin 'normal' is not signed by a trusted publisher (it has no signature), and require_signature is set at {}:1\nhint: the system policy {} is set by your administrators and overrides yours; ask them to install it with its publisher's signature beside it (<file>.minisig), from a publisher listed under [[publisher]]",
                policy.display(),
                policy.display()
            )
        );

        publisher.sign(&file);
        let install = env
            .azlin(["plugin", "install", path(&file), "--yes", "-o", "json"])
            .success();
        assert!(
            install.stdout.contains("\"publisher\": \"contoso\""),
            "{}",
            install.stdout
        );
        let ran = via.azlin(&env, ["normal"]).success();
        assert!(ran.stdout.contains("vm-1"), "{}", ran.stdout);
    }
}

#[test]
fn a_signature_by_a_key_no_policy_trusts_does_not_count() {
    for via in Via::both() {
        let env = Env::new();
        let (trusted, stranger) = (Publisher::new(), Publisher::new());
        env.write_user_policy(&format!(
            "require_signature = true\n\n[[publisher]]\nname = \"contoso\"\nkey = \"{}\"\n",
            trusted.key()
        ));
        let file = download(&env, fixtures::NORMAL, "normal.wasm");
        stranger.sign(&file);
        via.azlin(&env, ["plugin", "install", path(&file), "--yes"])
            .success();
        let refused = via.azlin(&env, ["normal"]).code(1);
        assert!(
            refused
                .stderr
                .contains("(it was made with a key no policy trusts (trusted: contoso))"),
            "{}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains("policy.toml)"),
            "the user's own file: {}",
            refused.stderr
        );
    }
}

#[test]
fn a_signature_over_other_bytes_is_refused_at_install() {
    let env = Env::new();
    let publisher = Publisher::new();
    env.write_user_policy(&format!(
        "[[publisher]]\nname = \"contoso\"\nkey = \"{}\"\n",
        publisher.key()
    ));
    let file = download(&env, fixtures::NORMAL, "normal.wasm");
    publisher.sign_bytes(
        b"other bytes",
        Path::new(&format!("{}.minisig", file.display())),
    );
    let refused = env
        .azlin(["plugin", "install", path(&file), "--yes"])
        .code(1);
    assert!(
        refused
            .stderr
            .contains("has a signature that does not verify: it carries the key of 'contoso' but does not match the bytes"),
        "{}",
        refused.stderr
    );
    assert!(
        !env.plugin_dir().join("normal.wasm").exists(),
        "nothing installed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ungranted_ssh_import_is_refused_before_the_plugin_runs() {
    for via in Via::both() {
        let sim = start(Options::default()).await;
        let env = Env::new();
        env.write_config("default_resource_group = \"rg-0\"\n");
        let file = download(&env, fixtures::DISK_USAGE, "disk_usage.wasm");
        via.azlin(
            &env,
            ["plugin", "install", path(&file), "--grant", "azure-read"],
        )
        .success();
        let refused = azlin_via(&env, &sim, &via, &["disk-usage"]).await;
        assert_eq!(refused.code, 1, "{}", refused.stderr);
        assert_eq!(
            refused.stderr.trim_end(),
            "error: plugin 'disk-usage' needs capability ssh-exec (azlin:host/remote), which your approval in plugins.lock does not grant\nhint: azlin plugin grant disk-usage ssh-exec"
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
        assert_eq!(
            sim.state.arm_total(),
            0,
            "the plugin never ran: {:?}",
            sim.state.counts()
        );
    }
}

#[test]
fn the_system_policy_overrides_the_users_and_the_denied_user_is_told_who_decides() {
    for via in Via::both() {
        let env = Env::new();
        env.write_user_policy(
            "third_party = \"allow\"\n\n[[plugin]]\nname = \"disk-usage\"\ngrants = [\"azure-read\", \"ssh-exec\"]\n",
        );
        let system = env.write_system_policy(
            "# Contoso ops: third-party plugins read Azure only.\n\n[[plugin]]\nname = \"disk-usage\"\ngrants = [\"azure-read\"]\n",
        );
        env.install(fixtures::DISK_USAGE, "disk-usage");
        let refused = via.azlin(&env, ["disk-usage"]).code(1);
        assert_eq!(
            refused.stderr.trim_end(),
            format!(
                "error: plugin 'disk-usage' needs capability ssh-exec (azlin:host/remote), which the system policy {system} does not grant\nhint: the system policy {system} is set by your administrators and overrides yours; ask them to add \"ssh-exec\" to grants of the [[plugin]] rule at {system}:3",
                system = system.display()
            )
        );

        env.write_system_policy("third_party = \"deny\"\n");
        let refused = via.azlin(&env, ["disk-usage"]).code(1);
        assert!(
            refused.stderr.contains(&format!(
                "is not allowed: third_party = \"deny\" at {}:1",
                system.display()
            )),
            "{}",
            refused.stderr
        );
    }
}

#[test]
fn limits_a_policy_sets_are_enforced_below_the_configured_ones() {
    for via in Via::both() {
        let env = Env::new();
        env.write_system_policy(
            "[limits]\nmemory_mib = 24\ncpu_seconds = 0.4\nwall_seconds = 1\noutput_mib = 1\n",
        );
        for (fixture, name, args, message) in [
            (
                fixtures::HOG,
                "hog",
                &[][..],
                "it tried to use more than 24 MiB of memory",
            ),
            (
                fixtures::SPIN,
                "spin",
                &[],
                "it ran for more than 0.4 s of CPU time",
            ),
            (
                fixtures::SPIN,
                "spin",
                &["--sleep", "600"],
                "it ran for more than 1.0 s in all",
            ),
            (
                fixtures::FLOOD,
                "flood",
                &[],
                "it wrote more than 1 MiB of output",
            ),
        ] {
            env.install(fixture, name);
            let command = std::iter::once(name).chain(args.iter().copied());
            let stopped = via.azlin(&env, command).code(70);
            assert!(
                stopped.stderr.contains(message),
                "{name}: {}",
                stopped.stderr
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_outside_a_plugins_scope_get_access_denied() {
    for via in Via::both() {
        let sim = start(Options {
            vms: 8,
            group_size: 4,
            running_addresses: (1..=8).map(|n| format!("127.0.0.{n}")).collect(),
            ..Options::default()
        })
        .await;
        let env = Env::new();
        let system = env.write_system_policy(
            "[[plugin]]\nname = \"list\"\nlimits = { resource_groups = [\"rg-1\"] }\n\n[[plugin]]\nname = \"batch\"\nlimits = { max_hosts = 2 }\n",
        );
        let denied = azlin_via(&env, &sim, &via, &["list", "--rg", "rg-0"]).await;
        assert_eq!(denied.code, 1, "{}", denied.stderr);
        assert!(
            denied.stderr.contains(&format!(
                "resource group 'rg-0' is outside this plugin's scope ({}:1: resource_groups = [\"rg-1\"])",
                system.display()
            )),
            "{}",
            denied.stderr
        );
        let all = azlin_via(&env, &sim, &via, &["list", "-a", "--all", "-o", "json"]).await;
        assert_eq!(all.code, 0, "{}", all.stderr);
        let json: serde_json::Value = serde_json::from_str(&all.stdout).expect("JSON");
        let groups: Vec<&str> = json["vms"]
            .as_array()
            .expect("vms")
            .iter()
            .map(|vm| vm["resource_group"].as_str().unwrap_or_default())
            .collect();
        assert!(
            !groups.is_empty() && groups.iter().all(|group| *group == "rg-1"),
            "{groups:?}"
        );

        let fan_out = azlin_via(
            &env,
            &sim,
            &via,
            &["batch", "command", "uptime", "--all", "--rg", "rg-0"],
        )
        .await;
        assert_ne!(fan_out.code, 0, "{}", fan_out.stderr);
        assert!(
            fan_out.stderr.contains(&format!(
                "is more than this plugin may reach at once ({}:5: max_hosts = 2)",
                system.display()
            )),
            "{}",
            fan_out.stderr
        );
    }
}

#[test]
fn plugin_inspect_shows_what_a_plugin_is_given_and_why() {
    let env = Env::new();
    env.write_config("[plugin_limits]\nmemory_mib = 128\n");
    env.write_system_policy(
        "[limits]\ncpu_seconds = 10\n\n[[plugin]]\nname = \"disk-usage\"\ngrants = [\"azure-read\"]\nlimits = { max_hosts = 20, resource_groups = [\"rg-dev\"] }\n",
    );
    let installed = env.install(fixtures::DISK_USAGE, "disk-usage");
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        std::fs::read(&installed).expect("read"),
    ));
    let root = env
        .config_dir()
        .parent()
        .expect("root")
        .display()
        .to_string();
    let mask = |text: &str| text.replace(&sha256, "<sha256>").replace(&root, "<root>");
    // JSON, because a table's column widths follow the temp directory's name.
    let json = env
        .azlin(["plugin", "inspect", "disk-usage", "-o", "json"])
        .success();
    golden("plugin_inspect.json", &mask(&json.stdout));
    let table = env.azlin(["plugin", "inspect", "disk-usage"]).success();
    assert!(
        mask(&table.stdout).contains("verdict    refused: plugin 'disk-usage' needs capability ssh-exec (azlin:host/remote), which the system policy <root>/system-policy.toml does not grant\n"),
        "{}",
        table.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_cannot_obtain_a_token_or_a_key() {
    for via in Via::both() {
        let sim = start(Options::default()).await;
        let env = Env::new();
        let key = env.config_dir().join("azlin_key");
        std::fs::write(&key, "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n").expect("key");
        env.write_config(&format!(
            "default_resource_group = \"rg-0\"\n\n[ssh]\nkey = \"{}\"\n",
            key.display()
        ));
        env.install(fixtures::SANDBOX, "sandbox");
        let output = azlin_via(
            &env,
            &sim,
            &via,
            &["sandbox", "--read", path(&key), "-o", "json"],
        )
        .await;
        assert_eq!(output.code, 0, "{}", output.stderr);
        let probes: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
        let probes = &probes["probes"];
        assert!(
            probes["read_given"]
                .as_str()
                .unwrap_or_default()
                .starts_with("denied:"),
            "{probes}"
        );
        assert!(
            probes["config_ssh_key"]
                .as_str()
                .unwrap_or_default()
                .starts_with("access-denied:"),
            "{probes}"
        );
        assert!(
            !output.stdout.contains(TOKEN) && !output.stdout.contains("PRIVATE KEY"),
            "{}",
            output.stdout
        );
    }
}

#[test]
fn enable_disable_grant_revoke_and_remove_change_what_runs() {
    for via in Via::both() {
        let env = Env::new();
        env.install(fixtures::NORMAL, "normal");
        via.azlin(&env, ["plugin", "disable", "normal"]).success();
        let disabled = via.azlin(&env, ["normal"]).code(1);
        assert!(
            disabled
                .stderr
                .contains("plugin 'normal' is disabled\nhint: azlin plugin enable normal"),
            "{}",
            disabled.stderr
        );
        via.azlin(&env, ["plugin", "enable", "normal"]).success();
        via.azlin(&env, ["normal"]).success();

        let granted = env
            .azlin(["plugin", "grant", "normal", "ssh-exec,cache"])
            .success();
        assert!(
            granted
                .stdout
                .contains("'normal' is granted: cache, ssh-exec"),
            "{}",
            granted.stdout
        );
        let revoked = env
            .azlin(["plugin", "revoke", "normal", "ssh-exec"])
            .success();
        assert!(
            revoked.stdout.contains("'normal' is granted: cache"),
            "{}",
            revoked.stdout
        );
        let unknown = via
            .azlin(&env, ["plugin", "grant", "normal", "ssh"])
            .code(2);
        assert!(
            unknown.stderr.contains("unknown capability 'ssh'"),
            "{}",
            unknown.stderr
        );
        let typo = via.azlin(&env, ["plugin", "disable", "norml"]).code(2);
        assert!(
            typo.stderr.contains("did you mean 'normal'?"),
            "{}",
            typo.stderr
        );

        via.azlin(&env, ["plugin", "remove", "normal"]).success();
        assert!(!env.plugin_dir().join("normal.wasm").exists());
        let gone = via.azlin(&env, ["normal"]).code(2);
        assert!(
            gone.stderr.contains("unknown command 'normal'"),
            "{}",
            gone.stderr
        );
    }
}

#[test]
fn an_invalid_policy_names_its_file_and_line_and_nothing_runs() {
    let env = Env::new();
    let system = env.write_system_policy("third_party = \"deny\"\nrequire_signatures = true\n");
    let refused = env.azlin(["doctor"]).code(1);
    assert!(
        refused.stderr.contains(&format!(
            "the plugin policy {} is not valid",
            system.display()
        )),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("line 2"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("require_signatures"),
        "{}",
        refused.stderr
    );
}

/// The plugin author's and ops team's path from docs/plugins.md, with the
/// out-of-tree example: installed, refused by a default-deny system policy,
/// granted by a rule pinning its sha256, then run on real sshd hosts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_tree_plugin_goes_from_installed_to_refused_to_granted_to_running() {
    for via in Via::both() {
        let fleet = azlin_tests::fleet::Fleet::start(3);
        let sim = start(Options {
            vms: 3,
            addresses: fleet.addresses(),
            ..Options::default()
        })
        .await;
        let env = Env::reaching(&fleet);
        let policy = env.write_system_policy("third_party = \"deny\"\n");
        let file = download(&env, fixtures::DISK_USAGE, "disk_usage.wasm");
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            std::fs::read(&file).expect("read"),
        ));

        let installed = env
            .azlin(["plugin", "install", path(&file), "--yes"])
            .success();
        assert!(
            installed.stderr.contains("it will not run yet"),
            "{}",
            installed.stderr
        );
        let refused = azlin_via(&env, &sim, &via, &["disk-usage"]).await;
        assert_eq!(refused.code, 1, "{}", refused.stderr);
        assert!(
            refused.stderr.contains(&format!("sha256 = \"{sha256}\"")),
            "the refusal shows the rule to add: {}",
            refused.stderr
        );
        assert_eq!(sim.state.arm_total(), 0, "refused before it ran");

        std::fs::write(
            &policy,
            format!(
                "third_party = \"deny\"\n\n[[plugin]]\nname = \"disk-usage\"\nsha256 = \"{sha256}\"\ngrants = [\"azure-read\", \"ssh-exec\"]\n"
            ),
        )
        .expect("the ops team grants it");
        let ran = azlin_via(&env, &sim, &via, &["disk-usage", "-o", "json"]).await;
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        let json: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
        let disks = json["disks"].as_array().expect("a disks table");
        assert_eq!(disks.len(), 3, "{json}");
        for disk in disks {
            assert_eq!(disk["mount"], "/", "{disk}");
            assert!(disk["size_mib"].as_i64().unwrap_or_default() > 0, "{disk}");
        }
    }
}

#[test]
fn install_without_a_terminal_needs_yes_or_grant_and_installs_nothing() {
    let env = Env::new();
    let file = download(&env, fixtures::READER, "reader.wasm");
    let refused = env.azlin(["plugin", "install", path(&file)]).code(2);
    assert!(
        refused.stderr.contains(
            "plugin 'reader' needs azure-read, and nobody is at a terminal to approve that\nhint: add --yes to grant it, or --grant CAP,... to grant fewer"
        ),
        "{}",
        refused.stderr
    );
    assert!(
        !env.plugin_dir().join("reader.wasm").exists(),
        "nothing installed"
    );
    let unknown = env
        .azlin(["plugin", "install", path(&file), "--grant", "azure-reed"])
        .code(2);
    assert!(
        unknown.stderr.contains("unknown capability 'azure-reed'"),
        "{}",
        unknown.stderr
    );
}
