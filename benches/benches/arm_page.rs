//! Parsing one ARM list page of 1 000 items into azlin's wire models, as the
//! client does for every page (`serde_json::from_slice::<Page<T>>`): the four
//! lists a `list` miss joins. The pages come from azlin-sim (the official
//! examples' shapes), fetched once over loopback before timing.

use std::sync::LazyLock;

use azlin::azure::models::{NetworkInterface, Page, PublicIpAddress, VirtualMachine};
use azlin_benches::Pages;
use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use serde::de::DeserializeOwned;

/// VMs on the page.
const VMS: usize = 1_000;

static PAGES: LazyLock<Pages> = LazyLock::new(|| Pages::fetch(VMS));

fn main() {
    LazyLock::force(&PAGES);
    divan::main();
}

/// Times the parse of `page` as a `Page<T>`, counted per item and per byte.
fn parse<T: DeserializeOwned>(bencher: Bencher, page: &[u8]) {
    let items = serde_json::from_slice::<Page<T>>(page)
        .expect("the simulator's page parses")
        .value
        .len();
    assert!(items > VMS / 2, "a full page: {items} items");
    bencher
        .counter(ItemsCount::new(items))
        .counter(BytesCount::new(page.len()))
        .bench(|| serde_json::from_slice::<Page<T>>(divan::black_box(page)).expect("parses"));
}

/// `GET …/virtualMachines`: the VM models.
#[divan::bench]
fn virtual_machines(bencher: Bencher) {
    parse::<VirtualMachine>(bencher, &PAGES.vms);
}

/// `GET …/virtualMachines?statusOnly=true`: instance views (power states).
#[divan::bench]
fn power_states(bencher: Bencher) {
    parse::<VirtualMachine>(bencher, &PAGES.states);
}

/// `GET …/networkInterfaces`.
#[divan::bench]
fn network_interfaces(bencher: Bencher) {
    parse::<NetworkInterface>(bencher, &PAGES.nics);
}

/// `GET …/publicIPAddresses`.
#[divan::bench]
fn public_ips(bencher: Bencher) {
    parse::<PublicIpAddress>(bencher, &PAGES.pips);
}
