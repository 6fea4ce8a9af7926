//! Real OpenSSH `sshd` processes on loopback addresses, for tests, the
//! benchmarks and `azlin-sim --sshd`: the fleet, a delay proxy to put in
//! front of it, and the client files azlin and OpenSSH use to reach it.

mod client;
pub mod delay;
mod error;
pub mod fleet;
mod process;
mod setup;

pub use client::ClientFiles;
pub use delay::DelayProxy;
pub use error::SshdError;
pub use fleet::Fleet;
pub use setup::SshdSetup;
