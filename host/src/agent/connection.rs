//! One client's conversation with the agent: who it is, which build, then
//! one request — a run streamed back event by event, a status, a stop.

use super::server::Agent;
use super::wire::{self, Reply, Request, Status};
use crate::runtime::{Outcome, RunHandle, Status as RunStatus, Stop, TerminalInput};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;

/// Bytes of events gathered before a write to the client.
const BATCH: usize = 64 << 10;

/// Serves one connection to its end; failures are logged, never fatal.
pub async fn serve(agent: &Arc<Agent>, stream: UnixStream) {
    if let Err(error) = converse(agent, stream).await {
        tracing::debug!("a client conversation ended early: {error}");
    }
}

async fn converse(agent: &Arc<Agent>, stream: UnixStream) -> std::io::Result<()> {
    let peer = stream.peer_cred()?.uid();
    let (mut input, mut output) = stream.into_split();
    if peer != agent.uid {
        let why = format!("uid {peer} may not use the agent of uid {}", agent.uid);
        tracing::warn!("refused a client: {why}");
        return wire::send(&mut output, &Reply::Refused(why)).await;
    }
    let Some(Request::Hello { identity }) = wire::receive(&mut input).await? else {
        return wire::send(&mut output, &Reply::Refused("say hello first".into())).await;
    };
    if identity != agent.identity {
        tracing::info!("a client of another build arrived ({identity}); stopping");
        agent.stop();
        let mismatch = Reply::Mismatch {
            identity: agent.identity.clone(),
        };
        return wire::send(&mut output, &mismatch).await;
    }
    let welcome = Reply::Welcome {
        pid: std::process::id(),
    };
    wire::send(&mut output, &welcome).await?;
    match wire::receive(&mut input).await? {
        Some(Request::Run(spec)) => run(agent, (*spec).into(), input, output).await,
        Some(Request::Status) => wire::send_reply(&mut output, &Reply::Status(status(agent))).await,
        Some(Request::Stop) => {
            agent.stop();
            wire::send_reply(&mut output, &Reply::Stopping).await
        }
        Some(Request::Cache {
            paths,
            config,
            clear,
        }) => {
            let reply = match agent
                .runtime
                .kept_cache_report(paths, Arc::new(*config), clear)
            {
                Ok(events) => Reply::Events(events),
                Err(why) => Reply::Failed(why),
            };
            wire::send_reply(&mut output, &reply).await
        }
        Some(other) => {
            let why = format!("unexpected request {other:?}");
            wire::send_reply(&mut output, &Reply::Refused(why)).await
        }
        None => Ok(()),
    }
}

/// Runs a command, sending its events as they come and its outcome last;
/// the client's answers and Ctrl-C come the other way. A client that goes
/// away cancels its run.
async fn run(
    agent: &Arc<Agent>,
    request: crate::runtime::RunRequest,
    input: OwnedReadHalf,
    output: OwnedWriteHalf,
) -> std::io::Result<()> {
    let mut output = BufWriter::with_capacity(BATCH, output);
    agent.runs_served.fetch_add(1, Ordering::Relaxed);
    let mut handle = agent.runtime.run(request);
    let mut client = listen(input, handle.terminal.clone());
    let mut listening = true;
    loop {
        tokio::select! {
            event = handle.events.recv() => match event {
                Some(event) => {
                    wire::queue_reply(&mut output, &Reply::Event(event)).await?;
                    while let Ok(event) = handle.events.try_recv() {
                        wire::queue_reply(&mut output, &Reply::Event(event)).await?;
                    }
                    output.flush().await?;
                }
                None => break,
            },
            request = client.recv(), if listening => listening = heed(&handle, request).await,
        }
    }
    let outcome = loop {
        tokio::select! {
            joined = &mut handle.outcome => break joined.unwrap_or_else(|lost| Outcome {
                command: String::new(),
                status: RunStatus::Stopped(Stop::Trap(lost.to_string())),
                log: String::new(),
            }),
            request = client.recv(), if listening => listening = heed(&handle, request).await,
        }
    };
    wire::send_reply(&mut output, &Reply::Outcome(outcome)).await
}

/// The client's messages, read by a task of their own (a read cut short by
/// `select!` would lose part of a message); closed when the client is gone.
/// Keystrokes go straight to the run's terminal from here, waiting for room
/// there, so none is lost and the events keep flowing meanwhile.
fn listen(
    mut input: OwnedReadHalf,
    terminal: mpsc::Sender<TerminalInput>,
) -> mpsc::Receiver<Request> {
    let (sender, requests) = mpsc::channel(8);
    tokio::spawn(async move {
        while let Ok(Some(request)) = wire::receive::<Request>(&mut input).await {
            let delivered = match request {
                Request::Terminal(typed) => terminal.send(typed).await.is_ok(),
                request => sender.send(request).await.is_ok(),
            };
            if !delivered {
                return;
            }
        }
    });
    requests
}

/// Acts on what the client sent during a run; whether to keep listening.
async fn heed(handle: &RunHandle, request: Option<Request>) -> bool {
    match request {
        Some(Request::Answer(answer)) => {
            let _ = handle.answers.send(answer).await;
            true
        }
        Some(Request::Cancel) => {
            handle.cancel();
            true
        }
        Some(_) => true,
        None => {
            handle.cancel();
            false
        }
    }
}

fn status(agent: &Agent) -> Status {
    Status {
        pid: std::process::id(),
        identity: agent.identity.clone(),
        socket: agent.files.socket.clone(),
        uptime_ms: agent.started.elapsed().as_millis() as u64,
        idle_timeout_ms: agent.idle_timeout.as_millis() as u64,
        runs_served: agent.runs_served.load(Ordering::Relaxed),
        clients_now: agent.clients_now(),
        shared: agent.runtime.shared_stats().unwrap_or_default(),
    }
}
