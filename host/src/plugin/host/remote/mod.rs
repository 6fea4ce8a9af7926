//! `azlin:host/remote`: commands on VMs over the run's SSH pool. Targets are
//! resolved to addresses here; plugins never see keys or connections.

mod batch;
mod fleet;

pub use batch::Batch;

use crate::plugin::bindings::remote::{ExecOptions, ExecOutput, Host, Target};
use crate::plugin::bindings::types::Error;
use crate::plugin::state::HostState;
use fleet::Fleet;

impl Host for HostState {
    async fn exec(
        &mut self,
        target: Target,
        command: String,
        options: ExecOptions,
    ) -> wasmtime::Result<Result<ExecOutput, Error>> {
        let fleet = match self.fleet() {
            Ok(fleet) => fleet,
            Err(error) => return Ok(Err(error)),
        };
        if command.trim().is_empty() {
            return Ok(Err(Error::InvalidInput("the command is empty".into())));
        }
        Ok(fleet.exec(&target, &command, &options).await)
    }
}

impl HostState {
    /// This run's SSH pool and Azure session, as the remote interface uses them.
    fn fleet(&self) -> Result<Fleet, Error> {
        match (&self.context.ssh, &self.context.azure) {
            (Some(Ok(pool)), azure) => Ok(Fleet::new(pool.clone(), azure.clone())),
            (Some(Err(why)), _) => Err(Error::InvalidInput(why.clone())),
            (None, _) => Err(Error::Unavailable(
                "SSH is not available while a plugin describes itself".into(),
            )),
        }
    }
}
