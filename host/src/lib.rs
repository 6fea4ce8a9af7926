//! azlin: manage fleets of Azure Linux VMs. The host owns every capability
//! and runs each command as a sandboxed WebAssembly component.

pub mod agent;
pub mod atomic_file;
pub mod azure;
pub mod build;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod exchange;
pub mod executor;
pub mod memory;
pub mod nearest;
pub mod perf;
pub mod plugin;
pub mod policy;
pub mod render;
pub mod runtime;
pub mod ssh;
