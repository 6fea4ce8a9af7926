//! `azlin:host/types`: only types, so nothing to implement.

use crate::plugin::bindings::types::Host;
use crate::plugin::state::HostState;

impl Host for HostState {}
