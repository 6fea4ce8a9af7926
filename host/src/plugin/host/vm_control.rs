//! `azlin:host/vm-control`: power actions, waited for, with the cached
//! power states dropped so the next listing is fresh.

use super::azure_errors::to_wit;
use super::vms::{inventory, power};
use crate::azure::{PowerAction, Session, check_tags};
use crate::plugin::bindings::types::{Error, PowerState, VmRef};
use crate::plugin::bindings::vm_control::Host;
use crate::plugin::state::HostState;
use std::sync::Arc;

impl Host for HostState {
    async fn start(&mut self, vm: VmRef) -> wasmtime::Result<Result<PowerState, Error>> {
        if let Err(denied) = self.group_in_scope(&vm.resource_group) {
            return Ok(Err(denied));
        }
        Ok(act(self.azure(), vm, PowerAction::Start).await)
    }

    async fn stop(&mut self, vm: VmRef) -> wasmtime::Result<Result<PowerState, Error>> {
        if let Err(denied) = self.group_in_scope(&vm.resource_group) {
            return Ok(Err(denied));
        }
        Ok(act(self.azure(), vm, PowerAction::PowerOff).await)
    }

    async fn deallocate(&mut self, vm: VmRef) -> wasmtime::Result<Result<PowerState, Error>> {
        if let Err(denied) = self.group_in_scope(&vm.resource_group) {
            return Ok(Err(denied));
        }
        Ok(act(self.azure(), vm, PowerAction::Deallocate).await)
    }

    async fn restart(&mut self, vm: VmRef) -> wasmtime::Result<Result<PowerState, Error>> {
        if let Err(denied) = self.group_in_scope(&vm.resource_group) {
            return Ok(Err(denied));
        }
        Ok(act(self.azure(), vm, PowerAction::Restart).await)
    }

    async fn set_tags(
        &mut self,
        vm: VmRef,
        set: Vec<(String, String)>,
        remove: Vec<String>,
    ) -> wasmtime::Result<Result<Vec<(String, String)>, Error>> {
        if let Err(denied) = self.group_in_scope(&vm.resource_group) {
            return Ok(Err(denied));
        }
        if let Err(why) = check_tags(&set, &remove) {
            return Ok(Err(Error::InvalidInput(why)));
        }
        Ok(tag(self.azure(), vm, set, remove).await)
    }
}

/// Changes `vm`'s tags; returns them as Azure stored them.
async fn tag(
    session: Option<Arc<Session>>,
    vm: VmRef,
    set: Vec<(String, String)>,
    remove: Vec<String>,
) -> Result<Vec<(String, String)>, Error> {
    let inventory = inventory(session).await.map_err(to_wit)?;
    inventory
        .set_tags(&vm.resource_group, &vm.name, &set, &remove)
        .await
        .map_err(to_wit)
}

/// Runs `action` on `vm` and returns the power state it reached.
async fn act(
    session: Option<Arc<Session>>,
    vm: VmRef,
    action: PowerAction,
) -> Result<PowerState, Error> {
    let inventory = inventory(session).await.map_err(to_wit)?;
    let state = inventory
        .power(&vm.resource_group, &vm.name, action)
        .await
        .map_err(to_wit)?;
    Ok(power(state))
}
