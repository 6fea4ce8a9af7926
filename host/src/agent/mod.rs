//! The agent: a per-user process that keeps the API cache, SSH connections,
//! tokens and compiled plugins warm across `azlin` runs. Clients talk to it
//! over a unix socket in a directory only the user can enter; it runs each
//! command with the same runtime as an in-process run and streams the
//! events back. See `client` for the client's side, `server` for the agent's.

mod client;
mod connection;
mod error;
mod files;
mod server;
mod spawn;
mod wire;

pub use client::{cache, run, status, stop};
pub use error::AgentError;
pub use files::AgentFiles;
pub use server::serve;
pub use wire::Status;

/// `[agent]` in config.toml, read by `config`.
pub use crate::config::AgentSettings;
