//! DELETE of VMs, NICs, public IPs and disks: 202 and an operation that
//! removes the resource when it completes (it shows `Deleting` until then),
//! 204 for one that does not exist, ARM's refusal for one still in use.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{ArmError, Scope};
use crate::operations::{self, Effect, Kind};
use crate::resources::{NIC_TYPE, PIP_TYPE, Provisioning, Resources, VM_TYPE, id};

/// `DELETE …/virtualMachines/{name}` (`forceDeletion=true` accepted, and
/// no different), counted as `vm.delete`; its NIC, public IP and disk stay.
pub fn vm(scope: &Scope) -> Response {
    scope.state.count("vm.delete");
    remove(scope, Kind::Vm, |resources| {
        let slot = resources.vms.find(scope.group, scope.name())?;
        let vm = resources.vms.get_mut(slot)?;
        vm.provisioning = Provisioning::Deleting;
        Some(Ok(slot))
    })
}

/// `DELETE …/networkInterfaces/{name}`, counted as `nic.delete`: 400
/// `NicInUse` while a VM uses it.
pub fn nic(scope: &Scope) -> Response {
    scope.state.count("nic.delete");
    remove(scope, Kind::Nic, |resources| {
        let slot = resources.nics.find(scope.group, scope.name())?;
        let nic = resources.nics.get(slot)?;
        let nic_id = id(scope.subscription, &nic.resource_group, NIC_TYPE, &nic.name);
        if let Some(vm) = nic.vm.and_then(|vm| resources.vms.get(vm)) {
            return Some(Err(ArmError::NicInUse {
                nic: nic_id,
                vm: id(scope.subscription, &vm.resource_group, VM_TYPE, &vm.name),
            }));
        }
        resources.nics.get_mut(slot)?.provisioning = Provisioning::Deleting;
        Some(Ok(slot))
    })
}

/// `DELETE …/publicIPAddresses/{name}`, counted as `pip.delete`: 400
/// `PublicIPAddressCannotBeDeleted` while a NIC uses it.
pub fn pip(scope: &Scope) -> Response {
    scope.state.count("pip.delete");
    remove(scope, Kind::Pip, |resources| {
        let slot = resources.pips.find(scope.group, scope.name())?;
        let pip = resources.pips.get(slot)?;
        if let Some(nic) = pip.nic.and_then(|nic| resources.nics.get(nic)) {
            let configuration = format!(
                "{}/ipConfigurations/{}",
                id(scope.subscription, &nic.resource_group, NIC_TYPE, &nic.name),
                nic.created
                    .as_ref()
                    .map_or("ipconfig1", |created| created.ip_configuration.as_str())
            );
            return Some(Err(ArmError::PublicIpAddressCannotBeDeleted {
                pip: id(scope.subscription, &pip.resource_group, PIP_TYPE, &pip.name),
                configuration,
            }));
        }
        resources.pips.get_mut(slot)?.provisioning = Provisioning::Deleting;
        Some(Ok(slot))
    })
}

/// `DELETE …/Microsoft.Compute/disks/{name}`, counted as `disk.delete`:
/// 409 `OperationNotAllowed` while attached to a VM.
pub fn disk(scope: &Scope) -> Response {
    scope.state.count("disk.delete");
    remove(scope, Kind::Disk, |resources| {
        let slot = resources.disks.find(scope.group, scope.name())?;
        let disk = resources.disks.get(slot)?;
        if let Some(vm) = disk.vm.and_then(|vm| resources.vms.get(vm)) {
            return Some(Err(ArmError::DiskAttached {
                disk: disk.name.clone(),
                vm: id(scope.subscription, &vm.resource_group, VM_TYPE, &vm.name),
            }));
        }
        resources.disks.get_mut(slot)?.provisioning = Provisioning::Deleting;
        Some(Ok(slot))
    })
}

/// Runs `mark` (`None`: no such resource; else the slot it marked
/// `Deleting`, or why not) and answers 204, 202 with the operation, or the error.
fn remove(
    scope: &Scope,
    kind: Kind,
    mark: impl FnOnce(&mut Resources) -> Option<Result<usize, ArmError>>,
) -> Response {
    let marked = mark(&mut scope.state.resources.lock().expect("resources"));
    match marked {
        None => StatusCode::NO_CONTENT.into_response(),
        Some(Ok(slot)) => {
            let id = operations::start(scope.state, Effect::Deleted(kind, slot));
            operations::accepted(scope.base, id)
        }
        Some(Err(error)) => error.response(),
    }
}
