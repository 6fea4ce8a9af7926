//! Command plugins: finding, precompiling and checking components, the host
//! side of the WIT, and the limits each run is held to.

mod artifact_proof;
pub mod bindings;
mod builtin;
mod capabilities;
mod catalog;
mod contract;
pub mod description;
pub mod dotfiles;
mod engine;
mod engine_config;
mod error;
mod host_key;
mod instance;
mod interfaces;
mod limits;
mod loader;
pub mod local_paths;
mod log;
pub(crate) mod meter;
mod precompiled;
pub mod reserved;
mod scope;
mod seal;
pub(crate) mod spec;
mod state;

pub use crate::config::Limits;
pub use bindings::types::{CommandInfo, OptionSpec, PositionalSpec, SubcommandSpec};
pub use capabilities::Capability;
pub use catalog::{Bytes, Catalog, Entry, Origin};
pub use engine::{EpochTicker, TICK, engine};
pub use error::PluginError;
pub use instance::{Ended, describe, run};
pub use interfaces::linker;
pub use limits::LimitExceeded;
pub use loader::{Loaded, Loader, PROVIDED};
pub use precompiled::Precompiled;
pub use scope::{Bound, Scope};
pub use spec::{RESERVED_LONG, RESERVED_SHORT};
pub use state::{HostState, RunContext, RunIo};
