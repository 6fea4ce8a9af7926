//! From a plugin's target to a finished exec: find the VM's address, run
//! the command over the pool, turn SSH failures into WIT errors.

use super::super::azure_errors::to_wit;
use super::super::vms::inventory;
use crate::azure::Session;
use crate::azure::models::PowerState;
use crate::memory::{Account, Reservation};
use crate::plugin::bindings::remote::{ExecOptions, ExecOutput, Target};
use crate::plugin::bindings::types::Error;
use crate::ssh::{Destination, ErrorKind, ExecRequest, Pool, SshError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Per-host time limit when the plugin gives none (existing azlin's batch default).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The pool and the Azure session of one run; cheap to clone into tasks.
#[derive(Clone)]
pub struct Fleet {
    pool: Arc<Pool>,
    azure: Option<Arc<Session>>,
    /// When the run's wall-clock limit ends it: no command is given longer.
    deadline: Instant,
    /// The run's memory, which output is held in until the plugin takes it.
    memory: Arc<Account>,
}

/// A finished command's output, and the run memory it holds until handed over.
pub type HeldOutput = (ExecOutput, Option<Reservation>);

impl Fleet {
    pub fn new(
        pool: Arc<Pool>,
        azure: Option<Arc<Session>>,
        deadline: Instant,
        memory: Arc<Account>,
    ) -> Self {
        Self {
            pool,
            azure,
            deadline,
            memory,
        }
    }

    /// The same fleet reached through another pool (another login key).
    pub fn with_pool(self, pool: Arc<Pool>) -> Self {
        Self { pool, ..self }
    }

    /// The pool this fleet connects through.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Runs `command` on `target` and waits for it.
    pub async fn exec(
        &self,
        target: &Target,
        command: &str,
        options: &ExecOptions,
    ) -> Result<HeldOutput, Error> {
        let destination = self.destination(target, options.user.as_deref()).await?;
        let request = ExecRequest {
            command: command.to_string(),
            stdin: options.stdin.clone(),
            timeout: self.bounded(
                options
                    .timeout_ms
                    .map_or(DEFAULT_TIMEOUT, |ms| Duration::from_millis(u64::from(ms))),
            ),
            memory: Some(self.memory.clone()),
        };
        let output = self
            .pool
            .exec(&destination, &request)
            .await
            .map_err(to_error)?;
        let exec = ExecOutput {
            exit_code: output.exit_code,
            stdout: output.stdout,
            stderr: output.stderr,
            duration_ms: u32::try_from(output.duration.as_millis()).unwrap_or(u32::MAX),
            reused_connection: output.reused,
        };
        Ok((exec, output.held))
    }

    /// One SSH round trip to `target` on its pooled connection, in microseconds.
    pub async fn round_trip(&self, target: &Target, timeout: Duration) -> Result<u32, Error> {
        let destination = self.destination(target, None).await?;
        let took = self
            .pool
            .round_trip(&destination, self.bounded(timeout))
            .await
            .map_err(to_error)?;
        Ok(u32::try_from(took.as_micros()).unwrap_or(u32::MAX))
    }

    /// `timeout`, or what is left of the run if that is less.
    fn bounded(&self, timeout: Duration) -> Duration {
        timeout.min(self.deadline.saturating_duration_since(Instant::now()))
    }

    /// Where `target` is reached: the address typed, or the VM's public IP,
    /// else its private one.
    pub async fn destination(
        &self,
        target: &Target,
        user: Option<&str>,
    ) -> Result<Destination, Error> {
        let address = match target {
            Target::Address(address) => address.clone(),
            Target::Vm(vm) => {
                let inventory = inventory(self.azure.clone()).await.map_err(to_wit)?;
                let record = inventory
                    .find(&vm.resource_group, &vm.name)
                    .await
                    .map_err(to_wit)?
                    .ok_or_else(|| {
                        Error::NotFound(format!(
                            "no VM '{}' in resource group '{}'",
                            vm.name, vm.resource_group
                        ))
                    })?;
                if record.power_state != PowerState::Running {
                    return Err(Error::Unavailable(format!(
                        "VM '{}' is not running; start it with `azlin start {}`",
                        record.name, record.name
                    )));
                }
                record.public_ip.or(record.private_ip).ok_or_else(|| {
                    Error::Unavailable(format!("VM '{}' has no IP address", record.name))
                })?
            }
        };
        Ok(self.pool.destination(&address, user))
    }
}

/// The plugin-facing error for an SSH failure; the message names the host
/// and the fix.
pub fn to_error(error: SshError) -> Error {
    let message = error.to_string();
    match error.kind() {
        ErrorKind::Unavailable => Error::Unavailable(message),
        ErrorKind::AccessDenied => Error::AccessDenied(message),
        ErrorKind::Timeout => Error::Timeout(message),
        ErrorKind::Other => Error::Remote(message),
    }
}
