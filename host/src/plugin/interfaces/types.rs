//! `azlin:host/types`: only types; its one function turns a host function's
//! [`HostError`] into the plugin's `error` or a trap.

use super::host_error::HostError;
use crate::plugin::bindings::types::{Error, Host};
use crate::plugin::state::HostState;

impl Host for HostState {
    fn convert_error(&mut self, error: HostError) -> wasmtime::Result<Error> {
        error.into_answer()
    }
}
