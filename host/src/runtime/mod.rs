//! The runtime API: `run(command, arguments)` gives a stream of output events
//! and an outcome, independent of how (or where) they are rendered.

mod cache_report;
mod protected;
mod request;
mod shared;

pub use crate::exchange::{
    Align, Answer, Column, EXIT_INTERRUPTED, EXIT_STOPPED, Event, Failure, Format, Invocation,
    Outcome, Progress, Status, Stop, TerminalInput, TerminalOutput, Value, WindowSize, events,
};
pub use cache_report::cache_report;
pub use request::{Arguments, RunRequest};
pub use shared::{Shared, SharedStats};

use crate::azure::Session;
use crate::config::Paths;
use crate::plugin::bindings::types::{ParsedArg, ParsedArgs};
use crate::plugin::local_paths::LocalPaths;
use crate::plugin::{
    self, Capability, Catalog, EpochTicker, Limits, Loaded, Loader, PluginError, Precompiled,
    RunContext,
};
use crate::policy::{Grant, Vetting};
use crate::ssh::Pool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

/// Events buffered between a plugin and its reader before the plugin waits.
const EVENT_BUFFER: usize = 256;
/// Keystrokes and resizes buffered on their way to a terminal session.
const TERMINAL_BUFFER: usize = 64;

/// Why the runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("cannot set up the WebAssembly engine: {0}")]
    Engine(String),
    #[error("cannot start the epoch ticker thread: {0}")]
    Ticker(std::io::Error),
}

/// Why a command could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("unknown command '{0}'")]
    NotFound(String),
    #[error(transparent)]
    Plugin(#[from] PluginError),
    #[error(transparent)]
    Refused(#[from] crate::policy::VettingError),
}

/// A plugin policy admitted, loaded, with what it was granted.
pub type Admission = (Arc<Loaded>, Grant);

/// A run in progress: its events, then its outcome.
#[derive(Debug)]
pub struct RunHandle {
    /// Output events in the order the plugin emitted them. Dropping the
    /// receiver stops the plugin at its next output call.
    pub events: mpsc::Receiver<Event>,
    /// Answers to the run's `Event::Question`s and `Event::Choice`s, one per
    /// question, in order.
    pub answers: mpsc::Sender<Answer>,
    /// The terminal's side of an `Event::Terminal` session.
    pub terminal: mpsc::Sender<TerminalInput>,
    /// Resolves when the run ends.
    pub outcome: JoinHandle<Outcome>,
    cancel: Arc<Notify>,
}

impl RunHandle {
    /// A run whose events, answers, outcome and cancellation travel some
    /// other way (the agent's socket).
    pub fn from_parts(
        events: mpsc::Receiver<Event>,
        answers: mpsc::Sender<Answer>,
        terminal: mpsc::Sender<TerminalInput>,
        outcome: JoinHandle<Outcome>,
        cancel: Arc<Notify>,
    ) -> Self {
        Self {
            events,
            answers,
            terminal,
            outcome,
            cancel,
        }
    }

    /// Stops the run (Ctrl-C): the plugin is dropped, its SSH connections
    /// are closed, and the outcome says it was interrupted.
    pub fn cancel(&self) {
        self.cancel.notify_one();
    }
}

/// Runs command plugins: one engine, linker and precompiled cache shared by
/// every run, one store per run.
pub struct Runtime {
    loader: Loader,
    catalog: Catalog,
    ticker: EpochTicker,
    loaded: Mutex<HashMap<String, Arc<Loaded>>>,
    vetting: Vetting,
    /// Kept between runs when the runtime serves many (the agent).
    shared: Option<Shared>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("catalog", &self.catalog)
            .finish()
    }
}

impl Runtime {
    /// A runtime for the user at `paths`: plugins from its plugin directory,
    /// precompiled components under its cache directory.
    pub fn new(paths: &Paths) -> Result<Arc<Self>, RuntimeError> {
        Self::build(paths, None).map(Arc::new)
    }

    /// A runtime that keeps SSH connections, Azure clients and caches from
    /// one run to the next (the agent's).
    pub fn shared(paths: &Paths) -> Result<Arc<Self>, RuntimeError> {
        Self::build(paths, Some(Shared::default())).map(Arc::new)
    }

    fn build(paths: &Paths, shared: Option<Shared>) -> Result<Self, RuntimeError> {
        let engine_error = |error: wasmtime::Error| RuntimeError::Engine(error.to_string());
        let engine = plugin::engine().map_err(engine_error)?;
        let linker = plugin::linker(&engine).map_err(engine_error)?;
        let precompiled = Precompiled::new(&engine, paths);
        let ticker = EpochTicker::start(engine.clone()).map_err(RuntimeError::Ticker)?;
        Ok(Self {
            loader: Loader::new(engine, linker, precompiled, Limits::default()),
            catalog: Catalog::new(&paths.plugin_dir),
            ticker,
            loaded: Mutex::default(),
            vetting: Vetting::new(paths),
            shared,
        })
    }

    /// The Azure clients and caches a shared runtime keeps.
    pub fn shared_azure(&self) -> Option<Arc<crate::azure::SharedAzure>> {
        self.shared.as_ref().map(|shared| shared.azure.clone())
    }

    /// What a shared runtime holds now; `None` for one that keeps nothing.
    pub fn shared_stats(&self) -> Option<SharedStats> {
        self.shared.as_ref().map(Shared::stats)
    }

    /// The plugins this runtime can find.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The precompiled-component cache, with its compile and hit counts.
    pub fn precompiled(&self) -> &Precompiled {
        &self.loader.precompiled
    }

    /// Loads the plugin for command `name`, reusing one loaded before.
    pub async fn load(&self, name: &str) -> Result<Arc<Loaded>, LoadError> {
        Ok(self.admit_named(name).await?.0)
    }

    /// Admits the plugin for command `name` (see [`Runtime::admit`]).
    pub async fn admit_named(&self, name: &str) -> Result<Admission, LoadError> {
        let entry = self
            .catalog
            .find(name)
            .ok_or_else(|| LoadError::NotFound(name.into()))?;
        self.admit(&entry).await
    }

    /// The files that decide which plugins may run.
    pub fn vetting(&self) -> &Vetting {
        &self.vetting
    }

    /// Loads a catalog entry that vetting admits, reusing one loaded before
    /// with the same bytes.
    pub async fn load_entry(&self, entry: &plugin::Entry) -> Result<Arc<Loaded>, LoadError> {
        Ok(self.admit(entry).await?.0)
    }

    /// Vets a catalog entry, loads it, and grants what its imports need: the
    /// bytes are checked before they are compiled, the imports after.
    pub async fn admit(&self, entry: &plugin::Entry) -> Result<Admission, LoadError> {
        let bytes = entry.read()?;
        let admitted = self.vetting.admit(entry, &bytes)?;
        let loaded = self.compile(entry, bytes).await?;
        let grant = admitted.grant(&loaded.capabilities)?;
        tracing::debug!("admitted plugin '{}'", entry.name);
        Ok((loaded, grant))
    }

    /// Loads bytes for review before they are approved (`plugin install`,
    /// `inspect`): not kept, and not held to the file's name.
    pub async fn review(
        &self,
        entry: &plugin::Entry,
        bytes: plugin::Bytes,
    ) -> Result<Loaded, PluginError> {
        let _ticking = self.ticker.hold();
        self.loader.load(entry, bytes).await
    }

    /// Loads vetted bytes, reusing a plugin loaded before with the same digest.
    async fn compile(
        &self,
        entry: &plugin::Entry,
        bytes: plugin::Bytes,
    ) -> Result<Arc<Loaded>, PluginError> {
        let known = self
            .loaded
            .lock()
            .expect("loaded lock")
            .get(&bytes.sha256)
            .cloned();
        if let Some(loaded) = known {
            loaded.check_name(entry)?;
            return Ok(loaded);
        }
        let sha256 = bytes.sha256.clone();
        let _ticking = self.ticker.hold();
        let loaded = Arc::new(self.loader.load(entry, bytes).await?);
        // Checked before keeping it: the map is keyed by digest, so only a
        // plugin found under its own name may stand there.
        loaded.check_name(entry)?;
        self.loaded
            .lock()
            .expect("loaded lock")
            .insert(sha256, loaded.clone());
        Ok(loaded)
    }

    /// Starts a run; see [`RunHandle`].
    pub fn run(self: &Arc<Self>, request: RunRequest) -> RunHandle {
        self.run_admitted(request, None)
    }

    /// Starts a run of a plugin the caller already admitted (parsing its
    /// command line), so it is not read, hashed and vetted again; an
    /// admission of another command is ignored.
    pub fn run_admitted(
        self: &Arc<Self>,
        request: RunRequest,
        admitted: Option<Admission>,
    ) -> RunHandle {
        let (sender, events) = mpsc::channel(EVENT_BUFFER);
        let (answers, answered) = mpsc::channel(1);
        let (terminal, typed) = mpsc::channel(TERMINAL_BUFFER);
        let closing = sender.clone();
        let io = plugin::RunIo {
            events: sender,
            answers: answered,
            terminal: typed,
        };
        let cancel = Arc::new(Notify::new());
        let runtime = self.clone();
        let cancelled = cancel.clone();
        let outcome = tokio::spawn(async move {
            let outcome = runtime.execute(request, admitted, io, &cancelled).await;
            if outcome.status != Status::Success {
                // Nobody may be rendering any more (a closed pipe): nothing to tell.
                let _ = closing.send(Event::Failed).await;
            }
            outcome
        });
        RunHandle {
            events,
            answers,
            terminal,
            outcome,
            cancel,
        }
    }

    /// Runs the request and adds what it measured to the performance counters.
    async fn execute(
        &self,
        request: RunRequest,
        admitted: Option<Admission>,
        io: plugin::RunIo,
        cancel: &Notify,
    ) -> Outcome {
        let started = std::time::Instant::now();
        let cache_dir = request.paths.cache_dir.clone();
        let outcome = self.execute_measured(request, admitted, io, cancel).await;
        crate::perf::time(
            &format!("command {}", outcome.command),
            started.elapsed(),
            matches!(outcome.status, Status::Success),
        );
        let _ = tokio::task::spawn_blocking(move || crate::perf::flush(&cache_dir)).await;
        outcome
    }

    async fn execute_measured(
        &self,
        mut request: RunRequest,
        admitted: Option<Admission>,
        io: plugin::RunIo,
        cancel: &Notify,
    ) -> Outcome {
        let command = request.command.clone();
        let admitted = match admitted.filter(|(loaded, _)| loaded.name == command) {
            Some(admitted) => Ok(admitted),
            None => match self.catalog.find(&command) {
                Some(entry) => self.admit(&entry).await,
                None => Err(LoadError::NotFound(command.clone())),
            },
        };
        let (loaded, grant) = match admitted {
            Ok(admitted) => admitted,
            Err(error) => {
                return Outcome {
                    command,
                    status: Status::NotLoaded(error.to_string()),
                    log: String::new(),
                };
            }
        };
        let local = LocalPaths::new(
            std::mem::take(&mut request.arguments.typed),
            request.invocation.cwd.clone(),
            protected::protected(&request.paths, &request.config),
        );
        let args = parsed_args(request.arguments);
        let paths = request.paths.clone();
        let azure = Arc::new(match &self.shared {
            Some(shared) => Session::sharing(
                request.paths,
                request.config.clone(),
                request.scope,
                shared.azure.clone(),
            ),
            None => Session::new(request.paths, request.config.clone(), request.scope),
        });
        if loaded.capabilities.iter().any(Capability::uses_api_cache) {
            azure.prepare();
        }
        let ssh = loaded
            .capabilities
            .iter()
            .any(Capability::uses_ssh)
            .then(|| match &self.shared {
                Some(shared) => shared.pool(&request.config),
                None => request
                    .config
                    .ssh_for_user()
                    .map(|settings| Arc::new(Pool::new(settings)))
                    .map_err(Arc::new),
            });
        let context = Arc::new(RunContext {
            plugin: loaded.name.clone(),
            invocation: request.invocation,
            config: request.config,
            paths: Some(paths),
            azure: Some(azure),
            ssh: ssh.clone(),
            scope: grant.scope.clone(),
            local,
        });
        let limits = grant.cap(request.limits);
        let _ticking = self.ticker.hold();
        let ended = tokio::select! {
            ended = plugin::run(&loaded.pre, &limits, context, &args, io) => Some(ended),
            () = cancel.notified() => None,
        };
        // A shared runtime keeps its connections for the next run.
        if let (Some(Ok(pool)), None) = (ssh, &self.shared) {
            pool.close_all().await;
        }
        let Some(ended) = ended else {
            return Outcome {
                command,
                status: Status::Stopped(Stop::Interrupted),
                log: String::new(),
            };
        };
        let status = match ended.result {
            Ok(Ok(())) => Status::Success,
            Ok(Err(failure)) => Status::Failed(failure),
            Err(stop) => Status::Stopped(stop),
        };
        Outcome {
            command,
            status,
            log: ended.log,
        }
    }
}

/// The user's SSH settings, or why they cannot be used.
fn parsed_args(arguments: Arguments) -> ParsedArgs {
    ParsedArgs {
        subcommand: arguments.subcommand,
        args: arguments
            .values
            .into_iter()
            .map(|(name, values)| ParsedArg { name, values })
            .collect(),
    }
}
