//! ARM response bodies as Azure sends them (camelCase JSON), lenient about
//! fields azlin does not read: every official example in
//! `tests/fixtures/azure-arm` parses into these.

mod async_operation;
mod graph;
mod network;
mod page;
mod resource_id;
mod size;
mod usage;
mod vm;

pub use async_operation::AsyncOperation;
pub use graph::GraphResponse;
pub use network::{
    IpConfiguration, IpConfigurationProperties, NetworkInterface, NicProperties, PublicIpAddress,
    PublicIpProperties, SubResource,
};
pub use page::{ArmError, ArmErrorBody, Page};
pub use resource_id::ResourceId;
pub use size::VmSize;
pub use usage::{Usage, UsageName};
pub use vm::{
    DataDisk, HardwareProfile, ImageReference, InstanceStatus, InstanceView, NetworkProfile,
    OsDisk, PowerState, StorageProfile, VirtualMachine, VmProperties,
};

/// A field ARM may send as `null` (or leave out) where azlin reads a value:
/// its default, so one VM's odd answer does not fail the whole list.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}
