//! The two ways a user's command reaches the plugin runtime: in azlin's own
//! process, or through the background agent that keeps plugins loaded. A
//! security test runs each attempt both ways.

use crate::{Env, Run};
use std::cell::RefCell;

/// Where a test's runs go.
#[derive(Debug)]
pub enum Via {
    /// In the `azlin` process itself (`AZLIN_NO_AGENT=1`).
    InProcess,
    /// Through an agent in a runtime directory of the test's own, stopped
    /// (with the environment of the last run sent to it) when this is dropped.
    Agent {
        runtime: tempfile::TempDir,
        stop: Box<RefCell<Option<Run>>>,
    },
}

impl Via {
    /// In-process, then through a fresh agent.
    pub fn both() -> [Via; 2] {
        [Via::InProcess, Via::agent()]
    }

    /// Through a fresh agent of the test's own.
    pub fn agent() -> Via {
        Via::Agent {
            runtime: tempfile::tempdir().expect("a runtime dir"),
            stop: Box::new(RefCell::new(None)),
        }
    }

    /// `run`, sent this way.
    pub fn run(&self, run: Run) -> Run {
        match self {
            Via::InProcess => run,
            Via::Agent { runtime, stop } => {
                let run = run.through_agent(runtime.path());
                *stop.borrow_mut() = Some(run.again(["agent", "stop"]));
                run
            }
        }
    }

    /// `azlin args` as `env`'s user, sent this way.
    pub fn azlin<I, S>(&self, env: &Env, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.run(env.azlin(args))
    }

    /// How the runs go, for assertion messages.
    pub fn name(&self) -> &'static str {
        match self {
            Via::InProcess => "in-process",
            Via::Agent { .. } => "through the agent",
        }
    }
}

impl Drop for Via {
    fn drop(&mut self) {
        if let Via::Agent { stop, .. } = self
            && let Some(stop) = stop.borrow_mut().take()
        {
            let _ = stop.output();
        }
    }
}
