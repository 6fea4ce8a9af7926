//! The data of one plugin run's store: locked-down WASI, limits, the busy
//! meter, and where the plugin's output goes.

use super::interfaces::refreshes::Refreshes;
use super::limits::{LimitExceeded, Limits, OutputBudget, StoreLimiter};
use super::local_paths::LocalPaths;
use super::log::LogPipe;
use super::meter::Meter;
use super::scope::Scope;
use crate::azure::Session;
use crate::config::{Config, ConfigError, Paths};
use crate::exchange::{Answer, Event, Format, Invocation, TerminalInput};
use crate::memory::Account;
use crate::ssh::Pool;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The reader of the run's events went away (the user closed the pipe or
/// cancelled); raised as a trap to end the run quietly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the output of the command was closed")]
pub struct OutputClosed;

/// What the plugin may learn about its run through `host-info`.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The plugin's own name, aliases resolved.
    pub plugin: String,
    pub invocation: Invocation,
    pub config: Arc<Config>,
    /// The user's directories and config file, as the client resolved them
    /// (the agent writes settings where the client would); `None` while
    /// describing.
    pub paths: Option<Paths>,
    /// Azure for this run; `None` while describing.
    pub azure: Option<Arc<Session>>,
    /// The SSH pool for this run, or why the SSH settings are unusable;
    /// `None` while describing and for plugins without `ssh-exec`.
    pub ssh: Option<Result<Arc<Pool>, Arc<ConfigError>>>,
    /// Resource groups and fan-out size the plugin's policy allows.
    pub scope: Scope,
    /// The local paths the user typed for this run: all a plugin may touch.
    pub local: LocalPaths,
}

impl RunContext {
    /// The context of a `describe` call: no user settings, table output.
    pub fn describing(command: &str) -> Self {
        Self {
            plugin: command.into(),
            invocation: Invocation {
                command: command.into(),
                format: Format::Table,
                interactive: false,
                can_ask: false,
                width: None,
                verbosity: 0,
                cwd: None,
            },
            config: Arc::default(),
            paths: None,
            azure: None,
            ssh: None,
            scope: Scope::default(),
            local: LocalPaths::default(),
        }
    }
}

/// The two directions of a run's conversation with whoever shows it.
#[derive(Debug)]
pub struct RunIo {
    /// Output events, in the order the plugin emits them.
    pub events: mpsc::Sender<Event>,
    /// Answers to the run's `Question` events, in order.
    pub answers: mpsc::Receiver<Answer>,
    /// The terminal's side of a `connect` session.
    pub terminal: mpsc::Receiver<TerminalInput>,
}

/// The shortest time between two redrawn snapshots.
pub const FRAME_GAP: Duration = Duration::from_millis(50);

/// Where a plugin's output events go, and the bookkeeping that checks them.
#[derive(Debug)]
pub struct OutputSink {
    io: Option<RunIo>,
    budget: OutputBudget,
    /// Bytes charged since the last snapshot ended, refunded when it does.
    frame_bytes: u64,
    /// Whether an ended snapshot is drawn over by the next (a table on a
    /// terminal): only then are its bytes refunded; elsewhere every snapshot
    /// stays in the output and counts.
    redrawn: bool,
    /// When the last snapshot ended, to pace redraws.
    last_frame: Option<Instant>,
    /// Columns of the table begun last.
    pub(crate) table_width: Option<usize>,
    /// Table and record names used so far in this snapshot of the run.
    pub(crate) names: HashSet<String>,
}

impl OutputSink {
    /// Sends `event`, charging it to the budget. A trap when over budget or closed.
    pub async fn send(&mut self, event: Event) -> wasmtime::Result<()> {
        let weight = event.weight();
        self.budget.charge(weight)?;
        self.frame_bytes += weight as u64;
        match &self.io {
            Some(io) => io.events.send(event).await.map_err(|_| OutputClosed.into()),
            None => Ok(()),
        }
    }

    /// Ends a snapshot: its names may be used again and, when the next one
    /// is drawn over it, its bytes no longer count against the output limit.
    /// Redrawn snapshots are paced to one per [`FRAME_GAP`]: the plugin
    /// waits (which costs it no CPU time) rather than make the host redraw
    /// without pause.
    pub async fn end_frame(&mut self) -> wasmtime::Result<()> {
        self.send(Event::Frame).await?;
        let frame_bytes = std::mem::take(&mut self.frame_bytes);
        if self.redrawn {
            if let Some(last) = self.last_frame {
                tokio::time::sleep_until((last + FRAME_GAP).into()).await;
            }
            self.last_frame = Some(Instant::now());
            self.budget.refund(frame_bytes);
        }
        self.names.clear();
        self.table_width = None;
        Ok(())
    }

    /// The run's terminal channels, for a session that bypasses the
    /// budget; `None` when nobody shows the run (describe).
    pub fn terminal(
        &mut self,
    ) -> Option<(&mpsc::Sender<Event>, &mut mpsc::Receiver<TerminalInput>)> {
        self.io.as_mut().map(|io| (&io.events, &mut io.terminal))
    }

    /// Puts `question` (an [`Event::Question`] or [`Event::Choice`]) to
    /// whoever shows the run; `None` if nobody answers.
    pub async fn ask(&mut self, question: Event) -> wasmtime::Result<Option<Answer>> {
        self.send(question).await?;
        Ok(match &mut self.io {
            Some(io) => io.answers.recv().await,
            None => None,
        })
    }
}

/// Store data of one run.
pub struct HostState {
    wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limiter: StoreLimiter,
    /// The run's memory, the plugin's and what the host holds for it.
    pub(crate) memory: Arc<Account>,
    /// The run's busy time, shared with whatever polls it.
    pub(crate) meter: Arc<Meter>,
    /// When the run's wall-clock limit ends it.
    pub(crate) deadline: Instant,
    /// The run's re-reads of Azure so far, to coalesce and bound them.
    pub(crate) refreshes: Refreshes,
    pub(crate) output: OutputSink,
    pub(crate) context: Arc<RunContext>,
    pub(crate) stdout: LogPipe,
    pub(crate) stderr: LogPipe,
}

impl HostState {
    /// State for one run; `io` is `None` when output is not wanted (describe).
    pub fn new(limits: &Limits, context: Arc<RunContext>, io: Option<RunIo>) -> Self {
        let budget = OutputBudget::new(limits.output_bytes);
        let memory = Account::new(limits.memory_bytes as u64);
        let stdout = LogPipe::new(budget.clone());
        let stderr = LogPipe::new(budget.clone());
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        Self {
            wasi,
            table: ResourceTable::new(),
            limiter: StoreLimiter::new(memory.clone()),
            memory,
            meter: Arc::default(),
            deadline: Instant::now() + limits.wall_time,
            refreshes: Refreshes::default(),
            output: OutputSink {
                io,
                budget,
                frame_bytes: 0,
                redrawn: context.invocation.interactive
                    && context.invocation.format == Format::Table,
                last_frame: None,
                table_width: None,
                names: HashSet::new(),
            },
            context,
            stdout,
            stderr,
        }
    }

    /// What the plugin wrote to stdout and stderr, for the command's log.
    pub fn log(&self) -> String {
        let (stdout, stderr) = (self.stdout.contents(), self.stderr.contents());
        match (stdout.is_empty(), stderr.is_empty()) {
            (true, _) => stderr,
            (false, true) => stdout,
            (false, false) => format!("{stdout}{stderr}"),
        }
    }

    /// Captured stderr alone (where a Rust guest's panic message goes).
    pub fn stderr(&self) -> String {
        self.stderr.contents()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Checks that a limit error is one of ours, for classifying traps.
pub fn limit_of(error: &wasmtime::Error) -> Option<LimitExceeded> {
    error.downcast_ref::<LimitExceeded>().cloned().or_else(|| {
        error
            .chain()
            .find_map(|cause| cause.downcast_ref::<LimitExceeded>().cloned())
    })
}
