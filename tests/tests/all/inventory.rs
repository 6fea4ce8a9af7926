//! Listing a scope's VMs: a constant number of ARM requests for any fleet
//! size, none within the TTL, a refetch of power state after a power action,
//! and nothing cached from a failure.

use azlin::azure::models::PowerState;
use azlin::azure::{Inventory, ListScope, PowerAction, VmRecord};
use azlin::cache::{Bounds, Cache, Ttls};
use azlin_sim::{Options, Sim};
use azlin_tests::sim::{client, fast_retries, start};
use std::sync::Arc;
use std::time::Duration;

fn cache(dir: &tempfile::TempDir) -> Arc<Cache> {
    Arc::new(
        Cache::open(
            dir.path(),
            Ttls::default(),
            Bounds::default(),
            Duration::ZERO,
        )
        .expect("cache"),
    )
}

async fn sim(vms: usize) -> Sim {
    start(Options {
        vms,
        page_size: 10_000,
        ..Options::default()
    })
    .await
}

fn whole_subscription() -> ListScope {
    ListScope {
        resource_group: None,
        refresh: false,
    }
}

#[tokio::test]
async fn listing_costs_four_requests_whatever_the_fleet_size() {
    for vms in [10, 100, 1000] {
        let sim = sim(vms).await;
        let inventory = Inventory::new(client(&sim, fast_retries()), None);
        let listed = inventory.list(&whole_subscription()).await.expect("list");
        assert_eq!(listed.len(), vms);
        assert_eq!(
            sim.state.arm_total(),
            4,
            "N = {vms}: {:?}",
            sim.state.counts()
        );
    }
}

#[tokio::test]
async fn paging_adds_only_the_pages() {
    let sim = start(Options {
        vms: 250,
        page_size: 100,
        ..Options::default()
    })
    .await;
    let inventory = Inventory::new(client(&sim, fast_retries()), None);
    assert_eq!(
        inventory
            .list(&whole_subscription())
            .await
            .expect("list")
            .len(),
        250
    );
    let counts = sim.state.counts();
    assert_eq!(
        counts.get("vm.listAll"),
        Some(&6),
        "3 pages each for the models and the states"
    );
    assert_eq!(counts.get("nic.list"), Some(&3));
    let public = sim
        .state
        .fleet()
        .iter()
        .filter(|vm| vm.public_ip.is_some())
        .count() as u64;
    assert_eq!(counts.get("pip.list"), Some(&public.div_ceil(100)));
}

#[tokio::test]
async fn the_join_matches_the_fleet() {
    let sim = sim(40).await;
    let listed = Inventory::new(client(&sim, fast_retries()), None)
        .list(&whole_subscription())
        .await
        .expect("list");
    for vm in sim.state.fleet() {
        let record: &VmRecord = listed
            .iter()
            .find(|record| record.name == vm.name)
            .expect("listed");
        assert_eq!(record.resource_group, vm.resource_group);
        assert_eq!(record.private_ip.as_deref(), Some(vm.private_ip.as_str()));
        assert_eq!(record.public_ip, vm.public_ip);
        assert_eq!(
            format!("PowerState/{:?}", record.power_state).to_lowercase(),
            vm.power.to_lowercase()
        );
        assert_eq!(record.size, vm.size);
        assert!(
            record.vcpus.is_some() && record.memory_mib.is_some(),
            "{} has size figures",
            vm.size
        );
        assert_eq!(record.os_type, "Linux");
    }
}

#[tokio::test]
async fn a_second_list_within_the_ttl_asks_azure_nothing() {
    let sim = sim(30).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let inventory = Inventory::new(client(&sim, fast_retries()), Some(cache(&dir)));
    let first = inventory.list(&whole_subscription()).await.expect("list");
    sim.state.reset_counts();
    let second = inventory.list(&whole_subscription()).await.expect("list");
    assert_eq!(sim.state.arm_total(), 0, "{:?}", sim.state.counts());
    assert_eq!(first, second);
    let refreshed = inventory
        .list(&ListScope {
            refresh: true,
            ..whole_subscription()
        })
        .await
        .expect("list");
    assert_eq!(sim.state.arm_total(), 4, "--no-cache asks again");
    assert_eq!(refreshed, first);
}

#[tokio::test]
async fn after_a_power_action_only_power_states_are_fetched_again() {
    let sim = sim(30).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let inventory = Inventory::new(client(&sim, fast_retries()), Some(cache(&dir)));
    inventory.list(&whole_subscription()).await.expect("list");
    let reached = inventory
        .power("rg-0", "vm-0000", PowerAction::Deallocate)
        .await
        .expect("deallocate");
    assert_eq!(reached, PowerState::Deallocated);
    sim.state.reset_counts();
    let listed = inventory.list(&whole_subscription()).await.expect("list");
    assert_eq!(
        sim.state.counts().get("vm.listAll"),
        Some(&1),
        "{:?}",
        sim.state.counts()
    );
    assert_eq!(sim.state.arm_total(), 1, "{:?}", sim.state.counts());
    let vm = listed
        .iter()
        .find(|record| record.name == "vm-0000")
        .expect("listed");
    assert_eq!(vm.power_state, PowerState::Deallocated);
}

#[tokio::test]
async fn a_failed_fetch_caches_nothing() {
    let sim = start(Options {
        vms: 5,
        fail_rate: 1.0,
        ..Options::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let inventory = Inventory::new(client(&sim, fast_retries()), Some(cache(&dir)));
    inventory
        .list(&whole_subscription())
        .await
        .expect_err("Azure fails");
    sim.state.set_options(|options| options.fail_rate = 0.0);
    sim.state.reset_counts();
    assert_eq!(
        inventory
            .list(&whole_subscription())
            .await
            .expect("list")
            .len(),
        5
    );
    // Requests the failed listing abandoned may still be counted late, so
    // this asks that each list was asked for (VMs twice: models and power
    // states), not how often.
    let counts = sim.state.counts();
    let asked = |name: &str| counts.get(name).copied().unwrap_or(0);
    assert!(
        asked("vm.listAll") >= 2 && asked("nic.list") >= 1 && asked("pip.list") >= 1,
        "every list was asked for again: {counts:?}"
    );
}

#[tokio::test]
async fn a_joined_list_is_reused_only_while_its_cache_entries_are_unchanged() {
    let sim = sim(30).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = cache(&dir);
    let run = || Inventory::new(client(&sim, fast_retries()), Some(cache.clone()));
    run().list(&whole_subscription()).await.expect("miss");
    let hit = run().list(&whole_subscription()).await.expect("hit");
    let again = run().list(&whole_subscription()).await.expect("hit");
    assert!(
        Arc::ptr_eq(&hit, &again),
        "a later run over the same cache gets the joined list as it was"
    );
    run()
        .power("rg-0", "vm-0000", PowerAction::Deallocate)
        .await
        .expect("deallocate");
    let after = run().list(&whole_subscription()).await.expect("list");
    assert!(
        !Arc::ptr_eq(&after, &again),
        "a changed entry is joined again"
    );
    let vm = after
        .iter()
        .find(|record| record.name == "vm-0000")
        .expect("listed");
    assert_eq!(vm.power_state, PowerState::Deallocated);
    let refreshed = run()
        .list(&ListScope {
            refresh: true,
            ..whole_subscription()
        })
        .await
        .expect("list");
    assert!(!Arc::ptr_eq(&refreshed, &after), "--no-cache joins afresh");
}
