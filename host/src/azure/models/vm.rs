//! Virtual machines: the list/get bodies and their instance view.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A virtual machine as ARM lists or gets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualMachine {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub location: String,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub properties: Option<VmProperties>,
}

/// The properties azlin reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmProperties {
    #[serde(default)]
    pub vm_id: Option<String>,
    #[serde(default)]
    pub hardware_profile: Option<HardwareProfile>,
    #[serde(default)]
    pub storage_profile: Option<StorageProfile>,
    #[serde(default)]
    pub network_profile: Option<NetworkProfile>,
    #[serde(default)]
    pub provisioning_state: Option<String>,
    /// Present with `$expand=instanceView` (and as the `statusOnly=true` answer).
    #[serde(default)]
    pub instance_view: Option<InstanceView>,
}

/// The VM's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HardwareProfile {
    #[serde(default)]
    pub vm_size: Option<String>,
}

/// Image and OS disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageProfile {
    #[serde(default)]
    pub image_reference: Option<ImageReference>,
    #[serde(default)]
    pub os_disk: Option<OsDisk>,
    /// `null` in some answers, so optional rather than an empty list.
    #[serde(default)]
    pub data_disks: Option<Vec<DataDisk>>,
}

/// A data disk attached to the VM: its LUN and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataDisk {
    #[serde(default)]
    pub lun: Option<u32>,
    #[serde(default)]
    pub name: Option<String>,
}

/// The marketplace image a VM was made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageReference {
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub offer: Option<String>,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// The OS disk: its OS type (`Linux`, `Windows`) and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OsDisk {
    #[serde(default)]
    pub os_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// References to the VM's NICs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkProfile {
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub network_interfaces: Vec<super::SubResource>,
}

/// Runtime state of a VM: statuses such as `PowerState/running`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    #[serde(default)]
    pub computer_name: Option<String>,
    #[serde(default)]
    pub os_name: Option<String>,
    #[serde(default)]
    pub os_version: Option<String>,
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub statuses: Vec<InstanceStatus>,
}

/// One status line of an instance view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceStatus {
    pub code: String,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub display_status: Option<String>,
}

/// A VM's power state, from its `PowerState/*` status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PowerState {
    Starting,
    Running,
    Stopping,
    Stopped,
    Deallocating,
    Deallocated,
    Unknown,
}

impl PowerState {
    /// Reads a status code such as `PowerState/deallocated`.
    pub fn from_code(code: &str) -> Option<Self> {
        let state = code.strip_prefix("PowerState/")?;
        Some(match state.to_ascii_lowercase().as_str() {
            "starting" => PowerState::Starting,
            "running" => PowerState::Running,
            "stopping" => PowerState::Stopping,
            "stopped" => PowerState::Stopped,
            "deallocating" => PowerState::Deallocating,
            "deallocated" => PowerState::Deallocated,
            _ => PowerState::Unknown,
        })
    }

    /// Up, or on its way up: what a listing without stopped VMs keeps (the
    /// SDK's `vms::is_up` is the same rule, for plugins that filter themselves).
    pub fn is_up(self) -> bool {
        matches!(self, PowerState::Running | PowerState::Starting)
    }
}

impl InstanceView {
    /// The power state among the statuses, if Azure reported one.
    pub fn power_state(&self) -> Option<PowerState> {
        self.statuses
            .iter()
            .find_map(|status| PowerState::from_code(&status.code))
    }
}

impl VirtualMachine {
    /// The VM's name: the `name` field, else the last part of its id.
    pub fn name(&self) -> &str {
        self.name
            .as_deref()
            .unwrap_or_else(|| self.id.rsplit('/').next().unwrap_or_default())
    }

    /// The size, e.g. `Standard_DS3_v2`.
    pub fn size(&self) -> Option<&str> {
        self.properties
            .as_ref()?
            .hardware_profile
            .as_ref()?
            .vm_size
            .as_deref()
    }

    /// `Linux` or `Windows`, as the OS disk says.
    pub fn os_type(&self) -> Option<&str> {
        self.properties
            .as_ref()?
            .storage_profile
            .as_ref()?
            .os_disk
            .as_ref()?
            .os_type
            .as_deref()
    }

    /// Ids of the VM's network interfaces.
    pub fn nic_ids(&self) -> impl Iterator<Item = &str> {
        self.properties
            .iter()
            .filter_map(|properties| properties.network_profile.as_ref())
            .flat_map(|profile| profile.network_interfaces.iter())
            .map(|nic| nic.id.as_str())
    }

    /// The power state from the embedded instance view, if any.
    pub fn power_state(&self) -> Option<PowerState> {
        self.properties
            .as_ref()?
            .instance_view
            .as_ref()?
            .power_state()
    }
}
