//! The `batch` resource: a fan-out of one command over many targets, its
//! results handed to the plugin as hosts finish. Dropping it cancels the rest.

use super::fleet::{Fleet, HeldOutput};
use crate::executor::{FanOut, workers};
use crate::memory::{Account, Reservation};
use crate::plugin::bindings::remote::{BatchResult, ExecOptions, HostBatch, Target};
use crate::plugin::bindings::types::Error;
use crate::plugin::interfaces::HostError;
use crate::plugin::interfaces::views::RemoteView;
use std::sync::Arc;
use wasmtime::component::Resource;

/// What a batch handle costs the host before any output: its fan-out's
/// tasks and bookkeeping.
const HANDLE_BYTES: u64 = 16 << 10;
/// And per target (its name, task and result slot).
const TARGET_BYTES: usize = 1 << 10;

/// A running fan-out, or the error its first `next` reports.
pub struct Batch {
    /// What the handle itself takes of the run's memory, while it lives.
    _held: Option<Reservation>,
    targets: Vec<Target>,
    /// Finished hosts' output stays counted in the run's memory until `next`
    /// hands it over.
    run: Result<FanOut<Result<HeldOutput, Error>>, Option<Error>>,
}

impl Batch {
    fn start(
        fleet: Result<Fleet, Error>,
        targets: Vec<Target>,
        command: String,
        options: ExecOptions,
        max_workers: Option<u32>,
        memory: &Arc<Account>,
    ) -> Self {
        let size = HANDLE_BYTES + (targets.len() * TARGET_BYTES + command.len()) as u64;
        let held = memory.reserve(size);
        let room = match held {
            Some(_) => Ok(()),
            None => Err(Error::Unavailable(format!(
                "no room for another batch within the run's memory limit ({} MiB); let earlier batches go first",
                memory.limit() >> 20
            ))),
        };
        let run = match (
            room.and_then(|()| check(&targets, &command, max_workers)),
            fleet,
        ) {
            (Err(error), _) | (_, Err(error)) => Err(Some(error)),
            (Ok(()), Ok(fleet)) => {
                let count = workers(targets.len(), max_workers.map(|n| n as usize));
                let task = move |target: Target| {
                    let (fleet, command, options) =
                        (fleet.clone(), command.clone(), options.clone());
                    async move { fleet.exec(&target, &command, &options).await }
                };
                Ok(FanOut::start(targets.clone(), count, task))
            }
        };
        Self {
            _held: held,
            targets,
            run,
        }
    }

    async fn next(&mut self) -> Result<Option<BatchResult>, Error> {
        let fanout = match &mut self.run {
            Ok(fanout) => fanout,
            Err(error) => return error.take().map_or(Ok(None), Err),
        };
        let Some((index, result)) = fanout.next().await else {
            return Ok(None);
        };
        let outcome = result
            .unwrap_or_else(|lost| Err(Error::Remote(lost.to_string())))
            .map(|(output, _held)| output);
        let target = self
            .targets
            .get(index)
            .cloned()
            .unwrap_or_else(|| Target::Address(String::new()));
        Ok(Some(BatchResult { target, outcome }))
    }

    fn pending(&self) -> u32 {
        match &self.run {
            Ok(fanout) => u32::try_from(fanout.pending()).unwrap_or(u32::MAX),
            Err(_) => 0,
        }
    }
}

fn check(targets: &[Target], command: &str, max_workers: Option<u32>) -> Result<(), Error> {
    if targets.is_empty() {
        return Err(Error::InvalidInput(
            "a batch needs at least one target".into(),
        ));
    }
    if command.trim().is_empty() {
        return Err(Error::InvalidInput("the command is empty".into()));
    }
    if max_workers == Some(0) {
        return Err(Error::InvalidInput("max-workers must be at least 1".into()));
    }
    Ok(())
}

impl HostBatch for RemoteView<'_> {
    async fn new(
        &mut self,
        targets: Vec<Target>,
        command: String,
        options: ExecOptions,
        max_workers: Option<u32>,
    ) -> wasmtime::Result<Resource<Batch>> {
        let fleet = self.fanout_in_scope(&targets).and_then(|()| self.fleet());
        let memory = self.memory.clone();
        let batch = Batch::start(fleet, targets, command, options, max_workers, &memory);
        Ok(self.table.push(batch)?)
    }

    async fn next(&mut self, batch: Resource<Batch>) -> Result<Option<BatchResult>, HostError> {
        Ok(self.table.get_mut(&batch)?.next().await?)
    }

    async fn pending(&mut self, batch: Resource<Batch>) -> wasmtime::Result<u32> {
        Ok(self.table.get(&batch)?.pending())
    }

    async fn drop(&mut self, batch: Resource<Batch>) -> wasmtime::Result<()> {
        self.table.delete(batch)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ExecOptions {
        ExecOptions {
            timeout_ms: None,
            user: None,
            stdin: None,
        }
    }

    #[tokio::test]
    async fn handles_kept_past_the_runs_memory_are_refused() {
        let memory = Account::new(HANDLE_BYTES * 3);
        let targets = vec![Target::Address("127.0.0.1".into())];
        let no_ssh = || Err(Error::Unavailable("no SSH here".into()));
        let start = || {
            Batch::start(
                no_ssh(),
                targets.clone(),
                "true".into(),
                options(),
                None,
                &memory,
            )
        };
        let mut kept: Vec<_> = (0..2).map(|_| start()).collect();
        let mut refused = start();
        let answer = refused.next().await;
        assert!(
            matches!(&answer, Err(Error::Unavailable(why)) if why.contains("no room for another batch")),
            "{answer:?}"
        );
        kept.clear();
        let mut again = Batch::start(no_ssh(), targets, "true".into(), options(), None, &memory);
        let answer = again.next().await;
        assert!(
            matches!(&answer, Err(Error::Unavailable(why)) if why == "no SSH here"),
            "room again once handles go: {answer:?}"
        );
    }
}
