//! Long-running operations: each power action, create and delete is one,
//! polled at `/_sim/operations/{id}`; its effect lands when the poll says
//! `Succeeded`, after `Options::operation_polls` polls that say `InProgress`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::State;
use crate::resources::Provisioning;
use crate::routes::{error, json_response};

/// A kind of resource an operation creates or deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vm,
    Nic,
    Pip,
    Disk,
}

/// What an operation does when it completes.
#[derive(Debug, Clone, Copy)]
pub enum Effect {
    /// The VM in this slot reaches a `PowerState/*` code.
    Power { vm: usize, target: &'static str },
    /// The resource in this slot is provisioned (`Succeeded`).
    Created(Kind, usize),
    /// The resource in this slot is gone.
    Deleted(Kind, usize),
}

/// A pending operation.
#[derive(Debug, Clone)]
pub struct Operation {
    effect: Effect,
    polls_left: u64,
}

/// Records an operation for `effect` and returns its id.
pub fn start(state: &State, effect: Effect) -> usize {
    let polls_left = state.options().operation_polls;
    let mut operations = state.operations.lock().expect("operations");
    operations.push(Operation { effect, polls_left });
    operations.len() - 1
}

/// The poller's URL for operation `id`.
pub fn url(base: &str, id: usize) -> String {
    format!("{base}/_sim/operations/{id}")
}

/// `202 Accepted` with the poller in `Azure-AsyncOperation` and `Location`,
/// as power actions and deletes answer.
pub fn accepted(base: &str, id: usize) -> Response {
    let url = url(base, id);
    let mut response = Response::builder().status(StatusCode::ACCEPTED);
    for (name, value) in [
        ("Azure-AsyncOperation", url.as_str()),
        ("Location", url.as_str()),
        ("Retry-After", "0"),
    ] {
        response = response.header(name, value);
    }
    response.body(Body::empty()).unwrap_or_default()
}

/// `201 Created` with `body` and the poller in `Azure-AsyncOperation`, as a PUT answers.
pub fn created(base: &str, id: usize, body: Value) -> Response {
    let mut response = json_response(StatusCode::CREATED, body);
    if let Ok(url) = HeaderValue::from_str(&url(base, id)) {
        response.headers_mut().insert("Azure-AsyncOperation", url);
    }
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(0));
    response
}

/// `GET /_sim/operations/{id}`: `InProgress` until its polls run out, then
/// `Succeeded` (applying its effect).
pub fn poll(state: &State, id: &str) -> Response {
    state.count("operation.poll");
    let mut operations = state.operations.lock().expect("operations");
    let Some(operation) = id
        .parse::<usize>()
        .ok()
        .and_then(|index| operations.get_mut(index))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "OperationNotFound",
            &format!("no operation {id}"),
        );
    };
    if operation.polls_left > 0 {
        operation.polls_left -= 1;
        let mut response = json_response(
            StatusCode::OK,
            json!({ "name": id, "status": "InProgress" }),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(0));
        return response;
    }
    let effect = operation.effect;
    drop(operations);
    apply(state, effect);
    json_response(StatusCode::OK, json!({ "name": id, "status": "Succeeded" }))
}

fn apply(state: &State, effect: Effect) {
    let mut resources = state.resources.lock().expect("resources");
    match effect {
        Effect::Power { vm, target } => {
            if let Some(vm) = resources.vms.get_mut(vm) {
                vm.power = target.into();
            }
        }
        Effect::Created(kind, slot) => {
            let provisioning = match kind {
                Kind::Vm => resources.vms.get_mut(slot).map(|vm| &mut vm.provisioning),
                Kind::Nic => resources
                    .nics
                    .get_mut(slot)
                    .map(|nic| &mut nic.provisioning),
                Kind::Pip => resources
                    .pips
                    .get_mut(slot)
                    .map(|pip| &mut pip.provisioning),
                Kind::Disk => resources
                    .disks
                    .get_mut(slot)
                    .map(|disk| &mut disk.provisioning),
            };
            if let Some(provisioning) = provisioning
                && *provisioning != Provisioning::Deleting
            {
                *provisioning = Provisioning::Succeeded;
            }
        }
        Effect::Deleted(kind, slot) => match kind {
            Kind::Vm => resources.remove_vm(slot),
            Kind::Nic => resources.remove_nic(slot),
            Kind::Pip => {
                resources.pips.remove(slot);
            }
            Kind::Disk => {
                resources.disks.remove(slot);
            }
        },
    }
}
