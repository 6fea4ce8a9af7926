//! Azure failures as the WIT `error` values plugins see: messages, never
//! tokens or URLs with secrets.

use crate::azure::AzureError;
use crate::plugin::bindings::types::Error;

/// The plugin-facing error for an Azure failure.
pub fn to_wit(error: AzureError) -> Error {
    seen(&error)
}

fn seen(error: &AzureError) -> Error {
    match error {
        AzureError::Arm { status: 404, .. } => Error::NotFound(error.to_string()),
        AzureError::Arm {
            status: 401 | 403, ..
        }
        | AzureError::NoCredential { .. } => Error::AccessDenied(error.to_string()),
        AzureError::Arm { status: 429, .. } => Error::Throttled(30),
        AzureError::GaveUp { .. } | AzureError::Http { .. } => {
            Error::Unavailable(error.to_string())
        }
        AzureError::Operation { .. } | AzureError::Arm { .. } | AzureError::Decode { .. } => {
            Error::Remote(error.to_string())
        }
        AzureError::ForeignLink(_) | AzureError::Paging { .. } => Error::Remote(error.to_string()),
        AzureError::OutOfScope { .. } => Error::AccessDenied(error.to_string()),
        AzureError::Endpoint { .. }
        | AzureError::AuthMethod(_)
        | AzureError::NoSubscription
        | AzureError::Scope(_)
        | AzureError::Config(_)
        | AzureError::Describing => Error::Remote(error.to_string()),
        AzureError::Unavailable(earlier) => seen(earlier),
    }
}
