//! VMs of the user's subscription (capability azure-read) and their power
//! (azure-write): typed wrappers over `azlin:host/vms` and `vm-control`.

use crate::bindings::azlin::host::types::{PowerState, Vm, VmRef};
use crate::bindings::azlin::host::{vm_control, vms};
use crate::failure::Failure;
use crate::host;

pub use crate::bindings::azlin::host::vm_control::{DataDisk, NewVm};
pub use crate::bindings::azlin::host::vms::{Quota, VmFilter};

/// VMs matching `filter`.
pub fn list(filter: &VmFilter) -> Result<Vec<Vm>, Failure> {
    Ok(vms::list_vms(filter)?)
}

/// The quotas of `region`: vCPUs in total (`cores`) and per VM family.
pub fn quotas(region: &str) -> Result<Vec<Quota>, Failure> {
    Ok(vms::quotas(region)?)
}

/// Every VM of `resource_group`, or of the whole subscription without one;
/// stopped ones too if `include_stopped`.
pub fn in_scope(resource_group: Option<&str>, include_stopped: bool) -> VmFilter {
    VmFilter {
        resource_group: resource_group.map(str::to_string),
        all_resource_groups: resource_group.is_none(),
        include_stopped,
        name_pattern: None,
        tags: Vec::new(),
        refresh: false,
    }
}

/// Up, or on its way up: the VMs the host keeps when a filter leaves
/// `include_stopped` off, for a plugin that lists everything and splits itself.
pub fn is_up(vm: &Vm) -> bool {
    matches!(vm.power_state, PowerState::Running | PowerState::Starting)
}

/// The session name the user gave `vm` (`session_names` in config.toml).
pub fn session_name(vm: &str) -> Option<String> {
    host::config(&format!("session_names.{vm}")).ok().flatten()
}

/// The VM called `name` — its VM name or its session name — in
/// `resource_group`, or anywhere in the subscription.
pub fn find(name: &str, resource_group: Option<&str>) -> Result<Vm, Failure> {
    let all = list(&in_scope(resource_group, true))?;
    let mut matches: Vec<Vm> = all
        .iter()
        .filter(|vm| vm.name.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    if matches.is_empty() {
        matches = all
            .iter()
            .filter(|vm| session_name(&vm.name).as_deref() == Some(name))
            .cloned()
            .collect();
    }
    match matches.len() {
        0 => {
            let mut known: Vec<String> = all.iter().map(|vm| vm.name.clone()).collect();
            known.extend(all.iter().filter_map(|vm| session_name(&vm.name)));
            let nearest = crate::nearest::nearest(name, known.iter().map(String::as_str));
            Err(Failure::new(format!(
                "no VM or session named '{name}'{}",
                crate::nearest::did_you_mean(&nearest)
            ))
            .hint("run `azlin list --all` to see the VMs"))
        }
        1 => Ok(matches.remove(0)),
        _ => {
            let groups: Vec<String> = matches.iter().map(|vm| vm.resource_group.clone()).collect();
            Err(Failure::new(format!(
                "'{name}' names VMs in several resource groups: {}",
                groups.join(", ")
            ))
            .hint("pass --rg NAME"))
        }
    }
}

/// A power state as users read it: `Running`, `Deallocated`, …
pub fn power_label(state: PowerState) -> &'static str {
    match state {
        PowerState::Starting => "Starting",
        PowerState::Running => "Running",
        PowerState::Stopping => "Stopping",
        PowerState::Stopped => "Stopped",
        PowerState::Deallocating => "Deallocating",
        PowerState::Deallocated => "Deallocated",
        PowerState::Unknown => "Unknown",
    }
}

/// Tells the user the state `vm` reached: `name (group): State`.
pub fn announce(vm: &Vm, state: PowerState) {
    crate::output::text(&format!(
        "{} ({}): {}",
        vm.name,
        vm.resource_group,
        power_label(state)
    ));
}

/// The reference of `vm`, for power actions.
pub fn reference(vm: &Vm) -> VmRef {
    VmRef {
        resource_group: vm.resource_group.clone(),
        name: vm.name.clone(),
    }
}

/// Starts a VM; returns the state reached.
pub fn start(vm: &VmRef) -> Result<PowerState, Failure> {
    Ok(vm_control::start(vm)?)
}

/// Powers a VM off, keeping it allocated.
pub fn power_off(vm: &VmRef) -> Result<PowerState, Failure> {
    Ok(vm_control::stop(vm)?)
}

/// Sets `set` and removes `remove` in a VM's tags, keeping the others;
/// returns the tags Azure stored.
pub fn set_tags(
    vm: &VmRef,
    set: &[(String, String)],
    remove: &[String],
) -> Result<Vec<(String, String)>, Failure> {
    Ok(vm_control::set_tags(vm, set, remove)?)
}

/// Stops a VM and releases its compute.
pub fn deallocate(vm: &VmRef) -> Result<PowerState, Failure> {
    Ok(vm_control::deallocate(vm)?)
}

/// Creates a VM and waits until Azure has it; the VM as listed.
pub fn create(vm: &NewVm) -> Result<Vm, Failure> {
    Ok(vm_control::create(vm)?)
}

/// Creates a VM with empty data disks attached (at most 8).
pub fn create_with_disks(vm: &NewVm, disks: &[DataDisk]) -> Result<Vm, Failure> {
    Ok(vm_control::create_with_disks(vm, disks)?)
}

/// Deletes a VM (with `with_resources`, its NICs, public IPs and OS disk
/// too); the ARM ids deleted.
pub fn delete(vm: &VmRef, with_resources: bool) -> Result<Vec<String>, Failure> {
    Ok(vm_control::delete(vm, with_resources)?)
}
