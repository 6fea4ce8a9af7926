//! What client and agent say to each other over the socket: length-prefixed
//! messages, a run's request one way, its events and outcome the other.
//! Requests, and the agent's answer to `Hello`, are JSON, so builds that
//! differ still understand who they talk to; once the agent has welcomed a
//! client of its own build, its replies are postcard, which both decode
//! with the same types (a run's thousand rows cost a fraction of JSON's).

use crate::config::{Config, Paths, RunScope};
use crate::plugin::Limits;
use crate::runtime::{
    Answer, Arguments, Event, Invocation, Outcome, RunRequest, SharedStats, TerminalInput,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest message: a run's whole output limit, with room to spare.
const MOST: usize = 80 << 20;

/// From client to agent. A connection starts with `Hello`, then asks one thing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    Hello {
        identity: String,
    },
    Run(Box<RunSpec>),
    /// The answer to the run's latest question.
    Answer(Answer),
    /// Ctrl-C: stop the run.
    Cancel,
    /// The terminal's side of a `connect` session.
    Terminal(TerminalInput),
    Status,
    Stop,
    /// `azlin cache stats` (false) or `clear` (true) on the agent's open cache.
    Cache {
        paths: Paths,
        config: Box<Config>,
        clear: bool,
    },
}

/// From agent to client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Reply {
    Welcome {
        pid: u32,
    },
    /// The agent is another build; it stops so the client can start its own.
    Mismatch {
        identity: String,
    },
    Refused(String),
    Event(Event),
    Outcome(Outcome),
    Status(Status),
    /// The whole output of a request answered at once (`Cache`).
    Events(Vec<Event>),
    Failed(String),
    Stopping,
}

/// A run as it travels: [`RunRequest`] with its config owned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSpec {
    pub command: String,
    pub arguments: Arguments,
    pub invocation: Invocation,
    pub config: Config,
    pub paths: Paths,
    pub scope: RunScope,
    pub limits: Limits,
}

impl From<RunRequest> for RunSpec {
    fn from(request: RunRequest) -> Self {
        Self {
            command: request.command,
            arguments: request.arguments,
            invocation: request.invocation,
            config: Arc::unwrap_or_clone(request.config),
            paths: request.paths,
            scope: request.scope,
            limits: request.limits,
        }
    }
}

impl From<RunSpec> for RunRequest {
    fn from(spec: RunSpec) -> Self {
        Self {
            command: spec.command,
            arguments: spec.arguments,
            invocation: spec.invocation,
            config: Arc::new(spec.config),
            paths: spec.paths,
            scope: spec.scope,
            limits: spec.limits,
        }
    }
}

/// What `azlin agent status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub pid: u32,
    pub identity: String,
    pub socket: PathBuf,
    pub uptime_ms: u64,
    pub idle_timeout_ms: u64,
    pub runs_served: u64,
    pub clients_now: u64,
    pub shared: SharedStats,
}

/// Writes one JSON message and flushes it.
pub async fn send<T: Serialize>(
    out: &mut (impl AsyncWrite + Unpin),
    message: &T,
) -> io::Result<()> {
    queue(out, message).await?;
    out.flush().await
}

/// Writes one JSON message into `out`'s buffer; the caller flushes.
pub async fn queue<T: Serialize>(
    out: &mut (impl AsyncWrite + Unpin),
    message: &T,
) -> io::Result<()> {
    let bytes = serde_json::to_vec(message).map_err(io::Error::other)?;
    frame(out, &bytes).await
}

/// Reads one JSON message; `None` when the other side closed between messages.
pub async fn receive<T: DeserializeOwned>(
    input: &mut (impl AsyncRead + Unpin),
) -> io::Result<Option<T>> {
    let Some(bytes) = unframe(input).await? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}

/// Writes one reply after the welcome (postcard) and flushes it.
pub async fn send_reply(out: &mut (impl AsyncWrite + Unpin), reply: &Reply) -> io::Result<()> {
    queue_reply(out, reply).await?;
    out.flush().await
}

/// Writes one reply after the welcome into `out`'s buffer; the caller
/// flushes (a run's events go out in batches, not a write per row).
pub async fn queue_reply(out: &mut (impl AsyncWrite + Unpin), reply: &Reply) -> io::Result<()> {
    let bytes = postcard::to_stdvec(reply).map_err(io::Error::other)?;
    frame(out, &bytes).await
}

/// Reads one reply after the welcome; `None` when the agent closed between replies.
pub async fn receive_reply(input: &mut (impl AsyncRead + Unpin)) -> io::Result<Option<Reply>> {
    let Some(bytes) = unframe(input).await? else {
        return Ok(None);
    };
    postcard::from_bytes(&bytes)
        .map(Some)
        .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
}

async fn frame(out: &mut (impl AsyncWrite + Unpin), bytes: &[u8]) -> io::Result<()> {
    let length = u32::try_from(bytes.len()).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(bytes.len() + 4);
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(bytes);
    out.write_all(&frame).await
}

/// One frame's bytes; `None` when the other side closed between frames.
async fn unframe(input: &mut (impl AsyncRead + Unpin)) -> io::Result<Option<Vec<u8>>> {
    let mut length = [0u8; 4];
    match input.read_exact(&mut length).await {
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let length = u32::from_be_bytes(length) as usize;
    if length > MOST {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a message of {length} bytes is over the {MOST}-byte limit"),
        ));
    }
    let mut bytes = vec![0u8; length];
    input.read_exact(&mut bytes).await?;
    Ok(Some(bytes))
}
