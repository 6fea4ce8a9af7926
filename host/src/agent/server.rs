//! The agent process: one per user and environment, holding the lock and
//! the socket, serving clients until it has been idle for a while.

use super::AgentError;
use super::connection;
use super::files::{AgentFiles, current_uid, lock_file};
use crate::config::Paths;
use crate::runtime::Runtime;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::UnixListener;
use tokio::sync::Notify;

/// How long a new agent waits for an old one (of another build) to let go.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// What every connection of the agent shares.
pub struct Agent {
    pub runtime: std::sync::Arc<Runtime>,
    pub identity: String,
    pub files: AgentFiles,
    pub uid: u32,
    pub started: Instant,
    pub idle_timeout: Duration,
    pub runs_served: AtomicU64,
    /// The inode of the socket this agent bound, so it only ever removes its own.
    socket_inode: Option<u64>,
    clients: AtomicU64,
    last_seen: Mutex<Instant>,
    changed: Notify,
    stop: Notify,
}

impl Agent {
    /// Clients connected now.
    pub fn clients_now(&self) -> u64 {
        self.clients.load(Ordering::SeqCst)
    }

    /// Asks the agent to stop taking clients and exit once the current ones
    /// are done. The socket goes at once, so the next client starts a new agent.
    pub fn stop(&self) {
        self.withdraw();
        self.stop.notify_one();
    }

    /// Removes the socket from the directory if it is still this agent's
    /// (a newer agent may have bound the path since).
    fn withdraw(&self) {
        let ours = std::fs::symlink_metadata(&self.files.socket)
            .is_ok_and(|meta| Some(meta.ino()) == self.socket_inode);
        if ours {
            let _ = std::fs::remove_file(&self.files.socket);
        }
    }

    fn arrive(&self) {
        self.clients.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    fn leave(&self) {
        *self.last_seen.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.clients.fetch_sub(1, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Returns once no client has been connected for `idle_timeout`.
    async fn idle(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.clients_now() > 0 {
                changed.await;
                continue;
            }
            let last = *self.last_seen.lock().unwrap_or_else(|e| e.into_inner());
            tokio::select! {
                () = tokio::time::sleep_until((last + self.idle_timeout).into()) => return,
                () = changed => {}
            }
        }
    }

    /// Returns once no client is connected.
    async fn drained(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.clients_now() == 0 {
                return;
            }
            changed.await;
        }
    }
}

/// Runs the agent for this process's environment: takes its lock, listens,
/// writes `ready` on stdout for the client that started it, and serves
/// until idle for `idle_timeout` or told to stop.
pub async fn serve(idle_timeout: Duration) -> Result<(), AgentError> {
    let files = AgentFiles::current()?;
    let lock = take_lock(&files).await?;
    let _ = std::fs::remove_file(&files.socket);
    let io = |source| AgentError::Io {
        socket: files.socket.clone(),
        source,
    };
    let listener = UnixListener::bind(&files.socket).map_err(io)?;
    let socket_inode = std::fs::symlink_metadata(&files.socket)
        .ok()
        .map(|meta| meta.ino());
    let paths = Paths::resolve(None).map_err(|error| AgentError::Protocol(error.to_string()))?;
    let runtime =
        Runtime::shared(&paths).map_err(|error| AgentError::Protocol(error.to_string()))?;
    let agent = std::sync::Arc::new(Agent {
        runtime,
        identity: crate::build::identity(),
        files: files.clone(),
        uid: current_uid(),
        started: Instant::now(),
        idle_timeout,
        runs_served: AtomicU64::new(0),
        socket_inode,
        clients: AtomicU64::new(0),
        last_seen: Mutex::new(Instant::now()),
        changed: Notify::new(),
        stop: Notify::new(),
    });
    announce_ready();
    tracing::info!(
        "agent {} serving {}",
        std::process::id(),
        files.socket.display()
    );
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let agent = agent.clone();
                    agent.arrive();
                    tokio::spawn(async move {
                        connection::serve(&agent, stream).await;
                        agent.leave();
                    });
                }
                Err(error) => tracing::warn!("accepting a client failed: {error}"),
            },
            () = agent.idle() => break,
            () = agent.stop.notified() => break,
        }
    }
    // Let a new agent start at once; the clients still here finish first.
    drop(listener);
    agent.withdraw();
    drop(lock);
    agent.drained().await;
    Ok(())
}

/// The agent's lock, waiting a little for an agent of another build to go.
async fn take_lock(files: &AgentFiles) -> Result<File, AgentError> {
    let file = lock_file(&files.lock).map_err(|source| AgentError::Dir {
        dir: files.lock.clone(),
        source,
    })?;
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(AgentError::AlreadyRunning(files.socket.clone()));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(AgentError::Dir {
                    dir: files.lock.clone(),
                    source,
                });
            }
        }
    }
}

/// Tells the client that started the agent that the socket is ready.
fn announce_ready() {
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "ready").and_then(|()| stdout.flush());
}
