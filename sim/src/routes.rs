//! Request handling: the token endpoints, ARM paths (matched
//! case-insensitively, as ARM does), long-running operations and `/_sim`.

use super::{IDENTITY_HEADER, State, TOKEN, faults};
use crate::operations::{self, Effect};
use axum::Router;
use axum::extract::State as Shared;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The router: every request goes through [`handle`].
pub fn router(state: Arc<State>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(
    Shared(state): Shared<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let path: Vec<String> = uri
        .path()
        .trim_matches('/')
        .split('/')
        .map(str::to_string)
        .collect();
    let lower: Vec<String> = path.iter().map(|part| part.to_ascii_lowercase()).collect();
    let query = query(&uri);
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match (&method, lower.as_slice()) {
        (&Method::GET, ["_sim", "stats"]) => json_response(StatusCode::OK, json!(state.counts())),
        (&Method::GET, ["_sim", "subscriptions"]) => {
            json_response(StatusCode::OK, json!(state.subscriptions()))
        }
        (&Method::GET, ["_sim", "operations", _]) => operations::poll(&state, &path[2]),
        (&Method::GET, ["_sim", "resources"]) => crate::lifecycle::inventory(&state),
        (&Method::POST, [_, "oauth2", "v2.0", "token"]) => token(&state, false),
        (&Method::GET, ["msi", "token"]) => {
            let allowed = headers
                .get("x-identity-header")
                .is_some_and(|value| value == IDENTITY_HEADER);
            if allowed {
                token(&state, true)
            } else {
                error(
                    StatusCode::UNAUTHORIZED,
                    "InvalidIdentityHeader",
                    "missing or wrong X-IDENTITY-HEADER",
                )
            }
        }
        (_, ["subscriptions"]) => error(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            "the simulator does not list subscriptions; name one: /subscriptions/{id}/…",
        ),
        (_, ["subscriptions", ..]) => {
            let request = Request {
                method: &method,
                uri: &uri,
                path: &path,
                lower: &lower,
                query: &query,
                headers: &headers,
                body: &body,
            };
            arm(&state, &request).await
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("no route for {method} {}", uri.path()),
        ),
    }
}

fn query(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_ascii_lowercase(), value.to_string()))
        .collect()
}

fn token(state: &State, managed_identity: bool) -> Response {
    state.count("token");
    let expires_on = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        + 3600;
    let mut body = json!({ "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": TOKEN });
    if managed_identity {
        body["expires_on"] = json!(expires_on.to_string());
        body["resource"] = json!("https://management.azure.com/");
    }
    json_response(StatusCode::OK, body)
}

/// An ARM request, as its handler reads it.
struct Request<'a> {
    method: &'a Method,
    uri: &'a Uri,
    /// Path segments as sent, and lower-cased.
    path: &'a [String],
    lower: &'a [&'a str],
    query: &'a HashMap<String, String>,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

async fn arm(state: &State, request: &Request<'_>) -> Response {
    let Request {
        method,
        uri,
        path,
        lower,
        query,
        headers,
        body,
    } = *request;
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value == format!("Bearer {TOKEN}"));
    if !authorized {
        return error(
            StatusCode::UNAUTHORIZED,
            "AuthenticationFailed",
            "missing or invalid bearer token",
        );
    }
    state.count_subscription(&path[1]);
    let Some(subscription) = state.serves(&path[1]) else {
        state.count("subscription.notFound");
        return error(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            &format!("The subscription '{}' could not be found.", path[1]),
        );
    };
    let subscription = subscription.as_str();
    if let Some((status, retry_after)) = faults(state).await {
        state.count(if status == 429 { "throttled" } else { "failed" });
        let mut response = error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            if status == 429 {
                "TooManyRequests"
            } else {
                "InternalServerError"
            },
            "simulated fault",
        );
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        return response;
    }
    let base = format!(
        "http://{}",
        headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .unwrap_or("127.0.0.1")
    );
    let (group, scoped) = match &lower[2..] {
        ["resourcegroups", _, scoped @ ..] => (Some(path[3].clone()), scoped),
        scoped => (None, scoped),
    };
    let scope = crate::lifecycle::Scope {
        state,
        base: &base,
        subscription,
        group: group.as_deref(),
        path: &path[2..],
        body,
    };
    if let Some(response) = crate::lifecycle::group_route(&scope, method, scoped) {
        return response;
    }
    if let Some(group) = &group
        && state
            .resources
            .lock()
            .expect("resources")
            .group(group)
            .is_none()
    {
        state.count("group.notFound");
        return error(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            &format!("Resource group '{group}' could not be found."),
        );
    }
    if let Some(response) = crate::lifecycle::route(&scope, method, scoped) {
        return response;
    }
    let in_scope = |resource_group: &str| {
        group
            .as_ref()
            .is_none_or(|group| resource_group.eq_ignore_ascii_case(group))
    };
    match (method, scoped) {
        (&Method::GET, ["providers", "microsoft.compute", "virtualmachines"]) => {
            let status_only = query.get("statusonly").is_some_and(|value| value == "true");
            state.count(if group.is_some() {
                "vm.list"
            } else {
                "vm.listAll"
            });
            let resources = state.resources.lock().expect("resources");
            let vms: Vec<Value> = resources
                .vms
                .iter()
                .filter(|(_, vm)| in_scope(&vm.resource_group))
                .filter_map(|(slot, _)| {
                    state
                        .templates
                        .vm(&resources, slot, subscription, status_only)
                })
                .map(|vm| oddly(&state.options(), vm))
                .collect();
            drop(resources);
            page(state, &base, uri, query, vms)
        }
        (&Method::PATCH, ["providers", "microsoft.compute", "virtualmachines", name]) => {
            state.count("vm.update");
            update_vm(state, group.as_deref(), name, body, subscription)
        }
        (&Method::GET, ["providers", "microsoft.compute", "virtualmachines", name]) => {
            state.count("vm.get");
            match vm_body(state, group.as_deref(), name, subscription) {
                Some(body) => json_response(StatusCode::OK, body),
                None => not_found(name),
            }
        }
        (
            &Method::GET,
            [
                "providers",
                "microsoft.compute",
                "virtualmachines",
                name,
                "instanceview",
            ],
        ) => {
            state.count("vm.instanceView");
            let resources = state.resources.lock().expect("resources");
            match resources
                .vms
                .find(group.as_deref(), name)
                .and_then(|slot| resources.vms.get(slot))
            {
                Some(vm) => json_response(StatusCode::OK, state.templates.instance_view(vm)),
                None => not_found(name),
            }
        }
        (
            &Method::POST,
            [
                "providers",
                "microsoft.compute",
                "virtualmachines",
                name,
                action,
            ],
        ) => power_action(state, &base, group.as_deref(), name, action),
        (&Method::GET, ["providers", "microsoft.network", "networkinterfaces"]) => {
            state.count("nic.list");
            let resources = state.resources.lock().expect("resources");
            let nics = resources
                .nics
                .iter()
                .filter(|(_, nic)| in_scope(&nic.resource_group))
                .filter_map(|(slot, _)| state.templates.nic(&resources, slot, subscription))
                .collect();
            drop(resources);
            page(state, &base, uri, query, nics)
        }
        (&Method::GET, ["providers", "microsoft.network", "publicipaddresses"]) => {
            state.count("pip.list");
            let resources = state.resources.lock().expect("resources");
            let pips = resources
                .pips
                .iter()
                .filter(|(_, pip)| in_scope(&pip.resource_group))
                .filter_map(|(slot, _)| state.templates.pip(&resources, slot, subscription))
                .collect();
            drop(resources);
            page(state, &base, uri, query, pips)
        }
        (&Method::GET, ["providers", "microsoft.compute", "locations", _, "vmsizes"]) => {
            state.count("sizes.list");
            json_response(StatusCode::OK, state.templates.sizes())
        }
        (
            &Method::GET,
            [
                "providers",
                "microsoft.compute",
                "locations",
                location,
                "usages",
            ],
        ) => {
            state.count("usages.list");
            json_response(StatusCode::OK, crate::usage::list(state, location))
        }
        _ => {
            state.count("unknown");
            error(
                StatusCode::NOT_FOUND,
                "InvalidResourceType",
                &format!("the simulator does not serve {method} {}", uri.path()),
            )
        }
    }
}

/// `Virtual Machines - Update`: applies the body's `tags` (the whole set,
/// as ARM's PATCH does) and answers 200 with the updated VM.
fn update_vm(
    state: &State,
    group: Option<&str>,
    name: &str,
    body: &[u8],
    subscription: &str,
) -> Response {
    if state
        .resources
        .lock()
        .expect("resources")
        .vms
        .find(group, name)
        .is_none()
    {
        return not_found(name);
    }
    let update: Value = match serde_json::from_slice(body) {
        Ok(update @ Value::Object(_)) => update,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContent",
                "The request content was invalid and could not be deserialized.",
            );
        }
    };
    if let Some(tags) = update.get("tags") {
        let parsed: Option<std::collections::BTreeMap<String, String>> =
            tags.as_object().and_then(|tags| {
                tags.iter()
                    .map(|(key, value)| Some((key.clone(), value.as_str()?.to_string())))
                    .collect()
            });
        let Some(tags) = parsed else {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContent",
                "tags must be an object of strings",
            );
        };
        let mut resources = state.resources.lock().expect("resources");
        if let Some(slot) = resources.vms.find(group, name)
            && let Some(stored) = resources.vms.get_mut(slot)
        {
            stored.tags = tags;
        }
    }
    match vm_body(state, group, name, subscription) {
        Some(body) => json_response(StatusCode::OK, body),
        None => not_found(name),
    }
}

/// VM `name`'s body, if it exists.
fn vm_body(state: &State, group: Option<&str>, name: &str, subscription: &str) -> Option<Value> {
    let resources = state.resources.lock().expect("resources");
    let slot = resources.vms.find(group, name)?;
    state.templates.vm(&resources, slot, subscription, false)
}

fn not_found(name: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        &format!("The Resource 'Microsoft.Compute/virtualMachines/{name}' was not found."),
    )
}

/// A listed VM as `options` spoil it: `null` where ARM usually sends values
/// (an odd VM), or a `null` id (an unreadable one).
fn oddly(options: &crate::Options, mut vm: Value) -> Value {
    let name = vm["name"].as_str().unwrap_or_default().to_string();
    if options.odd_vms.contains(&name) {
        vm["location"] = Value::Null;
        vm["tags"] = Value::Null;
        if let Some(properties) = vm["properties"].as_object_mut() {
            properties.insert(
                "networkProfile".into(),
                json!({ "networkInterfaces": null }),
            );
            properties.insert("hardwareProfile".into(), json!({ "vmSize": null }));
            properties.insert("storageProfile".into(), Value::Null);
            properties.insert("instanceView".into(), json!({ "statuses": null }));
        }
    }
    if options.unreadable_vms.contains(&name) {
        vm["id"] = Value::Null;
    }
    vm
}

/// One page of `items`, with a `nextLink` when more remain (with
/// `looping_pages`, the last page links back to the first).
fn page(
    state: &State,
    base: &str,
    uri: &Uri,
    query: &HashMap<String, String>,
    items: Vec<Value>,
) -> Response {
    let size = state.options().page_size.max(1);
    let start: usize = query
        .get("$skiptoken")
        .and_then(|token| token.parse().ok())
        .unwrap_or(0);
    let end = (start + size).min(items.len());
    let mut body = json!({ "value": items.get(start..end).unwrap_or_default() });
    let looping = state.options().looping_pages;
    if end < items.len() || looping {
        let end = if end < items.len() { end } else { 0 };
        let mut kept: Vec<String> = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| {
                !pair.is_empty() && !pair.to_ascii_lowercase().starts_with("$skiptoken=")
            })
            .map(str::to_string)
            .collect();
        kept.push(format!("$skiptoken={end}"));
        body["nextLink"] = json!(format!("{base}{}?{}", uri.path(), kept.join("&")));
    }
    json_response(StatusCode::OK, body)
}

/// Accepts a power action as a long-running operation.
fn power_action(
    state: &State,
    base: &str,
    group: Option<&str>,
    name: &str,
    action: &str,
) -> Response {
    let (transition, target, counted) = match action {
        "start" => ("PowerState/starting", "PowerState/running", "vm.start"),
        "poweroff" => ("PowerState/stopping", "PowerState/stopped", "vm.powerOff"),
        "deallocate" => (
            "PowerState/deallocating",
            "PowerState/deallocated",
            "vm.deallocate",
        ),
        "restart" => ("PowerState/starting", "PowerState/running", "vm.restart"),
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "InvalidResourceType",
                &format!("unknown action '{action}'"),
            );
        }
    };
    state.count(counted);
    let mut resources = state.resources.lock().expect("resources");
    let Some(slot) = resources.vms.find(group, name) else {
        return not_found(name);
    };
    let Some(vm) = resources.vms.get_mut(slot) else {
        return not_found(name);
    };
    if action == "restart" && vm.power != "PowerState/running" {
        return error(
            StatusCode::CONFLICT,
            "OperationNotAllowed",
            "Cannot restart a VM that is not running.",
        );
    }
    vm.power = transition.into();
    drop(resources);
    let id = operations::start(state, Effect::Power { vm: slot, target });
    operations::accepted(base, id)
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        json!({ "error": { "code": code, "message": message } }),
    )
}
