//! Single gets of what a client creates: a resource group, a NIC, a public
//! IP, a disk (VMs have theirs in the routes).

use axum::http::StatusCode;
use axum::response::Response;

use super::Scope;
use crate::resources::{NIC_TYPE, PIP_TYPE};
use crate::routes::{error, json_response};

/// `GET /subscriptions/{s}/resourcegroups/{rg}`.
pub fn group(scope: &Scope, group: &str) -> Response {
    scope.state.count("group.get");
    let resources = scope.state.resources.lock().expect("resources");
    match resources.group(group) {
        Some(found) => json_response(
            StatusCode::OK,
            scope.state.templates.group(found, scope.subscription),
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            &format!("Resource group '{group}' could not be found."),
        ),
    }
}

/// `GET` of one NIC, public IP or disk (`kind`), counted as `nic.get`,
/// `pip.get` or `disk.get`.
pub fn resource(scope: &Scope, kind: &'static str) -> Response {
    let (name, group) = (scope.name(), scope.group.unwrap_or_default());
    let state = scope.state;
    let resources = state.resources.lock().expect("resources");
    let body = match kind {
        NIC_TYPE => {
            state.count("nic.get");
            let slot = resources.nics.find(Some(group), name);
            slot.and_then(|slot| state.templates.nic(&resources, slot, scope.subscription))
        }
        PIP_TYPE => {
            state.count("pip.get");
            let slot = resources.pips.find(Some(group), name);
            slot.and_then(|slot| state.templates.pip(&resources, slot, scope.subscription))
        }
        _ => {
            state.count("disk.get");
            let slot = resources.disks.find(Some(group), name);
            slot.and_then(|slot| state.templates.disk(&resources, slot, scope.subscription))
        }
    };
    match body {
        Some(body) => json_response(StatusCode::OK, body),
        None => not_found(kind, name, group),
    }
}

/// ARM's 404 for a missing resource of `kind`.
pub fn not_found(kind: &str, name: &str, group: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        &format!("The Resource '{kind}/{name}' under resource group '{group}' was not found."),
    )
}
