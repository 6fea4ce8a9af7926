//! Azure Resource Manager: tokens from azure_identity, a retrying client
//! with paging and long-running operations, and the wire models.

mod client;
mod credential;
mod endpoint;
mod error;
mod fence;
mod inventory;
pub mod models;
pub mod names;
pub mod notes;
mod retry;
mod session;
mod shared;
mod sizes;

pub use client::{ArmClient, ListBounds};
pub use credential::{AuthMethod, Tokens};
pub use endpoint::{Endpoint, PUBLIC_ARM};
pub use error::AzureError;
pub use fence::Fence;
pub use inventory::{
    CachedVm, Inventory, ListScope, NewVm, PowerAction, Quota, VmRecord, check_tags,
    image_reference,
};
pub use retry::RetryPolicy;
pub use session::Session;
pub use shared::SharedAzure;
