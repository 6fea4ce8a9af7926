//! Joins the four cached lists into the records `list` and `status` show.

use super::VmRecord;
use super::cached_fields::{CachedNic, CachedPublicIp, CachedSize, CachedState, CachedVm};
use crate::azure::models::{PowerState, ResourceId};
use crate::azure::sizes;
use std::collections::HashMap;

/// One record per VM, with its power state, addresses and size figures.
pub fn join(
    vms: Vec<CachedVm>,
    states: &[CachedState],
    nics: &[CachedNic],
    pips: &[CachedPublicIp],
    extra_sizes: &[CachedSize],
) -> Vec<VmRecord> {
    let states: HashMap<&str, PowerState> = states
        .iter()
        .map(|(id, state)| (id.as_str(), *state))
        .collect();
    let nics: HashMap<&str, &CachedNic> = nics.iter().map(|nic| (nic.id.as_str(), nic)).collect();
    let pips: HashMap<&str, &str> = pips
        .iter()
        .filter_map(|(id, ip)| Some((id.as_str(), ip.as_deref()?)))
        .collect();
    let extra_sizes: HashMap<&str, (u32, u64)> = extra_sizes
        .iter()
        .map(|(name, vcpus, memory)| (name.as_str(), (*vcpus, *memory)))
        .collect();
    vms.into_iter()
        .map(|vm| {
            let id = ResourceId::parse(&vm.id);
            let nic = vm.nics.iter().find_map(|nic| nics.get(nic.as_str()));
            let public_ip = nic
                .and_then(|nic| nic.public_ip.as_deref())
                .and_then(|pip| pips.get(pip))
                .map(|ip| ip.to_string());
            let figures = sizes::known(&vm.size).or_else(|| {
                extra_sizes
                    .get(vm.size.to_ascii_lowercase().as_str())
                    .copied()
            });
            let (resource_group, subscription) = id
                .map(|id| (id.resource_group, id.subscription))
                .unwrap_or_default();
            VmRecord {
                power_state: states
                    .get(vm.id.to_ascii_lowercase().as_str())
                    .copied()
                    .unwrap_or(PowerState::Unknown),
                private_ip: nic.and_then(|nic| nic.private_ip.clone()),
                public_ip,
                vcpus: figures.map(|(vcpus, _)| vcpus),
                memory_mib: figures.map(|(_, memory)| memory),
                os_type: vm.os_type.unwrap_or_else(|| "Linux".to_string()),
                resource_group,
                subscription,
                name: vm.name,
                location: vm.location,
                size: vm.size,
                os_image: vm.os_image,
                provisioning_state: vm.provisioning_state,
                tags: vm.tags,
                id: vm.id,
            }
        })
        .collect()
}
