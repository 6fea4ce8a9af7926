//! One call into a plugin: a fresh store with its limits, the call, and what
//! a trap means for the user.

use super::bindings::CommandPre;
use super::bindings::types::{CommandInfo, ParsedArgs};
use super::limits::{LimitExceeded, Limits};
use super::meter::Meter;
use super::state::{HostState, OutputClosed, RunContext, RunIo, limit_of};
use crate::exchange::{Failure, Stop};
use std::future::Future;
use std::sync::Arc;
use wasmtime::{CallHook, Store, UpdateDeadline};

/// What a finished call left: its result and the plugin's log.
#[derive(Debug)]
pub struct Ended<T> {
    pub result: Result<T, Stop>,
    pub log: String,
}

/// Calls `describe` on a fresh instance.
pub async fn describe(
    pre: &CommandPre<HostState>,
    limits: &Limits,
    context: Arc<RunContext>,
) -> Ended<CommandInfo> {
    let mut store = new_store(pre.engine(), HostState::new(limits, context, None), limits);
    let meter = store.data().meter.clone();
    let call = async {
        let command = pre.instantiate_async(&mut store).await?;
        command.call_describe(&mut store).await
    };
    let result = within(limits, &meter, call).await;
    finish(store, result)
}

/// Calls `run` on a fresh instance, its output and questions going through `io`.
pub async fn run(
    pre: &CommandPre<HostState>,
    limits: &Limits,
    context: Arc<RunContext>,
    args: &ParsedArgs,
    io: RunIo,
) -> Ended<Result<(), Failure>> {
    let mut store = new_store(
        pre.engine(),
        HostState::new(limits, context, Some(io)),
        limits,
    );
    let meter = store.data().meter.clone();
    let call = async {
        let command = pre.instantiate_async(&mut store).await?;
        command.call_run(&mut store, args).await
    };
    let result = within(limits, &meter, call).await;
    let ended = finish(store, result);
    Ended {
        result: ended.result.map(|returned| {
            returned.map_err(|failure| Failure {
                message: failure.message,
                hint: failure.hint,
                exit_code: failure.exit_code,
            })
        }),
        log: ended.log,
    }
}

/// Runs `call` with its busy time measured, stopped past the wall-clock limit.
async fn within<T>(
    limits: &Limits,
    meter: &Meter,
    call: impl Future<Output = wasmtime::Result<T>>,
) -> wasmtime::Result<T> {
    let limit = limits.wall_time;
    tokio::time::timeout(limit, meter.measure(call))
        .await
        .unwrap_or_else(|_| Err(LimitExceeded::Wall { limit }.into()))
}

/// A store for one call. The CPU limit is checked at each epoch tick while
/// the plugin runs and whenever it calls the host, against the run's busy
/// time, so a plugin that spends its time in host calls is stopped too.
fn new_store(engine: &wasmtime::Engine, state: HostState, limits: &Limits) -> Store<HostState> {
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    let cpu = limits.cpu_time;
    let over = move |meter: &Meter| -> wasmtime::Result<()> {
        if meter.spent() > cpu {
            return Err(LimitExceeded::Cpu { limit: cpu }.into());
        }
        Ok(())
    };
    store.call_hook(move |store, hook| match hook {
        CallHook::CallingHost => over(&store.data().meter),
        _ => Ok(()),
    });
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |store| {
        over(&store.data().meter)?;
        Ok(UpdateDeadline::Yield(1))
    });
    store
}

fn finish<T>(store: Store<HostState>, result: wasmtime::Result<T>) -> Ended<T> {
    let state = store.into_data();
    let log = state.log();
    let result = result.map_err(|error| {
        tracing::debug!("plugin stopped: {error:?}");
        classify(&error, &state.stderr())
    });
    Ended { result, log }
}

/// Turns a trap into the reason the user is shown.
fn classify(error: &wasmtime::Error, stderr: &str) -> Stop {
    if let Some(limit) = limit_of(error) {
        return Stop::Limit(limit.to_string());
    }
    if error.downcast_ref::<OutputClosed>().is_some() {
        return Stop::OutputClosed;
    }
    if let Some(message) = panic_message(stderr) {
        return Stop::Panic(message);
    }
    match error.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => Stop::Trap(trap.to_string()),
        None => Stop::Trap(error.root_cause().to_string()),
    }
}

/// The message and location of a Rust panic, from the standard library's
/// report on stderr: `thread '…' panicked at FILE:LINE:COL:\nMESSAGE\nnote: …`.
fn panic_message(stderr: &str) -> Option<String> {
    let start = stderr.rfind("panicked at ")? + "panicked at ".len();
    let (location, rest) = stderr[start..].split_once(":\n")?;
    let message: Vec<&str> = rest
        .lines()
        .take_while(|line| !line.starts_with("note: "))
        .collect();
    Some(format!("{} (at {location})", message.join("\n").trim()))
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn panic_message_reads_the_standard_library_report() {
        let stderr = "\nthread '<unnamed>' panicked at src/lib.rs:14:9:\nboom\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            panic_message(stderr).as_deref(),
            Some("boom (at src/lib.rs:14:9)")
        );
    }

    #[test]
    fn panic_message_is_none_without_a_panic() {
        assert_eq!(panic_message("just logging\n"), None);
    }
}
