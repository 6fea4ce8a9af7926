//! ARM response bodies as Azure sends them (camelCase JSON), lenient about
//! fields azlin does not read: every official example in
//! `tests/fixtures/azure-arm` parses into these.

mod async_operation;
mod graph;
mod network;
mod page;
mod resource_id;
mod size;
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
pub use vm::{
    HardwareProfile, ImageReference, InstanceStatus, InstanceView, NetworkProfile, OsDisk,
    PowerState, StorageProfile, VirtualMachine, VmProperties,
};
