//! The runtime API: `run(command, arguments)` gives a stream of output events
//! and an outcome, independent of how (or where) they are rendered.

pub mod events;
mod outcome;
mod request;

pub use events::{Align, Column, Event, Progress, Value};
pub use outcome::{EXIT_STOPPED, Failure, Outcome, Status, Stop};
pub use request::{Arguments, Format, Invocation, RunRequest};

use crate::azure::Session;
use crate::config::{Config, Paths};
use crate::plugin::bindings::types::{ParsedArg, ParsedArgs};
use crate::plugin::{
    self, Capability, Catalog, EpochTicker, Limits, Loaded, Loader, PluginError, Precompiled,
    RunContext,
};
use crate::ssh::Pool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Events buffered between a plugin and its reader before the plugin waits.
const EVENT_BUFFER: usize = 256;

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
}

/// A run in progress: its events, then its outcome.
#[derive(Debug)]
pub struct RunHandle {
    /// Output events in the order the plugin emitted them. Dropping the
    /// receiver stops the plugin at its next output call.
    pub events: mpsc::Receiver<Event>,
    /// Resolves when the run ends.
    pub outcome: JoinHandle<Outcome>,
}

/// Runs command plugins: one engine, linker and precompiled cache shared by
/// every run, one store per run.
pub struct Runtime {
    loader: Loader,
    catalog: Catalog,
    ticker: EpochTicker,
    loaded: Mutex<HashMap<String, Arc<Loaded>>>,
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
        let engine_error = |error: wasmtime::Error| RuntimeError::Engine(error.to_string());
        let engine = plugin::engine().map_err(engine_error)?;
        let linker = plugin::linker(&engine).map_err(engine_error)?;
        let precompiled = Precompiled::new(&engine, &paths.cache_dir);
        let ticker = EpochTicker::start(engine.clone()).map_err(RuntimeError::Ticker)?;
        Ok(Arc::new(Self {
            loader: Loader::new(engine, linker, precompiled, Limits::default()),
            catalog: Catalog::new(&paths.plugin_dir),
            ticker,
            loaded: Mutex::default(),
        }))
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
        let entry = self
            .catalog
            .find(name)
            .ok_or_else(|| LoadError::NotFound(name.into()))?;
        Ok(self.load_entry(&entry).await?)
    }

    /// Loads a catalog entry, reusing one loaded before with the same bytes.
    pub async fn load_entry(&self, entry: &plugin::Entry) -> Result<Arc<Loaded>, PluginError> {
        let bytes = entry.read()?;
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
        let (sender, events) = mpsc::channel(EVENT_BUFFER);
        let runtime = self.clone();
        let outcome = tokio::spawn(async move { runtime.execute(request, sender).await });
        RunHandle { events, outcome }
    }

    async fn execute(&self, request: RunRequest, events: mpsc::Sender<Event>) -> Outcome {
        let command = request.command.clone();
        let loaded = match self.load(&command).await {
            Ok(loaded) => loaded,
            Err(error) => {
                return Outcome {
                    command,
                    status: Status::NotLoaded(error.to_string()),
                    log: String::new(),
                };
            }
        };
        let args = parsed_args(request.arguments);
        let azure = Arc::new(Session::new(request.paths, request.config.clone()));
        if loaded.capabilities.iter().any(Capability::is_azure) {
            azure.prepare();
        }
        let ssh = loaded
            .capabilities
            .contains(&Capability::SshExec)
            .then(|| ssh_pool(&request.config));
        let context = Arc::new(RunContext {
            invocation: request.invocation,
            config: request.config,
            azure: Some(azure),
            ssh: ssh.clone(),
        });
        let _ticking = self.ticker.hold();
        let ended = plugin::run(&loaded.pre, &request.limits, context, &args, events).await;
        if let Some(Ok(pool)) = ssh {
            pool.close_all().await;
        }
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

/// A pool with the user's SSH settings, or why they cannot be used.
fn ssh_pool(config: &Config) -> Result<Arc<Pool>, String> {
    let home = dirs::home_dir().ok_or("cannot find the home directory (set HOME)")?;
    let settings = config.ssh(&home).map_err(|error| error.to_string())?;
    Ok(Arc::new(Pool::new(settings)))
}

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
