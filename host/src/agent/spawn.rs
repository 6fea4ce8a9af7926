//! Starting the agent: one client at a time (a lock file), the agent in a
//! process group of its own (so the terminal's Ctrl-C does not reach it),
//! its stderr in a log, and `ready` on its stdout when it listens.

use super::files::lock_file;
use super::{AgentError, AgentFiles};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::net::UnixStream;

/// How long a new agent may take to listen (it loads no plugin to do so).
const START_WAIT: Duration = Duration::from_secs(10);

/// Starts the agent of `files` unless a racing client did, and connects.
pub async fn start(files: &AgentFiles, idle_timeout: Duration) -> Result<UnixStream, AgentError> {
    let _turn = take_turn(files).await?;
    if let Ok(stream) = UnixStream::connect(&files.socket).await {
        return Ok(stream);
    }
    let exe = std::env::current_exe().map_err(AgentError::Spawn)?;
    let log = File::options()
        .create(true)
        .append(true)
        .open(&files.log)
        .map_err(AgentError::Spawn)?;
    let mut child = Command::new(exe)
        .args(["agent", "serve", "--idle-timeout"])
        .arg(idle_timeout.as_secs_f64().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(AgentError::Spawn)?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let announced = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let no_start = || AgentError::NoStart {
        after: START_WAIT,
        log: files.log.clone(),
    };
    match tokio::time::timeout(START_WAIT, announced).await {
        // `ready`, or nothing from an agent that found another already serving.
        Ok(Ok(Ok(_))) => {}
        _ => return Err(no_start()),
    }
    UnixStream::connect(&files.socket)
        .await
        .map_err(|_| no_start())
}

/// Waits for other clients starting the agent; the turn lasts while the file is held.
async fn take_turn(files: &AgentFiles) -> Result<File, AgentError> {
    let file = lock_file(&files.spawn_lock).map_err(AgentError::Spawn)?;
    let locked = tokio::task::spawn_blocking(move || file.lock().map(|()| file));
    match tokio::time::timeout(START_WAIT, locked).await {
        Ok(Ok(Ok(file))) => Ok(file),
        Ok(Ok(Err(error))) => Err(AgentError::Spawn(error)),
        _ => Err(AgentError::NoStart {
            after: START_WAIT,
            log: files.log.clone(),
        }),
    }
}
