//! The client's side: reach the agent (starting it when needed), check it
//! is the same build, hand it a run and turn its replies back into a
//! [`RunHandle`], so the run is shown exactly like one in-process.

use super::wire::{self, Reply, Request, Status};
use super::{AgentError, AgentFiles, spawn};
use crate::config::{Config, Paths};
use crate::runtime::{
    Answer, Event, Outcome, RunHandle, RunRequest, Status as RunStatus, Stop, TerminalInput,
};
use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::BufReader;
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{Notify, mpsc};

/// Connections to an agent of another build before giving up: it stops
/// when it sees us, and we start ours.
const ATTEMPTS: usize = 5;

/// Runs `request` on the agent, starting one if none serves this user and
/// environment.
pub async fn run(request: RunRequest, idle_timeout: Duration) -> Result<RunHandle, AgentError> {
    let files = AgentFiles::current()?;
    let stream = reach(&files, Some(idle_timeout))
        .await?
        .ok_or_else(|| AgentError::Protocol("no agent answered".into()))?;
    let command = request.command.clone();
    let (input, mut output) = stream.into_split();
    let spec = Request::Run(Box::new(request.into()));
    wire::send(&mut output, &spec).await.map_err(io(&files))?;
    let (events_in, events) = mpsc::channel(256);
    let (answers, answered) = mpsc::channel(1);
    let (terminal, typed) = mpsc::channel(64);
    let cancel = Arc::new(Notify::new());
    tokio::spawn(speak(output, answered, typed, cancel.clone()));
    let outcome = tokio::spawn(hear(input, events_in, cancel.clone(), command));
    Ok(RunHandle::from_parts(
        events, answers, terminal, outcome, cancel,
    ))
}

/// The running agent's status; `None` if none is running.
pub async fn status() -> Result<Option<Status>, AgentError> {
    match ask(Request::Status).await? {
        None => Ok(None),
        Some(Reply::Status(status)) => Ok(Some(status)),
        Some(other) => Err(unexpected(&other)),
    }
}

/// Stops the running agent; whether one was running.
pub async fn stop() -> Result<bool, AgentError> {
    match ask(Request::Stop).await? {
        None => Ok(false),
        Some(Reply::Stopping) => Ok(true),
        Some(other) => Err(unexpected(&other)),
    }
}

/// `azlin cache stats|clear` on the running agent's open cache; `None` if
/// no agent is running (the caller opens the cache itself).
pub async fn cache(
    paths: &Paths,
    config: &Config,
    clear: bool,
) -> Result<Option<Vec<Event>>, AgentError> {
    let request = Request::Cache {
        paths: paths.clone(),
        config: Box::new(config.clone()),
        clear,
    };
    match ask(request).await? {
        None => Ok(None),
        Some(Reply::Events(events)) => Ok(Some(events)),
        Some(Reply::Failed(why)) => Err(AgentError::Protocol(why)),
        Some(other) => Err(unexpected(&other)),
    }
}

/// Sends one request to a running agent (never starting one) and reads its reply.
async fn ask(request: Request) -> Result<Option<Reply>, AgentError> {
    let files = AgentFiles::current()?;
    let Some(stream) = reach(&files, None).await? else {
        return Ok(None);
    };
    let (mut input, mut output) = stream.into_split();
    wire::send(&mut output, &request)
        .await
        .map_err(io(&files))?;
    wire::receive_reply(&mut input).await.map_err(io(&files))
}

/// A connection to this build's agent, past the hello. With `start`, an
/// agent is started (with that idle timeout) when none answers; without,
/// `None` means none runs.
async fn reach(
    files: &AgentFiles,
    start: Option<Duration>,
) -> Result<Option<UnixStream>, AgentError> {
    for _ in 0..ATTEMPTS {
        let stream = match UnixStream::connect(&files.socket).await {
            Ok(stream) => stream,
            Err(error)
                if matches!(
                    error.kind(),
                    ErrorKind::NotFound | ErrorKind::ConnectionRefused
                ) =>
            {
                match start {
                    Some(idle_timeout) => spawn::start(files, idle_timeout).await?,
                    None => return Ok(None),
                }
            }
            Err(source) => return Err(io(files)(source)),
        };
        match hello(files, stream).await? {
            Some(stream) => return Ok(Some(stream)),
            None if start.is_none() => return Ok(None),
            None => continue,
        }
    }
    Err(AgentError::Protocol(format!(
        "an agent of another build kept answering at {}",
        files.socket.display()
    )))
}

/// Says who we are; the stream back if the agent is our build, `None` if it
/// is another (it is stopping).
async fn hello(files: &AgentFiles, stream: UnixStream) -> Result<Option<UnixStream>, AgentError> {
    let (mut input, mut output) = stream.into_split();
    let hello = Request::Hello {
        identity: crate::build::identity(),
    };
    wire::send(&mut output, &hello).await.map_err(io(files))?;
    match wire::receive(&mut input).await.map_err(io(files))? {
        Some(Reply::Welcome { .. }) => {
            Ok(Some(input.reunite(output).map_err(|error| {
                AgentError::Protocol(error.to_string())
            })?))
        }
        Some(Reply::Mismatch { identity }) => {
            tracing::info!("the agent is another build ({identity}); starting ours");
            Ok(None)
        }
        Some(Reply::Refused(why)) => Err(AgentError::Refused(why)),
        Some(other) => Err(unexpected(&other)),
        None => Err(AgentError::Protocol(
            "the agent closed the connection".into(),
        )),
    }
}

/// Sends the user's answers, keystrokes and Ctrl-C to the agent until the
/// run is dropped.
async fn speak(
    mut output: OwnedWriteHalf,
    mut answered: mpsc::Receiver<Answer>,
    mut typed: mpsc::Receiver<TerminalInput>,
    cancel: Arc<Notify>,
) {
    let mut typing = true;
    loop {
        let request = tokio::select! {
            answer = answered.recv() => match answer {
                Some(answer) => Request::Answer(answer),
                None => return,
            },
            input = typed.recv(), if typing => match input {
                Some(input) => Request::Terminal(input),
                None => {
                    typing = false;
                    continue;
                }
            },
            () = cancel.notified() => Request::Cancel,
        };
        if wire::send(&mut output, &request).await.is_err() {
            return;
        }
    }
}

/// Hands the agent's events on until its outcome arrives. An agent that
/// goes away first gives an outcome that says so; a reader that went away
/// (a closed pipe) cancels the run.
async fn hear(
    input: OwnedReadHalf,
    events: mpsc::Sender<Event>,
    cancel: Arc<Notify>,
    command: String,
) -> Outcome {
    let mut input = BufReader::with_capacity(64 << 10, input);
    loop {
        match wire::receive_reply(&mut input).await {
            Ok(Some(Reply::Event(event))) => {
                if events.send(event).await.is_err() {
                    cancel.notify_one();
                }
            }
            Ok(Some(Reply::Outcome(outcome))) => return outcome,
            Ok(Some(other)) => return stopped(command, Stop::Trap(format!("{other:?}"))),
            Ok(None) | Err(_) => return stopped(command, Stop::AgentLost),
        }
    }
}

fn stopped(command: String, stop: Stop) -> Outcome {
    Outcome {
        command,
        status: RunStatus::Stopped(stop),
        log: String::new(),
    }
}

fn unexpected(reply: &Reply) -> AgentError {
    AgentError::Protocol(format!("unexpected reply {reply:?}"))
}

fn io(files: &AgentFiles) -> impl Fn(std::io::Error) -> AgentError + '_ {
    |source| AgentError::Io {
        socket: files.socket.clone(),
        source,
    }
}
