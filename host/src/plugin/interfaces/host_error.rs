//! What a host function gives back when it cannot answer: a WIT `error` the
//! plugin handles, or a trap that ends the run. Host functions return
//! `Result<T, HostError>` and use `?` on either; bindgen's
//! `trappable_error_type` turns it into the plugin's answer or the trap.

use super::azure_errors::to_wit;
use crate::azure::AzureError;
use crate::plugin::bindings::types::Error;

/// An error for the plugin, or a trap.
#[derive(Debug)]
pub enum HostError {
    /// Answered to the plugin as `err(error)`.
    Answer(Error),
    /// Ends the run (limits, a closed output, a host bug).
    Trap(wasmtime::Error),
}

impl HostError {
    /// The WIT answer, or the trap.
    pub fn into_answer(self) -> wasmtime::Result<Error> {
        match self {
            HostError::Answer(error) => Ok(error),
            HostError::Trap(trap) => Err(trap),
        }
    }
}

impl From<Error> for HostError {
    fn from(error: Error) -> Self {
        HostError::Answer(error)
    }
}

impl From<wasmtime::Error> for HostError {
    fn from(trap: wasmtime::Error) -> Self {
        HostError::Trap(trap)
    }
}

impl From<wasmtime::component::ResourceTableError> for HostError {
    fn from(error: wasmtime::component::ResourceTableError) -> Self {
        HostError::Trap(error.into())
    }
}

impl From<AzureError> for HostError {
    fn from(error: AzureError) -> Self {
        HostError::Answer(to_wit(error))
    }
}
