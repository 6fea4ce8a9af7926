//! The host side of azlin's WIT: one file per interface, the frozen 0.1 line
//! handed to them, and the linker that joins them with locked-down WASI.

mod azure_errors;
mod cache;
mod host_error;
mod host_info;
mod output;
pub(crate) mod refreshes;
pub(crate) mod remote;
mod settings;
mod terminal;
mod transfer;
mod types;
mod v0_1;
mod views;
mod vm_control;
mod vms;

use super::bindings::types::Error;
use super::bindings::{
    cache as cache_wit, host_info as host_info_wit, output as output_wit, remote as remote_wit,
    settings as settings_wit, terminal as terminal_wit, transfer as transfer_wit,
    types as types_wit, vm_control as vm_control_wit, vms as vms_wit,
};
use super::state::HostState;
pub use host_error::HostError;
use std::path::PathBuf;
use views::RemoteView;
use wasmtime::component::Linker;

impl RemoteView<'_> {
    /// The local file the user typed as `typed` for this run, or an
    /// `access-denied` saying why the plugin may not touch it.
    pub(crate) fn local_path(&self, typed: &str) -> Result<PathBuf, Error> {
        self.context
            .local
            .resolve(typed)
            .map_err(Error::AccessDenied)
    }
}

/// A linker with WASI (locked down by each run's context) and the interfaces
/// this host implements.
pub fn linker(engine: &wasmtime::Engine) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    types_wit::add_to_linker::<HostState, views::Context>(&mut linker, HostState::context_view)?;
    output_wit::add_to_linker::<HostState, views::Output>(&mut linker, HostState::output_view)?;
    host_info_wit::add_to_linker::<HostState, views::Context>(
        &mut linker,
        HostState::context_view,
    )?;
    vms_wit::add_to_linker::<HostState, views::Azure>(&mut linker, HostState::azure_view)?;
    vm_control_wit::add_to_linker::<HostState, views::Azure>(&mut linker, HostState::azure_view)?;
    remote_wit::add_to_linker::<HostState, views::Remote>(&mut linker, HostState::remote_view)?;
    cache_wit::add_to_linker::<HostState, views::Cache>(&mut linker, HostState::cache_view)?;
    settings_wit::add_to_linker::<HostState, views::Context>(&mut linker, HostState::context_view)?;
    terminal_wit::add_to_linker::<HostState, views::Remote>(&mut linker, HostState::remote_view)?;
    transfer_wit::add_to_linker::<HostState, views::Remote>(&mut linker, HostState::remote_view)?;
    v0_1::add_to_linker(&mut linker)?;
    Ok(linker)
}
