//! The ARM errors creates and deletes answer, with ARM's codes and messages.

use axum::http::StatusCode;
use axum::response::Response;

use crate::routes::error;

/// A refused create or delete.
#[derive(Debug, thiserror::Error)]
pub enum ArmError {
    #[error("The request content was invalid and could not be deserialized: {0}")]
    InvalidRequestContent(String),
    #[error("Required parameter '{0}' is missing (null).")]
    MissingParameter(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error(
        "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: {size}' \
         is currently not available in location '{location}'. Please try another size or deploy to a \
         different location or different zone. See https://aka.ms/azureskunotavailable for details."
    )]
    SkuNotAvailable { size: String, location: String },
    #[error(
        "The provided location '{location}' is not available for resource type '{kind}'. \
         List of available regions for the resource type is '{available}'."
    )]
    LocationNotAvailableForResourceType {
        location: String,
        kind: &'static str,
        available: String,
    },
    #[error(
        "The provided location '{location}' is not available for resource group. \
         List of available regions is '{available}'."
    )]
    LocationNotAvailableForResourceGroup { location: String, available: String },
    #[error(
        "Invalid resource group location '{asked}'. The Resource group already exists in location '{existing}'."
    )]
    InvalidResourceGroupLocation { asked: String, existing: String },
    #[error(
        "Resource {referenced} referenced by resource {by} was not found. Please make sure that the \
         referenced resource exists, and that both resources are in the same region."
    )]
    InvalidResourceReference { referenced: String, by: String },
    #[error(
        "Network Interface {nic} is used by existing resource {vm}. In order to delete the network \
         interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic."
    )]
    NicInUse { nic: String, vm: String },
    #[error("Resource {pip} referenced by resource {nic} is already in use by {owner}.")]
    PublicIpAddressInUse {
        pip: String,
        nic: String,
        owner: String,
    },
    #[error(
        "Public IP address {pip} can not be deleted since it is still allocated to resource \
         {configuration}. In order to delete the public IP, disassociate/detach the Public IP \
         address from the resource.  To learn how to do this, see aka.ms/deletepublicip."
    )]
    PublicIpAddressCannotBeDeleted { pip: String, configuration: String },
    #[error("Disk {disk} is attached to VM {vm}.")]
    DiskAttached { disk: String, vm: String },
    #[error(
        "The simulator does not update an existing {kind} by PUT: '{name}' exists in resource group '{group}'."
    )]
    NoUpdate {
        kind: &'static str,
        name: String,
        group: String,
    },
    #[error("A disk named '{name}' already exists in resource group '{group}'.")]
    DiskExists { name: String, group: String },
    #[error("{0}")]
    Internal(String),
}

impl ArmError {
    fn status(&self) -> StatusCode {
        match self {
            ArmError::SkuNotAvailable { .. }
            | ArmError::InvalidResourceGroupLocation { .. }
            | ArmError::DiskAttached { .. }
            | ArmError::NoUpdate { .. }
            | ArmError::DiskExists { .. } => StatusCode::CONFLICT,
            ArmError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ArmError::InvalidRequestContent(_) => "InvalidRequestContent",
            ArmError::MissingParameter(_) | ArmError::InvalidParameter(_) => "InvalidParameter",
            ArmError::SkuNotAvailable { .. } => "SkuNotAvailable",
            ArmError::LocationNotAvailableForResourceType { .. } => {
                "LocationNotAvailableForResourceType"
            }
            ArmError::LocationNotAvailableForResourceGroup { .. } => {
                "LocationNotAvailableForResourceGroup"
            }
            ArmError::InvalidResourceGroupLocation { .. } => "InvalidResourceGroupLocation",
            ArmError::InvalidResourceReference { .. } => "InvalidResourceReference",
            ArmError::NicInUse { .. } => "NicInUse",
            ArmError::PublicIpAddressInUse { .. } => "PublicIPAddressInUse",
            ArmError::PublicIpAddressCannotBeDeleted { .. } => "PublicIPAddressCannotBeDeleted",
            ArmError::DiskAttached { .. } | ArmError::NoUpdate { .. } => "OperationNotAllowed",
            ArmError::DiskExists { .. } => "Conflict",
            ArmError::Internal(_) => "InternalServerError",
        }
    }

    /// The response: the status, and `{"error":{"code","message"}}`.
    pub fn response(&self) -> Response {
        error(self.status(), self.code(), &self.to_string())
    }
}
