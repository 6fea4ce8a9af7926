//! The wasmtime engine azlin runs plugins on, and the epoch ticker that lets
//! a run's CPU limit interrupt a plugin that never calls the host.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::thread::Thread;
use std::time::Duration;
use wasmtime::Engine;

/// Interval between epoch ticks: the resolution of the CPU limit.
pub const TICK: Duration = Duration::from_millis(10);

/// An engine for async host calls with epoch interruption.
pub fn engine() -> wasmtime::Result<Engine> {
    Engine::new(&super::engine_config::engine_config())
}

/// Advances an engine's epoch every [`TICK`] while at least one run holds it.
#[derive(Debug)]
pub struct EpochTicker {
    active: Arc<AtomicUsize>,
    thread: Thread,
}

/// Keeps the ticker running while alive.
#[derive(Debug)]
pub struct TickGuard {
    active: Arc<AtomicUsize>,
}

impl EpochTicker {
    /// Starts the ticker thread; it sleeps while no run holds it, and exits
    /// when the ticker is dropped.
    pub fn start(engine: Engine) -> std::io::Result<Self> {
        let active = Arc::new(AtomicUsize::new(0));
        let watched: Weak<AtomicUsize> = Arc::downgrade(&active);
        let handle = std::thread::Builder::new()
            .name("azlin-epoch".into())
            .spawn(move || {
                while let Some(active) = watched.upgrade() {
                    let idle = active.load(Ordering::Acquire) == 0;
                    drop(active);
                    if idle {
                        std::thread::park();
                    } else {
                        std::thread::sleep(TICK);
                        engine.increment_epoch();
                    }
                }
            })?;
        Ok(Self {
            active,
            thread: handle.thread().clone(),
        })
    }

    /// Keeps the epoch advancing until the guard is dropped.
    pub fn hold(&self) -> TickGuard {
        self.active.fetch_add(1, Ordering::AcqRel);
        self.thread.unpark();
        TickGuard {
            active: self.active.clone(),
        }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.thread.unpark();
    }
}

impl Drop for TickGuard {
    fn drop(&mut self) {
        self.active.fetch_sub(1, Ordering::AcqRel);
    }
}
