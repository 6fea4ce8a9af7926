//! The simulated subscription: VMs spread over resource groups, some of
//! them stopped or deallocated, each with a NIC and most with a public IP.

use std::collections::BTreeMap;

use crate::Options;

/// Further sizes the simulated regions offer (for `azlin new --size`):
/// name, cores, memory in MB, as Azure lists them.
pub const MORE_SIZES: [(&str, u32, u64); 3] = [
    ("Standard_D8s_v5", 8, 32768),
    ("Standard_E32as_v5", 32, 262144),
    ("Standard_E64as_v5", 64, 524288),
];

/// Sizes the fleet uses: name, cores, memory in MB.
pub const SIZES: [(&str, u32, u64); 3] = [
    ("Standard_D2s_v5", 2, 8192),
    ("Standard_D4s_v5", 4, 16384),
    ("Standard_E16as_v5", 16, 131072),
];

/// One simulated VM.
#[derive(Debug, Clone)]
pub struct SimVm {
    pub index: usize,
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub size: String,
    /// A `PowerState/*` code.
    pub power: String,
    pub private_ip: String,
    pub public_ip: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// For a VM created through the simulator: its image as
    /// `publisher:offer:sku:version`, and its `customData` as sent (base64).
    pub image: Option<String>,
    pub custom_data: Option<String>,
}

/// The power state VM `index` starts in: every 10th from 3 is stopped,
/// every 10th from 7 deallocated, the others run.
fn initial_power(index: usize) -> &'static str {
    match index % 10 {
        3 => "PowerState/stopped",
        7 => "PowerState/deallocated",
        _ => "PowerState/running",
    }
}

/// Whether VM `index` starts running.
pub fn is_running(index: usize) -> bool {
    initial_power(index) == "PowerState/running"
}

/// The fewest VMs of which `running` are running.
pub fn vms_for_running(running: usize) -> usize {
    (0..)
        .filter(|&index| is_running(index))
        .take(running)
        .last()
        .map_or(0, |last| last + 1)
}

/// VM `index`'s private address: from 10.0.0.4 on (Azure keeps the first
/// four of a subnet), counting through the octets so no part passes 255.
fn private_ip(index: usize) -> String {
    let n = index + 4;
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

impl SimVm {
    fn new(index: usize, group_size: usize) -> Self {
        let mut tags = BTreeMap::new();
        tags.insert(
            "env".into(),
            if index.is_multiple_of(2) {
                "dev"
            } else {
                "prod"
            }
            .into(),
        );
        tags.insert("azlin-session".into(), format!("session-{index}"));
        Self {
            index,
            name: format!("vm-{index:04}"),
            resource_group: format!("rg-{}", index / group_size.max(1)),
            location: if index.is_multiple_of(3) {
                "eastus"
            } else {
                "westus2"
            }
            .into(),
            size: SIZES[index % SIZES.len()].0.into(),
            power: initial_power(index).into(),
            private_ip: private_ip(index),
            public_ip: (index % 4 != 1).then(|| {
                format!(
                    "20.{}.{}.{}",
                    (index >> 16) & 0xff,
                    (index >> 8) & 0xff,
                    index & 0xff
                )
            }),
            tags,
            image: None,
            custom_data: None,
        }
    }
}

/// The fleet `options` describe: `vms` VMs, `group_size` to a resource
/// group. The first VMs take `addresses`, in order, and the first running
/// ones after them take `running_addresses`, as both their private and (if
/// they have one) public IP, so they can point at real SSH servers.
pub fn generate(options: &Options) -> Vec<SimVm> {
    let mut running_addresses = options.running_addresses.iter();
    (0..options.vms)
        .map(|index| {
            let mut vm = SimVm::new(index, options.group_size);
            let address = match options.addresses.get(index) {
                Some(address) => Some(address),
                None if is_running(index) => running_addresses.next(),
                None => None,
            };
            if let Some(address) = address {
                vm.private_ip = address.clone();
                if vm.public_ip.is_some() {
                    vm.public_ip = Some(address.clone());
                }
            }
            vm
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fewest_vms_holding_so_many_running_ones() {
        assert_eq!(vms_for_running(0), 0);
        assert_eq!(vms_for_running(3), 3);
        assert_eq!(vms_for_running(4), 5);
        assert_eq!(vms_for_running(8), 10);
        assert_eq!(vms_for_running(50), 62);
    }

    #[test]
    fn running_addresses_skip_stopped_vms_and_follow_fixed_ones() {
        let options = Options {
            vms: 6,
            group_size: 4,
            addresses: vec!["192.0.2.1".into()],
            running_addresses: ["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13"]
                .map(String::from)
                .to_vec(),
            ..Options::default()
        };
        let fleet = generate(&options);
        let ips: Vec<&str> = fleet.iter().map(|vm| vm.private_ip.as_str()).collect();
        assert_eq!(
            ips,
            [
                "192.0.2.1",
                "192.0.2.10",
                "192.0.2.11",
                "10.0.0.7",
                "192.0.2.12",
                "192.0.2.13"
            ]
        );
        assert_eq!(fleet[3].power, "PowerState/stopped");
        assert_eq!(fleet[4].resource_group, "rg-1");
    }

    #[test]
    fn private_addresses_stay_valid_past_the_first_256() {
        assert_eq!(private_ip(0), "10.0.0.4");
        assert_eq!(private_ip(251), "10.0.0.255");
        assert_eq!(private_ip(252), "10.0.1.0");
        assert_eq!(private_ip(9_999), "10.0.39.19");
        let fleet = generate(&Options {
            vms: 1000,
            ..Options::default()
        });
        let mut seen = std::collections::HashSet::new();
        for vm in &fleet {
            assert!(
                vm.private_ip.parse::<std::net::Ipv4Addr>().is_ok(),
                "{}",
                vm.private_ip
            );
            assert!(
                seen.insert(vm.private_ip.clone()),
                "{} twice",
                vm.private_ip
            );
        }
    }
}
