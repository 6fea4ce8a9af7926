//! A plugin reading VMs through the built binary, against the simulator, on
//! the real credential path (managed identity from the environment).

use azlin_sim::Options;
use azlin_tests::sim::{azlin, azlin_via, start};
use azlin_tests::{Env, Output, Via, fixtures};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_lists_the_simulated_subscription_then_hits_the_cache() {
    let sim = start(Options {
        vms: 30,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.install(fixtures::READER, "reader");

    let first = azlin(&env, &sim, &["reader"]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, "30 VMs\n");
    let counts = sim.state.counts();
    assert_eq!(
        counts.get("token"),
        Some(&1),
        "one token from the managed-identity endpoint"
    );
    assert_eq!(sim.state.arm_total(), 4, "{counts:?}");

    sim.state.reset_counts();
    let second = azlin(&env, &sim, &["reader"]).await;
    assert_eq!(second.stdout, "30 VMs\n", "{}", second.stderr);
    assert_eq!(
        sim.state.arm_total(),
        0,
        "served from the cache: {:?}",
        sim.state.counts()
    );
    assert_eq!(
        sim.state.counts().get("token"),
        None,
        "no token needed for cached answers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_subscription_the_plugin_gets_a_clear_error() {
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    let output = tokio::task::spawn_blocking(move || env.azlin(["reader"]).output())
        .await
        .expect("finishes");
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output.stderr.contains("no subscription chosen"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("AZURE_SUBSCRIPTION_ID"),
        "{}",
        output.stderr
    );
}

fn json(output: &Output) -> serde_json::Value {
    assert_eq!(output.code, 0, "{}", output.stderr);
    serde_json::from_str(&output.stdout).expect("JSON on stdout")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_costs_four_requests_for_any_fleet_and_none_within_the_ttl() {
    for vms in [10, 100, 1000] {
        let sim = start(Options {
            vms,
            page_size: 10_000,
            ..Options::default()
        })
        .await;
        let env = Env::new();
        let listed = json(&azlin(&env, &sim, &["list", "-a", "--all", "-o", "json"]).await);
        assert_eq!(listed["vms"].as_array().map(Vec::len), Some(vms));
        assert_eq!(
            sim.state.arm_total(),
            4,
            "N = {vms}: {:?}",
            sim.state.counts()
        );
        sim.state.reset_counts();
        azlin(&env, &sim, &["list", "-a", "--all"]).await;
        assert_eq!(
            sim.state.arm_total(),
            0,
            "N = {vms}, second list: {:?}",
            sim.state.counts()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_vms_are_counted_in_the_footer_and_shown_with_all() {
    let sim = start(Options {
        vms: 20,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let down = sim
        .state
        .fleet()
        .iter()
        .filter(|vm| vm.power != "PowerState/running")
        .count();
    let default = azlin(&env, &sim, &["list", "-a"]).await;
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert!(
        default.stdout.contains(&format!(
            "Total: 20 VMs | {} running | {down} hidden",
            20 - down
        )),
        "{}",
        default.stdout
    );
    assert!(
        !default.stdout.contains("Deallocated"),
        "{}",
        default.stdout
    );
    let all = azlin(&env, &sim, &["list", "-a", "--include-stopped"]).await;
    assert!(
        all.stdout.contains("Deallocated") && all.stdout.contains("Stopped"),
        "{}",
        all.stdout
    );
    assert!(all.stdout.contains("| 0 hidden"), "{}", all.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_json_has_vms_and_filters() {
    let sim = start(Options {
        vms: 30,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let listed = json(
        &azlin(
            &env,
            &sim,
            &[
                "list", "--rg", "rg-1", "--all", "--tag", "env=dev", "-o", "json",
            ],
        )
        .await,
    );
    let vms = listed["vms"].as_array().expect("vms");
    assert!(!vms.is_empty());
    assert!(vms.iter().all(|vm| vm["resource_group"] == "rg-1"));
    assert_eq!(listed["filters"]["resource_group"], "rg-1");
    assert_eq!(listed["filters"]["tags"], serde_json::json!(["env=dev"]));
    assert_eq!(listed["filters"]["include_stopped"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_by_session_name_then_list_refetches_power_state() {
    let sim = start(Options {
        vms: 10,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.write_config(
        "default_resource_group = \"rg-0\"\n[session_names]\nvm-0002 = \"build-box\"\n",
    );
    azlin(&env, &sim, &["list"]).await;
    let stopped = azlin(&env, &sim, &["stop", "build-box"]).await;
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert_eq!(stopped.stdout, "vm-0002 (rg-0): Deallocated\n");
    sim.state.reset_counts();
    let listed = json(&azlin(&env, &sim, &["list", "--all", "-o", "json"]).await);
    assert_eq!(
        sim.state.counts().get("vm.list"),
        Some(&1),
        "only power states again: {:?}",
        sim.state.counts()
    );
    assert_eq!(sim.state.arm_total(), 1, "{:?}", sim.state.counts());
    let vm = listed["vms"]
        .as_array()
        .and_then(|vms| vms.iter().find(|vm| vm["name"] == "vm-0002"))
        .cloned();
    assert_eq!(
        vm.map(|vm| vm["status"].clone()),
        Some(serde_json::json!("Deallocated"))
    );
    let started = azlin(&env, &sim, &["start", "vm-0002"]).await;
    assert_eq!(
        started.stdout, "vm-0002 (rg-0): Running\n",
        "{}",
        started.stderr
    );
    let powered_off = azlin(&env, &sim, &["stop", "vm-0002", "--no-deallocate"]).await;
    assert_eq!(
        powered_off.stdout, "vm-0002 (rg-0): Stopped\n",
        "{}",
        powered_off.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_one_vm_or_the_group() {
    let sim = start(Options {
        vms: 10,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let one = json(
        &azlin(
            &env,
            &sim,
            &["status", "--vm", "vm-0007", "--rg", "rg-0", "-o", "json"],
        )
        .await,
    );
    assert_eq!(one["vm"]["status"], "Deallocated");
    let group = json(&azlin(&env, &sim, &["status", "--rg", "rg-0", "-o", "json"]).await);
    assert_eq!(group["vms"].as_array().map(Vec::len), Some(10));
    let missing = azlin(&env, &sim, &["start", "nope", "--rg", "rg-0"]).await;
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("no VM or session named 'nope'"),
        "{}",
        missing.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_waited_out_and_persistent_failures_end_clearly() {
    let sim = start(Options {
        vms: 5,
        throttle: 2,
        retry_after: 1,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let listed = azlin(&env, &sim, &["list", "-a"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert_eq!(sim.state.counts().get("throttled"), Some(&2));

    let failing = start(Options {
        vms: 5,
        fail_rate: 1.0,
        ..Options::default()
    })
    .await;
    let other = Env::new();
    let failed = azlin(&other, &failing, &["list", "-a"]).await;
    assert_ne!(failed.code, 0);
    assert!(
        failed.stderr.contains("Azure kept failing"),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("gave up after"), "{}", failed.stderr);
    failing.state.set_options(|options| options.fail_rate = 0.0);
    failing.state.reset_counts();
    let recovered = azlin(&other, &failing, &["list", "-a"]).await;
    assert_eq!(recovered.code, 0, "{}", recovered.stderr);
    assert_eq!(
        failing.state.arm_total(),
        4,
        "nothing was cached from the failure: {:?}",
        failing.state.counts()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_lists_started_together_both_succeed() {
    let sim = start(Options {
        vms: 50,
        latency: std::time::Duration::from_millis(50),
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let (first, second) = tokio::join!(
        azlin(&env, &sim, &["list", "-a"]),
        azlin(&env, &sim, &["list", "-a"])
    );
    for output in [first, second] {
        assert_eq!(output.code, 0, "{}", output.stderr);
        assert!(output.stdout.contains("Total: 50 VMs"), "{}", output.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_cache_means_one_warning_and_an_uncached_answer() {
    let sim = start(Options {
        vms: 8,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    let held = azlin::cache::Cache::open(
        &env.cache_dir().join("api"),
        azlin::cache::Ttls::default(),
        azlin::cache::Bounds::default(),
        std::time::Duration::ZERO,
    )
    .expect("the test holds the cache");
    let output = azlin(&env, &sim, &["list", "-a"]).await;
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.contains("Total: 8 VMs"), "{}", output.stdout);
    let warnings: Vec<&str> = output
        .stderr
        .lines()
        .filter(|line| line.contains("using the cache"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", output.stderr);
    assert!(
        warnings[0].contains("this run asks Azure directly"),
        "{}",
        output.stderr
    );
    assert_eq!(sim.state.arm_total(), 4);
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_of_refreshes_reads_azure_once() {
    let sim = start(Options {
        vms: 30,
        ..Options::default()
    })
    .await;
    let env = Env::new();
    env.install(fixtures::READER, "reader");
    for via in Via::both() {
        sim.state.reset_counts();
        let output = azlin_via(&env, &sim, &via, &["reader", "--refresh", "2000"]).await;
        assert_eq!(
            output.stdout,
            "30 VMs\n",
            "{}: {}",
            via.name(),
            output.stderr
        );
        assert_eq!(
            sim.state.arm_total(),
            4,
            "{}: one reading (VMs, power states, NICs, IPs) serves 2000 refreshes: {:?}",
            via.name(),
            sim.state.counts()
        );
    }
}
