//! Creating and deleting resources, in ARM's shapes, so a client can run
//! `azlin new`, `delete` and `kill` against the simulator. Routes (paths
//! under `/subscriptions/{s}`, matched case-insensitively):
//!
//! - `PUT|GET /resourcegroups/{rg}` (`{"location"}`): 201 Created, or 200
//!   if it exists; 409 `InvalidResourceGroupLocation` if elsewhere.
//! - `PUT …/resourceGroups/{rg}/providers/Microsoft.Network/publicIPAddresses/{name}`,
//!   `…/Microsoft.Network/networkInterfaces/{name}` and
//!   `…/Microsoft.Compute/virtualMachines/{name}`: 201 Created with the body
//!   (`provisioningState` `Updating`, or `Creating` for a VM) and an
//!   `Azure-AsyncOperation` poller; `Succeeded` once it completes. A PUT
//!   on an existing name is refused (409 `OperationNotAllowed`): the
//!   simulator does not update by PUT. A created VM runs at once; it takes
//!   the next of `Options::spare_addresses`, if any, as its NIC's private
//!   and its public IP's address, and its SSH keys are appended to
//!   `Options::authorized_keys`.
//! - `PUT …/Microsoft.Network/virtualNetworks/{name}`: 201 Created with the
//!   body sent and `provisioningState` `Succeeded`, 200 if it exists (an
//!   idempotent PUT, as clients send it before each NIC); not validated.
//! - `GET` of one public IP, NIC or disk (`…/Microsoft.Compute/disks/{name}`).
//! - `DELETE` of a VM (`forceDeletion` accepted), NIC, public IP or disk:
//!   202 Accepted with `Azure-AsyncOperation` and `Location` pollers; the
//!   resource shows `Deleting` until the operation completes, then is gone.
//!   204 if it does not exist. A VM's NIC, public IP and disk stay behind;
//!   a NIC a VM uses (400 `NicInUse`), a public IP a NIC uses (400
//!   `PublicIPAddressCannotBeDeleted`) and an attached disk (409
//!   `OperationNotAllowed`) are refused.
//! - `GET /_sim/resources`: the ids of every VM, NIC, public IP and disk, sorted.
//!
//! Resources are shared by every subscription served, like the fleet.

mod body;
mod catalog;
mod create;
mod delete;
mod error;
mod show;
#[cfg(test)]
mod tests;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::json;

pub use error::ArmError;

use crate::State;
use crate::resources::{DISK_TYPE, NIC_TYPE, PIP_TYPE, VM_TYPE, id};
use crate::routes::json_response;

/// An ARM request below a subscription, as these handlers read it.
pub struct Scope<'a> {
    pub state: &'a State,
    /// `http://host` of the request, for poller URLs.
    pub base: &'a str,
    pub subscription: &'a str,
    pub group: Option<&'a str>,
    /// Path segments after the subscription id, as sent.
    pub path: &'a [String],
    pub body: &'a [u8],
}

impl Scope<'_> {
    /// The last path segment as sent: the resource's name.
    fn name(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
}

/// The resource group itself (`scoped` empty below `resourcegroups/{rg}`),
/// before the check that it exists.
pub fn group_route(scope: &Scope, method: &Method, scoped: &[&str]) -> Option<Response> {
    let group = scope.group?;
    if !scoped.is_empty() {
        return None;
    }
    match *method {
        Method::PUT => Some(create::group(scope, group)),
        Method::GET => Some(show::group(scope, group)),
        _ => None,
    }
}

/// Creates, deletes and single gets of NICs, public IPs and disks in an
/// existing resource group; `None` for any other request.
pub fn route(scope: &Scope, method: &Method, scoped: &[&str]) -> Option<Response> {
    scope.group?;
    let resource = match scoped {
        ["providers", "microsoft.compute", "virtualmachines", _] => VM_TYPE,
        ["providers", "microsoft.network", "networkinterfaces", _] => NIC_TYPE,
        ["providers", "microsoft.network", "publicipaddresses", _] => PIP_TYPE,
        ["providers", "microsoft.compute", "disks", _] => DISK_TYPE,
        ["providers", "microsoft.network", "virtualnetworks", _] if *method == Method::PUT => {
            return Some(create::network(scope));
        }
        _ => return None,
    };
    let response = match (method.clone(), resource) {
        (Method::PUT, VM_TYPE) => create::vm(scope),
        (Method::PUT, NIC_TYPE) => create::nic(scope),
        (Method::PUT, PIP_TYPE) => create::pip(scope),
        (Method::DELETE, VM_TYPE) => delete::vm(scope),
        (Method::DELETE, NIC_TYPE) => delete::nic(scope),
        (Method::DELETE, PIP_TYPE) => delete::pip(scope),
        (Method::DELETE, DISK_TYPE) => delete::disk(scope),
        (Method::GET, NIC_TYPE | PIP_TYPE | DISK_TYPE) => show::resource(scope, resource),
        _ => return None,
    };
    Some(response)
}

/// `GET /_sim/resources`: a sorted JSON array of the ids (under
/// [`crate::SUBSCRIPTION`]) of every VM, NIC, public IP and disk.
pub fn inventory(state: &State) -> Response {
    let subscription = crate::SUBSCRIPTION;
    let resources = state.resources.lock().expect("resources");
    let mut ids: Vec<String> = Vec::new();
    ids.extend(
        resources
            .vms
            .iter()
            .map(|(_, vm)| id(subscription, &vm.resource_group, VM_TYPE, &vm.name)),
    );
    ids.extend(
        resources
            .nics
            .iter()
            .map(|(_, nic)| id(subscription, &nic.resource_group, NIC_TYPE, &nic.name)),
    );
    ids.extend(
        resources
            .pips
            .iter()
            .map(|(_, pip)| id(subscription, &pip.resource_group, PIP_TYPE, &pip.name)),
    );
    ids.extend(
        resources
            .disks
            .iter()
            .map(|(_, disk)| id(subscription, &disk.resource_group, DISK_TYPE, &disk.name)),
    );
    drop(resources);
    ids.sort();
    json_response(StatusCode::OK, json!(ids))
}

/// The (group, name) an ARM id of a `kind` resource names, if it is one
/// in a subscription this simulator serves.
fn parse_id(state: &State, resource: &str, kind: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = resource.trim_start_matches('/').split('/').collect();
    let (namespace, kind) = kind.split_once('/')?;
    match parts.as_slice() {
        [
            subscriptions,
            subscription,
            groups,
            group,
            providers,
            ns,
            ty,
            name,
        ] if subscriptions.eq_ignore_ascii_case("subscriptions")
            && groups.eq_ignore_ascii_case("resourcegroups")
            && providers.eq_ignore_ascii_case("providers")
            && ns.eq_ignore_ascii_case(namespace)
            && ty.eq_ignore_ascii_case(kind)
            && state.serves(subscription).is_some() =>
        {
            Some((group.to_string(), name.to_string()))
        }
        _ => None,
    }
}
