//! ARM answers nobody planned for, through the built binary, in-process and
//! through the agent: many pages, a transient 5xx, a `nextLink` that comes
//! back on itself, and VMs with `null` where values are expected.

use azlin_sim::{Options, Sim};
use azlin_tests::sim::{azlin_via, start};
use azlin_tests::{Env, Via};

/// `list -a --all -o json` for `env` against `sim`: the exit code, the
/// listed VM names, and stderr.
async fn listed(env: &Env, sim: &Sim, via: &Via) -> (i32, Vec<String>, String) {
    let output = azlin_via(
        env,
        sim,
        via,
        &["list", "-a", "--all", "--no-tmux", "-o", "json"],
    )
    .await;
    let names = serde_json::from_str::<serde_json::Value>(&output.stdout)
        .ok()
        .and_then(|json| {
            json["vms"].as_array().map(|vms| {
                vms.iter()
                    .filter_map(|vm| vm["name"].as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default();
    (output.code, names, output.stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_pages_and_a_transient_server_error_list_every_vm() {
    for via in Via::both() {
        let mut requests = Vec::new();
        for fail_rate in [0.0, 0.5] {
            let sim = start(Options {
                vms: 10,
                page_size: 3,
                fail_rate,
                ..Options::default()
            })
            .await;
            let env = Env::new();
            let (code, names, stderr) = listed(&env, &sim, &via).await;
            assert_eq!(code, 0, "{} fail_rate {fail_rate}: {stderr}", via.name());
            assert_eq!(
                names.len(),
                10,
                "{} fail_rate {fail_rate}: {names:?}",
                via.name()
            );
            requests.push(sim.state.arm_total());
        }
        assert!(
            requests[1] > requests[0],
            "{}: the failed requests were retried: {requests:?}",
            via.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_that_comes_back_fails_naming_it_and_caches_nothing() {
    for via in Via::both() {
        let sim = start(Options {
            vms: 4,
            looping_pages: true,
            ..Options::default()
        })
        .await;
        let env = Env::new();
        let (code, _, stderr) = listed(&env, &sim, &via).await;
        assert_eq!(code, 1, "{}: {stderr}", via.name());
        assert!(
            stderr.contains("stopped reading the list at http://")
                && stderr.contains("$skiptoken=0")
                && stderr.contains("points back to a page already read"),
            "{}: {stderr}",
            via.name()
        );
        sim.state
            .set_options(|options| options.looping_pages = false);
        sim.state.reset_counts();
        let (code, names, stderr) = listed(&env, &sim, &via).await;
        assert_eq!(code, 0, "{}: {stderr}", via.name());
        assert_eq!(names.len(), 4, "{}", via.name());
        assert!(
            sim.state.arm_total() > 0,
            "{}: nothing was cached from the failed listing",
            via.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_vms_are_listed_and_an_unreadable_one_is_skipped_with_one_warning() {
    for via in Via::both() {
        let sim = start(Options {
            vms: 6,
            odd_vms: vec!["vm-0001".into()],
            unreadable_vms: vec!["vm-0004".into()],
            ..Options::default()
        })
        .await;
        let env = Env::new();
        let (code, names, stderr) = listed(&env, &sim, &via).await;
        assert_eq!(code, 0, "{}: {stderr}", via.name());
        assert_eq!(
            names,
            ["vm-0000", "vm-0001", "vm-0002", "vm-0003", "vm-0005"],
            "{}: {stderr}",
            via.name()
        );
        assert_eq!(
            stderr.matches("warning: skipped").count(),
            1,
            "{}: one warning, though two lists (VMs, power states) held it: {stderr}",
            via.name()
        );
        assert!(stderr.contains("'vm-0004'"), "{}: {stderr}", via.name());
    }
}
