//! `azlin new`, `delete` and `kill` against azlin-sim: a new VM gets a real
//! sshd and the user's key, shows in the next `list`, answers `connect`,
//! and `kill` leaves nothing of it; Azure's refusals reach the user.

use azlin_sim::{Options, Sim};
use azlin_tests::fleet::Fleet;
use azlin_tests::sim::{azlin, resources, start};
use azlin_tests::{Env, vm_names};

/// A simulator of two VMs whose created VMs take `fleet`'s sshd hosts, and
/// whose SSH keys go into the fleet's `authorized_keys`.
async fn sim_for(fleet: &Fleet) -> Sim {
    start(Options {
        vms: 2,
        spare_addresses: fleet.addresses(),
        authorized_keys: Some(fleet.authorized_keys()),
        ..Options::default()
    })
    .await
}

/// A user of `fleet` whose key no host knows yet (only `new` authorises it).
fn stranger(fleet: &Fleet) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "default_resource_group = \"rg-0\"\n\n[ssh]\nuser = \"{}\"\nkey = \"{}\"\nknown_hosts = \"{}\"\n",
        Fleet::user(),
        fleet.stranger_key().display(),
        env.config_dir().join("known_hosts").display()
    ));
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_then_list_then_connect_then_kill_leaves_nothing() {
    let fleet = Fleet::start(1);
    let sim = sim_for(&fleet).await;
    let env = stranger(&fleet);
    let list = ["list", "--no-tmux", "-o", "json"];
    assert_eq!(
        vm_names(&azlin(&env, &sim, &list).await),
        ["vm-0000", "vm-0001"]
    );

    let created = azlin(
        &env,
        &sim,
        &[
            "new", "--name", "devbox", "--size", "xs", "--region", "eastus", "-o", "json",
        ],
    )
    .await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let shown: serde_json::Value = serde_json::from_str(&created.stdout).expect("JSON");
    let vm = &shown["vms"][0];
    assert_eq!(
        (vm["name"].as_str(), vm["size"].as_str()),
        (Some("devbox"), Some("Standard_D2s_v5"))
    );
    assert_eq!(vm["ip"], fleet.addresses()[0].as_str(), "{shown}");
    assert_eq!(vm["status"], "Running");
    let counts = sim.state.counts();
    for operation in ["vnet.create", "pip.create", "nic.create", "vm.create"] {
        assert_eq!(counts.get(operation), Some(&1), "{operation}: {counts:?}");
    }

    assert!(
        vm_names(&azlin(&env, &sim, &list).await).contains(&"devbox".to_string()),
        "the next list shows it without --no-cache"
    );
    let hostname = azlin(&env, &sim, &["connect", "devbox", "--", "hostname"]).await;
    assert_eq!(
        hostname.code, 0,
        "the new VM took the user's key: {}",
        hostname.stderr
    );
    let local = std::process::Command::new("hostname")
        .output()
        .expect("hostname");
    assert_eq!(hostname.stdout, String::from_utf8_lossy(&local.stdout));

    let refused = azlin(&env, &sim, &["kill", "devbox"]).await;
    assert_eq!(refused.code, 1, "no terminal to ask on: {}", refused.stderr);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    let before = resources(&sim).await;
    assert_eq!(
        before.iter().filter(|id| id.contains("devbox")).count(),
        4,
        "{before:?}"
    );

    let killed = azlin(&env, &sim, &["kill", "devbox", "-f", "-o", "json"]).await;
    assert_eq!(killed.code, 0, "{}", killed.stderr);
    let deleted: serde_json::Value = serde_json::from_str(&killed.stdout).expect("JSON");
    assert_eq!(
        deleted["deleted"].as_array().map(Vec::len),
        Some(4),
        "{deleted}"
    );
    let after = resources(&sim).await;
    assert!(!after.iter().any(|id| id.contains("devbox")), "{after:?}");
    assert_eq!(
        vm_names(&azlin(&env, &sim, &list).await),
        ["vm-0000", "vm-0001"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_keeps_the_nic_ip_and_disk() {
    let fleet = Fleet::start(1);
    let sim = sim_for(&fleet).await;
    let env = stranger(&fleet);
    let deleted = azlin(&env, &sim, &["delete", "vm-0000", "--force"]).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let left = resources(&sim).await;
    let of_vm: Vec<&String> = left.iter().filter(|id| id.contains("vm-0000")).collect();
    assert_eq!(of_vm.len(), 3, "NIC, public IP and disk stay: {of_vm:?}");
    assert!(
        of_vm.iter().all(|id| !id.contains("virtualMachines")),
        "{of_vm:?}"
    );
    let listed = azlin(&env, &sim, &["list", "--no-tmux", "--all", "-o", "json"]).await;
    assert_eq!(vm_names(&listed), ["vm-0001"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_size_or_region_azure_refuses_is_exit_1_with_its_message_and_leaves_nothing() {
    let fleet = Fleet::start(1);
    let sim = sim_for(&fleet).await;
    let env = stranger(&fleet);
    let before = resources(&sim).await;

    let size = azlin(
        &env,
        &sim,
        &["new", "--name", "big", "--vm-size", "Standard_Huge_v9"],
    )
    .await;
    assert_eq!(size.code, 1, "Azure refused it: {}", size.stderr);
    assert!(
        size.stderr.contains("SkuNotAvailable") && size.stderr.contains("Standard_Huge_v9"),
        "{}",
        size.stderr
    );
    let region = azlin(&env, &sim, &["new", "--name", "far", "--region", "mars"]).await;
    assert_eq!(region.code, 1, "Azure refused it: {}", region.stderr);
    assert!(region.stderr.contains("'mars'"), "{}", region.stderr);
    let tier = azlin(&env, &sim, &["new", "--name", "odd", "--size", "huge"]).await;
    assert_eq!(tier.code, 2, "{}", tier.stderr);
    assert!(
        tier.stderr.contains("xs, s, m, l, xl, xxl"),
        "{}",
        tier.stderr
    );
    let name = azlin(&env, &sim, &["new", "--name=-bad"]).await;
    assert_eq!(name.code, 2, "{}", name.stderr);
    assert!(
        name.stderr.contains("not a valid VM name"),
        "{}",
        name.stderr
    );

    assert_eq!(
        resources(&sim).await,
        before,
        "a refused new leaves no NIC or IP behind"
    );
    assert_eq!(
        sim.state.counts().get("vm.create"),
        Some(&1),
        "only the size reached the VM PUT"
    );
}
