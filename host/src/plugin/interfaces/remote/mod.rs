//! `azlin:host/remote`: commands on VMs over the run's SSH pool. Targets are
//! resolved to addresses here; plugins never see keys or connections.

mod batch;
mod fleet;

pub use batch::Batch;
pub(crate) use fleet::{Fleet, to_error as ssh_error};

use crate::executor::{FanOut, workers};
use crate::plugin::bindings::remote::{ExecOptions, ExecOutput, Host, Target};
use crate::plugin::bindings::types::Error;
use crate::plugin::interfaces::HostError;
use crate::plugin::interfaces::views::RemoteView;
use std::time::Duration;

/// Per-target limit of a round trip when the plugin gives none.
const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(10);

impl Host for RemoteView<'_> {
    async fn exec(
        &mut self,
        target: Target,
        command: String,
        options: ExecOptions,
    ) -> Result<ExecOutput, HostError> {
        let fleet = self.fleet()?;
        if command.trim().is_empty() {
            return Err(Error::InvalidInput("the command is empty".into()).into());
        }
        self.target_in_scope(&target)?;
        Ok(fleet
            .exec(&target, &command, &options)
            .await
            .map(|(output, _held)| output)?)
    }

    async fn round_trips(
        &mut self,
        targets: Vec<Target>,
        timeout_ms: Option<u32>,
    ) -> wasmtime::Result<Vec<Result<u32, Error>>> {
        let fleet = self.fanout_in_scope(&targets).and_then(|()| self.fleet());
        let fleet = match fleet {
            Ok(fleet) => fleet,
            Err(error) => return Ok(vec![Err(error); targets.len()]),
        };
        let timeout = timeout_ms.map_or(ROUND_TRIP_TIMEOUT, |ms| {
            Duration::from_millis(u64::from(ms))
        });
        let mut answers = vec![Err(Error::Unavailable("not measured".into())); targets.len()];
        let count = workers(targets.len(), None);
        let task = move |target: Target| {
            let fleet = fleet.clone();
            async move { fleet.round_trip(&target, timeout).await }
        };
        let mut fanout = FanOut::start(targets, count, task);
        while let Some((index, result)) = fanout.next().await {
            answers[index] = result.unwrap_or_else(|lost| Err(Error::Remote(lost.to_string())));
        }
        Ok(answers)
    }
}

impl RemoteView<'_> {
    /// Whether the plugin's scope lets it reach `target`. Under a
    /// resource-group scope only VMs named by group can be checked, so a bare
    /// address is refused.
    pub(crate) fn target_in_scope(&self, target: &Target) -> Result<(), Error> {
        let scope = &self.context.scope;
        match target {
            Target::Vm(vm) => scope
                .check_group(&vm.resource_group)
                .map_err(Error::AccessDenied),
            Target::Address(address) => match &scope.resource_groups {
                Some(groups) => Err(Error::AccessDenied(format!(
                    "address {address} cannot be checked against this plugin's resource-group scope ({}); name the VM instead",
                    groups.at
                ))),
                None => Ok(()),
            },
        }
    }

    /// Whether the plugin's scope allows a fan-out over `targets`.
    fn fanout_in_scope(&self, targets: &[Target]) -> Result<(), Error> {
        self.context
            .scope
            .check_hosts(targets.len())
            .map_err(Error::AccessDenied)?;
        targets
            .iter()
            .try_for_each(|target| self.target_in_scope(target))
    }

    /// This run's SSH pool and Azure session, as the remote interface uses them.
    pub(crate) fn fleet(&self) -> Result<Fleet, Error> {
        match (&self.context.ssh, &self.context.azure) {
            (Some(Ok(pool)), azure) => Ok(Fleet::new(
                pool.clone(),
                azure.clone(),
                self.deadline,
                self.memory.clone(),
            )),
            (Some(Err(why)), _) => Err(Error::InvalidInput(why.to_string())),
            (None, _) => Err(Error::Unavailable(
                "SSH is not available while a plugin describes itself".into(),
            )),
        }
    }
}
