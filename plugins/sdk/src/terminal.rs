//! The user's terminal joined to a VM (capability terminal): the host
//! relays the keystrokes and output; the plugin chooses where and what.

use crate::bindings::azlin::host::terminal;
use crate::failure::Failure;

pub use crate::bindings::azlin::host::terminal::{AttachOptions, Destination};

/// Joins the terminal to `destination` until the remote side ends; its
/// exit status (`None` if a signal ended it).
pub fn attach(destination: &Destination, options: &AttachOptions) -> Result<Option<i32>, Failure> {
    Ok(terminal::attach(destination, options)?)
}
