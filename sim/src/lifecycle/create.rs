//! PUT: resource groups, public IPs, NICs and VMs, each validated as ARM
//! does and answered 201 with an operation to poll.

use std::fs::OpenOptions;
use std::io::Write;

use axum::http::StatusCode;
use axum::response::Response;

use super::body::{GroupRequest, NicRequest, PipRequest, VmRequest};
use super::{ArmError, Scope, catalog, parse_id};
use crate::operations::{self, Effect, Kind};
use crate::resources::{
    CreatedNic, Disk, NIC_TYPE, Nic, PIP_TYPE, Pip, Profile, Provisioning, Resources, VM_TYPE, Vm,
    id,
};
use crate::routes::json_response;

/// `PUT /subscriptions/{s}/resourcegroups/{rg}`, counted as `group.create`.
pub fn group(scope: &Scope, name: &str) -> Response {
    scope.state.count("group.create");
    let request = match GroupRequest::parse(scope.body) {
        Ok(request) => request,
        Err(error) => return error.response(),
    };
    if let Err(error) = catalog::group_location(&request.location) {
        return error.response();
    }
    let mut resources = scope.state.resources.lock().expect("resources");
    let status = if resources.add_group(name, &request.location) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let group = resources.group(name).expect("the group just made or found");
    if !group.location.eq_ignore_ascii_case(&request.location) {
        return ArmError::InvalidResourceGroupLocation {
            asked: request.location,
            existing: group.location.clone(),
        }
        .response();
    }
    json_response(
        status,
        scope.state.templates.group(group, scope.subscription),
    )
}

/// `PUT …/virtualNetworks/{name}`, counted as `vnet.create`: remembers the
/// network and answers with the body sent, completed at once.
pub fn network(scope: &Scope) -> Response {
    scope.state.count("vnet.create");
    let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(scope.body) else {
        return ArmError::InvalidRequestContent("the virtual network body is not JSON".into())
            .response();
    };
    let group = scope.group.unwrap_or_default();
    let key = format!("{group}/{}", scope.name()).to_ascii_lowercase();
    let added = scope
        .state
        .resources
        .lock()
        .expect("resources")
        .networks
        .insert(key);
    body["id"] = serde_json::json!(format!(
        "/subscriptions/{}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{}",
        scope.subscription,
        scope.name()
    ));
    body["name"] = serde_json::json!(scope.name());
    body["type"] = serde_json::json!("Microsoft.Network/virtualNetworks");
    body["properties"]["provisioningState"] = serde_json::json!("Succeeded");
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    json_response(status, body)
}

/// `PUT …/publicIPAddresses/{name}`, counted as `pip.create`: allocates a
/// public address.
pub fn pip(scope: &Scope) -> Response {
    scope.state.count("pip.create");
    answer(scope, Kind::Pip, |resources| {
        let request = PipRequest::parse(scope.body)?;
        catalog::location(&request.location, PIP_TYPE)?;
        let group = group_name(scope, resources);
        refuse_existing(
            resources.pips.find(Some(&group), scope.name()),
            PIP_TYPE,
            scope,
            &group,
        )?;
        let address = resources.synthesise_public();
        let slot = resources.pips.insert(Pip {
            name: scope.name().into(),
            resource_group: group,
            location: request.location,
            address: Some(address),
            nic: None,
            provisioning: Provisioning::Updating,
            created: true,
        });
        Ok((
            slot,
            scope
                .state
                .templates
                .pip(resources, slot, scope.subscription),
        ))
    })
}

/// `PUT …/networkInterfaces/{name}`, counted as `nic.create`: allocates a
/// private address; `ipConfigurations[0].properties.publicIPAddress.id`
/// must name a public IP no other NIC uses.
pub fn nic(scope: &Scope) -> Response {
    scope.state.count("nic.create");
    answer(scope, Kind::Nic, |resources| {
        let request = NicRequest::parse(scope.body)?;
        catalog::location(&request.location, NIC_TYPE)?;
        let group = group_name(scope, resources);
        refuse_existing(
            resources.nics.find(Some(&group), scope.name()),
            NIC_TYPE,
            scope,
            &group,
        )?;
        let nic_id = id(scope.subscription, &group, NIC_TYPE, scope.name());
        let public_ip = match &request.public_ip {
            None => None,
            Some(pip_id) => {
                let slot = parse_id(scope.state, pip_id, PIP_TYPE)
                    .and_then(|(group, name)| resources.pips.find(Some(&group), &name))
                    .filter(|&slot| live(resources.pips.get(slot).map(|pip| pip.provisioning)))
                    .ok_or_else(|| ArmError::InvalidResourceReference {
                        referenced: pip_id.clone(),
                        by: nic_id.clone(),
                    })?;
                if let Some(owner) = resources.pips.get(slot).and_then(|pip| pip.nic)
                    && let Some(owner) = resources.nics.get(owner)
                {
                    return Err(ArmError::PublicIpAddressInUse {
                        pip: pip_id.clone(),
                        nic: nic_id,
                        owner: id(
                            scope.subscription,
                            &owner.resource_group,
                            NIC_TYPE,
                            &owner.name,
                        ),
                    });
                }
                Some(slot)
            }
        };
        let private_ip = resources.synthesise_private();
        let slot = resources.add_nic(Nic {
            name: scope.name().into(),
            resource_group: group,
            location: request.location,
            private_ip,
            public_ip,
            vm: None,
            provisioning: Provisioning::Updating,
            created: Some(CreatedNic {
                ip_configuration: request.ip_configuration,
                subnet: request.subnet,
            }),
        });
        Ok((
            slot,
            scope
                .state
                .templates
                .nic(resources, slot, scope.subscription),
        ))
    })
}

/// `PUT …/virtualMachines/{name}`, counted as `vm.create`: a running VM on
/// an existing, unused NIC, with a new OS disk; it takes the next spare
/// address and its SSH keys go to `Options::authorized_keys`.
pub fn vm(scope: &Scope) -> Response {
    scope.state.count("vm.create");
    answer(scope, Kind::Vm, |resources| {
        let request = VmRequest::parse(scope.body)?;
        catalog::location(&request.location, VM_TYPE)?;
        catalog::size(&scope.state.templates, &request.size, &request.location)?;
        let (name, group) = (scope.name(), group_name(scope, resources));
        refuse_existing(
            resources.vms.find(Some(&group), name),
            VM_TYPE,
            scope,
            &group,
        )?;
        let vm_id = id(scope.subscription, &group, VM_TYPE, name);
        let nic = parse_id(scope.state, &request.nic, NIC_TYPE)
            .and_then(|(group, name)| resources.nics.find(Some(&group), &name))
            .filter(|&slot| live(resources.nics.get(slot).map(|nic| nic.provisioning)))
            .ok_or_else(|| ArmError::InvalidResourceReference {
                referenced: request.nic.clone(),
                by: vm_id.clone(),
            })?;
        if let Some(user) = resources.nics.get(nic).and_then(|nic| nic.vm)
            && let Some(user) = resources.vms.get(user)
        {
            return Err(ArmError::NicInUse {
                nic: request.nic.clone(),
                vm: id(
                    scope.subscription,
                    &user.resource_group,
                    VM_TYPE,
                    &user.name,
                ),
            });
        }
        let disk_name = request
            .os_disk
            .clone()
            .unwrap_or_else(|| format!("{name}_OsDisk_1_{:032x}", resources.vms.slots()));
        if resources.disks.find(Some(&group), &disk_name).is_some() {
            return Err(ArmError::DiskExists {
                name: disk_name,
                group,
            });
        }
        authorize(scope, &request.ssh_keys)?;
        take_spare(scope, resources, nic);
        for (_, data_name, _) in &request.data_disks {
            if resources.disks.find(Some(&group), data_name).is_some() {
                return Err(ArmError::DiskExists {
                    name: data_name.clone(),
                    group,
                });
            }
        }
        let data_disks = request
            .data_disks
            .iter()
            .map(|(lun, data_name, size_gb)| {
                let slot = resources.disks.insert(Disk {
                    name: data_name.clone(),
                    resource_group: group.clone(),
                    location: request.location.clone(),
                    size_gb: *size_gb,
                    vm: None,
                    provisioning: Provisioning::Succeeded,
                });
                (*lun, slot)
            })
            .collect();
        let os_disk = resources.disks.insert(Disk {
            name: disk_name,
            resource_group: group.clone(),
            location: request.location.clone(),
            size_gb: 30,
            vm: None,
            provisioning: Provisioning::Succeeded,
        });
        let slot = resources.add_vm(Vm {
            name: name.into(),
            resource_group: group,
            location: request.location,
            size: request.size,
            power: "PowerState/running".into(),
            tags: request.tags,
            nic,
            os_disk,
            data_disks,
            provisioning: Provisioning::Creating,
            profile: Some(Profile {
                image: request.image,
                os: request.os,
                custom_data: request.custom_data,
            }),
        });
        Ok((
            slot,
            scope
                .state
                .templates
                .vm(resources, slot, scope.subscription, false),
        ))
    })
}

/// Runs `make` on the resources and answers 201 with the body it rendered
/// and an operation that marks the new resource `Succeeded`, or its error.
fn answer(
    scope: &Scope,
    kind: Kind,
    make: impl FnOnce(&mut Resources) -> Result<(usize, Option<serde_json::Value>), ArmError>,
) -> Response {
    let made = make(&mut scope.state.resources.lock().expect("resources"));
    match made {
        Ok((slot, body)) => {
            let id = operations::start(scope.state, Effect::Created(kind, slot));
            operations::created(scope.base, id, body.unwrap_or_default())
        }
        Err(error) => error.response(),
    }
}

/// The resource group as created (its stored spelling).
fn group_name(scope: &Scope, resources: &Resources) -> String {
    let asked = scope.group.unwrap_or_default();
    resources
        .group(asked)
        .map_or_else(|| asked.to_string(), |group| group.name.clone())
}

fn refuse_existing(
    found: Option<usize>,
    kind: &'static str,
    scope: &Scope,
    group: &str,
) -> Result<(), ArmError> {
    match found {
        Some(_) => Err(ArmError::NoUpdate {
            kind,
            name: scope.name().into(),
            group: group.into(),
        }),
        None => Ok(()),
    }
}

/// Whether a referenced resource exists and is not being deleted.
fn live(provisioning: Option<Provisioning>) -> bool {
    provisioning.is_some_and(|provisioning| provisioning != Provisioning::Deleting)
}

/// Appends each SSH public key to `Options::authorized_keys`, if set.
fn authorize(scope: &Scope, keys: &[String]) -> Result<(), ArmError> {
    let Some(path) = scope.state.options().authorized_keys else {
        return Ok(());
    };
    if keys.is_empty() {
        return Ok(());
    }
    let lines: String = keys.iter().map(|key| format!("{}\n", key.trim())).collect();
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(lines.as_bytes()))
        .map_err(|cause| {
            ArmError::Internal(format!(
                "the simulator could not append to {}: {cause}",
                path.display()
            ))
        })
}

/// Gives NIC `nic` (and its public IP) the next spare address, if one is left.
fn take_spare(scope: &Scope, resources: &mut Resources, nic: usize) {
    let spares = scope.state.options().spare_addresses;
    let Some(address) = spares.get(resources.spares_taken) else {
        return;
    };
    resources.spares_taken += 1;
    let Some(nic) = resources.nics.get_mut(nic) else {
        return;
    };
    nic.private_ip = address.clone();
    if let Some(pip) = nic.public_ip.and_then(|pip| resources.pips.get_mut(pip)) {
        pip.address = Some(address.clone());
    }
}
