//! An interactive session on one channel: a pseudo-terminal when the user
//! has a terminal, a login shell or a command, keystrokes in and output
//! out until the remote side ends or the connection drops.

use russh::client::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf, ChannelWriteHalf, Pty};

use super::connection::protocol_error;
use super::{Destination, SshError};

/// What to start on the channel.
#[derive(Debug, Clone)]
pub struct ShellRequest {
    /// Run by the login shell; `None` starts the login shell itself.
    pub command: Option<String>,
    /// A pseudo-terminal of this size and `$TERM`; `None` pipes the
    /// streams through as `ssh host command` without a terminal does.
    pub pty: Option<PtyRequest>,
}

/// The pseudo-terminal asked for.
#[derive(Debug, Clone)]
pub struct PtyRequest {
    pub term: String,
    pub cols: u16,
    pub rows: u16,
}

/// Something the user's side sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellInput {
    Data(Vec<u8>),
    Eof,
    Resize { cols: u16, rows: u16 },
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellEnd {
    /// The remote side ended with this status (`None`: by a signal).
    Exited(Option<i32>),
    /// The connection went away first; the session may be started again.
    Dropped,
    /// The user's side went away (it closed its input).
    Abandoned,
}

/// Where a session's input comes from and its output goes.
pub trait ShellIo {
    /// The next input; `None` when the user's side has gone.
    fn input(&mut self) -> impl Future<Output = Option<ShellInput>> + Send;
    /// Hands on output (`stderr`: the remote's standard error); false when
    /// nobody reads it any more.
    fn output(&mut self, bytes: Vec<u8>, stderr: bool) -> impl Future<Output = bool> + Send;
    /// The latest window size seen, for a pseudo-terminal asked for again
    /// after a reconnect.
    fn resized(&mut self, _cols: u16, _rows: u16) {}
}

/// Starts `request` on `channel` and relays between it and `io` until it ends.
pub(crate) async fn run(
    channel: Channel<Msg>,
    dest: &Destination,
    request: &ShellRequest,
    io: &mut impl ShellIo,
) -> Result<ShellEnd, SshError> {
    let (mut output, input) = channel.split();
    start(&input, request)
        .await
        .map_err(|error| protocol_error(dest, error))?;
    let ended = relay(&mut output, &input, dest, io).await;
    if !matches!(ended, Ok(ShellEnd::Dropped)) {
        let _ = input.close().await;
    }
    ended
}

async fn start(input: &ChannelWriteHalf<Msg>, request: &ShellRequest) -> Result<(), russh::Error> {
    if let Some(pty) = &request.pty {
        let modes = [(Pty::ECHO, 1), (Pty::ICANON, 1), (Pty::ISIG, 1)];
        input
            .request_pty(
                false,
                &pty.term,
                u32::from(pty.cols),
                u32::from(pty.rows),
                0,
                0,
                &modes,
            )
            .await?;
    }
    match &request.command {
        Some(command) => input.exec(true, command.as_bytes()).await,
        None => input.request_shell(true).await,
    }
}

async fn relay(
    output: &mut ChannelReadHalf,
    input: &ChannelWriteHalf<Msg>,
    dest: &Destination,
    io: &mut impl ShellIo,
) -> Result<ShellEnd, SshError> {
    let mut status = None;
    loop {
        tokio::select! {
            message = output.wait() => match message {
                Some(ChannelMsg::Data { data }) => {
                    if !io.output(data.to_vec(), false).await {
                        return Ok(ShellEnd::Abandoned);
                    }
                }
                Some(ChannelMsg::ExtendedData { data, .. }) => {
                    if !io.output(data.to_vec(), true).await {
                        return Ok(ShellEnd::Abandoned);
                    }
                }
                Some(ChannelMsg::ExitStatus { exit_status }) => {
                    status = Some(ShellEnd::Exited(i32::try_from(exit_status).ok()));
                }
                Some(ChannelMsg::ExitSignal { .. }) => status = Some(ShellEnd::Exited(None)),
                Some(ChannelMsg::Failure) => {
                    return Err(SshError::Protocol {
                        dest: dest.clone(),
                        why: "the server refused to start the session".into(),
                    });
                }
                Some(ChannelMsg::Close) => return Ok(status.unwrap_or(ShellEnd::Exited(None))),
                None => return Ok(status.unwrap_or(ShellEnd::Dropped)),
                Some(_) => {}
            },
            typed = io.input() => {
                let sent = match typed {
                    Some(ShellInput::Data(bytes)) => input.data(&bytes[..]).await,
                    Some(ShellInput::Eof) => input.eof().await,
                    Some(ShellInput::Resize { cols, rows }) => {
                        io.resized(cols, rows);
                        input.window_change(u32::from(cols), u32::from(rows), 0, 0).await
                    }
                    None => return Ok(ShellEnd::Abandoned),
                };
                // A failed write means the channel is going; its end arrives on `output`.
                let _ = sent;
            }
        }
    }
}
