//! Running one command on a session channel: stdin in, stdout, stderr and
//! exit status out, stopped at the request's deadline.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use russh::client::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf, ChannelWriteHalf, Sig};
use tokio::time::Instant;

use super::connection::protocol_error;
use super::{Destination, SshError};
use crate::memory::{Account, Reservation};

/// A command to run on a VM.
#[derive(Debug, Clone)]
pub struct ExecRequest {
    /// Run by the login user's shell, as `ssh host 'command'` would.
    pub command: String,
    /// Sent to the command's standard input, then end of file.
    pub stdin: Option<Vec<u8>>,
    /// Limit from the call to the command's end, connecting included (the
    /// pool's connect limit may end connecting sooner).
    pub timeout: Duration,
    /// The run whose memory the output is held in: output past what it
    /// allows ends the command. `None`: unbounded (the host's own use).
    pub memory: Option<Arc<Account>>,
}

/// What a command printed and how it ended.
#[derive(Debug)]
pub struct ExecOutput {
    /// The exit status; `None` if a signal ended the command.
    pub exit_code: Option<i32>,
    /// Everything the command wrote to standard output.
    pub stdout: Vec<u8>,
    /// Everything the command wrote to standard error.
    pub stderr: Vec<u8>,
    /// From the call to the command's end, connecting included.
    pub duration: Duration,
    /// Whether the command ran on a connection opened before this call.
    pub reused: bool,
    /// The memory `stdout` and `stderr` take from the request's run, given
    /// back when dropped.
    pub held: Option<Reservation>,
}

/// The command's own results, before the pool adds timing.
pub(crate) struct Finished {
    pub(crate) exit_code: Option<i32>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) held: Option<Reservation>,
}

impl Finished {
    /// Reserves `bytes` more output in the request's run, or fails naming
    /// the limit.
    fn hold(
        &mut self,
        bytes: usize,
        dest: &Destination,
        request: &ExecRequest,
    ) -> Result<(), SshError> {
        let Some(memory) = &request.memory else {
            return Ok(());
        };
        let reserved = memory
            .reserve(bytes as u64)
            .ok_or_else(|| SshError::OutputTooLarge {
                dest: dest.clone(),
                command: request.command.clone(),
                limit: memory.limit(),
            })?;
        match &mut self.held {
            Some(held) => held.absorb(reserved),
            None => self.held = Some(reserved),
        }
        Ok(())
    }
}

/// Runs `request` on `channel` until the channel closes or `deadline`
/// passes; on the deadline the command is sent SIGTERM and its channel
/// closed, leaving the connection open. (sshd refuses signals on root
/// logins, which run without privilege separation: there the command
/// runs on.)
pub(crate) async fn run(
    channel: Channel<Msg>,
    dest: &Destination,
    request: &ExecRequest,
    deadline: Instant,
) -> Result<Finished, SshError> {
    let (mut output, input) = channel.split();
    let input = Abandon(Some(input));
    let work = async {
        input
            .exec(true, request.command.as_bytes())
            .await
            .map_err(|error| protocol_error(dest, error))?;
        let feeding = async {
            feed(&input, request.stdin.as_deref()).await;
            std::future::pending::<Infallible>().await
        };
        tokio::select! {
            finished = drain(&mut output, dest, request) => finished,
            never = feeding => match never {},
        }
    };
    let ended = tokio::time::timeout_at(deadline, work).await;
    let input = input.disarm();
    match ended {
        Ok(Err(error @ SshError::OutputTooLarge { .. })) => {
            let _ = input.signal(Sig::TERM).await;
            let _ = input.close().await;
            Err(error)
        }
        Ok(finished) => finished,
        Err(_) => {
            let _ = input.signal(Sig::TERM).await;
            let _ = input.close().await;
            Err(SshError::Timeout {
                dest: dest.clone(),
                command: request.command.clone(),
                after: request.timeout,
            })
        }
    }
}

/// The channel of an exec in progress: if the exec is dropped unfinished
/// (Ctrl-C, a cancelled fan-out), the command is sent SIGTERM and its
/// channel closed, so the connection stays clean for the next exec.
struct Abandon(Option<ChannelWriteHalf<Msg>>);

impl Abandon {
    /// The channel, no longer closed on drop: the exec ended on its own.
    fn disarm(mut self) -> ChannelWriteHalf<Msg> {
        self.0.take().expect("armed until disarmed")
    }
}

impl std::ops::Deref for Abandon {
    type Target = ChannelWriteHalf<Msg>;

    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("armed until disarmed")
    }
}

impl Drop for Abandon {
    fn drop(&mut self) {
        let (Some(input), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        runtime.spawn(async move {
            let _ = input.signal(Sig::TERM).await;
            let _ = input.close().await;
        });
    }
}

/// Writes stdin (if any) and end of file. A command may exit without
/// reading it all, so write errors are not the command's failure.
async fn feed(input: &ChannelWriteHalf<Msg>, stdin: Option<&[u8]>) {
    if let Some(bytes) = stdin
        && input.data(bytes).await.is_err()
    {
        return;
    }
    let _ = input.eof().await;
}

/// Collects output until the server closes the channel, each chunk
/// reserved in the request's run first.
async fn drain(
    output: &mut ChannelReadHalf,
    dest: &Destination,
    request: &ExecRequest,
) -> Result<Finished, SshError> {
    let mut finished = Finished {
        exit_code: None,
        stdout: Vec::new(),
        stderr: Vec::new(),
        held: None,
    };
    let mut ended = false;
    loop {
        match output.wait().await {
            Some(ChannelMsg::Data { data }) => {
                finished.hold(data.len(), dest, request)?;
                finished.stdout.extend_from_slice(&data);
            }
            Some(ChannelMsg::ExtendedData { data, ext: 1 }) => {
                finished.hold(data.len(), dest, request)?;
                finished.stderr.extend_from_slice(&data);
            }
            Some(ChannelMsg::ExitStatus { exit_status }) => {
                finished.exit_code = i32::try_from(exit_status).ok();
                ended = true;
            }
            Some(ChannelMsg::ExitSignal { .. }) => ended = true,
            Some(ChannelMsg::Failure) => {
                return Err(SshError::Protocol {
                    dest: dest.clone(),
                    why: "the server refused to run the command".to_string(),
                });
            }
            Some(ChannelMsg::Close) | None => break,
            Some(_) => {}
        }
    }
    if ended {
        Ok(finished)
    } else {
        Err(SshError::Protocol {
            dest: dest.clone(),
            why: "the connection ended before the command did".to_string(),
        })
    }
}
