//! The persistent API cache (`azlin::cache::Cache`, sled) inside one
//! process: a hit and a miss, a put of a small value, and a put and a hit of
//! the VM list of 1 000 VMs in the form the inventory caches it (`CachedVm`,
//! filled from azlin-sim's VM list page).

use std::sync::LazyLock;
use std::time::Duration;

use azlin::azure::CachedVm;
use azlin::azure::models::{Page, VirtualMachine};
use azlin::cache::{Bounds, Cache, Key, Operation, Ttls};
use azlin_benches::Pages;
use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};

/// VMs in the large list.
const VMS: usize = 1_000;

fn main() {
    LazyLock::force(&FLEET);
    divan::main();
}

/// azlin-sim's 1 000 VMs, slimmed.
static FLEET: LazyLock<Vec<CachedVm>> = LazyLock::new(|| {
    let page: Page<VirtualMachine> =
        serde_json::from_slice(&Pages::fetch(VMS).vms).expect("the VM page parses");
    assert_eq!(page.value.len(), VMS);
    page.value.into_iter().map(CachedVm::from).collect()
});

/// A cache in a fresh directory holding the fleet (resource group `*`, as
/// `list -a` keys it) and one VM (group `one`).
struct Fixture {
    cache: Cache,
    /// Stored bytes of the fleet's entry (key, header, postcard value).
    fleet_bytes: u64,
    _dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temp dir");
        let cache = Cache::open(
            &dir.path().join("api"),
            Ttls::default(),
            Bounds::default(),
            Duration::from_secs(5),
        )
        .expect("the cache opens");
        cache.put(&vm_list("*"), &*FLEET).expect("put the fleet");
        let fleet_bytes = cache.stats().expect("cache stats")[&Operation::VmList].bytes;
        cache.put(&vm_list("one"), &FLEET[0]).expect("put one VM");
        Fixture {
            cache,
            fleet_bytes,
            _dir: dir,
        }
    }

    /// `bencher` counting the fleet's VMs and stored bytes per iteration.
    fn per_fleet<'a, 'b>(&self, bencher: Bencher<'a, 'b>) -> Bencher<'a, 'b> {
        bencher
            .counter(ItemsCount::new(VMS))
            .counter(BytesCount::new(self.fleet_bytes))
    }
}

/// The key of a VM list, as the inventory makes it.
fn vm_list(resource_group: &str) -> Key {
    let subscription = ("subscription", azlin_sim::SUBSCRIPTION);
    let params = [
        subscription,
        ("resource_group", resource_group),
        ("kind", "vms"),
    ];
    Key::new(Operation::VmList, &params)
}

/// A hit on one VM's record (key hashing, sled lookup, header, decode).
#[divan::bench]
fn get_hit_small(bencher: Bencher) {
    let (fixture, key) = (Fixture::new(), vm_list("one"));
    bencher.bench_local(|| {
        fixture
            .cache
            .get::<CachedVm>(divan::black_box(&key))
            .expect("a hit")
    });
}

/// A hit on the 1 000-VM list: what a `list -a --all` hit pays per list.
#[divan::bench]
fn get_hit_1000_vms(bencher: Bencher) {
    let (fixture, key) = (Fixture::new(), vm_list("*"));
    fixture.per_fleet(bencher).bench_local(|| {
        let hit: Vec<CachedVm> = fixture.cache.get(divan::black_box(&key)).expect("a hit");
        assert_eq!(hit.len(), VMS);
        hit
    });
}

/// A key never stored.
#[divan::bench]
fn get_miss(bencher: Bencher) {
    let (fixture, key) = (Fixture::new(), vm_list("absent"));
    bencher.bench_local(|| {
        let miss: Option<Vec<CachedVm>> = fixture.cache.get(divan::black_box(&key));
        assert!(miss.is_none());
    });
}

/// A put of one VM's record (encode, header, sled insert; bounds every 32 puts).
#[divan::bench]
fn put_small(bencher: Bencher) {
    let (fixture, key) = (Fixture::new(), vm_list("one"));
    bencher.bench_local(|| {
        fixture
            .cache
            .put(&key, divan::black_box(&FLEET[0]))
            .expect("put")
    });
}

/// A put of the 1 000-VM list: what a `list` miss stores for its VM list.
#[divan::bench]
fn put_1000_vms(bencher: Bencher) {
    let (fixture, key) = (Fixture::new(), vm_list("*"));
    let fleet: &Vec<CachedVm> = &FLEET;
    fixture.per_fleet(bencher).bench_local(|| {
        fixture
            .cache
            .put(&key, divan::black_box(fleet))
            .expect("put")
    });
}
