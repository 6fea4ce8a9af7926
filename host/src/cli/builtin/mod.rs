//! Commands built into the host rather than run as plugins: they manage the
//! plugins and the configuration themselves.

pub mod agent;
pub mod cache;
pub mod completions;
pub mod config;
pub mod man;
pub mod perf;
pub mod plugin;
