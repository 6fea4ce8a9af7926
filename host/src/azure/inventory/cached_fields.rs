//! What the cache keeps of each list: only the fields a `VmRecord` is joined
//! from, with ids lower-cased once (ARM ids compare case-insensitively), so a
//! cache hit reads a few hundred bytes per VM instead of the ARM documents.

use crate::azure::models::{NetworkInterface, PowerState, PublicIpAddress, VirtualMachine, VmSize};
use serde::{Deserialize, Serialize};

/// A VM as listed, without its power state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedVm {
    pub id: String,
    pub name: String,
    pub location: String,
    pub size: String,
    pub os_type: Option<String>,
    pub os_image: Option<String>,
    pub provisioning_state: String,
    pub tags: Vec<(String, String)>,
    /// Lower-cased NIC ids.
    pub nics: Vec<String>,
}

/// A VM's power state by lower-cased id.
pub type CachedState = (String, PowerState);

/// A NIC's primary addresses, by lower-cased id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedNic {
    pub id: String,
    pub private_ip: Option<String>,
    /// Lower-cased id of the public IP resource.
    pub public_ip: Option<String>,
}

/// A public IP resource's address by lower-cased id.
pub type CachedPublicIp = (String, Option<String>);

/// A size's vCPUs and memory (MiB) by lower-cased name.
pub type CachedSize = (String, u32, u64);

impl From<VirtualMachine> for CachedVm {
    fn from(vm: VirtualMachine) -> Self {
        let properties = vm.properties.as_ref();
        let image = properties
            .and_then(|properties| properties.storage_profile.as_ref())
            .and_then(|storage| storage.image_reference.as_ref());
        CachedVm {
            name: vm.name().to_string(),
            size: vm.size().unwrap_or_default().to_string(),
            os_type: vm.os_type().map(str::to_string),
            os_image: image.and_then(|image| {
                Some(format!(
                    "{} {}",
                    image.offer.as_deref()?,
                    image.sku.as_deref()?
                ))
            }),
            provisioning_state: properties
                .and_then(|properties| properties.provisioning_state.clone())
                .unwrap_or_default(),
            nics: vm.nic_ids().map(str::to_ascii_lowercase).collect(),
            tags: vm.tags.into_iter().collect(),
            location: vm.location,
            id: vm.id,
        }
    }
}

/// The power state an instance-view-bearing list item reports.
pub fn state(vm: VirtualMachine) -> CachedState {
    let state = vm.power_state().unwrap_or(PowerState::Unknown);
    (vm.id.to_ascii_lowercase(), state)
}

impl From<NetworkInterface> for CachedNic {
    fn from(nic: NetworkInterface) -> Self {
        let primary = nic.primary_ip_configuration();
        CachedNic {
            private_ip: primary.and_then(|ip| ip.private_ip_address.clone()),
            public_ip: primary
                .and_then(|ip| ip.public_ip_address.as_ref())
                .map(|reference| reference.id.to_ascii_lowercase()),
            id: nic.id.to_ascii_lowercase(),
        }
    }
}

/// A public IP's address by lower-cased id.
pub fn public_ip(pip: PublicIpAddress) -> CachedPublicIp {
    (pip.id.to_ascii_lowercase(), pip.properties.ip_address)
}

/// A size's figures, when the list gives both.
pub fn size(size: VmSize) -> Option<CachedSize> {
    Some((
        size.name.to_ascii_lowercase(),
        size.number_of_cores?,
        size.memory_in_mb?,
    ))
}
