//! Files copied between the user's machine and VMs (capability
//! file-transfer): the host reads and writes both ends; the plugin names them.

use crate::bindings::azlin::host::transfer;
use crate::failure::Failure;

pub use crate::bindings::azlin::host::transfer::{Copied, CopyOptions, Machine, Place};

/// Copies `sources` to `destination` as `cp` does; what was copied.
pub fn copy(
    sources: &[Place],
    destination: &Place,
    options: &CopyOptions,
) -> Result<Vec<Copied>, Failure> {
    Ok(transfer::copy(sources, destination, options)?)
}

/// Pushes the user's dotfiles and the files of `~/.azlin/home` (the host
/// chooses them) into the login user's home on `vm`; what was pushed.
pub fn push_dotfiles(
    vm: &crate::bindings::azlin::host::types::VmRef,
    options: &CopyOptions,
) -> Result<Vec<Copied>, Failure> {
    Ok(transfer::push_dotfiles(vm, options)?)
}
